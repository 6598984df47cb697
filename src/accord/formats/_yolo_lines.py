"""One YOLO label line as one of our regions.

Which kind a line is (docs/formats/yolo.md): with `task` set, that one; otherwise pose
when data.yaml has `kpt_shape`, detect for 5 values (`class cx cy w h`), segment for an
odd number of 7 or more (`class x1 y1 x2 y2 x3 y3 …`). Coordinates are fractions of the
image size; a value outside 0–1 by more than TOLERANCE is an error.
"""

from __future__ import annotations

import math
from typing import Any

from accord.formats._yolo_config import Config
from accord.formats.base import ReadContext, check_box_inside, fail

TOLERANCE = 1e-6
TASKS = ("auto", "detect", "segment", "pose")


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
    if kind == "detect":
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
