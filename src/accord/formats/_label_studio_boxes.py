"""The fast path of `ResultReader.regions` for the common case: a result list of plain boxes.

Detection exports are mostly lists of `rectanglelabels` results, unrotated, with one class,
the image size and nothing else; `plain_boxes` converts such a list in one pass, with no
per-result position strings. It gives exactly what the general reader gives for them, and
None for anything it does not take (any other type, rotation, attributes, a negative or
out-of-range value, a size that differs from the task's), which the general reader then
reads, and refuses by position where it must: it stays the reference.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

from accord.core.schema import LabelType, Schema
from accord.formats._label_studio_geometry import DECIMALS, PERCENT_TOLERANCE
from accord.formats.base import EDGE_TOLERANCE_PX

if TYPE_CHECKING:
    from accord.formats._label_studio_read import TaskMedia

BOX_KINDS: Final = ("rectanglelabels", "rectangle")  # a tuple: any value can be looked up
_NUMBERS: Final = (int, float)
_HIGH: Final = 100 + PERCENT_TOLERANCE
_LOW: Final = -PERCENT_TOLERANCE


_LABELS: dict[int, tuple[Schema, dict[str, str]]] = {}


def box_labels(schema: Schema) -> dict[str, str]:
    """The schema's bbox labels, name → data field; worked out once per schema, as a reader
    is made per task."""
    found = _LABELS.get(id(schema))
    if found is None or found[0] is not schema:
        if len(_LABELS) > 16:
            _LABELS.clear()
        found = _LABELS[id(schema)] = (schema, {label.name: label.source
                                                for label in schema.labels
                                                if label.type is LabelType.BBOX})
    return found[1]


def plain_boxes(results: Any, labels: dict[str, str], media: TaskMedia, prediction: bool
                ) -> list[dict[str, Any]] | None:
    """The regions of a list of plain boxes on `labels` (`box_labels`), or None."""
    if type(results) is not list:
        return None
    size = media.size
    regions: list[dict[str, Any]] = []
    ids: set[str] = set()
    for item in results:
        if type(item) is not dict or item.get("type") not in BOX_KINDS:
            return None  # keys the general reader does not read are passed over here too
        name, value = item.get("from_name"), item.get("value")
        source = labels.get(name) if type(name) is str else None
        if source is None or type(value) is not dict:
            return None
        to_name, rotation = item.get("to_name"), item.get("image_rotation")
        if (to_name is not None and to_name != source) or rotation not in (None, 0):
            return None
        meta = item.get("meta")
        if type(meta) is dict and meta.get("attributes"):
            return None
        width, height = item.get("original_width"), item.get("original_height")
        if width is not None or height is not None:
            if type(width) is not int or type(height) is not int or width <= 0 or height <= 0:
                return None
            if size is None:
                size = (width, height)
            elif size != (width, height):
                return None
        elif size is None:
            return None
        region = _box(name, value, item.get("type"), size)
        if region is None:
            return None
        score = item.get("score")
        if score is not None:
            if type(score) not in _NUMBERS or not math.isfinite(score):
                return None
            if prediction or 0 <= score <= 1:
                region["score"] = float(score)
        raw = item.get("id")
        if raw is None:
            raw = str(len(regions) + 1)
        if type(raw) not in (str, int) or raw == "":
            return None
        found = str(raw)
        if found in ids:
            found = f"{found}:{name}"
            if found in ids:
                return None
        ids.add(found)
        region["id"] = found
        regions.append(region)
    if media.size is None and size is not None:
        media.size, media.learned = size, True
    return regions


def _box(name: str, value: dict[str, Any], kind: str, size: tuple[int, int]
         ) -> dict[str, Any] | None:
    """The region of one unrotated box inside its image, as the general reader makes it."""
    x, y, w, h = value.get("x"), value.get("y"), value.get("width"), value.get("height")
    if (type(x) not in _NUMBERS or type(y) not in _NUMBERS or type(w) not in _NUMBERS
            or type(h) not in _NUMBERS or value.get("rotation", 0) != 0):
        return None
    x, y, w, h = float(x), float(y), float(w), float(h)
    if not (_LOW <= x <= _HIGH and _LOW <= y <= _HIGH and 0 <= w <= _HIGH and 0 <= h <= _HIGH):
        return None  # NaN and infinities fail these comparisons too
    rotation = value.get("rotation", 0)
    if type(rotation) not in _NUMBERS:
        return None
    names = value.get(kind, value.get("labels"))
    if type(names) is not list or len(names) != 1 or type(names[0]) is not str:
        return None
    width, height = size
    px = round(x * width / 100, DECIMALS) + 0.0
    py = round(y * height / 100, DECIMALS) + 0.0
    pw = round(w * width / 100, DECIMALS) + 0.0
    ph = round(h * height / 100, DECIMALS) + 0.0
    tolerance = EDGE_TOLERANCE_PX
    if (px < -tolerance or py < -tolerance or px + pw > width + tolerance
            or py + ph > height + tolerance):
        return None
    return {"label": name, "type": "bbox",
            "value": {"class": names[0], "x": px, "y": py, "width": pw, "height": ph}}
