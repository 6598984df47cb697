"""Tasks from JSON Lines of task data: each line is one task's data object itself, as
Label Studio and Prodigy take them (docs/formats/generic.md).

    {"image": "a.jpg", "caption": "two cats"}     → a task with that data
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from accord.formats.base import Export, Format, ReadContext, fail
from accord.formats.csv_tasks import with_media_prefix
from accord.formats.jsonl import read_records
from accord.formats.source import Source


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `.jsonl` file of the source (the file itself when it is one), line by line."""
    paths = source.paths() if len(source.paths()) == 1 else source.only(".jsonl", ".ndjson")
    for path in paths:
        with source.open(path) as stream:
            for where, data in read_records(stream, source.where(path)):
                if not isinstance(data, dict) or not data:
                    raise fail(where, "expected a non-empty JSON object of task data, got "
                                      f"{orjson.dumps(data).decode()[:60]}")
                yield where, {"data": with_media_prefix(data, context)}


def write(export: Export) -> Iterator[bytes]:
    for item in export.items():
        yield orjson.dumps(dict(item.data)) + b"\n"


FORMAT = Format(
    name="data_jsonl", title="JSONL of task data",
    description="One task's data object per line ({\"image\": \"a.jpg\", \"caption\": …}), "
                "as Label Studio and Prodigy import tasks.",
    extension=".jsonl", media_type="application/x-ndjson", read=read, write=write,
    carries=("tasks",))
