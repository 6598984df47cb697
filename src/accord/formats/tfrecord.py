"""TFRecord files in the TensorFlow Object Detection API's layout (docs/formats/tfrecord.md).

Each record is a `tf.train.Example` of one image: `image/filename`, `image/width`,
`image/height`, and per object normalized `image/object/bbox/xmin|xmax|ymin|ymax` with
`image/object/class/text` and/or `image/object/class/label` (ids of `label_map.pbtxt`).
Tasks reference the image by file name; the encoded image in the record is not stored.
No TensorFlow: the framing and the protobuf are read and written by `_tfrecord_io`.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from accord.core.errors import InputError
from accord.core.geometry import rotated_box_corners
from accord.formats import _tfrecord_io as io
from accord.formats._pbtxt import MAX_LABEL_MAP_BYTES, parse_label_map, write_label_map
from accord.formats.base import (
    Export,
    ExportItem,
    Format,
    ReadContext,
    check_box_inside,
    fail,
)
from accord.formats.source import Source
from accord.formats.zipstream import ZipStream

RECORD_FILE = re.compile(r"\.(tfrecords?|records?)(-\d+-of-\d+)?$", re.IGNORECASE)
LABEL_MAP = "label_map.pbtxt"
BOX_KEYS = ("xmin", "ymin", "xmax", "ymax")
KINDS = {"image/height": "int64", "image/width": "int64", "image/filename": "bytes",
         "image/source_id": "bytes", "image/encoded": "bytes", "image/format": "bytes",
         "image/object/class/text": "bytes", "image/object/class/label": "int64",
         **{f"image/object/bbox/{k}": "float" for k in BOX_KEYS}}
FORMATS_BY_SUFFIX = {".jpg": b"jpeg", ".jpeg": b"jpeg", ".png": b"png", ".gif": b"gif",
                     ".bmp": b"bmp", ".webp": b"webp"}


# -- reading -------------------------------------------------------------------------------

def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every record file of the source (the file itself when it is one), in path order;
    the `label_map.pbtxt` beside a file (else the one at the top) names its label ids."""
    paths = source.paths()
    files = paths if len(paths) == 1 else [p for p in paths if RECORD_FILE.search(p)]
    if not files:
        raise fail(source.name, "no TFRecord file in it (expected *.tfrecord or *.record)")
    unlabelled = context.setting("unlabelled", "error", ("error", "skip"))
    maps: dict[str, dict[int, str]] = {}
    for path in files:
        label_map = _label_map(source, path, maps)
        batch = PurePosixPath(path).name.split(".")[0] if len(files) > 1 else ""
        name = source.where(path)
        with source.open(path) as stream:
            try:
                for number, data in io.read_records(stream):
                    where = f"{name}, record {number}"
                    try:
                        features = io.parse_example(data)
                    except (ValueError, UnicodeDecodeError) as exc:
                        raise fail(where, f"not a valid tf.train.Example ({exc})") from None
                    record = _record(features, where, label_map, context, unlabelled)
                    if batch:
                        record["batch"] = batch
                    yield where, record
            except io.RecordError as exc:
                raise fail(f"{name}, record {exc.record}", exc.message) from None


def _label_map(source: Source, path: str, maps: dict[str, dict[int, str]]) -> dict[int, str]:
    folder = PurePosixPath(path).parent.as_posix()
    candidates = [p for p in (f"{folder}/{LABEL_MAP}" if folder != "." else LABEL_MAP,
                              LABEL_MAP) if p in source.paths()]
    if not candidates:
        return {}
    chosen = candidates[0]
    if chosen not in maps:
        with source.open(chosen) as stream:
            data = stream.read(MAX_LABEL_MAP_BYTES + 1)
        maps[chosen] = parse_label_map(data, source.where(chosen))
    return maps[chosen]


def _text(features: dict[str, Any], key: str, where: str) -> str | None:
    values = features.get(key) or []
    if not values:
        return None
    if len(values) != 1 or not isinstance(values[0], bytes):
        raise fail(where, f"{key}: expected one string, got {len(values)} values")
    try:
        return values[0].decode("utf-8")
    except UnicodeDecodeError:
        raise fail(where, f"{key}: not UTF-8 text") from None


def _size(features: dict[str, Any], key: str, where: str) -> int | None:
    values = features.get(key) or []
    if not values:
        return None
    if len(values) != 1 or not isinstance(values[0], int) or not 0 < values[0] < 2**31:
        raise fail(where, f"{key}: expected one positive whole number, got {values!r}"[:300])
    return values[0]


def _record(features: dict[str, Any], where: str, label_map: dict[int, str],
            context: ReadContext, unlabelled: str) -> dict[str, Any]:
    filename = _text(features, "image/filename", where) or _text(features, "image/source_id",
                                                                  where)
    if not filename:
        raise fail(where, "the record has no image/filename (nor image/source_id)")
    width, height = _size(features, "image/width", where), _size(features, "image/height",
                                                                  where)
    data: dict[str, Any] = {context.binding.data_key("image"): context.media(filename)}
    if width is not None and height is not None:
        data["width"], data["height"] = width, height
    regions = _regions(features, where, label_map, context, unlabelled, width, height)
    return {"data": data, "annotations": [{"regions": regions}]}


def _classes(features: dict[str, Any], where: str, count: int, label_map: dict[int, str]
             ) -> list[str | None]:
    texts = features.get("image/object/class/text") or []
    ids = features.get("image/object/class/label") or []
    for key, values in (("class/text", texts), ("class/label", ids)):
        if values and len(values) != count:
            raise fail(where, f"image/object/{key} has {len(values)} values for {count} boxes")
    classes: list[str | None] = []
    for index in range(count):
        text = texts[index] if texts else b""
        if not isinstance(text, bytes):
            raise fail(where, "image/object/class/text: expected strings")
        if text:
            try:
                classes.append(text.decode("utf-8"))
            except UnicodeDecodeError:
                raise fail(f"{where}, object {index + 1}", "the class is not UTF-8") from None
            continue
        label_id = ids[index] if ids else 0
        if not isinstance(label_id, int):
            raise fail(where, "image/object/class/label: expected whole numbers")
        if label_id <= 0:
            classes.append(None)  # the background id: no class
        elif label_id in label_map:
            classes.append(label_map[label_id])
        else:
            known = (f"ids {', '.join(map(str, sorted(label_map)))}" if label_map
                     else "none given: add label_map.pbtxt")
            raise fail(f"{where}, object {index + 1}",
                       f"class id {label_id} is not in the label map ({known})")
    return classes


def _regions(features: dict[str, Any], where: str, label_map: dict[int, str],
             context: ReadContext, unlabelled: str, width: int | None, height: int | None
             ) -> list[dict[str, Any]]:
    coords = [features.get(f"image/object/bbox/{k}") or [] for k in BOX_KEYS]
    count = len(coords[0])
    if any(len(c) != count for c in coords) or not all(
            isinstance(v, float) for c in coords for v in c):
        raise fail(where, "image/object/bbox/xmin, ymin, xmax and ymax must be float lists "
                          f"of one length, got {', '.join(str(len(c)) for c in coords)}")
    if count and (width is None or height is None):
        raise fail(where, "the record has boxes but no image/width and image/height")
    classes = _classes(features, where, count, label_map)
    regions = []
    for index in range(count):
        at = f"{where}, object {index + 1}"
        if classes[index] is None:
            if unlabelled == "skip":
                continue
            raise fail(at, "the box has no class (no class/text, class/label 0); "
                           "import with the setting unlabelled=skip to leave such boxes out")
        if not all(math.isfinite(c[index]) for c in coords):
            raise fail(at, "a box coordinate is not a finite number")
        xmin, ymin, xmax, ymax = (_decimal(c[index]) for c in coords)
        assert width is not None and height is not None
        x, y = _pixels(xmin * width), _pixels(ymin * height)
        w, h = _pixels((xmax - xmin) * width), _pixels((ymax - ymin) * height)
        check_box_inside(at, x, y, w, h, width, height)
        class_name = classes[index]
        regions.append({"id": str(len(regions) + 1),
                        "label": _label(context, class_name, at), "type": "bbox",
                        "value": {"class": class_name, "x": x, "y": y, "width": w,
                                  "height": h}})
    return regions


def _label(context: ReadContext, class_name: str | None, where: str) -> str:
    label = context.binding.label("bbox", class_name, where)
    schema = context.schema
    definition = schema.label(label) if schema is not None else None
    if definition is not None and class_name and definition.class_named(class_name) is None:
        raise fail(where, f"class {class_name!r} is not one of label {label!r}'s classes "
                          f"({', '.join(c.name for c in definition.classes)})")
    return label


def _decimal(value: float) -> float:
    """The shortest decimal that is the same float32 (0.2, not 0.20000000298…), so pixel
    coordinates carry no float32 noise."""
    for digits in range(1, 10):
        shortest = float(f"{value:.{digits}g}")
        if _float32(shortest) == value:
            return shortest
    return value


def _float32(value: float) -> float:
    return struct.unpack("<f", struct.pack("<f", value))[0]


def _pixels(value: float) -> float:
    return float(f"{value:.12g}")


# -- writing -------------------------------------------------------------------------------

def write(export: Export) -> Iterator[bytes]:
    """A zip of `<project>.tfrecord` (a record per task, in task order) and
    `label_map.pbtxt` (the schema's bbox classes, ids from 1 in schema order)."""
    classes = _export_classes(export)
    ids = {name: number for number, name in enumerate(classes, start=1)}
    archive = ZipStream()
    yield from archive.add(LABEL_MAP, write_label_map(classes))
    yield from archive.add("data.tfrecord", (io.frame(_example(item, ids, export))
                                             for item in export.items()))
    yield from archive.close()


def _export_classes(export: Export) -> list[str]:
    schema = export.schema
    names: list[str] = []
    if schema is not None:
        for label in schema.labels:
            if label.type.value == "bbox":
                names += [c.name for c in label.classes if c.name not in names]
        return names
    for item in export.items():  # no schema: the classes the boxes use, first seen first
        for region in item.regions:
            if region.get("type") == "bbox" and region["value"]["class"] not in names:
                names.append(region["value"]["class"])
    return names


def _example(item: ExportItem, ids: dict[str, int], export: Export) -> bytes:
    boxes = [r for r in item.regions if r.get("type") == "bbox"]
    media = item.media or str(item.task_id)
    features: dict[str, list[Any]] = {
        "image/filename": [media.encode()], "image/source_id": [str(item.task_id).encode()],
        "image/format": [FORMATS_BY_SUFFIX.get(PurePosixPath(media.split("?")[0]).suffix
                                               .lower(), b"")],
        "image/encoded": [_encoded(item, export)],
        "image/object/class/text": [], "image/object/class/label": [],
        **{f"image/object/bbox/{k}": [] for k in BOX_KEYS}}
    if item.width is not None and item.height is not None:
        features["image/width"], features["image/height"] = [item.width], [item.height]
    elif boxes:
        raise InputError(f"task {item.task_id}: its image size is unknown (no width and "
                         "height in its data, no local file), so its boxes cannot be "
                         "normalized for TFRecord", task_id=item.task_id)
    for region in boxes:
        value = region["value"]
        x0, y0, x1, y1 = _extent(value)
        assert item.width is not None and item.height is not None
        for key, number in zip(BOX_KEYS, (x0 / item.width, y0 / item.height,
                                          x1 / item.width, y1 / item.height), strict=True):
            features[f"image/object/bbox/{key}"].append(number)
        features["image/object/class/text"].append(value["class"].encode())
        features["image/object/class/label"].append(ids.get(value["class"], 0))
    return io.encode_example(features, KINDS)


def _extent(value: dict[str, Any]) -> tuple[float, float, float, float]:
    """A box's corners; a rotated box becomes the upright box around it (TFRecord boxes
    have no rotation)."""
    x, y, w, h = value["x"], value["y"], value["width"], value["height"]
    if not value.get("rotation"):
        return x, y, x + w, y + h
    corners = rotated_box_corners(x, y, w, h, value["rotation"])
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _encoded(item: ExportItem, export: Export) -> bytes:
    if not export.options.include_media or not item.media:
        return b""
    path = export.media_file(item.media)
    return path.read_bytes() if path is not None else b""


FORMAT = Format(
    name="tfrecord", title="TFRecord (TF Object Detection API)",
    description="tf.train.Example records with normalized boxes and class names/ids (and a "
                "label_map.pbtxt), as the TensorFlow Object Detection API trains from.",
    extension=".zip", media_type="application/zip", read=read, write=write,
    layout="file", modality="image",
    settings={"unlabelled": "import: boxes without a class (label id 0): error (default) or skip"})
