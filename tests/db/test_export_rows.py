"""The record formats' exports read plain rows (services/export_rows.py): the very records
the ORM reading (`tasks.iter_records`) gives, on both backends, across window edges, with
drafts left out and other projects' tasks and answers, interleaved by id, never mixed in."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import orjson
from sqlalchemy import select, update

from accord.core.records import AnnotationStatus, Stage
from accord.db.tables import Annotation, Task
from accord.services import datasets, export_rows, tasks
from builders import box, caller_of


def _seed(session, world):
    manager = caller_of(world.users["manager"])
    outsider = caller_of(world.users["outsider"])
    for round_ in range(3):  # the two projects' ids interleave
        tasks.import_records(session, manager, world.project_id, [
            (f"a{round_}", {
                "data": {"image": f"a{round_}.png", "width": 640, "height": 480,
                         "note": "é ✓"},
                "batch": "b1" if round_ else "", "priority": round_,
                "gold": [box(f"g{round_}")] if round_ == 1 else None,
                "annotations": [
                    {"regions": [box("old")], "status": "superseded", "lead_time_s": 2.5,
                     "submitted_at": "2026-03-01T10:00:00.123456+00:00"},
                    {"regions": [box("live"), box("second", "person")],
                     "author": "reviewer@example.org", "stage": "review",
                     "submitted_at": "2026-03-01T11:00:00+00:00"}],
                "predictions": [{"regions": [box("p")], "model_version": "m1",
                                 "score": 0.75},
                                {"regions": [], "model_version": "m2"}]}),
            (f"b{round_}", {"data": {"image": f"b{round_}.png"}})])
        tasks.import_records(session, outsider, world.other_project_id, [
            (f"o{round_}", {"data": {"image": f"o{round_}.png"},
                            "annotations": [{"regions": [box("elsewhere")]}],
                            "predictions": [{"regions": [box("theirs")],
                                             "model_version": "x"}]})])
    first = session.scalar(select(Task.id).where(Task.project_id == world.project_id)
                           .order_by(Task.id.desc()))
    session.execute(update(Task).where(Task.id == first).values(media_url="s3://b/k.png"))
    now = datetime.now(UTC)
    session.add(Annotation(task_id=first, project_id=world.project_id,
                           author_id=world.users["annotator"]["id"], stage=Stage.LABEL,
                           status=AnnotationStatus.DRAFT, regions=[box("draft")],
                           schema_version=1, guideline_version=1, created_at=now,
                           updated_at=now))
    session.flush()


def test_plain_rows_give_the_orm_records_key_for_key(session, world):
    _seed(session, world)
    expected = list(tasks.iter_records(session, world.project_id))
    assert len(expected) == 3 + 6  # the world's three tasks and six more
    for window in (2, 3, export_rows.WINDOW):
        found = list(export_rows.iter_records(session, world.project_id, window))
        assert orjson.dumps(found) == orjson.dumps(expected)
    flat = orjson.dumps(expected).decode()
    assert "draft" not in flat and "elsewhere" not in flat and "theirs" not in flat
    assert "s3://b/k.png" in flat and '"batch":"b1"' in flat and '"priority":2' in flat


def test_a_project_without_tasks_gives_no_records(session, world):
    assert list(export_rows.iter_records(session, world.other_project_id + 1000)) == []


def test_an_export_streams_joined_chunks_and_leaves_the_collector_as_it_was(session, world):
    """JSONL writes a chunk per task; the export joins them (a streamed response pays per
    chunk), and the heap frozen for the export's length is unfrozen when it ends or is
    abandoned midway."""
    _seed(session, world)
    expected = b"".join(orjson.dumps(r) + b"\n"
                        for r in tasks.iter_records(session, world.project_id))
    assert gc.get_freeze_count() == 0
    chunks = list(datasets.export_chunks(session, world.project_id, "jsonl"))
    assert chunks == [expected]  # nine tasks, far below CHUNK_BYTES: one chunk
    assert gc.get_freeze_count() == 0
    stream = datasets.export_chunks(session, world.project_id, "coco")
    next(stream)
    assert gc.get_freeze_count() > 0
    stream.close()  # a client that went away
    assert gc.get_freeze_count() == 0
