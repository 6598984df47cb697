"""Dataset import (upload a file) and export (a streamed download)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, UploadFile
from fastapi.responses import StreamingResponse

from accord.api.deps import CurrentCaller, DbSession
from accord.api.routing import AccordRoute
from accord.services import datasets

router = APIRouter(prefix="/api/projects/{project_id}", tags=["data"], route_class=AccordRoute)


@router.post("/import", status_code=201)
def import_file(project_id: int, file: UploadFile, caller: CurrentCaller, session: DbSession,
                format: str = "jsonl") -> dict[str, Any]:
    """Import a whole file in one transaction: every task, or none with the line at fault."""
    name = re.sub(r"[^\w.\- ]", "_", file.filename or "upload")[:200]
    return datasets.import_file(session, caller, project_id, file.file, name, format)


@router.get("/export")
def export_file(project_id: int, session: DbSession, format: str = "jsonl"
                ) -> StreamingResponse:
    """Stream the project's tasks with their gold, annotations and predictions."""
    # the request's session stays open until the response has been sent
    chunks = datasets.export_chunks(session, project_id, format)
    filename = datasets.export_filename(project_id, format)
    return StreamingResponse(chunks, media_type=datasets.media_type(format),
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})
