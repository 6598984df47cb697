"""Background imports and exports: start them, follow their progress, download, cancel."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import IO, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from accord import formats
from accord.api.deps import CurrentCaller, DbSession, State
from accord.api.routing import AccordRoute
from accord.core.errors import InputError
from accord.formats.base import export_options, import_options, options_from_query
from accord.services import jobs
from accord.services.job_runner import JobRunner
from accord.settings import Settings

router = APIRouter(prefix="/api/projects/{project_id}", tags=["jobs"], route_class=AccordRoute)

#: multipart framing around the file: allowed beyond max_import_bytes in Content-Length
FRAMING_BYTES = 64 * 1024


class NewExport(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: str = "jsonl"
    options: dict[str, Any] = {}


def lifespan(settings: Settings, engine: Engine
             ) -> Callable[[FastAPI], AsyncIterator[None]]:
    """Run this process's job runner while the app runs (none with job_workers = 0)."""
    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        runner = JobRunner(engine, settings) if settings.job_workers else None
        app.state.job_runner = runner
        if runner is not None:
            await run_in_threadpool(runner.start)
        try:
            yield
        finally:
            if runner is not None:
                await run_in_threadpool(runner.stop)

    return run  # type: ignore[return-value]


def _notify(request: Request) -> None:
    runner = getattr(request.app.state, "job_runner", None)
    if runner is not None:
        runner.notify()


@router.post("/exports", status_code=202)
def start_export(project_id: int, body: NewExport, request: Request, caller: CurrentCaller,
                 session: DbSession) -> dict[str, Any]:
    """Queue an export; follow it at `GET …/jobs/{id}`, download it when done."""
    job = jobs.start_export(session, caller, project_id, body.format,
                            export_options(body.options))
    _notify(request)
    return job


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/imports", status_code=202, openapi_extra=UPLOAD_BODY)
async def start_import(project_id: int, request: Request, caller: CurrentCaller,
                       session: DbSession, state: State, format: str = "jsonl",
                       options: str = "{}") -> dict[str, Any]:
    """Upload a file, folder archive (zip or tar) as multipart part `file` and queue its
    import: all of it, or none. `options` is the import options as a JSON object."""
    formats.reader(format)
    parsed = import_options(options_from_query(options))
    limit = state.settings.max_import_bytes
    boundary = _boundary(request.headers.get("content-type", ""))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FRAMING_BYTES:
        raise HTTPException(413, f"the upload is {int(declared)} bytes; imports take at most "
                                 f"{limit} bytes (ACCORD_MAX_IMPORT_BYTES)")
    stored = jobs.new_file_name("import", ".upload")
    path = jobs.jobs_dir(state.settings.data_dir) / stored
    try:
        with path.open("wb") as out:
            upload = _Upload(out, limit)
            parser = MultipartParser(boundary, upload.callbacks())
            try:
                async for chunk in request.stream():
                    await run_in_threadpool(parser.write, chunk)
                parser.finalize()
            except FormParserError as exc:
                raise InputError(f"the upload is not valid multipart/form-data: {exc}",
                                 field="file") from None
        if upload.filename is None:
            raise InputError("the upload has no part named `file`; send the file as "
                             "multipart/form-data field `file`", field="file")
        job = await run_in_threadpool(
            jobs.start_import, session, caller, project_id, format, stored_as=stored,
            file_name=upload.filename, file_size=upload.size,
            file_sha256=upload.digest.hexdigest(), options=parsed)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _notify(request)
    return job


def _boundary(content_type: str) -> bytes:
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InputError("send the file as multipart/form-data with a part named `file`; got "
                         f"Content-Type {content_type or 'none'!r}", field="file")
    return boundary


class _Upload:
    """Receives the multipart parser's events; writes the `file` part, counted and hashed."""

    def __init__(self, out: IO[bytes], limit: int) -> None:
        self.out, self.limit = out, limit
        self.size, self.digest = 0, hashlib.sha256()
        self.filename: str | None = None
        self._headers: dict[bytes, bytes] = {}
        self._field, self._value = b"", b""
        self._writing = False

    def callbacks(self) -> dict[str, Any]:
        return {"on_part_begin": self._begin, "on_header_field": self._on_field,
                "on_header_value": self._on_value, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_done, "on_part_data": self._data,
                "on_part_end": self._end}

    def _begin(self) -> None:
        self._headers, self._writing = {}, False

    def _on_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _on_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        if params.get(b"name") == b"file" and self.filename is None:
            raw = params.get(b"filename", b"upload").decode("utf-8", "replace")
            self.filename = re.sub(r"[^\w.\- ]", "_", raw.rsplit("/", 1)[-1])[:200] or "upload"
            self._writing = True

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._writing:
            return
        self.size += end - start
        if self.size > self.limit:
            raise HTTPException(413, f"the upload is larger than {self.limit} bytes; imports "
                                     "take at most that much (ACCORD_MAX_IMPORT_BYTES)")
        chunk = data[start:end]
        self.out.write(chunk)
        self.digest.update(chunk)

    def _end(self) -> None:
        self._writing = False


@router.get("/jobs")
def list_jobs(project_id: int, session: DbSession, cursor: str | None = None,
              limit: int = 20) -> dict[str, Any]:
    """The project's imports and exports, newest first, and the formats jobs can use."""
    items, next_cursor = jobs.list_jobs(session, project_id, cursor, limit)
    listed = formats.all_formats().values()
    return {"items": items, "next_cursor": next_cursor,
            "formats": {"import": [f.name for f in listed if f.read is not None],
                        "export": [f.name for f in listed if f.write is not None]}}


@router.get("/formats", tags=["data"])
def list_formats(project_id: int, session: DbSession) -> dict[str, Any]:
    """Every format with what it holds, its layout and its own settings, for the UI."""
    return {"items": [f.describe() for f in formats.all_formats().values()]}


@router.get("/jobs/{job_id}")
def read_job(project_id: int, job_id: int, session: DbSession) -> dict[str, Any]:
    return jobs.read_job(session, project_id, job_id)


@router.get("/jobs/{job_id}/download", response_class=FileResponse)
def download(project_id: int, job_id: int, session: DbSession, state: State) -> FileResponse:
    """The finished export's file, as an attachment."""
    path, name, media_type = jobs.download_path(session, state.settings.data_dir, project_id,
                                                job_id)
    return FileResponse(path, media_type=media_type, filename=name,
                        content_disposition_type="attachment")


@router.post("/jobs/{job_id}/cancel")
def cancel(project_id: int, job_id: int, caller: CurrentCaller, session: DbSession
           ) -> dict[str, Any]:
    """Cancel a queued or running job (its starter or a manager); nothing of it is kept."""
    return jobs.cancel_job(session, caller, project_id, job_id)

