"""Reading a CSV upload as text, with errors that name the file and the line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from accord.core.errors import InputError


@contextmanager
def csv_reader(stream: IO[bytes], name: str) -> Iterator[Any]:
    """A `csv.reader` over UTF-8 text (a byte-order mark is skipped). Text that is not UTF-8
    and malformed CSV met inside the block become InputErrors naming `name` (and the line).
    The caller keeps the stream: it is not closed here."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        yield reader
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})",
                         where=name) from None
    except csv.Error as exc:
        raise InputError(f"{name}, line {reader.line_num}: {exc}", where=name) from None
    finally:
        text.detach()
