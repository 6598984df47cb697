"""One YOLO label line as one of our regions (and one DOTA / Roboflow OBB line).

Which kind a line is (docs/formats/yolo.md): with `task` set, that one; otherwise pose
when data.yaml has `kpt_shape`, detect for 5 values (`class cx cy w h`), segment for an
odd number of 7 or more (`class x1 y1 x2 y2 x3 y3 …`); `task=obb` reads 9 values as an
oriented box (`class x1 y1 … x4 y4`). Coordinates are fractions of the image size; a value
outside 0–1 by more than TOLERANCE is an error.
"""

from __future__ import annotations

import math
from typing import Any

from accord.formats._yolo_config import Config
from accord.formats.base import ReadContext, check_box_inside, fail

TOLERANCE = 1e-6
TASKS = ("auto", "detect", "segment", "pose", "obb")
#: DOTA header lines some labelTxt files start with
DOTA_HEADERS = ("imagesource:", "gsd:")


def _kind(count: int, config: Config, task: str, where: str) -> str:
    if task == "auto":
        task = ("pose" if config.kpt_shape else "detect" if count == 5
                else "segment" if count >= 7 and count % 2 == 1 else "")
    if task == "pose":
        kpt = config.kpt_shape
        if kpt is None:
            raise fail(where, "task is pose, but data.yaml has no kpt_shape [keypoints, 2 or 3]")
        expected = 5 + kpt[0] * kpt[1]
        if count == expected:
            return task
        raise fail(where, f"{count} values, expected {expected} for a pose line (class, box, "
                          f"{kpt[0]} keypoints × {kpt[1]} from kpt_shape)")
    if task == "detect" and count == 5:
        return task
    if task == "segment" and count >= 7 and count % 2 == 1:
        return task
    if task == "obb" and count == 9:
        return task
    if task == "obb":
        raise fail(where, f"{count} values; expected 9 (class x1 y1 … x4 y4) for an oriented "
                          "box")
    raise fail(where, f"{count} values; expected 5 (class cx cy w h) for a box or an odd "
                      "number of 7 or more (class x1 y1 x2 y2 x3 y3 …) for a polygon")


def _fractions(words: list[str], where: str) -> list[float]:
    values = []
    for position, word in enumerate(words, start=2):
        try:
            value = float(word)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not -TOLERANCE <= value <= 1 + TOLERANCE:
            raise fail(where, f"value {position} is {word!r}, expected a fraction of the image "
                              "size between 0 and 1")
        values.append(value)
    return values


def _visibility(word: str, where: str) -> int:
    try:
        value = float(word)
    except ValueError:
        value = math.nan
    if value not in (0.0, 1.0, 2.0):
        raise fail(where, f"keypoint visibility {word!r}, expected 0, 1 or 2")
    return int(value)


def box_from_corners(corners: list[tuple[float, float]]) -> dict[str, float]:
    """A rotated box from four corners in order, as Datumaro's `RotatedBbox.from_rectangle`
    reads them: the first edge is the width and its direction the rotation (clockwise on
    screen), the second edge the height, the centre between corners 1 and 3."""
    (x0, y0), (x1, y1), (x2, y2) = corners[:3]
    width, height = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
    cx, cy = (x0 + x2) / 2, (y0 + y2) / 2
    box = {"x": cx - width / 2, "y": cy - height / 2, "width": width, "height": height}
    rotation = math.degrees(math.atan2(y1 - y0, x1 - x0))
    if rotation:
        box["rotation"] = rotation
    return box


def dota_region(words: list[str], number: int, where: str, size: tuple[int, int],
                context: ReadContext) -> dict[str, Any]:
    """A DOTA / Roboflow OBB line `x1 y1 x2 y2 x3 y3 x4 y4 class [difficult]`, in pixels."""
    if len(words) not in (9, 10):
        raise fail(where, f"{len(words)} values; expected x1 y1 x2 y2 x3 y3 x4 y4 class "
                          "[difficult]")
    numbers = []
    for position, word in enumerate(words[:8], start=1):
        try:
            numbers.append(float(word))
        except ValueError:
            numbers.append(math.nan)
        if not math.isfinite(numbers[-1]):
            raise fail(where, f"value {position} is {word!r}, expected a pixel coordinate")
    corners = [(numbers[i], numbers[i + 1]) for i in range(0, 8, 2)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    check_box_inside(where, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys), *size)
    class_name = words[8]
    label = context.binding.label("bbox", class_name, where)
    region: dict[str, Any] = {"id": str(number), "label": label, "type": "bbox",
                              "value": {"class": class_name, **box_from_corners(corners)}}
    schema_label = context.schema.label(label) if context.schema is not None else None
    flag = schema_label.attribute_named("difficult") if schema_label is not None else None
    if len(words) == 10 and flag is not None and flag.type.value == "bool":
        if words[9] not in ("0", "1"):
            raise fail(where, f"difficult is {words[9]!r}, expected 0 or 1")
        region["attributes"] = {"difficult": words[9] == "1"}
    return region


def region(words: list[str], number: int, where: str, config: Config, task: str,
           size: tuple[int, int], context: ReadContext) -> dict[str, Any]:
    """The region of one non-blank line, id `number` (its position among the lines)."""
    kind = _kind(len(words), config, task, where)
    try:
        index = int(words[0])
    except ValueError:
        raise fail(where, f"class {words[0]!r} is not a class index") from None
    if index not in config.names:
        raise fail(where, f"class index {index} is not in {config.where} (classes 0–"
                          f"{max(config.names)})")
    class_name = config.names[index]
    width, height = size
    value: dict[str, Any] = {"class": class_name}
    if kind == "obb":
        numbers = _fractions(words[1:], where)
        value.update(box_from_corners([(numbers[i] * width, numbers[i + 1] * height)
                                       for i in range(0, 8, 2)]))
        shape = "bbox"
    elif kind == "detect":
        cx, cy, w, h = _fractions(words[1:], where)
        value.update(x=(cx - w * 0.5) * width, y=(cy - h * 0.5) * height,
                     width=w * width, height=h * height)
        check_box_inside(where, value["x"], value["y"], value["width"], value["height"],
                         width, height)
        shape = "bbox"
    elif kind == "segment":
        numbers = _fractions(words[1:], where)
        points = [[numbers[i] * width, numbers[i + 1] * height]
                  for i in range(0, len(numbers), 2)]
        if len(points) > 3 and points[0] == points[-1]:
            points.pop()  # a closed ring repeats its first point; ours do not
        value["points"] = points
        shape = "polygon"
    else:
        assert config.kpt_shape is not None
        _fractions(words[1:5], where)
        dims = config.kpt_shape[1]
        points = []
        for start in range(5, len(words), dims):
            px, py = _fractions(words[start:start + 2], where)
            visible = (_visibility(words[start + 2], where) if dims == 3
                       else 0 if px == py == 0 else 2)
            points.append([px * width, py * height, visible])
        value["points"] = points
        shape = "keypoints"
    label = context.binding.label(shape, class_name, where)
    return {"id": str(number), "label": label, "type": shape, "value": value}
