"""Reviews: accept, reject (with error categories) or fix another person's annotation.

A fix is a new annotation version linked to the original by `parent_id`; the original is
marked superseded, and the response carries the region diff between them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError, PermissionDenied
from accord.core.records import AnnotationStatus, Stage, Verdict
from accord.core.region_diff import diff_regions
from accord.db.tables import Annotation, Review
from accord.db.types import utcnow
from accord.services import annotations, audit, pagination, routing, tasks, versions
from accord.services.caller import Caller

MAX_CATEGORIES = 20
MAX_CATEGORY_CHARS = 100
REVIEWABLE = {AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED, AnnotationStatus.REJECTED}
OUTCOME = {Verdict.ACCEPT: AnnotationStatus.ACCEPTED, Verdict.REJECT: AnnotationStatus.REJECTED,
           Verdict.FIX: AnnotationStatus.SUPERSEDED}


def review_view(review: Review) -> dict[str, Any]:
    return {"id": review.id, "annotation_id": review.annotation_id,
            "project_id": review.project_id, "reviewer_id": review.reviewer_id,
            "verdict": review.verdict, "error_categories": review.error_categories,
            "comment": review.comment, "fixed_annotation_id": review.fixed_annotation_id,
            "created_at": review.created_at}


def _check_categories(categories: list[str]) -> list[str]:
    if len(categories) > MAX_CATEGORIES or any(
            not c.strip() or len(c) > MAX_CATEGORY_CHARS for c in categories):
        raise InputError(f"error_categories takes up to {MAX_CATEGORIES} non-empty names of at "
                         f"most {MAX_CATEGORY_CHARS} characters", field="error_categories")
    return [c.strip() for c in categories]


def submit_review(session: Session, caller: Caller, project_id: int, annotation_id: int,
                  verdict: Verdict, error_categories: list[str], comment: str = "",
                  regions: list[Any] | None = None,
                  expected_version: int | None = None) -> dict[str, Any]:
    original = annotations.get_annotation(session, caller, project_id, annotation_id)
    if original.author_id == caller.user_id:
        raise PermissionDenied("you cannot review your own annotation")
    if original.status not in REVIEWABLE:
        raise Conflict(f"annotation {annotation_id} is {original.status.value}; only submitted, "
                       "accepted or rejected work can be reviewed", status=original.status)
    if expected_version is not None and expected_version != original.version:
        raise Conflict(f"annotation {annotation_id} changed (version {original.version}, you "
                       f"reviewed version {expected_version}); reload it",
                       current_version=original.version)
    if verdict == Verdict.REJECT and not error_categories:
        raise InputError("a rejection needs at least one error category",
                         field="error_categories")
    if (verdict == Verdict.FIX) != (regions is not None):
        raise InputError("`regions` is required with verdict 'fix' and not allowed otherwise",
                         field="regions")
    # compare-and-set: of two concurrent reviews of one version, exactly one wins
    claimed = session.execute(
        update(Annotation).where(Annotation.id == original.id,
                                 Annotation.version == original.version,
                                 Annotation.status.in_(REVIEWABLE))
        .values(status=OUTCOME[verdict], version=Annotation.version + 1)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Conflict(f"annotation {annotation_id} was reviewed or changed meanwhile; reload "
                       "it", current_version=original.version + 1)
    review = Review(annotation_id=original.id, project_id=project_id,
                    reviewer_id=caller.user_id, verdict=verdict,
                    error_categories=_check_categories(error_categories), comment=comment)
    diff = None
    if regions is not None:
        fixed = _fix(session, caller, original, regions)
        review.fixed_annotation_id = fixed.id
        diff = diff_regions(original.regions, regions)
    session.add(review)
    session.flush()
    audit.record(session, caller, f"review.{verdict.value}", "annotation", original.id,
                 project_id, review_id=review.id)
    routing.after_review(session, caller, tasks.get_task(session, project_id, original.task_id))
    session.commit()
    return {**review_view(review), "diff": diff}


def _fix(session: Session, caller: Caller, original: Annotation, regions: list[Any]
         ) -> Annotation:
    schema_version, schema = versions.current_schema(session, original.project_id)
    task = tasks.get_task(session, original.project_id, original.task_id)
    tasks.check_regions(schema, regions, "regions", task.data)
    _, guideline_version = versions.get_project_versions(session, original.project_id)
    fixed = Annotation(task_id=original.task_id, project_id=original.project_id,
                       author_id=caller.user_id, stage=Stage.REVIEW,
                       status=AnnotationStatus.ACCEPTED, regions=regions,
                       schema_version=schema_version, guideline_version=guideline_version,
                       submitted_at=utcnow(), parent_id=original.id)
    session.add(fixed)
    session.flush()
    return fixed


def list_reviews(session: Session, caller: Caller, project_id: int, *,
                 annotation_id: int | None = None, cursor: str | None = None,
                 limit: int = 100) -> tuple[list[dict[str, Any]], str | None]:
    """Annotators see the reviews of their own work only."""
    stmt = select(Review).where(Review.project_id == project_id)
    if annotation_id is not None:
        annotations.get_annotation(session, caller, project_id, annotation_id)
        stmt = stmt.where(Review.annotation_id == annotation_id)
    if not caller.sees_everything:
        own = select(Annotation.id).where(Annotation.author_id == caller.user_id)
        stmt = stmt.where(Review.annotation_id.in_(own))
    stmt, limit = pagination.page(stmt, Review.id, cursor, limit)
    rows, next_cursor = pagination.finish(list(session.scalars(stmt)), limit, lambda r: r.id)
    return [review_view(r) for r in rows], next_cursor
