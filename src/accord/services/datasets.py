"""Importing and exporting whole datasets in a named format, for the API, the jobs and the
CLI alike (docs/formats.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from orjson import loads
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Connection, Text, cast, null, select
from sqlalchemy.orm import Session

from accord import formats
from accord.core.errors import InputError, NotFound
from accord.core.records import AnnotationStatus
from accord.core.schema import DataType, Schema
from accord.db.tables import Annotation, Prediction, Task
from accord.formats.base import (
    ONTO_TASK,
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
from accord.services import collector, export_rows, projects, stored_tasks, tasks, versions
from accord.services.caller import Caller
from accord.services.media_copy import MediaCopy
from accord.services.stored_tasks import StoredAnswers, StoredTexts

ITEM_CHUNK = 2000
#: bytes gathered from a writer before one chunk of an export goes out
CHUNK_BYTES = 256 * 1024
#: how often an export tells its progress, in records (a call per record costs ~2 % more)
REPORT_EVERY = 256
#: answers that count for a task's final regions when no result was accepted yet
LIVE_STATUSES = (AnnotationStatus.SUBMITTED, AnnotationStatus.ACCEPTED)
MEDIA_TYPES = (DataType.IMAGE, DataType.VIDEO, DataType.AUDIO)
#: formats of tokens without the text between them: their predictions and gold go onto
#: the stored tasks whose text holds the tokens
ONTO_STORED_TEXT = frozenset({"conll", "bio", "iob", "bilou"})


def read_context(session: Session, project_id: int, options: ImportOptions,
                 format: str | None = None) -> ReadContext:
    """What a reader reads with; for predictions or gold in a token-per-line `format`, the
    project's texts to place them on (`stored_tasks`)."""
    _, schema = versions.current_schema(session, project_id)
    binding = Binding(schema, options.labels)
    stored = None
    if format in ONTO_STORED_TEXT and options.target in ("predictions", "gold"):
        stored = StoredTexts(session, project_id, binding.data_key("text"))
    return ReadContext(schema=schema, binding=binding, options=options, stored_text=stored)


def records(source: Source, format: str, context: ReadContext,
            media: MediaCopy | None = None,
            onto: Callable[[str, int, dict[str, Any]], None] | None = None
            ) -> Iterator[tuple[str, dict[str, Any]]]:
    """The source's task records in `format`, made what the import options ask for; with
    `media`, each media name the reader gives is noted for copying. A record a reader put
    onto a stored task goes to `onto(where, task id, record)` instead."""
    read = formats.reader(format)
    if media is not None:
        context = replace(context, on_media=lambda name: media.want(name, source.name))
    for where, record in read(source, context):
        record = apply_import_options(record, context.options)
        task_id = record.pop(ONTO_TASK, None)
        if task_id is None:
            yield where, record
        elif onto is None:
            raise InputError(f"{where}: the labels go onto stored task {task_id}, which "
                             "this pass cannot write", where=where)
        else:
            onto(where, task_id, record)


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

    def onto(where: str, task_id: int, raw: dict[str, Any]) -> None:
        nonlocal checked
        stored_tasks.check(context.schema, where, raw)
        checked += 1

    for where, raw in records(source, format, context,
                              media_copy(source, context, media_root), onto):
        stored_tasks.check(context.schema, where, raw)
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
    context = read_context(session, project_id, options or ImportOptions(), format)
    media = media_copy(source, context, media_root)
    onto = StoredAnswers(session, project_id, context.schema)

    def before_commit() -> None:
        onto.finish()
        if media:
            media.commit()

    try:
        report = tasks.import_records(session, caller, project_id,
                                      records(source, format, context, media, onto.add),
                                      progress, before_commit=before_commit)
    except BaseException:
        if media:
            media.undo()
        raise
    if media and copied is not None:
        copied.extend(media.written)
    # a stored task that got labels is one the file holds and the project had already
    return {"created": report.created,
            "skipped_duplicates": report.skipped_duplicates + len(onto.tasks),
            "annotations": report.annotations,
            "predictions": report.predictions + onto.predictions}


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
        if on_record is None:
            yield from found
            return
        number = 0
        for number, record in enumerate(found, start=1):  # noqa: B007 (told at the end)
            yield record
            if not number % REPORT_EVERY:
                on_record(number)
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
        records=lambda: counted(export_rows.iter_records(session, project_id)),
        items=lambda: counted(iter_items(session, project_id, schema, options, media_file)))

    def chunks() -> Iterator[bytes]:
        with collector.eased():
            for chunk in _coalesced(write(export)):
                if progress:
                    progress(len(chunk))
                yield chunk

    return chunks()


def _coalesced(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The writer's chunks joined into about CHUNK_BYTES each: a streamed response hands
    every chunk to a worker thread and back, which for a chunk per task (JSONL) costs as
    much as writing it."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


def iter_items(session: Session, project_id: int, schema: Schema | None,
               options: ExportOptions, media_file: Callable[[str], Path | None]
               ) -> Iterator[ExportItem]:
    """Each task with the one set of regions `options.regions` chooses, in id order.

    The hot path of every label-format export (a million tasks in well under a minute):
    windows of ITEM_CHUNK tasks by keyset, their answers by one range scan of the
    annotation index rather than an IN list, and JSON columns read as text and decoded
    with orjson here, past SQLAlchemy's per-value processing (and psycopg's json.loads).
    """
    media_key = _media_key(schema)
    own = {"gold": Task.gold, "final": Task.result}.get(options.regions)
    columns = [Task.id, cast(Task.data, Text), Task.media_url, Task.batch,
               cast(own, Text) if own is not None else null()]
    # Core rows from the session's connection: the ORM's result machinery costs as much
    # again per row, for columns that need none of it
    connection = session.connection()
    last_id = 0
    while True:
        rows = connection.execute(select(*columns).where(
            Task.project_id == project_id, Task.id > last_id).order_by(Task.id)
            .limit(ITEM_CHUNK)).all()
        if not rows:
            return
        first, last_id = rows[0][0], rows[-1][0]
        chosen = {} if options.regions == "gold" else _chosen_regions(
            connection, {row[0] for row in rows}, first, last_id, options)
        for task_id, data_text, media_url, batch, own_regions in rows:
            if own_regions is not None and own_regions != "null":
                regions = loads(own_regions)
            else:
                text_ = chosen.get(task_id)
                regions = (loads(text_) or []) if text_ is not None else []
            data = loads(data_text) if data_text else {}
            media = data.get(media_key) if media_key else None
            if not isinstance(media, str):
                media = media_url
            width, height = data.get("width"), data.get("height")
            if type(width) is not int or type(height) is not int:  # bools are not sizes
                width, height = _size(data, media, media_file)
            yield ExportItem(task_id, data, media, width, height, regions, batch or "")


def _chosen_regions(connection: Connection, ids: set[int], first: int, last: int,
                    options: ExportOptions) -> dict[int, str]:
    """Per task of `ids` (first..last): the latest live answer (final) or the latest
    prediction (predictions), as JSON text. Decoded by the caller task by task, so each
    task's regions die young (see services/collector.py) rather than a window's living together.

    A range on the task index, not the project: that reads these tasks' rows in task and id
    order; with the project in the condition the planner would scan the whole project's
    annotations for every window. Tasks of other projects within the range are dropped here.
    """
    if options.regions == "final":
        table, extra = Annotation, [Annotation.status.in_(LIVE_STATUSES)]
    else:
        table, extra = Prediction, []  # type: ignore[assignment]
    rows = connection.execute(select(table.task_id, cast(table.regions, Text)).where(
        table.task_id.between(first, last), *extra).order_by(table.task_id, table.id)).all()
    # later ids win: the latest
    return {task_id: text_ for task_id, text_ in rows if task_id in ids}


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


def export_filename(project_id: int, format: str, options: ExportOptions | None = None
                    ) -> str:
    extension, _ = formats.get(format, "export").export_name(options or ExportOptions())
    return f"project-{project_id}{extension}"


def media_type(format: str, options: ExportOptions | None = None) -> str:
    return formats.get(format, "export").export_name(options or ExportOptions())[1]
