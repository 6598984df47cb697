"""JSON Lines: one task record per line, the format of Accord's own import and export.

    {"data": {"image": "a.png"}, "gold": [...], "annotations": [...], "predictions": [...]}

Blank lines are skipped. A malformed line fails the whole file, naming file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from accord.core.errors import InputError
from accord.formats.base import Export, Format, ReadContext
from accord.formats.source import Source

MAX_LINE_BYTES = 64 * 1024 * 1024


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, Any]]:
    """Every `.jsonl` file of the source (the file itself when it is one), in path order.

    The media prefix (and copy_media) apply to the values of the schema's media fields."""
    paths = source.paths() if len(source.paths()) == 1 else source.only(".jsonl", ".ndjson")
    rename = bool(context.options.media_prefix) or context.on_media is not None
    keys = context.binding.media_keys()
    for path in paths:
        with source.open(path) as stream:
            for where, record in read_records(stream, source.where(path)):
                if not isinstance(record, dict):
                    raise InputError(f"{where}: expected a task object {{\"data\": …}}, got "
                                     f"{type(record).__name__}", where=where)
                data = record.get("data") if rename else None
                if isinstance(data, dict):
                    record["data"] = {k: context.media(v) if k in keys and isinstance(v, str)
                                      else v for k, v in data.items()}
                yield where, record


def write(export: Export) -> Iterator[bytes]:
    return write_records(export.records())


def read_records(stream: IO[bytes], name: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(stream, start=1):
        where = f"{name}, line {number}"
        if len(line) > MAX_LINE_BYTES:
            raise InputError(f"{where}: the line is longer than {MAX_LINE_BYTES} bytes",
                             where=where)
        if not line.strip():
            continue
        try:
            # without its line break, so a line cut short is placed at its end, not on the
            # "next line" the break would start
            record = orjson.loads(line.rstrip(b"\r\n"))
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{where}, column {exc.colno}: not valid JSON ({exc.msg})",
                             where=where, line=number, column=exc.colno) from exc
        yield where, record


def write_records(records: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    for record in records:
        yield orjson.dumps(record) + b"\n"


FORMAT = Format(
    name="jsonl", title="Accord JSONL",
    description="One task per line with its gold, annotations (with their history) and "
                "predictions: everything a project holds, and reads back unchanged.",
    extension=".jsonl", media_type="application/x-ndjson", read=read, write=write,
    carries=("tasks", "annotations", "predictions", "gold"), exports="records")
