"""Dataset import (upload a file) and export (a streamed download)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, UploadFile
from fastapi.responses import StreamingResponse

from accord import formats
from accord.api.deps import CurrentCaller, DbSession, State
from accord.api.routing import AccordRoute
from accord.formats.base import export_options, import_options, options_from_query
from accord.formats.source import open_source
from accord.services import datasets

router = APIRouter(prefix="/api/projects/{project_id}", tags=["data"], route_class=AccordRoute)


@router.post("/import", status_code=201)
def import_file(project_id: int, file: UploadFile, caller: CurrentCaller, session: DbSession,
                state: State, format: str = "jsonl", options: str = "{}") -> dict[str, Any]:
    """Import a whole file or archive in one transaction: every task, or none with the
    position at fault. `options` is the import options as a JSON object."""
    name = re.sub(r"[^\w.\- ]", "_", file.filename or "upload")[:200]
    parsed = import_options(options_from_query(options))
    formats.reader(format)
    with tempfile.TemporaryDirectory(prefix="accord-upload-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, 1024 * 1024)
        with open_source(path, name) as source:
            return datasets.import_source(session, caller, project_id, source, format, parsed,
                                          media_root=state.settings.data_dir / "media")


@router.get("/export")
def export_file(project_id: int, session: DbSession, state: State, format: str = "jsonl",
                options: str = "{}") -> StreamingResponse:
    """Stream the project in `format`. `options` is the export options as a JSON object
    (regions: final, gold or predictions; include_media; settings)."""
    parsed = export_options(options_from_query(options))
    # the request's session stays open until the response has been sent
    chunks = datasets.export_chunks(session, project_id, format, parsed,
                                    media_root=state.settings.data_dir / "media")
    filename = datasets.export_filename(project_id, format, parsed)
    return StreamingResponse(chunks, media_type=datasets.media_type(format, parsed),
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})
