"""The canonical region format: how every annotation and prediction stores what was marked.

A region list is JSON (docs/regions.md has the full format). Parsing here checks shape
and JSON types only, so that a region that is well formed but wrong for the schema (an
unknown class, a box outside the image) can still be loaded, shown and reviewed;
`accord.core.validation.validate` judges it against the schema.

>>> [region] = parse_regions([{"id": "r1", "label": "objects", "type": "bbox",
...     "value": {"class": "car", "x": 10, "y": 20, "width": 30, "height": 40}}])
>>> region.value
BoxValue(class_name='car', x=10.0, y=20.0, width=30.0, height=40.0, rotation=0.0)
>>> region.to_dict()["value"]["rotation"]
0.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from accord.core._json_reader import DocumentReader, describe, index_path, is_kind, join_path
from accord.core._region_model import (
    AudioSegmentValue,
    BoxValue,
    ClassificationValue,
    Keyframe,
    Keypoint,
    KeypointsValue,
    MaskValue,
    MultilabelValue,
    PartialRegions,
    Point,
    PolygonValue,
    PolylineValue,
    RatingValue,
    Region,
    RegionIssue,
    RegionValue,
    RelationValue,
    SpanValue,
    TranscriptionValue,
    VideoSegmentValue,
    VideoTrackValue,
    value_to_dict,
)
from accord.core.schema import AttributeValue, LabelType

__all__ = [
    "AudioSegmentValue",
    "BoxValue",
    "ClassificationValue",
    "Keyframe",
    "KeypointsValue",
    "MaskValue",
    "MultilabelValue",
    "PartialRegions",
    "PolygonValue",
    "PolylineValue",
    "RatingValue",
    "Region",
    "RegionIssue",
    "RegionValue",
    "RelationValue",
    "SpanValue",
    "TranscriptionValue",
    "VideoSegmentValue",
    "VideoTrackValue",
    "parse_regions",
    "parse_regions_partial",
    "regions_to_list",
    "value_to_dict",
]

_REGION_KEYS: Final = frozenset({"id", "label", "type", "value", "attributes", "score"})
# Per type: (key, JSON kind or one of _SHAPED, required).
_VALUE_FIELDS: Final[Mapping[LabelType, tuple[tuple[str, str, bool], ...]]] = {
    LabelType.CLASSIFICATION: (("class", "a string", True),),
    LabelType.MULTILABEL: (("classes", "strings", True),),
    LabelType.RATING: (("rating", "an integer", True),),
    LabelType.BBOX: (("class", "a string", True), ("x", "a number", True),
                     ("y", "a number", True), ("width", "a number", True),
                     ("height", "a number", True), ("rotation", "a number", False)),
    LabelType.POLYGON: (("class", "a string", True), ("points", "points", True)),
    LabelType.POLYLINE: (("class", "a string", True), ("points", "points", True)),
    LabelType.KEYPOINTS: (("class", "a string", True), ("points", "keypoints", True)),
    LabelType.MASK: (("class", "a string", True), ("rle", "rle", True)),
    LabelType.SPAN: (("class", "a string", True), ("start", "an integer", True),
                     ("end", "an integer", True)),
    LabelType.RELATION: (("class", "a string", False), ("from", "a string", True),
                         ("to", "a string", True)),
    LabelType.TRANSCRIPTION: (("text", "a string", True), ("region", "a string", False)),
    LabelType.AUDIO_SEGMENT: (("class", "a string", True), ("start", "a number", True),
                              ("end", "a number", True)),
    LabelType.VIDEO_TRACK: (("class", "a string", True), ("track_id", "an integer", True),
                            ("keyframes", "keyframes", True)),
    LabelType.VIDEO_SEGMENT: (("class", "a string", True), ("start", "an integer", True),
                              ("end", "an integer", True)),
}
_BUILDERS: Final[Mapping[LabelType, Callable[[dict[str, Any]], RegionValue]]] = {
    LabelType.CLASSIFICATION: lambda f: ClassificationValue(f["class"]),
    LabelType.MULTILABEL: lambda f: MultilabelValue(f["classes"]),
    LabelType.RATING: lambda f: RatingValue(f["rating"]),
    LabelType.BBOX: lambda f: BoxValue(f["class"], float(f["x"]), float(f["y"]),
                                       float(f["width"]), float(f["height"]),
                                       float(f.get("rotation", 0.0))),
    LabelType.POLYGON: lambda f: PolygonValue(f["class"], f["points"]),
    LabelType.POLYLINE: lambda f: PolylineValue(f["class"], f["points"]),
    LabelType.KEYPOINTS: lambda f: KeypointsValue(f["class"], f["points"]),
    LabelType.MASK: lambda f: MaskValue(f["class"], *f["rle"]),
    LabelType.SPAN: lambda f: SpanValue(f["class"], f["start"], f["end"]),
    LabelType.RELATION: lambda f: RelationValue(f["from"], f["to"], f.get("class")),
    LabelType.TRANSCRIPTION: lambda f: TranscriptionValue(f["text"], f.get("region")),
    LabelType.AUDIO_SEGMENT: lambda f: AudioSegmentValue(f["class"], float(f["start"]),
                                                         float(f["end"])),
    LabelType.VIDEO_TRACK: lambda f: VideoTrackValue(f["class"], f["track_id"], f["keyframes"]),
    LabelType.VIDEO_SEGMENT: lambda f: VideoSegmentValue(f["class"], f["start"], f["end"]),
}


def parse_regions(raw: Any) -> tuple[Region, ...]:
    """Read a region list; one InputError lists every structural problem with its path.

    The error's `details["problems"]` is `[{"path": "regions[3].value.x", "message": ...}]`.
    """
    parsed = parse_regions_partial(raw)
    if parsed.issues:
        reader = DocumentReader()
        for issue in parsed.issues:
            reader.add(issue.path, issue.message)
        raise reader.error("region list")
    return tuple(region for _, region in parsed.regions)


def parse_regions_partial(raw: Any) -> PartialRegions:
    """Read what can be read: well-formed regions plus the issues of the others.

    For callers that report rather than refuse, such as `validate`.
    """
    if not isinstance(raw, list | tuple):
        issue = RegionIssue("regions", f"expected a list of regions, {describe(raw)}", None)
        return PartialRegions((), (issue,))
    regions: list[tuple[int, Region]] = []
    issues: list[RegionIssue] = []
    for index, item in enumerate(raw):
        quick = _read_plain_region(item)
        if quick is not None:
            regions.append((index, quick))
            continue
        reader = DocumentReader()
        region = _read_region(reader, item, index_path("regions", index))
        if reader.problems or region is None:
            region_id = _readable_id(item)
            issues.extend(RegionIssue(p["path"], p["message"], region_id) for p in reader.problems)
        else:
            regions.append((index, region))
    return PartialRegions(tuple(regions), tuple(issues))


def regions_to_list(regions: Sequence[Region]) -> list[dict[str, Any]]:
    """The JSON form of a region list; `parse_regions` reads it back to equal regions."""
    return [region.to_dict() for region in regions]


def _readable_id(item: Any) -> str | None:
    region_id = item.get("id") if isinstance(item, Mapping) else None
    return region_id if isinstance(region_id, str) and region_id else None


_TYPES: Final = {t.value: t for t in LabelType}
# Kinds a region field is checked against on the quick path; the others ("points", "rle",
# ...) are nested values, left to the full reader.
_PLAIN_KINDS: Final = frozenset({"a string", "a number", "an integer"})
_PLAIN_TYPES: Final = frozenset(t for t, specs in _VALUE_FIELDS.items()
                                if all(kind in _PLAIN_KINDS for _, kind, _ in specs))


def _read_plain_region(item: Any) -> Region | None:
    """The region, when it is well formed with a value of flat fields only (a box, a
    classification, a span...): what `_read_region` would give, without its bookkeeping;
    None for anything else, which the full reader then reads and reports on."""
    if type(item) is not dict or not _REGION_KEYS.issuperset(item):
        return None
    region_id, label, value = item.get("id"), item.get("label"), item.get("value")
    name = item.get("type")
    region_type = _TYPES.get(name) if type(name) is str else None
    if (region_type not in _PLAIN_TYPES or type(region_id) is not str or not region_id
            or type(label) is not str or type(value) is not dict):
        return None
    score = item.get("score")
    if "score" in item and not is_kind(score, "a number"):
        return None
    attributes = item.get("attributes", {})
    if type(attributes) is not dict:
        return None
    for key, attribute in attributes.items():
        if type(key) is not str or not (isinstance(attribute, bool | str)
                                        or is_kind(attribute, "a number")):
            return None
    present = 0
    for key, kind, required in _VALUE_FIELDS[region_type]:  # type: ignore[index]
        if key in value:
            if not is_kind(value[key], kind):
                return None
            present += 1
        elif required:
            return None
    if present != len(value):  # an unknown key
        return None
    return Region(region_id, label, region_type, _BUILDERS[region_type](value),  # type: ignore[index]
                  dict(attributes), None if score is None else float(score))


def _read_region(reader: DocumentReader, raw: Any, path: str) -> Region | None:
    obj = reader.object(raw, path)
    if obj is None:
        return None
    reader.keys(obj, path, _REGION_KEYS, {"id", "label", "type", "value"})
    region_id = reader.get(obj, "id", path, "a string")
    if region_id == "":
        reader.add(join_path(path, "id"), "expected a non-empty string, got ''")
    label = reader.get(obj, "label", path, "a string")
    region_type = reader.choice(obj, "type", path, LabelType)
    attributes = _read_attributes(reader, obj, path)
    score = reader.get(obj, "score", path, "a number")
    value = _read_value(reader, obj, path, region_type)
    if not region_id or label is None or region_type is None or value is None:
        return None
    return Region(region_id, label, region_type, value, attributes,
                  None if score is None else float(score))


def _read_attributes(reader: DocumentReader, obj: Mapping[str, Any],
                     path: str) -> dict[str, AttributeValue]:
    raw = reader.get(obj, "attributes", path, "an object") or {}
    where, attributes = join_path(path, "attributes"), {}
    for key, value in raw.items():
        if not isinstance(key, str):
            reader.add(where, f"expected attribute names to be strings, {describe(key)}")
        elif isinstance(value, bool | str) or is_kind(value, "a number"):
            attributes[key] = value
        else:
            reader.add(join_path(where, key), f"expected a boolean, finite number or string, "
                       f"{describe(value)}")
    return attributes


def _read_value(reader: DocumentReader, obj: Mapping[str, Any], path: str,
                region_type: LabelType | None) -> RegionValue | None:
    if region_type is None or "value" not in obj:
        return None
    where = join_path(path, "value")
    value = reader.object(obj["value"], where)
    if value is None:
        return None
    specs, before, fields = _VALUE_FIELDS[region_type], len(reader.problems), {}
    reader.keys(value, where, {key for key, _, _ in specs},
                {key for key, _, required in specs if required})
    for key, kind, _ in specs:
        if key in value:
            shaped = _SHAPED.get(kind)
            fields[key] = (shaped(reader, value[key], join_path(where, key)) if shaped
                           else reader.get(value, key, where, kind))
    if len(reader.problems) > before:
        return None
    return _BUILDERS[region_type](fields)


def _read_strings(reader: DocumentReader, raw: Any, path: str) -> tuple[str, ...] | None:
    if not isinstance(raw, list | tuple) or not all(isinstance(s, str) for s in raw):
        reader.add(path, f"expected a list of strings, {describe(raw)}")
        return None
    return tuple(raw)


def _read_numbers(reader: DocumentReader, raw: Any, path: str,
                  what: str, kinds: tuple[str, ...]) -> tuple[Any, ...] | None:
    """A fixed-length list such as [x, y] or [x, y, v], each item of its JSON kind."""
    if (not isinstance(raw, list | tuple) or len(raw) != len(kinds)
            or not all(is_kind(v, k) for v, k in zip(raw, kinds, strict=True))):
        reader.add(path, f"expected {what}, {describe(raw)}")
        return None
    return tuple(float(v) if k == "a number" else v for v, k in zip(raw, kinds, strict=True))


def _read_point_list(reader: DocumentReader, raw: Any, path: str, what: str,
                     kinds: tuple[str, ...]) -> tuple[Any, ...] | None:
    if not isinstance(raw, list | tuple):
        reader.add(path, f"expected a list of points {what}, {describe(raw)}")
        return None
    points = [_read_numbers(reader, p, index_path(path, i), what, kinds) for i, p in enumerate(raw)]
    return None if None in points else tuple(points)


def _read_points(reader: DocumentReader, raw: Any, path: str) -> tuple[Point, ...] | None:
    return _read_point_list(reader, raw, path, "[x, y]", ("a number", "a number"))


def _read_keypoints(reader: DocumentReader, raw: Any, path: str) -> tuple[Keypoint, ...] | None:
    kinds = ("a number", "a number", "an integer")
    return _read_point_list(reader, raw, path, "[x, y, visibility]", kinds)


def _read_rle(reader: DocumentReader, raw: Any, path: str) -> tuple[int, int, Any] | None:
    rle = reader.object(raw, path)
    if rle is None:
        return None
    reader.keys(rle, path, {"size", "counts"}, {"size", "counts"})
    size = _read_numbers(reader, rle.get("size"), join_path(path, "size"),
                         "[height, width] in pixels", ("an integer", "an integer"))
    counts = rle.get("counts")
    is_runs = isinstance(counts, list | tuple) and all(
        isinstance(c, int) and not isinstance(c, bool) for c in counts)
    if not isinstance(counts, str) and not is_runs:
        reader.add(join_path(path, "counts"), "expected a compressed RLE string or a list of "
                   f"run lengths, {describe(counts)}")
        return None
    if size is None:
        return None
    return (size[0], size[1], counts if isinstance(counts, str) else tuple(counts))


def _read_keyframes(reader: DocumentReader, raw: Any, path: str) -> tuple[Keyframe, ...] | None:
    if not isinstance(raw, list | tuple):
        reader.add(path, f"expected a list of keyframes, {describe(raw)}")
        return None
    before, keyframes = len(reader.problems), []
    for i, item in enumerate(raw):
        at = index_path(path, i)
        frame = reader.object(item, at)
        if frame is None:
            continue
        reader.keys(frame, at, {"frame", "x", "y", "width", "height", "outside", "attributes"},
                    {"frame", "x", "y", "width", "height"})
        numbers = [reader.get(frame, k, at, "a number") for k in ("x", "y", "width", "height")]
        index = reader.get(frame, "frame", at, "an integer")
        outside = reader.get(frame, "outside", at, "a boolean", default=False)
        attributes = _read_attributes(reader, frame, at)
        if index is not None and None not in numbers:
            keyframes.append(Keyframe(index, *(float(n) for n in numbers), outside, attributes))
    return tuple(keyframes) if len(reader.problems) == before else None


_SHAPED: Final[Mapping[str, Callable[[DocumentReader, Any, str], Any]]] = {
    "strings": _read_strings,
    "points": _read_points,
    "keypoints": _read_keypoints,
    "rle": _read_rle,
    "keyframes": _read_keyframes,
}

