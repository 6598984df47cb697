"""The labeling schema: parsing, every problem reported at once, and the JSON round trip."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.schema import (
    RULES_BY_TYPE,
    SOURCE_TYPES,
    AttributeType,
    DataType,
    LabelType,
    RatingScale,
    Rules,
    parse_schema,
    schema_to_dict,
)

EXAMPLE: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}, {"name": "caption", "type": "text"},
             {"name": "meta", "type": "metadata"}],
    "labels": [
        {"name": "objects", "type": "bbox", "source": "image", "description": "Every vehicle",
         "classes": [{"name": "car", "hotkey": "1", "color": "#e6194b"}, {"name": "person"}],
         "attributes": [{"name": "occluded", "type": "bool", "default": False},
                        {"name": "quality", "type": "enum", "values": ["good", "bad"],
                         "required": True},
                        {"name": "count", "type": "number", "min": 0, "max": 10},
                        {"name": "note", "type": "text", "max_length": 200}],
         "rules": {"required": False, "max_instances": 50, "min_width": 4, "min_height": 4,
                   "inside_image": True}},
    ],
}


def problems_of(doc: Any) -> list[dict[str, str]]:
    with pytest.raises(InputError) as caught:
        parse_schema(doc)
    return caught.value.details["problems"]


def paths_of(doc: Any) -> list[str]:
    return [p["path"] for p in problems_of(doc)]


def one_label(**label: Any) -> dict[str, Any]:
    return {"data": copy.deepcopy(EXAMPLE["data"]) + [{"name": "text", "type": "text"},
                                                      {"name": "audio", "type": "audio"}],
            "labels": [label]}


# --- worked examples ---------------------------------------------------------------------

def test_the_documented_example_parses_into_typed_records():
    schema = parse_schema(EXAMPLE)
    objects = schema.label("objects")
    assert objects is not None and objects.type is LabelType.BBOX
    assert schema.data_field("image").type is DataType.IMAGE
    assert [c.name for c in objects.classes] == ["car", "person"]
    assert objects.class_named("car").color == "#e6194b"
    assert objects.attribute_named("quality").type is AttributeType.ENUM
    assert objects.attribute_named("quality").values == ("good", "bad")
    assert objects.rules == Rules(max_instances=50, min_width=4, min_height=4, inside_image=True)


def test_schema_to_dict_leaves_defaults_out_and_reads_back_equal():
    schema = parse_schema(EXAMPLE)
    doc = schema_to_dict(schema)
    assert "required" not in doc["labels"][0]["rules"]
    assert json.loads(json.dumps(doc)) == doc
    assert parse_schema(doc) == schema


def test_every_problem_is_reported_in_one_error_with_paths():
    doc = {"data": [{"name": "image", "type": "picture"}, {"name": "image", "type": "text"}],
           "labels": [{"name": "objects", "type": "bbox", "source": "nowhere",
                       "classes": [{"name": "car", "hotkey": "ctrl+"}, {"name": "car"}],
                       "rules": {"allow_overlap": True, "min_width": -1, "colour": 1}}]}
    with pytest.raises(InputError, match="has 8 problems") as caught:
        parse_schema(doc)
    assert [p["path"] for p in caught.value.details["problems"]] == [
        "data[0].type", "labels[0].classes[0].hotkey", "labels[0].classes[1].name",
        "labels[0].rules.allow_overlap", "labels[0].rules.min_width", "labels[0].rules.colour",
        "data[1].name", "labels[0].source"]
    for problem in caught.value.details["problems"]:
        assert f"- {problem['path']}: {problem['message']}" in str(caught.value)


def test_a_message_names_the_value_received_and_what_was_expected():
    [problem] = problems_of({"data": [{"name": "image", "type": "picture"}], "labels": []})
    assert problem["message"] == ("expected one of image, text, audio, video, html, metadata, "
                                  "got 'picture' (a string)")


def test_a_document_that_is_not_an_object_is_refused():
    assert paths_of([]) == ["schema"]


def test_missing_and_unknown_keys_are_reported():
    assert sorted(paths_of({"data": [{"name": "x", "type": "text", "kind": 1}]})) == [
        "data[0].kind", "labels"]


def test_a_label_must_annotate_a_data_field_of_a_fitting_type():
    [problem] = problems_of(one_label(name="boxes", type="bbox", source="caption",
                                      classes=[{"name": "car"}]))
    assert problem["path"] == "labels[0].source"
    assert problem["message"] == ("a bbox label annotates image fields, got 'caption' which "
                                  "is text")


@pytest.mark.parametrize(("label_type", "source"), [
    ("classification", "meta"), ("rating", "audio"), ("transcription", "image"),
    ("span", "caption"), ("audio_segment", "audio"), ("polygon", "image"),
])
def test_each_label_type_accepts_its_kind_of_source(label_type, source):
    classes = [] if label_type in ("rating", "transcription") else [{"name": "a"}]
    label = {"name": "l", "type": label_type, "source": source}
    parse_schema(one_label(**label, **({"classes": classes} if classes else {})))


def test_a_source_that_does_not_exist_is_named():
    [problem] = problems_of(one_label(name="l", type="classification", source="img",
                                      classes=[{"name": "a"}]))
    assert "no data field is named 'img'; data fields: image, caption" in problem["message"]


def test_a_rule_that_does_not_fit_the_label_type_is_an_error():
    [problem] = problems_of(one_label(name="ner", type="span", source="caption",
                                      classes=[{"name": "PER"}], rules={"min_width": 3}))
    assert problem["path"] == "labels[0].rules.min_width"
    assert "does not apply to span labels; they take allow_overlap" in problem["message"]


def test_an_unknown_rule_is_an_error():
    assert paths_of(one_label(name="c", type="classification", source="caption",
                              classes=[{"name": "a"}], rules={"requried": True})) == [
        "labels[0].rules.requried"]


def test_min_instances_above_max_instances_is_an_error():
    assert paths_of(one_label(name="b", type="bbox", source="image", classes=[{"name": "a"}],
                              rules={"min_instances": 3, "max_instances": 2})) == [
        "labels[0].rules.max_instances"]


def test_hotkeys_are_unique_across_the_whole_schema_whatever_the_modifier_order():
    doc = one_label(name="a", type="bbox", source="image",
                    classes=[{"name": "car", "hotkey": "ctrl+shift+1"}])
    doc["labels"].append({"name": "b", "type": "classification", "source": "caption",
                          "classes": [{"name": "x", "hotkey": "shift+ctrl+1"}]})
    [problem] = problems_of(doc)
    assert problem["path"] == "labels[1].classes[0].hotkey"
    assert "already used by labels[0].classes[0]" in problem["message"]


@pytest.mark.parametrize("hotkey", ["1", "q", "ctrl+1", "alt+shift+x", "+"])
def test_hotkeys_are_one_key_with_optional_modifiers(hotkey):
    parse_schema(one_label(name="c", type="classification", source="caption",
                           classes=[{"name": "a", "hotkey": hotkey}]))


@pytest.mark.parametrize("hotkey", ["", "12", "ctrl", "hyper+1", "ctrl+ 1", " "])
def test_malformed_hotkeys_are_refused(hotkey):
    assert paths_of(one_label(name="c", type="classification", source="caption",
                              classes=[{"name": "a", "hotkey": hotkey}])) == [
        "labels[0].classes[0].hotkey"]


@pytest.mark.parametrize("color", ["red", "#fff", "#12345g", "e6194b"])
def test_colours_are_six_digit_hex(color):
    [problem] = problems_of(one_label(name="c", type="classification", source="caption",
                                      classes=[{"name": "a", "color": color}]))
    assert problem["message"].startswith("expected a colour like '#e6194b'")


def test_names_are_unique_and_without_surrounding_spaces():
    doc = one_label(name="c", type="classification", source="caption",
                    classes=[{"name": "a"}, {"name": "a"}, {"name": " b"}])
    doc["labels"].append(copy.deepcopy(doc["labels"][0]) | {"classes": [{"name": "z"}]})
    assert paths_of(doc) == ["labels[0].classes[2].name", "labels[0].classes[1].name",
                             "labels[1].name"]


def test_a_geometry_label_needs_classes_and_a_transcription_takes_none():
    doc = one_label(name="b", type="bbox", source="image", classes=[])
    doc["labels"].append({"name": "t", "type": "transcription", "source": "audio",
                          "classes": [{"name": "x"}]})
    assert paths_of(doc) == ["labels[0].classes", "labels[1].classes"]


def test_keypoint_classes_name_their_points_and_skeleton_edges_join_known_points():
    schema = parse_schema(one_label(name="pose", type="keypoints", source="image", classes=[
        {"name": "person", "keypoints": ["nose", "left_eye", "right_eye"],
         "skeleton": [["nose", "left_eye"], ["nose", "right_eye"]]}]))
    person = schema.label("pose").class_named("person")
    assert person.keypoints == ("nose", "left_eye", "right_eye")
    assert person.skeleton == (("nose", "left_eye"), ("nose", "right_eye"))
    assert paths_of(one_label(name="pose", type="keypoints", source="image", classes=[
        {"name": "person", "keypoints": ["nose", "nose"], "skeleton": [["nose", "ear"]]},
        {"name": "cat"}])) == ["labels[0].classes[0].keypoints[1]",
                               "labels[0].classes[0].skeleton[0]", "labels[0].classes[1].keypoints"]


def test_only_keypoint_classes_take_keypoints():
    assert paths_of(one_label(name="b", type="bbox", source="image",
                              classes=[{"name": "a", "keypoints": ["x"]}])) == [
        "labels[0].classes[0].keypoints"]


def test_attributes_check_their_defaults_and_bounds():
    doc = one_label(name="b", type="bbox", source="image", classes=[{"name": "a"}], attributes=[
        {"name": "q", "type": "enum", "values": ["good"], "default": "bad"},
        {"name": "n", "type": "number", "min": 5, "max": 1},
        {"name": "t", "type": "text", "max_length": 2, "default": "long"},
        {"name": "o", "type": "bool", "default": "yes"},
        {"name": "e", "type": "enum"},
        {"name": "x", "type": "bool", "max_length": 3}])
    assert paths_of(doc) == ["labels[0].attributes[0].default", "labels[0].attributes[1].max",
                             "labels[0].attributes[2].default", "labels[0].attributes[3].default",
                             "labels[0].attributes[4].values",
                             "labels[0].attributes[5].max_length"]


def test_a_rating_has_a_default_scale_and_a_rubric_within_it():
    schema = parse_schema(one_label(name="r", type="rating", source="caption"))
    assert schema.label("r").scale == RatingScale(1, 5, ())
    rubric = one_label(name="r", type="rating", source="caption", scale={
        "min": 0, "max": 3, "anchors": [{"value": 0, "description": "off topic"},
                                        {"value": 3, "description": "perfect"}]})
    anchors = parse_schema(rubric).label("r").scale.anchors
    assert [(a.value, a.description) for a in anchors] == [(0, "off topic"), (3, "perfect")]
    rubric["labels"][0]["scale"]["anchors"].append({"value": 4, "description": "too high"})
    assert paths_of(rubric) == ["labels[0].scale.anchors[2].value"]


def test_a_relation_connects_regions_of_named_non_relation_labels():
    doc = one_label(name="ner", type="span", source="caption", classes=[{"name": "PER"}])
    doc["labels"].append({"name": "rel", "type": "relation", "source": "caption",
                          "between": ["ner", "rel", "missing"], "classes": [{"name": "knows"}]})
    assert paths_of(doc) == ["labels[1].between[1]", "labels[1].between[2]"]
    doc["labels"][1]["between"] = ["ner"]
    assert parse_schema(doc).label("rel").between == ("ner",)


def test_between_and_scale_belong_to_relation_and_rating_labels_only():
    assert paths_of(one_label(name="b", type="bbox", source="image", classes=[{"name": "a"}],
                              between=["x"], scale={"min": 1, "max": 2})) == [
        "labels[0].between", "labels[0].scale"]


def test_every_type_and_rule_is_documented():
    text = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text()
    names = [*map(str, LabelType), *map(str, DataType), *map(str, AttributeType),
             *{rule for rules in RULES_BY_TYPE.values() for rule in rules}]
    assert [name for name in names if f"`{name}`" not in text] == []


def test_every_label_type_has_a_source_rule_and_rules_table_entry():
    assert set(SOURCE_TYPES) == set(LabelType) == set(RULES_BY_TYPE)
    assert all("required" in rules for rules in RULES_BY_TYPE.values())


# --- properties --------------------------------------------------------------------------

DATA = [{"name": "image", "type": "image"}, {"name": "text", "type": "text"},
        {"name": "page", "type": "html", "source": "html"}, {"name": "audio", "type": "audio"},
        {"name": "video", "type": "video"}, {"name": "meta", "type": "metadata"}]
names = st.text(min_size=1, max_size=8).filter(lambda s: s == s.strip())
unique_names = st.lists(names, min_size=1, max_size=4, unique=True)
HOTKEYS = [*"0123456789abcdefghijklmnopqrstuvwxyz", *(f"ctrl+{k}" for k in "0123456789")]
RULE_VALUES = {"required": st.booleans(), "inside_image": st.booleans(),
               "allow_overlap": st.booleans(), "min_points": st.integers(0, 9),
               "max_length": st.integers(0, 500), "min_width": st.floats(0, 50),
               "min_height": st.floats(0, 50), "min_area": st.integers(0, 100)}


@st.composite
def attribute_docs(draw: st.DrawFn, name: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(AttributeType)))
    doc: dict[str, Any] = {"name": name, "type": str(kind)}
    if draw(st.booleans()):
        doc["required"] = draw(st.booleans())
    if kind is AttributeType.BOOL and draw(st.booleans()):
        doc["default"] = draw(st.booleans())
    if kind is AttributeType.ENUM:
        doc["values"] = draw(unique_names)
        if draw(st.booleans()):
            doc["default"] = draw(st.sampled_from(doc["values"]))
    if kind is AttributeType.NUMBER:
        low, high = sorted(draw(st.lists(st.integers(-5, 5), min_size=2, max_size=2)))
        doc |= {"min": low, "max": high}
        if draw(st.booleans()):
            doc["default"] = draw(st.integers(low, high))
    if kind is AttributeType.TEXT and draw(st.booleans()):
        doc["max_length"] = draw(st.integers(0, 20))
    return doc


@st.composite
def class_docs(draw: st.DrawFn, name: str, keypoints: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": name}
    if draw(st.booleans()):
        doc["color"] = draw(st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True))
    if keypoints:
        points = draw(unique_names)
        doc["keypoints"] = points
        if len(points) > 1:
            doc["skeleton"] = draw(st.lists(st.permutations(points).map(lambda p: list(p[:2])),
                                            max_size=3))
    return doc


@st.composite
def rules_docs(draw: st.DrawFn, label_type: LabelType) -> dict[str, Any]:
    keys = draw(st.sets(st.sampled_from(sorted(RULES_BY_TYPE[label_type]))))
    rules = {k: draw(RULE_VALUES[k]) for k in keys if k in RULE_VALUES}
    if {"min_instances", "max_instances"} & keys:
        low, high = sorted(draw(st.lists(st.integers(0, 9), min_size=2, max_size=2)))
        rules |= {k: v for k, v in (("min_instances", low), ("max_instances", high)) if k in keys}
    return rules


@st.composite
def label_docs(draw: st.DrawFn, name: str, label_type: LabelType,
               others: list[str]) -> dict[str, Any]:
    sources = [d["name"] for d in DATA if d["type"] in SOURCE_TYPES[label_type]]
    doc: dict[str, Any] = {"name": name, "type": str(label_type),
                           "source": draw(st.sampled_from(sources))}
    if draw(st.booleans()):
        doc["description"] = draw(st.text(max_size=20))
    if label_type not in (LabelType.TRANSCRIPTION, LabelType.RATING) and (
            label_type is not LabelType.RELATION or draw(st.booleans())):
        doc["classes"] = [draw(class_docs(n, label_type is LabelType.KEYPOINTS))
                          for n in draw(unique_names)]
    doc["attributes"] = [draw(attribute_docs(n)) for n in draw(st.lists(names, max_size=3,
                                                                        unique=True))]
    doc["rules"] = draw(rules_docs(label_type))
    if label_type is LabelType.RELATION and others:
        doc["between"] = draw(st.lists(st.sampled_from(others), unique=True))
    if label_type is LabelType.RATING and draw(st.booleans()):
        low = draw(st.integers(-3, 3))
        high = draw(st.integers(low + 1, low + 6))
        values = draw(st.lists(st.integers(low, high), unique=True, max_size=3))
        doc["scale"] = {"min": low, "max": high,
                        "anchors": [{"value": v, "description": f"means {v}"} for v in values]}
    return doc


@st.composite
def schema_docs(draw: st.DrawFn) -> dict[str, Any]:
    label_names = draw(st.lists(names, max_size=6, unique=True))
    types = [draw(st.sampled_from(list(LabelType))) for _ in label_names]
    plain = [n for n, t in zip(label_names, types, strict=True) if t is not LabelType.RELATION]
    labels = [draw(label_docs(n, t, plain)) for n, t in zip(label_names, types, strict=True)]
    keys = iter(draw(st.permutations(HOTKEYS)))
    for cls in (c for label in labels for c in label.get("classes", [])):
        if draw(st.booleans()):
            cls["hotkey"] = next(keys)
    return {"data": copy.deepcopy(DATA), "labels": labels}


@given(schema_docs())
def test_parse_of_to_dict_of_parse_is_parse(doc):
    schema = parse_schema(doc)
    written = schema_to_dict(schema)
    assert parse_schema(written) == schema
    assert schema_to_dict(parse_schema(json.loads(json.dumps(written)))) == written


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=12)


def _leaf_paths(node: Any, path: tuple = ()) -> list[tuple]:
    children = (node.items() if isinstance(node, dict)
                else enumerate(node) if isinstance(node, list) else ())
    found = [path]
    for key, child in children:
        found += _leaf_paths(child, (*path, key))
    return found


@given(schema_docs(), st.data())
def test_any_damaged_schema_is_an_input_error_or_a_schema_never_a_crash(doc, data):
    path = data.draw(st.sampled_from(_leaf_paths(doc)[1:]))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(json_values)
    try:
        parse_schema(doc)
    except InputError as error:
        assert error.details["problems"]


@given(json_values)
def test_arbitrary_json_is_an_input_error_not_a_crash(doc):
    with pytest.raises(InputError):
        parse_schema(doc)
