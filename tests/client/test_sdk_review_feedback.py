"""The SDK's review feedback and task list filters against the real app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from accord.client import ApiError
from builders import World, box


def test_a_review_pins_comments_to_regions_and_the_diff_is_there_later(sdk, world: World
                                                                      ) -> None:
    reviewer = sdk("reviewer")
    fixed = reviewer.review(world.project_id, world.annotation_id, "fix",
                            error_categories=["wrong_class"],
                            regions=[box("r1", "person")],
                            region_comments=[{"region_id": "r1", "body": "a person"}])
    assert [(c["region_id"], c["body"]) for c in fixed["region_comments"]] == [
        ("r1", "a person")]
    diff = reviewer.annotation_diff(world.project_id, fixed["fixed_annotation_id"])
    assert (diff["parent_id"], diff["changed"]) == (
        world.annotation_id, [{"id": "r1", "fields": ["value"]}])
    with pytest.raises(ApiError) as none:
        reviewer.annotation_diff(world.project_id, world.annotation_id)
    assert none.value.is_not_found


def test_a_category_outside_the_taxonomy_is_refused_by_name(sdk, world: World) -> None:
    with pytest.raises(ApiError) as refused:
        sdk("reviewer").review(world.project_id, world.annotation_id, "reject",
                               error_categories=["wrong_class", "smudge"])
    assert refused.value.status == 422
    assert refused.value.details["field"] == "error_categories[1]"
    assert "wrong_class" in refused.value.details["allowed"]


def test_list_tasks_sends_filters_as_the_server_reads_them(sdk, world: World) -> None:
    manager = sdk("manager")
    everything = [t["id"] for t in manager.list_tasks(world.project_id)]
    assert everything == world.task_ids
    gold = [t["id"] for t in manager.list_tasks(world.project_id, gold=True)]
    assert gold == [world.gold_task_id]
    since = datetime.now(UTC) - timedelta(hours=1)
    recent = manager.list_tasks(world.project_id, label="objects", class_="car",
                                submitted_from=since, sort="-id")
    assert [t["id"] for t in recent] == [world.task_ids[0]]
    assert [t["annotators"] for t in manager.list_tasks(world.project_id, flagged=False)][0] \
        == [world.users["annotator"]["id"]]
    with pytest.raises(ApiError) as refused:
        list(sdk("annotator").list_tasks(world.project_id, state="done"))
    assert refused.value.details["field"] == "state"
