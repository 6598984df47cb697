"""The SDK's workflow methods against the real app, on SQLite and PostgreSQL: a task's trip
through label and review, the manager's controls, the pilot, and errors as ApiErrors."""

from __future__ import annotations

import pytest
from sdk_support import scene

from accord.client import ApiError
from builders import World, box


def actions(history: dict) -> list[str]:
    return [event["action"] for event in history["events"]]


def test_a_task_goes_from_an_annotator_to_a_reviewer_and_its_history_shows_each_step(
        sdk, world: World) -> None:
    manager, annotator, reviewer = sdk("manager"), sdk("annotator"), sdk("reviewer")
    pid, task_id = world.project_id, world.task_ids[1]
    policy = manager.set_workflow(pid, overlap=1, review_sample=1.0)
    assert (policy["overlap"], policy["review_sample"]) == (1, 1.0)
    assert manager.workflow(pid) == policy

    offered = annotator.next_task(pid)
    assert offered["task"]["id"] == task_id and offered["lease"]["stage"] == "label"
    assert "state" not in offered["task"]  # annotators see no workflow state
    assert annotator.next_task(pid)["task"]["id"] == task_id  # the same while leased
    submitted = annotator.submit_annotation(pid, task_id, [box("r1", "person"),
                                                           scene("s1", "day")])
    nothing = annotator.next_task(pid)  # t0 is their own, t2 gold at gold_rate 0
    assert nothing["task"] is None and nothing["lease"] is None and nothing["reason"]

    to_review = reviewer.next_task(pid, "review")
    assert to_review["task"]["id"] == task_id and to_review["task"]["state"] == "review"
    assert [a["id"] for a in to_review["answers"]] == [submitted["id"]]
    reviewer.review(pid, submitted["id"], "accept")

    history = manager.task_history(pid, task_id)
    assert history["task"]["state"] == "done"
    assert [a["id"] for a in history["annotations"]] == [submitted["id"]]
    steps = actions(history)
    expected = ["task.lease", "annotation.submit", "task.route", "task.lease",
                "review.accept", "task.route"]
    assert [a for a in steps if a in expected] == expected
    routes = [e["details"] for e in history["events"] if e["action"] == "task.route"]
    assert [(r["from"], r["to"]) for r in routes] == [("label", "review"), ("review", "done")]


def test_a_bad_policy_value_is_an_api_error_naming_the_field_and_changes_nothing(
        sdk, world: World) -> None:
    manager = sdk("manager")
    before = manager.workflow(world.project_id)
    with pytest.raises(ApiError) as caught:
        manager.set_workflow(world.project_id, overlap=3, gold_rate=1.5)
    assert caught.value.status == 422 and caught.value.code == "invalid_input"
    assert caught.value.details["field"] == "workflow.gold_rate"
    assert "1.5" in caught.value.message
    assert manager.workflow(world.project_id) == before

    with pytest.raises(ApiError) as denied:
        sdk("annotator").set_workflow(world.project_id, overlap=2)
    assert denied.value.status == 403
    with pytest.raises(ApiError) as no_review:
        sdk("annotator").next_task(world.project_id, "review")
    assert no_review.value.status == 403 and "reviewer" in no_review.value.message
    with pytest.raises(ApiError) as hidden:
        sdk("outsider").workflow(world.project_id)
    assert hidden.value.is_not_found


def test_a_manager_assigns_releases_freezes_and_reopens_a_task(sdk, world: World) -> None:
    manager, annotator = sdk("manager"), sdk("annotator")
    pid, task_id = world.project_id, world.task_ids[1]
    annotator_id = world.users["annotator"]["id"]
    assert annotator.queues(pid)["label"]["mine"] == 0

    assigned = manager.assign_task(pid, task_id, annotator_id)
    assert (assigned["task_id"], assigned["user_id"], assigned["stage"]) == (
        task_id, annotator_id, "label")
    assert annotator.queues(pid)["label"]["mine"] == 1
    assert manager.release_task(pid, task_id) == {"released": 1}
    assert annotator.queues(pid)["label"]["mine"] == 0

    assert manager.freeze_task(pid, task_id)["frozen"] is True
    assert annotator.next_task(pid)["task"] is None  # t1 frozen; t0 is the annotator's own
    assert manager.unfreeze_task(pid, task_id)["frozen"] is False
    assert annotator.next_task(pid)["task"]["id"] == task_id

    reopened = manager.reopen_task(pid, world.task_ids[0])
    assert (reopened["state"], reopened["round"]) == ("label", 2)
    assert actions(manager.task_history(pid, task_id))[-5:] == [
        "task.assign", "task.release", "task.freeze", "task.unfreeze", "task.lease"]


def test_a_skipped_task_is_never_offered_again(sdk, world: World) -> None:
    annotator = sdk("annotator")
    pid, task_id = world.project_id, world.task_ids[1]
    assert annotator.next_task(pid)["task"]["id"] == task_id
    assert annotator.skip_task(pid, task_id) is None
    assert annotator.next_task(pid)["task"] is None
    assert actions(sdk("manager").task_history(pid, task_id))[-2:] == ["task.lease",
                                                                      "task.skip"]


def test_the_pilot_is_reported_approved_once_and_calibration_needs_its_batch(
        sdk, world: World) -> None:
    manager = sdk("manager")
    pid = world.project_id
    with pytest.raises(ApiError) as no_pilot:
        manager.approve_pilot(pid)
    assert no_pilot.value.status == 409 and "pilot_batch" in no_pilot.value.message
    manager.create_tasks(pid, [{"data": {"image": "p.png"}, "batch": "pilot"}])
    manager.set_workflow(pid, pilot_batch="pilot", calibration_batch="calibration")

    report = manager.pilot_report(pid)
    assert (report["batch"], report["approved"], report["tasks"]["total"]) == ("pilot", False, 1)
    assert sdk("annotator").next_task(pid)["task"]["data"] == {"image": "p.png"}
    assert manager.approve_pilot(pid)["pilot_approved"] is True
    assert sdk("reviewer").pilot_report(pid)["approved"] is True
    with pytest.raises(ApiError) as again:
        manager.approve_pilot(pid)
    assert again.value.code == "conflict" and "already approved" in again.value.message

    calibration = manager.calibration_report(pid)
    assert (calibration["batch"], calibration["tasks"], calibration["annotators"]) == (
        "calibration", 0, [])
    assert manager.set_workflow(pid, calibration_batch=None)["calibration_batch"] is None
    with pytest.raises(ApiError) as none:
        manager.calibration_report(pid)
    assert none.value.status == 409
