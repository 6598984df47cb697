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
_OUTSIDE = re.compile(rb'["{}\[\],]')
_INSIDE = re.compile(rb'["\\]')
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
    position = _Position()
    phase = "start"  # start → array | single → after
    element = bytearray()
    started: tuple[int, int] | None = None
    depth, index, in_string, escape, after_comma = 0, 0, False, False, False

    def emit() -> Element:
        nonlocal element, started, index
        assert started is not None
        data = bytes(element).rstrip(b" \t\r\n")
        found = Element(index, data, *started)
        element, started, index = bytearray(), None, index + 1
        return found

    for chunk in _chunks(stream, chunk_bytes):
        position.advance(chunk)
        i, n = 0, len(chunk)
        while i < n:
            if phase == "after" or started is None:
                i = _SPACE.match(chunk, i).end()  # type: ignore[union-attr]
                if i == n:
                    break
                byte = chunk[i:i + 1]
                if phase == "after":
                    raise _error(name, position.at(i), f"unexpected {byte!r} after the end "
                                 "of the JSON document")
                if phase == "start":
                    if chunk.startswith(b"\xef\xbb\xbf", i) and position.at(i)[0] == 0:
                        i += 3  # a UTF-8 byte order mark, as some editors write
                        continue
                    if byte == b"[":
                        phase, i = "array", i + 1
                        continue
                    if byte != b"{":
                        raise _error(name, position.at(i), "expected a JSON array of tasks "
                                     f"(or one task object), got {byte!r}")
                    phase = "single"
                elif byte == b"]" and not after_comma:
                    phase, i = "after", i + 1
                    continue
                elif byte in (b",", b"]"):
                    raise _error(name, position.at(i), f"expected {what} {index} of the array, "
                                 f"got {byte!r}")
                started, after_comma = position.at(i), False
            if in_string:
                if escape:
                    escape = False
                    element += chunk[i:i + 1]
                    i += 1
                    continue
                found = _INSIDE.search(chunk, i)
                if found is None:
                    element += chunk[i:]
                    break
                j = found.start()
                element += chunk[i:j + 1]
                i = j + 1
                if chunk[j:j + 1] == b"\\":
                    escape = True
                else:
                    in_string = False
                continue
            found = _OUTSIDE.search(chunk, i)
            if found is None:
                element += chunk[i:]
                break
            j = found.start()
            byte = chunk[j:j + 1]
            if byte in (b",", b"]") and depth == 0:
                if phase == "single":
                    raise _error(name, position.at(j), f"unexpected {byte!r} after the {what} "
                                 "object")
                element += chunk[i:j]
                yield emit()
                i = j + 1
                phase, after_comma = ("after", False) if byte == b"]" else ("array", True)
                continue
            element += chunk[i:j + 1]
            i = j + 1
            if byte == b'"':
                in_string = True
            elif byte in (b"{", b"["):
                depth += 1
            elif byte in (b"}", b"]"):
                if depth == 0:
                    raise _error(name, position.at(j), f"unbalanced {byte!r} in {what} "
                                 f"{index}")
                depth -= 1
                if depth == 0 and phase == "single":
                    yield emit()
                    phase = "after"
        if len(element) > MAX_ELEMENT_BYTES:
            assert started is not None
            raise _error(name, started, f"{what} {index} is larger than "
                         f"{MAX_ELEMENT_BYTES} bytes")
    end = position.at(len(position.chunk))
    if phase == "start":
        raise _error(name, end, "the file is empty; expected a JSON array of tasks")
    if phase != "after":
        raise _error(name, end, f"the document is cut short in {what} {index}: the array "
                     "(or object) is not closed")
