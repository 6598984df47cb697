"""Tasks from a CSV file: a header row, then one task per row whose data are the columns.
docs/formats/generic.md says how values are typed and what an export escapes.

    image,caption,width,height
    a.jpg,"two cats, asleep",640,480     → {"image": "a.jpg", "caption": "two cats, asleep",
                                            "width": 640, "height": 480}
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from accord.core.schema import DataType, Schema
from accord.formats._csv import csv_reader
from accord.formats.base import Export, Format, ReadContext, fail
from accord.formats.source import Source

SIZE_COLUMNS = ("width", "height")
#: the column an export writes the task id to; an import leaves it out of the data
ID_COLUMN = "id"
#: a spreadsheet runs a cell starting with one of these as a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_INTEGER = re.compile(r"[-+]?\d{1,18}")
_FLOAT = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")
MEDIA_TYPES = (DataType.IMAGE, DataType.AUDIO, DataType.VIDEO)


def media_keys(schema: Schema | None) -> set[str]:
    """The data keys holding media names (which the media prefix applies to)."""
    if schema is None:
        return {"image", "audio", "video"}
    return {d.source or d.name for d in schema.data if d.type in MEDIA_TYPES}


def with_media_prefix(data: dict[str, Any], context: ReadContext) -> dict[str, Any]:
    if not context.options.media_prefix:
        return data
    keys = media_keys(context.schema)
    return {k: context.media(v) if k in keys and isinstance(v, str) and v else v
            for k, v in data.items()}


# -- reading -------------------------------------------------------------------------------

def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `.csv` file of the source (the file itself when it is one), in path order."""
    numbers = context.setting("numbers", "strings", ("strings", "parse"))
    keep_id = context.schema is not None and ID_COLUMN in {
        d.source or d.name for d in context.schema.data}
    paths = source.paths() if len(source.paths()) == 1 else source.only(".csv")
    for path in paths:
        name = source.where(path)
        with source.open(path) as stream, csv_reader(stream, name) as rows:
            header = _header(next(rows, None), name)
            line = rows.line_num + 1
            for row in rows:
                where = f"{name}, line {line}"
                line = rows.line_num + 1
                if not any(row):
                    continue  # a blank line, or one of empty cells only
                if len(row) != len(header):
                    raise fail(where, f"expected {len(header)} columns as in the header, got "
                                      f"{len(row)}")
                data = _data(header, row, where, numbers, keep_id)
                yield where, {"data": with_media_prefix(data, context)}


def _header(row: list[str] | None, name: str) -> list[str]:
    where = f"{name}, line 1"
    if not row:
        raise fail(name, "the file is empty (expected a header row)")
    seen: set[str] = set()
    for index, column in enumerate(row, start=1):
        if not column.strip():
            raise fail(where, f"column {index} of the header has no name")
        if column in seen:
            raise fail(where, f"column {column!r} is named twice in the header")
        seen.add(column)
    return row


def _data(header: list[str], row: list[str], where: str, numbers: str, keep_id: bool
          ) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for column, cell in zip(header, row, strict=True):
        if cell == "" or (column == ID_COLUMN and not keep_id):
            continue
        if column in SIZE_COLUMNS:
            if not _INTEGER.fullmatch(cell.strip()) or int(cell) <= 0:
                raise fail(where, f"column {column!r}: expected a positive whole number, got "
                                  f"{cell[:40]!r}")
            data[column] = int(cell)
        elif numbers == "parse":
            data[column] = _number(cell)
        else:
            data[column] = cell
    return data


def _number(cell: str) -> Any:
    if _INTEGER.fullmatch(cell):
        return int(cell)
    if _FLOAT.fullmatch(cell) and math.isfinite(float(cell)):
        return float(cell)
    return cell


# -- writing -------------------------------------------------------------------------------

def write(export: Export) -> Iterator[bytes]:
    """`id` and the data keys (the schema's fields first, then others as first seen: one
    pass to find them), then a row per task in task order."""
    escape = export.options.settings.get("escape_formulas", "on") != "off"
    keys = [d.source or d.name for d in export.schema.data] if export.schema else []
    keys = list(dict.fromkeys(keys))
    for item in export.items():
        keys += [k for k in item.data if k not in keys]
    header = ([] if ID_COLUMN in keys else [ID_COLUMN]) + keys
    yield _row(header)
    for item in export.items():
        values = {ID_COLUMN: item.task_id, **item.data}
        yield _row([_cell(values.get(k), escape) for k in header])


def _row(cells: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().encode()


def _cell(value: Any, escape: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping | list):
        return orjson.dumps(value).decode()
    text = str(value)
    return f"'{text}" if escape and text.startswith(FORMULA_STARTS) else text


FORMAT = Format(
    name="csv", title="CSV of tasks",
    description="A header row and one task per row; the columns are the task's data "
                "(media names, text, metadata).",
    extension=".csv", media_type="text/csv", read=read, write=write, carries=("tasks",),
    settings={"numbers": "import: strings (default) or parse (cells that are numbers "
                         "become numbers)",
              "escape_formulas": "export: on (default) puts ' before cells starting with "
                                 "= + - @, tab or CR; off writes them as they are"})
