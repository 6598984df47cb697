"""The labeling schema's data model: what a parsed schema holds (see docs/schema.md).

Kept apart from the parser in `accord.core.schema`, which re-exports everything here;
import from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from accord.core._json_reader import describe, is_kind


class DataType(StrEnum):
    IMAGE = "image"
    TEXT = "text"
    AUDIO = "audio"
    VIDEO = "video"
    HTML = "html"
    METADATA = "metadata"


class LabelType(StrEnum):
    CLASSIFICATION = "classification"
    MULTILABEL = "multilabel"
    BBOX = "bbox"
    POLYGON = "polygon"
    POLYLINE = "polyline"
    KEYPOINTS = "keypoints"
    MASK = "mask"
    SPAN = "span"
    RELATION = "relation"
    TRANSCRIPTION = "transcription"
    AUDIO_SEGMENT = "audio_segment"
    VIDEO_TRACK = "video_track"
    VIDEO_SEGMENT = "video_segment"
    RATING = "rating"


class AttributeType(StrEnum):
    BOOL = "bool"
    ENUM = "enum"
    NUMBER = "number"
    TEXT = "text"


_ANY: Final = frozenset(DataType)
_IMAGE: Final = frozenset({DataType.IMAGE})
SOURCE_TYPES: Final[Mapping[LabelType, frozenset[DataType]]] = {
    LabelType.CLASSIFICATION: _ANY, LabelType.MULTILABEL: _ANY, LabelType.RATING: _ANY,
    LabelType.TRANSCRIPTION: _ANY, LabelType.RELATION: _ANY,
    LabelType.BBOX: _IMAGE, LabelType.POLYGON: _IMAGE, LabelType.POLYLINE: _IMAGE,
    LabelType.KEYPOINTS: _IMAGE, LabelType.MASK: _IMAGE,
    LabelType.SPAN: frozenset({DataType.TEXT, DataType.HTML}),
    LabelType.AUDIO_SEGMENT: frozenset({DataType.AUDIO}),
    LabelType.VIDEO_TRACK: frozenset({DataType.VIDEO}),
    LabelType.VIDEO_SEGMENT: frozenset({DataType.VIDEO}),
}
"""Which data field types each label type can annotate."""

_COUNTS: Final = frozenset({"required", "min_instances", "max_instances"})
RULES_BY_TYPE: Final[Mapping[LabelType, frozenset[str]]] = {
    LabelType.CLASSIFICATION: frozenset({"required"}),
    LabelType.MULTILABEL: frozenset({"required"}),
    LabelType.RATING: frozenset({"required"}),
    LabelType.BBOX: _COUNTS | {"min_width", "min_height", "inside_image"},
    LabelType.POLYGON: _COUNTS | {"min_area", "min_points", "inside_image"},
    LabelType.POLYLINE: _COUNTS | {"min_points", "inside_image"},
    LabelType.KEYPOINTS: _COUNTS | {"inside_image"},
    LabelType.MASK: _COUNTS | {"min_area"},
    LabelType.SPAN: _COUNTS | {"allow_overlap"},
    LabelType.RELATION: _COUNTS,
    LabelType.TRANSCRIPTION: _COUNTS | {"max_length"},
    LabelType.AUDIO_SEGMENT: _COUNTS,
    LabelType.VIDEO_TRACK: _COUNTS,
    LabelType.VIDEO_SEGMENT: _COUNTS,
}
"""The rules that mean something for each label type; any other rule is an error."""

AttributeValue = bool | int | float | str


@dataclass(frozen=True, slots=True)
class DataField:
    """A part of each task; `source` is the task-data key when it differs from `name`."""

    name: str
    type: DataType
    source: str | None = None


@dataclass(frozen=True, slots=True)
class ClassDef:
    """One choice within a label; keypoints classes also name their points, in order."""

    name: str
    hotkey: str | None = None
    color: str | None = None
    keypoints: tuple[str, ...] = ()
    skeleton: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class AttributeDef:
    """A property an annotator sets on each region, such as `occluded`."""

    name: str
    type: AttributeType
    required: bool = False
    default: AttributeValue | None = None
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    """Rule checks for one label; unset limits are None, flags default to off."""

    required: bool = False
    min_instances: int | None = None
    max_instances: int | None = None
    min_width: float | None = None
    min_height: float | None = None
    min_area: float | None = None
    min_points: int | None = None
    inside_image: bool = False
    allow_overlap: bool = False
    max_length: int | None = None


@dataclass(frozen=True, slots=True)
class RatingAnchor:
    """A rubric line: what one value on the scale means."""

    value: int
    description: str


@dataclass(frozen=True, slots=True)
class RatingScale:
    min: int = 1
    max: int = 5
    anchors: tuple[RatingAnchor, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelDef:
    """What annotators mark on one data field (`source`), and the checks that apply."""

    name: str
    type: LabelType
    source: str
    description: str = ""
    classes: tuple[ClassDef, ...] = ()
    attributes: tuple[AttributeDef, ...] = ()
    rules: Rules = field(default_factory=Rules)
    between: tuple[str, ...] = ()  # relation: the labels whose regions it may connect
    scale: RatingScale | None = None  # rating only

    def class_named(self, name: str) -> ClassDef | None:
        return next((c for c in self.classes if c.name == name), None)

    def attribute_named(self, name: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass(frozen=True, slots=True)
class Schema:
    data: tuple[DataField, ...]
    labels: tuple[LabelDef, ...]

    def label(self, name: str) -> LabelDef | None:
        return next((label for label in self.labels if label.name == name), None)

    def data_field(self, name: str) -> DataField | None:
        return next((d for d in self.data if d.name == name), None)


def attribute_value_problem(attribute: AttributeDef, value: Any) -> str | None:
    """Why `value` cannot be set on `attribute` (a message naming it), or None if it can."""
    kind = attribute.type
    if kind is AttributeType.BOOL and not isinstance(value, bool):
        return f"expected true or false, {describe(value)}"
    if kind is AttributeType.ENUM and (not isinstance(value, str) or value not in attribute.values):
        return f"expected one of {', '.join(attribute.values)}, {describe(value)}"
    if kind is AttributeType.TEXT:
        if not isinstance(value, str):
            return f"expected a string, {describe(value)}"
        if attribute.max_length is not None and len(value) > attribute.max_length:
            return f"expected at most {attribute.max_length} characters, got {len(value)}"
    if kind is AttributeType.NUMBER:
        if not is_kind(value, "a number"):
            return f"expected a finite number, {describe(value)}"
        if attribute.min is not None and value < attribute.min:
            return f"expected at least {attribute.min}, got {value}"
        if attribute.max is not None and value > attribute.max:
            return f"expected at most {attribute.max}, got {value}"
    return None
