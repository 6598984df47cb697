"""VOC segmentation PNGs as `mask` regions, read when the schema has a mask label.

`SegmentationObject/<id>.png` numbers the objects (pixel value or palette colour i =
object i); `SegmentationClass/<id>.png` gives each pixel's class (index into
`labelmap.txt`, else VOC's 21 classes; colour images are mapped back through the
label map's colours or the VOC palette). Each object becomes one mask of the class most of
its pixels have; with only the class PNG, each class present becomes one mask. Index 0
(background) and 255 (VOC's void border, "ignored") are not regions.

The export writes the same two PNGs back from a task's mask regions (`pngs`).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from accord.core.errors import InputError
from accord.core.rle import decode_rle_counts, rle_from_bitmap
from accord.formats.base import ReadContext, fail
from accord.formats.source import Source

VOC_CLASSES = ("background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car",
               "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person",
               "pottedplant", "sheep", "sofa", "train", "tvmonitor")
VOID = 255
SKIPPED_NAMES = ("background", "ignored")


def palette(index: int) -> tuple[int, int, int]:
    """VOC's colour for index `index` (bit-interleaved; 0 is black, 255 is 224,224,192)."""
    rgb = [0, 0, 0]
    for shift in range(7, -1, -1):
        for channel in range(3):
            rgb[channel] |= ((index >> channel) & 1) << shift
        index >>= 3
    return rgb[0], rgb[1], rgb[2]


def labelmap(source: Source, root: str) -> list[tuple[str, tuple[int, int, int]]]:
    """(name, colour) by class index: labelmap.txt's lines, else VOC's classes."""
    path = f"{root}labelmap.txt"
    if path not in set(source.paths()):
        return [(name, palette(i)) for i, name in enumerate(VOC_CLASSES)]
    found = []
    with source.open(path) as stream:
        for number, raw in enumerate(stream, start=1):
            line = raw.decode("utf-8", "replace").strip()
            if not line or line.startswith("#"):
                continue
            name, _, rest = line.partition(":")
            color = rest.partition(":")[0]
            try:
                rgb = tuple(int(c) for c in color.split(",")) if color else palette(len(found))
            except ValueError:
                rgb = ()
            if not name or len(rgb) != 3:
                raise fail(f"{source.where(path)}, line {number}",
                           f"expected 'name:r,g,b:parts:actions', got {line!r}")
            found.append((name, rgb))
    return found  # type: ignore[return-value]


def _indices(source: Source, path: str, colors: dict[int, int], size: tuple[int, int] | None
             ) -> np.ndarray:
    where = source.where(path)
    try:
        with source.open(path) as stream, Image.open(stream) as image:
            image.load()
            if size is not None and image.size != size:
                raise fail(where, f"the mask is {image.size[0]} × {image.size[1]}, the image "
                                  f"{size[0]} × {size[1]}")
            if image.mode in ("P", "L"):
                return np.asarray(image, dtype=np.int64)
            rgb = np.asarray(image.convert("RGB"), dtype=np.int64)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise fail(where, f"not a readable PNG ({exc})") from exc
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    values, inverse = np.unique(packed, return_inverse=True)
    unknown = [int(v) for v in values if int(v) not in colors]
    if unknown:
        v = unknown[0]
        raise fail(where, f"colour ({v >> 16}, {(v >> 8) & 255}, {v & 255}) is not in the "
                          "label map")
    return np.array([colors[int(v)] for v in values], dtype=np.int64)[inverse].reshape(
        packed.shape)


def _pack(rgb: tuple[int, int, int]) -> int:
    return (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]


def has_mask_label(context: ReadContext) -> bool:
    return context.schema is not None and any(
        label.type.value == "mask" for label in context.schema.labels)


def regions(source: Source, paths: set[str], root: str, item: str, context: ReadContext,
            size: tuple[int, int] | None, next_id: int,
            classes: list[tuple[str, tuple[int, int, int]]]) -> list[dict[str, Any]]:
    class_png, object_png = (f"{root}SegmentationClass/{item}.png",
                             f"{root}SegmentationObject/{item}.png")
    if class_png not in paths and object_png not in paths:
        return []
    class_colors = {_pack(rgb): i for i, (_, rgb) in enumerate(classes)}
    class_colors.setdefault(_pack(palette(VOID)), VOID)
    by_class = _indices(source, class_png, class_colors, size) if class_png in paths else None
    found: list[dict[str, Any]] = []

    def add(bitmap: np.ndarray, index: int, where: str) -> None:
        if index >= len(classes):
            raise fail(where, f"class index {index} is not in the label map "
                              f"({len(classes)} classes)")
        name = classes[index][0]
        if name in SKIPPED_NAMES:
            return
        label = context.binding.label("mask", name, where)
        found.append({"id": str(next_id + len(found)), "label": label, "type": "mask",
                      "value": {"class": name, "rle": rle_from_bitmap(bitmap)}})

    if object_png in paths:
        where = source.where(object_png)
        objects = _indices(source, object_png, {_pack(palette(i)): i for i in range(256)},
                           size)
        for instance in (int(i) for i in np.unique(objects) if i not in (0, VOID)):
            bitmap = objects == instance
            if by_class is None:
                raise fail(where, f"object {instance} has no class: "
                                  f"{class_png} is missing")
            under = by_class[bitmap]
            under = under[(under != 0) & (under != VOID)]
            if under.size == 0:
                raise fail(where, f"object {instance} lies on background only in "
                                  f"{class_png}")
            add(bitmap, int(np.bincount(under).argmax()), f"{where}, object {instance}")
    elif by_class is not None:
        where = source.where(class_png)
        for index in (int(i) for i in np.unique(by_class) if i not in (0, VOID)):
            add(by_class == index, index, f"{where}, class {index}")
    return found


def _bitmap(rle: dict[str, Any]) -> np.ndarray:
    height, width = (int(s) for s in rle["size"])
    counts = rle["counts"]
    runs = decode_rle_counts(counts) if isinstance(counts, str) else np.asarray(counts)
    values = np.zeros(len(runs), dtype=bool)
    values[1::2] = True
    flat = np.repeat(values, np.asarray(runs, dtype=np.int64))
    if flat.size != height * width:
        raise ValueError(f"runs add up to {flat.size}, not {height} × {width}")
    return flat.reshape((height, width), order="F")


def _png(indices: np.ndarray) -> bytes:
    height, width = indices.shape
    image = Image.frombytes("P", (width, height), indices.astype(np.uint8).tobytes())
    image.putpalette([c for i in range(256) for c in palette(i)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pngs(masks: list[tuple[str, dict[str, Any]]], positions: dict[str, int],
         size: tuple[int, int]) -> tuple[bytes, bytes]:
    """SegmentationClass and SegmentationObject PNGs (VOC palette) of one task's masks
    (region `where`, value), object i = the i-th mask; a later mask covers an earlier one."""
    width, height = size
    classes = np.zeros((height, width), dtype=np.int64)
    objects = np.zeros((height, width), dtype=np.int64)
    if len(masks) >= VOID:
        raise fail(masks[VOID - 1][0], f"{len(masks)} masks on one image; VOC's object PNG "
                                       f"numbers at most {VOID - 1}")
    for instance, (where, value) in enumerate(masks, start=1):
        try:
            bitmap = _bitmap(value["rle"])
        except (InputError, ValueError, KeyError, TypeError) as exc:
            raise fail(where, f"the mask's RLE cannot be decoded ({exc})") from exc
        if bitmap.shape != (height, width):
            raise fail(where, f"the mask is {bitmap.shape[1]} × {bitmap.shape[0]}, the image "
                              f"{width} × {height}")
        classes[bitmap] = positions[str(value["class"])]
        objects[bitmap] = instance
    return _png(classes), _png(objects)
