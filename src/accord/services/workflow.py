"""A project's workflow policy: stored as a document on the project, checked by
`accord.core.workflow`, and applied to the queue when it changes (docs/workflow.md)."""

from __future__ import annotations

import functools
from typing import Any

import orjson
from sqlalchemy import BigInteger, case, cast, func, literal, select, update
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError
from accord.core.records import TaskState
from accord.core.workflow import (
    Ordering,
    WorkflowPolicy,
    initial_overlap,
    merge_policy,
    parse_policy,
)
from accord.db.tables import Prediction, Project, Task
from accord.services import audit, projects
from accord.services.caller import Caller

#: queue_rank = batch rank · RANK_STRIDE + (PRIORITY_TOP - priority): ascending order gives
#: the batch order first, then higher priority first, in one indexable integer
RANK_STRIDE = 2**33
PRIORITY_TOP = 2**31 - 1
#: the multiplicative hash behind the `random` ordering: a fixed permutation of task ids
SHUFFLE_MULTIPLIER, SHUFFLE_MODULUS = 2654435761, 2**32
#: the `uncertainty` key of a task without predictions: after every scored one
NO_PREDICTION = 2.0
UPDATE_CHUNK = 5000


def policy_of(project: Project) -> WorkflowPolicy:
    return _parsed(orjson.dumps(project.workflow or {}, option=orjson.OPT_SORT_KEYS))


@functools.lru_cache(maxsize=256)
def _parsed(document: bytes) -> WorkflowPolicy:
    """Policies are immutable values of their document: parse each document once per
    process (several times a request otherwise, on the hot path of every hand-out)."""
    return parse_policy(orjson.loads(document))


def get_policy(session: Session, project_id: int) -> WorkflowPolicy:
    return policy_of(projects.get_project(session, project_id))


def pilot_pending(project: Project, policy: WorkflowPolicy) -> bool:
    """Whether the project is closed but for its pilot batch."""
    return policy.pilot_batch is not None and project.approved_pilot != policy.pilot_batch


def workflow_view(project: Project) -> dict[str, Any]:
    policy = policy_of(project)
    return {**policy.to_dict(), "pilot_approved": policy.pilot_batch is not None
            and not pilot_pending(project, policy)}


def read_workflow(session: Session, project_id: int) -> dict[str, Any]:
    return workflow_view(projects.get_project(session, project_id))


def update_workflow(session: Session, caller: Caller, project_id: int,
                    changes: dict[str, Any]) -> dict[str, Any]:
    """Validate the whole changed policy, store it, and re-key the queue when its order
    changed. New overlap applies to tasks that have not started."""
    if "pilot_approved" in changes:
        raise InputError("workflow.pilot_approved is set by approving the pilot (POST "
                         "…/workflow/pilot/approve), not by editing the policy",
                         field="workflow.pilot_approved")
    project = projects.get_project(session, project_id)
    before = policy_of(project)
    after = merge_policy(before, changes)
    project.workflow = after.to_dict()
    if after.overlap != before.overlap or after.overlap_sample != before.overlap_sample:
        apply_overlap(session, project_id, after)
    if (after.ordering, after.batch_order, after.pilot_batch, after.calibration_batch) != (
            before.ordering, before.batch_order, before.pilot_batch, before.calibration_batch):
        rekey(session, project_id, after)
    audit.record(session, caller, "workflow.update", "project", project_id, project_id,
                 changes=sorted(changes))
    session.commit()
    return workflow_view(project)


def approve_pilot(session: Session, caller: Caller, project_id: int) -> dict[str, Any]:
    project = projects.get_project(session, project_id)
    policy = policy_of(project)
    if policy.pilot_batch is None:
        raise Conflict("this project has no pilot batch to approve; set workflow.pilot_batch "
                       "first", field="pilot_batch")
    if not pilot_pending(project, policy):
        raise Conflict(f"the pilot batch {policy.pilot_batch!r} is already approved")
    project.approved_pilot = policy.pilot_batch
    audit.record(session, caller, "workflow.pilot_approve", "project", project_id, project_id,
                 batch=policy.pilot_batch)
    session.commit()
    return workflow_view(project)


def apply_overlap(session: Session, project_id: int, policy: WorkflowPolicy) -> None:
    """Give the project's tasks that have not started their overlap under `policy`. The
    draw is keyed by the task's content hash, as at import, so it is the same every time."""
    fresh = (Task.project_id == project_id, Task.taken == 0, Task.state == TaskState.LABEL,
             Task.round == 1)
    if policy.overlap_sample >= 1.0 or policy.overlap == 1:
        session.execute(update(Task).where(*fresh).values(overlap=policy.overlap)
                        .execution_options(synchronize_session=False))
        return
    by_overlap: dict[int, list[int]] = {}
    for task_id, digest in session.execute(select(Task.id, Task.content_hash).where(*fresh)):
        by_overlap.setdefault(initial_overlap(policy, digest), []).append(task_id)
    for overlap, ids in by_overlap.items():
        for start in range(0, len(ids), UPDATE_CHUNK):
            session.execute(update(Task).where(Task.id.in_(ids[start:start + UPDATE_CHUNK]))
                            .values(overlap=overlap).execution_options(synchronize_session=False))


def queue_rank(policy: WorkflowPolicy, batch: str, priority: int) -> int:
    """The `queue_rank` of a new task; `rekey` computes the same in SQL."""
    return policy.batch_rank(batch) * RANK_STRIDE + (PRIORITY_TOP - priority)


def rekey(session: Session, project_id: int, policy: WorkflowPolicy,
          task_ids: list[int] | None = None) -> None:
    """Recompute the queue order of the project's tasks (or of `task_ids`) in one statement:
    batch rank and priority into `queue_rank`, the ordering strategy into `queue_key`."""
    named = [b for b in (policy.calibration_batch, policy.pilot_batch, *policy.batch_order)
             if b is not None]
    ranks = {batch: policy.batch_rank(batch) for batch in named}
    other = literal(len(policy.batch_order) + 2)  # the rank of a batch the policy names not
    batch_rank = case(ranks, value=Task.batch, else_=other) if ranks else other
    big = BigInteger()  # PostgreSQL computes in the type of the operands: make it 64 bits
    values: dict[str, Any] = {"queue_rank": cast(batch_rank, big) * literal(RANK_STRIDE, big)
                              + (literal(PRIORITY_TOP, big) - Task.priority)}
    if policy.ordering is Ordering.SEQUENTIAL:
        values["queue_key"] = 0.0
    elif policy.ordering is Ordering.RANDOM:
        values["queue_key"] = ((cast(Task.id, big) * literal(SHUFFLE_MULTIPLIER, big))
                               % literal(SHUFFLE_MODULUS, big))
    else:
        values["queue_key"] = func.coalesce(
            select(func.min(Prediction.score)).where(Prediction.task_id == Task.id)
            .scalar_subquery(), NO_PREDICTION)
    stmt = update(Task).where(Task.project_id == project_id)
    if task_ids is not None:
        stmt = stmt.where(Task.id.in_(task_ids))
    session.execute(stmt.values(**values).execution_options(synchronize_session=False))
