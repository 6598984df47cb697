"""One COCO annotation → our regions (docs/formats/coco.md has the mapping and its reasons).

An annotation's shape is its `segmentation` when it has one (polygons, or an RLE mask), else
its `bbox`: COCO tools derive the box from the segmentation, so keeping both would double the
object and break round trips. `keypoints` give a keypoints region; the box and segmentation
of a keypoint annotation are read as derived too unless the setting `keypoint_shapes=keep`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from accord.core.errors import InputError
from accord.core.geometry import rotated_box_corners
from accord.core.rle import decode_rle_counts
from accord.core.schema import LabelDef
from accord.formats.base import ReadContext, check_box_inside, fail


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    keypoints: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Image:
    id: int
    file_name: str
    width: int | None
    height: int | None


def by_id(found: dict[int, Any], key: Any) -> Any:
    """`found[key]` for an integer id, None for anything else (a list, a bool, a string)."""
    if not isinstance(key, int) or isinstance(key, bool):
        return None
    return found.get(key)


def is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def numbers(where: str, value: Any, what: str) -> list[float]:
    if not isinstance(value, list) or not all(is_number(v) for v in value):
        raise fail(where, f"{what}: expected a list of finite numbers, got {_show(value)}")
    return [float(v) for v in value]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Shapes:
    """Converts annotations of one import; caches schema lookups per label."""

    def __init__(self, context: ReadContext) -> None:
        self.context = context
        self.keep_keypoint_shapes = context.setting(
            "keypoint_shapes", "drop", ("drop", "keep")) == "keep"

    def label_def(self, name: str) -> LabelDef | None:
        schema = self.context.schema
        return schema.label(name) if schema is not None else None

    def regions(self, ann: dict[str, Any], where: str, category: Category | None,
                image: Image) -> list[dict[str, Any]]:
        """The regions of one annotation (without ids), in a fixed order."""
        if "caption" in ann:
            caption = ann["caption"]
            if not isinstance(caption, str):
                raise fail(where, f"caption: expected a string, got {_show(caption)}")
            label = self.context.binding.label("transcription", None, where)
            return [{"label": label, "type": "transcription", "value": {"text": caption}}]
        assert category is not None
        name = category.name
        found: list[dict[str, Any]] = []
        keypoints = ann.get("keypoints")
        has_points = keypoints is not None and keypoints != []
        if has_points:
            found.append(self._keypoints(ann, where, category, image))
        if not has_points or self.keep_keypoint_shapes:
            found += self._shape(ann, where, name, image)
        if not found and not has_points:
            found.append(self._label(name, where))
        for region in found:
            self.extras(ann, where, region)
        return found

    def _label(self, name: str, where: str) -> dict[str, Any]:
        """An image-level label (Datumaro's `labels_*.json`): a classification, or one
        class of a multilabel region when the schema has a multilabel label instead."""
        schema = self.context.schema
        if schema is not None and not any(label.type.value == "classification"
                                          for label in schema.labels) and any(
                label.type.value == "multilabel" for label in schema.labels):
            label = self.context.binding.label("multilabel", name, where)
            return {"label": label, "type": "multilabel", "value": {"classes": [name]}}
        label = self.context.binding.label("classification", name, where)
        return {"label": label, "type": "classification", "value": {"class": name}}

    def _shape(self, ann: dict[str, Any], where: str, name: str, image: Image
               ) -> list[dict[str, Any]]:
        segmentation = ann.get("segmentation")
        if isinstance(segmentation, dict):
            return [self._mask(segmentation, where, name, image)]
        if isinstance(segmentation, list) and segmentation:
            return [self._polygon(part, where, name, image, i)
                    for i, part in enumerate(segmentation, start=1)]
        if segmentation not in (None, []):
            raise fail(where, "segmentation: expected a list of polygons or an RLE object, "
                              f"got {_show(segmentation)}")
        box = ann.get("bbox")
        if box is None or box == []:
            return []
        return [self._bbox(ann, box, where, name, image)]

    def _bbox(self, ann: dict[str, Any], box: Any, where: str, name: str, image: Image
              ) -> dict[str, Any]:
        x, y, w, h = _four(where, box)
        value: dict[str, Any] = {"class": name, "x": x, "y": y, "width": w, "height": h}
        attributes = ann.get("attributes")
        rotation = attributes.get("rotation") if isinstance(attributes, dict) else None
        if rotation is not None:
            if not is_number(rotation):
                raise fail(where, f"attributes.rotation: expected degrees, got "
                                  f"{_show(rotation)}")
            value["rotation"] = float(rotation)
        if w < 0 or h < 0:
            check_box_inside(where, x, y, w, h, None, None)
        corners = rotated_box_corners(x, y, w, h, value.get("rotation", 0.0))
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        check_box_inside(where, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys),
                         image.width, image.height)
        label = self.context.binding.label("bbox", name, where)
        return {"label": label, "type": "bbox", "value": value}

    def _polygon(self, part: Any, where: str, name: str, image: Image, number: int
                 ) -> dict[str, Any]:
        at = f"segmentation polygon {number}"
        flat = numbers(where, part, at)
        if len(flat) % 2:
            raise fail(where, f"{at}: an odd number of coordinates ({len(flat)}); expected "
                              "x, y pairs")
        points = [[flat[i], flat[i + 1]] for i in range(0, len(flat), 2)]
        if len(points) > 3 and points[0] == points[-1]:
            points.pop()  # a ring closed by repeating its first point
        if len(points) < 3:
            raise fail(where, f"{at}: {len(points)} points; a polygon needs at least 3 "
                              "(6 numbers)")
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        check_box_inside(f"{where}, {at}", min(xs), min(ys), max(xs) - min(xs),
                         max(ys) - min(ys), image.width, image.height)
        label = self.context.binding.label("polygon", name, where)
        return {"label": label, "type": "polygon", "value": {"class": name, "points": points}}

    def _mask(self, rle: dict[str, Any], where: str, name: str, image: Image
              ) -> dict[str, Any]:
        size, counts = rle.get("size"), rle.get("counts")
        if (not isinstance(size, list) or len(size) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                           for v in size)):
            raise fail(where, f"segmentation.size: expected [height, width], got {_show(size)}")
        if image.height is not None and size != [image.height, image.width]:
            raise fail(where, f"segmentation.size {size} differs from the image's "
                              f"[{image.height}, {image.width}] (height, width)")
        if isinstance(counts, str):
            try:
                total = int(decode_rle_counts(counts).sum())
            except InputError as exc:
                raise fail(where, f"segmentation.counts: {exc.message}") from exc
        elif isinstance(counts, list) and all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts):
            total = sum(counts)
        else:
            raise fail(where, "segmentation.counts: expected a compressed RLE string or a "
                              f"list of run lengths, got {_show(counts)}")
        if total != size[0] * size[1]:
            raise fail(where, f"segmentation.counts: the runs cover {total} pixels, the "
                              f"{size[0]} × {size[1]} mask has {size[0] * size[1]}")
        label = self.context.binding.label("mask", name, where)
        return {"label": label, "type": "mask",
                "value": {"class": name, "rle": {"size": size, "counts": counts}}}

    def _keypoints(self, ann: dict[str, Any], where: str, category: Category, image: Image
                   ) -> dict[str, Any]:
        flat = numbers(where, ann["keypoints"], "keypoints")
        if len(flat) % 3:
            raise fail(where, f"keypoints: {len(flat)} numbers; expected x, y, v triples")
        points = [[flat[i], flat[i + 1], flat[i + 2]] for i in range(0, len(flat), 3)]
        for i, point in enumerate(points, start=1):
            if point[2] not in (0, 1, 2):
                raise fail(where, f"keypoint {i}: visibility {point[2]:g}; expected 0, 1 or 2")
            point[2] = int(point[2])
        label = self.context.binding.label("keypoints", category.name, where)
        label_def = self.label_def(label)
        known = label_def.class_named(category.name) if label_def is not None else None
        if known is not None:
            names = category.keypoints or known.keypoints
            if tuple(names) != known.keypoints:
                raise fail(where, f"category {category.name!r} names the keypoints "
                                  f"{list(names)}; the schema's class has "
                                  f"{list(known.keypoints)} (same names, same order)")
            if len(points) != len(known.keypoints):
                raise fail(where, f"keypoints: {len(points)} points; class "
                                  f"{category.name!r} has {len(known.keypoints)}")
        return {"label": label, "type": "keypoints",
                "value": {"class": category.name, "points": points}}

    def extras(self, ann: dict[str, Any], where: str, region: dict[str, Any]) -> None:
        """Score, and the attributes the region's label defines (others are not kept)."""
        score = ann.get("score")
        if score is not None:
            if not is_number(score):
                raise fail(where, f"score: expected a number, got {_show(score)}")
            region["score"] = float(score)
        label_def = self.label_def(region["label"])
        if label_def is None or not label_def.attributes:
            return
        attributes = ann.get("attributes")
        if attributes is not None and not isinstance(attributes, dict):
            raise fail(where, f"attributes: expected an object, got {_show(attributes)}")
        kept = {k: v for k, v in (attributes or {}).items()
                if k not in ("iscrowd", "rotation") and label_def.attribute_named(k)}
        crowd = label_def.attribute_named("iscrowd")
        if crowd is not None and "iscrowd" in ann:
            value = ann["iscrowd"]
            kept["iscrowd"] = bool(value) if crowd.type.value == "bool" else value
        if kept:
            region["attributes"] = kept


def _four(where: str, box: Any) -> tuple[float, float, float, float]:
    values = numbers(where, box, "bbox")
    if len(values) != 4:
        raise fail(where, f"bbox: expected [x, y, width, height], got {_show(box)}")
    return values[0], values[1], values[2], values[3]
