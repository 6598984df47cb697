"""Handing out work: `next task` for a user and a stage, leases, skips and slots.

A task's `taken` counts its answers and live leases in its current stage; a lease is handed
out only by a compare-and-set `taken < capacity`, so no task ever goes beyond its overlap. On
PostgreSQL the candidate row is picked `FOR UPDATE SKIP LOCKED`, so concurrent callers take
different tasks instead of queueing on one; on SQLite every write transaction begins
IMMEDIATE and callers queue on the one write lock (docs/workflow.md).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from accord.core.errors import NotFound, PermissionDenied
from accord.core.records import (
    AnnotationStatus,
    AssignmentKind,
    Stage,
    TaskState,
    Tier,
)
from accord.core.workflow import WorkflowPolicy, serve_gold
from accord.db.engine import PREPARE, has_writing_ctes, hold, run
from accord.db.tables import (
    Annotation,
    AnnotatorStats,
    Assignment,
    AuditEntry,
    Project,
    Task,
)
from accord.db.types import utcnow
from accord.services import annotations, audit, projects, reviews, tasks, workflow
from accord.services.caller import Caller

STATE_OF = {Stage.LABEL: TaskState.LABEL, Stage.REVIEW: TaskState.REVIEW,
            Stage.ADJUDICATE: TaskState.ADJUDICATE}
#: stages past labeling take one person at a time
SINGLE = 1
HOLDING = (AssignmentKind.LEASE, AssignmentKind.DIRECTED)
COUNT_CAP = 10_000


def assignment_view(a: Assignment) -> dict[str, Any]:
    return {"id": a.id, "task_id": a.task_id, "user_id": a.user_id, "stage": a.stage,
            "kind": a.kind, "expires_at": a.expires_at, "assigned_by": a.assigned_by,
            "created_at": a.created_at}


def lease_view(a: Assignment) -> dict[str, Any]:
    """What the holder sees of their reservation: never who directed it, nor why."""
    return {"id": a.id, "stage": a.stage, "kind": a.kind, "expires_at": a.expires_at}


def tier_of(session: Session, caller: Caller, project_id: int) -> Tier:
    if caller.tier is not None:  # resolved with the caller's role (api.deps)
        return caller.tier
    membership = projects.membership_of(session, caller.user_id, project_id)
    return membership[1] if membership else Tier.EXPERT  # site admins outside the project


def check_may_take(session: Session, caller: Caller, project_id: int, policy: WorkflowPolicy,
                   stage: Stage) -> Tier:
    """Review and adjudication need a reviewer's role; every stage an allowed tier."""
    if stage is not Stage.LABEL and not caller.sees_everything:  # reviewer, manager, admin
        raise PermissionDenied(f"the {stage.value} stage needs the reviewer or manager role")
    tier = tier_of(session, caller, project_id)
    if tier not in policy.stage_tiers[stage]:
        allowed = ", ".join(sorted(t.value for t in policy.stage_tiers[stage]))
        raise PermissionDenied(f"tier {tier.value!r} may not take the {stage.value} stage "
                               f"(the workflow allows: {allowed or 'nobody'})")
    return tier


def capacity(task: Task) -> int:
    return task.overlap if task.state is TaskState.LABEL else SINGLE


def open_slot(stage: Stage) -> ColumnElement[bool]:
    """`capacity` in SQL, for tasks in `stage`: a slot is free."""
    return Task.taken < (Task.overlap if stage is Stage.LABEL else SINGLE)


def next_task(session: Session, caller: Caller, project_id: int, stage: Stage
              ) -> dict[str, Any]:
    """The caller's next task in `stage`, leased to them; `task` is None when there is none
    (`reason` says why)."""
    now = utcnow()
    project, expired, served, held = _start(session, caller, project_id, stage, now)
    policy = workflow.policy_of(project)
    tier = check_may_take(session, caller, project_id, policy, stage)
    if expired:
        reclaim_expired(session, project_id, now)
        held = _held(session, caller, project_id, stage)  # it may have been one of them
    if held is not None:
        if held.kind is AssignmentKind.LEASE:
            held.expires_at = now + timedelta(seconds=policy.lease_seconds)
        task = tasks.get_task(session, project_id, held.task_id)
        offer = _offer(session, caller, task, lease_view(held), fresh=False)
        session.commit()  # last: nothing may start another transaction after it
        return offer
    try:
        found = _pick(session, caller, project, policy, stage, tier, served or 0, now)
    except IntegrityError:  # the same user asked twice at once; the other call has it
        session.rollback()
        return next_task(session, caller, project_id, stage)
    if isinstance(found, str):
        session.commit()
        nothing = {"task": None, "lease": None, "answers": [], "draft": None, "reason": found}
        return {**nothing, "returned": None} if stage is Stage.LABEL else nothing
    offer = _offer(session, caller, *found, fresh=True)
    session.commit()
    return offer


def _start(session: Session, caller: Caller, project_id: int, stage: Stage, now: datetime
           ) -> tuple[Project, bool, int | None, Assignment | None]:
    """What every hand-out reads first, in one statement: the project, whether any of its
    leases has expired, how many label tasks the caller was handed, and the work they hold
    in `stage` (`_held`)."""
    row = session.execute(_START, {"project_id": project_id, "user_id": caller.user_id,
                                   "stage": stage, "state": STATE_OF[stage], "now": now}
                          ).first()
    if row is None:
        raise NotFound(f"project {project_id} not found", project_id=project_id)
    return hold(session, row[0]), row[1], row[2], row[3]


def _held(session: Session, caller: Caller, project_id: int, stage: Stage
          ) -> Assignment | None:
    """Directed work first, then the caller's open lease in this stage, on a task still in
    that stage."""
    return session.scalar(_HELD, {"project_id": project_id, "user_id": caller.user_id,
                                  "stage": stage, "state": STATE_OF[stage]})


_HELD = select(Assignment).join(Task, Task.id == Assignment.task_id).where(
    Assignment.project_id == bindparam("project_id"),
    Assignment.user_id == bindparam("user_id"), Assignment.stage == bindparam("stage"),
    Assignment.kind.in_(HOLDING), not_(Task.frozen), Task.state == bindparam("state")
).order_by(Assignment.kind == AssignmentKind.LEASE, Assignment.id).limit(1
).execution_options(**PREPARE)


_current_hold = aliased(Assignment, _HELD.subquery("held"))
#: `_start`'s one statement
_START = select(
    Project,
    exists().where(Assignment.project_id == bindparam("project_id"),
                   Assignment.kind == AssignmentKind.LEASE,
                   Assignment.expires_at < bindparam("now")),
    select(AnnotatorStats.served).where(
        AnnotatorStats.project_id == bindparam("project_id"),
        AnnotatorStats.user_id == bindparam("user_id")).scalar_subquery(),
    _current_hold,
).outerjoin(_current_hold, true()).where(Project.id == bindparam("project_id")
                                         ).execution_options(**PREPARE)


def _offer(session: Session, caller: Caller, task: Task, lease: dict[str, Any], *,
           fresh: bool) -> dict[str, Any]:
    """The task with the work to judge (review, adjudication) or the caller's own draft
    (labeling), so that a label stream opens a task in one request. A `fresh` hand-out has
    none of the caller's work to show: the queue offers only tasks they never touched."""
    if lease["stage"] is Stage.LABEL:
        draft, returned = (None, None) if fresh else _own_work(session, task.id,
                                                               caller.user_id)
        return {"task": tasks.task_view(task, caller), "lease": lease, "answers": [],
                "draft": annotations.annotation_view(draft) if draft is not None else None,
                "reason": None, "returned": returned}
    answers = [annotations.annotation_view(a) for a in current_answers(session, task.id)]
    return {"task": tasks.task_view(task, caller), "lease": lease, "answers": answers,
            "draft": None, "reason": None}


def _own_work(session: Session, task_id: int, user_id: int
              ) -> tuple[Annotation | None, dict[str, Any] | None]:
    """The user's draft of the task, and — when their latest answer to it was rejected (the
    work was sent back to them) — that answer with its reviews, newest first: one read of
    both, as every label hand-out needs them."""
    draft = latest = None
    for row in session.scalars(_OWN_WORK, {"task_id": task_id, "user_id": user_id}):
        if row.status is AnnotationStatus.DRAFT:
            draft = row
        else:
            latest = row
    if latest is None or latest.status is not AnnotationStatus.REJECTED:
        return draft, None
    return draft, {"annotation": annotations.annotation_view(latest),
                   "reviews": reviews.reviews_of(session, latest.id)}


_answers = Annotation.__table__.alias("answers")
#: the user's draft of a task, and their latest labeling answer to it
_OWN_WORK = (select(Annotation).where(
    Annotation.task_id == bindparam("task_id"), Annotation.author_id == bindparam("user_id"),
    or_(Annotation.status == AnnotationStatus.DRAFT,
        Annotation.id == select(func.max(_answers.c.id)).where(
            _answers.c.task_id == bindparam("task_id"),
            _answers.c.author_id == bindparam("user_id"), _answers.c.stage == Stage.LABEL,
            _answers.c.status != AnnotationStatus.DRAFT).scalar_subquery()))
).execution_options(**PREPARE)


def _returned_count(project_id: int, user_id: int) -> ColumnElement[int]:
    """How many label tasks the user holds (directed work, or its lease) whose latest answer
    by them was rejected: work sent back to them and waiting."""
    theirs = Annotation.__table__.alias("theirs")
    newer = Annotation.__table__.alias("newer")
    rejected = exists().where(
        theirs.c.task_id == Assignment.task_id, theirs.c.author_id == user_id,
        theirs.c.stage == Stage.LABEL, theirs.c.status == AnnotationStatus.REJECTED,
        ~exists().where(newer.c.task_id == theirs.c.task_id, newer.c.author_id == user_id,
                        newer.c.stage == Stage.LABEL, newer.c.id > theirs.c.id,
                        newer.c.status != AnnotationStatus.DRAFT))
    return select(func.count(Assignment.id)).join(Task, Task.id == Assignment.task_id).where(
        Assignment.project_id == project_id, Assignment.user_id == user_id,
        Assignment.stage == Stage.LABEL, Assignment.kind.in_(HOLDING),
        Task.state == TaskState.LABEL, not_(Task.frozen), rejected).scalar_subquery()


def _pick(session: Session, caller: Caller, project: Project, policy: WorkflowPolicy,
          stage: Stage, tier: Tier, served: int, now: datetime
          ) -> tuple[Task, dict[str, Any]] | str:
    """Lease the caller a task — a calibration task first, gold at its rate, then the
    queue's next — and return it with its lease; or why there is none. `served`: how many
    label tasks the caller was handed so far."""
    excluded = sorted(policy.excluded_batches(tier))
    expires_at = now + timedelta(seconds=policy.lease_seconds)
    params = {"user_id": caller.user_id, "project": project.id, "excluded": excluded,
              "calibration": policy.calibration_batch, "pilot": policy.pilot_batch,
              "stage": stage, "kind": AssignmentKind.LEASE, "expires_at": expires_at,
              "now": now}
    lease = {"stage": stage, "kind": AssignmentKind.LEASE, "expires_at": expires_at}
    shared = []  # gold and calibration tasks are answered by everyone: they take no slot
    if stage is Stage.LABEL:
        if policy.calibration_batch and policy.calibration_batch not in excluded:
            shared.append(_CALIBRATION)
        if serve_gold(policy, caller.user_id, served):
            shared.append(_gold(bool(excluded)))
    for candidates in shared:
        task, lease_id = _lease(session, caller, candidates, stage, False, params)
        if task is not None:
            return task, {"id": lease_id, **lease}
    pilot = workflow.pilot_pending(project, policy)
    candidates = _candidates(stage, bool(policy.calibration_batch), bool(excluded), pilot,
                             _dialect(session) == "postgresql")
    for _ in range(3):  # a compare-and-set lost to a concurrent caller: look again
        task, lease_id = _lease(session, caller, candidates, stage, True, params)
        if task is None:
            break
        if lease_id is not None:
            return task, {"id": lease_id, **lease}
    if pilot:
        return (f"the pilot batch {policy.pilot_batch!r} awaits a manager's approval; "
                "the rest of the project opens then")
    return f"no task left in the {stage.value} stage for you"


def _lease(session: Session, caller: Caller, candidates: Select[tuple[Task]], stage: Stage,
           counted: bool, params: dict[str, Any]) -> tuple[Task | None, int | None]:
    """Lease the first of `candidates` to the caller — taking one of its slots if
    `counted`, counting it served (labeling), auditing it — and return it with the lease's
    id: the task is None when there is none, the id when a concurrent caller took its last
    slot first. One statement on PostgreSQL (`_lease_in_one`), one for each step on
    SQLite, which has no data-modifying CTEs."""
    if has_writing_ctes(session):
        row = session.execute(_lease_in_one(candidates, stage, counted), params).first()
        return (None, None) if row is None else (row[0], row[1])
    task = session.scalar(candidates, params)
    if task is None:
        return None, None
    if counted and run(session, _TAKE_SLOT[stage], task_id=task.id).rowcount != 1:
        return task, None
    lease_id = run(session, _LEASE, project_id=params["project"], task_id=task.id,
                   user_id=caller.user_id, stage=stage, kind=AssignmentKind.LEASE,
                   expires_at=params["expires_at"]).scalar_one()
    if stage is Stage.LABEL:
        run(session, _COUNT_SERVED["sqlite"], project_id=params["project"],
            user_id=caller.user_id)
    audit.record(session, caller, "task.lease", "task", task.id, params["project"],
                 stage=stage.value, counted=counted)
    return task, lease_id


_LEASE = insert(Assignment).values(
    {name: bindparam(name) for name in
     ("project_id", "task_id", "user_id", "stage", "kind", "expires_at")}
).returning(Assignment.id)


@functools.cache
def _lease_in_one(candidates: Select[tuple[Task]], stage: Stage, counted: bool) -> Any:
    """`_lease` as one PostgreSQL statement, for one shape of candidates: the candidate row
    (locked FOR UPDATE SKIP LOCKED when it is the queue's) feeds data-modifying CTEs that
    take its slot by the same compare-and-set as `_TAKE_SLOT`, insert the lease, count it
    served and write the audit row; the statement returns the task and the lease's id, NULL
    when the compare-and-set failed. The steps of one hand-out cost PostgreSQL and the
    driver more in round trips than in work."""
    tasks_, leases = Task.__table__, Assignment.__table__
    stats, log = AnnotatorStats.__table__, AuditEntry.__table__
    picked = candidates.cte("picked")
    source: Any = picked
    if counted:
        source = (update(tasks_).where(tasks_.c.id == picked.c.id,
                                       tasks_.c.state == STATE_OF[stage], open_slot(stage))
                  .values(taken=tasks_.c.taken + 1).returning(tasks_.c.id).cte("took"))
    now = bindparam("now", type_=leases.c.created_at.type)
    project_id = bindparam("project", type_=leases.c.project_id.type)
    user_id = bindparam("user_id", type_=leases.c.user_id.type)
    lease = insert(leases).from_select(
        ["project_id", "task_id", "user_id", "stage", "kind", "expires_at", "created_at"],
        select(project_id, source.c.id, user_id,
               bindparam("stage", type_=leases.c.stage.type),
               bindparam("kind", type_=leases.c.kind.type),
               bindparam("expires_at", type_=leases.c.expires_at.type), now)
    ).returning(leases.c.id, leases.c.task_id).cte("lease")
    logged = insert(log).from_select(
        ["at", "actor_id", "action", "object_type", "object_id", "project_id", "details"],
        select(now, user_id, literal("task.lease"), literal("task"), lease.c.task_id,
               project_id,
               literal({"stage": stage.value, "counted": counted}, log.c.details.type))
    ).cte("logged")
    found = select(picked, lease.c.id.label("lease_id")).select_from(
        picked.outerjoin(lease, true())).add_cte(logged)
    if stage is Stage.LABEL:
        served = _INSERTS["postgresql"](stats).from_select(
            ["project_id", "user_id", "served", "gold_answers", "gold_score_sum",
             "agreement_window"],
            select(project_id, user_id, literal(1), literal(0), literal(0.0),
                   literal([], stats.c.agreement_window.type)).select_from(lease)
        ).on_conflict_do_update(index_elements=[stats.c.project_id, stats.c.user_id],
                                set_={"served": stats.c.served + 1}).cte("served")
        found = found.add_cte(served)
    leased = select(Task, found.selected_columns.lease_id).from_statement(found)
    return leased.execution_options(**PREPARE)


def _untouched() -> Select[tuple[Task]]:
    """The project's tasks, not frozen, that the user has never annotated, leased or skipped:
    nobody labels a task twice or reviews their own work. The project's parameter is not
    named after a column of `tasks`: the slot's UPDATE in `_lease_in_one` would SET it."""
    user_id = bindparam("user_id")
    return select(Task).where(
        Task.project_id == bindparam("project"), not_(Task.frozen),
        ~exists().where(Annotation.task_id == Task.id, Annotation.author_id == user_id),
        ~exists().where(Assignment.task_id == Task.id, Assignment.user_id == user_id))


def _not_excluded(stmt: Select[tuple[Task]], excluded: bool) -> Select[tuple[Task]]:
    return stmt.where(Task.batch.not_in(bindparam("excluded", expanding=True))) \
        if excluded else stmt


_CALIBRATION = _untouched().where(Task.batch == bindparam("calibration"), not_(Task.is_gold)
                                  ).order_by(Task.queue_key, Task.id).limit(1
                                             ).execution_options(**PREPARE)


@functools.cache
def _gold(excluded: bool) -> Select[tuple[Task]]:
    """In id order, the order of the gold index: sorting every gold task of a large project
    by anything else costs more than the rest of the hand-out together."""
    return _not_excluded(_untouched().where(Task.is_gold.is_(True)), excluded
                         ).order_by(Task.id).limit(1).execution_options(**PREPARE)


@functools.cache
def _open(stage: Stage, calibration: bool, excluded: bool, pilot: bool
          ) -> Select[tuple[Task]]:
    """The caller's tasks with a free slot in `stage`, for one shape of policy (built once
    per shape; the values are bound parameters)."""
    stmt = _untouched().where(
        Task.state == STATE_OF[stage],
        Task.state != TaskState.DONE,  # the queue index's condition: SQLite then uses it
        not_(Task.is_gold), open_slot(stage))
    if calibration:
        stmt = stmt.where(Task.batch != bindparam("calibration"))
    stmt = _not_excluded(stmt, excluded)
    return stmt.where(Task.batch == bindparam("pilot")) if pilot else stmt


@functools.cache
def _candidates(stage: Stage, calibration: bool, excluded: bool, pilot: bool, locking: bool
                ) -> Select[tuple[Task]]:
    """The queue's next task: batch order, priority, the ordering strategy, then id."""
    stmt = _open(stage, calibration, excluded, pilot).order_by(
        Task.queue_rank, Task.queue_key, Task.id).limit(1).execution_options(**PREPARE)
    return stmt.with_for_update(skip_locked=True, of=Task) if locking else stmt


_TAKE_SLOT = {stage: update(Task).where(Task.id == bindparam("task_id"),
                                        Task.state == STATE_OF[stage], open_slot(stage))
              .values(taken=Task.taken + 1) for stage in Stage}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}  # with ON CONFLICT


def _stats_row(dialect: str, served: int) -> Any:
    return _INSERTS[dialect](AnnotatorStats).values(
        project_id=bindparam("project_id"), user_id=bindparam("user_id"), served=served,
        gold_answers=0, gold_score_sum=0.0, agreement_window=[])


#: one more label task handed to the user, in one statement (an upsert)
_COUNT_SERVED = {dialect: _stats_row(dialect, 1).on_conflict_do_update(
    index_elements=[AnnotatorStats.project_id, AnnotatorStats.user_id],
    set_={"served": AnnotatorStats.served + 1}) for dialect in _INSERTS}
_ENSURE_STATS = {dialect: _stats_row(dialect, 0).on_conflict_do_nothing()
                 for dialect in _INSERTS}


def ensure_stats(session: Session, project_id: int, user_id: int) -> None:
    """Create the member's statistics row if missing, racing safely with other requests."""
    run(session, _ENSURE_STATS[_dialect(session)], project_id=project_id, user_id=user_id)


def add_gold_score(session: Session, project_id: int, user_id: int, answers: int,
                   score: float) -> None:
    """Add `answers` gold answers scoring `score` in all to the member's statistics (an
    upsert: their row may not exist yet)."""
    run(session, _ADD_GOLD_SCORE[_dialect(session)], project_id=project_id, user_id=user_id,
        answers=answers, score=score)


def _gold_scored(dialect: str) -> Any:
    row = _INSERTS[dialect](AnnotatorStats).values(
        project_id=bindparam("project_id"), user_id=bindparam("user_id"), served=0,
        gold_answers=bindparam("answers"), gold_score_sum=bindparam("score"),
        agreement_window=[])
    return row.on_conflict_do_update(
        index_elements=[AnnotatorStats.project_id, AnnotatorStats.user_id],
        set_={"gold_answers": AnnotatorStats.gold_answers + row.excluded.gold_answers,
              "gold_score_sum": AnnotatorStats.gold_score_sum + row.excluded.gold_score_sum})


_ADD_GOLD_SCORE = {dialect: _gold_scored(dialect) for dialect in _INSERTS}


def reclaim_expired(session: Session, project_id: int, now: datetime) -> int:
    """Drop expired leases and free their slots, so abandoned tasks return to the queue."""
    expired = list(run(session, _EXPIRED, project_id=project_id, now=now).scalars())
    if expired:
        release(session, expired)
    return len(expired)


_EXPIRED = select(Assignment.id).where(
    Assignment.project_id == bindparam("project_id"), Assignment.kind == AssignmentKind.LEASE,
    Assignment.expires_at < bindparam("now"))


def release(session: Session, lease_ids: list[int]) -> None:
    """Delete leases and give back the slots those that took one held. Loaded leases leave
    the session too (`evaluate`): SQLite reuses a deleted row's id, and a new assignment
    must not meet a stale object under it."""
    rows = list(session.execute(
        select(Assignment.task_id, Assignment.stage, Task.state)
        .join(Task, Task.id == Assignment.task_id).where(Assignment.id.in_(lease_ids))))
    session.execute(delete(Assignment).where(Assignment.id.in_(lease_ids))
                    .execution_options(synchronize_session="evaluate"))
    for task_id, stage, state in rows:
        if state is STATE_OF[stage]:
            session.execute(update(Task).where(Task.id == task_id, Task.taken > 0)
                            .values(taken=Task.taken - 1)
                            .execution_options(synchronize_session=False))


def skip(session: Session, caller: Caller, project_id: int, task_id: int) -> None:
    """Give the task back (if leased) and never be offered it again, in any stage."""
    task = tasks.get_task(session, project_id, task_id)
    held = list(session.scalars(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.user_id == caller.user_id)))
    if any(a.kind is AssignmentKind.SKIPPED for a in held):
        return
    release(session, [a.id for a in held])
    if held:
        stage = held[0].stage
    else:  # the stage it waits in; a done task's skip is a labeling one
        stage = Stage.LABEL if task.state is TaskState.DONE else Stage(task.state.value)
    session.add(Assignment(project_id=project_id, task_id=task.id, user_id=caller.user_id,
                           stage=stage, kind=AssignmentKind.SKIPPED))
    audit.record(session, caller, "task.skip", "task", task.id, project_id, stage=stage.value)
    session.commit()


def consume(session: Session, caller: Caller, task: Task, stage: Stage) -> bool:
    """Use the caller's lease or directed assignment on `task` for a submission; without one,
    take a free slot if there is one. False when the caller may not submit there now."""
    if run(session, _USE_HELD, task_id=task.id, user_id=caller.user_id,
           stage=stage).rowcount:
        return True  # the slot it held is now the answer's
    if counts_slots(task, session):
        took = session.execute(
            update(Task).where(Task.id == task.id, Task.state == STATE_OF[stage],
                               not_(Task.frozen), open_slot(stage))
            .values(taken=Task.taken + 1).execution_options(synchronize_session=False))
        session.refresh(task)
        return took.rowcount == 1
    return True


_USE_HELD = delete(Assignment).where(
    Assignment.task_id == bindparam("task_id"), Assignment.user_id == bindparam("user_id"),
    Assignment.stage == bindparam("stage"), Assignment.kind.in_(HOLDING))


def counts_slots(task: Task, session: Session) -> bool:
    """Gold and calibration tasks are answered by everyone; they have no slots."""
    if task.is_gold:
        return False
    calibration = workflow.get_policy(session, task.project_id).calibration_batch
    return not (calibration and task.batch == calibration)


def current_answers(session: Session, task_id: int) -> list[Annotation]:
    """The answers that count in the task's round: labeling-stage work not rejected or
    superseded, one per author. Read afresh (`populate_existing`): a review changes an
    answer's status with a compare-and-set UPDATE that leaves the loaded object stale."""
    return list(session.scalars(_CURRENT_ANSWERS, {"task_id": task_id}))


_CURRENT_ANSWERS = select(Annotation).where(
    Annotation.task_id == bindparam("task_id"), Annotation.stage == Stage.LABEL,
    Annotation.status.in_((AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED))
).order_by(Annotation.id).execution_options(populate_existing=True, **PREPARE)


def live_leases(session: Session, task_id: int, stage: Stage) -> int:
    return session.scalar(select(func.count(Assignment.id)).where(
        Assignment.task_id == task_id, Assignment.stage == stage,
        Assignment.kind.in_(HOLDING))) or 0


def drop_leases(session: Session, task_id: int, stage: Stage | None = None) -> None:
    """Remove a task's leases and directed work (of one stage, or all): it moved on without
    them. Directed work left behind would be offered to its holder first forever, on a task
    that no longer takes it. Loaded ones leave the session too, as `release` says why; done
    here by hand, as the ORM's "evaluate" costs more than the statement (every routing)."""
    run(session, _DROP_LEASES[stage], task_id=task_id)
    for instance in list(session.identity_map.values()):
        if (isinstance(instance, Assignment) and instance.task_id == task_id
                and instance.kind in HOLDING and stage in (None, instance.stage)):
            session.expunge(instance)


_DROP_LEASES: dict[Stage | None, Any] = {
    stage: delete(Assignment.__table__).where(
        Assignment.__table__.c.task_id == bindparam("task_id"),
        Assignment.__table__.c.kind.in_(HOLDING),
        *([Assignment.__table__.c.stage == stage] if stage is not None else []))
    for stage in (None, *Stage)}


def queue_counts(session: Session, caller: Caller, project_id: int) -> dict[str, Any]:
    """Per stage the caller may take: tasks with a free slot they could take (counted up to
    COUNT_CAP, so the figure stays cheap at a million tasks) and those already theirs; for
    labeling also how many of theirs were sent back to them by a reviewer (`returned`)."""
    project = projects.get_project(session, project_id)
    policy = workflow.policy_of(project)
    tier = tier_of(session, caller, project_id)
    counts: dict[str, Any] = {}
    for stage in Stage:
        if (stage is not Stage.LABEL and not caller.sees_everything) or tier not in policy.stage_tiers[stage]:
            continue
        mine = session.scalar(select(func.count(Assignment.id)).where(
            Assignment.project_id == project_id, Assignment.user_id == caller.user_id,
            Assignment.stage == stage, Assignment.kind.in_(HOLDING))) or 0
        excluded = sorted(policy.excluded_batches(tier))
        available = _open(stage, False, bool(excluded), workflow.pilot_pending(project, policy))
        capped = available.with_only_columns(Task.id).limit(COUNT_CAP + 1).subquery()
        n = session.scalar(select(func.count()).select_from(capped), {
            "user_id": caller.user_id, "project": project_id, "excluded": excluded,
            "pilot": policy.pilot_batch}) or 0
        counts[stage.value] = {"available": min(n, COUNT_CAP), "more": n > COUNT_CAP,
                               "mine": mine}
        if stage is Stage.LABEL:
            counts[stage.value]["returned"] = session.scalar(
                select(_returned_count(project_id, caller.user_id))) or 0
    return counts
