"""Tasks: bulk creation (one transaction, batched inserts), listing, reading, editing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError, NotFound
from accord.core.records import AnnotationStatus, Stage, TaskState
from accord.core.schema import Schema
from accord.core.task_records import TaskRecord, parse_task_record
from accord.core.validation import media_info, validate
from accord.core.workflow import Ordering, WorkflowPolicy, initial_overlap
from accord.db.tables import Annotation, Prediction, Task, User
from accord.db.types import utcnow
from accord.services import audit, collector, task_browser, versions, workflow
from accord.services.caller import Caller
from accord.services.record_rows import RowInsert

INSERT_BATCH = 2000
#: an import at least this large refreshes PostgreSQL's planner statistics afterwards
ANALYZE_AFTER = 10_000


@dataclass(frozen=True, slots=True)
class ImportReport:
    created: int
    skipped_duplicates: int
    annotations: int
    predictions: int


def check_regions(schema: Schema | None, regions: list[Any], where: str,
                  data: dict[str, Any] | None = None) -> None:
    """Raise one InputError listing every problem; `data` (the task's) enables media checks."""
    if schema is None:
        if regions:
            raise InputError(f"{where}: the project has no labeling schema yet, so regions "
                             "cannot be checked; publish a schema first", field=where)
        return
    problems = validate(schema, regions,
                        media=media_info(schema, data) if data is not None else None)
    if problems:
        first = problems[0]
        region = f"region {first.region_id!r}, " if first.region_id else ""
        raise InputError(f"{where}: {region}{first.field}: {first.message}"
                         + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1
                            else ""), field=where,
                         problems=[{"region_id": p.region_id, "field": p.field,
                                    "code": p.code, "message": p.message} for p in problems])


def check_record(schema: Schema | None, record: TaskRecord) -> None:
    if record.gold is not None:
        check_regions(schema, record.gold, "gold", record.data)
    for i, annotation in enumerate(record.annotations):
        check_regions(schema, annotation.regions, f"annotations[{i}].regions", record.data)
    for i, prediction in enumerate(record.predictions):
        check_regions(schema, prediction.regions, f"predictions[{i}].regions", record.data)


def import_records(session: Session, caller: Caller, project_id: int,
                   raw_records: Iterable[tuple[str, Any]],
                   progress: Callable[[int], None] | None = None,
                   before_commit: Callable[[], None] | None = None) -> ImportReport:
    """Create tasks (with their gold, annotations and predictions) all-or-nothing.

    `raw_records` yields (where, raw dict) pairs; `where` (e.g. "tasks.jsonl, line 12") leads
    every error message. Tasks whose content is already in the project are skipped, so an
    interrupted import can simply be run again. `before_commit` runs once every record is
    in, inside the transaction (an error there keeps nothing).
    """
    schema_version, schema = versions.current_schema(session, project_id)
    guideline_version = versions.get_project_versions(session, project_id)[1]
    policy = workflow.get_policy(session, project_id)
    authors: dict[str, int] = {}
    totals = [0, 0, 0, 0]
    records = iter(raw_records)
    with collector.eased():
        while True:
            parsed = []
            for where, raw in islice(records, INSERT_BATCH):
                try:
                    record = parse_task_record(raw)
                    check_record(schema, record)
                    for annotation in record.annotations:
                        _resolve_author(session, annotation.author, authors, caller)
                except InputError as exc:
                    raise InputError(f"{where}: {exc.message}", where=where,
                                     **exc.details) from exc
                parsed.append(record)
            if not parsed:
                break
            counts = _insert_chunk(session, project_id, parsed, authors, caller,
                                   schema_version, guideline_version, policy)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            if progress:
                progress(len(parsed))
    report = ImportReport(*totals)
    audit.record(session, caller, "tasks.import", "project", project_id, project_id,
                 created=report.created, skipped_duplicates=report.skipped_duplicates)
    if before_commit:
        before_commit()
    session.commit()
    if report.created >= ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        # the planner's statistics predate the import until autovacuum next looks (a minute
        # or more); meanwhile `next task` plans from them, at twice its cost
        session.execute(text("ANALYZE tasks, annotations"))
        session.commit()
    return report


def _resolve_author(session: Session, email: str | None, cache: dict[str, int],
                    caller: Caller) -> int:
    if email is None:
        return caller.user_id
    if email not in cache:
        user_id = session.scalar(select(User.id).where(User.email == email.strip().lower()))
        if user_id is None:
            raise InputError(f"annotation author {email!r} is not a user; add the user first "
                             "or leave `author` out to attribute the work to yourself",
                             field="author")
        cache[email] = user_id
    return cache[email]


def _insert_chunk(session: Session, project_id: int, records: list[TaskRecord],
                  authors: dict[str, int], caller: Caller, schema_version: int,
                  guideline_version: int, policy: WorkflowPolicy) -> tuple[int, int, int, int]:
    """Insert one batch: its tasks under ids taken here, in order, a task whose content the
    project already holds left out by the database (ON CONFLICT DO NOTHING on the content
    hash's unique index), then the answers of the tasks stored. No query looks the hashes
    up: the unique index is probed once, by the insert itself."""
    seen: set[str] = set()
    fresh: list[tuple[TaskRecord, str]] = []
    for record in records:
        digest = record.content_hash
        if digest not in seen:  # the same content twice in one batch: the first counts
            seen.add(digest)
            fresh.append((record, digest))
    ids = _new_task_ids(session, len(fresh))
    now = utcnow()
    connection = session.connection()
    # the driver's executemany without RETURNING (record_rows): on SQLite, ordered
    # RETURNING falls back to a statement per row, and the ORM's bulk path costs as much
    # again as the database
    stored = RowInsert(connection, Task.__table__, _TASK_COLUMNS,
                       {"project_id": project_id, "created_at": now},
                       skip_conflicts=("project_id", "content_hash")).insert(
        (task_id, r.data, r.media_url, r.batch, r.priority, r.gold, r.gold is not None,
         digest, *_queue_fields(policy, r, digest, now))
        for task_id, (r, digest) in zip(ids, fresh, strict=True))
    kept = list(zip(ids, (r for r, _ in fresh), strict=True))
    if stored != len(fresh):  # some were in the project already: which are ours
        ours = set(session.scalars(select(Task.id).where(Task.id.in_(ids))))
        kept = [(task_id, r) for task_id, r in kept if task_id in ours]
    created, skipped = len(kept), len(records) - len(kept)
    if not kept:
        return 0, skipped, 0, 0
    rekeyed = policy.ordering is not Ordering.SEQUENTIAL
    if not rekeyed and not any(r.annotations or r.predictions for _, r in kept):
        return created, skipped, 0, 0
    annotations = RowInsert(connection, Annotation.__table__, _ANNOTATION_COLUMNS, {
        "project_id": project_id, "version": 1, "created_at": now, "updated_at": now,
    }).insert(
        # stage and status as the record's strings: the enum columns store them as they
        # would the members (StrEnum), and parse_task_record has checked them
        (task_id, a.regions, authors.get(a.author, caller.user_id) if a.author
         else caller.user_id, a.stage, a.status,
         a.schema_version or schema_version,
         a.guideline_version or guideline_version, a.submitted_at or now, a.lead_time_s)
        for task_id, r in kept for a in r.annotations)
    predictions = RowInsert(connection, Prediction.__table__, _PREDICTION_COLUMNS, {
        "project_id": project_id, "created_at": now,
    }).insert((task_id, p.regions, p.model_version, p.score)
              for task_id, r in kept for p in r.predictions)
    if rekeyed:
        workflow.rekey(session, project_id, policy, [task_id for task_id, _ in kept])
    return created, skipped, annotations, predictions


def _new_task_ids(session: Session, count: int) -> list[int]:
    """`count` task ids, ascending, that no task has or will be given: on SQLite those after
    the highest (the import's transaction holds the write lock, and SQLite refuses a write
    on a snapshot that another writer has passed), on PostgreSQL the ids' sequence's next."""
    if not count:
        return []
    if session.get_bind().dialect.name == "sqlite":
        last = session.scalar(select(func.max(Task.id))) or 0
        return list(range(last + 1, last + 1 + count))
    return sorted(session.scalars(text(
        "SELECT nextval(pg_get_serial_sequence('tasks', 'id')) FROM generate_series(1, :n)"),
        {"n": count}))


_TASK_COLUMNS = ("id", "data", "media_url", "batch", "priority", "gold", "is_gold", "content_hash",
                 "overlap", "taken", "state", "result_source", "state_at", "queue_rank")
_ANNOTATION_COLUMNS = ("task_id", "regions", "author_id", "stage", "status", "schema_version",
                       "guideline_version", "submitted_at", "lead_time_s")
_PREDICTION_COLUMNS = ("task_id", "regions", "model_version", "score")


#: the stage and statuses of imported answers that take a labeling slot, as the records
#: spell them
_LABEL = Stage.LABEL.value
_ANSWERED = frozenset({AnnotationStatus.SUBMITTED.value, AnnotationStatus.ACCEPTED.value})


def _queue_fields(policy: WorkflowPolicy, record: TaskRecord, digest: str, now: datetime
                  ) -> tuple[int, int, TaskState, str | None, datetime | None, int]:
    """A new task's place in the workflow (overlap, taken, state, result source, state
    time, queue rank): its overlap and queue rank, and — when it comes with answers —
    their slots, or done when they are enough (imports are not re-routed), done at the
    import's time `now`, which its batch shares (one value for the database to take)."""
    # with an overlap of one there is nothing to draw (the draw hashes the task: a tenth of
    # a plain task's import)
    overlap = 1 if policy.overlap == 1 else initial_overlap(policy, digest)
    rank = workflow.queue_rank(policy, record.batch, record.priority)
    if not record.annotations:
        return overlap, 0, TaskState.LABEL, None, None, rank
    answered = {a.author for a in record.annotations if a.stage == _LABEL
                and a.status in _ANSWERED}
    if answered and record.gold is None and len(answered) >= overlap:
        return overlap, 0, TaskState.DONE, "import", now, rank
    return overlap, len(answered), TaskState.LABEL, None, None, rank


def get_task(session: Session, project_id: int, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.project_id != project_id:
        raise NotFound(f"task {task_id} not found in project {project_id}", task_id=task_id)
    return task


def read_task(session: Session, caller: Caller, project_id: int, task_id: int
              ) -> dict[str, Any]:
    return task_view(get_task(session, project_id, task_id), caller)


def task_view(task: Task, caller: Caller) -> dict[str, Any]:
    """Annotators get no sign of whether a task is gold, so honeypots stay hidden."""
    view = {"id": task.id, "project_id": task.project_id, "data": task.data,
            "media_url": task.media_url, "batch": task.batch, "priority": task.priority,
            "created_at": task.created_at}
    if caller.sees_everything:
        view |= {"is_gold": task.is_gold, "gold": task.gold, **workflow_state(task)}
    return view


def workflow_state(task: Task) -> dict[str, Any]:
    """A task's place in the workflow (docs/workflow.md), for reviewers and managers."""
    return {"state": task.state, "frozen": task.frozen, "overlap": task.overlap,
            "taken": task.taken, "round": task.round, "state_at": task.state_at,
            "agreement": task.agreement, "result": task.result,
            "result_source": task.result_source}


def list_tasks(session: Session, caller: Caller, project_id: int, filters: dict[str, str],
               cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the project's tasks: `filters` are the query's raw values, read and
    checked by `task_browser` (annotators may filter by batch only). Reviewers and managers
    get each task's annotators, open flags, best prediction score and thumbnail too."""
    query = task_browser.read_query(caller, filters)
    rows, _, next_cursor = task_browser.page(session, project_id, query, cursor, limit)
    if not caller.sees_everything:
        return [task_view(t, caller) for t in rows], next_cursor
    extras = task_browser.extras(session, project_id, rows)
    return [{**task_view(t, caller), **extras[t.id]} for t in rows], next_cursor


def update_task(session: Session, caller: Caller, project_id: int, task_id: int,
                changes: dict[str, Any]) -> dict[str, Any]:
    task = get_task(session, project_id, task_id)
    if "gold" in changes:
        _, schema = versions.current_schema(session, project_id)
        if changes["gold"] is not None:
            check_regions(schema, changes["gold"], "gold", task.data)
        task.gold = changes["gold"]
        task.is_gold = changes["gold"] is not None
    for key in ("batch", "priority", "media_url"):
        if key in changes:
            setattr(task, key, changes[key])
    if "batch" in changes or "priority" in changes:  # its place in the queue follows them
        session.flush()
        workflow.rekey(session, project_id, workflow.get_policy(session, project_id),
                       [task.id])
        session.refresh(task)
    audit.record(session, caller, "task.update", "task", task.id, project_id,
                 fields=sorted(changes))
    session.commit()
    return task_view(task, caller)


def delete_task(session: Session, caller: Caller, project_id: int, task_id: int, *,
                force: bool = False) -> None:
    """Deleting a task deletes its work too, so a task with submitted work needs `force`."""
    task = get_task(session, project_id, task_id)
    work = session.scalar(select(func.count(Annotation.id)).where(
        Annotation.task_id == task_id, Annotation.status != AnnotationStatus.DRAFT)) or 0
    if work and not force:
        raise Conflict(f"task {task_id} has {work} submitted annotations that would be "
                       "deleted with it; pass force=true to delete them too", annotations=work)
    session.delete(task)
    audit.record(session, caller, "task.delete", "task", task_id, project_id,
                 annotations_deleted=work)
    session.commit()


def iter_records(session: Session, project_id: int, chunk: int = 1000
                 ) -> Iterator[dict[str, Any]]:
    """Every task as an export record, in id order, reading a bounded window at a time."""
    last_id = 0
    while True:
        tasks = list(session.scalars(select(Task).where(
            Task.project_id == project_id, Task.id > last_id).order_by(Task.id).limit(chunk)))
        if not tasks:
            return
        ids = [t.id for t in tasks]
        annotations: dict[int, list[dict[str, Any]]] = {}
        stmt = select(Annotation, User.email).join(User, User.id == Annotation.author_id).where(
            Annotation.task_id.in_(ids), Annotation.status != AnnotationStatus.DRAFT
        ).order_by(Annotation.id)
        for a, email in session.execute(stmt):
            annotations.setdefault(a.task_id, []).append(
                {"id": a.id, "regions": a.regions, "author": email, "status": a.status.value,
                 "stage": a.stage.value, "lead_time_s": a.lead_time_s,
                 "schema_version": a.schema_version, "guideline_version": a.guideline_version,
                 "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None})
        predictions: dict[int, list[dict[str, Any]]] = {}
        for p in session.scalars(select(Prediction).where(
                Prediction.task_id.in_(ids)).order_by(Prediction.id)):
            predictions.setdefault(p.task_id, []).append(
                {"id": p.id, "regions": p.regions, "model_version": p.model_version,
                 "score": p.score})
        for t in tasks:
            record: dict[str, Any] = {"id": t.id, "data": t.data}
            for key, value in (("media_url", t.media_url), ("batch", t.batch or None),
                               ("priority", t.priority or None), ("gold", t.gold),
                               ("annotations", annotations.get(t.id)),
                               ("predictions", predictions.get(t.id))):
                if value is not None:
                    record[key] = value
            yield record
        last_id = ids[-1]
        session.expunge_all()
