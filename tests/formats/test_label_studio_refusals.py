"""Label Studio JSON, the reader's edges: malformed JSON and wrong results stop the import at
the task (with byte and line for JSON) and store nothing, results without an Accord form are
refused by position, older shapes (completions, parentID, left relations) are read, the
first task comes before the file is read; an export refuses regions it cannot place, schemas
without a Label Studio control are refused by name; the splitter and the reader are fuzzed."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.label_studio_config import label_studio_from_schema, schema_from_label_studio
from accord.core.schema import parse_schema
from accord.formats._json_array import split_array
from accord.formats.base import ReadContext
from accord.formats.binding import Binding
from accord.formats.label_studio import read
from accord.formats.source import FileSource
from tests.formats.support import Project
from tests.formats.test_label_studio import (
    AUDIO_CONFIG,
    BARE_CONFIG,
    IMAGE_CONFIG,
    TEXT_CONFIG,
    VIDEO_CONFIG,
    image_task,
    import_tasks,
    make_project,
    text_free_image_task,
)
from tests.strategies import EXAMPLES


@pytest.mark.parametrize("config", [IMAGE_CONFIG, TEXT_CONFIG, AUDIO_CONFIG, VIDEO_CONFIG,
                                    BARE_CONFIG])
def test_a_schema_gives_back_the_label_studio_config_it_came_from(config: str):
    schema = schema_from_label_studio(config)
    assert schema_from_label_studio(label_studio_from_schema(schema)) == schema


@pytest.mark.parametrize(("label", "message"), [
    ({"name": "lanes", "type": "polyline", "source": "image", "classes": [{"name": "lane"}]},
     "Label Studio has no control for polyline labels"),
    ({"name": "stars", "type": "rating", "source": "image", "scale": {"min": 0, "max": 3}},
     "Label Studio ratings start at 1"),
    ({"name": "pose", "type": "keypoints", "source": "image",
      "classes": [{"name": "person", "keypoints": ["nose", "eye"]}]},
     "a class needs one keypoint of its own name"),
    ({"name": "kind", "type": "classification", "source": "meta",
      "classes": [{"name": "a"}]}, "is metadata"),
])
def test_labels_without_a_label_studio_control_are_refused(label: dict[str, Any], message: str):
    schema = {"data": [{"name": "image", "type": "image"}, {"name": "meta", "type": "metadata"}],
              "labels": [label]}
    with pytest.raises(InputError, match=message):
        label_studio_from_schema(schema)


def test_a_schema_without_a_label_for_from_name_is_refused_with_nothing_stored(
        tmp_path: Path):
    with make_project(tmp_path, TEXT_CONFIG) as project:
        with pytest.raises(InputError, match=r"export.json, task 0 \(id 101\), annotation 0, "
                                             r"result 0: from_name 'objects' is not a label"):
            import_tasks(project, [image_task()])
        assert project.task_count() == 0


@pytest.fixture(scope="module")
def image_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One project for the refused imports: each must leave it empty."""
    with make_project(tmp_path_factory.mktemp("refused"), IMAGE_CONFIG) as project:
        yield project


def broken(change: str) -> list[dict[str, Any]]:
    task = image_task()
    results = task["annotations"][0]["result"]
    if change == "percent":
        results[0]["value"]["x"] = 100.5
    elif change == "polygon":
        results[2]["value"]["points"] = [[1, 1], [2, 2]]
    elif change == "from_name":
        results[0]["from_name"] = "boxes"
    elif change == "no size":
        for result in results:
            result.pop("original_width", None)
            result.pop("original_height", None)
    return [text_free_image_task(), task]


@pytest.mark.parametrize(("change", "message"), [
    ("percent", r"task 1 \(id 101\), annotation 0, result 0: value.x: 100.5 is not a "
                r"percentage"),
    ("polygon", r"task 1 \(id 101\), annotation 0, result 2: a polygon needs at least 3 "
                r"points, got 2"),
    ("from_name", r"task 1 \(id 101\), annotation 0, result 0: from_name 'boxes' is not a "
                  r"label of the project's schema"),
    ("no size", r"task 1 \(id 101\), annotation 0, result 0: percent coordinates need the "
                r"image size"),
])
def test_a_wrong_result_names_its_task_and_nothing_is_stored(image_project: Project,
                                                             change: str, message: str):
    with pytest.raises(InputError, match=message):
        import_tasks(image_project, broken(change))
    assert image_project.task_count() == 0


@pytest.mark.parametrize(("content", "message"), [
    (b'[{"image": "a.jpg"},\n {"image": "b\xc3\xa9.jpg", }]', r"task 1: not valid JSON .* at "
                                                            r"byte 41, line 2"),  # the comma
    (b'[{"image": "a.jpg"}, {"image": "b.jpg"}', r"byte 39 \(line 1\): the document is cut "
                                                 r"short in task 1"),
    (b'[{"image": "a.jpg"}, {"image": "b.', r"cut short in task 1"),
    (b'{"image": "a.jpg"} {"image": "b.jpg"}', r"byte 19 \(line 1\): unexpected b'\{' after "),
    (b'[{"image": "a.jpg"}, 7]', r"task 1: expected a task object, got int"),
    (b'"tasks"', r"expected a JSON array of tasks \(or one task object\)"),
])
def test_malformed_json_is_named_by_task_and_byte_and_nothing_is_stored(
        image_project: Project, content: bytes, message: str):
    with pytest.raises(InputError, match=message):
        image_project.import_bytes(content, "export.json", "label_studio")
    assert image_project.task_count() == 0


def test_an_export_refuses_a_region_whose_image_size_is_unknown(tmp_path: Path):
    with make_project(tmp_path, IMAGE_CONFIG) as project:
        gold = [{"id": "g1", "label": "objects", "type": "bbox",
                 "value": {"class": "car", "x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0}}]
        project.import_bytes(orjson.dumps({"data": {"image": "nowhere.jpg"}, "gold": gold}),
                             "t.jsonl", "jsonl")
        with pytest.raises(InputError, match=r"task \d+, region 'g1': Label Studio needs the "
                                             "image size"):
            project.export_bytes("label_studio")


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(
        st.text(alphabet=st.sampled_from('k"\\]}'), max_size=3), inner, max_size=3)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from('ab"\\[]{},\n é😀')), _nested, max_leaves=8)


@EXAMPLES
@given(st.lists(json_values, max_size=5), st.integers(1, 7), st.booleans())
def test_the_splitter_yields_each_element_whatever_the_chunks(elements: list[Any],
                                                               chunk: int, indent: bool):
    document = json.dumps(elements, indent=2 if indent else None, ensure_ascii=False).encode()
    found = list(split_array(io.BytesIO(document), "t.json", chunk_bytes=chunk))
    assert [orjson.loads(e.data) for e in found] == elements
    for element in found:
        assert document[element.offset:].startswith(element.data)
        assert document[:element.offset].count(b"\n") + 1 == element.line


@EXAMPLES
@given(st.data())
def test_the_reader_raises_only_input_errors_on_mutated_exports(tmp_path_factory, data):
    document = orjson.dumps([image_task(), text_free_image_task()])
    cut = data.draw(st.integers(0, len(document)))
    junk = data.draw(st.binary(max_size=4))
    mutated = data.draw(st.sampled_from([
        document[:cut], document[:cut] + junk + document[cut:],
        document[:cut] + document[cut + 1:]]))
    path = tmp_path_factory.mktemp("fuzz") / "export.json"
    path.write_bytes(mutated)
    context = ReadContext(schema=SCHEMA, binding=Binding(SCHEMA))
    try:
        for _ in read(FileSource(path, "export.json"), context):
            pass
    except InputError:
        pass


@EXAMPLES
@given(st.data())
def test_the_reader_raises_only_input_errors_on_wrong_values(tmp_path_factory, data):
    task = image_task()
    result = data.draw(st.sampled_from(task["annotations"][0]["result"]))
    key = data.draw(st.sampled_from(sorted(result) + sorted(result.get("value", {}))))
    odd = data.draw(st.none() | st.integers(-5, 500) | st.text(max_size=3)
                    | st.lists(st.integers(0, 300), max_size=3) | st.just(math.inf))
    (result if key in result else result["value"])[key] = odd
    path = tmp_path_factory.mktemp("fuzz") / "export.json"
    path.write_bytes(json.dumps([task]).encode())  # inf as Infinity: not JSON, refused
    context = ReadContext(schema=SCHEMA, binding=Binding(SCHEMA))
    try:
        list(read(FileSource(path, "export.json"), context))
    except InputError:
        pass


SCHEMA = parse_schema(schema_from_label_studio(IMAGE_CONFIG))


@pytest.mark.parametrize(("field", "label", "value", "message"), [
    ("image", {"name": "lanes", "type": "polyline", "classes": [{"name": "lane"}]},
     {"class": "lane", "points": [[1.0, 1.0], [5.0, 5.0]]},
     "Label Studio has no result type for polyline regions"),
    ("html", {"name": "ner", "type": "span", "classes": [{"name": "PER"}]},
     {"class": "PER", "start": 0, "end": 3}, "spans on HTML need Label Studio's XPath"),
])
def test_an_export_refuses_regions_label_studio_cannot_hold(
        tmp_path: Path, field: str, label: dict[str, Any], value: dict[str, Any], message: str):
    schema = {"data": [{"name": "page", "type": field}],
              "labels": [label | {"source": "page"}]}
    region = {"id": "r1", "label": label["name"], "type": label["type"], "value": value}
    with Project(tmp_path, schema) as project:
        project.import_bytes(orjson.dumps({"data": {"page": "Ann <b>x</b>", "width": 9,
                                                    "height": 9}, "gold": [region]}),
                             "t.jsonl", "jsonl")
        with pytest.raises(InputError, match=rf"task \d+, region 'r1': {message}"):
            project.export_bytes("label_studio")


def read_tasks(tmp_path: Path, tasks: Any) -> list[dict[str, Any]]:
    path = tmp_path / "export.json"
    path.write_bytes(orjson.dumps(tasks))
    context = ReadContext(schema=SCHEMA, binding=Binding(SCHEMA))
    return [record for _, record in read(FileSource(path, "export.json"), context)]


def shape(id_: str, **extra: Any) -> dict[str, Any]:
    return {"id": id_, "type": "rectanglelabels", "from_name": "objects", "to_name": "image",
            "original_width": 100, "original_height": 100,
            "value": {"x": 1, "y": 2, "width": 3, "height": 4, "rectanglelabels": ["car"]}
            } | extra


def test_old_completions_parent_ids_and_left_relations_are_read(tmp_path: Path):
    results = [shape("a"), shape("b"),
               {"id": "n1", "type": "textarea", "from_name": "plate", "to_name": "image",
                "parentID": "b", "value": {"text": ["XY 1"]}},
               {"from_id": "a", "to_id": "b", "type": "relation", "direction": "left",
                "labels": []}]
    (record,) = read_tasks(tmp_path, [{"data": {"image": "a.jpg"},
                                       "completions": [{"result": results}]}])
    regions = {r["id"]: r for r in record["annotations"][0]["regions"]}
    assert regions["n1"]["value"] == {"text": "XY 1", "region": "b"}
    assert regions["relation-1"]["value"] == {"from": "b", "to": "a"}
    assert record["data"] == {"image": "a.jpg", "width": 100, "height": 100}


@pytest.mark.parametrize(("result", "message"), [
    (shape("a", image_rotation=90), "results on a rotated image are not supported"),
    ({"id": "t", "type": "ellipselabels", "from_name": "objects", "to_name": "image",
      "value": {"x": 1, "y": 2, "radiusX": 3, "radiusY": 4, "ellipselabels": ["car"]}},
     "result type 'ellipselabels' is not supported"),
    ({"id": "a", "type": "choices", "from_name": "quality", "to_name": "image",
      "value": {"choices": ["good"]}}, "per-region choices are not supported"),
    ({"from_id": "a", "to_id": "zz", "type": "relation"}, "to_id 'zz' names no region"),
    ({"from_id": "a", "to_id": "a", "type": "relation", "direction": "bi"},
     "only one-way relations"),
    (shape("b", original_width=200), "original size 200 × 100 differs from the task's"),
    (shape("b") | {"value": {"x": 1, "y": 2, "width": 3, "height": 4,
                             "rectanglelabels": ["car", "bus"]}}, "expected one class name"),
])
def test_results_without_an_accord_form_are_refused_by_position(tmp_path: Path,
                                                                result: dict[str, Any],
                                                                message: str):
    task = {"id": 9, "data": {"image": "a.jpg"},
            "annotations": [{"result": [shape("a"), result]}]}
    with pytest.raises(InputError, match=rf"export.json, task 0 \(id 9\), annotation 0, "
                                         rf"result 1: .*{message}"):
        read_tasks(tmp_path, [task])


def test_the_reader_yields_the_first_task_before_the_file_is_read(tmp_path: Path):
    path = tmp_path / "big.json"
    path.write_bytes(orjson.dumps([{"image": f"{i}.jpg", "note": "x" * 500}
                                   for i in range(4000)]))
    handles = []

    def wrap(handle):
        handles.append(handle)
        return handle

    records = read(FileSource(path, "big.json", wrap), ReadContext(None, Binding(None)))
    where, first = next(records)
    assert (where, first["data"]["image"]) == ("big.json, task 0", "0.jpg")
    assert handles[0].tell() < path.stat().st_size / 10  # a chunk read, not the file
    assert sum(1 for _ in records) == 3999
