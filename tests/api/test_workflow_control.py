"""A manager's hand on the workflow through the HTTP API (docs/workflow.md, "Flags and
guidelines", "History and control", "The policy"): flags that release the lease and publish
guidelines, assign, release, re-open, freeze and unfreeze with their audit trail and task
history, and the policy's GET and PATCH."""

from __future__ import annotations

from typing import Any

import pytest

from accord.core.workflow import DEFAULT_REVIEW_CATEGORIES
from tests.api.workflow_support import (
    answer,
    audit_actions,
    fresh_requests,
    images,
    make_project,
    scene,
    submit,
    take,
    taken_id,
    task_of,
)


@pytest.fixture
def app(app, session):  # type: ignore[no-untyped-def]
    return fresh_requests(app, session)


def _history(as_, project: int, task: int) -> dict[str, Any]:
    response = as_("reviewer").get(f"/api/projects/{project}/tasks/{task}/history")
    assert response.status_code == 200, response.text
    return response.json()


def _control(as_, project: int, task: int, action: str, **body: Any) -> dict[str, Any]:
    response = as_("manager").post(f"/api/projects/{project}/tasks/{task}/{action}",
                                   json=body or None)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _events(as_, project: int, task: int) -> list[str]:
    return [e["action"] for e in _history(as_, project, task)["events"]]


# Flags and guidelines.

def test_a_flag_releases_the_lease_and_its_resolution_publishes_guidelines(
        session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 2}, images(1),
                                   annotators=("a1", "a2"))
    url = f"/api/projects/{project}"
    assert taken_id(as_("a1"), project) == task
    flag = as_("a1").post(f"{url}/tasks/{task}/flags", json={"note": "dusk: day or night?"})
    assert flag.status_code == 201, flag.text
    assert task_of(as_, project, task)["taken"] == 0
    assert [f["id"] for f in as_("manager").get(f"{url}/flags?status=open").json()["items"]
            ] == [flag.json()["id"]]
    before = submit(as_("a2"), project, task, [scene("day")]).json()
    resolved = as_("manager").post(f"{url}/flags/{flag.json()['id']}/resolve", json={
        "resolution": "dusk counts as night", "guidelines": "# Scenes\n\nDusk is night."})
    assert resolved.status_code == 200, resolved.text
    guidelines = as_("a1").get(f"{url}/guidelines").json()
    assert guidelines["version"] == resolved.json()["guideline_version"]
    assert guidelines["body"] == "# Scenes\n\nDusk is night."
    assert taken_id(as_("a1"), project) == task  # the flagger may come back to it
    after = submit(as_("a1"), project, task, [scene("night")]).json()
    assert after["guideline_version"] == guidelines["version"] == before[
        "guideline_version"] + 1
    history = _history(as_, project, task)
    assert [(a["id"], a["guideline_version"]) for a in history["annotations"]] == [
        (before["id"], before["guideline_version"]), (after["id"], after["guideline_version"])]
    assert {"flag.add", "flag.resolve"} <= {e["action"] for e in history["events"]}


# Assign, release, re-open, freeze.

def test_an_assigned_task_comes_first_for_that_member(session, world, as_):
    project, tasks = make_project(session, world, as_, {}, images(3))
    annotator_id = world.users["annotator"]["id"]
    assigned = _control(as_, project, tasks[2], "assign", user_id=annotator_id,
                        stage="label")
    assert (assigned["user_id"], assigned["kind"]) == (annotator_id, "directed")
    offered = take(as_("annotator"), project)
    assert (offered["task"]["id"], offered["lease"]["kind"]) == (tasks[2], "directed")
    assert "assigned_by" not in offered["lease"]
    assert submit(as_("annotator"), project, tasks[2], [scene()]).status_code == 201
    assert taken_id(as_("annotator"), project) == tasks[0]
    assert ("task.assign", tasks[2]) in audit_actions(as_, project)
    assert "task.assign" in _events(as_, project, tasks[2])


def test_assigning_a_full_task_makes_the_latest_lease_give_way(session, world, as_):
    project, [task] = make_project(session, world, as_, {}, images(1), annotators=("a1", "a2"))
    assert taken_id(as_("a1"), project) == task
    _control(as_, project, task, "assign", user_id=world.users["a2"]["id"], stage="label")
    assert task_of(as_, project, task)["taken"] == 1
    assert taken_id(as_("a2"), project) == task
    assert submit(as_("a1"), project, task, [scene()]).json()["code"] == "not_assigned"
    assert submit(as_("a2"), project, task, [scene()]).status_code == 201


def test_releasing_a_task_frees_its_slots(session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 2}, images(1),
                                   annotators=("a1", "a2", "a3"))
    assert [taken_id(as_(n), project) for n in ("a1", "a2", "a3")] == [task, task, None]
    assert _control(as_, project, task, "release") == {"released": 2}
    assert task_of(as_, project, task)["taken"] == 0
    assert taken_id(as_("a3"), project) == task
    assert ("task.release", task) in audit_actions(as_, project)
    history = _history(as_, project, task)
    assert "task.release" in [e["action"] for e in history["events"]]
    assert [a["user_id"] for a in history["assignments"]] == [world.users["a3"]["id"]]


def test_reopening_a_done_task_starts_a_new_round_with_fresh_answers(session, world, as_):
    project, [task] = make_project(session, world, as_, {}, images(1), annotators=("a1", "a2"))
    first = answer(as_("a1"), project, [scene("day")])
    assert task_of(as_, project, first)["state"] == "done"
    reopened = _control(as_, project, task, "reopen")
    assert (reopened["state"], reopened["round"], reopened["taken"], reopened["result"]) == (
        "label", 2, 0, None)
    old = as_("manager").get(f"/api/projects/{project}/annotations?limit=10").json()["items"]
    assert [a["status"] for a in old] == ["superseded"]
    assert take(as_("a1"), project)["task"] is None  # they answered it already
    answer(as_("a2"), project, [scene("night")])
    done = task_of(as_, project, task)
    assert (done["state"], done["result"]) == ("done", [scene("night")])
    assert ("task.reopen", task) in audit_actions(as_, project)
    history = _history(as_, project, task)
    assert [a["status"] for a in history["annotations"]] == ["superseded", "submitted"]
    [reopen_entry] = [e for e in history["events"] if e["action"] == "task.reopen"]
    assert reopen_entry["details"] == {"round": 2, "superseded": [old[0]["id"]]}
    reopen = [e for e in history["events"] if e["action"] == "task.route"
              and e["details"]["from"] == "done" and e["details"]["to"] == "label"]
    assert [e["actor_id"] for e in reopen] == [world.users["manager"]["id"]]


def test_a_frozen_task_is_held_out_and_refuses_work_until_unfrozen(session, world, as_):
    project, tasks = make_project(session, world, as_, {}, images(2), annotators=("a1", "a2"))
    assert taken_id(as_("a1"), project) == tasks[0]
    frozen = _control(as_, project, tasks[0], "freeze")
    assert frozen["frozen"] is True
    assert taken_id(as_("a1"), project) == tasks[1]  # their lease on it no longer counts
    assert take(as_("a2"), project)["task"] is None
    refused = submit(as_("a1"), project, tasks[0], [scene("night")])
    assert refused.status_code == 409 and refused.json()["code"] == "not_assigned"
    draft = as_("a1").get(f"/api/projects/{project}/tasks/{tasks[0]}/draft").json()
    assert draft["regions"] == [scene("night")]
    assert _control(as_, project, tasks[0], "unfreeze")["frozen"] is False
    assert submit(as_("a1"), project, tasks[0], [scene("night")]).status_code == 201
    actions = audit_actions(as_, project)
    assert ("task.freeze", tasks[0]) in actions and ("task.unfreeze", tasks[0]) in actions
    assert {"task.freeze", "task.unfreeze"} <= set(_events(as_, project, tasks[0]))


def test_annotators_and_reviewers_may_not_control_tasks(session, world, as_):
    project, [task] = make_project(session, world, as_, {}, images(1))
    for name in ("annotator", "reviewer"):
        for action in ("release", "reopen", "freeze", "unfreeze"):
            response = as_(name).post(f"/api/projects/{project}/tasks/{task}/{action}")
            assert response.status_code == 403, (name, action)


# The policy.

DOCUMENTED_DEFAULTS = {  # docs/workflow.md, "The policy"
    "overlap": 1, "overlap_sample": 1.0, "consensus_threshold": 0.8, "review_sample": 0.0,
    "review_below_gold_accuracy": None, "min_gold_answers": 5, "gold_rate": 0.0,
    "reject_to": "author", "lease_seconds": 1800, "ordering": "sequential", "batch_order": [],
    "stage_tiers": {stage: ["junior", "senior", "expert"]
                    for stage in ("label", "review", "adjudicate")},
    "batch_tiers": {}, "pilot_batch": None, "calibration_batch": None,
    "adaptive_overlap": None, "pilot_approved": False,
    "review_categories": [{"name": c.name, "description": c.description}
                          for c in DEFAULT_REVIEW_CATEGORIES],
}


def test_get_workflow_returns_every_field_with_its_documented_default(session, world, as_):
    project, _ = make_project(session, world, as_, {}, images(1))
    assert as_("reviewer").get(f"/api/projects/{project}/workflow").json() == (
        DOCUMENTED_DEFAULTS)


@pytest.mark.parametrize(("changes", "field"), [
    ({"overlap": 0}, "workflow.overlap"),
    ({"gold_rate": 1.0}, "workflow.gold_rate"),
    ({"ordering": "alphabetical"}, "workflow.ordering"),
    ({"lease_seconds": 1}, "workflow.lease_seconds"),
    ({"stage_tiers": {"review": []}}, "workflow.stage_tiers"),
    ({"adaptive_overlap": {"window": 0}}, "workflow.adaptive_overlap.window"),
    ({"colour": "blue"}, "workflow.colour"),
    ({"pilot_approved": True}, "workflow.pilot_approved"),
])
def test_an_invalid_policy_change_is_refused_naming_the_field(session, world, as_, changes,
                                                              field):
    project, _ = make_project(session, world, as_, {"overlap": 2}, images(1))
    url = f"/api/projects/{project}/workflow"
    before = as_("manager").get(url).json()
    refused = as_("manager").patch(url, json=changes)
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["field"] == field
    assert field in refused.json()["message"]
    assert as_("manager").get(url).json() == before


def test_policy_changes_merge_and_are_audited(session, world, as_):
    project, _ = make_project(session, world, as_, {}, images(1))
    url = f"/api/projects/{project}/workflow"
    as_("manager").patch(url, json={"overlap": 3, "adaptive_overlap": {"window": 40}})
    merged = as_("manager").patch(url, json={"review_sample": 0.25,
                                             "adaptive_overlap": {"recheck": 0.2}}).json()
    assert (merged["overlap"], merged["review_sample"]) == (3, 0.25)
    assert merged["adaptive_overlap"] == {"min_overlap": 1, "stable_agreement": 0.85,
                                          "window": 40, "recheck": 0.2}
    assert as_("reviewer").get(url).json() == merged
    updates = [e for e in as_("manager").get(f"/api/projects/{project}/audit?limit=500")
               .json()["items"] if e["action"] == "workflow.update"]
    assert [e["details"]["changes"] for e in updates][-2:] == [
        ["adaptive_overlap", "overlap"], ["adaptive_overlap", "review_sample"]]
    assert {e["actor_id"] for e in updates} == {world.users["manager"]["id"]}
    assert as_("reviewer").patch(url, json={"overlap": 1}).status_code == 403


def test_a_new_overlap_applies_to_tasks_not_started(session, world, as_):
    project, tasks = make_project(session, world, as_, {}, images(2))
    assert taken_id(as_("annotator"), project) == tasks[0]
    as_("manager").patch(f"/api/projects/{project}/workflow", json={"overlap": 3})
    assert [task_of(as_, project, t)["overlap"] for t in tasks] == [1, 3]


def test_naming_another_pilot_batch_asks_for_approval_again(session, world, as_):
    project, _ = make_project(session, world, as_, {"pilot_batch": "p1"}, images(1))
    url = f"/api/projects/{project}/workflow"
    assert as_("manager").post(f"{url}/pilot/approve").json()["pilot_approved"] is True
    again = as_("manager").post(f"{url}/pilot/approve")
    assert again.status_code == 409
    renamed = as_("manager").patch(url, json={"pilot_batch": "p2"}).json()
    assert (renamed["pilot_batch"], renamed["pilot_approved"]) == ("p2", False)


def test_directed_work_ends_when_the_task_moves_on_without_it(session, world, as_):
    project, tasks = make_project(session, world, as_, {"review_sample": 1.0}, images(2))
    answer(as_("annotator"), project, [scene()])
    _control(as_, project, tasks[0], "assign", user_id=world.users["reviewer"]["id"],
             stage="review")
    [pending] = as_("manager").get(f"/api/projects/{project}/annotations").json()["items"]
    accepted = as_("manager").post(  # a review needs no lease: the manager steps in
        f"/api/projects/{project}/annotations/{pending['id']}/reviews", json={"verdict": "accept"})
    assert accepted.status_code == 201, accepted.text
    assert task_of(as_, project, tasks[0])["state"] == "done"
    assert take(as_("reviewer"), project, "review")["task"] is None
    assert _history(as_, project, tasks[0])["assignments"] == []


def test_a_task_whose_slots_hold_answers_cannot_be_assigned_beyond_its_overlap(
        session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 3}, images(1),
                                   annotators=("a1", "a2", "a3", "a4"))
    for name in ("a1", "a2"):
        answer(as_(name), project, [scene()])
    _control(as_, project, task, "assign", user_id=world.users["a3"]["id"], stage="label")
    refused = as_("manager").post(f"/api/projects/{project}/tasks/{task}/assign",
                                  json={"user_id": world.users["a4"]["id"], "stage": "label"})
    assert refused.status_code == 409, refused.text
    assert task_of(as_, project, task)["taken"] == 3
    assert submit(as_("a3"), project, task, [scene()]).status_code == 201
    assert task_of(as_, project, task)["state"] == "done"
