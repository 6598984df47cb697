"""Whole task records for the record formats' exports (Accord JSONL, Label Studio JSON),
read as plain rows.

The same records as `tasks.iter_records`, key for key, at a fraction of its cost: no ORM
objects, JSON columns read as text and decoded with orjson here (past SQLAlchemy's
per-value processing and psycopg's json.loads), keyset windows of tasks and their answers
by one range scan of the task index each, and the authors' emails from a small cache
instead of a join per answer. JSON is decoded only as each record is yielded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orjson import loads
from sqlalchemy import Connection, Row, Select, String, Text, cast, select
from sqlalchemy.orm import Session

from accord.core.records import AnnotationStatus
from accord.db.tables import Annotation, Prediction, Task, User

#: tasks read per window: their rows, answers and predictions are held at once
WINDOW = 2000


def iter_records(session: Session, project_id: int, window: int = WINDOW
                 ) -> Iterator[dict[str, Any]]:
    """Every task of the project as an export record, in id order; its annotations
    (drafts left out) and predictions each in id order."""
    emails: dict[int, str] = {}
    connection = session.connection()  # Core rows: the ORM's result machinery costs more
    last_id = 0
    while True:
        rows = connection.execute(select(
            Task.id, cast(Task.data, Text), Task.media_url, Task.batch, Task.priority,
            cast(Task.gold, Text)).where(Task.project_id == project_id, Task.id > last_id)
            .order_by(Task.id).limit(window)).all()
        if not rows:
            return
        first, last_id = rows[0][0], rows[-1][0]
        ids = {row[0] for row in rows}
        annotations = _rows_by_task(connection, _annotations(first, last_id), ids)
        predictions = _rows_by_task(connection, _predictions(first, last_id), ids)
        unknown = {a[2] for found in annotations.values() for a in found} - emails.keys()
        if unknown:
            emails.update(connection.execute(select(User.id, User.email).where(
                User.id.in_(unknown))).all())
        # JSON decoded task by task, so each task's objects die young instead of a
        # window's reaching the collector's oldest generation (services/collector.py)
        for task_id, data, media_url, batch, priority, gold in rows:
            record: dict[str, Any] = {"id": task_id,
                                      "data": None if data is None else loads(data)}
            if media_url is not None:
                record["media_url"] = media_url
            if batch:
                record["batch"] = batch
            if priority:
                record["priority"] = priority
            if gold is not None and gold != "null":
                record["gold"] = loads(gold)
            if task_id in annotations:
                record["annotations"] = [
                    {"id": ann_id, "regions": loads(regions), "author": emails[author_id],
                     "status": status, "stage": stage, "lead_time_s": lead_time_s,
                     "schema_version": schema_version,
                     "guideline_version": guideline_version,
                     "submitted_at": submitted_at.isoformat() if submitted_at else None}
                    for (_, ann_id, author_id, regions, status, stage, lead_time_s,
                         schema_version, guideline_version, submitted_at)
                    in annotations[task_id]]
            if task_id in predictions:
                record["predictions"] = [
                    {"id": prediction_id, "regions": loads(regions),
                     "model_version": model_version, "score": score}
                    for _, prediction_id, regions, model_version, score
                    in predictions[task_id]]
            yield record


def _annotations(first: int, last: int) -> Select[Any]:
    """Tasks first..last's annotations but drafts, in task and id order: a range on the
    task index (task_id, id), as `datasets._chosen_regions` reads."""
    return select(
        Annotation.task_id, Annotation.id, Annotation.author_id,
        cast(Annotation.regions, Text), cast(Annotation.status, String),
        cast(Annotation.stage, String), Annotation.lead_time_s, Annotation.schema_version,
        Annotation.guideline_version, Annotation.submitted_at).where(
            Annotation.task_id.between(first, last),
            Annotation.status != AnnotationStatus.DRAFT).order_by(
            Annotation.task_id, Annotation.id)


def _predictions(first: int, last: int) -> Select[Any]:
    return select(
        Prediction.task_id, Prediction.id, cast(Prediction.regions, Text),
        Prediction.model_version, Prediction.score).where(
            Prediction.task_id.between(first, last)).order_by(
            Prediction.task_id, Prediction.id)


def _rows_by_task(connection: Connection, statement: Select[Any], ids: set[int]
                  ) -> dict[int, list[Row[Any]]]:
    """The statement's rows per task (its first column), those of `ids` only: the range
    may hold other projects' tasks."""
    found: dict[int, list[Row[Any]]] = {}
    for row in connection.execute(statement).all():  # fetchall, not a fetch per row
        if row[0] in ids:
            found.setdefault(row[0], []).append(row)
    return found
