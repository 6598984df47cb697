"""The task list's filters and sorts (`GET …/tasks`, docs/api.md "The task list").

Query values arrive as text and are read here, so every error names the parameter it is
about. Annotators filter by `batch` only; reviewers and managers by every filter below, with
a `sort`. A page is one statement over the tasks (filters over annotations, reviews, flags
and predictions are `IN`/`EXISTS` subqueries of it), then one batched query per extra that
reviewers and managers get with each item: its annotators, open flags and best prediction
score. Pages are keyset cursors over (sort value, id), so they stay stable and cost the same
at any depth.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from accord.core.errors import InputError
from accord.core.records import AnnotationStatus, FlagStatus, Stage, TaskState
from accord.core.schema import DataType, Schema
from accord.db.tables import Annotation, Flag, Prediction, Review, Task
from accord.db.types import UtcDateTime
from accord.services import pagination, versions
from accord.services.caller import Caller

#: What annotators may filter by; everything else needs the reviewer or manager role.
ANNOTATOR_FILTERS: Final = frozenset({"batch"})
FILTERS: Final = frozenset({
    "batch", "state", "annotator", "gold", "flagged", "error_category", "label", "class",
    "guideline_version", "agreement_min", "agreement_max", "score_min", "score_max",
    "submitted_from", "submitted_to"})
PARAMETERS: Final = FILTERS | {"sort"}
STATES: Final = ("label", "review", "adjudicate", "done", "frozen")
SORT_KEYS: Final = ("id", "priority", "agreement", "score", "updated")
SORTS: Final = tuple(s for key in SORT_KEYS for s in (key, f"-{key}"))
#: Work an annotator handed in (drafts are not): what `annotator` and `annotators` mean.
HANDED_IN: Final = (AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED,
                    AnnotationStatus.REJECTED, AnnotationStatus.SUPERSEDED)
MAX_TEXT: Final = 200
BOOLEANS: Final = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """The checked filters (None: not given) and the sort."""

    batch: str | None = None
    state: str | None = None
    annotator: int | None = None
    gold: bool | None = None
    flagged: bool | None = None
    error_category: str | None = None
    label: str | None = None
    class_name: str | None = None
    guideline_version: int | None = None
    agreement_min: float | None = None
    agreement_max: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    sort: str = "id"


# -- reading the query


def _text(name: str, raw: str) -> str:
    if len(raw) > MAX_TEXT:
        raise InputError(f"{name}: at most {MAX_TEXT} characters, got {len(raw)}", field=name)
    return raw


def _boolean(name: str, raw: str) -> bool:
    try:
        return BOOLEANS[raw.strip().lower()]
    except KeyError:
        raise InputError(f"{name}: expected true or false, got {raw[:40]!r}",
                         field=name) from None


def _integer(name: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise InputError(f"{name}: expected an integer, got {raw[:40]!r}", field=name) from None
    if not -(2**31) <= value < 2**31:
        raise InputError(f"{name}: {value} is out of range", field=name)
    return value


def _number(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(f"{name}: expected a finite number, got {raw[:40]!r}", field=name)
    return value


def _moment(name: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InputError(f"{name}: expected an ISO 8601 time with a zone (e.g. "
                         f"2026-11-01T00:00:00Z), got {raw[:40]!r}", field=name)
    return value


def _choice(name: str, raw: str, allowed: Sequence[str]) -> str:
    if raw not in allowed:
        raise InputError(f"{name}: expected one of {', '.join(allowed)}, got {raw[:40]!r}",
                         field=name)
    return raw


READERS: Final[Mapping[str, Any]] = {
    "batch": _text, "state": lambda n, r: _choice(n, r, STATES), "annotator": _integer,
    "gold": _boolean, "flagged": _boolean, "error_category": _text, "label": _text,
    "class": _text, "guideline_version": _integer, "agreement_min": _number,
    "agreement_max": _number, "score_min": _number, "score_max": _number,
    "submitted_from": _moment, "submitted_to": _moment,
    "sort": lambda n, r: _choice(n, r, SORTS)}


def read_query(caller: Caller, raw: Mapping[str, str]) -> TaskQuery:
    """The query's parameters (paging left out) as a `TaskQuery`. An empty value is the
    same as leaving the parameter out, so a form can send every field."""
    given = {name: value for name, value in raw.items() if value != ""}
    unknown = sorted(set(given) - PARAMETERS)
    if unknown:
        raise InputError(f"unknown filter {unknown[0]!r}; tasks can be filtered by "
                         f"{', '.join(sorted(FILTERS))} and sorted with sort",
                         field=unknown[0])
    if not caller.sees_everything:
        refused = sorted(set(given) - ANNOTATOR_FILTERS)
        if refused:
            raise InputError(f"filter {refused[0]!r} is not available to annotators",
                             field=refused[0])
    values = {name: READERS[name](name, value) for name, value in given.items()}
    if "class" in values and "label" not in values:
        raise InputError("class: filtering by class needs the label it belongs to (label=…)",
                         field="class")
    for low, high in (("agreement_min", "agreement_max"), ("score_min", "score_max"),
                      ("submitted_from", "submitted_to")):
        if low in values and high in values and values[low] > values[high]:
            raise InputError(f"{low} is after {high}: nothing can match", field=low)
    values["class_name"] = values.pop("class", None)
    return TaskQuery(**values)


# -- the statement


def best_score() -> Any:
    """A task's best (highest) prediction score, None without scored predictions."""
    return select(func.max(Prediction.score)).where(Prediction.task_id == Task.id) \
        .correlate(Task).scalar_subquery()


def sort_value_of(key: str) -> Any:
    return {"id": Task.id, "priority": Task.priority, "agreement": Task.agreement,
            "score": best_score(),
            "updated": type_coerce(func.coalesce(Task.state_at, Task.created_at),
                                   UtcDateTime())}[key]


def _has_region(dialect: str, label: str, class_name: str | None) -> ColumnElement[bool]:
    """An annotation's regions include one of `label` (and `class_name`: its class, or one
    of its classes for multi-label answers)."""
    if dialect == "postgresql":
        regions = type_coerce(Annotation.regions, JSONB)
        if class_name is None:
            return regions.contains([{"label": label}])
        return or_(regions.contains([{"label": label, "value": {"class": class_name}}]),
                   regions.contains([{"label": label, "value": {"classes": [class_name]}}]))
    region = func.json_each(Annotation.regions).table_valued("value").alias("region")
    conditions = [func.json_extract(region.c.value, "$.label") == label]
    if class_name is not None:
        classes = func.json_each(region.c.value, "$.value.classes").table_valued(
            "value").alias("chosen")
        conditions.append(or_(
            func.json_extract(region.c.value, "$.value.class") == class_name,
            exists(select(literal(1)).select_from(classes)
                   .where(classes.c.value == class_name))))
    return exists(select(literal(1)).select_from(region).where(*conditions))


def _has_category(dialect: str, category: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return type_coerce(Review.error_categories, JSONB).contains([category])
    chosen = func.json_each(Review.error_categories).table_valued("value").alias("chosen")
    return exists(select(literal(1)).select_from(chosen).where(chosen.c.value == category))


def _with_annotation(project_id: int, *conditions: Any) -> ColumnElement[bool]:
    """The task has an annotation (not a draft) meeting `conditions`."""
    return Task.id.in_(select(Annotation.task_id).where(
        Annotation.project_id == project_id, Annotation.status != AnnotationStatus.DRAFT,
        *conditions))


def filtered(project_id: int, query: TaskQuery, dialect: str) -> Select[tuple[Task]]:
    """The project's tasks that pass every filter of `query` (unsorted, unpaged)."""
    stmt = select(Task).where(Task.project_id == project_id)
    q = query
    if q.batch is not None:
        stmt = stmt.where(Task.batch == q.batch)
    if q.state == "frozen":
        stmt = stmt.where(Task.frozen == true())
    elif q.state is not None:
        stmt = stmt.where(Task.frozen == false(), Task.state == TaskState(q.state))
    if q.gold is not None:
        stmt = stmt.where(Task.is_gold == q.gold)
    if q.annotator is not None:
        stmt = stmt.where(Task.id.in_(select(Annotation.task_id).where(
            Annotation.author_id == q.annotator, Annotation.project_id == project_id,
            Annotation.stage == Stage.LABEL, Annotation.status.in_(HANDED_IN))))
    if q.flagged is not None:
        open_flag = exists().where(Flag.project_id == project_id, Flag.task_id == Task.id,
                                   Flag.status == FlagStatus.OPEN)
        stmt = stmt.where(open_flag if q.flagged else ~open_flag)
    if q.error_category is not None:
        stmt = stmt.where(Task.id.in_(
            select(Annotation.task_id).join(Review, Review.annotation_id == Annotation.id)
            .where(Review.project_id == project_id, _has_category(dialect, q.error_category))))
    if q.label is not None:
        stmt = stmt.where(_with_annotation(project_id, Annotation.status.in_(HANDED_IN),
                                           _has_region(dialect, q.label, q.class_name)))
    if q.guideline_version is not None:
        stmt = stmt.where(_with_annotation(
            project_id, Annotation.guideline_version == q.guideline_version))
    if q.submitted_from is not None or q.submitted_to is not None:
        window = [Annotation.submitted_at.is_not(None)]
        if q.submitted_from is not None:
            window.append(Annotation.submitted_at >= q.submitted_from)
        if q.submitted_to is not None:
            window.append(Annotation.submitted_at < q.submitted_to)
        stmt = stmt.where(_with_annotation(project_id, *window))
    if q.agreement_min is not None:
        stmt = stmt.where(Task.agreement >= q.agreement_min)
    if q.agreement_max is not None:
        stmt = stmt.where(Task.agreement <= q.agreement_max)
    if q.score_min is not None or q.score_max is not None:
        score = best_score()
        if q.score_min is not None:
            stmt = stmt.where(score >= q.score_min)
        if q.score_max is not None:
            stmt = stmt.where(score <= q.score_max)
    return stmt


# -- sorted pages with keyset cursors


def _encode(sort: str, value: Any, task_id: int) -> str:
    if sort == "id":  # the plain id cursor every other list hands out
        return pagination.encode_cursor(task_id)
    shown = value.isoformat() if isinstance(value, datetime) else value
    return base64.urlsafe_b64encode(orjson.dumps([sort, shown, task_id])).decode().rstrip("=")


def _decode(sort: str, cursor: str) -> tuple[Any, int]:
    """(sort value, id) after which the next page starts."""
    if sort == "id":
        return None, pagination.decode_cursor(cursor)
    try:
        named, value, task_id = orjson.loads(base64.urlsafe_b64decode(cursor + "=="))
        if named != sort or not isinstance(task_id, int):
            raise ValueError(named)
        if value is not None and sort.lstrip("-") == "updated":
            value = datetime.fromisoformat(value)
        elif value is not None and not isinstance(value, int | float):
            raise ValueError(value)
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise InputError(f"cursor {cursor[:40]!r} is not one this list handed out with "
                         f"sort={sort}; pass the `next_cursor` of the previous page with the "
                         "same sort", field="cursor") from exc
    return value, task_id


def _after(sort: str, key: Any, value: Any, task_id: int) -> ColumnElement[bool]:
    """Rows after (value, id) in the order of `sort`: (value, id) ascending or descending,
    rows without a value last (in id order, the same direction)."""
    descending = sort.startswith("-")
    beyond = Task.id < task_id if descending else Task.id > task_id
    if sort.lstrip("-") == "id":
        return beyond
    if value is None:
        return and_(key.is_(None), beyond)
    further = key < value if descending else key > value
    return or_(further, and_(key == value, beyond), key.is_(None))


def page(session: Session, project_id: int, query: TaskQuery, cursor: str | None,
         limit: int) -> tuple[list[Task], dict[int, Any], str | None]:
    """One page of tasks, the sort value of each (by id), and the next page's cursor."""
    if not 1 <= limit <= pagination.MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {pagination.MAX_LIMIT}; got {limit}",
                         field="limit")
    dialect = session.get_bind().dialect.name
    name = query.sort.lstrip("-")
    descending = query.sort.startswith("-")
    key = sort_value_of(name)
    stmt = filtered(project_id, query, dialect)
    if cursor:
        value, last_id = _decode(query.sort, cursor)
        stmt = stmt.where(_after(query.sort, key, value, last_id))
    ordered = key.desc() if descending else key.asc()
    by_id = Task.id.desc() if descending else Task.id.asc()
    if name == "id":
        rows = list(session.execute(stmt.order_by(by_id).limit(limit + 1)).scalars())
        values = {t.id: t.id for t in rows}
    else:
        stmt = stmt.add_columns(key.label("sort_value"))
        found = list(session.execute(stmt.order_by(ordered.nulls_last(), by_id)
                                     .limit(limit + 1)))
        rows = [row[0] for row in found]
        values = {row[0].id: row[1] for row in found}
    if len(rows) <= limit:
        return rows, values, None
    rows = rows[:limit]
    return rows, values, _encode(query.sort, values[rows[-1].id], rows[-1].id)


# -- what each item carries for reviewers and managers


def extras(session: Session, project_id: int, tasks: Sequence[Task]) -> dict[int, dict[str, Any]]:
    """{task id: {"annotators", "open_flags", "score", "thumbnail"}} for a page of tasks, in
    one query per figure."""
    ids = [t.id for t in tasks]
    found: dict[int, dict[str, Any]] = {
        t.id: {"annotators": [], "open_flags": 0, "score": None, "thumbnail": None}
        for t in tasks}
    if not ids:
        return found
    for task_id, author_id in session.execute(
            select(Annotation.task_id, Annotation.author_id).where(
                Annotation.task_id.in_(ids), Annotation.stage == Stage.LABEL,
                Annotation.status.in_(HANDED_IN)).distinct()
            .order_by(Annotation.task_id, Annotation.author_id)):
        found[task_id]["annotators"].append(author_id)
    for task_id, count in session.execute(
            select(Flag.task_id, func.count(Flag.id)).where(
                Flag.project_id == project_id, Flag.status == FlagStatus.OPEN,
                Flag.task_id.in_(ids)).group_by(Flag.task_id)):
        found[task_id]["open_flags"] = count
    for task_id, score in session.execute(
            select(Prediction.task_id, func.max(Prediction.score)).where(
                Prediction.task_id.in_(ids)).group_by(Prediction.task_id)):
        found[task_id]["score"] = score
    _, schema = versions.current_schema(session, project_id)
    key = image_key(schema)
    if key is not None:
        for task in tasks:
            if isinstance(task.data.get(key), str) and task.data[key]:
                found[task.id]["thumbnail"] = (f"/api/projects/{project_id}/tasks/{task.id}"
                                               f"/media/{quote(key, safe='')}"
                                               f"?size={THUMBNAIL_SIZE}")
    return found


#: the previews' longer side in pixels: twice the list's 64 px, for sharp high-DPI screens
THUMBNAIL_SIZE = 128


def image_key(schema: Schema | None) -> str | None:
    """The task-data key of the schema's first image field, if it has one."""
    if schema is None:
        return None
    field = next((d for d in schema.data if d.type is DataType.IMAGE), None)
    return None if field is None else (field.source or field.name)


__all__ = ["FILTERS", "SORTS", "STATES", "TaskQuery", "extras", "filtered", "page",
           "read_query"]
