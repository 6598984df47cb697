"""Label Studio result items → our regions (docs/formats/label-studio.md has the mapping).

One `ResultReader` converts the `result` list of one annotation or prediction of one task.
A result's `from_name` is our label's name (schemas converted from Label Studio configs keep
the control names) and its `to_name` the label's data field. Every refusal names the task,
the annotation and the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from accord.core.schema import LabelDef, Schema
from accord.formats._label_studio_boxes import plain_boxes
from accord.formats._label_studio_brush import BrushError, brush_to_mask
from accord.formats._label_studio_geometry import (
    PERCENT_TOLERANCE,
    TextOffsets,
    box_from_percent,
    point_from_percent,
)
from accord.formats._label_studio_video import (
    keyframes_from_sequence,
    segment_from_ranges,
    with_keyframe_attributes,
)
from accord.formats.base import check_box_inside, fail
from accord.formats.binding import Binding

#: Label Studio result types and the label types each can become
TYPES: Mapping[str, tuple[str, ...]] = {
    "rectanglelabels": ("bbox",), "rectangle": ("bbox",),
    "polygonlabels": ("polygon",), "polygon": ("polygon",),
    "keypointlabels": ("keypoints",), "keypoint": ("keypoints",),
    "brushlabels": ("mask",), "brush": ("mask",),
    "choices": ("classification", "multilabel"), "rating": ("rating",),
    "textarea": ("transcription",), "labels": ("span", "audio_segment"),
    "videorectangle": ("video_track",), "timelinelabels": ("video_segment",),
}
SHAPES = frozenset({"rectanglelabels", "rectangle", "polygonlabels", "polygon",
                    "keypointlabels", "keypoint", "brushlabels", "brush", "labels",
                    "videorectangle", "timelinelabels"})


def number(value: Any, where: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(where, f"{what}: expected a finite number, got {value!r}")
    return float(value)


def integer(value: Any, where: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(where, f"{what}: expected a whole number, got {value!r}")
    return value


def percent(value: Any, where: str, what: str) -> float:
    found = number(value, where, what)
    if not -PERCENT_TOLERANCE <= found <= 100 + PERCENT_TOLERANCE:
        raise fail(where, f"{what}: {found:g} is not a percentage of the image (0 to 100)")
    return found


class TaskMedia:
    """What a task's results are measured against: its image size and its texts."""

    def __init__(self, data: dict[str, Any], schema: Schema | None, where: str,
                 default_size: tuple[int, int] | None = None) -> None:
        self.data, self.schema, self.where = data, schema, where
        width, height = data.get("width"), data.get("height")
        self.size: tuple[int, int] | None = (
            (width, height) if type(width) is int and type(height) is int else None)
        self.learned = False
        if self.size is None and default_size is not None:  # the import's `size` setting
            self.size, self.learned = default_size, True
        self._texts: dict[str, TextOffsets] = {}

    def image_size(self, result: Mapping[str, Any], where: str) -> tuple[int, int]:
        raw = (result.get("original_width"), result.get("original_height"))
        if raw != (None, None):
            given = (integer(raw[0], where, "original_width"),
                     integer(raw[1], where, "original_height"))
            if given[0] <= 0 or given[1] <= 0:
                raise fail(where, f"original_width/height {given} must be positive")
            if self.size is not None and given != self.size:
                raise fail(where, f"original size {given[0]} × {given[1]} differs from the "
                           f"task's {self.size[0]} × {self.size[1]}")
            if self.size is None:
                self.size, self.learned = given, True
        if self.size is None:
            raise fail(where, "percent coordinates need the image size: give "
                       "original_width/original_height in the result or width/height in the "
                       "task data")
        return self.size

    def text(self, label: LabelDef | None, where: str) -> TextOffsets:
        key = label.source if label is not None else "text"
        if self.schema is not None and label is not None:
            field = self.schema.data_field(label.source)
            key = (field.source or field.name) if field is not None else key
        if key not in self._texts:
            text = self.data.get(key)
            if not isinstance(text, str):
                raise fail(where, f"the span needs the text in the task's data {key!r}, got "
                           f"{text!r}")
            self._texts[key] = TextOffsets(text)
        return self._texts[key]


class ResultReader:
    def __init__(self, schema: Schema | None, binding: Binding, media: TaskMedia) -> None:
        self.schema, self.binding, self.media = schema, binding, media
        self.tracks = 0  # video tracks seen in the current result list
        self.prediction = False

    def regions(self, results: Any, where: str, prediction: bool = False
                ) -> list[dict[str, Any]]:
        """The regions of one result list. Results of annotations keep a `score` only within
        0–1: Label Studio keeps the score of the prediction an answer started from, on any
        scale the model used."""
        if self.schema is not None:
            fast = plain_boxes(results, self.schema, self.media, prediction)
            if fast is not None:
                return fast
        return self.general_regions(results, where, prediction)

    def general_regions(self, results: Any, where: str, prediction: bool = False
                        ) -> list[dict[str, Any]]:
        """`regions` without the fast path for plain boxes: the reference it is tested on."""
        self.tracks = 0
        self.prediction = prediction
        if not isinstance(results, list):
            raise fail(where, f"result: expected a list of result items, got {results!r}")
        items = [(f"{where}, result {j}", r) for j, r in enumerate(results)]
        for at, item in items:
            if not isinstance(item, dict):
                raise fail(at, f"expected a result object, got {item!r}")
            if not isinstance(item.get("type"), str):
                raise fail(at, f"type: expected a result type, got {item.get('type')!r}")
        shape_ids = {str(r.get("id")) for _, r in items if r.get("type") in SHAPES}
        regions: list[dict[str, Any]] = []
        used: dict[str, str] = {}  # Label Studio id → our id, for relations
        ids: set[str] = set()
        for at, item in items:
            if item.get("type") == "relation":
                continue
            region = self._region(item, at, shape_ids)
            region["id"] = self._unique_id(item, at, ids, regions)
            if item.get("type") in SHAPES:
                used[str(item.get("id"))] = region["id"]
            regions.append(region)
        for at, item in items:
            if item.get("type") == "relation":
                regions.append(self._relation(item, at, used, ids))
        return regions

    def _unique_id(self, item: Mapping[str, Any], where: str, ids: set[str],
                   regions: list[dict[str, Any]]) -> str:
        raw = item.get("id")
        if raw is None:
            raw = str(len(regions) + 1)
        if not isinstance(raw, str | int) or isinstance(raw, bool) or raw == "":
            raise fail(where, f"id: expected a string, got {raw!r}")
        found = str(raw)
        if found in ids:
            found = f"{found}:{item.get('from_name')}"
        if found in ids:
            raise fail(where, f"the id {raw!r} is used twice by {item.get('from_name')!r}")
        ids.add(found)
        return found

    def _label(self, item: Mapping[str, Any], where: str) -> tuple[str, LabelDef | None, str]:
        kind = item.get("type")
        if kind not in TYPES:
            raise fail(where, f"result type {kind!r} is not supported; Accord reads "
                       f"{', '.join(sorted([*TYPES, 'relation']))}")
        name = item.get("from_name")
        if not isinstance(name, str) or not name:
            raise fail(where, f"from_name: expected the name of a label, got {name!r}")
        if self.schema is None:
            return name, None, TYPES[kind][0]
        label = self.schema.label(name) or self._shape_lent_labels(item)
        if label is not None and label.name != name:  # a <Labels> lent to a bare shape
            return label.name, label, label.type.value
        if label is None:
            raise fail(where, f"from_name {name!r} is not a label of the project's schema; "
                       f"its labels: {', '.join(x.name for x in self.schema.labels)}")
        if label.type.value not in TYPES[kind]:
            raise fail(where, f"a {kind!r} result cannot go to {name!r}, a "
                       f"{label.type.value} label")
        to_name = item.get("to_name")
        if to_name is not None and to_name != label.source:
            raise fail(where, f"to_name {to_name!r} is not {name!r}'s data field "
                       f"{label.source!r}")
        return name, label, label.type.value

    def _shape_lent_labels(self, item: Mapping[str, Any]) -> LabelDef | None:
        """The shape label a `labels` result with a shape's geometry belongs to.

        With `<Rectangle>` (or Polygon, KeyPoint, Brush) and a `<Labels>` on one image, Label
        Studio names the result after the Labels control; the converted schema has the
        classes on the shape's label instead (docs/schema.md).
        """
        value = item.get("value")
        if item.get("type") != "labels" or not isinstance(value, dict) or self.schema is None:
            return None
        kind = ("polygon" if "points" in value else "mask" if "rle" in value
                else "bbox" if "height" in value else "keypoints" if "x" in value else None)
        found = [x for x in self.schema.labels if x.type.value == kind
                 and x.source == item.get("to_name")]
        return found[0] if len(found) == 1 else None

    def _region(self, item: Mapping[str, Any], where: str, shape_ids: set[str]
                ) -> dict[str, Any]:
        name, label, kind = self._label(item, where)
        value = item.get("value")
        if not isinstance(value, dict):
            raise fail(where, f"value: expected an object, got {value!r}")
        if item.get("image_rotation") not in (None, 0):
            raise fail(where, f"image_rotation {item.get('image_rotation')!r}: results on a "
                       "rotated image are not supported; rotate the image back in Label Studio")
        converted = getattr(self, f"_{kind}")(item, value, label, where)
        if kind == "transcription":
            parent = item.get("parentID") or (
                str(item.get("id")) if str(item.get("id")) in shape_ids else None)
            if parent is not None:
                converted["region"] = str(parent)
        elif item.get("type") not in SHAPES and str(item.get("id")) in shape_ids:
            raise fail(where, f"{name!r} shares its id with a region: per-region "
                       f"{item.get('type')} are not supported (model them as attributes)")
        region: dict[str, Any] = {"label": name, "type": kind, "value": converted}
        attributes = (item.get("meta") or {}).get("attributes") if isinstance(
            item.get("meta"), dict) else None
        if attributes:
            region["attributes"] = attributes
        if item.get("score") is not None:
            score = number(item["score"], where, "score")
            if self.prediction or 0 <= score <= 1:
                region["score"] = score
        return region

    def _class(self, item: Mapping[str, Any], value: Mapping[str, Any],
               label: LabelDef | None, where: str) -> str:
        names = value.get(str(item.get("type")), value.get("labels"))
        if isinstance(names, list) and len(names) == 1 and isinstance(names[0], str):
            return names[0]
        if names in (None, []) and label is not None and len(label.classes) == 1:
            return label.classes[0].name
        raise fail(where, f"expected one class name in value.{item.get('type')}, got "
                   f"{names!r}")

    def _bbox(self, item: Mapping[str, Any], value: Mapping[str, Any],
              label: LabelDef | None, where: str) -> dict[str, Any]:
        width, height = self.media.image_size(item, where)
        x, y = (percent(value.get(k), where, f"value.{k}") for k in ("x", "y"))
        w, h = (number(value.get(k), where, f"value.{k}") for k in ("width", "height"))
        if abs(w) > 100 + PERCENT_TOLERANCE or abs(h) > 100 + PERCENT_TOLERANCE:
            raise fail(where, f"the box's size {w:g}% × {h:g}% is more than the image")
        rotation = number(value.get("rotation", 0), where, "value.rotation")
        box = box_from_percent(x, y, w, h, rotation, width, height)
        if not rotation % 360:
            check_box_inside(where, *box, width, height)
        found = {"class": self._class(item, value, label, where), "x": box[0], "y": box[1],
                 "width": box[2], "height": box[3]}
        return found | ({"rotation": rotation} if rotation else {})

    def _polygon(self, item: Mapping[str, Any], value: Mapping[str, Any],
                 label: LabelDef | None, where: str) -> dict[str, Any]:
        width, height = self.media.image_size(item, where)
        points = value.get("points")
        if not isinstance(points, list) or not all(
                isinstance(p, list) and len(p) == 2 for p in points):
            raise fail(where, f"value.points: expected a list of [x, y] pairs, got {points!r}")
        if len(points) < 3:
            raise fail(where, f"a polygon needs at least 3 points, got {len(points)}")
        pixels = [point_from_percent(percent(px, where, f"value.points[{k}]"),
                                     percent(py, where, f"value.points[{k}]"), width, height)
                  for k, (px, py) in enumerate(points)]
        return {"class": self._class(item, value, label, where), "points": pixels}

    def _keypoints(self, item: Mapping[str, Any], value: Mapping[str, Any],
                   label: LabelDef | None, where: str) -> dict[str, Any]:
        width, height = self.media.image_size(item, where)
        name = self._class(item, value, label, where)
        definition = label.class_named(name) if label is not None else None
        if definition is not None and len(definition.keypoints) != 1:
            raise fail(where, f"class {name!r} has {len(definition.keypoints)} keypoints; "
                       "Label Studio points are single, so each class needs exactly one")
        x, y = (percent(value.get(k), where, f"value.{k}") for k in ("x", "y"))
        return {"class": name, "points": [[*point_from_percent(x, y, width, height), 2]]}

    def _mask(self, item: Mapping[str, Any], value: Mapping[str, Any],
              label: LabelDef | None, where: str) -> dict[str, Any]:
        width, height = self.media.image_size(item, where)
        if value.get("format", "rle") != "rle" or not isinstance(value.get("rle"), list):
            raise fail(where, "a brush result needs value.format \"rle\" and value.rle, a "
                       "list of byte values")
        try:
            rle = brush_to_mask(value["rle"], width, height)
        except BrushError as error:
            raise fail(where, str(error)) from None
        return {"class": self._class(item, value, label, where), "rle": rle}

    def _classification(self, item: Mapping[str, Any], value: Mapping[str, Any],
                        label: LabelDef | None, where: str) -> dict[str, Any]:
        choices = value.get("choices")
        if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], str):
            raise fail(where, f"value.choices: a single-choice label takes one choice, got "
                       f"{choices!r}")
        return {"class": choices[0]}

    def _multilabel(self, item: Mapping[str, Any], value: Mapping[str, Any],
                    label: LabelDef | None, where: str) -> dict[str, Any]:
        choices = value.get("choices")
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            raise fail(where, f"value.choices: expected a list of choices, got {choices!r}")
        return {"classes": choices}

    def _rating(self, item: Mapping[str, Any], value: Mapping[str, Any],
                label: LabelDef | None, where: str) -> dict[str, Any]:
        return {"rating": integer(value.get("rating"), where, "value.rating")}

    def _transcription(self, item: Mapping[str, Any], value: Mapping[str, Any],
                       label: LabelDef | None, where: str) -> dict[str, Any]:
        text = value.get("text")
        if isinstance(text, str):
            return {"text": text}
        if not isinstance(text, list) or not all(isinstance(t, str) for t in text):
            raise fail(where, f"value.text: expected a list of strings, got {text!r}")
        return {"text": "\n".join(text)}

    def _span(self, item: Mapping[str, Any], value: Mapping[str, Any],
              label: LabelDef | None, where: str) -> dict[str, Any]:
        offsets = self.media.text(label, where)
        found = {}
        for key in ("start", "end"):
            js = integer(value.get(key), where, f"value.{key} (HyperText XPath ranges are "
                         "not supported)")
            index = offsets.to_python(js)
            if index is None:
                raise fail(where, f"value.{key} {js} is not a character boundary of the text "
                           "(JavaScript UTF-16 offsets)")
            found[key] = index
        return {"class": self._class(item, value, label, where), **found}

    def _audio_segment(self, item: Mapping[str, Any], value: Mapping[str, Any],
                       label: LabelDef | None, where: str) -> dict[str, Any]:
        start, end = (number(value.get(k), where, f"value.{k}") for k in ("start", "end"))
        return {"class": self._class(item, value, label, where), "start": start, "end": end}

    def _video_track(self, item: Mapping[str, Any], value: Mapping[str, Any],
                     label: LabelDef | None, where: str) -> dict[str, Any]:
        width, height = self.media.image_size(item, where)
        sequence = value.get("sequence")
        if not isinstance(sequence, list) or not sequence:
            raise fail(where, f"value.sequence: expected a list of keyframes, got {sequence!r}")
        frames: list[tuple[int, dict[str, Any], bool]] = []
        for k, frame in enumerate(sequence):
            at = f"value.sequence[{k}]"
            if not isinstance(frame, dict):
                raise fail(where, f"{at}: expected a keyframe object, got {frame!r}")
            number_ = integer(frame.get("frame"), where, f"{at}.frame")
            if number_ < 1:
                raise fail(where, f"{at}.frame: Label Studio frames count from 1, got "
                           f"{number_}")
            if frames and number_ - 1 <= frames[-1][0]:
                raise fail(where, f"{at}.frame: {number_} is not after the keyframe before "
                           f"it ({frames[-1][0] + 1}); keyframes go in increasing frame order")
            if number(frame.get("rotation", 0), where, f"{at}.rotation"):
                raise fail(where, f"{at}: rotated video boxes are not supported")
            box = box_from_percent(*(percent(frame.get(key), where, f"{at}.{key}")
                                     for key in ("x", "y", "width", "height")), 0,
                                   width, height)
            keyframe = {"frame": number_ - 1, "x": box[0], "y": box[1], "width": box[2],
                        "height": box[3]}
            frames.append((number_ - 1, keyframe, frame.get("enabled", True) is not False))
        count = self.media.data.get("frame_count")
        keyframes = keyframes_from_sequence(frames, count if type(count) is int else None)
        meta = item.get("meta") if isinstance(item.get("meta"), dict) else {}
        track = meta.get("track_id") if isinstance(meta.get("track_id"), int) else None
        self.tracks += 1
        return {"class": self._class(item, value, label, where),
                "track_id": track if track is not None else self.tracks,
                "keyframes": with_keyframe_attributes(keyframes, meta, where)}

    def _video_segment(self, item: Mapping[str, Any], value: Mapping[str, Any],
                       label: LabelDef | None, where: str) -> dict[str, Any]:
        start, end = segment_from_ranges(value, where)
        return {"class": self._class(item, value, label, where), "start": start, "end": end}

    def _relation(self, item: Mapping[str, Any], where: str, used: Mapping[str, str],
                  ids: set[str]) -> dict[str, Any]:
        ends = []
        for key in ("from_id", "to_id"):
            raw = item.get(key)
            if str(raw) not in used:
                raise fail(where, f"{key} {raw!r} names no region of this result")
            ends.append(used[str(raw)])
        direction = item.get("direction", "right")
        if direction not in ("right", "left"):
            raise fail(where, f"direction {direction!r}: only one-way relations (right, "
                       "left) are supported")
        if direction == "left":
            ends.reverse()
        labels = item.get("labels") or []
        if not isinstance(labels, list) or len(labels) > 1 or not all(
                isinstance(x, str) for x in labels):
            raise fail(where, f"labels: expected at most one relation class, got {labels!r}")
        name = self.binding.label("relation", labels[0] if labels else None, where)
        number_ = 1
        while f"relation-{number_}" in ids:
            number_ += 1
        ids.add(f"relation-{number_}")
        value: dict[str, Any] = {"from": ends[0], "to": ends[1]}
        if labels:
            value["class"] = labels[0]
        return {"id": f"relation-{number_}", "label": name, "type": "relation",
                "value": value}
