"""Importing and exporting whole datasets in a named format, for the API, the jobs and the
CLI alike (docs/formats.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord import formats
from accord.core.errors import InputError, NotFound
from accord.core.records import AnnotationStatus
from accord.core.schema import DataType, Schema
from accord.core.task_records import parse_task_record
from accord.db.tables import Annotation, Prediction, Task
from accord.formats.base import (
    Export,
    ExportItem,
    ExportOptions,
    ImportOptions,
    ReadContext,
    apply_import_options,
)
from accord.formats.binding import Binding
from accord.formats.source import Source
from accord.media import local
from accord.services import projects, tasks, versions
from accord.services.caller import Caller
from accord.services.media_copy import MediaCopy

ITEM_CHUNK = 2000
#: answers that count for a task's final regions when no result was accepted yet
LIVE_STATUSES = (AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED)
MEDIA_TYPES = (DataType.IMAGE, DataType.VIDEO, DataType.AUDIO)


def read_context(session: Session, project_id: int, options: ImportOptions) -> ReadContext:
    _, schema = versions.current_schema(session, project_id)
    return ReadContext(schema=schema, binding=Binding(schema, options.labels), options=options)


def records(source: Source, format: str, context: ReadContext,
            media: MediaCopy | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """The source's task records in `format`, made what the import options ask for; with
    `media`, each media name the reader gives is noted for copying."""
    read = formats.reader(format)
    if media is not None:
        context = replace(context, on_media=lambda name: media.want(name, source.name))
    for where, record in read(source, context):
        yield where, apply_import_options(record, context.options)


def media_copy(source: Source, context: ReadContext, media_root: Path | None
               ) -> MediaCopy | None:
    """The copier an import needs (copy_media), or None."""
    if not context.options.copy_media:
        return None
    if media_root is None:
        raise InputError("copy_media: this import has no media root to copy into",
                         field="options.copy_media")
    return MediaCopy(media_root, source, context.options.media_prefix)


def check_records(source: Source, format: str, context: ReadContext,
                  progress: Callable[[int], None] | None = None,
                  media_root: Path | None = None) -> int:
    """Read and check every record without writing; the number of records, or the first
    error with its position (media to copy that the upload lacks included)."""
    checked = 0
    for where, raw in records(source, format, context,
                              media_copy(source, context, media_root)):
        try:
            tasks.check_record(context.schema, parse_task_record(raw))
        except InputError as exc:
            raise InputError(f"{where}: {exc.message}", **{**exc.details, "where": where}
                             ) from exc
        checked += 1
        if progress:
            progress(checked)
    return checked


def import_source(session: Session, caller: Caller, project_id: int, source: Source,
                  format: str, options: ImportOptions | None = None,
                  progress: Callable[[int], None] | None = None,
                  media_root: Path | None = None,
                  copied: list[Path] | None = None) -> dict[str, Any]:
    """Import a whole file, folder or archive in one transaction: every task, or none and
    the position at fault. With copy_media the upload's media go into `media_root` just
    before the commit, and are removed again if it fails; `copied` is told the files
    written, for a caller whose own transaction commits later."""
    formats.reader(format)
    projects.get_project(session, project_id)
    context = read_context(session, project_id, options or ImportOptions())
    media = media_copy(source, context, media_root)
    try:
        report = tasks.import_records(session, caller, project_id,
                                      records(source, format, context, media), progress,
                                      before_commit=media.commit if media else None)
    except BaseException:
        if media:
            media.undo()
        raise
    if media and copied is not None:
        copied.extend(media.written)
    return {"created": report.created, "skipped_duplicates": report.skipped_duplicates,
            "annotations": report.annotations, "predictions": report.predictions}


def export_chunks(session: Session, project_id: int, format: str,
                  options: ExportOptions | None = None, media_root: Path | None = None,
                  progress: Callable[[int], None] | None = None,
                  on_record: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The project in `format`, streamed from the database.

    The format and the project are checked before the first chunk, so a bad request fails
    before any byte is sent. `progress` is told the bytes of each chunk, `on_record` the
    number of tasks read so far in the current pass.

    The bytes depend only on what is stored: tasks in id order, their annotations and
    predictions in id order, no export time or other clock reading, so an export run by
    `accord export`, by the API and by a background job are byte-identical.
    """
    write = formats.writer(format)
    project = projects.get_project(session, project_id)
    _, schema = versions.current_schema(session, project_id)
    options = options or ExportOptions()

    def counted(found: Iterable[Any]) -> Iterator[Any]:
        for number, record in enumerate(found, start=1):
            yield record
            if on_record:
                on_record(number)

    def media_file(key: str) -> Path | None:
        if media_root is None:
            return None
        try:
            return local.resolve(media_root, key)
        except NotFound:
            return None

    export = Export(
        schema=schema, project_name=project.name, options=options, media_file=media_file,
        records=lambda: counted(tasks.iter_records(session, project_id)),
        items=lambda: counted(iter_items(session, project_id, schema, options, media_file)))

    def chunks() -> Iterator[bytes]:
        for chunk in write(export):
            if progress:
                progress(len(chunk))
            yield chunk

    return chunks()


def iter_items(session: Session, project_id: int, schema: Schema | None,
               options: ExportOptions, media_file: Callable[[str], Path | None]
               ) -> Iterator[ExportItem]:
    """Each task with the one set of regions `options.regions` chooses, in id order, read a
    window of ITEM_CHUNK tasks at a time with plain rows (no ORM objects)."""
    media_key = _media_key(schema)
    columns = (Task.id, Task.data, Task.media_url, Task.batch, Task.gold, Task.result)
    last_id = 0
    while True:
        rows = session.execute(select(*columns).where(
            Task.project_id == project_id, Task.id > last_id).order_by(Task.id)
            .limit(ITEM_CHUNK)).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        chosen = _chosen_regions(session, ids, options)
        for row in rows:
            if options.regions == "gold":
                regions = row.gold or []
            elif options.regions == "final" and row.result is not None:
                regions = row.result
            else:
                regions = chosen.get(row.id, [])
            data = row.data or {}
            media = data.get(media_key) if media_key else None
            media = media if isinstance(media, str) else row.media_url
            width, height = _size(data, media, media_file)
            yield ExportItem(task_id=row.id, data=data, media=media, width=width,
                             height=height, regions=list(regions), batch=row.batch or "")
        last_id = ids[-1]


def _chosen_regions(session: Session, ids: list[int], options: ExportOptions
                    ) -> dict[int, list[Any]]:
    """Per task: the latest live answer (final) or the latest prediction (predictions)."""
    found: dict[int, list[Any]] = {}
    if options.regions == "final":
        rows = session.execute(select(Annotation.task_id, Annotation.regions).where(
            Annotation.task_id.in_(ids), Annotation.status.in_(LIVE_STATUSES)
        ).order_by(Annotation.id))
    elif options.regions == "predictions":
        rows = session.execute(select(Prediction.task_id, Prediction.regions).where(
            Prediction.task_id.in_(ids)).order_by(Prediction.id))
    else:
        return found
    for task_id, regions in rows:
        found[task_id] = regions  # later ids win: the latest
    return found


def _media_key(schema: Schema | None) -> str | None:
    if schema is None:
        return "image"
    for data in schema.data:
        if data.type in MEDIA_TYPES:
            return data.source or data.name
    return None


def _size(data: dict[str, Any], media: str | None,
          media_file: Callable[[str], Path | None]) -> tuple[int | None, int | None]:
    width, height = data.get("width"), data.get("height")
    if (isinstance(width, int) and isinstance(height, int)
            and not isinstance(width, bool) and not isinstance(height, bool)):
        return width, height
    path = media_file(media) if media else None
    if path is None:
        return None, None
    try:
        with Image.open(path) as image:  # reads the header only
            return image.size
    except (UnidentifiedImageError, OSError):
        return None, None


def export_filename(project_id: int, format: str) -> str:
    return f"project-{project_id}{formats.get(format, 'export').extension}"


def media_type(format: str) -> str:
    return formats.get(format, "export").media_type
