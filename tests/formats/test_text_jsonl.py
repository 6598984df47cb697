"""Texts with character spans (Prodigy, doccano, spaCy shapes) and texts with classes (CSV,
JSONL): what is imported, exports that read back the same, errors named by line."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.formats import spans_jsonl, text_classes
from accord.formats.base import ImportOptions, ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from strategies import EXAMPLES
from tests.formats.support import Project

SPAN_SCHEMA = {"data": [{"name": "text", "type": "text"}],
               "labels": [{"name": "entities", "type": "span", "source": "text",
                           "classes": [{"name": "PER"}, {"name": "LOC"}]}]}
TEXT = "Ann flew to Zürich with Bob"
SHAPES = {
    "prodigy": {"text": TEXT, "spans": [
        {"start": 0, "end": 3, "label": "PER", "token_start": 0, "token_end": 0},
        {"start": 12, "end": 18, "label": "LOC"}, {"start": 24, "end": 27, "label": "PER"}],
        "_input_hash": 1, "answer": "accept"},
    "doccano": {"id": 7, "text": TEXT, "label": [[0, 3, "PER"], [12, 18, "LOC"],
                                                 [24, 27, "PER"]]},
    "spacy": {"text": TEXT, "entities": [[0, 3, "PER"], [12, 18, "LOC"], [24, 27, "PER"]]},
    "doccano 1.x": {"id": 8, "text": TEXT, "relations": [], "entities": [
        {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 3},
        {"id": 2, "label": "LOC", "start_offset": 12, "end_offset": 18},
        {"id": 3, "label": "PER", "start_offset": 24, "end_offset": 27}]},
}


def lines(*items) -> bytes:
    return b"".join(json.dumps(item, ensure_ascii=False).encode() + b"\n" for item in items)


def values(record):
    return [r["value"] for r in record["annotations"][0]["regions"]]


def test_the_three_shapes_give_the_same_spans():
    found = [read_all(spans_jsonl.read, lines(SHAPES[shape]))[0][1] for shape in sorted(SHAPES)]
    assert all(record == found[0] for record in found) and values(found[0])[1] == {
        "class": "LOC", "start": 12, "end": 18}


def test_spans_import_and_export_in_prodigys_shape(tmp_path):
    with Project(tmp_path, SPAN_SCHEMA) as project:
        project.import_bytes(lines(SHAPES["doccano"], {"text": "no spans here"}), "a.jsonl",
                             "spans_jsonl")
        first, second = project.records()
        exported = project.export_bytes("spans_jsonl")
    assert first["data"] == {"text": TEXT}
    assert values(first) == [{"class": "PER", "start": 0, "end": 3},
                             {"class": "LOC", "start": 12, "end": 18},
                             {"class": "PER", "start": 24, "end": 27}]
    assert TEXT[12:18] == "Zürich" and "annotations" not in second
    assert exported.decode().splitlines() == [
        json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 3, "label": "PER"},
                                            {"start": 12, "end": 18, "label": "LOC"},
                                            {"start": 24, "end": 27, "label": "PER"}]},
                   ensure_ascii=False, separators=(",", ":")),
        '{"text":"no spans here","spans":[]}']
    with Project(tmp_path / "again", SPAN_SCHEMA) as again:
        again.import_bytes(exported, "b.jsonl", "spans_jsonl")
        assert values(again.records()[0]) == values(first)


@pytest.mark.parametrize(("line", "message"), [
    ({"text": "Ann", "spans": [{"start": 0, "end": 4, "label": "PER"}]},
     r"a.jsonl, line 2, spans\[0\]: the span 0–4 is not within the text \(0–3\)"),
    ({"text": "Ann", "label": [[2, 2, "PER"]]}, r"line 2, label\[0\]: the span 2–2 .* does "
                                                "not end after it starts"),
    ({"text": "Ann", "entities": [[0, "3", "PER"]]}, r"line 2, entities\[0\]: start and end "
                                                     "must be whole numbers, got 0 and '3'"),
    ({"text": "Ann", "label": ["positive"]}, r"label\[0\]: expected \[start, end, label\]"),
    ({"text": "Ann", "spans": [{"start": 0, "end": 3}]}, r"spans\[0\]: the label must be"),
    ({"text": "Ann", "spans": [], "entities": []}, r"line 2: the line has both 'spans' and "
                                                   "'entities'"),
    ({"spans": []}, r"line 2: expected an object with a \"text\" string"),
])
def test_a_bad_span_is_named_by_line(line, message):
    with pytest.raises(InputError, match=message):
        read_all(spans_jsonl.read, lines(SHAPES["prodigy"], line), name="a.jsonl")


def test_after_a_bad_span_nothing_is_stored(tmp_path):
    with Project(tmp_path, SPAN_SCHEMA) as project:
        with pytest.raises(InputError, match=r"a.jsonl, line 2: .*no class 'ORG'"):
            project.import_bytes(lines(SHAPES["prodigy"], {"text": "Ann", "spans": [
                {"start": 0, "end": 3, "label": "ORG"}]}), "a.jsonl", "spans_jsonl")
        with pytest.raises(InputError, match=r"a.jsonl, line 2, spans\[0\]: the span 0–4"):
            project.import_bytes(lines(SHAPES["prodigy"], {"text": "Ann", "spans": [
                {"start": 0, "end": 4, "label": "PER"}]}), "a.jsonl", "spans_jsonl")
        assert project.task_count() == 0


CLASS_SCHEMA = {"data": [{"name": "review", "type": "text"}],
                "labels": [{"name": "sentiment", "type": "classification", "source": "review",
                            "classes": [{"name": "pos"}, {"name": "neg"}]}]}
MULTI_SCHEMA = {"data": [{"name": "review", "type": "text"}],
                "labels": [{"name": "topics", "type": "multilabel", "source": "review",
                            "classes": [{"name": n} for n in ("price", "delivery", "taste")]}]}
CLASS_CSV = b'text,label\nGreat value,pos\n"Cold, late\nand wet",neg\nNo opinion,\n'
MULTI_CSV = b"text,label\nCheap but late,price|delivery\nTasty,taste\n"


def regions(record):
    return [(r["type"], r["value"]) for r in record.get("annotations", [{}])[0].get(
        "regions", [])]


def test_a_classification_csv_imports_one_class_per_text_and_exports_the_same(tmp_path):
    with Project(tmp_path, CLASS_SCHEMA) as project:
        project.import_bytes(CLASS_CSV, "reviews.csv", "text_csv")
        records = project.records()
        assert [r["data"]["review"] for r in records] == ["Great value", "Cold, late\nand wet",
                                                          "No opinion"]
        assert [regions(r) for r in records] == [[("classification", {"class": "pos"})],
                                                 [("classification", {"class": "neg"})], []]
        assert project.export_bytes("text_csv") == CLASS_CSV
        assert project.export_bytes("text_jsonl").decode().splitlines() == [
            '{"text":"Great value","label":"pos"}', '{"text":"Cold, late\\nand wet","label":'
            '"neg"}', '{"text":"No opinion"}']


def test_a_multilabel_csv_splits_classes_by_the_separator(tmp_path):
    with Project(tmp_path, MULTI_SCHEMA) as project:
        project.import_bytes(MULTI_CSV, "reviews.csv", "text_csv")
        assert [regions(r) for r in project.records()] == [
            [("multilabel", {"classes": ["price", "delivery"]})],
            [("multilabel", {"classes": ["taste"]})]]
        assert project.export_bytes("text_csv") == MULTI_CSV
        assert project.export_bytes("text_csv", {"settings": {"separator": ";"}}) == (
            MULTI_CSV.replace(b"|", b";"))
        jsonl = project.export_bytes("text_jsonl")
    assert jsonl.splitlines()[0] == b'{"text":"Cheap but late","labels":["price","delivery"]}'
    with Project(tmp_path / "again", MULTI_SCHEMA) as again:
        again.import_bytes(jsonl, "r.jsonl", "text_jsonl")
        assert [regions(r)[0][1]["classes"] for r in again.records()] == [
            ["price", "delivery"], ["taste"]]


def test_csv_column_names_come_from_the_settings(tmp_path):
    settings = {"text_column": "body", "label_column": "stars", "separator": ";"}
    with Project(tmp_path, MULTI_SCHEMA) as project:
        project.import_bytes(b"id,body,stars\n1,Too dear,price;taste\n", "r.csv", "text_csv",
                             {"settings": settings})
        assert regions(project.records()[0]) == [("multilabel",
                                                  {"classes": ["price", "taste"]})]


@pytest.mark.parametrize(("fmt", "data", "message"), [
    ("text_csv", b"body,label\nx,pos\n", r"r.csv, line 1: the header lacks text"),
    ("text_csv", b"text,label\nx,pos\ny\n", r"r.csv, line 3: expected 2 columns"),
    ("text_csv", b"text,label\nx,pos|neg\n", r"r.csv, line 2: 2 classes \(pos, neg\) for a "
                                             "classification label"),
    ("text_csv", b"text,label\n\xff,pos\n", r"r.csv: not UTF-8"),
    ("text_csv", b"", r"r.csv: the file is empty"),
    ("text_jsonl", b'{"text": "x", "label": 3}\n', r"r.csv, line 1: expected class names"),
    ("text_jsonl", b'{"text": "x", "label": "pos", "labels": []}\n',
     r"line 1: the line has both"),
    ("text_jsonl", b'{"text": "x"', r"line 1, column \d+: not valid JSON"),
])
def test_a_bad_row_is_named(fmt, data, message):
    read = text_classes.read_csv if fmt == "text_csv" else text_classes.read_jsonl
    with pytest.raises(InputError, match=message):
        read_all(read, data, name="r.csv")


def test_after_a_bad_row_nothing_is_stored(tmp_path):
    with Project(tmp_path, CLASS_SCHEMA) as project:
        with pytest.raises(InputError, match=r"r.csv, line 3: .*no class 'meh'"):
            project.import_bytes(b"text,label\nx,pos\ny,meh\n", "r.csv", "text_csv")
        with pytest.raises(InputError, match=r"r.jsonl, line 2: expected class names"):
            project.import_bytes(b'{"text": "x", "label": "pos"}\n{"text": "y", "label": 3}\n',
                                 "r.jsonl", "text_jsonl")
        assert project.task_count() == 0


def read_all(read, data: bytes, settings=None, name="fuzz.jsonl"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        context = ReadContext(None, Binding(None), ImportOptions(settings=settings or {}))
        with open_source(path) as source:
            return list(read(source, context))


def json_lines():
    leaf = st.none() | st.booleans() | st.integers(-3, 30) | st.text("ab é", max_size=5)
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["text", "spans", "label", "labels", "entities", "start", "end"]),
        inner, max_size=4), max_leaves=12)
    return st.one_of(st.binary(max_size=80),
                     st.lists(value.map(lambda v: json.dumps(v).encode()), max_size=4)
                     .map(b"\n".join))


@EXAMPLES
@given(data=json_lines(), read=st.sampled_from([spans_jsonl.read, text_classes.read_jsonl,
                                                 text_classes.read_csv]))
def test_any_input_gives_tasks_or_an_input_error(data, read):
    try:
        found = read_all(read, data)
    except InputError as exc:
        assert exc.message.startswith("fuzz.jsonl")
    else:
        for _, record in found:
            assert isinstance(record["data"]["text"], str)
