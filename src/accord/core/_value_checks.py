"""Per-type checks of one region's value against its label, for `accord.core.validation`.

Also home to the problem records (re-exported by `accord.core.validation`, import them
from there) so that these checks and `validate` share them without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from accord.core._json_reader import join_path
from accord.core.geometry import (
    bounds,
    fits_inside,
    is_self_intersecting,
    polygon_area,
    rotated_box_corners,
)
from accord.core.regions import (
    AudioSegmentValue,
    BoxValue,
    KeypointsValue,
    MaskValue,
    PolygonValue,
    PolylineValue,
    RatingValue,
    RelationValue,
    SpanValue,
    TranscriptionValue,
    VideoSegmentValue,
    VideoTrackValue,
)
from accord.core.schema import LabelDef, LabelType, Schema

__all__ = ["VALUE_CHECKS", "At", "Context", "MediaInfo", "Problem", "ProblemCode"]


class ProblemCode(StrEnum):
    """Stable codes, so clients can group and translate problems; docs/regions.md lists them."""

    MALFORMED = "malformed"
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_LABEL = "unknown_label"
    TYPE_MISMATCH = "type_mismatch"
    UNKNOWN_CLASS = "unknown_class"
    MISSING_CLASS = "missing_class"
    DUPLICATE_CLASS = "duplicate_class"
    NO_CLASSES = "no_classes"
    UNKNOWN_ATTRIBUTE = "unknown_attribute"
    MISSING_ATTRIBUTE = "missing_attribute"
    ATTRIBUTE_TYPE = "attribute_type"
    VALUE_NOT_ALLOWED = "value_not_allowed"
    OUT_OF_RANGE = "out_of_range"
    TOO_LONG = "too_long"
    REQUIRED = "required"
    TOO_FEW_INSTANCES = "too_few_instances"
    TOO_MANY_INSTANCES = "too_many_instances"
    MULTIPLE_ANSWERS = "multiple_answers"
    INVALID_SIZE = "invalid_size"
    TOO_SMALL = "too_small"
    OUTSIDE_IMAGE = "outside_image"
    TOO_FEW_POINTS = "too_few_points"
    SELF_INTERSECTION = "self_intersection"
    KEYPOINT_COUNT = "keypoint_count"
    VISIBILITY = "visibility"
    MASK_COUNTS = "mask_counts"
    MASK_SIZE = "mask_size"
    EMPTY_RANGE = "empty_range"
    OUT_OF_BOUNDS = "out_of_bounds"
    OVERLAP = "overlap"
    UNKNOWN_REGION = "unknown_region"
    RELATION_NOT_ALLOWED = "relation_not_allowed"
    NO_KEYFRAMES = "no_keyframes"
    FRAME_ORDER = "frame_order"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong; `field` is a path such as `regions[2].value.class` or `labels.objects`."""

    region_id: str | None
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What is known about the task's media; checks that need an unknown value are skipped."""

    image_width: int | None = None
    image_height: int | None = None
    text_lengths: Mapping[str, int] = field(default_factory=dict)  # by data field name
    audio_duration_s: float | None = None
    video_frame_count: int | None = None

@dataclass(frozen=True, slots=True)
class At:
    """Makes problems for one region, with paths under `regions[i]`."""

    region_id: str
    prefix: str

    def __call__(self, path: str, code: ProblemCode, message: str) -> Problem:
        where = join_path(self.prefix, path) if path else self.prefix
        return Problem(self.region_id, where, code.value, message)


@dataclass(frozen=True, slots=True)
class Context:
    schema: Schema
    media: MediaInfo
    ids: frozenset[str]  # every readable id, malformed regions included
    labels_by_id: Mapping[str, str]

def _check_inside(context: Context, at: At, path: str,
                  points: Sequence[Sequence[float]]) -> Iterator[Problem]:
    width, height = context.media.image_width, context.media.image_height
    if width is None or height is None or not points or fits_inside(points, width, height):
        return
    min_x, min_y, max_x, max_y = bounds(points)
    yield at(path, ProblemCode.OUTSIDE_IMAGE, f"reaches outside the {width}x{height} image: "
             f"x from {min_x:g} to {max_x:g}, y from {min_y:g} to {max_y:g}")


def _check_box(context: Context, at: At, value: BoxValue, label: LabelDef) -> Iterator[Problem]:
    rules = label.rules
    if value.width < 0 or value.height < 0:
        yield at("value", ProblemCode.INVALID_SIZE, f"width and height cannot be negative, got "
                 f"width {value.width:g} and height {value.height:g}")
    for side, size, minimum in (("width", value.width, rules.min_width),
                                ("height", value.height, rules.min_height)):
        if minimum is not None and size < minimum:
            yield at(f"value.{side}", ProblemCode.TOO_SMALL, f"label {label.name!r} needs a "
                     f"{side} of at least {minimum:g} px, got {size:g}")
    if rules.inside_image:
        corners = rotated_box_corners(value.x, value.y, value.width, value.height, value.rotation)
        yield from _check_inside(context, at, "value", corners)


def _check_point_count(at: At, points: Sequence[Any], least: int, label: LabelDef,
                       kind: str) -> Iterator[Problem]:
    least = max(least, label.rules.min_points or 0)
    if len(points) < least:
        yield at("value.points", ProblemCode.TOO_FEW_POINTS, f"a {kind} on {label.name!r} "
                 f"needs at least {least} points, got {len(points)}")


def _check_polygon(context: Context, at: At, value: PolygonValue,
                   label: LabelDef) -> Iterator[Problem]:
    problems = list(_check_point_count(at, value.points, 3, label, "polygon"))
    yield from problems
    if problems:
        return
    if is_self_intersecting(value.points):
        yield at("value.points", ProblemCode.SELF_INTERSECTION, "the polygon's edges cross or "
                 "touch each other; draw its outline without crossing")
    elif label.rules.min_area is not None and polygon_area(value.points) < label.rules.min_area:
        yield at("value.points", ProblemCode.TOO_SMALL, f"label {label.name!r} needs an area of "
                 f"at least {label.rules.min_area:g} px², got {polygon_area(value.points):g}")
    if label.rules.inside_image:
        yield from _check_inside(context, at, "value.points", value.points)


def _check_polyline(context: Context, at: At, value: PolylineValue,
                    label: LabelDef) -> Iterator[Problem]:
    yield from _check_point_count(at, value.points, 2, label, "polyline")
    if label.rules.inside_image:
        yield from _check_inside(context, at, "value.points", value.points)


def _check_keypoints(context: Context, at: At, value: KeypointsValue,
                     label: LabelDef) -> Iterator[Problem]:
    cls = label.class_named(value.class_name)
    if cls is not None and len(value.points) != len(cls.keypoints):
        yield at("value.points", ProblemCode.KEYPOINT_COUNT, f"class {cls.name!r} has "
                 f"{len(cls.keypoints)} keypoints ({', '.join(cls.keypoints)}), got "
                 f"{len(value.points)} points")
    for i, (_, _, visibility) in enumerate(value.points):
        if visibility not in (0, 1, 2):
            yield at(f"value.points[{i}]", ProblemCode.VISIBILITY, "visibility is 0 (not "
                     f"labelled), 1 (labelled, hidden) or 2 (visible), got {visibility}")
    if label.rules.inside_image:  # COCO puts unlabelled points (v=0) at 0,0: skip them
        placed = [(x, y) for x, y, v in value.points if v > 0]
        yield from _check_inside(context, at, "value.points", placed)


def _check_mask(context: Context, at: At, value: MaskValue, label: LabelDef) -> Iterator[Problem]:
    height, width, counts = value.height, value.width, value.counts
    if height <= 0 or width <= 0:
        yield at("value.rle.size", ProblemCode.INVALID_SIZE, "a mask's size is [height, width], "
                 f"both above 0, got [{height}, {width}]")
    elif isinstance(counts, str):
        if not counts or not counts.isascii():
            yield at("value.rle.counts", ProblemCode.MASK_COUNTS, "a compressed COCO RLE is a "
                     "non-empty ASCII string")
    elif any(c < 0 for c in counts) or sum(counts) != height * width:
        yield at("value.rle.counts", ProblemCode.MASK_COUNTS, f"run lengths must be at least 0 "
                 f"and add up to {height}x{width} = {height * width} pixels, got {sum(counts)}")
    elif label.rules.min_area is not None and sum(counts[1::2]) < label.rules.min_area:
        yield at("value.rle", ProblemCode.TOO_SMALL, f"label {label.name!r} needs an area of at "
                 f"least {label.rules.min_area:g} px², got {sum(counts[1::2])}")
    image = (context.media.image_height, context.media.image_width)
    if None not in image and (height, width) != image:
        yield at("value.rle.size", ProblemCode.MASK_SIZE, f"the mask is {height}x{width} "
                 f"(height x width) but the image is {image[0]}x{image[1]}")


def _check_range(at: At, start: float, end: float, limit: float | None,
                 unit: str) -> Iterator[Problem]:
    if start < 0:
        yield at("value.start", ProblemCode.OUT_OF_BOUNDS, f"start cannot be negative, got {start}")
    if end <= start:
        yield at("value.end", ProblemCode.EMPTY_RANGE, f"end must be after start ({start}), "
                 f"got {end}")
    if limit is not None and end > limit:
        yield at("value.end", ProblemCode.OUT_OF_BOUNDS, f"ends at {end} but the source is "
                 f"{limit} {unit} long")


def _check_span(context: Context, at: At, value: SpanValue, label: LabelDef) -> Iterator[Problem]:
    limit = context.media.text_lengths.get(label.source)
    yield from _check_range(at, value.start, value.end, limit, "characters")


def _check_audio(context: Context, at: At, value: AudioSegmentValue,
                 label: LabelDef) -> Iterator[Problem]:
    yield from _check_range(at, value.start, value.end, context.media.audio_duration_s, "seconds")


def _check_video_segment(context: Context, at: At, value: VideoSegmentValue,
                         label: LabelDef) -> Iterator[Problem]:
    yield from _check_range(at, value.start, value.end, context.media.video_frame_count,
                            "frames")


def _check_rating(context: Context, at: At, value: RatingValue,
                  label: LabelDef) -> Iterator[Problem]:
    low, high = (label.scale.min, label.scale.max) if label.scale else (1, 5)
    if not low <= value.rating <= high:
        yield at("value.rating", ProblemCode.OUT_OF_RANGE, f"label {label.name!r} rates from "
                 f"{low} to {high}, got {value.rating}")


def _check_relation(context: Context, at: At, value: RelationValue,
                    label: LabelDef) -> Iterator[Problem]:
    allowed = label.between or [lab.name for lab in context.schema.labels
                                if lab.type is not LabelType.RELATION]
    for end, ref in (("from", value.from_id), ("to", value.to_id)):
        target = context.labels_by_id.get(ref)
        if ref not in context.ids:
            yield at(f"value.{end}", ProblemCode.UNKNOWN_REGION, f"no region in this list has "
                     f"id {ref!r}")
        elif target is not None and context.schema.label(target) and target not in allowed:
            yield at(f"value.{end}", ProblemCode.RELATION_NOT_ALLOWED, f"region {ref!r} is a "
                     f"{target!r} region; {label.name!r} relates {', '.join(allowed) or 'none'}")
    if value.from_id == value.to_id:
        yield at("value.to", ProblemCode.RELATION_NOT_ALLOWED, "a relation joins two different "
                 f"regions, got {value.from_id!r} twice")


def _check_transcription(context: Context, at: At, value: TranscriptionValue,
                         label: LabelDef) -> Iterator[Problem]:
    if value.region is not None and value.region not in context.ids:
        yield at("value.region", ProblemCode.UNKNOWN_REGION, f"no region in this list has id "
                 f"{value.region!r}")
    limit = label.rules.max_length
    if limit is not None and len(value.text) > limit:
        yield at("value.text", ProblemCode.TOO_LONG, f"label {label.name!r} allows at most "
                 f"{limit} characters, got {len(value.text)}")


def _check_track(context: Context, at: At, value: VideoTrackValue,
                 label: LabelDef) -> Iterator[Problem]:
    if not value.keyframes:
        yield at("value.keyframes", ProblemCode.NO_KEYFRAMES, "a track needs at least one keyframe")
    count = context.media.video_frame_count
    for i, keyframe in enumerate(value.keyframes):
        path = f"value.keyframes[{i}]"
        if keyframe.frame < 0 or (count is not None and keyframe.frame >= count):
            limit = f"0 to {count - 1}" if count is not None else "at least 0"
            yield at(f"{path}.frame", ProblemCode.OUT_OF_BOUNDS, f"frame numbers run {limit}, "
                     f"got {keyframe.frame}")
        if i and keyframe.frame <= value.keyframes[i - 1].frame:
            yield at(f"{path}.frame", ProblemCode.FRAME_ORDER, "keyframes must be in strictly "
                     f"increasing frame order; {keyframe.frame} follows "
                     f"{value.keyframes[i - 1].frame}")
        if keyframe.width < 0 or keyframe.height < 0:
            yield at(path, ProblemCode.INVALID_SIZE, "width and height cannot be negative, got "
                     f"width {keyframe.width:g} and height {keyframe.height:g}")


def _no_more_checks(context: Context, at: At, value: Any, label: LabelDef) -> Iterator[Problem]:
    return iter(())


VALUE_CHECKS: Final[Mapping[LabelType, Callable[..., Iterator[Problem]]]] = {
    LabelType.CLASSIFICATION: _no_more_checks, LabelType.MULTILABEL: _no_more_checks,
    LabelType.RATING: _check_rating, LabelType.BBOX: _check_box,
    LabelType.POLYGON: _check_polygon, LabelType.POLYLINE: _check_polyline,
    LabelType.KEYPOINTS: _check_keypoints, LabelType.MASK: _check_mask,
    LabelType.SPAN: _check_span, LabelType.RELATION: _check_relation,
    LabelType.TRANSCRIPTION: _check_transcription, LabelType.AUDIO_SEGMENT: _check_audio,
    LabelType.VIDEO_TRACK: _check_track, LabelType.VIDEO_SEGMENT: _check_video_segment,
}
