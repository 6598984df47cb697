"""Label Studio JSON, the fast path for plain boxes (formats/_label_studio_boxes.py): whatever
the results, the reader gives what its general path gives (the same regions, the same image
size learnt, the same refusal word for word), and a detection export's boxes do take the
fast path; the array parser gives what the exact splitter gives, whatever the layout."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core import validation
from accord.core._plain_boxes import CheckedBoxes
from accord.core.errors import InputError
from accord.core.label_studio_config import schema_from_label_studio
from accord.core.schema import parse_schema
from accord.formats._json_array import element_value, parse_array, split_array
from accord.formats._label_studio_boxes import _rounded, plain_boxes
from accord.formats._label_studio_read import ResultReader, TaskMedia
from accord.formats.binding import Binding
from tests.formats.test_label_studio import IMAGE_CONFIG
from tests.strategies import EXAMPLES

SCHEMA = parse_schema(schema_from_label_studio(IMAGE_CONFIG))
#: the same boxes under rules: a class left out, minimum sizes, inside the image, counts
RULED = parse_schema({"data": [{"name": "image", "type": "image"}], "labels": [
    {"name": "objects", "type": "bbox", "source": "image", "classes": [{"name": "car"}],
     "rules": {"min_width": 100, "min_height": 50, "inside_image": True, "required": True,
               "max_instances": 2}}]})
NUMBERS = (st.floats(-5, 105) | st.integers(-5, 105) | st.sampled_from(
    [0, 100, 100.0000001, -0.0000001, math.nan, math.inf, True, None, "5", [1]]))


def box(**change: Any) -> dict[str, Any]:
    value = {"x": 10.5, "y": 20, "width": 30.25, "height": 40, "rotation": 0,
             "rectanglelabels": ["car"]}
    item = {"id": "r1", "type": "rectanglelabels", "from_name": "objects",
            "to_name": "image", "original_width": 800, "original_height": 600,
            "image_rotation": 0, "value": value}
    for key, new in change.items():
        target = value if key in value or key in ("labels", "rectangle") else item
        if new is ...:
            target.pop(key, None)
        else:
            target[key] = new
    return item


changes = st.dictionaries(st.sampled_from([
    "x", "y", "width", "height", "rotation", "rectanglelabels", "labels", "id", "type",
    "from_name", "to_name", "original_width", "original_height", "image_rotation", "meta",
    "score", "value"]), NUMBERS | st.just(...) | st.sampled_from([
        "rectangle", "polygonlabels", "objects", "outline", "image", "r1", "", 800, 600,
        ["car"], ["person"], ["bus"], ["car", "person"], [], {"attributes": {"a": 1}},
        {"text": "x"}, 0.5, 2.5, {}]), max_size=3)


def outcome(general: bool, results: Any, data: dict[str, Any], prediction: bool
            ) -> tuple[Any, ...]:
    media = TaskMedia(dict(data), SCHEMA, "t")
    reader = ResultReader(SCHEMA, Binding(SCHEMA), media)
    read = reader.general_regions if general else reader.regions
    try:
        found: Any = read(results, "t, annotation 0", prediction)
    except InputError as error:
        found = str(error)
    return found, media.size, media.learned


@EXAMPLES
@given(st.lists(changes, min_size=1, max_size=3), st.booleans(),
       st.sampled_from([{}, {"width": 800, "height": 600}, {"width": 640, "height": 480}]))
def test_the_fast_path_gives_what_the_general_reader_gives(edits: list[dict[str, Any]],
                                                           prediction: bool,
                                                           data: dict[str, Any]):
    results = [box(**edit) for edit in edits]
    assert outcome(False, results, data, prediction) == outcome(True, results, data,
                                                                prediction)


def test_a_detection_exports_boxes_take_the_fast_path():
    results = [box(), box(id="r2", score=0.5, x=0, width=100), box(id="r1", type="rectangle",
                                                                    rectanglelabels=...,
                                                                    rectangle=["person"])]
    media = TaskMedia({}, SCHEMA, "t")
    found = plain_boxes(results, SCHEMA, media, False)
    assert found is not None and [r["id"] for r in found] == ["r1", "r2", "r1:objects"]
    assert found[0] == {"label": "objects", "type": "bbox", "id": "r1", "value": {
        "class": "car", "x": 84.0, "y": 120.0, "width": 242.0, "height": 240.0}}
    assert media.size == (800, 600) and media.learned
    assert outcome(False, results, {}, False) == outcome(True, results, {}, False)


@EXAMPLES
@given(st.lists(changes, max_size=3), st.booleans(), st.sampled_from([SCHEMA, RULED]),
       st.sampled_from([{}, {"width": 800, "height": 600}, {"width": 640, "height": 480}]))
def test_boxes_come_checked_only_when_validate_finds_no_problem(edits: list[dict[str, Any]],
                                                               prediction: bool, schema: Any,
                                                               data: dict[str, Any]):
    media = TaskMedia(dict(data), schema, "t")
    found = plain_boxes([box(**edit) for edit in edits], schema, media, prediction)
    if found is None:
        return
    info = validation.media_info(schema, {"width": media.size[0], "height": media.size[1]}
                                 if media.size else {})
    full = validation._validate_fully(schema, list(found), info)
    assert validation.validate(schema, found, media=info) == full
    assert isinstance(found, CheckedBoxes) == (not full)


def test_a_detection_exports_boxes_come_checked_and_validate_takes_them_as_they_are():
    media = TaskMedia({}, RULED, "t")
    found = plain_boxes([box(width=15), box(id="r2", y=0, height=10)], RULED, media, False)
    assert isinstance(found, CheckedBoxes) and found.size == (800, 600)
    assert validation.validate(RULED, found, media=validation.MediaInfo(800, 600)) == []
    found.append(dict(found[0], id="r3"))  # three: one more than the label allows
    assert [p.code for p in validation.validate(RULED, found, media=validation.MediaInfo(
        800, 600))] == ["too_many_instances"]
    narrow = plain_boxes([box(width=10)], RULED, TaskMedia({}, RULED, "t"), False)
    assert narrow is not None and not isinstance(narrow, CheckedBoxes)


@pytest.mark.parametrize("edit", [{"rotation": 30}, {"width": -5}, {"meta": {"attributes":
                                                                        {"occluded": True}}},
                                  {"type": "polygonlabels"}, {"x": 95}])
def test_boxes_the_fast_path_does_not_take_go_to_the_general_reader(edit: dict[str, Any]):
    assert plain_boxes([box(**edit)], SCHEMA, TaskMedia({}, SCHEMA, "t"),
                       False) is None


ties = st.builds(lambda k, step, width: (k + 0.5 + step * 1e-7) / 1e6 * width,
                 st.integers(-10**12, 10**12), st.integers(-3, 3), st.sampled_from([1, 3, 7]))


@EXAMPLES
@given(st.floats(allow_nan=False, allow_infinity=False) | st.floats(-1e7, 1e7) | ties
       | st.builds(lambda p, w: p * w / 100, st.floats(0, 100), st.integers(1, 20000)))
def test_pixels_are_rounded_as_round_rounds_them(value: float):
    assert repr(_rounded(value)) == repr(round(value, 6) + 0.0)


def _layouts(elements: list[Any]) -> st.SearchStrategy[bytes]:
    return st.sampled_from([
        orjson.dumps(elements), json.dumps(elements, indent=2).encode(),
        b"[" + b",\n".join(orjson.dumps(e) for e in elements) + b"]\n",
        json.dumps(elements, separators=(", ", ": ")).encode()])


tasks = st.lists(st.builds(lambda n, k: {"data": {"image": f"{n}.jpg", "note": "]},{" * k},
                                         "annotations": [{"result": [box()] * k}]},
                           st.integers(0, 99), st.integers(0, 3)), max_size=40)


@EXAMPLES
@given(tasks.flatmap(lambda found: st.tuples(st.just(found), _layouts(found))),
       st.sampled_from([64, 300, 4096]))
def test_the_array_parser_gives_what_the_splitter_gives(case: tuple[list[Any], bytes],
                                                        window: int):
    elements, document = case
    expected = [(e.index, element_value(e, "t.json"))
                for e in split_array(io.BytesIO(document), "t.json")]
    assert list(parse_array(io.BytesIO(document), "t.json", chunk_bytes=window)) == expected
    assert [value for _, value in expected] == elements


@EXAMPLES
@given(st.data())
def test_the_array_parser_refuses_what_the_splitter_refuses_word_for_word(data):
    elements = [{"data": {"image": f"{i}.jpg"}, "n": [i, {"k": "v,]"}]} for i in range(60)]
    document = b"[" + b",\n".join(orjson.dumps(e) for e in elements) + b"]"
    cut = data.draw(st.integers(0, len(document)))
    junk = data.draw(st.sampled_from([b"", b",", b"]", b"}", b"x", b'"', b"\n", b",,"]))
    mutated = data.draw(st.sampled_from([document[:cut], document[:cut] + junk + document[cut:],
                                         document[:cut] + document[cut + 1:]]))
    window = data.draw(st.sampled_from([64, 256, 4096]))

    def run(parse: Any) -> tuple[list[Any], str | None]:
        found: list[Any] = []
        try:
            for item in parse():
                found.append(item)
        except InputError as error:
            return found, str(error)
        return found, None

    expected = run(lambda: ((e.index, element_value(e, "t.json"))
                            for e in split_array(io.BytesIO(mutated), "t.json")))
    found = run(lambda: parse_array(io.BytesIO(mutated), "t.json", chunk_bytes=window))
    assert found == expected  # the same elements before the same error
