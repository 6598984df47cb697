"""JSON Lines: one task record per line, the format of Accord's own import and export.

    {"data": {"image": "a.png"}, "gold": [...], "annotations": [...], "predictions": [...]}

Blank lines are skipped. A malformed line fails the whole file, naming file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from accord.core.errors import InputError

MAX_LINE_BYTES = 64 * 1024 * 1024


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
