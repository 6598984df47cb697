"""The canonical region format's data model: what a parsed region holds (docs/regions.md).

Kept apart from the parser in `accord.core.regions`, which re-exports everything here;
import from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

from accord.core.schema import AttributeValue, LabelType

Point = tuple[float, float]
Keypoint = tuple[float, float, int]  # x, y, COCO visibility: 0 unlabelled, 1 hidden, 2 visible


@dataclass(frozen=True, slots=True)
class ClassificationValue:
    class_name: str


@dataclass(frozen=True, slots=True)
class MultilabelValue:
    classes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RatingValue:
    rating: int


@dataclass(frozen=True, slots=True)
class BoxValue:
    """Pixels; (x, y) is the unrotated top-left corner; rotation is clockwise about the centre."""

    class_name: str
    x: float
    y: float
    width: float
    height: float
    rotation: float = 0.0  # degrees


@dataclass(frozen=True, slots=True)
class PolygonValue:
    class_name: str
    points: tuple[Point, ...]  # a closed ring; the last point joins the first


@dataclass(frozen=True, slots=True)
class PolylineValue:
    class_name: str
    points: tuple[Point, ...]  # open: the last point does not join the first


@dataclass(frozen=True, slots=True)
class KeypointsValue:
    class_name: str
    points: tuple[Keypoint, ...]  # in the order of the class's keypoint names


@dataclass(frozen=True, slots=True)
class MaskValue:
    """COCO run-length encoding: `counts` compressed (a string) or not (a list of runs)."""

    class_name: str
    height: int
    width: int
    counts: str | tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SpanValue:
    """Character offsets into the source text; `end` is exclusive, as in Python slices."""

    class_name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RelationValue:
    from_id: str
    to_id: str
    class_name: str | None = None


@dataclass(frozen=True, slots=True)
class TranscriptionValue:
    text: str
    region: str | None = None  # the region transcribed; None for the whole item


@dataclass(frozen=True, slots=True)
class AudioSegmentValue:
    class_name: str
    start: float  # seconds
    end: float


@dataclass(frozen=True, slots=True)
class Keyframe:
    """The box of a track on one frame; `outside` marks where the object leaves the view.

    `attributes` change the track's attributes from this frame on (until a later keyframe
    sets them again); the track's own `attributes` hold from its start."""

    frame: int
    x: float
    y: float
    width: float
    height: float
    outside: bool = False
    # left out of the hash (a dict has none), as tracks with equal boxes are rare anyway
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class VideoTrackValue:
    class_name: str
    track_id: int
    keyframes: tuple[Keyframe, ...]


@dataclass(frozen=True, slots=True)
class VideoSegmentValue:
    """Frames `start` to `end` of a video, `end` exclusive as in `range(start, end)`: a
    one-frame segment (`end = start + 1`) is a frame-level classification."""

    class_name: str
    start: int
    end: int


RegionValue = (ClassificationValue | MultilabelValue | RatingValue | BoxValue | PolygonValue
               | PolylineValue | KeypointsValue | MaskValue | SpanValue | RelationValue
               | TranscriptionValue | AudioSegmentValue | VideoTrackValue | VideoSegmentValue)


@dataclass(frozen=True, slots=True)
class Region:
    """One thing marked on a task; `score` is a model's confidence, for predictions."""

    id: str
    label: str
    type: LabelType
    value: RegionValue
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"id": self.id, "label": self.label, "type": str(self.type),
                               "value": value_to_dict(self.value)}
        if self.attributes:
            doc["attributes"] = dict(self.attributes)
        if self.score is not None:
            doc["score"] = self.score
        return doc


@dataclass(frozen=True, slots=True)
class RegionIssue:
    """A structural problem: `path` like `regions[3].value.points[2]`."""

    path: str
    message: str
    region_id: str | None  # when the region's id could be read


@dataclass(frozen=True, slots=True)
class PartialRegions:
    """The well-formed regions, each with its index in the input; the issues of the rest."""

    regions: tuple[tuple[int, Region], ...]
    issues: tuple[RegionIssue, ...]


_JSON_NAMES: Final = {"class_name": "class", "from_id": "from", "to_id": "to"}


def value_to_dict(value: RegionValue) -> dict[str, Any]:
    """The JSON form of a region's value: `class_name` is written `class`, None is left out."""
    if isinstance(value, MaskValue):
        counts = value.counts if isinstance(value.counts, str) else list(value.counts)
        return {"class": value.class_name, "rle": {"size": [value.height, value.width],
                                                   "counts": counts}}
    return {_JSON_NAMES.get(f.name, f.name): _plain(getattr(value, f.name))
            for f in fields(value) if getattr(value, f.name) is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Keyframe):  # attributes only when set, as on regions
        return {f.name: (dict(getattr(value, f.name)) if f.name == "attributes"
                         else getattr(value, f.name))
                for f in fields(value) if f.name != "attributes" or value.attributes}
    return value
