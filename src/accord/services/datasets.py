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
                  progress: Callable[[int], None] | None = None,
                  on_record: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The project's tasks, gold, annotations (all but drafts) and predictions, streamed.

    The format and the project are checked before the first chunk, so a bad request fails
    before any byte is sent. `progress` is told the bytes of each chunk, `on_record` the
    number of records read so far.

    The bytes depend only on what is stored: records in task id order, their annotations and
    predictions in id order, no export time or other clock reading, so an export run by
    `accord export`, by the API and by a background job are byte-identical.
    """
    write = formats.writer(format)
    projects.get_project(session, project_id)

    def counted(records: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for number, record in enumerate(records, start=1):
            yield record
            if on_record:
                on_record(number)

    def chunks() -> Iterator[bytes]:
        for chunk in write(counted(tasks.iter_records(session, project_id))):
            if progress:
                progress(len(chunk))
            yield chunk

    return chunks()


def export_filename(project_id: int, format: str) -> str:
    return f"project-{project_id}{formats.EXTENSIONS[format]}"


def media_type(format: str) -> str:
    return formats.MEDIA_TYPES[format]
