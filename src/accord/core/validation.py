"""Checking regions against a labeling schema: every problem at once, never just the first.

An annotator fixing a rejected item, or an import report on ten thousand predictions, needs
the whole list; so `validate` returns problems instead of raising, and even turns
malformed JSON into problems (code `malformed`) so services can hand it raw input.

>>> from accord.core.schema import parse_schema
>>> schema = parse_schema({"data": [{"name": "image", "type": "image"}], "labels": [
...     {"name": "objects", "type": "bbox", "source": "image", "classes": [{"name": "car"}],
...      "rules": {"required": True, "inside_image": True}}]})
>>> [p.code for p in validate(schema, [])]
['required']
>>> box = {"id": "r1", "label": "objects", "type": "bbox",
...        "value": {"class": "bus", "x": 600, "y": 0, "width": 80, "height": 40}}
>>> for p in validate(schema, [box], media=MediaInfo(image_width=640, image_height=480)):
...     print(p.code, p.field)
unknown_class regions[0].value.class
outside_image regions[0].value
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from accord.core._json_reader import is_kind
from accord.core._plain_boxes import CheckedBoxes, are_plain_valid_boxes
from accord.core._value_checks import VALUE_CHECKS, At, Context, MediaInfo, Problem, ProblemCode
from accord.core.regions import (
    MultilabelValue,
    Region,
    RegionValue,
    RelationValue,
    SpanValue,
    VideoTrackValue,
    parse_regions_partial,
)
from accord.core.schema import (
    AttributeDef,
    AttributeType,
    DataType,
    LabelDef,
    LabelType,
    Schema,
)
from accord.core.schema import attribute_value_problem as _attribute_value_problem

__all__ = ["MediaInfo", "Problem", "ProblemCode", "media_info", "validate"]

_ONE_ANSWER: Final = frozenset({LabelType.CLASSIFICATION, LabelType.MULTILABEL, LabelType.RATING})
_PYTHON_TYPES: Final[Mapping[AttributeType, type | tuple[type, ...]]] = {
    AttributeType.BOOL: bool, AttributeType.ENUM: str, AttributeType.TEXT: str,
    AttributeType.NUMBER: (int, float)}
_RANGE_CODES: Final[Mapping[AttributeType, ProblemCode]] = {
    AttributeType.ENUM: ProblemCode.VALUE_NOT_ALLOWED,
    AttributeType.NUMBER: ProblemCode.OUT_OF_RANGE,
    AttributeType.TEXT: ProblemCode.TOO_LONG,
    AttributeType.BOOL: ProblemCode.ATTRIBUTE_TYPE}


def validate(schema: Schema, regions: Sequence[Region] | Any, *,
             media: MediaInfo | None = None) -> list[Problem]:
    """Every problem with `regions` (parsed `Region`s or raw JSON) under `schema`.

    Media checks (inside the image, text and audio bounds, frame count, mask size) run only
    for what `media` tells; without it they are skipped, not failed.
    """
    if type(regions) is CheckedBoxes and regions.passes(schema, media):
        return []  # a reader checked them as it made them
    if type(regions) is list and are_plain_valid_boxes(schema, regions, media):
        return []
    return _validate_fully(schema, regions, media)


def _validate_fully(schema: Schema, regions: Sequence[Region] | Any,
                    media: MediaInfo | None) -> list[Problem]:
    """`validate` without its fast path for valid plain boxes: the reference."""
    indexed, problems, ids = _read(regions)
    labels_by_id: dict[str, str] = {}
    for _, region in indexed:
        labels_by_id.setdefault(region.id, region.label)
    context = Context(schema, media or MediaInfo(), frozenset(i for _, i in ids), labels_by_id)
    problems.extend(_duplicate_ids(ids))
    checked: list[tuple[At, Region, LabelDef]] = []
    for index, region in indexed:
        at = At(region.id, f"regions[{index}]")
        label = schema.label(region.label)
        if label is None:
            known = ", ".join(lab.name for lab in schema.labels) or "none"
            problems.append(at("label", ProblemCode.UNKNOWN_LABEL, f"the schema has no label "
                               f"{region.label!r}; its labels are {known}"))
        elif label.type != region.type:
            problems.append(at("type", ProblemCode.TYPE_MISMATCH, f"label {label.name!r} is a "
                               f"{label.type} label, got a {region.type} region"))
        else:
            problems.extend(_check_region(context, at, region, label))
            checked.append((at, region, label))
    problems.extend(_check_counts(schema, checked))
    problems.extend(_check_overlaps(checked))
    return problems


def media_info(schema: Schema, data: Mapping[str, Any]) -> MediaInfo:
    """What a task's own data tells about its media, for the checks that need it.

    Integer `width` and `height` in the data give the image size, an integer `frame_count`
    the video's frames, a number `duration` the audio's seconds; each text or HTML field's
    string gives that field's length.

    >>> from accord.core.schema import parse_schema
    >>> schema = parse_schema({"data": [{"name": "text", "type": "text"}], "labels": []})
    >>> info = media_info(schema, {"text": "hello", "width": 640, "height": 480})
    >>> (info.image_width, info.image_height, dict(info.text_lengths))
    (640, 480, {'text': 5})
    """
    def size(key: str) -> int | None:
        value = data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    lengths = {}
    for field in schema.data:
        value = data.get(field.source or field.name)
        if field.type in (DataType.TEXT, DataType.HTML) and isinstance(value, str):
            lengths[field.name] = len(value)
    duration = data.get("duration")
    return MediaInfo(image_width=size("width"), image_height=size("height"),
                     text_lengths=lengths, video_frame_count=size("frame_count"),
                     audio_duration_s=float(duration) if is_kind(duration, "a number")
                     else None)


def _read(regions: Any) -> tuple[list[tuple[int, Region]], list[Problem], list[tuple[int, str]]]:
    """Parsed regions with their indices, structural problems, and every readable id."""
    if isinstance(regions, list | tuple) and regions and all(
            isinstance(r, Region) for r in regions):
        return list(enumerate(regions)), [], [(i, r.id) for i, r in enumerate(regions)]
    partial = parse_regions_partial(regions)
    malformed = ProblemCode.MALFORMED.value
    problems = [Problem(issue.region_id, issue.path, malformed, issue.message)
                for issue in partial.issues]
    ids = [(i, item["id"]) for i, item in enumerate(regions if isinstance(regions, list | tuple)
                                                    else ())
           if isinstance(item, Mapping) and isinstance(item.get("id"), str) and item["id"]]
    return list(partial.regions), problems, ids


def _duplicate_ids(ids: list[tuple[int, str]]) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, region_id in ids:
        if region_id in first:
            yield Problem(region_id, f"regions[{index}].id", ProblemCode.DUPLICATE_ID.value,
                          f"id {region_id!r} is already used by regions[{first[region_id]}]; "
                          "ids must be unique within the list")
        else:
            first[region_id] = index


def _check_region(context: Context, at: At, region: Region, label: LabelDef) -> Iterator[Problem]:
    yield from _check_classes(at, region.value, label)
    yield from _check_attributes(at, region, label)
    if isinstance(region.value, VideoTrackValue):
        yield from _check_keyframe_attributes(at, region.value, label)
    if region.score is not None and not 0.0 <= region.score <= 1.0:
        yield at("score", ProblemCode.OUT_OF_RANGE, f"a score is a probability from 0 to 1, "
                 f"got {region.score}")
    yield from VALUE_CHECKS[label.type](context, at, region.value, label)


def _check_classes(at: At, value: RegionValue, label: LabelDef) -> Iterator[Problem]:
    if isinstance(value, MultilabelValue):
        if not value.classes:
            yield at("value.classes", ProblemCode.NO_CLASSES, "choose at least one class, got []")
        for i, name in enumerate(value.classes):
            if name in value.classes[:i]:
                yield at(f"value.classes[{i}]", ProblemCode.DUPLICATE_CLASS,
                         f"class {name!r} is chosen twice")
            elif label.class_named(name) is None:
                yield at(f"value.classes[{i}]", ProblemCode.UNKNOWN_CLASS,
                         _unknown_class(name, label))
        return
    name = getattr(value, "class_name", None)
    if name is None:
        if isinstance(value, RelationValue) and label.classes:
            yield at("value.class", ProblemCode.MISSING_CLASS, f"relation label {label.name!r} "
                     f"needs a class: one of {_names(label.classes)}")
    elif label.class_named(name) is None:
        yield at("value.class", ProblemCode.UNKNOWN_CLASS, _unknown_class(name, label))


def _unknown_class(name: str, label: LabelDef) -> str:
    return (f"label {label.name!r} has no class {name!r}; expected one of {_names(label.classes)}"
            if label.classes else f"label {label.name!r} has no classes; remove class {name!r}")


def _names(items: Sequence[Any]) -> str:
    return ", ".join(item.name for item in items) or "none"


def _check_attributes(at: At, region: Region, label: LabelDef) -> Iterator[Problem]:
    for key, value in region.attributes.items():
        attribute = label.attribute_named(key)
        if attribute is None:
            yield at(f"attributes.{key}", ProblemCode.UNKNOWN_ATTRIBUTE, f"label {label.name!r} "
                     f"has no attribute {key!r}; its attributes are {_names(label.attributes)}")
        elif message := _attribute_value_problem(attribute, value):
            yield at(f"attributes.{key}", _attribute_code(attribute, value), message)
    for attribute in label.attributes:
        if (attribute.required and attribute.default is None
                and attribute.name not in region.attributes):
            yield at(f"attributes.{attribute.name}", ProblemCode.MISSING_ATTRIBUTE,
                     f"attribute {attribute.name!r} is required on {label.name!r} regions")


def _check_keyframe_attributes(at: At, value: VideoTrackValue,
                               label: LabelDef) -> Iterator[Problem]:
    """A keyframe's attributes change the track's from that frame on (per-frame attributes):
    each must be one of the label's attributes, with a valid value. Required attributes are
    the track's to carry (its region `attributes`), not every keyframe's."""
    for i, keyframe in enumerate(value.keyframes):
        for key, item in keyframe.attributes.items():
            path = f"value.keyframes[{i}].attributes.{key}"
            attribute = label.attribute_named(key)
            if attribute is None:
                yield at(path, ProblemCode.UNKNOWN_ATTRIBUTE, f"label {label.name!r} has no "
                         f"attribute {key!r}; its attributes are {_names(label.attributes)}")
            elif message := _attribute_value_problem(attribute, item):
                yield at(path, _attribute_code(attribute, item), message)


def _attribute_code(attribute: AttributeDef, value: Any) -> ProblemCode:
    is_bool = isinstance(value, bool)
    if is_bool != (attribute.type is AttributeType.BOOL) or not isinstance(
            value, _PYTHON_TYPES[attribute.type]):
        return ProblemCode.ATTRIBUTE_TYPE
    return _RANGE_CODES[attribute.type]

def _check_counts(schema: Schema, checked: list[tuple[At, Region, LabelDef]]) -> Iterator[Problem]:
    counts = Counter(label.name for _, _, label in checked)
    for label in schema.labels:
        n, rules = counts[label.name], label.rules
        if rules.required and n == 0:
            yield _label_problem(label, ProblemCode.REQUIRED, f"label {label.name!r} is "
                                 "required; add at least one region")
        if rules.min_instances is not None and n < rules.min_instances:
            yield _label_problem(label, ProblemCode.TOO_FEW_INSTANCES, f"label {label.name!r} "
                                 f"needs at least {rules.min_instances} regions, got {n}")
        if rules.max_instances is not None and n > rules.max_instances:
            yield _label_problem(label, ProblemCode.TOO_MANY_INSTANCES, f"label {label.name!r} "
                                 f"allows at most {rules.max_instances} regions, got {n}")
    answered: set[str] = set()
    for at, _, label in checked:
        if label.type in _ONE_ANSWER and label.name in answered:
            yield at("", ProblemCode.MULTIPLE_ANSWERS, f"label {label.name!r} takes one answer "
                     "per item; merge this region into the first")
        answered.add(label.name)


def _label_problem(label: LabelDef, code: ProblemCode, message: str) -> Problem:
    """A problem with the label as a whole rather than with one region."""
    return Problem(None, f"labels.{label.name}", code.value, message)


def _check_overlaps(checked: list[tuple[At, Region, LabelDef]]) -> Iterator[Problem]:
    spans = sorted(((region.value, at, label) for at, region, label in checked
                    if isinstance(region.value, SpanValue) and not label.rules.allow_overlap
                    and region.value.end > region.value.start),
                   key=lambda item: (item[2].name, item[0].start, item[0].end))
    reach: dict[str, tuple[int, str]] = {}  # per label: furthest end so far, and whose
    for value, at, label in spans:
        furthest = reach.get(label.name)
        if furthest is not None and value.start < furthest[0]:
            yield at("value", ProblemCode.OVERLAP, f"characters {value.start}-{value.end} overlap "
                     f"region {furthest[1]!r}; label {label.name!r} does not allow overlapping "
                     "spans (rules.allow_overlap)")
        if furthest is None or value.end > furthest[0]:
            reach[label.name] = (value.end, at.region_id)
