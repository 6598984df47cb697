"""Project-wide views of the work: annotations, reviews, predictions, flags and the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from accord.api.deps import CurrentCaller, DbSession
from accord.api.routing import AccordRoute
from accord.api.schemas import FlagResolution, NewPredictions, ReviewBody
from accord.core.records import FlagStatus
from accord.services import annotations, audit, discussions, predictions, reviews

router = APIRouter(prefix="/api/projects/{project_id}", tags=["work"], route_class=AccordRoute)


@router.get("/annotations")
def list_annotations(project_id: int, caller: CurrentCaller, session: DbSession,
                     cursor: str | None = None, limit: int = 100) -> dict[str, Any]:
    """Reviewers and managers see everyone's submitted work; annotators only their own."""
    items, next_cursor = annotations.list_annotations(session, caller, project_id,
                                                      cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/annotations/{annotation_id}")
def read_annotation(project_id: int, annotation_id: int, caller: CurrentCaller,
                    session: DbSession) -> dict[str, Any]:
    return annotations.read_annotation(session, caller, project_id, annotation_id)


@router.get("/annotations/{annotation_id}/reviews")
def list_annotation_reviews(project_id: int, annotation_id: int, caller: CurrentCaller,
                            session: DbSession, cursor: str | None = None,
                            limit: int = 100) -> dict[str, Any]:
    items, next_cursor = reviews.list_reviews(session, caller, project_id,
                                              annotation_id=annotation_id, cursor=cursor,
                                              limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/annotations/{annotation_id}/reviews", status_code=201)
def review_annotation(project_id: int, annotation_id: int, body: ReviewBody,
                      caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    """Accept, reject (with error categories from the project's taxonomy and comments
    pinned to regions) or fix; a fix returns the region diff."""
    return reviews.submit_review(session, caller, project_id, annotation_id, body.verdict,
                                 body.error_categories, body.comment, body.regions,
                                 body.version,
                                 [c.model_dump() for c in body.region_comments])


@router.get("/annotations/{annotation_id}/diff")
def annotation_diff(project_id: int, annotation_id: int, caller: CurrentCaller,
                    session: DbSession) -> dict[str, Any]:
    """The regions this annotation added, removed and changed of the one it follows
    (`parent_id`), with both versions; 404 when it follows none."""
    return reviews.annotation_diff(session, caller, project_id, annotation_id)


@router.get("/reviews")
def list_reviews(project_id: int, caller: CurrentCaller, session: DbSession,
                 cursor: str | None = None, limit: int = 100) -> dict[str, Any]:
    items, next_cursor = reviews.list_reviews(session, caller, project_id, cursor=cursor,
                                              limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/predictions", status_code=201)
def create_predictions(project_id: int, body: NewPredictions, caller: CurrentCaller,
                       session: DbSession) -> dict[str, Any]:
    """Bulk upload of model pre-labels; each item names its task_id. All or nothing."""
    count = predictions.create_predictions(session, caller, project_id, body.predictions)
    return {"created": count}


@router.delete("/predictions/{prediction_id}", status_code=204)
def delete_prediction(project_id: int, prediction_id: int, caller: CurrentCaller,
                      session: DbSession) -> None:
    predictions.delete_prediction(session, caller, project_id, prediction_id)


@router.get("/flags")
def list_flags(project_id: int, session: DbSession, status: FlagStatus | None = None,
               cursor: str | None = None, limit: int = 100) -> dict[str, Any]:
    items, next_cursor = discussions.list_flags(session, project_id, status, cursor, limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("/flags/{flag_id}/resolve")
def resolve_flag(project_id: int, flag_id: int, body: FlagResolution, caller: CurrentCaller,
                 session: DbSession) -> dict[str, Any]:
    return discussions.resolve_flag(session, caller, project_id, flag_id, body.resolution,
                                    body.guidelines)


@router.get("/audit")
def list_audit(project_id: int, session: DbSession, cursor: str | None = None,
               limit: int = 100) -> dict[str, Any]:
    items, next_cursor = audit.list_entries(session, project_id, cursor, limit)
    return {"items": items, "next_cursor": next_cursor}
