"""Parsing untrusted XML (Label Studio configs, VOC and CVAT files), one way for all.

expat feeds an ElementTree builder, so we know the line each element starts on, and any
DOCTYPE or entity declaration is refused outright: no entity expands ("billion laughs"),
nothing external is fetched. Errors are InputErrors naming where, the line and the column.

>>> root = parse_xml(b"<a><b/></a>", "x.xml")[0]
>>> [child.tag for child in root]
['b']
>>> parse_xml(b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "x.xml")
Traceback (most recent call last):
...
accord.core.errors.InputError: x.xml, line 1: declares a DOCTYPE or an entity; Accord refuses them (no entity expansion, no external references)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from accord.core.errors import InputError


class SafeXmlParser:
    """Feed it chunks; `on_start(element, depth)` and `on_end(element, depth)` see each
    element as it opens and closes (depth 0 is the root), for readers that stream."""

    def __init__(self, where: str,
                 on_start: Callable[[ET.Element, int], None] | None = None,
                 on_end: Callable[[ET.Element, int], None] | None = None) -> None:
        self.where = where
        self.builder, self.parser = ET.TreeBuilder(), expat.ParserCreate()
        self.lines: dict[int, int] = {}  # id(element) -> the line it starts on
        self._depth = 0
        self._on_start, self._on_end = on_start, on_end
        parser = self.parser
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self.builder.data
        parser.StartDoctypeDeclHandler = self._refuse
        parser.EntityDeclHandler = self._refuse
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def line(self, element: ET.Element) -> int:
        return self.lines.get(id(element), 0)

    def feed(self, data: bytes | str, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            column = exc.offset + 1
            raise InputError(f"{self.where}, line {exc.lineno}, column {column}: not "
                             f"well-formed XML ({expat.ErrorString(exc.code)})",
                             where=self.where, line=exc.lineno, column=column) from None
        except (ValueError, LookupError) as exc:  # an unknown or impossible encoding
            raise InputError(f"{self.where}: cannot be read as XML ({exc})",
                             where=self.where) from None

    def close(self) -> ET.Element:
        return self.builder.close()

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        element = self.builder.start(tag, attrs)
        self.lines[id(element)] = self.parser.CurrentLineNumber
        if self._on_start:
            self._on_start(element, self._depth)
        self._depth += 1

    def _end(self, tag: str) -> None:
        element = self.builder.end(tag)
        self._depth -= 1
        if self._on_end:
            self._on_end(element, self._depth)

    def _refuse(self, *_: Any) -> None:
        line = self.parser.CurrentLineNumber
        raise InputError(f"{self.where}, line {line}: declares a DOCTYPE or an entity; Accord "
                         "refuses them (no entity expansion, no external references)",
                         where=self.where, line=line)


def parse_xml(content: bytes | str, where: str) -> tuple[ET.Element, SafeXmlParser]:
    """A whole document's root, and the parser (for `line(element)`)."""
    parser = SafeXmlParser(where)
    parser.feed(content, True)
    return parser.close(), parser
