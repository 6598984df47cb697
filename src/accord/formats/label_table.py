"""Categorical labels read from a file as `(unit, annotator, label)` records, for agreement.

`accord qa agreement FILE` takes three shapes of file:

    csv            long form with the header `unit,annotator,label` (other columns are
                   ignored); an empty label is a missing one
    accord-jsonl   an Accord export: one task per line, its annotations' regions
    label-studio   a Label Studio JSON export: a list of tasks with `annotations[].result`

From the two exports one label is read (`label=`, or the only categorical label found):
a classification gives its class, a rating its number, a multi-label choice the tuple of its
classes. An annotator's work on a task without that label counts as missing. As in the
project report, an annotator's answer is their last labeling-stage annotation on the task,
whatever a review made of it (rejected and superseded work is what they did); drafts and
reviewers' work are left out. Errors name the file and the line or task at fault.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from accord.core.agreement import LongForm
from accord.core.errors import InputError
from accord.formats._csv import csv_reader

Format = Literal["csv", "accord-jsonl", "label-studio"]
TABLE_FORMATS: tuple[Format, ...] = ("csv", "accord-jsonl", "label-studio")
CSV_COLUMNS = ("unit", "annotator", "label")
#: Region types and Label Studio result types whose value is one categorical label.
ACCORD_TYPES = {"classification": "class", "rating": "rating", "multilabel": "classes"}
LABEL_STUDIO_TYPES = {"choices": "choices", "rating": "rating", "number": "number",
                      "taxonomy": "taxonomy"}
#: Not an annotator's answer: work in progress.
DROPPED_STATUSES = frozenset({"draft"})

Record = tuple[Hashable, Hashable, Hashable]


@dataclass(frozen=True, slots=True)
class LabelTable:
    records: tuple[Record, ...]
    label: str | None  # which label of the export was read; None for CSV
    multilabel: bool  # labels are tuples of classes

    @property
    def annotators(self) -> tuple[Hashable, ...]:
        return tuple(dict.fromkeys(annotator for _, annotator, _ in self.records))

    def long_form(self) -> LongForm:
        """The records as columns, which the agreement functions read with NumPy."""
        units, annotators, labels = (zip(*self.records, strict=True) if self.records
                                     else ((), (), ()))
        return LongForm(list(units), list(annotators), list(labels))


def guess_format(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "accord-jsonl"
    if suffix == ".json":
        return "label-studio"
    raise InputError(f"{path.name}: cannot tell the format from the extension {suffix!r}; "
                     f"pass --format ({', '.join(TABLE_FORMATS)})", field="format")


def read_label_table(stream: IO[bytes], name: str, format: Format,
                     label: str | None = None) -> LabelTable:
    """The records of one file; `name` is used in error messages."""
    if format == "csv":
        if label is not None:
            raise InputError("--label applies to exports; a CSV holds a single label column",
                             field="label")
        return LabelTable(tuple(_csv_records(stream, name)), None, False)
    if format == "accord-jsonl":
        found = _accord_annotations(stream, name)
    elif format == "label-studio":
        found = _label_studio_annotations(stream, name)
    else:
        raise InputError(f"unknown format {format!r}; available: {', '.join(TABLE_FORMATS)}",
                         field="format")
    return _pick_label(found, name, label)


def _csv_records(stream: IO[bytes], name: str) -> Iterator[Record]:
    with csv_reader(stream, name) as reader:
        header = next(reader, None)
        if header is None:
            raise InputError(f"{name}: the file is empty; expected the header "
                             f"{','.join(CSV_COLUMNS)}", where=name)
        columns = [column.strip().lower() for column in header]
        missing = [c for c in CSV_COLUMNS if c not in columns]
        if missing:
            raise InputError(f"{name}, line 1: the header lacks {', '.join(missing)}; expected "
                             f"the columns {','.join(CSV_COLUMNS)}, got {','.join(header)!r}",
                             where=f"{name}, line 1")
        at_unit, at_annotator, at_label = (columns.index(c) for c in CSV_COLUMNS)
        width = max(at_unit, at_annotator, at_label) + 1
        rows = []
        for row in reader:  # the common case first: a full row, no checks that repeat
            if len(row) >= width:
                unit, annotator = row[at_unit].strip(), row[at_annotator].strip()
                if unit and annotator:
                    rows.append((unit, annotator, row[at_label].strip() or None))
                    continue
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}, line {reader.line_num}"
            if len(row) < width:
                raise InputError(f"{where}: expected at least {width} columns, got {len(row)}",
                                 where=where)
            raise InputError(f"{where}: the unit and annotator must not be empty", where=where)
    return iter(_as_numbers(rows))


def _as_numbers(rows: list[tuple[str, str, str | None]]) -> list[Record]:
    """Numbers stay numbers, so ordinal, interval and ratio levels work on a CSV."""
    try:
        values = {value: _number(value) for value in {row[2] for row in rows} - {None}}
    except ValueError:
        return rows  # type: ignore[return-value]
    return [(unit, annotator, None if value is None else values[value])
            for unit, annotator, value in rows]


def _number(text: str) -> int | float:
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(text)
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() \
        else number


# Both exports are read into (unit, annotator, {label name: value}) and then one label picked.
Found = list[tuple[Hashable, Hashable, dict[str, Hashable]]]


def _accord_annotations(stream: IO[bytes], name: str) -> Found:
    found: Found = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        try:
            task = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{where}, column {exc.colno}: not valid JSON ({exc.msg})",
                             where=where) from None
        if not isinstance(task, dict):
            raise InputError(f"{where}: expected a task object, got {type(task).__name__}",
                             where=where)
        unit = _name(task.get("id", f"line {number}"), f"{where}: id")
        for i, annotation in enumerate(_list(task.get("annotations"), f"{where}: annotations")):
            at = f"{where}: annotations[{i}]"
            if not isinstance(annotation, dict):
                raise InputError(f"{at} should be an object", where=at)
            if annotation.get("status") in DROPPED_STATUSES or \
                    annotation.get("stage", "label") != "label":
                continue
            author = _name(annotation.get("author") or f"annotation {annotation.get('id', i)}",
                           f"{at}.author")
            found.append((unit, author, _accord_values(annotation.get("regions"), at)))
    return found


def _accord_values(regions: Any, where: str) -> dict[str, Hashable]:
    values: dict[str, Hashable] = {}
    for j, region in enumerate(_list(regions, f"{where}.regions")):
        if not isinstance(region, dict) or region.get("type") not in ACCORD_TYPES:
            continue
        value = region.get("value")
        key = ACCORD_TYPES[region["type"]]
        if not isinstance(value, dict) or key not in value:
            raise InputError(f"{where}.regions[{j}].value lacks {key!r}", where=where)
        values[str(region.get("label"))] = _hashable(value[key], f"{where}.regions[{j}]")
    return values


def _label_studio_annotations(stream: IO[bytes], name: str) -> Found:
    try:
        tasks = orjson.loads(stream.read())
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{name}, line {exc.lineno}, column {exc.colno}: not valid JSON "
                         f"({exc.msg})", where=name) from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    found: Found = []
    for t, task in enumerate(_list(tasks, f"{name}: the export")):
        where = f"{name}: task {t}"
        if not isinstance(task, dict):
            raise InputError(f"{where} should be an object", where=where)
        unit = _name(task.get("id", t), f"{where}.id")
        for i, annotation in enumerate(_list(task.get("annotations"), f"{where}.annotations")):
            at = f"{where}.annotations[{i}]"
            if not isinstance(annotation, dict):
                raise InputError(f"{at} should be an object", where=at)
            if annotation.get("was_cancelled"):
                continue
            found.append((unit, _name(_ls_annotator(annotation, i), f"{at}.completed_by"),
                          _ls_values(annotation.get("result"), at)))
    return found


def _ls_annotator(annotation: dict[str, Any], i: int) -> Hashable:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    if who is None:
        return f"annotation {annotation.get('id', i)}"
    return who if isinstance(who, str) else f"user {who}"


def _ls_values(result: Any, where: str) -> dict[str, Hashable]:
    values: dict[str, Hashable] = {}
    for j, item in enumerate(_list(result, f"{where}.result")):
        if not isinstance(item, dict) or item.get("type") not in LABEL_STUDIO_TYPES:
            continue
        key = LABEL_STUDIO_TYPES[item["type"]]
        value = item.get("value")
        if not isinstance(value, dict) or key not in value:
            raise InputError(f"{where}.result[{j}].value lacks {key!r}", where=where)
        raw = value[key]
        if key == "taxonomy":  # a list of paths; each path joined as "a/b"
            raw = ["/".join(map(str, path)) if isinstance(path, list) else path for path in raw]
        if isinstance(raw, list) and len(raw) == 1:
            raw = raw[0]
        values[str(item.get("from_name"))] = _hashable(raw, f"{where}.result[{j}]")
    return values


def _pick_label(found: Found, name: str, label: str | None) -> LabelTable:
    names = list(dict.fromkeys(key for _, _, values in found for key in values))
    if label is None:
        if len(names) != 1:
            listed = ", ".join(names) if names else "none"
            raise InputError(f"{name}: pass --label to say which label to compare; categorical "
                             f"labels found: {listed}", field="label")
        label = names[0]
    elif label not in names:
        raise InputError(f"{name}: no annotation has the label {label!r}; categorical labels "
                         f"found: {', '.join(names) or 'none'}", field="label")
    latest = {(unit, annotator): values.get(label) for unit, annotator, values in found}
    records = tuple((unit, annotator, value) for (unit, annotator), value in latest.items())
    multilabel = any(isinstance(value, tuple) for _, _, value in records)
    if multilabel:
        records = tuple((u, a, v if v is None or isinstance(v, tuple) else (v,))
                        for u, a, v in records)
    return LabelTable(records, label, multilabel)


def _name(value: Any, where: str) -> Hashable:
    """A unit's or annotator's name: a string or a whole number."""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise InputError(f"{where}: expected a string or a whole number, got {value!r:.80}",
                     where=where)


def _hashable(value: Any, where: str) -> Hashable:
    if isinstance(value, list):
        if not all(isinstance(v, (str, int, float)) for v in value):
            raise InputError(f"{where}: expected a list of classes, got {value!r}", where=where)
        return tuple(sorted(set(value), key=str))
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    raise InputError(f"{where}: expected a class, a number or a list of classes, got "
                     f"{value!r}", where=where)


def _list(value: Any, where: str) -> Iterable[Any]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError(f"{where} should be a list, got {type(value).__name__}", where=where)
    return value
