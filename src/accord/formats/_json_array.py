"""Split a top-level JSON array into its elements' bytes without loading the whole file.

A Label Studio export is one JSON array that can reach gigabytes; `split_array` reads it in
chunks and yields each element's bytes as soon as it is complete, tracking only strings,
escapes and nesting depth (the elements themselves are parsed by orjson). A document that is
one object, not an array, is yielded as its single element. Every error names the byte
offset and line where the document goes wrong.

>>> import io
>>> [e.data for e in split_array(io.BytesIO(b' [{"a": "]"}, [1, 2], 3 ] '), "t.json")]
[b'{"a": "]"}', b'[1, 2]', b'3']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from accord.core.errors import InputError

CHUNK_BYTES = 1 << 16
#: the largest single element (one task) read into memory
MAX_ELEMENT_BYTES = 256 * 1024 * 1024
#: the next structural byte outside strings, or the quote of a string going on past the
#: chunk (possessive, so a failed match never backtracks)
_NEXT = re.compile(rb'(?:[^"{}\[\],]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+([{}\[\],"])',
                   re.DOTALL)
_STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
_SPACE = re.compile(rb"[ \t\r\n]*")


@dataclass(frozen=True, slots=True)
class Element:
    index: int  # 0 for the first element
    data: bytes
    offset: int  # byte offset of its first byte in the document
    line: int  # line of its first byte, from 1


class _Position:
    """Byte offsets and line numbers of the document read so far."""

    def __init__(self) -> None:
        self.chunk_offset = 0
        self.lines_before = 0
        self.chunk = b""

    def advance(self, chunk: bytes) -> None:
        self.chunk_offset += len(self.chunk)
        self.lines_before += self.chunk.count(b"\n")
        self.chunk = chunk

    def at(self, i: int) -> tuple[int, int]:
        return self.chunk_offset + i, self.lines_before + self.chunk.count(b"\n", 0, i) + 1


def _error(name: str, where: tuple[int, int], message: str) -> InputError:
    offset, line = where
    return InputError(f"{name}, byte {offset} (line {line}): {message}", where=name,
                      offset=offset, line=line)


def _chunks(stream: IO[bytes], chunk_bytes: int) -> Iterator[bytes]:
    """The stream's bytes; the first chunk holds at least 3, so a byte order mark is whole."""
    first = b""
    while len(first) < 3 and (more := stream.read(chunk_bytes)):
        first += more
    if first:
        yield first
    while chunk := stream.read(chunk_bytes):
        yield chunk


def split_array(stream: IO[bytes], name: str, chunk_bytes: int = CHUNK_BYTES,
                what: str = "element") -> Iterator[Element]:
    """The elements of the JSON array (or the one object) `stream` holds, in order; errors
    call an element `what` ("task")."""
    splitter = _Splitter(name, what)
    for chunk in _chunks(stream, chunk_bytes):
        yield from splitter.feed(chunk)
    splitter.finish()


class _Splitter:
    """The scanner's state between chunks. Strings are skipped inside one regex match, and
    an element's bytes are copied once per chunk, so the Python loop runs once per bracket
    or comma, not per byte."""

    def __init__(self, name: str, what: str) -> None:
        self.name, self.what = name, what
        self.position = _Position()
        self.phase = "start"  # start → array | single → after
        self.element = bytearray()
        self.started: tuple[int, int] | None = None  # where the current element began
        self.piece = 0  # where its bytes not yet copied begin in the current chunk
        self.depth, self.index = 0, 0
        self.in_string = self.escape = self.after_comma = False

    def feed(self, chunk: bytes) -> Iterator[Element]:
        self.position.advance(chunk)
        self.piece, i, n = 0, 0, len(chunk)
        while i < n:
            if self.started is None:
                i = self._between(chunk, i)
                continue
            if self.in_string:
                i = self._string(chunk, i)
                continue
            found = _NEXT.match(chunk, i)
            if found is None:
                break
            token, j, i = found.group(1), found.start(1), found.end()
            if token == b'"':
                self.in_string = True
            elif token in (b",", b"]") and self.depth == 0:
                if self.phase == "single":
                    raise self._error(j, f"unexpected {token!r} after the {self.what} object")
                yield self._emit(chunk, j)
                self.phase, self.after_comma = (("after", False) if token == b"]"
                                                else ("array", True))
            elif token in (b"{", b"["):
                self.depth += 1
            elif token == b",":
                continue
            elif self.depth == 0:
                raise self._error(j, f"unbalanced {token!r} in {self.what} {self.index}")
            else:
                self.depth -= 1
                if self.depth == 0 and self.phase == "single":
                    yield self._emit(chunk, i)
                    self.phase = "after"
        if self.started is not None:
            self.element += chunk[self.piece:]
            if len(self.element) > MAX_ELEMENT_BYTES:
                raise _error(self.name, self.started, f"{self.what} {self.index} is larger "
                             f"than {MAX_ELEMENT_BYTES} bytes")

    def _between(self, chunk: bytes, i: int) -> int:
        """Between elements: white space, the array's brackets and commas."""
        i = _SPACE.match(chunk, i).end()  # type: ignore[union-attr]
        if i == len(chunk):
            return i
        byte = chunk[i:i + 1]
        if self.phase == "after":
            raise self._error(i, f"unexpected {byte!r} after the end of the JSON document")
        if self.phase == "start":
            if chunk.startswith(b"\xef\xbb\xbf", i) and self.position.at(i)[0] == 0:
                return i + 3  # a UTF-8 byte order mark, as some editors write
            if byte == b"[":
                self.phase = "array"
                return i + 1
            if byte != b"{":
                raise self._error(i, "expected a JSON array of tasks (or one task object), "
                                  f"got {byte!r}")
            self.phase = "single"
        elif byte == b"]" and not self.after_comma:
            self.phase = "after"
            return i + 1
        elif byte in (b",", b"]"):
            raise self._error(i, f"expected {self.what} {self.index} of the array, got "
                              f"{byte!r}")
        self.started, self.piece, self.after_comma = self.position.at(i), i, False
        return i

    def _string(self, chunk: bytes, i: int) -> int:
        """Inside a string that began in an earlier chunk: to its closing quote."""
        if self.escape:
            self.escape, i = False, i + 1
        found = _STRING_BODY.match(chunk, i)
        j = found.end() if found is not None else i
        if j < len(chunk) and chunk[j:j + 1] == b'"':
            self.in_string = False
            return j + 1
        self.escape = j == len(chunk) - 1  # a backslash ends the chunk
        return len(chunk)

    def _emit(self, chunk: bytes, end: int) -> Element:
        assert self.started is not None
        self.element += chunk[self.piece:end]
        found = Element(self.index, bytes(self.element).rstrip(b" \t\r\n"), *self.started)
        self.element, self.started, self.index = bytearray(), None, self.index + 1
        return found

    def _error(self, i: int, message: str) -> InputError:
        return _error(self.name, self.position.at(i), message)

    def finish(self) -> None:
        end = self.position.at(len(self.position.chunk))
        if self.phase == "start":
            raise _error(self.name, end, "the file is empty; expected a JSON array of tasks")
        if self.phase != "after":
            raise _error(self.name, end, f"the document is cut short in {self.what} "
                         f"{self.index}: the array (or object) is not closed")
