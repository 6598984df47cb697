"""The report's quality sections over the API: gold accuracy, error categories and drift,
on a project whose annotators make known mistakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from accord.core.records import Role, Verdict
from accord.services import annotations, projects, reviews, tasks, users, workflow
from builders import SCHEMA, World, box, caller_of, make_user

START = datetime(2026, 10, 5, 9, tzinfo=UTC)  # a Monday: ISO week 2026-W41


def scene(cls: str) -> dict:
    return {"id": "s", "label": "scene", "type": "classification", "value": {"class": cls}}


def work(author: str, regions: list, day: int) -> dict:
    return {"author": author, "regions": regions,
            "submitted_at": (START + timedelta(days=day)).isoformat()}


@pytest.fixture
def project(session: Session, world: World) -> int:
    """Four gold tasks (scene day, one car box) and two consensus tasks.

    ann is always right; bob says night on gold tasks 0 and 1 and on consensus task 0;
    cy never draws the box. On consensus task 1 everyone agrees.
    """
    manager = caller_of(world.users["manager"]).in_project(Role.MANAGER)
    for name in ("ann", "bob", "cy"):
        make_user(session, f"{name}@example.org")
    car = box("b", "car", 10, 10, 40, 40)
    records = []
    for i in range(4):
        records.append((f"g{i}", {
            "data": {"image": f"gold-{i}.png"}, "gold": [car, scene("day")],
            "annotations": [work("ann@example.org", [car, scene("day")], i),
                            work("bob@example.org", [car, scene("night" if i < 2 else "day")],
                                 i),
                            work("cy@example.org", [scene("day")], i)]}))
    for i in range(2):
        records.append((f"c{i}", {
            "data": {"image": f"consensus-{i}.png"},
            "annotations": [work("ann@example.org", [car, scene("day")], 10 + i),
                            work("bob@example.org", [car, scene("night" if i == 0 else "day")],
                                 10 + i),
                            work("cy@example.org", [car, scene("day")], 10 + i)]}))
    pid = projects.create_project(session, manager, "Quality", schema=SCHEMA)["id"]
    tasks.import_records(session, manager.in_project(Role.MANAGER), pid, records)
    return pid


def section(as_, project: int, name: str):
    response = as_("manager").get(f"/api/projects/{project}/qa/{name}")
    assert response.status_code == 200, response.text
    return response.json()[name]


def test_gold_accuracy_per_annotator_and_label(as_, world, project):
    gold = {s["label"]: s for s in section(as_, project, "gold")}
    per = gold["scene"]["per_annotator"]
    assert per["ann@example.org"]["accuracy"] == 1.0
    assert per["bob@example.org"]["accuracy"] == 0.5
    assert gold["scene"]["gold_tasks"] == 4
    objects = gold["objects"]["per_annotator"]
    assert objects["ann@example.org"]["micro_recall"] == 1.0
    assert objects["cy@example.org"]["micro_recall"] == 0.0


def test_annotators_rank_by_their_planted_error_rates(as_, world, project):
    rows = {r["annotator"]: r for r in section(as_, project, "annotators")}
    assert rows["ann@example.org"]["mean_gold_score"] == 1.0
    assert rows["bob@example.org"]["mean_gold_score"] == pytest.approx(0.75)
    assert rows["cy@example.org"]["mean_gold_score"] == pytest.approx(0.5)
    assert rows["ann@example.org"]["annotations"] == 6


def test_errors_fall_into_the_taxonomy_by_source_annotator_and_week(
        session, as_, world, project):
    # a reviewer rejects one of cy's annotations as "Missing object"
    reviewer = caller_of(world.users["admin"]).in_project(Role.MANAGER)
    items, _ = annotations.list_annotations(session, reviewer, project, cursor=None, limit=100)
    first_cy = next(a for a in items if a["author_id"] == _user_id(world, session, "cy"))
    workflow.update_workflow(session, reviewer, project, {"review_categories": [
        {"name": "Missing object", "description": "a car or a person has no box"}]})
    reviews.submit_review(session, reviewer, project, first_cy["id"], Verdict.REJECT,
                          ["Missing object"], "the car", None, first_cy["version"])
    errors = section(as_, project, "errors")
    assert errors["by_source"]["gold"] == {"wrong_label": 2, "missed_object": 4}
    assert errors["by_source"]["consensus"] == {"wrong_label": 1}
    assert errors["by_source"]["review"] == {"missed_object": 1}
    assert errors["by_annotator"]["bob@example.org"] == {"wrong_label": 3}
    assert errors["by_annotator"]["cy@example.org"] == {"missed_object": 5}
    assert errors["by_class"]["car"] == {"missed_object": 4}
    assert errors["totals"] == {"wrong_label": 3, "missed_object": 5}
    assert sum(errors["by_week"]["2026-W41"].values()) == 6  # gold work, days 0-3
    assert errors["by_guideline_version"]["0"] == {"wrong_label": 3, "missed_object": 5}


def _user_id(world, session, name):
    return users.find_user_by_email(session, f"{name}@example.org").id


def test_drift_is_undefined_on_short_series(as_, world, project):
    drift = section(as_, project, "drift")
    (ann,) = [d for d in drift["gold"]["annotator"] if d["key"] == "ann@example.org"]
    assert ann["change_points"] == [] and "not enough data" in ann["undefined_because"]
    assert [w["week"] for w in ann["weeks"]] == ["2026-W41"]


def test_drift_flags_an_annotator_whose_gold_accuracy_drops(session, as_, world):
    manager = caller_of(world.users["manager"]).in_project(Role.MANAGER)
    make_user(session, "dan@example.org")
    pid = projects.create_project(session, manager, "Drift", schema=SCHEMA)["id"]
    records = [(f"d{i}", {"data": {"image": f"d-{i}.png"}, "gold": [scene("day")],
                          "annotations": [work("dan@example.org",
                                               [scene("day" if i < 30 else "night")], i)]})
               for i in range(60)]
    tasks.import_records(session, manager.in_project(Role.MANAGER), pid, records)
    drift = section(as_, pid, "drift")
    (dan,) = drift["gold"]["annotator"]
    (change,) = dan["change_points"]
    assert change["index"] == 30 and change["mean_before"] == 1.0
    assert change["mean_after"] == 0.0 and change["p_value"] < 0.01
    assert change["time"].startswith((START + timedelta(days=30)).date().isoformat())


def test_the_consensus_section_counts_tasks_by_support_and_estimates_accuracy_without_gold(
        as_, world, project):
    (scene_section,) = [s for s in section(as_, project, "consensus") if s["label"] == "scene"]
    assert scene_section["tasks"] == 6 and scene_section["decided"] == 6
    assert scene_section["tasks_with_support_at_least"] == {
        "0.5": 6, "0.6": 6, "0.7": 3, "0.8": 3, "0.9": 3, "1": 3}
    accuracy = scene_section["dawid_skene"]["annotator_accuracy"]
    assert accuracy["bob@example.org"] < accuracy["ann@example.org"]
    assert accuracy["ann@example.org"] == pytest.approx(accuracy["cy@example.org"])
