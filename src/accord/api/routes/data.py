"""Dataset import (upload a file) and export (a streamed download)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, UploadFile
from fastapi.responses import StreamingResponse

from accord import formats
from accord.api.deps import CurrentCaller, DbSession
from accord.services import projects, tasks

router = APIRouter(prefix="/api/projects/{project_id}", tags=["data"])


@router.post("/import", status_code=201)
def import_file(project_id: int, file: UploadFile, caller: CurrentCaller, session: DbSession,
                format: str = "jsonl") -> dict[str, Any]:
    """Import a whole file in one transaction: every task, or none with the line at fault."""
    read = formats.reader(format)
    name = re.sub(r"[^\w.\- ]", "_", file.filename or "upload")[:200]
    report = tasks.import_records(session, caller, project_id, read(file.file, name))
    return {"created": report.created, "skipped_duplicates": report.skipped_duplicates,
            "annotations": report.annotations, "predictions": report.predictions}


@router.get("/export")
def export_file(project_id: int, session: DbSession,
                format: str = "jsonl") -> StreamingResponse:
    """Stream the project's tasks with their gold, submitted annotations and predictions."""
    write = formats.writer(format)
    projects.get_project(session, project_id)

    def body() -> Iterator[bytes]:
        # the request's session stays open until the response has been sent
        yield from write(tasks.iter_records(session, project_id))

    filename = f"project-{project_id}{formats.EXTENSIONS[format]}"
    return StreamingResponse(body(), media_type=formats.MEDIA_TYPES[format],
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})
