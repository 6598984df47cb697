"""The QA report's throughput section over the API: submissions per UTC day, time per task
and pre-label acceptance, per annotator and overall (docs/qa.md, "Throughput")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from accord.core.records import Role
from accord.db.tables import Annotation
from accord.services import annotations, predictions, projects, qa_report, tasks
from builders import SCHEMA, World, allow_overlap, box, caller_of, make_user

NOV_2 = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
NOV_3 = datetime(2026, 11, 3, 0, 30, tzinfo=UTC)


@pytest.fixture
def project(session: Session, world: World) -> dict:
    """A project of its own: two tasks with predictions (the first predicted twice, the
    latest counts), one without; ann keeps what the model drew, bob redraws."""
    manager = caller_of(world.users["manager"]).in_project(Role.MANAGER)
    pid = projects.create_project(session, manager, "Throughput",
                                  schema=SCHEMA)["id"]
    allow_overlap(session, pid, 5)
    tasks.import_records(session, manager, pid,
                         [(f"t{i}", {"data": {"image": f"tp{i}.png"}}) for i in range(3)])
    ids = [t["id"] for t in tasks.list_tasks(session, manager, pid, {}, None, 10)[0]]
    predictions.create_predictions(session, manager, pid, [
        {"task_id": ids[0], "model_version": "m0", "regions": [box("old", x=300)]},
        {"task_id": ids[0], "model_version": "m1",
         "regions": [box("p1", x=10), box("p2", x=100)]},
        {"task_id": ids[1], "model_version": "m1", "regions": [box("p3", x=10)]}])
    users = {}
    for name in ("ann", "bob"):
        users[name] = make_user(session, f"{name}@example.org")
        projects.add_member(session, manager, pid, users[name]["email"], Role.ANNOTATOR)
    ann = caller_of(users["ann"]).in_project(Role.ANNOTATOR)
    bob = caller_of(users["bob"]).in_project(Role.ANNOTATOR)
    work = [
        (ann, ids[0], [box("a1", x=11), box("a2", x=100, cls="person")], 30.0, NOV_2),
        (ann, ids[1], [box("a3", x=10)], 50.0, NOV_3),
        (ann, ids[2], [box("a4", x=10)], 10.0, NOV_3),
        (bob, ids[0], [box("b1", x=200)], 90.0, NOV_3),
    ]
    for caller, task_id, regions, seconds, when in work:
        made, _ = annotations.submit(session, caller, pid, task_id, regions,
                                     lead_time_s=seconds)
        session.execute(update(Annotation).where(Annotation.id == made["id"])
                        .values(submitted_at=when))
    session.commit()
    projects.add_member(session, manager, pid, "reviewer@example.org", Role.REVIEWER)
    return {"id": pid, "users": {n: u["id"] for n, u in users.items()}}


def test_throughput_per_day_per_annotator_and_prelabel_acceptance(as_, project):
    response = as_("reviewer").get(f"/api/projects/{project['id']}/qa/throughput")
    assert response.status_code == 200, response.text
    found = response.json()["throughput"]
    assert found["per_day"] == [{"date": "2026-11-02", "submitted": 1},
                                {"date": "2026-11-03", "submitted": 3}]
    ann, bob = found["annotators"]
    assert (ann["annotator"], ann["user_id"], ann["submitted"]) == (
        "ann@example.org", project["users"]["ann"], 3)
    assert ann["time_per_task_s"] == {"median": 30.0, "mean": 30.0, "p90": 46.0}
    assert ann["per_day"] == [{"date": "2026-11-02", "submitted": 1},
                              {"date": "2026-11-03", "submitted": 2}]
    # task 0's latest prediction: p1 kept (a1), p2 kept in place but as a person: 1 of 2;
    # task 1: p3 kept; task 2 has no prediction
    assert ann["prelabel"] == {"predicted_regions": 3, "accepted": 2, "rate": 2 / 3}
    assert bob["prelabel"] == {"predicted_regions": 2, "accepted": 0, "rate": 0.0}
    assert bob["time_per_task_s"] == {"median": 90.0, "mean": 90.0, "p90": 90.0}
    assert found["prelabel"] == {"predicted_regions": 5, "accepted": 2, "rate": 0.4}


def test_the_whole_report_and_the_cli_shape_carry_throughput(session, as_, world, project):
    report = as_("reviewer").get(f"/api/projects/{project['id']}/qa/report").json()
    assert report["throughput"]["prelabel"]["accepted"] == 2
    assert "throughput" in qa_report.SECTIONS
    assert as_("annotator").get(f"/api/projects/{project['id']}/qa/throughput"
                                ).status_code == 404  # not a member of this project


def test_a_project_without_work_has_an_empty_throughput(as_, world):
    found = as_("reviewer").get(f"/api/projects/{world.project_id}/qa/throughput").json()
    [row] = found["throughput"]["annotators"]  # the world's one answer, without a time
    assert row["time_per_task_s"] == {"median": None, "mean": None, "p90": None}
    assert found["throughput"]["prelabel"] == {"predicted_regions": 0, "accepted": 0,
                                               "rate": None}
