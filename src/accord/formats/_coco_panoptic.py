"""COCO panoptic annotations: each segment of an image's PNG → a mask region.

`panoptic_train.json` names, per image, a PNG in the folder `panoptic_train/` beside it,
whose pixel colours encode segment ids (id = R + 256·G + 256²·B); `segments_info` gives each
segment's category. Each segment becomes a `mask` region with the segment id as its id.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from accord.core.rle import rle_from_bitmap
from accord.formats._coco_shapes import by_id
from accord.formats.base import fail
from accord.formats.source import Source

if TYPE_CHECKING:
    from accord.formats._coco_shapes import Category, Image, Shapes


def panoptic_regions(source: Source, path: str, ann: dict[str, Any], where: str,
                     categories: dict[int, Category], image: Image, shapes: Shapes
                     ) -> Iterator[tuple[int, dict[str, Any]]]:
    segments, name = ann.get("segments_info"), ann.get("file_name")
    if not isinstance(segments, list):
        raise fail(where, f"segments_info: expected a list, got {type(segments).__name__}")
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise fail(where, f"file_name: expected the PNG's file name, got {name!r}")
    json_path = PurePosixPath(path)
    png_path = str(json_path.parent / json_path.stem / name) if json_path.parent.name \
        else f"{json_path.stem}/{name}"
    ids = _segment_ids(source, png_path, where, image)
    for index, segment in enumerate(segments, start=1):
        if not isinstance(segment, dict):
            raise fail(f"{where}, segment {index}", "expected an object")
        segment_id = segment.get("id")
        at = f"{where}, segment id {segment_id!r}"
        if not isinstance(segment_id, int) or isinstance(segment_id, bool):
            raise fail(at, "id: expected an integer")
        category = by_id(categories, segment.get("category_id"))
        if category is None:
            raise fail(at, f"category_id {segment.get('category_id')!r} is not in the "
                           "file's categories")
        bitmap = ids == segment_id
        if not bitmap.any():
            raise fail(at, f"the segment has no pixels in {png_path}")
        label = shapes.context.binding.label("mask", category.name, at)
        region = {"label": label, "type": "mask",
                  "value": {"class": category.name, "rle": rle_from_bitmap(bitmap)}}
        shapes.extras(segment, at, region)
        yield segment_id, region


def _segment_ids(source: Source, png_path: str, where: str, image: Image) -> np.ndarray:
    if png_path not in source.paths():
        raise fail(where, f"the panoptic PNG {png_path} is not in {source.name}; upload the "
                          "folder or archive holding it beside the JSON")
    try:
        with source.open(png_path) as stream, PILImage.open(stream) as png:
            rgb = np.asarray(png.convert("RGB"), dtype=np.uint32)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise fail(where, f"the panoptic PNG {png_path} cannot be read ({exc})") from exc
    height, width = rgb.shape[:2]
    if image.width is not None and (width, height) != (image.width, image.height):
        raise fail(where, f"the panoptic PNG {png_path} is {width} × {height}, the image "
                          f"{image.width} × {image.height}")
    return rgb[..., 0] + 256 * rgb[..., 1] + 65536 * rgb[..., 2]
