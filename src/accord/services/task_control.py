"""A manager's hand on single tasks — assign, release, re-open, freeze — and each task's
history: its state, who holds it, its annotations and every event, from the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError
from accord.core.records import (
    AnnotationStatus,
    AssignmentKind,
    Role,
    Stage,
    TaskState,
    role_at_least,
)
from accord.db.tables import Annotation, Assignment, AuditEntry, Flag, Membership, Task
from accord.services import audit, queue, routing, tasks
from accord.services.caller import Caller

HISTORY_LIMIT = 1000


def assign(session: Session, caller: Caller, project_id: int, task_id: int, user_id: int,
           stage: Stage) -> dict[str, Any]:
    """Direct the task to a member, ahead of their queue. It must be in that stage, and they
    must be able to take it: a member, reviewer or above past labeling, not its author."""
    task = tasks.get_task(session, project_id, task_id)
    if task.state.value != stage.value:
        raise Conflict(f"task {task_id} is in {task.state.value}, not {stage.value}",
                       state=task.state.value)
    role = session.scalar(select(Membership.role).where(
        Membership.project_id == project_id, Membership.user_id == user_id))
    if role is None:
        raise InputError(f"user {user_id} is not a member of project {project_id}",
                         field="user_id")
    if stage is not Stage.LABEL and not role_at_least(role, Role.REVIEWER):
        raise InputError(f"user {user_id} is an annotator; the {stage.value} stage needs a "
                         "reviewer or manager", field="user_id")
    authored = session.scalar(select(Annotation.id).where(
        Annotation.task_id == task_id, Annotation.author_id == user_id).limit(1))
    if authored is not None and stage is not Stage.LABEL:
        raise InputError(f"user {user_id} annotated task {task_id} and cannot "
                         f"{stage.value} it", field="user_id")
    own = session.scalar(select(Assignment.kind).where(
        Assignment.task_id == task_id, Assignment.stage == stage,
        Assignment.user_id == user_id))
    if task.taken >= queue.capacity(task) and own not in queue.HOLDING:
        _make_room(session, task, stage)
    assignment = routing.direct(session, caller, task, user_id, stage)
    session.commit()
    return queue.assignment_view(assignment)


def _make_room(session: Session, task: Task, stage: Stage) -> None:
    """Free a slot of a full task for directed work: the latest lease gives way. Slots
    that hold answers or other directed work do not, so the overlap is never exceeded."""
    latest = session.scalar(select(Assignment.id).where(
        Assignment.task_id == task.id, Assignment.stage == stage,
        Assignment.kind == AssignmentKind.LEASE).order_by(Assignment.id.desc()).limit(1))
    if latest is None:
        raise Conflict(f"task {task.id} has no {stage.value} slot to give: its "
                       f"{task.taken} of {queue.capacity(task)} hold answers or directed "
                       "work, and no lease could give way", taken=task.taken)
    queue.release(session, [latest])
    session.refresh(task)


def release(session: Session, caller: Caller, project_id: int, task_id: int
            ) -> dict[str, Any]:
    """Drop every lease and directed assignment on the task; its slots return to the queue."""
    tasks.get_task(session, project_id, task_id)
    held = list(session.scalars(select(Assignment.id).where(
        Assignment.task_id == task_id, Assignment.kind.in_(queue.HOLDING))))
    queue.release(session, held)
    audit.record(session, caller, "task.release", "task", task_id, project_id,
                 released=len(held))
    session.commit()
    return {"released": len(held)}


def reopen(session: Session, caller: Caller, project_id: int, task_id: int
           ) -> dict[str, Any]:
    """Back to labeling for a new round: its answers so far stay in history but no longer
    count, so it needs its full overlap again."""
    task = tasks.get_task(session, project_id, task_id)
    queue.drop_leases(session, task_id)
    superseded = queue.current_answers(session, task_id)
    for answer in superseded:
        answer.status = AnnotationStatus.SUPERSEDED
    task.round += 1
    task.result, task.result_source, task.agreement = None, None, None
    audit.record(session, caller, "task.reopen", "task", task_id, project_id,
                 round=task.round, superseded=[a.id for a in superseded])
    routing.move(session, task, TaskState.LABEL, caller, "re-opened by a manager")
    session.commit()
    return tasks.task_view(task, caller)


def freeze(session: Session, caller: Caller, project_id: int, task_id: int, frozen: bool
           ) -> dict[str, Any]:
    """Hold a task out of every queue (or let it back in); nothing about it is lost.
    Idempotent: freezing a frozen task changes nothing and records nothing."""
    task = tasks.get_task(session, project_id, task_id)
    if task.frozen == frozen:
        return tasks.task_view(task, caller)
    task.frozen = frozen
    audit.record(session, caller, "task.freeze" if frozen else "task.unfreeze", "task",
                 task_id, project_id)
    session.commit()
    return tasks.task_view(task, caller)


def history(session: Session, caller: Caller, project_id: int, task_id: int
            ) -> dict[str, Any]:
    task = tasks.get_task(session, project_id, task_id)
    annotations = list(session.scalars(select(Annotation).where(
        Annotation.task_id == task_id).order_by(Annotation.id)))
    flags = list(session.scalars(select(Flag.id).where(Flag.task_id == task_id)))
    assignments = list(session.scalars(select(Assignment).where(
        Assignment.task_id == task_id).order_by(Assignment.id)))
    events = session.scalars(select(AuditEntry).where(or_(
        and_(AuditEntry.object_type == "task", AuditEntry.object_id == task_id),
        and_(AuditEntry.object_type == "annotation",
             AuditEntry.object_id.in_([a.id for a in annotations])),
        and_(AuditEntry.object_type == "flag", AuditEntry.object_id.in_(flags))),
        AuditEntry.project_id == project_id).order_by(AuditEntry.id).limit(HISTORY_LIMIT))
    return {
        "task": tasks.task_view(task, caller),  # reviewers and up: with its workflow state
        "assignments": [queue.assignment_view(a) for a in assignments],
        "annotations": [{"id": a.id, "author_id": a.author_id, "stage": a.stage,
                         "status": a.status, "version": a.version, "parent_id": a.parent_id,
                         "guideline_version": a.guideline_version,
                         "schema_version": a.schema_version, "gold_score": a.gold_score,
                         "submitted_at": a.submitted_at}
                        for a in annotations if a.status is not AnnotationStatus.DRAFT],
        "events": [{"id": e.id, "at": e.at, "actor_id": e.actor_id, "action": e.action,
                    "object_type": e.object_type, "object_id": e.object_id,
                    "details": e.details} for e in events],
    }
