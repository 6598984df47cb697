"""JSON Lines of texts with character spans, in the shapes NER tools write:

    {"text": "Ann met Bob", "spans": [{"start": 0, "end": 3, "label": "PER"}]}   Prodigy
    {"text": "Ann met Bob", "label": [[0, 3, "PER"]]}                            doccano
    {"text": "Ann met Bob", "entities": [[0, 3, "PER"]]}                         spaCy
    {"text": …, "entities": [{"start_offset": 0, "end_offset": 3, "label": "PER"}]}  doccano 1.x

Each line is one text task, its spans `span` regions. Exports write Prodigy's shape.
Offsets are Python `str` indices (code points), end exclusive (docs/formats/text.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from accord.formats.base import Export, Format, ReadContext, fail
from accord.formats.binding import Binding
from accord.formats.jsonl import read_records
from accord.formats.source import Source

SPAN_KEYS = ("spans", "entities", "label")


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `.jsonl` file of the source (the file itself when it is one), in path order."""
    paths = source.paths()
    if len(paths) > 1:
        paths = source.only(".jsonl", ".ndjson")
    for path in paths:
        with source.open(path) as stream:
            for where, line in read_records(stream, source.where(path)):
                yield where, _record(line, where, context)


def _record(line: Any, where: str, context: ReadContext) -> dict[str, Any]:
    if not isinstance(line, dict) or not isinstance(line.get("text"), str):
        raise fail(where, 'expected an object with a "text" string, e.g. {"text": "…", '
                          '"spans": [{"start": 0, "end": 3, "label": "PER"}]}')
    text = line["text"]
    record: dict[str, Any] = {"data": {context.binding.data_key("text"): text}}
    present = [key for key in SPAN_KEYS if key in line]
    if len(present) > 1:
        raise fail(where, f"the line has both {present[0]!r} and {present[1]!r}; expected "
                          "one list of spans")
    if not present:
        return record  # a text without annotations
    key = present[0]
    raw = line[key]
    if not isinstance(raw, list):
        raise fail(where, f"{key!r}: expected a list of spans, got {_kind(raw)}")
    regions = []
    for i, item in enumerate(raw):
        start, end, cls = _span(item, key, f"{where}, {key}[{i}]", len(text))
        label = context.binding.label("span", cls, where)
        regions.append({"id": str(i + 1), "label": label, "type": "span",
                        "value": {"class": cls, "start": start, "end": end}})
    record["annotations"] = [{"regions": regions}]
    return record


def _span(item: Any, key: str, where: str, length: int) -> tuple[int, int, str]:
    if isinstance(item, dict):  # Prodigy; doccano 1.x names them start_offset, end_offset
        start = item.get("start", item.get("start_offset"))
        end = item.get("end", item.get("end_offset"))
        cls = item.get("label")
    elif isinstance(item, list) and len(item) == 3 and key != "spans":
        start, end, cls = item
    else:
        expected = '{"start", "end", "label"}' if key == "spans" else "[start, end, label]"
        raise fail(where, f"expected {expected}, got {_short(item)}")
    if not _is_int(start) or not _is_int(end):
        raise fail(where, f"start and end must be whole numbers, got {_short(start)} and "
                          f"{_short(end)}")
    if not isinstance(cls, str) or not cls:
        raise fail(where, f"the label must be a non-empty string, got {_short(cls)}")
    if not 0 <= start < end <= length:
        raise fail(where, f"the span {start}–{end} is not within the text (0–{length}) or "
                          "does not end after it starts")
    return start, end, cls


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value),
                                                                   _short(value))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}…"


def write(export: Export) -> Iterator[bytes]:
    """Prodigy's shape, spans in their regions' order; a task without a text is refused."""
    key = Binding(export.schema).data_key("text")
    for item in export.items():
        text = item.data.get(key)
        if not isinstance(text, str):
            raise fail(f"task {item.task_id}", f"data[{key!r}] is not a text")
        spans = [{"start": r["value"]["start"], "end": r["value"]["end"],
                  "label": r["value"]["class"]} for r in item.regions if r.get("type") == "span"]
        yield orjson.dumps({"text": text, "spans": spans}) + b"\n"


FORMAT = Format(
    name="spans_jsonl", title="JSONL with character spans",
    description="One text per line with its entity spans: Prodigy ({text, spans}), doccano "
                "({text, label: [[s, e, l]]}) or spaCy ({text, entities}); exports Prodigy's.",
    extension=".jsonl", media_type="application/x-ndjson", read=read, write=write,
    modality="text")
