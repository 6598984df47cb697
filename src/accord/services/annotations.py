"""Annotations: server-side drafts, idempotent submission, and visibility rules.

A draft is the one `draft` annotation of an author on a task; saving replaces its regions.
Submitting validates against the schema in force, stamps schema and guideline versions, and
removes the draft, in one transaction. An `Idempotency-Key` makes a retried submit (a lost
response, a double click) return the first annotation instead of storing a second.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError, NotFound, PermissionDenied
from accord.core.records import AnnotationStatus, Stage, TaskState
from accord.db.engine import PREPARE, has_writing_ctes, hold
from accord.db.tables import Annotation, AuditEntry, Project, Task
from accord.db.types import utcnow
from accord.services import audit, pagination, queue, routing, tasks, versions, workflow
from accord.services.caller import Caller

MAX_IDEMPOTENCY_KEY = 200
CURRENT = (AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED)


def annotation_view(a: Annotation, *, reveal_gold: bool = False) -> dict[str, Any]:
    """`reveal_gold` adds the gold score, for reviewers and managers only: an annotator's
    view of their work never tells a gold task from another."""
    view = {"id": a.id, "task_id": a.task_id, "project_id": a.project_id,
            "author_id": a.author_id, "stage": a.stage, "status": a.status,
            "regions": a.regions, "schema_version": a.schema_version,
            "guideline_version": a.guideline_version, "started_at": a.started_at,
            "submitted_at": a.submitted_at, "lead_time_s": a.lead_time_s,
            "parent_id": a.parent_id, "version": a.version, "created_at": a.created_at,
            "updated_at": a.updated_at}
    if reveal_gold:
        view["gold_score"] = a.gold_score
    return view


def draft_of(session: Session, task_id: int, author_id: int) -> Annotation | None:
    return session.scalar(_DRAFT, {"task_id": task_id, "author_id": author_id})


_DRAFT = select(Annotation).where(Annotation.task_id == bindparam("task_id"),
                                  Annotation.author_id == bindparam("author_id"),
                                  Annotation.status == AnnotationStatus.DRAFT
                                  ).execution_options(**PREPARE)


def get_draft(session: Session, caller: Caller, project_id: int, task_id: int
              ) -> dict[str, Any]:
    tasks.get_task(session, project_id, task_id)
    draft = draft_of(session, task_id, caller.user_id)
    if draft is None:
        raise NotFound(f"no draft of yours on task {task_id}", task_id=task_id)
    return annotation_view(draft)


def save_draft(session: Session, caller: Caller, project_id: int, task_id: int,
               regions: list[Any], started_at: datetime | None = None,
               lead_time_s: float | None = None, base_version: int | None = None
               ) -> dict[str, Any]:
    """Store work in progress as-is (no schema check: a draft may be incomplete).

    `base_version` is the draft version the edit started from (0: from no draft). When the
    draft has moved on since — another tab saved, or it was submitted or discarded — the
    save is refused as stale and stores nothing, so work kept in a browser while offline
    never overwrites newer work. Without it, the last save wins.
    """
    tasks.get_task(session, project_id, task_id)
    schema_version, guideline_version = versions.get_project_versions(session, project_id)
    draft = draft_of(session, task_id, caller.user_id)
    current = draft.version if draft is not None else 0
    if base_version is not None and base_version != current:
        raise _stale(task_id, base_version, current)
    if draft is None:
        draft = Annotation(task_id=task_id, project_id=project_id, author_id=caller.user_id,
                           stage=Stage.LABEL, status=AnnotationStatus.DRAFT, regions=regions,
                           schema_version=schema_version, guideline_version=guideline_version,
                           started_at=started_at or utcnow(), lead_time_s=lead_time_s)
        session.add(draft)
        try:
            session.flush()
        except IntegrityError:  # another tab created it meanwhile
            session.rollback()
            if base_version is not None:
                raise _stale(task_id, base_version, None) from None
            return save_draft(session, caller, project_id, task_id, regions, started_at,
                              lead_time_s)
    else:
        changes: dict[str, Any] = {"regions": regions, "version": current + 1,
                                   "schema_version": schema_version,
                                   "guideline_version": guideline_version}
        if lead_time_s is not None:
            changes["lead_time_s"] = lead_time_s
        # compare-and-set: of two saves from the same version, one wins
        claimed = session.execute(
            update(Annotation).where(Annotation.id == draft.id, Annotation.version == current)
            .values(**changes).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            session.rollback()
            if base_version is not None:
                raise _stale(task_id, base_version, None)
            return save_draft(session, caller, project_id, task_id, regions, started_at,
                              lead_time_s)
        session.commit()
        session.refresh(draft)
        return annotation_view(draft)
    session.commit()
    return annotation_view(draft)


def _stale(task_id: int, base_version: int, current: int | None) -> Conflict:
    now = "moved on" if current is None else (
        f"is at version {current}" if current else "was submitted or discarded")
    return Conflict(f"your draft of task {task_id} is stale: it continues version "
                    f"{base_version}, but the draft {now}; reload the task to continue from "
                    "the newer work", code="stale_draft", task_id=task_id,
                    current_version=current)


def discard_draft(session: Session, caller: Caller, project_id: int, task_id: int) -> None:
    tasks.get_task(session, project_id, task_id)
    session.execute(delete(Annotation).where(
        Annotation.task_id == task_id, Annotation.author_id == caller.user_id,
        Annotation.status == AnnotationStatus.DRAFT))
    session.commit()


def _by_key(session: Session, author_id: int, key: str) -> Annotation | None:
    return session.scalar(_BY_KEY, {"author_id": author_id, "key": key})


_BY_KEY = select(Annotation).where(Annotation.author_id == bindparam("author_id"),
                                   Annotation.idempotency_key == bindparam("key")
                                   ).execution_options(**PREPARE)


def _mine_and_keyed(session: Session, task_id: int, author_id: int, key: str | None
                    ) -> tuple[Task | None, Annotation | None, list[Annotation]]:
    """What every submission reads first, in one statement: the task (None when there is
    none) with its project, the author's annotation stored under `key` (on any task), and
    theirs on the task, oldest first. The project is held in the session, where the
    services that need its policy and versions find it.

    On PostgreSQL the task's row stays locked until the submission ends (FOR NO KEY UPDATE,
    which the foreign keys' checks do not wait for), so submissions to one task take turns,
    each seeing the task as the one before left it: two last answers arriving at once would
    otherwise each count the task's answers without the other's, and neither would route
    it — the task would wait, full, forever. SQLite runs one writer at a time anyway.
    """
    rows = session.execute(_MINE_AND_KEYED, {"task_id": task_id, "author_id": author_id,
                                             "key": key}).all()
    if not rows:  # no such task: only a replay may still be answered
        return None, _by_key(session, author_id, key) if key is not None else None, []
    task, project = rows[0][0], rows[0][1]
    hold(session, project)
    keyed, mine = None, []
    for *_, row in rows:
        if row is not None and key is not None and row.idempotency_key == key:
            keyed = row
        if row is not None and row.task_id == task_id:
            mine.append(row)
    return task, keyed, mine


#: each side of the OR on its own index (the task's; author and key), so neither database
#: reads all of the author's work; a missing key (NULL) matches nothing
_MINE_AND_KEYED = select(Task, Project, Annotation).join(
    Project, Project.id == Task.project_id).outerjoin(Annotation, or_(
        (Annotation.task_id == bindparam("task_id"))
        & (Annotation.author_id == bindparam("author_id")),
        (Annotation.author_id == bindparam("author_id"))
        & (Annotation.idempotency_key == bindparam("key")))
).where(Task.id == bindparam("task_id")).order_by(Annotation.id).with_for_update(
    of=Task, key_share=True).execution_options(**PREPARE)


def _replay(existing: Annotation, task_id: int, regions: list[Any]) -> dict[str, Any]:
    """A retry must be the same request; reusing a key for different work is a mistake."""
    if existing.task_id != task_id or existing.regions != regions:
        raise Conflict("this Idempotency-Key was already used for a different submission "
                       f"(annotation {existing.id}); use a new key for new work",
                       field="Idempotency-Key", annotation_id=existing.id)
    return annotation_view(existing)


def submit(session: Session, caller: Caller, project_id: int, task_id: int,
           regions: list[Any], *, schema_version: int | None = None,
           lead_time_s: float | None = None, started_at: datetime | None = None,
           idempotency_key: str | None = None) -> tuple[dict[str, Any], bool]:
    """Store a submitted annotation; returns (annotation, created)."""
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        raise InputError(f"Idempotency-Key must have 1 to {MAX_IDEMPOTENCY_KEY} characters",
                         field="Idempotency-Key")
    task, existing, mine = _mine_and_keyed(session, task_id, caller.user_id, idempotency_key)
    if existing is not None:
        return _replay(existing, task_id, regions), False
    task = tasks.get_task(session, project_id, task_id)  # NotFound for another project's
    current, schema = versions.current_schema(session, project_id)
    if schema_version is not None and schema_version != current:
        save_draft(session, caller, project_id, task_id, regions, started_at, lead_time_s)
        raise Conflict(f"the project's schema changed from version {schema_version} to "
                       f"{current} while you worked; your work is kept as a draft — reload "
                       "the task to continue under the new schema",
                       code="schema_changed", current_schema_version=current)
    tasks.check_regions(schema, regions, "regions", task.data)
    stage, previous = _claim(session, caller, task, mine, regions, started_at, lead_time_s)
    draft = next((a for a in mine if a.status is AnnotationStatus.DRAFT), None)
    started = started_at or (draft.started_at if draft else None)
    if draft is not None:
        session.delete(draft)
    _, guideline_version = versions.get_project_versions(session, project_id)
    now = utcnow()
    values = {
        "task_id": task_id, "project_id": project_id, "author_id": caller.user_id,
        "stage": stage, "status": AnnotationStatus.ACCEPTED if stage is Stage.ADJUDICATE
        else AnnotationStatus.SUBMITTED, "regions": regions, "schema_version": current,
        "guideline_version": guideline_version, "started_at": started, "submitted_at": now,
        "lead_time_s": lead_time_s, "parent_id": previous.id if previous else None,
        "version": 1, "idempotency_key": idempotency_key, "created_at": now,
        "updated_at": now,
        "gold_score": routing.gold_score(task, regions) if stage is Stage.LABEL else None}
    try:
        annotation = _store(session, caller, values)
    except IntegrityError:  # the same key won a race in another transaction
        session.rollback()
        existing = _by_key(session, caller.user_id, idempotency_key or "")
        if existing is None:
            raise
        return _replay(existing, task_id, regions), False
    if stage is Stage.LABEL:
        replaced = previous is not None and previous.status is AnnotationStatus.SUPERSEDED
        routing.after_label_answer(session, caller, task, annotation, replaced)
    else:
        routing.after_adjudication(session, caller, task, annotation)
    session.commit()
    return annotation_view(annotation), True


def _store(session: Session, caller: Caller, values: dict[str, Any]) -> Annotation:
    """Insert a submitted annotation and its audit row: one statement on PostgreSQL
    (`_STORE`), the ORM's insert and the audit's on SQLite."""
    details = {"task_id": values["task_id"], "stage": values["stage"].value}
    if has_writing_ctes(session):
        return session.scalars(_STORE, {**values, "details": details}).one()
    annotation = Annotation(**values)
    session.add(annotation)
    session.flush()
    audit.record(session, caller, "annotation.submit", "annotation", annotation.id,
                 values["project_id"], **details)
    return annotation


def _store_statement() -> Any:
    """The annotation's INSERT … RETURNING as a CTE that the audit row's INSERT reads."""
    table, log = Annotation.__table__, AuditEntry.__table__
    stored = insert(table).values({c.name: bindparam(c.name, type_=c.type)
                                   for c in table.c if c.name != "id"}
                                  ).returning(*table.c).cte("stored")
    logged = insert(log).from_select(
        ["at", "actor_id", "action", "object_type", "object_id", "project_id", "details"],
        select(stored.c.created_at, stored.c.author_id, literal("annotation.submit"),
               literal("annotation"), stored.c.id, stored.c.project_id,
               bindparam("details", type_=log.c.details.type))).cte("logged")
    return select(Annotation).from_statement(select(stored).add_cte(logged)
                                             ).execution_options(**PREPARE)


_STORE = _store_statement()


def _claim(session: Session, caller: Caller, task: Task, mine: list[Annotation],
           regions: list[Any], started_at: datetime | None, lead_time_s: float | None
           ) -> tuple[Stage, Annotation | None]:
    """The stage this submission counts for, and the caller's earlier labeling-stage answer
    it follows (resubmitting while the task is still in labeling replaces it without taking
    a second slot). Work that cannot count now is kept as a draft and refused."""
    state = task.state
    stage = Stage.ADJUDICATE if state is TaskState.ADJUDICATE else Stage.LABEL
    previous = next((a for a in reversed(mine) if a.stage is Stage.LABEL
                     and a.status is not AnnotationStatus.DRAFT), None)
    why = None
    if task.frozen:
        why = "it is frozen by a manager"
    elif state in (TaskState.REVIEW, TaskState.DONE):
        why = f"it is {'in review' if state is TaskState.REVIEW else 'done'}"
    elif stage is Stage.ADJUDICATE:
        policy = workflow.get_policy(session, task.project_id)
        queue.check_may_take(session, caller, task.project_id, policy, Stage.ADJUDICATE)
        if previous is not None:
            raise PermissionDenied(f"you answered task {task.id}; another adjudicator must "
                                   "settle it")
        if not queue.consume(session, caller, task, stage):
            why = "another adjudicator has it"
    elif previous is not None and previous.status in CURRENT:
        previous.status = AnnotationStatus.SUPERSEDED
        return stage, previous
    elif not queue.consume(session, caller, task, stage):
        why = "it already has all the answers it needs"
    if why is not None:
        save_draft(session, caller, task.project_id, task.id, regions, started_at, lead_time_s)
        raise Conflict(f"task {task.id} cannot take your submission now: {why}; your work is "
                       "kept as a draft", code="not_assigned", task_id=task.id,
                       state=state.value)
    return stage, previous


def get_annotation(session: Session, caller: Caller, project_id: int, annotation_id: int
                   ) -> Annotation:
    """An annotation of this project that the caller may see, else NotFound."""
    annotation = session.get(Annotation, annotation_id)
    is_own = annotation is not None and annotation.author_id == caller.user_id
    if (annotation is None or annotation.project_id != project_id
            or (not caller.sees_everything and not is_own)
            or (annotation.status == AnnotationStatus.DRAFT and not is_own)):
        raise NotFound(f"annotation {annotation_id} not found in project {project_id}",
                       annotation_id=annotation_id)
    return annotation


def read_annotation(session: Session, caller: Caller, project_id: int, annotation_id: int
                    ) -> dict[str, Any]:
    return annotation_view(get_annotation(session, caller, project_id, annotation_id),
                           reveal_gold=caller.sees_everything)


def list_annotations(session: Session, caller: Caller, project_id: int, *,
                     task_id: int | None = None, cursor: str | None = None,
                     limit: int = 100) -> tuple[list[dict[str, Any]], str | None]:
    """Reviewers and managers see all submitted work; annotators see only their own."""
    stmt = select(Annotation).where(Annotation.project_id == project_id,
                                    Annotation.status != AnnotationStatus.DRAFT)
    if task_id is not None:
        tasks.get_task(session, project_id, task_id)
        stmt = stmt.where(Annotation.task_id == task_id)
    if not caller.sees_everything:
        stmt = stmt.where(Annotation.author_id == caller.user_id)
    stmt, limit = pagination.page(stmt, Annotation.id, cursor, limit)
    rows, next_cursor = pagination.finish(list(session.scalars(stmt)), limit, lambda a: a.id)
    return [annotation_view(a, reveal_gold=caller.sees_everything) for a in rows], next_cursor
