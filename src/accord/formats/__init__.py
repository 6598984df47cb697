"""Dataset formats: one module per format, each a streaming reader and writer.

A reader turns a binary stream into `(where, task record)` pairs, `where` naming the file and
line for error messages; a writer turns export records into chunks of bytes. Records are the
task records of `accord.core.task_records`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from accord.core.errors import InputError
from accord.formats import jsonl

Reader = Callable[[IO[bytes], str], Iterator[tuple[str, Any]]]
Writer = Callable[[Iterable[dict[str, Any]]], Iterator[bytes]]

READERS: dict[str, Reader] = {"jsonl": jsonl.read_records}
WRITERS: dict[str, Writer] = {"jsonl": jsonl.write_records}
MEDIA_TYPES: dict[str, str] = {"jsonl": "application/x-ndjson"}
EXTENSIONS: dict[str, str] = {"jsonl": ".jsonl"}


def reader(name: str) -> Reader:
    if name not in READERS:
        raise InputError(f"unknown import format {name!r}; available: {', '.join(READERS)}",
                         field="format")
    return READERS[name]


def writer(name: str) -> Writer:
    if name not in WRITERS:
        raise InputError(f"unknown export format {name!r}; available: {', '.join(WRITERS)}",
                         field="format")
    return WRITERS[name]
