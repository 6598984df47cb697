"""`validate`'s fast path for the commonest input, valid plain boxes, and the mark a reader
puts on boxes it has checked that way while converting them.

Imports of detection datasets check millions of boxes. Most are plain (a class, x, y, width,
height, no attributes) and valid, and then the checks that apply are few: the class, the
label's minimum sizes, inside the image, the label counts. `are_plain_valid_boxes` checks
raw regions for exactly that; a reader that builds such boxes itself (Label Studio's plain
rectangles) checks the same rules per box as it converts them (`box_rules`, `box_fits`,
`counts_fit`) and hands them on as `CheckedBoxes`, which `validate` then passes without
reading them a second time. Anything else, or anything wrong, gets the full checks, which
name every problem.
"""

from __future__ import annotations

import math
from typing import Any, Final, NamedTuple

from accord.core._value_checks import MediaInfo
from accord.core.geometry import INSIDE_TOLERANCE_PX, fits_inside, rotated_box_corners
from accord.core.schema import LabelType, Schema

_NUMBERS: Final = (int, float)


class BoxLabel(NamedTuple):
    classes: frozenset[str]
    min_width: float | None
    min_height: float | None
    inside_image: bool


class BoxRules(NamedTuple):
    labels: dict[str, BoxLabel]  # bbox labels whose regions need no attributes
    counts: tuple[tuple[str, bool, int | None, int | None], ...]  # every label's count rules


_BOX_RULES: dict[int, tuple[Schema, BoxRules]] = {}


def box_rules(schema: Schema) -> BoxRules:
    """What plain boxes are checked against, worked out once per schema."""
    found = _BOX_RULES.get(id(schema))
    if found is None or found[0] is not schema:
        labels: dict[str, BoxLabel] = {}
        for label in schema.labels:
            if label.type is LabelType.BBOX and label.classes and not any(
                    a.required and a.default is None for a in label.attributes):
                labels.setdefault(label.name, BoxLabel(
                    frozenset(c.name for c in label.classes), label.rules.min_width,
                    label.rules.min_height, label.rules.inside_image))
        counts = tuple((label.name, label.rules.required, label.rules.min_instances,
                        label.rules.max_instances) for label in schema.labels
                       if label.rules.required or label.rules.min_instances is not None
                       or label.rules.max_instances is not None)
        if len(_BOX_RULES) > 16:
            _BOX_RULES.clear()
        found = _BOX_RULES[id(schema)] = (schema, BoxRules(labels, counts))
    return found[1]


def box_fits(label: BoxLabel, class_name: str, x: float, y: float, w: float, h: float,
             rotation: float, width: int | None, height: int | None) -> bool:
    """Whether a well-formed box (finite numbers) passes its label's checks: a class of the
    label, no negative size, the minimum sizes, and inside an image of `width` × `height`
    when the label asks and the size is known."""
    if class_name not in label.classes or w < 0 or h < 0 or (
            label.min_width is not None and w < label.min_width) or (
            label.min_height is not None and h < label.min_height):
        return False
    if label.inside_image and width is not None and height is not None:
        if rotation % 360:
            return fits_inside(rotated_box_corners(x, y, w, h, rotation), width, height)
        # the corners' bounds, as fits_inside takes them (w, h >= 0 here)
        x, y = float(x), float(y)
        return not (x < -INSIDE_TOLERANCE_PX or y < -INSIDE_TOLERANCE_PX
                    or x + float(w) > width + INSIDE_TOLERANCE_PX
                    or y + float(h) > height + INSIDE_TOLERANCE_PX)
    return True


def counts_fit(rules: BoxRules, counts: dict[str, int]) -> bool:
    """Whether regions counted by label (`counts`) meet every label's count rules."""
    for name, required, least, most in rules.counts:
        n = counts.get(name, 0)
        if (required and n == 0) or (least is not None and n < least) or (
                most is not None and n > most):
            return False
    return True


def are_plain_valid_boxes(schema: Schema, regions: list[Any], media: MediaInfo | None
                          ) -> bool:
    """Whether `regions` are well-formed boxes (no attributes) that pass every check: then
    `validate` has no problem to report. False for anything else or anything wrong, which
    the full checks then report."""
    rules = box_rules(schema)
    ids: set[str] = set()
    counts: dict[str, int] = {}
    width, height = (media.image_width, media.image_height) if media else (None, None)
    numbers, isfinite = _NUMBERS, math.isfinite  # bound here: looked up for every box
    for region in regions:
        if type(region) is not dict or region.get("type") != "bbox":
            return False
        keys, region_id, name = len(region), region.get("id"), region.get("label")
        score = region.get("score")
        if not (keys == 4 or (keys == 5 and "score" in region)) or type(region_id) is not str \
                or not region_id or region_id in ids or type(name) is not str:
            return False
        label, value = rules.labels.get(name), region.get("value")
        if label is None or type(value) is not dict:
            return False
        class_name = value.get("class")
        x, y, w, h = value.get("x"), value.get("y"), value.get("width"), value.get("height")
        rotation = value.get("rotation", 0.0)
        if (type(class_name) is not str or len(value) != (6 if "rotation" in value else 5)
                or type(x) not in numbers or type(y) not in numbers
                or type(w) not in numbers or type(h) not in numbers
                or type(rotation) not in numbers or not isfinite(x + y + w + h + rotation)):
            return False  # a sum too large for a float takes the full checks, as NaN does
        if not box_fits(label, class_name, x, y, w, h, rotation, width, height):
            return False
        if keys == 5 and not (type(score) in numbers and 0.0 <= score <= 1.0):
            return False  # NaN fails the comparison; infinities are out of range
        ids.add(region_id)
        counts[name] = counts.get(name, 0) + 1
    return counts_fit(rules, counts)


class CheckedBoxes(list[Any]):
    """Plain boxes a reader made and checked as `are_plain_valid_boxes` checks them, under
    `schema`, on an image of `size` (None: unknown, no inside check made), so `validate`
    passes them at once. A reader hands the list on as it made it; one that grew or shrank
    since (`length`) is checked in full again."""

    __slots__ = ("schema", "size", "length")

    def __init__(self, regions: list[dict[str, Any]], schema: Schema,
                 size: tuple[int, int] | None) -> None:
        super().__init__(regions)
        self.schema, self.size, self.length = schema, size, len(regions)

    def passes(self, schema: Schema, media: MediaInfo | None) -> bool:
        """Whether the check made holds for `schema` and `media`: the same schema, and no
        image size that the boxes were not checked against."""
        if schema is not self.schema or len(self) != self.length:
            return False
        if media is None or media.image_width is None or media.image_height is None:
            return True  # validate makes no inside check without the size
        return self.size == (media.image_width, media.image_height)
