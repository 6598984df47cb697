"""Writing COCO: the instances JSON `pycocotools.coco.COCO` loads, or the results list.

Streamed: the header and categories first, then `images` as tasks come, while annotations
are spooled to a temporary file and appended after. The per-region work is a dict lookup
and one small `orjson.dumps`, since exports reach millions of boxes (docs/formats/coco.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import orjson

from accord.core.errors import InputError
from accord.core.geometry import polygon_area
from accord.core.rle import decode_rle_counts
from accord.core.schema import Schema
from accord.formats.base import Export, ExportItem

SHAPE_TYPES = ("bbox", "polygon", "mask", "keypoints")
FLUSH_AT = 4096  # annotations gathered before one write to the spool
Shape = tuple[list[float], float, Any, int]  # bbox, area, segmentation, iscrowd


class Categories:
    """One category per class name of the schema's image-shape labels, in schema order; a
    class of a keypoints label carries its keypoint names and skeleton."""

    def __init__(self, schema: Schema | None) -> None:
        self.entries: list[dict[str, Any]] = []
        self.ids: dict[str, int] = {}
        for label in schema.labels if schema is not None else ():
            if label.type.value not in SHAPE_TYPES:
                continue
            for cls in label.classes:
                if cls.name in self.ids:
                    entry = self.entries[self.ids[cls.name] - 1]
                else:
                    self.ids[cls.name] = len(self.entries) + 1
                    entry = {"id": len(self.entries) + 1, "name": cls.name,
                             "supercategory": label.name}
                    self.entries.append(entry)
                if label.type.value == "keypoints" and "keypoints" not in entry:
                    index = {name: i for i, name in enumerate(cls.keypoints, start=1)}
                    entry["keypoints"] = list(cls.keypoints)
                    entry["skeleton"] = [[index[a], index[b]] for a, b in cls.skeleton]

    def id_of(self, name: str, item: ExportItem) -> int:
        found = self.ids.get(name)
        if found is None:
            raise InputError(f"task {item.task_id}: class {name!r} is not a class of the "
                             "schema's image labels, so it has no COCO category",
                             task_id=item.task_id)
        return found


def _bbox(value: dict[str, Any]) -> Shape:
    w, h = value["width"], value["height"]
    return [value["x"], value["y"], w, h], w * h, [], 0


def _polygon(value: dict[str, Any]) -> Shape:
    points = value["points"]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x, y = min(xs), min(ys)
    flat = [c for p in points for c in p[:2]]
    return [x, y, max(xs) - x, max(ys) - y], polygon_area(points), [flat], 0


def _mask(value: dict[str, Any]) -> Shape:
    rle = value["rle"]
    area, box = mask_area_and_box(rle)
    return box, area, rle, 0


def _keypoints(value: dict[str, Any]) -> Shape:
    seen = [p for p in value["points"] if p[2] > 0]
    if not seen:
        return [0, 0, 0, 0], 0, [], 0
    xs, ys = [p[0] for p in seen], [p[1] for p in seen]
    x, y = min(xs), min(ys)
    w, h = max(xs) - x, max(ys) - y
    return [x, y, w, h], w * h, [], 0


SHAPES: dict[str, Callable[[dict[str, Any]], Shape]] = {
    "bbox": _bbox, "polygon": _polygon, "mask": _mask, "keypoints": _keypoints}


def mask_area_and_box(rle: dict[str, Any]) -> tuple[int, list[int]]:
    """Foreground pixels and bounding box of an RLE mask, from its runs (as `toBbox`)."""
    height = rle["size"][0]
    counts = rle["counts"]
    runs = decode_rle_counts(counts) if isinstance(counts, str) else np.asarray(
        counts, dtype=np.int64)
    ends = np.cumsum(runs)
    starts = ends - runs
    begin, end = starts[1::2], ends[1::2]
    keep = end > begin
    begin, end = begin[keep], end[keep] - 1
    if begin.size == 0:
        return 0, [0, 0, 0, 0]
    area = int((end - begin + 1).sum())
    first_col, last_col = begin // height, end // height
    x0, x1 = int(first_col.min()), int(last_col.max()) + 1
    single = first_col == last_col
    y0 = 0 if not single.all() else int((begin % height).min())
    y1 = height if not single.all() else int((end % height).max()) + 1
    return area, [x0, y0, x1 - x0, y1 - y0]


def annotation(region: dict[str, Any], ann_id: int, item: ExportItem,
               categories: Categories) -> dict[str, Any] | None:
    """The COCO annotation of one region, or None for types COCO has no place for."""
    shape = SHAPES.get(region["type"])
    if shape is None:
        return None
    value = region["value"]
    box, area, segmentation, crowd = shape(value)
    ann: dict[str, Any] = {"id": ann_id, "image_id": item.task_id,
                           "category_id": categories.id_of(value["class"], item),
                           "bbox": box, "area": area, "iscrowd": crowd,
                           "segmentation": segmentation}
    if region["type"] == "keypoints":
        points = value["points"]
        ann["keypoints"] = [c for p in points for c in p]
        ann["num_keypoints"] = sum(1 for p in points if p[2] > 0)
    if "score" in region:
        ann["score"] = region["score"]
    attributes = region.get("attributes")
    rotation = value.get("rotation")
    if attributes or rotation:
        attributes = dict(attributes or {})
        crowd_flag = attributes.pop("iscrowd", None)
        if isinstance(crowd_flag, bool | int | float):
            ann["iscrowd"] = int(crowd_flag)
        if rotation:
            attributes["rotation"] = rotation
        if attributes:
            ann["attributes"] = attributes
    return ann


def write(export: Export) -> Iterator[bytes]:
    layout = export.options.settings.get("layout", "instances")
    if layout not in ("instances", "results"):
        raise InputError(f"setting layout: expected instances or results, got {layout!r}",
                         field="settings.layout")
    categories = Categories(export.schema)
    if layout == "results":
        return _results(export, categories)
    return _instances(export, categories)


def _instances(export: Export, categories: Categories) -> Iterator[bytes]:
    header = {"info": {"description": export.project_name}, "licenses": [],
              "categories": categories.entries}
    yield orjson.dumps(header)[:-1] + b',"images":['
    dumps, ids = orjson.dumps, categories.ids
    with tempfile.TemporaryFile() as spool:
        anns: list[dict[str, Any]] = []
        images: list[dict[str, Any]] = []
        ann_id, wrote_ann, wrote_image = 0, False, False
        for item in export.items():
            image = _image(item)
            images.append(image)
            task_id = item.task_id
            for region in item.regions:
                value = region["value"]
                # the common case inline: a plain box (no score, attributes or rotation)
                if (region["type"] == "bbox" and len(region) == 4 and "rotation" not in value
                        and value["class"] in ids):
                    ann_id += 1
                    w, h = value["width"], value["height"]
                    anns.append({"id": ann_id, "image_id": task_id,
                                 "category_id": ids[value["class"]],
                                 "bbox": [value["x"], value["y"], w, h], "area": w * h,
                                 "iscrowd": 0, "segmentation": []})
                    continue
                ann = annotation(region, ann_id + 1, item, categories)
                if ann is None:
                    continue
                if "width" not in image and region["type"] == "polygon":
                    raise InputError(f"task {item.task_id}: the image size is unknown, and "
                                     "its polygon needs it; put integer width and height in "
                                     "the task's data", task_id=item.task_id)
                ann_id += 1
                anns.append(ann)
            if len(anns) >= FLUSH_AT:
                spool.write((b"," if wrote_ann else b"") + dumps(anns)[1:-1])
                wrote_ann, anns = True, []
            if len(images) >= FLUSH_AT:
                yield (b"," if wrote_image else b"") + dumps(images)[1:-1]
                wrote_image, images = True, []
        if images:
            yield (b"," if wrote_image else b"") + dumps(images)[1:-1]
        if anns:
            spool.write((b"," if wrote_ann else b"") + dumps(anns)[1:-1])
        yield b'],"annotations":['
        spool.seek(0)
        while chunk := spool.read(1 << 20):
            yield chunk
    yield b"]}"


def _image(item: ExportItem) -> dict[str, Any]:
    if not item.media:
        raise InputError(f"task {item.task_id}: no image to name in COCO's file_name (the "
                         "task has no media)", task_id=item.task_id)
    image: dict[str, Any] = {"id": item.task_id, "file_name": item.media}
    if item.width is not None and item.height is not None:
        image["width"], image["height"] = item.width, item.height
    return image


def _results(export: Export, categories: Categories) -> Iterator[bytes]:
    """`[{image_id, category_id, bbox, score}]`: every region with a box, score 1 if none."""
    yield b"["
    dumps, pending, wrote = orjson.dumps, [], False
    for item in export.items():
        for region in item.regions:
            shape = SHAPES.get(region["type"])
            if shape is None:
                continue
            pending.append(dumps({
                "image_id": item.task_id,
                "category_id": categories.id_of(region["value"]["class"], item),
                "bbox": shape(region["value"])[0], "score": region.get("score", 1.0)}))
        if len(pending) >= FLUSH_AT:
            yield (b"," if wrote else b"") + b",".join(pending)
            wrote, pending = True, []
    if pending:
        yield (b"," if wrote else b"") + b",".join(pending)
    yield b"]"
