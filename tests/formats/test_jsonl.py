"""JSON Lines errors name the line and the column where the record goes wrong."""

from __future__ import annotations

import io

import pytest

from accord.core.errors import InputError
from accord.core.task_records import parse_task_record
from accord.formats import jsonl
from accord.formats.base import ReadContext
from accord.formats.binding import Binding
from accord.formats.jsonl import read_records
from accord.formats.source import open_source


@pytest.mark.parametrize(("text", "line", "column"), [
    (b'{"data": {}}\n{"data": {"a": 1}\n', 2, 18),     # cut short: placed at its end
    (b'{"data": {}}\r\n{"data": x}\r\n', 2, 10),        # a bad value, CRLF line breaks
    (b'\n{"data": {}}\n{"data": {}', 3, 12),            # the last line, without a break
])
def test_a_malformed_line_is_named_by_line_and_column(text: bytes, line: int, column: int):
    with pytest.raises(InputError) as caught:
        list(read_records(io.BytesIO(text), "tasks.jsonl"))
    assert caught.value.message.startswith(f"tasks.jsonl, line {line}, column {column}: "
                                           "not valid JSON")
    assert (caught.value.details["line"], caught.value.details["column"]) == (line, column)


def test_blank_lines_are_skipped_and_records_keep_their_line():
    found = list(read_records(io.BytesIO(b'{"data": {}}\n\n{"data": {"b": 2}}\r\n'), "t.jsonl"))
    assert found == [("t.jsonl, line 1", {"data": {}}), ("t.jsonl, line 3", {"data": {"b": 2}})]


@pytest.mark.parametrize("line", [b"0", b"[1, 2]", b'"text"', b"null"])
def test_a_line_that_is_not_a_task_object_is_named(tmp_path, line: bytes):
    path = tmp_path / "tasks.jsonl"
    path.write_bytes(b'{"data": {"image": "a.png"}}\n' + line + b"\n")
    with open_source(path) as source, pytest.raises(
            InputError, match=r"tasks.jsonl, line 2: expected a task object"):
        list(jsonl.read(source, ReadContext(None, Binding(None))))


@pytest.mark.parametrize("value", [[], {}, ["submitted"], 1, None])
def test_an_answers_status_or_stage_that_is_not_a_name_is_named(value):
    for key in ("status", "stage"):
        with pytest.raises(InputError, match=rf"annotations\[0\]\.{key}: expected one of "):
            parse_task_record({"data": {}, "annotations": [{"regions": [], key: value}]})
