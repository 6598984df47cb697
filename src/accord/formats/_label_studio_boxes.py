"""The fast path of `ResultReader.regions` for the common case: a result list of plain boxes.

Detection exports are mostly lists of `rectanglelabels` results, unrotated, with one class,
the image size and nothing else; `plain_boxes` converts such a list in one pass, with no
per-result position strings. It gives exactly what the general reader gives for them, and
None for anything it does not take (any other type, rotation, attributes, a negative or
out-of-range value, a size that differs from the task's), which the general reader then
reads, and refuses by position where it must: it stays the reference. The boxes are checked
against the schema's rules on the way (`accord.core._plain_boxes`): when all pass, the list
comes as `CheckedBoxes`, which `validate` then passes without reading each box again.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

from accord.core._plain_boxes import CheckedBoxes, box_fits, box_rules, counts_fit
from accord.core.schema import LabelType, Schema
from accord.formats._label_studio_geometry import DECIMALS, PERCENT_TOLERANCE
from accord.formats.base import EDGE_TOLERANCE_PX

if TYPE_CHECKING:
    from accord.formats._label_studio_read import TaskMedia

BOX_KINDS: Final = ("rectanglelabels", "rectangle")  # a tuple: any value can be looked up
_NUMBERS: Final = (int, float)
_HIGH: Final = 100 + PERCENT_TOLERANCE
_LOW: Final = -PERCENT_TOLERANCE


_SCALE: Final = float(10**DECIMALS)
#: where `_rounded` may skip `round`: the scaled value has an error below 1.2e-5 there
_EXACT_BELOW: Final = 1e11


def _rounded(value: float) -> float:
    """`round(value, DECIMALS) + 0.0`, the very same float, at a third of its cost.

    `round` works out the decimal digits of the value's exact binary expansion and reads
    them back. When the scaled value (value × 10^6, off by at most 1.2e-5 below 1e11) is
    clearly not half-way between two integers, its nearest integer k is the digits
    `round` keeps, and k / 10^6 is the float nearest to that decimal, since both operands
    are exact and IEEE division rounds correctly; so is what `round` returns. Near a tie,
    and for huge values, `round` itself decides.
    """
    scaled = value * _SCALE
    if -_EXACT_BELOW < scaled < _EXACT_BELOW:
        nearest = math.floor(scaled + 0.5)
        if abs(scaled - nearest) < 0.4999:
            return nearest / _SCALE + 0.0
    return round(value, DECIMALS) + 0.0


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


def plain_boxes(results: Any, schema: Schema, media: TaskMedia, prediction: bool
                ) -> list[dict[str, Any]] | None:
    """The regions of a list of plain boxes on the schema's bbox labels, or None.

    One loop, names bound locally: it runs for every box of a detection import, where each
    Python step counts (the general reader's checks, in its order of refusal, stay in
    `_label_studio_read`)."""
    if type(results) is not list:
        return None
    labels, rules = box_labels(schema), box_rules(schema)
    checked, counts, fits, rule_labels = True, {}, box_fits, rules.labels
    size = media.size
    regions: list[dict[str, Any]] = []
    ids: set[str] = set()
    numbers, low, high, rounded, tolerance = _NUMBERS, _LOW, _HIGH, _rounded, EDGE_TOLERANCE_PX
    for item in results:
        if type(item) is not dict:
            return None
        kind = item.get("type")
        if kind != "rectanglelabels" and kind != "rectangle":
            return None  # keys the general reader does not read are passed over here too
        name, value = item.get("from_name"), item.get("value")
        source = labels.get(name) if type(name) is str else None
        if source is None or type(value) is not dict:
            return None
        to_name = item.get("to_name")
        if (to_name is not None and to_name != source) or item.get("image_rotation") not in (
                None, 0):
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
            elif size[0] != width or size[1] != height:
                return None
        elif size is None:
            return None
        else:
            width, height = size
        # the box: unrotated, inside its image, one class name
        x, y, w, h = value.get("x"), value.get("y"), value.get("width"), value.get("height")
        rotation = value.get("rotation", 0)
        if (type(x) not in numbers or type(y) not in numbers or type(w) not in numbers
                or type(h) not in numbers or type(rotation) not in numbers or rotation != 0):
            return None
        if not (low <= x <= high and low <= y <= high and 0 <= w <= high and 0 <= h <= high):
            return None  # NaN and infinities fail these comparisons too
        names = value[kind] if kind in value else value.get("labels")
        if type(names) is not list or len(names) != 1 or type(names[0]) is not str:
            return None
        px = rounded(float(x) * width / 100)
        py = rounded(float(y) * height / 100)
        pw = rounded(float(w) * width / 100)
        ph = rounded(float(h) * height / 100)
        if (px < -tolerance or py < -tolerance or px + pw > width + tolerance
                or py + ph > height + tolerance):
            return None
        region: dict[str, Any] = {"label": name, "type": "bbox", "value": {
            "class": names[0], "x": px, "y": py, "width": pw, "height": ph}}
        if checked:  # as validate would check it
            rule = rule_labels.get(name)
            if rule is None or not fits(rule, names[0], px, py, pw, ph, 0, width, height):
                checked = False
            else:
                counts[name] = counts.get(name, 0) + 1
        score = item.get("score")
        if score is not None:
            if type(score) not in numbers or not math.isfinite(score):
                return None
            if prediction or 0 <= score <= 1:
                region["score"] = float(score)
                checked = checked and 0 <= score <= 1
        raw = item.get("id")
        if raw is None:
            raw = str(len(regions) + 1)
        if type(raw) is str:
            if raw == "":
                return None
            found = raw
        elif type(raw) is int:
            found = str(raw)
        else:
            return None
        if found in ids:
            found = f"{found}:{name}"
            if found in ids:
                return None
        ids.add(found)
        region["id"] = found
        regions.append(region)
    if media.size is None and size is not None:
        media.size, media.learned = size, True
    if checked and counts_fit(rules, counts):
        return CheckedBoxes(regions, schema, size)
    return regions
