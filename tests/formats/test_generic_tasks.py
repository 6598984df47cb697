"""CSV and JSONL of task data: rows and lines become tasks with their data as written,
exports are read back by Python's csv module and by us, and bad input is named by line with
nothing stored."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.formats import csv_tasks, data_jsonl
from accord.formats.base import ReadContext
from accord.formats.binding import Binding
from accord.formats.source import FileSource
from strategies import EXAMPLES
from tests.formats.support import Project

SCHEMA = {"data": [{"name": "image", "type": "image"}, {"name": "caption", "type": "text"}],
          "labels": [{"name": "scene", "type": "classification", "source": "image",
                      "classes": [{"name": "day"}, {"name": "night"}]}]}
CSV = ('\ufeffid,image,caption,width,height,code\r\n'
       '17,a.jpg,"two cats, asleep\r\non a ""sofa""",640,480,007\r\n'
       '\r\n'
       '18,b.jpg,,10,20,-3\r\n').encode()


def data(project: Project) -> list[dict]:
    return [r["data"] for r in project.records()]


def test_csv_rows_become_tasks_with_string_data_and_integer_sizes(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        report = project.import_bytes(CSV, "tasks.csv", "csv", {"media_prefix": "s3://b/"})
        assert report["created"] == 2
        assert data(project) == [
            {"image": "s3://b/a.jpg", "caption": 'two cats, asleep\r\non a "sofa"',
             "width": 640, "height": 480, "code": "007"},
            {"image": "s3://b/b.jpg", "width": 10, "height": 20, "code": "-3"}]


def test_csv_numbers_become_numbers_when_asked(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(b"image,score,n,word\na.jpg,0.5,12,1e999\n", "t.csv", "csv",
                             {"settings": {"numbers": "parse"}})
        assert data(project) == [{"image": "a.jpg", "score": 0.5, "n": 12, "word": "1e999"}]


@pytest.mark.parametrize(("content", "message"), [
    (CSV + b"19,c.jpg,x,1\r\n", r"t\.csv, line 6: expected 6 columns as in the header, got 4"),
    (b"image,caption\na.jpg,x\nb.jpg,\"" + b"y" * 200_000 + b"\"\n",
     r"t\.csv, line 3: field larger than field limit"),
    (b"image,width\na.jpg,12.5\n", r"t\.csv, line 2: column 'width': expected a positive"),
    (b"image,image\na.jpg,b.jpg\n", r"t\.csv, line 1: column 'image' is named twice"),
    (b"image,\na.jpg,b\n", r"t\.csv, line 1: column 2 of the header has no name"),
    (b"image\na.jpg\n\xff\n", r"t\.csv: not UTF-8"),
    (b"", r"t\.csv: the file is empty"),
])
def test_a_bad_csv_is_named_by_line(tmp_path, content, message):
    with pytest.raises(InputError, match=message):
        read_bytes(csv_tasks, content, tmp_path, "t.csv")


def test_a_ragged_row_after_good_ones_stores_nothing(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"t\.csv, line 6: expected 6 columns"):
            project.import_bytes(CSV + b"19,c.jpg,x,1\r\n", "t.csv", "csv")
        assert project.task_count() == 0


def test_the_csv_export_is_read_by_pythons_csv_module_and_round_trips(tmp_path):
    rows = [{"image": "a.jpg", "caption": "line one\nline, two", "width": 3, "height": 4},
            {"image": "b.jpg", "caption": "=HYPERLINK(\"x\")", "extra": "@me"}]
    with Project(tmp_path / "one", SCHEMA) as project:
        project.import_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows), "d.jsonl",
                             "data_jsonl")
        exported = project.export_bytes("csv")
        plain = project.export_bytes("csv", {"settings": {"escape_formulas": "off"}})
        ids = [r["id"] for r in project.records()]
    peer = list(csv.DictReader(io.StringIO(exported.decode(), newline="")))
    assert list(peer[0]) == ["id", "image", "caption", "width", "height", "extra"]
    assert [r["id"] for r in peer] == [str(i) for i in ids]
    assert peer[0]["caption"] == "line one\nline, two" and peer[0]["width"] == "3"
    assert (peer[1]["caption"], peer[1]["extra"]) == ("'=HYPERLINK(\"x\")", "'@me")
    assert list(csv.DictReader(io.StringIO(plain.decode(), newline="")))[1]["extra"] == "@me"
    with Project(tmp_path / "two", SCHEMA) as again:
        again.import_bytes(plain, "export.csv", "csv")
        assert data(again) == rows  # the id column is ours: not data


def test_data_jsonl_lines_are_task_data(tmp_path):
    lines = (b'{"image": "a.jpg", "caption": "x", "meta": {"k": [1, 2]}}\n\n'
             b'{"image": "b.jpg", "width": 4, "height": 3}\r\n')
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(lines, "d.jsonl", "data_jsonl", {"media_prefix": "imgs/"})
        assert data(project) == [{"image": "imgs/a.jpg", "caption": "x", "meta": {"k": [1, 2]}},
                                 {"image": "imgs/b.jpg", "width": 4, "height": 3}]
        exported = project.export_bytes("data_jsonl")
    assert [orjson.loads(line) for line in exported.splitlines()] == [
        {"image": "imgs/a.jpg", "caption": "x", "meta": {"k": [1, 2]}},
        {"image": "imgs/b.jpg", "width": 4, "height": 3}]
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_bytes(exported, "e.jsonl", "data_jsonl")
        assert data(again) == [orjson.loads(line) for line in exported.splitlines()]


@pytest.mark.parametrize(("content", "message"), [
    (b'{"image": "a.jpg"}\n["b.jpg"]\n', r"d\.jsonl, line 2: expected a non-empty JSON object"),
    (b'{"image": "a.jpg"}\n\n{"image": \n', r"d\.jsonl, line 3, column \d+: not valid JSON"),
    (b'{}\n', r"d\.jsonl, line 1: expected a non-empty JSON object"),
])
def test_a_bad_data_jsonl_line_is_named(tmp_path, content, message):
    with pytest.raises(InputError, match=message):
        read_bytes(data_jsonl, content, tmp_path, "d.jsonl")


def test_a_bad_data_jsonl_line_after_good_ones_stores_nothing(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"d\.jsonl, line 2: expected a non-empty"):
            project.import_bytes(b'{"image": "a.jpg"}\n"b.jpg"\n', "d.jsonl", "data_jsonl")
        assert project.task_count() == 0


def read_bytes(module, content: bytes, tmp_path, name: str = "f") -> list:
    path = tmp_path / name
    path.write_bytes(content)
    context = ReadContext(schema=None, binding=Binding(None))
    return list(module.read(FileSource(path, name), context))


@EXAMPLES
@given(st.binary(max_size=200) | st.text(alphabet=',"\r\n\ufeffab1=', max_size=60).map(
    str.encode), st.sampled_from([csv_tasks, data_jsonl]))
def test_any_bytes_raise_only_input_errors(tmp_path_factory, content, module):
    try:
        read_bytes(module, content, tmp_path_factory.mktemp("fuzz"))
    except InputError:
        pass
