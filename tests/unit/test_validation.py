"""Regions: the canonical format's parser, and `validate` reporting every problem."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.regions import (
    BoxValue,
    Keyframe,
    MaskValue,
    Region,
    parse_regions,
    parse_regions_partial,
    regions_to_list,
)
from accord.core.schema import LabelType, parse_schema
from accord.core.validation import MediaInfo, Problem, ProblemCode, media_info, validate

SCHEMA = parse_schema({
    "data": [{"name": "image", "type": "image"}, {"name": "text", "type": "text"},
             {"name": "audio", "type": "audio"}, {"name": "video", "type": "video"}],
    "labels": [
        {"name": "objects", "type": "bbox", "source": "image",
         "classes": [{"name": "car"}, {"name": "person"}],
         "attributes": [{"name": "occluded", "type": "bool", "default": False},
                        {"name": "quality", "type": "enum", "values": ["good", "bad"],
                         "required": True},
                        {"name": "count", "type": "number", "min": 0, "max": 10},
                        {"name": "note", "type": "text", "max_length": 5}],
         "rules": {"max_instances": 3, "min_width": 4, "min_height": 4, "inside_image": True}},
        {"name": "outline", "type": "polygon", "source": "image", "classes": [{"name": "road"}],
         "rules": {"min_area": 10, "inside_image": True}},
        {"name": "lanes", "type": "polyline", "source": "image", "classes": [{"name": "lane"}],
         "rules": {"min_points": 3}},
        {"name": "pose", "type": "keypoints", "source": "image", "classes": [
            {"name": "person", "keypoints": ["nose", "left_eye", "right_eye"]}],
         "rules": {"inside_image": True}},
        {"name": "masks", "type": "mask", "source": "image", "classes": [{"name": "sky"}],
         "rules": {"min_area": 2}},
        {"name": "scene", "type": "classification", "source": "image",
         "classes": [{"name": "day"}, {"name": "night"}], "rules": {"required": True}},
        {"name": "tags", "type": "multilabel", "source": "text",
         "classes": [{"name": "a"}, {"name": "b"}]},
        {"name": "ner", "type": "span", "source": "text", "classes": [{"name": "PER"},
                                                                      {"name": "ORG"}]},
        {"name": "nested", "type": "span", "source": "text", "classes": [{"name": "X"}],
         "rules": {"allow_overlap": True}},
        {"name": "links", "type": "relation", "source": "text", "between": ["ner"],
         "classes": [{"name": "works_for"}]},
        {"name": "transcript", "type": "transcription", "source": "audio",
         "rules": {"max_length": 20}},
        {"name": "speech", "type": "audio_segment", "source": "audio",
         "classes": [{"name": "speech"}]},
        {"name": "tracks", "type": "video_track", "source": "video", "classes": [{"name": "car"}],
         "attributes": [{"name": "parked", "type": "bool", "default": False},
                        {"name": "lights", "type": "enum", "values": ["on", "off"]}]},
        {"name": "scenes", "type": "video_segment", "source": "video",
         "classes": [{"name": "day"}, {"name": "night"}]},
        {"name": "stars", "type": "rating", "source": "text", "scale": {"min": 1, "max": 3}},
    ]})
MEDIA = MediaInfo(image_width=640, image_height=480, text_lengths={"text": 100},
                  audio_duration_s=10.0, video_frame_count=50)
VALID: list[dict[str, Any]] = [
    {"id": "box", "label": "objects", "type": "bbox", "attributes": {"quality": "good"},
     "value": {"class": "car", "x": 10, "y": 20, "width": 30, "height": 40}, "score": 0.9},
    {"id": "poly", "label": "outline", "type": "polygon",
     "value": {"class": "road", "points": [[0, 0], [100, 0], [100, 50]]}},
    {"id": "line", "label": "lanes", "type": "polyline",
     "value": {"class": "lane", "points": [[0, 0], [10, 10], [20, 10]]}},
    {"id": "kp", "label": "pose", "type": "keypoints",
     "value": {"class": "person", "points": [[10, 10, 2], [12, 8, 1], [0, 0, 0]]}},
    {"id": "mask", "label": "masks", "type": "mask",
     "value": {"class": "sky", "rle": {"size": [480, 640], "counts": [307000, 200]}}},
    {"id": "scene", "label": "scene", "type": "classification", "value": {"class": "day"}},
    {"id": "tags", "label": "tags", "type": "multilabel", "value": {"classes": ["a", "b"]}},
    {"id": "e1", "label": "ner", "type": "span", "value": {"class": "PER", "start": 0, "end": 5}},
    {"id": "e2", "label": "ner", "type": "span", "value": {"class": "ORG", "start": 10, "end": 20}},
    {"id": "rel", "label": "links", "type": "relation",
     "value": {"class": "works_for", "from": "e1", "to": "e2"}},
    {"id": "said", "label": "transcript", "type": "transcription",
     "value": {"text": "hello there", "region": "seg"}},
    {"id": "seg", "label": "speech", "type": "audio_segment",
     "value": {"class": "speech", "start": 0.5, "end": 2.25}},
    {"id": "track", "label": "tracks", "type": "video_track",
     "value": {"class": "car", "track_id": 1, "keyframes": [
         {"frame": 0, "x": 1, "y": 2, "width": 3, "height": 4},
         {"frame": 10, "x": 5, "y": 2, "width": 3, "height": 4, "outside": True}]}},
    {"id": "stars", "label": "stars", "type": "rating", "value": {"rating": 3}},
    {"id": "dusk", "label": "scenes", "type": "video_segment",
     "value": {"class": "night", "start": 40, "end": 50}},
]
INDEX = {region["id"]: i for i, region in enumerate(VALID)}


def changed(region_id: str, **changes: Any) -> list[dict[str, Any]]:
    """VALID with one region's top-level keys, or `value` keys, replaced."""
    regions = copy.deepcopy(VALID)
    region = regions[INDEX[region_id]]
    region["value"].update(changes.pop("value", {}))
    region.update(changes)
    return regions


def found(regions: Any, media: MediaInfo | None = MEDIA) -> list[tuple[str | None, str, str]]:
    return [(p.region_id, p.field, p.code) for p in validate(SCHEMA, regions, media=media)]


# --- the format --------------------------------------------------------------------------

def test_well_formed_regions_of_every_type_pass():
    assert {r["type"] for r in VALID} == {str(t) for t in LabelType}
    assert validate(SCHEMA, VALID, media=MEDIA) == []


def test_validate_takes_parsed_regions_too():
    assert validate(SCHEMA, parse_regions(VALID), media=MEDIA) == []


def test_parsing_converts_coordinates_to_floats_and_fills_defaults():
    regions = parse_regions(VALID)
    assert regions[0].value == BoxValue("car", 10.0, 20.0, 30.0, 40.0, 0.0)
    assert regions[0].attributes == {"quality": "good"} and regions[0].score == 0.9
    assert regions[4].value == MaskValue("sky", 480, 640, (307000, 200))
    assert regions[12].value.keyframes[0] == Keyframe(0, 1.0, 2.0, 3.0, 4.0, False)


def test_serialised_regions_read_back_equal():
    regions = parse_regions(VALID)
    written = regions_to_list(regions)
    assert parse_regions(written) == regions
    assert written[0]["value"] == {"class": "car", "x": 10.0, "y": 20.0, "width": 30.0,
                                   "height": 40.0, "rotation": 0.0}


def test_structural_errors_raise_one_input_error_with_paths():
    regions = copy.deepcopy(VALID)
    regions[1]["value"]["points"][2] = [1, "2"]
    regions[0]["value"]["x"] = "10"
    del regions[3]["id"]
    with pytest.raises(InputError, match="region list has 3 problems") as caught:
        parse_regions(regions)
    assert [p["path"] for p in caught.value.details["problems"]] == [
        "regions[0].value.x", "regions[1].value.points[2]", "regions[3].id"]
    assert "regions[1].value.points[2]: expected [x, y], got [1, '2'] (a list)" in str(
        caught.value)


def test_a_region_list_must_be_a_list_of_objects():
    with pytest.raises(InputError, match="expected a list of regions, got"):
        parse_regions({"id": "r1"})
    with pytest.raises(InputError, match=r"regions\[0\]: expected an object, got 3"):
        parse_regions([3])


def test_unknown_keys_and_types_are_structural_errors():
    partial = parse_regions_partial([
        {"id": "a", "label": "x", "type": "ellipse", "value": {}},
        {"id": "b", "label": "x", "type": "span", "value": {"class": "A", "start": 0,
                                                              "end": 1.5, "colour": 1}},
        {"id": "c", "label": "x", "type": "classification", "value": {"class": "A"},
         "attributes": {"nested": {"no": 1}}, "extra": True}])
    assert [(i.region_id, i.path) for i in partial.issues] == [
        ("a", "regions[0].type"), ("b", "regions[1].value.colour"), ("b", "regions[1].value.end"),
        ("c", "regions[2].extra"), ("c", "regions[2].attributes.nested")]
    assert partial.regions == ()


# --- validate: one problem at a time -----------------------------------------------------

CASES = [
    ("box", {"value": {"class": "truck"}}, [("value.class", "unknown_class")]),
    ("box", {"attributes": {}}, [("attributes.quality", "missing_attribute")]),
    ("box", {"attributes": {"quality": "good", "colour": "red"}},
     [("attributes.colour", "unknown_attribute")]),
    ("box", {"attributes": {"quality": 3}}, [("attributes.quality", "attribute_type")]),
    ("box", {"attributes": {"quality": "ugly"}}, [("attributes.quality", "value_not_allowed")]),
    ("box", {"attributes": {"quality": "good", "count": 11}}, [("attributes.count", "out_of_range")]),
    ("box", {"attributes": {"quality": "good", "note": "too long"}},
     [("attributes.note", "too_long")]),
    ("box", {"attributes": {"quality": "good", "occluded": 1}},
     [("attributes.occluded", "attribute_type")]),
    ("box", {"score": 1.5}, [("score", "out_of_range")]),
    ("box", {"value": {"width": 2}}, [("value.width", "too_small")]),
    ("box", {"value": {"width": -5}}, [("value", "invalid_size"), ("value.width", "too_small")]),
    ("box", {"value": {"x": 630}}, [("value", "outside_image")]),
    ("box", {"value": {"x": 0, "y": 0, "width": 100, "height": 10, "rotation": 45}},
     [("value", "outside_image")]),
    ("poly", {"value": {"points": [[0, 0], [10, 10], [10, 0], [0, 10]]}},
     [("value.points", "self_intersection")]),
    ("poly", {"value": {"points": [[0, 0], [10, 10]]}}, [("value.points", "too_few_points")]),
    ("poly", {"value": {"points": [[0, 0], [1, 0], [1, 1]]}}, [("value.points", "too_small")]),
    ("poly", {"value": {"points": [[0, 0], [700, 0], [700, 50]]}},
     [("value.points", "outside_image")]),
    ("line", {"value": {"points": [[0, 0], [10, 10]]}}, [("value.points", "too_few_points")]),
    ("kp", {"value": {"points": [[10, 10, 2], [12, 8, 1]]}}, [("value.points", "keypoint_count")]),
    ("kp", {"value": {"points": [[10, 10, 2], [12, 8, 3], [0, 0, 0]]}},
     [("value.points[1]", "visibility")]),
    ("kp", {"value": {"points": [[10, 10, 2], [12, 8, 1], [-5, -5, 0]]}}, []),
    ("kp", {"value": {"points": [[10, 10, 2], [12, 800, 1], [0, 0, 0]]}},
     [("value.points", "outside_image")]),
    ("mask", {"value": {"rle": {"size": [480, 640], "counts": [5, 6]}}},
     [("value.rle.counts", "mask_counts")]),
    ("mask", {"value": {"rle": {"size": [480, 640], "counts": [307199, 1]}}},
     [("value.rle", "too_small")]),
    ("mask", {"value": {"rle": {"size": [48, 64], "counts": "PXn0"}}},
     [("value.rle.size", "mask_size")]),
    ("mask", {"value": {"rle": {"size": [480, 640], "counts": "é"}}},
     [("value.rle.counts", "mask_counts")]),
    ("mask", {"value": {"rle": {"size": [0, 640], "counts": []}}},
     [("value.rle.size", "invalid_size"), ("value.rle.size", "mask_size")]),
    ("scene", {"value": {"class": "dusk"}}, [("value.class", "unknown_class")]),
    ("tags", {"value": {"classes": []}}, [("value.classes", "no_classes")]),
    ("tags", {"value": {"classes": ["a", "z", "a"]}},
     [("value.classes[1]", "unknown_class"), ("value.classes[2]", "duplicate_class")]),
    ("e1", {"value": {"start": 5, "end": 5}}, [("value.end", "empty_range")]),
    ("e1", {"value": {"start": -1}}, [("value.start", "out_of_bounds")]),
    ("e2", {"value": {"end": 101}}, [("value.end", "out_of_bounds")]),
    ("rel", {"value": {"to": "ghost"}}, [("value.to", "unknown_region")]),
    ("rel", {"value": {"to": "box"}}, [("value.to", "relation_not_allowed")]),
    ("rel", {"value": {"to": "e1"}}, [("value.to", "relation_not_allowed")]),
    ("rel", {"value": {"class": "likes"}}, [("value.class", "unknown_class")]),
    ("said", {"value": {"text": "x" * 21}}, [("value.text", "too_long")]),
    ("said", {"value": {"region": "nothing"}}, [("value.region", "unknown_region")]),
    ("seg", {"value": {"end": 10.5}}, [("value.end", "out_of_bounds")]),
    ("seg", {"value": {"end": 0.5}}, [("value.end", "empty_range")]),
    ("track", {"value": {"keyframes": []}}, [("value.keyframes", "no_keyframes")]),
    ("track", {"value": {"keyframes": [{"frame": 4, "x": 0, "y": 0, "width": 1, "height": 1},
                                       {"frame": 4, "x": 0, "y": 0, "width": 1, "height": -1},
                                       {"frame": 50, "x": 0, "y": 0, "width": 1, "height": 1}]}},
     [("value.keyframes[1].frame", "frame_order"), ("value.keyframes[1]", "invalid_size"),
      ("value.keyframes[2].frame", "out_of_bounds")]),
    ("stars", {"value": {"rating": 4}}, [("value.rating", "out_of_range")]),
    ("box", {"label": "boxes"}, [("label", "unknown_label")]),
]


@pytest.mark.parametrize(("region_id", "change", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_kind_of_problem_is_found_on_its_region(region_id, change, expected):
    prefix = f"regions[{INDEX[region_id]}]."
    assert found(changed(region_id, **change)) == [(region_id, prefix + f, code)
                                                   for f, code in expected]


def test_a_region_of_the_wrong_type_for_its_label_is_a_type_mismatch():
    regions = changed("e1", type="bbox", value={})
    regions[INDEX["e1"]]["value"] = {"class": "PER", "x": 0, "y": 0, "width": 1, "height": 1}
    assert found(regions) == [("e1", f"regions[{INDEX['e1']}].type", "type_mismatch")]


def test_a_required_label_without_regions_is_a_problem_of_the_label():
    regions = [r for r in VALID if r["label"] != "scene"]
    [problem] = validate(SCHEMA, regions, media=MEDIA)
    assert problem == Problem(None, "labels.scene", "required",
                              "label 'scene' is required; add at least one region")


def test_more_regions_than_max_instances_is_a_problem_of_the_label():
    extra = [copy.deepcopy(VALID[0]) | {"id": f"box{i}"} for i in range(3)]
    assert found(VALID + extra) == [(None, "labels.objects", "too_many_instances")]


def test_a_single_choice_label_takes_one_answer():
    second = copy.deepcopy(VALID[INDEX["scene"]]) | {"id": "scene2"}
    assert found([*VALID, second]) == [("scene2", f"regions[{len(VALID)}]", "multiple_answers")]


def test_duplicate_ids_are_reported_at_the_later_region():
    duplicate = copy.deepcopy(VALID[INDEX["stars"]])
    duplicate["label"] = "nested"
    duplicate["type"] = "span"
    duplicate["value"] = {"class": "X", "start": 0, "end": 1}
    assert found([*VALID, duplicate]) == [("stars", f"regions[{len(VALID)}].id", "duplicate_id")]


def test_overlapping_spans_are_refused_unless_the_label_allows_them():
    overlapping = {"id": "e3", "label": "ner", "type": "span",
                   "value": {"class": "PER", "start": 3, "end": 12}}
    nested = [{"id": f"n{i}", "label": "nested", "type": "span",
               "value": {"class": "X", "start": i, "end": 30 - i}} for i in range(3)]
    first, second = validate(SCHEMA, [*VALID, overlapping, *nested], media=MEDIA)
    assert (first.region_id, first.code) == ("e3", "overlap")
    assert "characters 3-12 overlap region 'e1'" in first.message
    assert (second.region_id, second.code) == ("e2", "overlap")
    assert "characters 10-20 overlap region 'e3'" in second.message


def test_every_problem_is_returned_not_only_the_first():
    regions = changed("box", value={"class": "truck", "x": 630}, attributes={})
    regions[INDEX["stars"]]["value"]["rating"] = 9
    regions[INDEX["e2"]]["value"]["end"] = 500
    del regions[INDEX["scene"]]
    regions.append({"id": "bad", "label": "ner", "type": "span", "value": {"start": "0"}})
    assert found(regions) == [
        ("bad", "regions[14].value.class", "malformed"),
        ("bad", "regions[14].value.end", "malformed"),
        ("bad", "regions[14].value.start", "malformed"),
        ("box", "regions[0].value.class", "unknown_class"),
        ("box", "regions[0].attributes.quality", "missing_attribute"),
        ("box", "regions[0].value", "outside_image"),
        ("e2", "regions[7].value.end", "out_of_bounds"),
        ("stars", "regions[12].value.rating", "out_of_range"),
        (None, "labels.scene", "required")]


def test_raw_structural_errors_become_malformed_problems_instead_of_raising():
    assert found({"not": "a list"}) == [(None, "regions", "malformed"),
                                        (None, "labels.scene", "required")]
    assert found([{"label": "scene", "type": "classification", "value": {"class": "day"}}]) == [
        (None, "regions[0].id", "malformed"), (None, "labels.scene", "required")]
    regions = changed("box", value={"x": "10"})
    assert found(regions) == [("box", "regions[0].value.x", "malformed")]


def test_a_relation_to_a_malformed_region_reports_only_the_malformed_region():
    regions = changed("e2", value={"start": "ten"})
    assert found(regions) == [("e2", f"regions[{INDEX['e2']}].value.start", "malformed")]


def test_media_checks_are_skipped_when_the_media_is_unknown():
    regions = changed("box", value={"x": 5000})
    regions[INDEX["e2"]]["value"]["end"] = 5000
    assert found(regions, media=None) == []


def test_every_problem_code_is_documented():
    text = (Path(__file__).resolve().parents[2] / "docs" / "regions.md").read_text()
    assert [code.value for code in ProblemCode if f"`{code.value}`" not in text] == []


def test_problem_codes_are_plain_strings_for_the_api():
    [problem] = validate(SCHEMA, changed("box", value={"class": "truck"}), media=MEDIA)
    assert type(problem.code) is str and problem.code == ProblemCode.UNKNOWN_CLASS


# --- properties --------------------------------------------------------------------------

BOX_SCHEMA = parse_schema({"data": [{"name": "image", "type": "image"}], "labels": [
    {"name": "b", "type": "bbox", "source": "image", "classes": [{"name": "c"}],
     "rules": {"inside_image": True}}]})


def box(x: float, y: float, width: float, height: float, rotation: float = 0.0) -> list[dict]:
    return [{"id": "r", "label": "b", "type": "bbox", "value": {
        "class": "c", "x": x, "y": y, "width": width, "height": height, "rotation": rotation}}]


@st.composite
def boxes_inside(draw: st.DrawFn) -> tuple[int, int, float, float, float, float]:
    image_w, image_h = draw(st.integers(1, 5000)), draw(st.integers(1, 5000))
    x, y = draw(st.floats(0, image_w)), draw(st.floats(0, image_h))
    return image_w, image_h, x, y, draw(st.floats(0, image_w - x)), draw(st.floats(0, image_h - y))


@given(boxes_inside())
def test_any_box_fully_inside_the_image_passes_and_shifting_it_out_fails(case):
    image_w, image_h, x, y, width, height = case
    media = MediaInfo(image_width=image_w, image_height=image_h)
    assert validate(BOX_SCHEMA, box(x, y, width, height), media=media) == []
    for moved in (box(image_w + 1, y, width, height), box(x, -height - 1, width, height)):
        assert [p.code for p in validate(BOX_SCHEMA, moved, media=media)] == ["outside_image"]


@given(st.floats(1, 1000), st.floats(1, 1000), st.floats(-720, 720), st.floats(0, 1), st.floats(0, 1))
def test_a_box_whose_turning_circle_fits_passes_at_any_rotation(width, height, rotation, u, v):
    radius = math.hypot(width, height) / 2
    image = math.ceil(2 * radius) + 10
    cx, cy = radius + u * (image - 2 * radius), radius + v * (image - 2 * radius)
    regions = box(cx - width / 2, cy - height / 2, width, height, rotation)
    assert validate(BOX_SCHEMA, regions, media=MediaInfo(image_width=image,
                                                         image_height=image)) == []


SPAN_SCHEMA = parse_schema({"data": [{"name": "t", "type": "text"}], "labels": [
    {"name": "s", "type": "span", "source": "t", "classes": [{"name": "c"}]}]})


@given(st.lists(st.integers(0, 1000), min_size=2, max_size=30, unique=True), st.data())
def test_disjoint_spans_pass_and_any_span_across_a_boundary_overlaps(cuts, data):
    cuts.sort()
    spans = [{"id": f"s{i}", "label": "s", "type": "span",
              "value": {"class": "c", "start": a, "end": b}}
             for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))]
    assert validate(SPAN_SCHEMA, data.draw(st.permutations(spans))) == []
    if len(spans) > 1:
        i = data.draw(st.integers(1, len(spans) - 1))
        across = {"id": "x", "label": "s", "type": "span",
                  "value": {"class": "c", "start": cuts[i] - 1, "end": cuts[i] + 1}}
        assert "overlap" in [p.code for p in validate(SPAN_SCHEMA, [*spans, across])]


numbers = st.floats(-1e6, 1e6, allow_nan=False) | st.integers(-1000, 1000)
VALUES = {
    "classification": st.fixed_dictionaries({"class": st.text()}),
    "multilabel": st.fixed_dictionaries({"classes": st.lists(st.text())}),
    "rating": st.fixed_dictionaries({"rating": st.integers()}),
    "bbox": st.fixed_dictionaries({"class": st.text(), "x": numbers, "y": numbers,
                                   "width": numbers, "height": numbers},
                                  optional={"rotation": numbers}),
    "polygon": st.fixed_dictionaries({"class": st.text(),
                                      "points": st.lists(st.tuples(numbers, numbers).map(list))}),
    "keypoints": st.fixed_dictionaries({"class": st.text(), "points": st.lists(
        st.tuples(numbers, numbers, st.integers(0, 2)).map(list))}),
    "mask": st.fixed_dictionaries({"class": st.text(), "rle": st.fixed_dictionaries({
        "size": st.tuples(st.integers(0, 9), st.integers(0, 9)).map(list),
        "counts": st.text() | st.lists(st.integers(0, 9))})}),
    "span": st.fixed_dictionaries({"class": st.text(), "start": st.integers(), "end": st.integers()}),
    "relation": st.fixed_dictionaries({"from": st.text(), "to": st.text()},
                                      optional={"class": st.text()}),
    "transcription": st.fixed_dictionaries({"text": st.text()}, optional={"region": st.text()}),
    "audio_segment": st.fixed_dictionaries({"class": st.text(), "start": numbers, "end": numbers}),
    "video_track": st.fixed_dictionaries({"class": st.text(), "track_id": st.integers(),
                                          "keyframes": st.lists(st.fixed_dictionaries(
                                              {"frame": st.integers(), "x": numbers, "y": numbers,
                                               "width": numbers, "height": numbers},
                                              optional={"outside": st.booleans()}))}),
}
VALUES["polyline"] = VALUES["polygon"]
region_docs = st.sampled_from(sorted(VALUES)).flatmap(lambda kind: st.fixed_dictionaries(
    {"id": st.text(min_size=1), "label": st.text(), "type": st.just(kind), "value": VALUES[kind]},
    optional={"attributes": st.dictionaries(st.text(), st.booleans() | numbers | st.text()),
              "score": st.floats(0, 1)}))


@given(st.lists(region_docs, max_size=5))
def test_parse_of_serialise_of_parse_is_parse(docs):
    regions = parse_regions(docs)
    assert parse_regions(regions_to_list(regions)) == regions
    assert all(isinstance(r, Region) for r in regions)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=12)


@given(json_values)
def test_validate_never_raises_on_arbitrary_json(raw):
    assert all(isinstance(p, Problem) for p in validate(SCHEMA, raw, media=MEDIA))


@given(st.data())
def test_validate_never_raises_on_damaged_regions(data):
    regions = copy.deepcopy(VALID)
    region = data.draw(st.sampled_from(regions))
    target = region["value"] if data.draw(st.booleans()) else region
    key = data.draw(st.sampled_from(sorted(target)))
    target[key] = data.draw(json_values)
    problems = validate(SCHEMA, regions, media=MEDIA)
    assert all(isinstance(p, Problem) for p in problems)


# --- video: per-frame attributes and frame segments ------------------------------------------

def keyframed(*attributes: dict[str, Any]) -> list[dict[str, Any]]:
    """VALID with the track's keyframes carrying these attributes, first to last."""
    regions = copy.deepcopy(VALID)
    for keyframe, values in zip(regions[INDEX["track"]]["value"]["keyframes"], attributes,
                                strict=False):
        keyframe["attributes"] = values
    return regions


def test_keyframe_attributes_are_read_and_written_back_only_when_set():
    regions = parse_regions(keyframed({"lights": "on", "parked": True}))
    first, second = regions[INDEX["track"]].value.keyframes
    assert first.attributes == {"lights": "on", "parked": True} and second.attributes == {}
    back = regions_to_list(regions)[INDEX["track"]]["value"]["keyframes"]
    assert back[0]["attributes"] == {"lights": "on", "parked": True}
    assert "attributes" not in back[1]
    assert parse_regions(regions_to_list(regions)) == regions
    assert validate(SCHEMA, keyframed({"lights": "on"}, {"parked": True}), media=MEDIA) == []


def test_keyframe_attributes_are_checked_against_the_labels_attributes():
    where = f"regions[{INDEX['track']}].value.keyframes"
    assert found(keyframed({"colour": "red"}, {"lights": "dim", "parked": "yes"})) == [
        ("track", f"{where}[0].attributes.colour", "unknown_attribute"),
        ("track", f"{where}[1].attributes.lights", "value_not_allowed"),
        ("track", f"{where}[1].attributes.parked", "attribute_type")]


def test_a_keyframe_attribute_that_is_not_a_json_scalar_is_malformed():
    problems = found(keyframed({"lights": ["on"]}))
    assert problems == [("track", f"regions[{INDEX['track']}].value.keyframes[0].attributes"
                                  ".lights", "malformed")]


def test_a_one_frame_video_segment_is_a_frame_classification():
    regions = changed("dusk", value={"start": 49, "end": 50})
    assert found(regions) == []
    assert parse_regions(regions)[INDEX["dusk"]].value.end == 50


@pytest.mark.parametrize(("start", "end", "codes"), [
    (10, 10, [("value.end", "empty_range")]),
    (12, 11, [("value.end", "empty_range")]),
    (-1, 3, [("value.start", "out_of_bounds")]),
    (45, 51, [("value.end", "out_of_bounds")]),
])
def test_video_segments_are_checked_like_audio_segments_in_frames(start, end, codes):
    at = f"regions[{INDEX['dusk']}]"
    assert found(changed("dusk", value={"start": start, "end": end})) == [
        ("dusk", f"{at}.{path}", code) for path, code in codes]


def test_a_video_segment_past_the_end_is_found_only_when_the_frame_count_is_known():
    regions = changed("dusk", value={"start": 45, "end": 500})
    assert found(regions, media=MediaInfo()) == []
    message = validate(SCHEMA, regions, media=MEDIA)[0].message
    assert message == "ends at 500 but the source is 50 frames long"


def test_video_segment_frames_are_integers():
    problems = found(changed("dusk", value={"start": 1.5}))
    assert problems == [("dusk", f"regions[{INDEX['dusk']}].value.start", "malformed")]


def test_the_frame_count_and_duration_come_from_the_tasks_data():
    info = media_info(SCHEMA, {"frame_count": 750, "duration": 31.5})
    assert (info.video_frame_count, info.audio_duration_s) == (750, 31.5)
    odd = media_info(SCHEMA, {"frame_count": "750", "duration": True})
    assert (odd.video_frame_count, odd.audio_duration_s) == (None, None)
