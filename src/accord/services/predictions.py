"""Model predictions (pre-labels): bulk upload, checked against the schema, listed per task."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from accord.core.errors import InputError, NotFound
from accord.core.task_records import parse_prediction
from accord.core.workflow import Ordering
from accord.db.tables import Prediction, Task
from accord.db.types import utcnow
from accord.services import audit, tasks, versions, workflow
from accord.services.caller import Caller


def prediction_view(p: Prediction) -> dict[str, Any]:
    return {"id": p.id, "task_id": p.task_id, "regions": p.regions, "score": p.score,
            "model_version": p.model_version, "created_at": p.created_at}


def create_predictions(session: Session, caller: Caller, project_id: int,
                       items: list[dict[str, Any]]) -> int:
    """Store many predictions at once: all or none. Each item names its `task_id`."""
    _, schema = versions.current_schema(session, project_id)
    rows, now = [], utcnow()
    for i, item in enumerate(items):
        where = f"predictions[{i}]"
        task_id = item.get("task_id")
        if not isinstance(task_id, int) or isinstance(task_id, bool):
            raise InputError(f"{where}.task_id: expected a task id, got {task_id!r}",
                             field=f"{where}.task_id")
        record = parse_prediction({k: v for k, v in item.items() if k != "task_id"}, where)
        rows.append({"task_id": task_id, "project_id": project_id, "regions": record.regions,
                     "score": record.score, "model_version": record.model_version,
                     "created_at": now})
    wanted = {r["task_id"] for r in rows}
    found = {task_id: data for task_id, data in session.execute(select(Task.id, Task.data).where(
        Task.project_id == project_id, Task.id.in_(wanted)))}
    missing = sorted(wanted - found.keys())
    if missing:
        raise InputError(f"task {missing[0]} is not in project {project_id}"
                         + (f" (nor are {len(missing) - 1} more)" if len(missing) > 1 else ""),
                         field="task_id", missing=missing[:20])
    for i, row in enumerate(rows):
        tasks.check_regions(schema, row["regions"], f"predictions[{i}].regions",
                            found[row["task_id"]])
    if rows:
        session.execute(insert(Prediction), rows)
        requeue(session, project_id, sorted(wanted))
    audit.record(session, caller, "predictions.create", "project", project_id, project_id,
                 count=len(rows))
    session.commit()
    return len(rows)


def delete_prediction(session: Session, caller: Caller, project_id: int,
                      prediction_id: int) -> None:
    prediction = session.get(Prediction, prediction_id)
    if prediction is None or prediction.project_id != project_id:
        raise NotFound(f"prediction {prediction_id} not found in project {project_id}",
                       prediction_id=prediction_id)
    session.delete(prediction)
    session.flush()
    requeue(session, project_id, [prediction.task_id])
    audit.record(session, caller, "prediction.delete", "prediction", prediction_id, project_id)
    session.commit()


def requeue(session: Session, project_id: int, task_ids: list[int]) -> None:
    """Under uncertainty-first ordering, a task's place in the queue follows its predictions."""
    policy = workflow.get_policy(session, project_id)
    if policy.ordering is Ordering.UNCERTAINTY:
        for start in range(0, len(task_ids), workflow.UPDATE_CHUNK):
            workflow.rekey(session, project_id, policy,
                           task_ids[start:start + workflow.UPDATE_CHUNK])


def list_predictions(session: Session, project_id: int, task_id: int) -> list[dict[str, Any]]:
    tasks.get_task(session, project_id, task_id)
    stmt = select(Prediction).where(Prediction.task_id == task_id).order_by(Prediction.id)
    return [prediction_view(p) for p in session.scalars(stmt)]
