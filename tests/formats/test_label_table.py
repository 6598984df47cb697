"""Reading `(unit, annotator, label)` records for `accord qa agreement` from CSV and exports."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.agreement import krippendorff_alpha
from accord.core.errors import InputError
from accord.formats.label_table import guess_format, read_label_table
from published_data import KRIPPENDORFF_2011, KRIPPENDORFF_2011_ALPHA, long_form_csv


def krippendorff_csv() -> bytes:
    return long_form_csv(KRIPPENDORFF_2011).encode()


def read(data: bytes, format, label=None, name="file"):
    return read_label_table(io.BytesIO(data), name, format, label)


def test_a_long_form_csv_reproduces_krippendorffs_worked_example_at_every_level():
    table = read(krippendorff_csv(), "csv")
    assert len(table.records) == 48 and table.annotators == ("A", "B", "C", "D")
    for level, value in KRIPPENDORFF_2011_ALPHA.items():
        assert krippendorff_alpha(table.records, level=level).value == pytest.approx(
            value, abs=5e-4)


def test_csv_labels_stay_strings_when_any_is_not_a_number():
    table = read(b"unit,annotator,label\n1,ann,cat\n1,bob,3\n2,ann,\n", "csv")
    assert table.records == (("1", "ann", "cat"), ("1", "bob", "3"), ("2", "ann", None))


def test_csv_columns_may_come_in_any_order_among_others():
    table = read(b"label,note,annotator,unit\nyes,x,ann,1\nno,y,bob,1\n", "csv")
    assert table.records == (("1", "ann", "yes"), ("1", "bob", "no"))


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"item,rater,value\n1,a,b\n", "line 1: the header lacks unit, annotator, label"),
    (b"unit,annotator,label\n1,ann\n", "line 2: expected at least 3 columns, got 2"),
    (b"unit,annotator,label\n,ann,yes\n", "line 2: the unit and annotator must not be empty"),
    (b"unit,annotator,label\n1,\xff,yes\n", "not UTF-8"),
])
def test_a_bad_csv_is_refused_naming_the_line(data, message):
    with pytest.raises(InputError, match=message):
        read(data, "csv", name="labels.csv")


def accord_export() -> bytes:
    def scene(cls):
        return {"id": "s", "label": "scene", "type": "classification", "value": {"class": cls}}

    def topics(*classes):
        return {"id": "t", "label": "topics", "type": "multilabel",
                "value": {"classes": list(classes)}}

    tasks = [
        {"id": 1, "data": {}, "annotations": [
            {"id": 10, "author": "ann@x", "regions": [scene("day"), topics("a", "b")]},
            {"id": 11, "author": "bob@x", "regions": [scene("night")]},
            {"id": 12, "author": "cy@x", "status": "rejected", "regions": [scene("day")]},
            {"id": 16, "author": "dee@x", "status": "draft", "regions": [scene("day")]}]},
        {"id": 2, "data": {}, "annotations": [
            {"id": 13, "author": "ann@x", "regions": [scene("day")]},
            {"id": 14, "author": "ann@x", "regions": [scene("night"), topics("b")]},
            {"id": 15, "author": "rev@x", "stage": "review", "regions": [scene("dusk")]}]},
        {"id": 3, "data": {}},
    ]
    return b"".join(json.dumps(t).encode() + b"\n" for t in tasks)


def test_an_accord_export_gives_one_label_with_each_annotators_latest_answer():
    table = read(accord_export(), "accord-jsonl", label="scene")
    assert table.label == "scene" and not table.multilabel
    assert table.records == ((1, "ann@x", "day"), (1, "bob@x", "night"), (1, "cy@x", "day"),
                             (2, "ann@x", "night"))


def test_a_multilabel_label_reads_as_sets_and_absent_work_as_missing():
    table = read(accord_export(), "accord-jsonl", label="topics")
    assert table.multilabel
    assert table.records == ((1, "ann@x", ("a", "b")), (1, "bob@x", None), (1, "cy@x", None),
                             (2, "ann@x", ("b",)))


def test_an_export_with_several_labels_needs_label_named():
    with pytest.raises(InputError, match="pass --label .* found: scene, topics"):
        read(accord_export(), "accord-jsonl")
    with pytest.raises(InputError, match="no annotation has the label 'weather'"):
        read(accord_export(), "accord-jsonl", label="weather")


def test_a_broken_export_line_is_named():
    with pytest.raises(InputError, match="export.jsonl, line 2, column 1: not valid JSON"):
        read(b'{"id": 1}\n}\n', "accord-jsonl", name="export.jsonl")


def label_studio_export() -> bytes:
    def choice(*values, name="sentiment"):
        return {"from_name": name, "to_name": "text", "type": "choices",
                "value": {"choices": list(values)}}

    return json.dumps([
        {"id": 7, "data": {"text": "good"}, "annotations": [
            {"id": 1, "completed_by": 1, "result": [choice("Positive")]},
            {"id": 2, "completed_by": {"id": 2, "email": "bob@x"}, "result": [choice("Negative")]},
            {"id": 3, "completed_by": 3, "was_cancelled": True, "result": [choice("Neutral")]}]},
        {"id": 8, "data": {"text": "bad"}, "annotations": [
            {"id": 4, "completed_by": 1, "result": [
                choice("Negative"),
                {"from_name": "stars", "to_name": "text", "type": "rating",
                 "value": {"rating": 2}}]}]},
    ]).encode()


def test_a_label_studio_export_reads_choices_and_ratings_by_control_name():
    table = read(label_studio_export(), "label-studio", label="sentiment")
    assert table.records == ((7, "user 1", "Positive"), (7, "bob@x", "Negative"),
                             (8, "user 1", "Negative"))
    stars = read(label_studio_export(), "label-studio", label="stars")
    assert stars.records == ((7, "user 1", None), (7, "bob@x", None), (8, "user 1", 2))


def test_a_label_studio_export_that_is_not_json_is_refused_with_the_position():
    with pytest.raises(InputError, match="ls.json, line 1, column 2: not valid JSON"):
        read(b"[}", "label-studio", name="ls.json")


@pytest.mark.parametrize(("name", "format"), [
    ("a.csv", "csv"), ("a.jsonl", "accord-jsonl"), ("a.json", "label-studio")])
def test_the_format_follows_the_extension(name, format, tmp_path):
    assert guess_format(tmp_path / name) == format


def test_an_unknown_extension_asks_for_the_format(tmp_path):
    with pytest.raises(InputError, match="pass --format"):
        guess_format(tmp_path / "labels.txt")


@pytest.mark.parametrize("format", ["csv", "accord-jsonl", "label-studio"])
@settings(max_examples=200, deadline=None)
@given(data=st.one_of(
    st.binary(max_size=300),
    st.lists(st.text(max_size=20), max_size=8).map(lambda cells: ",".join(cells).encode()),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                 lambda inner: st.lists(inner, max_size=4)
                 | st.dictionaries(st.sampled_from(
                     ["id", "annotations", "result", "regions", "value", "type", "label",
                      "from_name", "choices", "class", "author", "completed_by", "status"]),
                     inner, max_size=5), max_leaves=20).map(lambda v: json.dumps(v).encode())))
def test_any_input_gives_records_or_an_input_error_never_a_crash(format, data):
    try:
        table = read(data, format, name="fuzz")
    except InputError as exc:
        assert exc.message.strip()
    else:
        assert all(len(record) == 3 for record in table.records)


def test_a_unit_or_annotator_that_is_not_a_name_is_refused():
    ls = json.dumps([{"id": [1], "annotations": [{"completed_by": 1, "result": [
        {"from_name": "x", "type": "choices", "value": {"choices": ["a"]}}]}]}]).encode()
    with pytest.raises(InputError, match=r"task 0.id: expected a string or a whole number"):
        read(ls, "label-studio")
    accord = json.dumps({"id": 1, "annotations": [{"author": {"e": 1}, "regions": []}]})
    with pytest.raises(InputError, match=r"line 1: annotations\[0\].author: expected a string"):
        read(accord.encode(), "accord-jsonl")
