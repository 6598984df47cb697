"""Imports insert rows through the driver (services/record_rows.py): what is stored is
byte for byte what a Core insert of the same values stores, on SQLite and PostgreSQL, JSON
nulls, enums, UTC times (a whole second too) and the columns' Python-side defaults
included; and the database, not a lookup, leaves out tasks whose content is known."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Text, cast, func, insert, select

from accord.core.records import AnnotationStatus, Stage, TaskState
from accord.db.tables import Annotation, Prediction, Task
from accord.services import tasks
from accord.services.record_rows import RowInsert
from builders import box, caller_of

NOW = datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=UTC)
WHOLE_SECOND = datetime(2026, 3, 1, 10, 0, 1, tzinfo=UTC)  # SQLite's text keeps `.000000`


def _stored(session, table, where) -> list[tuple[Any, ...]]:
    """Every column as the database holds it, as text."""
    columns = [cast(c, Text) for c in table.columns if c.name not in ("id", "content_hash")]
    return [tuple(row) for row in session.execute(select(*columns).where(where)
                                                  .order_by(table.c.id))]


def test_driver_rows_store_what_a_core_insert_stores(session, world):
    connection = session.connection()
    tasks = [{"data": {"image": "a.png", "note": "é ✓", "n": 1.5}, "media_url": None,
              "batch": "", "priority": 0, "gold": None, "is_gold": False, "overlap": 1,
              "taken": 0, "state": TaskState.LABEL, "result_source": None, "state_at": None,
              "queue_rank": 0},
             {"data": {"image": "b.png"}, "media_url": "s3://b/k.png", "batch": "pilot",
              "priority": -3, "gold": [box("g")], "is_gold": True, "overlap": 2,
              "taken": 1, "state": TaskState.DONE, "result_source": "import",
              "state_at": WHOLE_SECOND, "queue_rank": 7}]
    columns = tuple(tasks[0])
    project = world.project_id
    connection.execute(insert(Task.__table__), [
        {**t, "project_id": project, "created_at": NOW, "content_hash": f"core{i}"}
        for i, t in enumerate(tasks)])
    RowInsert(connection, Task.__table__, (*columns, "content_hash"),
              {"project_id": project, "created_at": NOW}).insert(
        (*t.values(), f"rows{i}") for i, t in enumerate(tasks))
    core = _stored(session, Task.__table__, Task.content_hash.in_(["core0", "core1"]))
    rows = _stored(session, Task.__table__, Task.content_hash.in_(["rows0", "rows1"]))
    assert rows == core and len(rows) == 2
    assert "null" in core[0]  # None in a JSON column: JSON null, as Core stores it

    task_id = session.scalar(select(Task.id).where(Task.content_hash == "rows1"))
    author = world.users["manager"]["id"]
    answers = [(task_id, [box("a")], author, Stage.LABEL, AnnotationStatus.SUBMITTED, 1, 1,
                NOW, 2.5),
               (task_id, [], author, Stage.REVIEW, AnnotationStatus.SUPERSEDED, 2, 3,
                WHOLE_SECOND, None)]
    names = ("task_id", "regions", "author_id", "stage", "status", "schema_version",
             "guideline_version", "submitted_at", "lead_time_s")
    shared = {"project_id": project, "version": 1, "created_at": NOW, "updated_at": NOW}
    connection.execute(insert(Annotation.__table__),
                       [dict(zip(names, a, strict=True)) | shared for a in answers])
    RowInsert(connection, Annotation.__table__, names, shared).insert(answers)
    stored = _stored(session, Annotation.__table__, Annotation.task_id == task_id)
    assert stored[:2] == stored[2:] and len(stored) == 4

    predictions = [(task_id, [box("p")], "m1", 0.75), (task_id, [], "", None)]
    names = ("task_id", "regions", "model_version", "score")
    shared = {"project_id": project, "created_at": NOW}
    connection.execute(insert(Prediction.__table__),
                       [dict(zip(names, p, strict=True)) | shared for p in predictions])
    assert RowInsert(connection, Prediction.__table__, names, shared).insert(predictions) == 2
    stored = _stored(session, Prediction.__table__, Prediction.task_id == task_id)
    assert stored[:2] == stored[2:] and len(stored) == 4


def test_an_import_skips_content_the_project_holds_with_its_answers_batch_after_batch(
        session, world, monkeypatch):
    monkeypatch.setattr(tasks, "INSERT_BATCH", 2)  # duplicates within and across batches
    answer = {"regions": [box("n1")]}
    known = world.task_ids[0]  # a.png, with one answer already
    before = session.scalar(select(func.max(Task.id)))
    report = tasks.import_records(session, caller_of(world.users["manager"]), world.project_id, [
        ("r0", {"data": {"image": "a.png"}, "annotations": [answer]}),
        ("r1", {"data": {"image": "n1.png"}, "annotations": [answer]}),
        ("r2", {"data": {"image": "n1.png"}, "annotations": [answer]}),
        ("r3", {"data": {"image": "n2.png"}, "annotations": [answer]}),
        ("r4", {"data": {"image": "n2.png"}, "annotations": [answer]})])
    assert report == tasks.ImportReport(created=2, skipped_duplicates=3, annotations=2,
                                        predictions=0)
    new = session.execute(select(Task.id, Task.data).where(Task.id > before)
                          .order_by(Task.id)).all()
    assert [data["image"] for _, data in new] == ["n1.png", "n2.png"]
    answered = session.execute(select(Annotation.task_id, func.count()).where(
        Annotation.task_id.in_([known, *(task_id for task_id, _ in new)]))
        .group_by(Annotation.task_id).order_by(Annotation.task_id)).all()
    assert answered == [(known, 1), *((task_id, 1) for task_id, _ in new)]
