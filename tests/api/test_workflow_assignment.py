"""Handing out work through `POST …/queues/{stage}/next` (docs/workflow.md, "Assignment"):
nobody gets a task twice or their own work to review, overlap is never exceeded, leases hold
and expire, skips stick, the queue follows batch order, priority and the ordering strategy,
tiers and roles gate the stages, and pilot and calibration batches come first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from accord.db.tables import Assignment
from accord.db.types import utcnow
from tests.api.workflow_support import (
    add_members,
    answer,
    fresh_requests,
    images,
    make_project,
    queue_order,
    scene,
    submit,
    take,
    taken_id,
    task_of,
)


@pytest.fixture
def app(app, session):  # type: ignore[no-untyped-def]
    return fresh_requests(app, session)


def test_nobody_is_handed_a_task_they_already_answered(session, world, as_):
    project, tasks = make_project(session, world, as_, {"overlap": 2}, images(2))
    assert answer(as_("annotator"), project, [scene()]) == tasks[0]
    assert answer(as_("annotator"), project, [scene()]) == tasks[1]  # t0 still has a slot
    assert take(as_("annotator"), project)["task"] is None


def test_nobody_is_handed_their_own_work_to_review(session, world, as_):
    project, [task] = make_project(session, world, as_, {"review_sample": 1.0}, images(1))
    assert answer(as_("reviewer"), project, [scene()]) == task
    assert task_of(as_, project, task)["state"] == "review"
    assert take(as_("reviewer"), project, "review")["task"] is None
    assert taken_id(as_("manager"), project, "review") == task


def test_a_task_is_never_handed_out_beyond_its_overlap(session, world, as_):
    crew = ("a1", "a2", "a3", "a4")
    project, [task] = make_project(session, world, as_, {"overlap": 2}, images(1),
                                   annotators=crew)
    assert [taken_id(as_(name), project) for name in crew] == [task, task, None, None]
    assert task_of(as_, project, task)["taken"] == 2
    for name in crew[:2]:
        assert submit(as_(name), project, task, [scene()]).status_code == 201
    assert task_of(as_, project, task)["state"] == "done"
    assert [taken_id(as_(name), project) for name in crew[2:]] == [None, None]


def test_asking_again_while_the_lease_runs_returns_the_same_task(session, world, as_):
    project, tasks = make_project(session, world, as_, {}, images(3))
    first, again = take(as_("annotator"), project), take(as_("annotator"), project)
    assert first["task"]["id"] == again["task"]["id"] == tasks[0]
    assert first["lease"]["id"] == again["lease"]["id"]
    assert again["lease"]["expires_at"] >= first["lease"]["expires_at"]
    assert task_of(as_, project, tasks[0])["taken"] == 1


def test_an_expired_lease_returns_the_task_to_the_queue(session, world, as_):
    project, [task] = make_project(session, world, as_, {"lease_seconds": 10}, images(1),
                                   annotators=("a1", "a2"))
    assert taken_id(as_("a1"), project) == task
    assert take(as_("a2"), project)["task"] is None
    session.execute(update(Assignment).where(Assignment.task_id == task)
                    .values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert taken_id(as_("a2"), project) == task
    assert task_of(as_, project, task)["taken"] == 1
    late = submit(as_("a1"), project, task, [scene("night")])  # the slot is a2's now
    assert late.status_code == 409 and late.json()["code"] == "not_assigned"
    draft = as_("a1").get(f"/api/projects/{project}/tasks/{task}/draft").json()
    assert draft["regions"] == [scene("night")]


def test_a_skipped_task_is_never_offered_again_but_others_may_take_it(session, world, as_):
    project, tasks = make_project(session, world, as_, {}, images(2), annotators=("a1", "a2"))
    assert queue_order(as_("a1"), project) == tasks  # each taken once, skipped, not again
    assert take(as_("a1"), project)["task"] is None
    assert taken_id(as_("a2"), project) == tasks[0]


def test_the_queue_follows_batch_order_then_priority(session, world, as_):
    records = [*images(2, "late", batch="late"), *images(1, "rest", priority=9),
               *images(1, "first", batch="first"),
               *images(1, "urgent", batch="first", priority=5)]
    project, [late0, late1, rest, first, urgent] = make_project(
        session, world, as_, {"batch_order": ["first", "late"]}, records)
    assert queue_order(as_("annotator"), project) == [urgent, first, late0, late1, rest]


def test_changing_a_tasks_priority_moves_it_in_the_queue(session, world, as_):
    project, tasks = make_project(session, world, as_, {}, images(3))
    moved = as_("manager").patch(f"/api/projects/{project}/tasks/{tasks[2]}",
                                 json={"priority": 3})
    assert moved.status_code == 200, moved.text
    assert queue_order(as_("annotator"), project) == [tasks[2], tasks[0], tasks[1]]


def test_random_ordering_is_one_shuffle_for_everyone_and_can_be_switched_back(
        session, world, as_):
    project, tasks = make_project(session, world, as_, {"ordering": "random"}, images(8),
                                  annotators=("a1", "a2", "a3"))
    shuffled = queue_order(as_("a1"), project)
    assert sorted(shuffled) == tasks and shuffled != tasks
    assert queue_order(as_("a2"), project) == shuffled
    as_("manager").patch(f"/api/projects/{project}/workflow", json={"ordering": "sequential"})
    assert queue_order(as_("a3"), project) == tasks


def test_uncertainty_ordering_serves_the_least_confident_prediction_first(
        session, world, as_):
    def predicted(score: float) -> list[dict]:
        return [{"regions": [scene()], "model_version": "m1", "score": score}]

    records = [{"data": {"image": f"p-{i}.png"}, **({"predictions": predicted(score)}
                                                    if score is not None else {})}
               for i, score in enumerate((0.9, None, 0.2, 0.5, None))]
    project, tasks = make_project(session, world, as_, {"ordering": "uncertainty"}, records,
                                  annotators=("a1", "a2"))
    assert queue_order(as_("a1"), project) == [tasks[i] for i in (2, 3, 0, 1, 4)]
    uploaded = as_("manager").post(f"/api/projects/{project}/predictions", json={
        "predictions": [{"task_id": tasks[4], **predicted(0.1)[0]}]})
    assert uploaded.status_code == 201, uploaded.text
    assert queue_order(as_("a2"), project)[0] == tasks[4]


# Who may take which stage.

def test_annotators_may_not_take_review_or_adjudication(session, world, as_):
    project, _ = make_project(session, world, as_, {}, images(1))
    for stage in ("review", "adjudicate"):
        response = as_("annotator").post(f"/api/projects/{project}/queues/{stage}/next")
        assert response.status_code == 403, stage
        assert stage in response.json()["message"]


def test_stage_tiers_refuse_a_tier_the_policy_does_not_allow(session, world, as_):
    policy = {"stage_tiers": {"label": ["senior", "expert"], "adjudicate": ["expert"]}}
    project, tasks = make_project(session, world, as_, policy, images(1))
    add_members(session, world, project, ["senior1"], tier="senior")
    refused = as_("annotator").post(f"/api/projects/{project}/queues/label/next")
    assert refused.status_code == 403 and "junior" in refused.json()["message"]
    assert taken_id(as_("senior1"), project) == tasks[0]
    assert as_("reviewer").post(  # a junior reviewer
        f"/api/projects/{project}/queues/adjudicate/next").status_code == 403
    assert take(as_("manager"), project, "adjudicate")["task"] is None  # an expert: allowed


def test_batch_tiers_keep_a_batch_from_the_tiers_not_named(session, world, as_):
    records = [*images(2, "hard", batch="hard"), *images(1, "easy")]
    project, [hard0, hard1, easy] = make_project(
        session, world, as_, {"batch_tiers": {"hard": ["senior", "expert"]}}, records)
    add_members(session, world, project, ["senior1"], tier="senior")
    assert queue_order(as_("annotator"), project) == [easy]
    assert queue_order(as_("senior1"), project) == [hard0, hard1, easy]


# Pilot and calibration batches.

def test_only_the_pilot_is_handed_out_until_a_manager_approves_it(session, world, as_):
    records = [*images(2, "pilot", batch="pilot"), *images(2, "main")]
    project, tasks = make_project(session, world, as_,
                                  {"overlap": 2, "pilot_batch": "pilot"}, records,
                                  annotators=("a1", "a2"))
    for name, lead_time in (("a1", 4.0), ("a2", 8.0)):
        for _ in range(2):
            task_id = taken_id(as_(name), project)
            assert task_id in tasks[:2]
            done = as_(name).post(f"/api/projects/{project}/tasks/{task_id}/annotations",
                                  json={"regions": [scene()], "lead_time_s": lead_time})
            assert done.status_code == 201, done.text
    closed = take(as_("a1"), project)
    assert closed["task"] is None and "pilot" in closed["reason"]
    url = f"/api/projects/{project}/workflow/pilot"
    report = as_("reviewer").get(url).json()
    assert (report["batch"], report["approved"]) == ("pilot", False)
    assert (report["tasks"]["total"], report["tasks"]["done"]) == (2, 2)
    assert (report["agreement"]["mean"], report["agreement"]["tasks"]) == (1.0, 2)
    assert report["time_per_task_s"] == {"median": 6.0, "p90": 8.0, "answers": 4}
    assert [a["median_time_s"] for a in report["annotators"]] == [4.0, 8.0]
    assert as_("a1").post(f"{url}/approve").status_code == 403
    assert as_("manager").post(f"{url}/approve").json()["pilot_approved"] is True
    assert as_("reviewer").get(url).json()["approved"] is True
    assert taken_id(as_("a1"), project) == tasks[2]


def test_every_annotator_labels_the_calibration_batch_first(session, world, as_):
    records = [*images(2, "main"), *images(2, "calib", batch="calib")]
    project, tasks = make_project(session, world, as_,
                                  {"overlap": 1, "calibration_batch": "calib"}, records,
                                  annotators=("a1", "a2"))
    calibration = tasks[2:]
    for name in ("a1", "a2"):
        for task_id, cls in zip(calibration, ("day", "night"), strict=True):
            assert answer(as_(name), project, [scene(cls)]) == task_id
    assert all(task_of(as_, project, t)["state"] == "label" for t in calibration)
    assert taken_id(as_("a1"), project) == tasks[0]
    report = as_("reviewer").get(f"/api/projects/{project}/workflow/calibration").json()
    assert (report["batch"], report["tasks"]) == ("calib", 2)
    assert [(a["answered"], a["complete"], a["mean_score"]) for a in report["annotators"]] == [
        (2, True, 1.0), (2, True, 1.0)]
    [alpha] = [label["alpha"] for label in report["labels"] if label["label"] == "scene"]
    assert alpha["value"] == pytest.approx(1.0)


def test_queue_counts_leave_out_what_the_caller_may_not_take(session, world, as_):
    records = [*images(2, "hard", batch="hard"), *images(1, "easy"),
               *images(1, "calib", batch="calib")]
    policy = {"batch_tiers": {"hard": ["expert"]}, "calibration_batch": "calib"}
    project, _ = make_project(session, world, as_, policy, records)
    counts = as_("annotator").get(f"/api/projects/{project}/queues").json()
    assert counts == {"label": {"available": 2, "more": False, "mine": 0, "returned": 0}}  # easy, calib
    assert as_("manager").get(f"/api/projects/{project}/queues").json()["label"][
        "available"] == 4


def test_a_leased_task_comes_with_the_callers_own_draft(session, world, as_):
    """A label stream opens a task, and the work already in it, in one request."""
    project, [task] = make_project(session, world, as_, {}, images(1))
    annotator = as_("annotator")
    assert take(annotator, project)["draft"] is None
    saved = annotator.put(f"/api/projects/{project}/tasks/{task}/draft",
                          json={"regions": [scene()], "base_version": 0}).json()
    again = take(annotator, project)
    assert again["task"]["id"] == task and again["draft"]["id"] == saved["id"]
    assert again["draft"]["regions"] == [scene()] and again["draft"]["version"] == 1
