"""`validate`'s fast path for plain boxes: whatever the boxes, the schema's rules and the
media, it reports what the full checks report (nothing when it passes them, else the full
checks' problems, codes and messages), and a detection annotation's boxes take it."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from accord.core import validation
from accord.core._plain_boxes import are_plain_valid_boxes
from accord.core.schema import parse_schema
from accord.core.validation import MediaInfo, validate
from tests.strategies import EXAMPLES

VALUES = st.floats(-20, 700) | st.integers(-5, 700) | st.sampled_from(
    [math.nan, math.inf, True, None, "5", [1], 0, 640])


@st.composite
def schemas(draw):
    rules = draw(st.fixed_dictionaries({}, optional={
        "required": st.booleans(), "min_instances": st.integers(0, 2),
        "max_instances": st.integers(2, 4), "min_width": st.integers(0, 50),
        "min_height": st.integers(0, 50), "inside_image": st.booleans()}))
    attributes = draw(st.sampled_from([
        [], [{"name": "occluded", "type": "bool", "default": False}],
        [{"name": "quality", "type": "enum", "values": ["good"], "required": True}]]))
    labels = [{"name": "objects", "type": "bbox", "source": "image",
               "classes": [{"name": "car"}, {"name": "person"}], "rules": rules,
               "attributes": attributes}]
    if draw(st.booleans()):
        labels.append({"name": "kind", "type": "classification", "source": "image",
                       "classes": [{"name": "day"}],
                       "rules": {"required": draw(st.booleans())}})
    if draw(st.booleans()):
        labels.append({"name": "others", "type": "bbox", "source": "image",
                       "classes": [{"name": "truck"}],
                       "rules": {"min_instances": draw(st.integers(0, 1))}})
    return parse_schema({"data": [{"name": "image", "type": "image"}], "labels": labels})


def region(edit: dict[str, Any], index: int) -> Any:
    value: dict[str, Any] = {"class": "car", "x": 10 * index, "y": 5.5, "width": 40,
                             "height": 30.25}
    found: dict[str, Any] = {"id": f"r{index}", "label": "objects", "type": "bbox",
                             "value": value}
    for key, new in edit.items():
        target = value if key in ("class", "x", "y", "width", "height", "rotation") \
            else found
        if new is ...:
            target.pop(key, None)
        else:
            target[key] = new
    return found


edits = st.dictionaries(st.sampled_from(
    ["class", "x", "y", "width", "height", "rotation", "id", "label", "type", "score",
     "attributes", "value", "extra"]),
    VALUES | st.just(...) | st.sampled_from(
        ["bus", "person", "truck", "r0", "", "others", "kind", "polygon", 0.5, 1.5, {"occluded": True},
         {}, 45.0]), max_size=2)
media = st.sampled_from([None, MediaInfo(), MediaInfo(image_width=640, image_height=480),
                         MediaInfo(image_width=50, image_height=50)])


@EXAMPLES
@given(schemas(), st.lists(edits, max_size=5), media)
def test_the_fast_path_reports_what_the_full_checks_report(schema, changes, info):
    regions = [region(edit, i) for i, edit in enumerate(changes)]
    expected = validation._validate_fully(schema, regions, info)
    if are_plain_valid_boxes(schema, regions, info):
        assert expected == []
    assert validate(schema, regions, media=info) == expected


def test_a_detection_annotations_boxes_take_the_fast_path():
    schema = parse_schema({"data": [{"name": "image", "type": "image"}], "labels": [
        {"name": "objects", "type": "bbox", "source": "image",
         "classes": [{"name": "car"}, {"name": "person"}],
         "rules": {"required": True, "max_instances": 5, "min_width": 2,
                   "inside_image": True}}]})
    regions = [region({}, i) for i in range(5)] + [region({"score": 0.5, "rotation": 10}, 5)]
    info = MediaInfo(image_width=640, image_height=480)
    assert not are_plain_valid_boxes(schema, regions, info)  # six: too many
    assert [p.code for p in validate(schema, regions, media=info)] == ["too_many_instances"]
    assert are_plain_valid_boxes(schema, regions[1:], info)
    assert validate(schema, regions[1:], media=info) == []
