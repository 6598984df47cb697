"""What the QA report is computed from: a project's answers, gold answers and reviews.

Read in keyset pages (`PAGE` rows at a time) into plain core values, so the report never
holds ORM objects. An **answer** is an annotator's latest labeling-stage submission on a
task, whatever a review made of it (submitted, accepted, rejected or superseded by a fix):
what the annotator did on their own is what agreement and accuracy measure. Drafts are not
answers, nor are reviewers' fixes (review stage).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from accord.core.records import AnnotationStatus, Stage
from accord.core.regions import Region, parse_regions_partial
from accord.core.schema import LabelDef, LabelType, Schema
from accord.core.validation import MediaInfo, media_info
from accord.db.tables import Annotation, Review, Task, User
from accord.services import versions

PAGE = 5000
#: The field of a region value that is the answer, for labels answered once per task.
ANSWER_FIELDS = {LabelType.CLASSIFICATION: "class_name", LabelType.RATING: "rating",
                 LabelType.MULTILABEL: "classes"}
SUBMITTED = (AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED, AnnotationStatus.REJECTED,
             AnnotationStatus.SUPERSEDED)


@dataclass(frozen=True, slots=True)
class Work:
    """One annotator's answer to one task."""

    annotation_id: int
    task_id: int
    author: str  # the author's email: stable across exports and instances
    regions: tuple[Region, ...]
    guideline_version: int
    submitted_at: datetime | None
    lead_time_s: float | None


@dataclass(frozen=True, slots=True)
class Finding:
    """A reviewer's verdict on one annotation, with the error categories they chose."""

    annotation_id: int
    author: str
    verdict: str
    categories: tuple[str, ...]
    guideline_version: int
    at: datetime


@dataclass(frozen=True, slots=True)
class ProjectWork:
    schema: Schema | None
    work: tuple[Work, ...]
    gold: dict[int, tuple[Region, ...]]  # task id -> gold regions
    reviews: tuple[Finding, ...]
    tasks: int
    unreadable_regions: int  # stored regions that no longer parse (kept out of the figures)

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(sorted({w.author for w in self.work}))


def _pages(session: Session, stmt: Select[Any], id_column: Any) -> Iterator[Any]:
    last = 0
    while True:
        rows = session.execute(stmt.where(id_column > last).order_by(id_column)
                               .limit(PAGE)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def read_regions(raw: Any) -> tuple[tuple[Region, ...], int]:
    """The stored regions that still parse, and how many no longer do."""
    parsed = parse_regions_partial(raw)
    return tuple(region for _, region in parsed.regions), len(parsed.issues)


def load_answers(session: Session, project_id: int, task_id: int | None = None
                       ) -> tuple[tuple[Work, ...], int]:
    """The answers of the project (or of one task) in id order, and how many of their
    stored regions no longer parse."""
    unreadable = 0
    latest: dict[tuple[int, str], Work] = {}
    stmt = select(Annotation.id, Annotation.task_id, User.email, Annotation.regions,
                  Annotation.guideline_version, Annotation.submitted_at,
                  Annotation.lead_time_s).join(User, User.id == Annotation.author_id).where(
        Annotation.project_id == project_id, Annotation.status.in_(SUBMITTED),
        Annotation.stage == Stage.LABEL)
    if task_id is not None:
        stmt = stmt.where(Annotation.task_id == task_id)
    for row in _pages(session, stmt, Annotation.id):
        regions, bad = read_regions(row.regions)
        unreadable += bad
        latest[(row.task_id, row.email)] = Work(row.id, row.task_id, row.email, regions,
                                                row.guideline_version, row.submitted_at,
                                                row.lead_time_s)
    return tuple(sorted(latest.values(), key=lambda w: w.annotation_id)), unreadable


def load_project_work(session: Session, project_id: int) -> ProjectWork:
    _, schema = versions.current_schema(session, project_id)
    work, unreadable = load_answers(session, project_id)
    gold: dict[int, tuple[Region, ...]] = {}
    gold_stmt = select(Task.id, Task.gold).where(Task.project_id == project_id,
                                                 Task.is_gold.is_(True))
    for row in _pages(session, gold_stmt, Task.id):
        gold[row.id], bad = read_regions(row.gold)
        unreadable += bad
    reviews = tuple(
        Finding(row.annotation_id, row.email, str(row.verdict), tuple(row.error_categories),
                row.guideline_version, row.created_at)
        for row in _pages(session, select(
            Review.id, Review.annotation_id, User.email, Review.verdict,
            Review.error_categories, Annotation.guideline_version, Review.created_at,
        ).join(Annotation, Annotation.id == Review.annotation_id).join(
            User, User.id == Annotation.author_id).where(Review.project_id == project_id),
            Review.id))
    n_tasks = session.scalar(select(func.count()).select_from(Task).where(
        Task.project_id == project_id)) or 0
    return ProjectWork(schema, work, gold, reviews, n_tasks, unreadable)


def load_task_data(session: Session, project_id: int, task_ids: Iterable[int]
                   ) -> dict[int, dict[str, Any]]:
    """The data of these tasks of the project (the text that spans mark, say)."""
    ids, found = sorted(task_ids), {}
    for start in range(0, len(ids), PAGE):
        chunk = ids[start:start + PAGE]
        found.update((row.id, row.data) for row in session.execute(select(Task.id, Task.data)
                     .where(Task.project_id == project_id, Task.id.in_(chunk))))
    return found


def load_media_info(session: Session, project_id: int, schema: Schema,
                    task_ids: Iterable[int]) -> dict[int, MediaInfo]:
    """What these tasks' data tell about their media (text lengths, video frame counts),
    read a page at a time; the data themselves (long texts) are not kept."""
    ids, found = sorted(task_ids), {}
    for start in range(0, len(ids), PAGE):
        chunk = ids[start:start + PAGE]
        found.update((row.id, media_info(schema, row.data if isinstance(row.data, dict) else {}))
                     for row in session.execute(select(Task.id, Task.data).where(
                         Task.project_id == project_id, Task.id.in_(chunk))))
    return found


def of_label(label: LabelDef, regions: Iterable[Region]) -> tuple[Region, ...]:
    """The regions of one label."""
    return tuple(r for r in regions if r.label == label.name)


def answer_of(label: LabelDef, regions: Iterable[Region]) -> Hashable | None:
    """The answer to a classification, rating or multi-label label (its classes as a sorted
    tuple), or None when the regions do not answer it."""
    field = ANSWER_FIELDS[label.type]
    value = next((getattr(r.value, field) for r in regions if r.label == label.name), None)
    return tuple(sorted(value)) if isinstance(value, (list, tuple)) else value


def label_records(work: Iterable[Work], label: LabelDef) -> list[tuple[int, str, Hashable]]:
    """(task, annotator, answer) for each answer; None where the label is not answered."""
    return [(w.task_id, w.author, answer_of(label, w.regions)) for w in work]
