"""Reviews: accept, reject (with error categories) or fix another person's annotation.

Error categories come from the project's taxonomy (the workflow policy's
`review_categories`). A review may pin comments to regions of the reviewed annotation; they
are stored as comments on it (annotation and region), written in the review's transaction
with the review's own author and time, which is what ties them to the review.

A fix is a new annotation version linked to the original by `parent_id`; the original is
marked superseded, and the response carries the region diff between them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError, NotFound, PermissionDenied
from accord.core.records import AnnotationStatus, Stage, Verdict
from accord.core.region_diff import diff_regions
from accord.db.tables import Annotation, Comment, Review
from accord.db.types import utcnow
from accord.services import annotations, audit, pagination, routing, tasks, versions, workflow
from accord.services.caller import Caller

MAX_CATEGORIES = 20
MAX_REGION_COMMENTS = 100
MAX_REGION_COMMENT_CHARS = 5000
REVIEWABLE = {AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED, AnnotationStatus.REJECTED}
OUTCOME = {Verdict.ACCEPT: AnnotationStatus.ACCEPTED, Verdict.REJECT: AnnotationStatus.REJECTED,
           Verdict.FIX: AnnotationStatus.SUPERSEDED}


def review_view(review: Review, region_comments: Sequence[Comment] = ()) -> dict[str, Any]:
    """A review with the comments it pinned to regions (`region_comments_of`)."""
    return {"id": review.id, "annotation_id": review.annotation_id,
            "project_id": review.project_id, "reviewer_id": review.reviewer_id,
            "verdict": review.verdict, "error_categories": review.error_categories,
            "comment": review.comment, "fixed_annotation_id": review.fixed_annotation_id,
            "created_at": review.created_at,
            "region_comments": [{"id": c.id, "region_id": c.region_id, "body": c.body}
                                for c in region_comments]}


def region_comments_of(session: Session, reviews: Sequence[Review]
                       ) -> dict[int, list[Comment]]:
    """{review id: the comments it pinned to regions, in order}, for a page of reviews in one
    query."""
    found: dict[int, list[Comment]] = {r.id: [] for r in reviews}
    if found:
        for comment in session.scalars(select(Comment).where(
                Comment.review_id.in_(found)).order_by(Comment.id)):
            found[comment.review_id].append(comment)  # type: ignore[index]
    return found


def review_views(session: Session, reviews: Sequence[Review]) -> list[dict[str, Any]]:
    pinned = region_comments_of(session, reviews)
    return [review_view(r, pinned[r.id]) for r in reviews]


def check_categories(allowed: Sequence[str], categories: Sequence[str]) -> list[str]:
    """The categories as given, each one of the project's `allowed` names."""
    if len(categories) > MAX_CATEGORIES:
        raise InputError(f"error_categories takes up to {MAX_CATEGORIES} categories; got "
                         f"{len(categories)}", field="error_categories")
    names = set(allowed)
    for i, category in enumerate(categories):
        if category not in names:
            shown = category if len(category) <= 60 else f"{category[:57]}..."
            raise InputError(f"error_categories[{i}]: {shown!r} is not one of the project's "
                             f"review categories; allowed: {', '.join(allowed)}",
                             field=f"error_categories[{i}]", allowed=list(allowed))
    return list(dict.fromkeys(categories))


def _check_region_comments(original: Annotation, comments: Sequence[Mapping[str, Any]]
                           ) -> list[tuple[str, str]]:
    """(region id, body) of each comment, every region one of the reviewed annotation's."""
    if len(comments) > MAX_REGION_COMMENTS:
        raise InputError(f"region_comments takes up to {MAX_REGION_COMMENTS} comments; got "
                         f"{len(comments)}", field="region_comments")
    regions = {r.get("id") for r in original.regions if isinstance(r, Mapping)}
    checked = []
    for i, comment in enumerate(comments):
        region_id, body = comment.get("region_id"), comment.get("body")
        if not isinstance(body, str) or not body.strip() \
                or len(body) > MAX_REGION_COMMENT_CHARS:
            raise InputError(f"region_comments[{i}].body: expected 1 to "
                             f"{MAX_REGION_COMMENT_CHARS} characters of text",
                             field=f"region_comments[{i}].body")
        if not isinstance(region_id, str) or region_id not in regions:
            raise InputError(f"region_comments[{i}].region_id: annotation {original.id} has "
                             f"no region {region_id!r}", field=f"region_comments[{i}].region_id")
        checked.append((region_id, body))
    return checked


def submit_review(session: Session, caller: Caller, project_id: int, annotation_id: int,
                  verdict: Verdict, error_categories: list[str], comment: str = "",
                  regions: list[Any] | None = None,
                  expected_version: int | None = None,
                  region_comments: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Judge one annotation: the verdict, its categories and the comments pinned to its
    regions are stored together, and the task moves on when every answer is judged."""
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
    policy = workflow.get_policy(session, project_id)
    categories = check_categories(policy.review_category_names, error_categories)
    pinned = _check_region_comments(original, region_comments)
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
                    error_categories=categories, comment=comment)
    diff = None
    if regions is not None:
        fixed = _fix(session, caller, original, regions)
        review.fixed_annotation_id = fixed.id
        diff = diff_regions(original.regions, regions)
    session.add(review)
    session.flush()
    comments = [Comment(project_id=project_id, task_id=original.task_id,
                        annotation_id=original.id, region_id=region_id, review_id=review.id,
                        author_id=caller.user_id, body=body, created_at=review.created_at)
                for region_id, body in pinned]
    session.add_all(comments)
    session.flush()
    audit.record(session, caller, f"review.{verdict.value}", "annotation", original.id,
                 project_id, review_id=review.id)
    routing.after_review(session, caller, tasks.get_task(session, project_id, original.task_id))
    session.commit()
    return {**review_view(review, comments), "diff": diff}


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
    return review_views(session, rows), next_cursor


def reviews_of(session: Session, annotation_id: int) -> list[dict[str, Any]]:
    """Every review of one annotation, newest first, with its region comments."""
    return review_views(session, list(session.scalars(
        select(Review).where(Review.annotation_id == annotation_id)
        .order_by(Review.id.desc()))))


def annotation_diff(session: Session, caller: Caller, project_id: int, annotation_id: int
                    ) -> dict[str, Any]:
    """What this annotation changed of the one it follows (`parent_id`): a reviewer's fix,
    or an annotator's resubmission. NotFound when it follows none."""
    after = annotations.get_annotation(session, caller, project_id, annotation_id)
    before = session.get(Annotation, after.parent_id) if after.parent_id else None
    if before is None or before.project_id != project_id:
        raise NotFound(f"annotation {annotation_id} has no earlier version to compare with",
                       annotation_id=annotation_id)
    return {"annotation_id": after.id, "parent_id": before.id,
            **diff_regions(before.regions, after.regions),
            "before": before.regions, "after": after.regions}
