"""Reading a CVAT XML file safely and as a stream: expat feeds an ElementTree builder chunk
by chunk, each child of `<annotations>` (`<meta>`, `<image>`, `<track>`, …) is handed over
whole once it ends and then dropped, so memory holds one image or track at a time.

The XML is read by `accord.core.safe_xml` (any DOCTYPE or entity refused; malformed or
truncated XML an InputError naming the file, line and column).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import IO

from accord.core.safe_xml import SafeXmlParser
from accord.formats.base import fail

CHUNK = 256 * 1024


class Element:
    """A finished top-level element and the line each element of it started on."""

    def __init__(self, element: ET.Element, lines: dict[int, int]) -> None:
        self.element, self._lines = element, lines

    def line(self, element: ET.Element) -> int:
        return self._lines.get(id(element), 0)


def top_level(stream: IO[bytes], where: str) -> Iterator[Element]:
    """The children of the root `<annotations>` element, in document order."""
    done: list[ET.Element] = []
    root: list[ET.Element] = []

    def start(element: ET.Element, depth: int) -> None:
        if depth == 0:
            if element.tag != "annotations":
                raise fail(f"{where}, line {parser.line(element)}",
                           f"the root element is <{element.tag}>; a CVAT XML file has "
                           "<annotations>")
            root.append(element)

    def end(element: ET.Element, depth: int) -> None:
        if depth == 1:
            done.append(element)

    parser = SafeXmlParser(where, start, end)
    while True:
        chunk = stream.read(CHUNK)
        parser.feed(chunk, not chunk)
        for element in done:
            yield Element(element, parser.lines)
            for child in element.iter():
                parser.lines.pop(id(child), None)
            root[0].remove(element)
        done.clear()
        if not chunk:
            return


def attr_float(element: ET.Element, key: str, where: str) -> float:
    """A required numeric attribute, finite."""
    value = element.get(key)
    if value is None:
        raise fail(where, f"the {key!r} attribute is missing")
    try:
        number = float(value)
    except ValueError:
        raise fail(where, f"{key}={value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise fail(where, f"{key}={value!r} is not a finite number")
    return number


def attr_int(element: ET.Element, key: str, where: str, default: int | None = None) -> int:
    value = element.get(key)
    if value is None:
        if default is not None:
            return default
        raise fail(where, f"the {key!r} attribute is missing")
    try:
        return int(value.strip())
    except ValueError:
        raise fail(where, f"{key}={value!r} is not a whole number") from None


def attr_flag(element: ET.Element, key: str, where: str) -> bool:
    """CVAT's 0/1 flags (also true/false, as some tools write)."""
    value = (element.get(key) or "0").strip().lower()
    if value in ("0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise fail(where, f"{key}={element.get(key)!r}; expected 0 or 1")


def parse_points(element: ET.Element, where: str) -> list[list[float]]:
    """`points="x1,y1;x2,y2;…"` as [[x, y], …]."""
    text = element.get("points")
    if text is None:
        raise fail(where, "the 'points' attribute is missing")
    points: list[list[float]] = []
    for pair in text.split(";"):
        parts = pair.split(",")
        try:
            x, y = (float(p) for p in parts)
        except ValueError:
            raise fail(where, f"points: {pair!r} is not 'x,y'") from None
        if not all(v == v and abs(v) != float("inf") for v in (x, y)):
            raise fail(where, f"points: {pair!r} is not finite")
        points.append([x, y])
    return points
