"""Texts with their class: CSV `text,label` and JSONL `{"text", "label"}` /
`{"text", "labels": [...]}`. Each row is one text task; its class becomes a
`classification` region, or a `multilabel` one when the schema's label is multilabel
(docs/formats/text.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import orjson

from accord.core.errors import InputError
from accord.formats._csv import csv_reader
from accord.formats.base import Export, ExportItem, Format, ReadContext, fail
from accord.formats.binding import Binding
from accord.formats.jsonl import read_records
from accord.formats.source import Source

KINDS = ("classification", "multilabel")


def _kind(context: ReadContext, where: str) -> str:
    """classification or multilabel: the type of the schema's label for the classes."""
    named = [k for k in KINDS if k in context.options.labels]
    if len(named) == 1:
        return named[0]
    schema = context.schema
    kinds = sorted({label.type.value for label in schema.labels if label.type.value in KINDS}
                   ) if schema is not None else ["classification"]
    if len(kinds) == 1 and not named:
        return kinds[0]
    if not kinds:
        raise fail(where, "the project's schema has no classification or multilabel label "
                          "for these classes; add one, or import as tasks only")
    raise fail(where, "the schema has classification and multilabel labels; choose one with "
                      "labels.classification or labels.multilabel")


def _region(context: ReadContext, kind: str, classes: list[str], where: str
            ) -> dict[str, Any]:
    if kind == "classification" and len(classes) > 1:
        raise fail(where, f"{len(classes)} classes ({', '.join(classes)}) for a "
                          "classification label, which holds one")
    label = context.binding.label(kind, classes[0], where)
    value = {"class": classes[0]} if kind == "classification" else {"classes": classes}
    return {"id": "1", "label": label, "type": kind, "value": value}


def _record(context: ReadContext, text: str, classes: list[str], where: str
            ) -> dict[str, Any]:
    record: dict[str, Any] = {"data": {context.binding.data_key("text"): text}}
    if classes:
        region = _region(context, _kind(context, where), classes, where)
        record["annotations"] = [{"regions": [region]}]
    return record


def read_csv(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    text_column = context.setting("text_column", "text")
    label_column = context.setting("label_column", "label")
    separator = context.setting("separator", "|")
    paths = source.paths()
    for path in paths if len(paths) == 1 else source.only(".csv"):
        name = source.where(path)
        with source.open(path) as stream, csv_reader(stream, name) as rows:
            header = next(rows, None)
            if header is None:
                raise fail(name, "the file is empty; expected a header line "
                                 f"{text_column},{label_column}")
            missing = [c for c in (text_column, label_column) if c not in header]
            if missing:
                raise fail(f"{name}, line 1", f"the header lacks {', '.join(missing)}; it "
                                              f"has {', '.join(header) or 'no columns'}")
            at_text, at_label = header.index(text_column), header.index(label_column)
            for row in rows:
                where = f"{name}, line {rows.line_num}"
                if not row:
                    continue
                if len(row) != len(header):
                    raise fail(where, f"expected {len(header)} columns as the header has, "
                                      f"got {len(row)}")
                cell = row[at_label]
                classes = [c.strip() for c in cell.split(separator)] if separator else [cell]
                classes = [c for c in classes if c]
                yield where, _record(context, row[at_text], classes, where)


def read_jsonl(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = source.paths()
    for path in paths if len(paths) == 1 else source.only(".jsonl", ".ndjson"):
        with source.open(path) as stream:
            for where, line in read_records(stream, source.where(path)):
                yield where, _jsonl_record(context, line, where)


def _jsonl_record(context: ReadContext, line: Any, where: str) -> dict[str, Any]:
    if not isinstance(line, dict) or not isinstance(line.get("text"), str):
        raise fail(where, 'expected an object with a "text" string and "label" or "labels"')
    if "label" in line and "labels" in line:
        raise fail(where, 'the line has both "label" and "labels"; expected one')
    raw = line.get("labels", line.get("label"))
    values = raw if isinstance(raw, list) else [] if raw is None else [raw]
    if not all(isinstance(v, str) and v for v in values):
        raise fail(where, f"expected class names (non-empty strings), got {raw!r}"[:200])
    return _record(context, line["text"], values, where)


def _label(export: Export) -> tuple[str | None, str]:
    """The label written (name or None for any), its data field's key."""
    key = Binding(export.schema).data_key("text")
    if export.schema is None:
        return None, key
    named = export.options.settings.get("label")
    labels = [label for label in export.schema.labels if label.type.value in KINDS
              and (named is None or label.name == named)]
    if len(labels) != 1:
        choices = [label.name for label in export.schema.labels if label.type.value in KINDS]
        raise InputError(f"setting 'label': the export writes one classification or "
                         f"multilabel label; choose one of {', '.join(choices) or 'none'}",
                         field="settings.label")
    return labels[0].name, key


def _classes(item: ExportItem, label: str | None, key: str
             ) -> tuple[str, str, list[str] | None]:
    """The task's text, the type of its class region and its classes (None: no region)."""
    text = item.data.get(key)
    if not isinstance(text, str):
        raise fail(f"task {item.task_id}", f"data[{key!r}] is not a text")
    for region in item.regions:
        if region.get("type") in KINDS and (label is None or region.get("label") == label):
            value = region["value"]
            if region["type"] == "classification":
                return text, "classification", [value["class"]]
            return text, "multilabel", list(value["classes"])
    return text, "classification", None


def write_csv(export: Export) -> Iterator[bytes]:
    label, key = _label(export)
    settings = export.options.settings
    separator = settings.get("separator", "|")
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow([settings.get("text_column", "text"), settings.get("label_column", "label")])
    for item in export.items():
        text, _, classes = _classes(item, label, key)
        joinable = (all(separator not in c for c in classes) if separator
                    else len(classes) < 2) if classes else True
        if not joinable:
            raise fail(f"task {item.task_id}", f"the classes {classes} cannot be joined by "
                                               f"the separator {separator!r}")
        out.writerow([text, (separator or "").join(classes or [])])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def write_jsonl(export: Export) -> Iterator[bytes]:
    label, key = _label(export)
    for item in export.items():
        text, kind, classes = _classes(item, label, key)
        line: dict[str, Any] = {"text": text}
        if classes is not None:
            line.update({"labels": classes} if kind == "multilabel" else {"label": classes[0]})
        yield orjson.dumps(line) + b"\n"


FORMATS = (
    Format(name="text_csv", title="Text classification CSV",
           description="text,label per row (multilabel classes joined by |); one text task "
                       "per row, its class a classification or multilabel region.",
           extension=".csv", media_type="text/csv", read=read_csv, write=write_csv,
           modality="text",
           settings={"text_column": "the text column (default text)",
                     "label_column": "the class column (default label)",
                     "separator": "joins multilabel classes in one cell (default |)",
                     "label": "export: the label written, when the schema has several"}),
    Format(name="text_jsonl", title="Text classification JSONL",
           description='{"text", "label"} or {"text", "labels": [...]} per line; one text '
                       "task per line, its class a classification or multilabel region.",
           extension=".jsonl", media_type="application/x-ndjson", read=read_jsonl,
           write=write_jsonl, modality="text",
           settings={"label": "export: the label written, when the schema has several"}),
)
