"""Tasks and the work on them: drafts, submissions, predictions, comments and flags."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import ValidationError

from accord.api.deps import CurrentCaller, DbSession, State
from accord.api.routing import AccordRoute, fast, int_param, json_body
from accord.api.schemas import (
    CommentChanges,
    DraftBody,
    NewComment,
    NewFlag,
    NewTasks,
    SubmitBody,
    TaskChanges,
)
from accord.core.errors import InputError
from accord.services import annotations, discussions, media, predictions, task_browser, tasks

router = APIRouter(prefix="/api/projects/{project_id}/tasks", tags=["tasks"], route_class=AccordRoute)
PAGING = {"cursor", "limit"}
#: how long a browser may keep an image preview (a changed file shows within this time)
PREVIEW_MAX_AGE_S = 300


def refuse_unknown_params(request: Request, allowed: set[str]) -> None:
    """Filters are allowlisted: an unknown parameter is an error, never silently ignored."""
    unknown = set(request.query_params) - allowed - PAGING
    if unknown:
        name = sorted(unknown)[0]
        raise InputError(f"unknown query parameter {name!r}; allowed: "
                         f"{', '.join(sorted(allowed | PAGING))}", field=name)


Filter = Annotated[str | None, Query()]


# First: a router tries its routes in order, and this is the most asked of them.
async def _submit_arguments(request: Request) -> dict[str, Any] | None:
    project_id, task_id = int_param(request, "project_id"), int_param(request, "task_id")
    body = await json_body(request)
    if project_id is None or task_id is None or not isinstance(body, dict):
        return None
    try:
        parsed = SubmitBody.model_validate(body)
    except ValidationError:
        return None
    return {"project_id": project_id, "task_id": task_id, "body": parsed,
            "idempotency_key": request.headers.get("idempotency-key")}


@router.post("/{task_id}/annotations", status_code=201)
@fast(_submit_arguments)
def submit_annotation(project_id: int, task_id: int, body: SubmitBody, response: Response,
                      caller: CurrentCaller, session: DbSession,
                      idempotency_key: Annotated[str | None, Header()] = None
                      ) -> dict[str, Any]:
    """Submit; a retry with the same `Idempotency-Key` returns the first result (200)."""
    view, created = annotations.submit(
        session, caller, project_id, task_id, body.regions, schema_version=body.schema_version,
        lead_time_s=body.lead_time_s, started_at=body.started_at,
        idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return view


@router.get("")
def list_tasks(project_id: int, request: Request, caller: CurrentCaller, session: DbSession,
               batch: Filter = None, state: Filter = None, annotator: Filter = None,
               gold: Filter = None, flagged: Filter = None, error_category: Filter = None,
               label: Filter = None,
               class_: Annotated[str | None, Query(alias="class")] = None,
               guideline_version: Filter = None, agreement_min: Filter = None,
               agreement_max: Filter = None, score_min: Filter = None,
               score_max: Filter = None, submitted_from: Filter = None,
               submitted_to: Filter = None, sort: Filter = None,
               cursor: str | None = None, limit: int = 100) -> dict[str, Any]:
    """Filtered and sorted, a page at a time (docs/api.md, "The task list"). Annotators
    filter by `batch` only; reviewers and managers by every parameter, and get each task's
    `annotators`, `open_flags`, `score` and `thumbnail`. An empty value is no filter."""
    refuse_unknown_params(request, set(task_browser.PARAMETERS))
    filters = {name: value for name, value in request.query_params.items()
               if name in task_browser.PARAMETERS}
    items, next_cursor = tasks.list_tasks(session, caller, project_id, filters, cursor, limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("", status_code=201)
def create_tasks(project_id: int, body: NewTasks, caller: CurrentCaller, session: DbSession,
                 state: State) -> dict[str, Any]:
    """Create many tasks in one transaction: all of them, or none if any is invalid."""
    limit = state.settings.max_tasks_per_request
    if len(body.tasks) > limit:
        raise InputError(f"at most {limit} tasks per request; got {len(body.tasks)} — split "
                         "the list or use the import endpoint", field="tasks")
    report = tasks.import_records(
        session, caller, project_id, ((f"tasks[{i}]", t) for i, t in enumerate(body.tasks)))
    return {"created": report.created, "skipped_duplicates": report.skipped_duplicates,
            "annotations": report.annotations, "predictions": report.predictions}


@router.get("/{task_id}")
def read_task(project_id: int, task_id: int, caller: CurrentCaller,
              session: DbSession) -> dict[str, Any]:
    return tasks.read_task(session, caller, project_id, task_id)


@router.patch("/{task_id}")
def update_task(project_id: int, task_id: int, body: TaskChanges, caller: CurrentCaller,
                session: DbSession) -> dict[str, Any]:
    return tasks.update_task(session, caller, project_id, task_id,
                             body.model_dump(exclude_unset=True))


@router.delete("/{task_id}", status_code=204)
def delete_task(project_id: int, task_id: int, caller: CurrentCaller,
                session: DbSession, force: bool = False) -> None:
    """A task with submitted work is deleted only with `force=true` (its work goes too)."""
    tasks.delete_task(session, caller, project_id, task_id, force=force)


@router.get("/{task_id}/media/{field}")
def task_media(project_id: int, task_id: int, field: str, session: DbSession,
               state: State, size: int | None = None,
               peaks: Literal["true", "fine"] | None = None) -> Response:
    """The local file a task's data field names; only files a visible task references.
    With `size`, a preview of the image at most that many pixels on its longer side; with
    `peaks=true`, a recording's waveform summary (accord.media.peaks), so the editor draws
    it before the file itself has come, and with `peaks=fine` its finer peaks."""
    data_dir = state.settings.data_dir
    if peaks is not None:
        if size is not None:
            raise InputError("ask for a preview (size) or for peaks, not both", field="peaks")
        summary = media.task_peaks(session, data_dir, project_id, task_id, field,
                                   fine=peaks == "fine")
        return Response(summary.read_bytes(), media_type="application/octet-stream",
                        headers={"Cache-Control": f"private, max-age={PREVIEW_MAX_AGE_S}",
                                 "Content-Disposition": "attachment; filename=peaks.bin"})
    if size is not None:
        preview = media.task_thumbnail(session, data_dir, project_id, task_id, field, size)
        return FileResponse(preview.path, media_type=preview.media_type,
                            headers={"Cache-Control": f"private, max-age={PREVIEW_MAX_AGE_S}"})
    found = media.task_media(session, data_dir / "media", project_id, task_id, field)
    return FileResponse(found.path, media_type=found.media_type, filename=found.path.name,
                        content_disposition_type="inline" if found.inline else "attachment")


@router.get("/{task_id}/draft")
def read_draft(project_id: int, task_id: int, caller: CurrentCaller,
               session: DbSession) -> dict[str, Any]:
    return annotations.get_draft(session, caller, project_id, task_id)


@router.put("/{task_id}/draft")
def save_draft(project_id: int, task_id: int, body: DraftBody, caller: CurrentCaller,
               session: DbSession) -> dict[str, Any]:
    """Autosave: the draft lives on the server, so a reload or a closed tab loses nothing."""
    return annotations.save_draft(session, caller, project_id, task_id, body.regions,
                                  body.started_at, body.lead_time_s, body.base_version)


@router.delete("/{task_id}/draft", status_code=204)
def discard_draft(project_id: int, task_id: int, caller: CurrentCaller,
                  session: DbSession) -> None:
    annotations.discard_draft(session, caller, project_id, task_id)


@router.get("/{task_id}/annotations")
def list_task_annotations(project_id: int, task_id: int, caller: CurrentCaller,
                          session: DbSession, cursor: str | None = None,
                          limit: int = 100) -> dict[str, Any]:
    items, next_cursor = annotations.list_annotations(session, caller, project_id,
                                                      task_id=task_id, cursor=cursor,
                                                      limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{task_id}/predictions")
def list_task_predictions(project_id: int, task_id: int,
                          session: DbSession) -> list[dict[str, Any]]:
    return predictions.list_predictions(session, project_id, task_id)


@router.get("/{task_id}/comments")
def list_comments(project_id: int, task_id: int, caller: CurrentCaller,
                  session: DbSession) -> list[dict[str, Any]]:
    return discussions.list_comments(session, caller, project_id, task_id)


@router.post("/{task_id}/comments", status_code=201)
def add_comment(project_id: int, task_id: int, body: NewComment, caller: CurrentCaller,
                session: DbSession) -> dict[str, Any]:
    return discussions.add_comment(session, caller, project_id, task_id, body.body,
                                   body.annotation_id, body.region_id)


@router.patch("/{task_id}/comments/{comment_id}")
def edit_comment(project_id: int, task_id: int, comment_id: int, body: CommentChanges,
                 caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    return discussions.edit_comment(session, caller, project_id, task_id, comment_id,
                                    body.body)


@router.delete("/{task_id}/comments/{comment_id}", status_code=204)
def delete_comment(project_id: int, task_id: int, comment_id: int, caller: CurrentCaller,
                   session: DbSession) -> None:
    discussions.delete_comment(session, caller, project_id, task_id, comment_id)


@router.post("/{task_id}/flags", status_code=201)
def flag_task(project_id: int, task_id: int, body: NewFlag, caller: CurrentCaller,
              session: DbSession) -> dict[str, Any]:
    """Flag a task as ambiguous instead of guessing; it waits in the managers' queue."""
    return discussions.add_flag(session, caller, project_id, task_id, body.note)
