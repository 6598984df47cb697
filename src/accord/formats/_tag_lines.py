"""Reading token-per-line files (CoNLL-2003, BIO, IOB, BILOU) a sentence at a time.

A line is a token's columns separated by spaces or tabs; a blank line ends a sentence;
`-DOCSTART-` lines (CoNLL) separate documents. Every line must have as many columns as the
file's first token line (or exactly `columns`), so a shifted or truncated line is an error
at its line, not a silently wrong tag.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from accord.formats.base import fail

MAX_LINE_BYTES = 1024 * 1024
DOCSTART = "-DOCSTART-"


@dataclass(slots=True)
class Sentence:
    lines: list[int] = field(default_factory=list)  # the line number of each token
    rows: list[list[str]] = field(default_factory=list)


def read_sentences(stream: IO[bytes], name: str, columns: int | None = None
                   ) -> Iterator[Sentence | int]:
    """Sentences in file order, and the line number of each `-DOCSTART-` line (an int)."""
    expected = columns
    sentence = Sentence()
    for number, raw in enumerate(stream, start=1):
        where = f"{name}, line {number}"
        if len(raw) > MAX_LINE_BYTES:
            raise fail(where, f"the line is longer than {MAX_LINE_BYTES} bytes")
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise fail(where, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        cells = line.split()
        if not cells or cells[0] == DOCSTART:
            if sentence.rows:
                yield sentence
                sentence = Sentence()
            if cells:
                yield number
            continue
        if expected is None:
            if len(cells) < 2:
                raise fail(where, f"expected a token and its tag separated by a space or "
                                  f"a tab, got {line.strip()!r}")
            expected = len(cells)
        if len(cells) != expected:
            source = "a token and its tag" if columns else "as the file's first token line"
            raise fail(where, f"expected {expected} columns ({source}), got {len(cells)}: "
                              f"{line.strip()!r}")
        sentence.lines.append(number)
        sentence.rows.append(cells)
    if sentence.rows:
        yield sentence
