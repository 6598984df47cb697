"""Read a top-level JSON array element by element without loading the whole file.

A Label Studio export is one JSON array that can reach gigabytes. `split_array` reads it in
chunks and yields each element's bytes as soon as it is complete, tracking only strings,
escapes and nesting depth; `parse_array` yields the elements parsed, with the same elements
and errors, at a fraction of the cost (orjson parses many elements per call; see its
docstring). A document that is one object, not an array, is its single element. Every error
names the byte offset and line where the document goes wrong.

>>> import io
>>> [e.data for e in split_array(io.BytesIO(b' [{"a": "]"}, [1, 2], 3 ] '), "t.json")]
[b'{"a": "]"}', b'[1, 2]', b'3']
>>> list(parse_array(io.BytesIO(b'[{"a": "]"}, [1, 2], 3]'), "t.json"))
[(0, {'a': ']'}), (1, [1, 2]), (2, 3)]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson

from accord.core.errors import InputError

CHUNK_BYTES = 1 << 16
#: the window `parse_array` hands orjson at a time: about 20 Label Studio tasks of 5 boxes
#: (larger windows cost more per element, as its batch's objects outgrow the caches)
WINDOW_BYTES = 1 << 15
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

    def reset(self, offset: int, line: int) -> None:
        """Go on at byte `offset`, on line `line`, with nothing read of it yet."""
        self.chunk_offset, self.lines_before, self.chunk = offset, line - 1, b""

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

    def resume(self, offset: int, line: int, index: int, after_comma: bool) -> None:
        """Go on between two elements of the array, at `offset` on `line`, the next element
        being number `index` (as after `parse_array` read up to there by itself)."""
        self.position.reset(offset, line)
        self.phase, self.element, self.started, self.depth = "array", bytearray(), None, 0
        self.index, self.after_comma = index, after_comma
        self.in_string = self.escape = False

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


def element_value(element: Element, name: str, what: str = "element") -> Any:
    """The element parsed; invalid JSON is named by the element and the byte and line where
    it goes wrong."""
    try:
        return orjson.loads(element.data)
    except orjson.JSONDecodeError as exc:  # its pos counts characters
        where = f"{name}, {what} {element.index}"
        text = element.data.decode("utf-8", "surrogateescape")
        offset = element.offset + len(text[:exc.pos].encode("utf-8", "surrogateescape"))
        line = element.line + exc.lineno - 1
        raise InputError(f"{where}: not valid JSON ({exc.msg}) at byte {offset}, line {line}",
                         where=where, offset=offset, line=line) from None


#: signature trials per window before the window is split exactly
TRIALS = 8
#: how much of a document an exact pass keeps to learn the separator from
LEARN_BYTES = 4 * CHUNK_BYTES
_TAIL = b"}] \t\r\n"


def parse_array(stream: IO[bytes], name: str, what: str = "element",
                chunk_bytes: int = WINDOW_BYTES) -> Iterator[tuple[int, Any]]:
    """(index, value) of each element of the JSON array (or the one object) `stream` holds:
    what `split_array` and `element_value` give, errors included, in a few orjson calls per
    chunk instead of a Python step per bracket and comma.

    An exact pass over the first chunk learns how this file separates its elements (the
    closing brackets that end one, the bytes between, the first key of the next: `]}]},{"data":`
    or `\\n  },\\n  {\\n    "id":`). Then each window of about a chunk is cut at the last such
    separator and parsed as one array by orjson. The cut is right exactly when that parse
    succeeds, since the window starts between two elements: a cut inside an element leaves
    a bracket open. When no cut parses (a separator that also occurs inside elements, an
    element larger than the window, malformed JSON), the window is split exactly, which also
    gives the reference's error; so is the end of the document.
    """
    return _Parser(stream, name, what, chunk_bytes).elements()


class _Parser:
    """Reading state: `pending` holds the document from byte `offset` (line `line`), which
    lies between two elements of the array, the next being number `index`."""

    def __init__(self, stream: IO[bytes], name: str, what: str, chunk_bytes: int) -> None:
        self.chunks = _chunks(stream, chunk_bytes)
        self.name, self.what, self.window = name, what, chunk_bytes
        self.splitter = _Splitter(name, what)
        self.pending, self.offset, self.line, self.index = b"", 0, 1, 0
        self.after_comma = False
        self.signature, self.comma = b"", 0  # the separator learnt, its comma's place in it
        self.ended = False  # the stream is read to its end

    def elements(self) -> Iterator[tuple[int, Any]]:
        exact = True  # the first chunk is split exactly, to learn the separator
        while self.splitter.phase in ("start", "array") and not self.ended:
            if not exact:
                self._fill()
                values = None if self.ended else self._batch()
                exact = values is None
                for value in values or ():
                    yield self.index, value
                    self.index += 1
            if exact:  # the first chunk, a window no separator cuts, the last window
                for element in self._exact():
                    yield element.index, element_value(element, self.name, self.what)
                exact = self.splitter.phase == "start"
        for element in self._exact_to_end():  # a single object, or what follows the end
            yield element.index, element_value(element, self.name, self.what)

    def _fill(self) -> None:
        pieces = [self.pending]
        size = len(self.pending)
        while size < self.window:
            chunk = next(self.chunks, None)
            if chunk is None:
                self.ended = True
                break
            pieces.append(chunk)
            size += len(chunk)
        self.pending = b"".join(pieces)

    def _batch(self) -> list[Any] | None:
        """The elements before the last separator of the window that parses, or None."""
        pending, signature, end = self.pending, self.signature, len(self.pending)
        for _ in range(TRIALS if signature else 0):
            at = pending.rfind(signature, 0, end)
            if at < 0:
                return None
            cut = at + self.comma
            try:
                values = orjson.loads(b"".join((b"[", memoryview(pending)[:cut], b"]")))
            except orjson.JSONDecodeError:
                end = at + len(signature) - 1
                continue
            if not values:  # an empty slot, `[,`: the exact pass names it
                return None
            self.line += pending.count(b"\n", 0, cut + 1)
            self.offset += cut + 1
            self.pending, self.after_comma = pending[cut + 1:], True
            return values  # type: ignore[no-any-return]
        return None

    def _exact(self) -> Iterator[Element]:
        """The complete elements of `pending` (and of more chunks, until one completes),
        split exactly; then `pending` is what follows them. The elements seen teach the
        separator."""
        splitter = self.splitter
        if splitter.phase == "array":
            splitter.resume(self.offset, self.line, self.index, self.after_comma)
        kept, base, found = [self.pending], self.offset, []
        piece: bytes | None = self.pending
        while piece is not None:
            for element in splitter.feed(piece):  # each in turn, as the reference does
                found.append(element)
                yield element
            if found or splitter.phase == "after":
                break
            piece = next(self.chunks, None)
            if piece is None:
                self.ended = True
            elif sum(map(len, kept)) < LEARN_BYTES:
                kept.append(piece)
        if len(found) > 1:
            self._learn(found, b"".join(kept), base)
        if splitter.phase != "array":
            return
        if splitter.started is not None:  # the element going on: read again from its start
            self.pending = bytes(splitter.element)
            (self.offset, self.line), self.after_comma = splitter.started, False
        else:
            position = splitter.position
            self.pending = b""
            self.offset, self.line = position.at(len(position.chunk))
            self.after_comma = splitter.after_comma
        self.index = splitter.index

    def _exact_to_end(self) -> Iterator[Element]:
        if not self.ended:
            for chunk in self.chunks:
                yield from self.splitter.feed(chunk)
        self.splitter.finish()

    def _learn(self, found: list[Element], document: bytes, base: int) -> None:
        """The separator of the last two elements whose bytes are all in `document`, with
        the closing brackets that end every element seen and the first key that starts
        every one of them."""
        inside = [e for e in found if e.offset + len(e.data) - base <= len(document)]
        if len(inside) < 2:
            return
        first, second = inside[-2], inside[-1]
        between = document[first.offset + len(first.data) - base:second.offset - base]
        if between.count(b",") != 1:
            return
        tail = min((e.data[len(e.data.rstrip(_TAIL)):] for e in inside[:-1]), key=len)
        while tail and not all(e.data.endswith(tail) for e in inside[:-1]):
            tail = tail[1:]
        heads = [e.data[:e.data.find(b'":', 0, 64) + 2] for e in inside[1:]]
        head = heads[0]
        while head and not all(h.startswith(head) for h in heads):
            head = head[:-1]
        self.signature = tail + between + head
        self.comma = len(tail) + between.index(b",")
