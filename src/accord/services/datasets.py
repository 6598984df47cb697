"""Importing and exporting whole files in a named format, for the API and the CLI alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from sqlalchemy.orm import Session

from accord import formats
from accord.services import projects, tasks
from accord.services.caller import Caller


def import_file(session: Session, caller: Caller, project_id: int, stream: IO[bytes],
                name: str, format: str) -> dict[str, Any]:
    """Import a whole file in one transaction: every task, or none and the line at fault."""
    read = formats.reader(format)
    projects.get_project(session, project_id)
    report = tasks.import_records(session, caller, project_id, read(stream, name))
    return {"created": report.created, "skipped_duplicates": report.skipped_duplicates,
            "annotations": report.annotations, "predictions": report.predictions}


def export_chunks(session: Session, project_id: int, format: str,
                  progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The project's tasks, gold, annotations (all but drafts) and predictions, streamed.

    The format and the project are checked before the first chunk, so a bad request fails
    before any byte is sent.
    """
    write = formats.writer(format)
    projects.get_project(session, project_id)

    def chunks() -> Iterator[bytes]:
        for chunk in write(tasks.iter_records(session, project_id)):
            if progress:
                progress(len(chunk))
            yield chunk

    return chunks()


def export_filename(project_id: int, format: str) -> str:
    return f"project-{project_id}{formats.EXTENSIONS[format]}"


def media_type(format: str) -> str:
    return formats.MEDIA_TYPES[format]
