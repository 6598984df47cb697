"""Reading COCO annotation files into task records.

Each JSON is parsed whole with orjson, as every COCO tool does (the format is one document
with cross-references; see docs/formats/coco.md for the memory it takes). Files of one
batch (`instances_train.json`, `captions_train.json`, … → batch `train`) are merged by image
`file_name`, so a folder holding several kinds of annotation gives one task per image.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import orjson

from accord.formats._coco_panoptic import panoptic_regions
from accord.formats._coco_shapes import Category, Image, Shapes, by_id
from accord.formats.base import ReadContext, fail
from accord.formats.source import Source

#: the file name prefixes of COCO's annotation kinds; what follows is the batch (subset)
KINDS = ("person_keypoints", "instances", "captions", "labels", "image_info", "stuff",
         "panoptic")


@dataclass(slots=True)
class _Task:
    where: str
    image: Image
    answered: bool = False
    regions: list[dict[str, Any]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


def batch_of(path: str) -> tuple[str, str]:
    """(kind, batch) of an annotation file: `annotations/instances_val.json` → instances,
    val; Roboflow's `train/_annotations.coco.json` → its folder's name."""
    pure = PurePosixPath(path)
    stem = pure.name[:-5] if pure.name.lower().endswith(".json") else pure.name
    for kind in KINDS:
        if stem == kind or stem.startswith(kind + "_"):
            return kind, stem[len(kind) + 1:]
    if stem.startswith("_annotations"):
        return "instances", pure.parent.name if pure.parent.name != "." else ""
    return "instances", ""


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = source.paths() if len(source.paths()) == 1 else source.only(".json")
    if not paths:
        raise fail(source.name, "no COCO annotation file (*.json) in it")
    batches: dict[str, list[str]] = {}
    for path in paths:
        batches.setdefault(batch_of(path)[1], []).append(path)
    shapes = Shapes(context)
    for batch, batch_paths in batches.items():
        yield from _read_batch(source, batch, batch_paths, context, shapes)


def _read_batch(source: Source, batch: str, paths: list[str], context: ReadContext,
                shapes: Shapes) -> Iterator[tuple[str, dict[str, Any]]]:
    tasks: dict[str, _Task] = {}
    for path in paths:
        _read_file(source, path, tasks, shapes)
    key = context.binding.data_key("image")
    for task in tasks.values():
        image = task.image
        data: dict[str, Any] = {key: context.media(image.file_name)}
        if image.width is not None and image.height is not None:
            data["width"], data["height"] = image.width, image.height
        record: dict[str, Any] = {"data": data}
        if batch:
            record["batch"] = batch
        if task.answered:
            record["annotations"] = [{"regions": task.regions}]
        yield task.where, record


def load(source: Source, path: str) -> dict[str, Any]:
    where = source.where(path)
    with source.open(path) as stream:
        content = stream.read()
    try:
        doc = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise fail(where, f"not valid JSON ({exc.msg}) at line {exc.lineno}, column "
                          f"{exc.colno}", line=exc.lineno, column=exc.colno) from exc
    if not isinstance(doc, dict):
        raise fail(where, "expected a COCO object with `images`, `annotations` and "
                          f"`categories`, got a JSON {type(doc).__name__}")
    if not isinstance(doc.get("images"), list):
        raise fail(where, "no `images` list; a COCO annotation file lists its images")
    return doc


def _read_file(source: Source, path: str, tasks: dict[str, _Task], shapes: Shapes) -> None:
    where = source.where(path)
    kind = batch_of(path)[0]
    doc = load(source, path)
    categories = _categories(doc, where)
    images = _images(doc, where, tasks)
    annotations = doc.get("annotations")
    if kind == "image_info" or annotations is None:
        return
    if not isinstance(annotations, list):
        raise fail(where, f"`annotations`: expected a list, got {type(annotations).__name__}")
    for task in images.values():
        task.answered = True
    for index, ann in enumerate(annotations):
        if not isinstance(ann, dict):
            raise fail(f"{where}, annotation {index + 1}", "expected an object")
        task = by_id(images, ann.get("image_id"))
        if "segments_info" in ann:
            at = f"{where}, annotation of image id {ann.get('image_id')!r}"
            if task is None:
                raise fail(at, "image_id is not in the file's images")
            for ann_id, region in panoptic_regions(source, path, ann, at, categories,
                                                   task.image, shapes):
                _add(task, region, ann_id, kind)
            continue
        ann_id = ann.get("id")
        if isinstance(ann_id, int | str) and not isinstance(ann_id, bool) and ann_id != "":
            at = f"{where}, annotation id {ann_id}"
        else:  # no usable id: its place in the list names it
            ann_id = index + 1
            at = f"{where}, annotation {ann_id}"
        if task is None:
            raise fail(at, f"image_id {ann.get('image_id')!r} is not in the file's images")
        category = None
        if "caption" not in ann:
            category = by_id(categories, ann.get("category_id"))
            if category is None:
                raise fail(at, f"category_id {ann.get('category_id')!r} is not in the "
                               "file's categories")
        for part, region in enumerate(shapes.regions(ann, at, category, task.image), 1):
            _add(task, region, ann_id, kind, part)


def _add(task: _Task, region: dict[str, Any], ann_id: Any, kind: str, part: int = 1) -> None:
    """Region ids are the annotation ids, `17.2` for an annotation's second region; an id
    another file of the batch took on the same image gets the file's kind in front."""
    if region["type"] == "multilabel":
        same = next((r for r in task.regions if r["type"] == "multilabel"
                     and r["label"] == region["label"]), None)
        if same is not None:
            classes = same["value"]["classes"]
            classes += [c for c in region["value"]["classes"] if c not in classes]
            return
    own = str(ann_id) if part == 1 else f"{ann_id}.{part}"
    region_id, number = own, 1
    while region_id in task.ids:
        number += 1
        region_id = f"{kind}-{own}" if number == 2 else f"{kind}-{own}-{number}"
    task.ids.add(region_id)
    task.regions.append({"id": region_id, **region})


def _categories(doc: dict[str, Any], where: str) -> dict[int, Category]:
    raw = doc.get("categories", [])
    if not isinstance(raw, list):
        raise fail(where, f"`categories`: expected a list, got {type(raw).__name__}")
    found: dict[int, Category] = {}
    for index, cat in enumerate(raw, start=1):
        at = f"{where}, category {index}"
        if not isinstance(cat, dict):
            raise fail(at, "expected an object with `id` and `name`")
        cat_id, name, points = cat.get("id"), cat.get("name"), cat.get("keypoints", [])
        if not isinstance(cat_id, int) or isinstance(cat_id, bool):
            raise fail(at, f"id: expected an integer, got {cat_id!r}")
        if not isinstance(name, str) or not name:
            raise fail(at, f"name: expected a non-empty string, got {name!r}")
        if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
            raise fail(at, f"keypoints: expected a list of names, got {points!r}")
        if cat_id in found:
            raise fail(at, f"category id {cat_id} is listed twice")
        found[cat_id] = Category(name, tuple(points))
    return found


def _images(doc: dict[str, Any], where: str, tasks: dict[str, _Task]) -> dict[int, _Task]:
    """The file's images by id; an image already met in another file of the batch is the
    same task (same `file_name`), so its size must agree."""
    found: dict[int, _Task] = {}
    for index, raw in enumerate(doc["images"], start=1):
        if not isinstance(raw, dict):
            raise fail(f"{where}, image {index}", "expected an object")
        image_id = raw.get("id")
        at = f"{where}, image id {image_id!r}"
        if not isinstance(image_id, int) or isinstance(image_id, bool):
            raise fail(f"{where}, image {index}", f"id: expected an integer, got {image_id!r}")
        name = raw.get("file_name")
        if not isinstance(name, str) or not name:
            raise fail(at, f"file_name: expected a non-empty string, got {name!r}")
        width, height = raw.get("width"), raw.get("height")
        for key, value in (("width", width), ("height", height)):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or value <= 0):
                raise fail(at, f"{key}: expected a positive integer, got {value!r}")
        if image_id in found:
            raise fail(at, "the image id is listed twice")
        image = Image(image_id, name, width, height)
        task = tasks.get(name)
        if task is None:
            task = tasks[name] = _Task(at, image)
        elif (task.image.width, task.image.height) != (width, height):
            raise fail(at, f"{name!r} is {width} × {height} here but {task.image.width} × "
                           f"{task.image.height} in {task.where}")
        found[image_id] = task
    return found
