"""Coordinates between Label Studio and Accord: percent ↔ pixels, rotation pivots, and
JavaScript (UTF-16) ↔ Python (code point) text offsets.

Label Studio gives image coordinates in percent of the original image size and rotates a box
about its top-left corner, which stays where it is drawn; we use pixels and rotate about the
centre (docs/regions.md "Boxes"). Pixel values read are rounded to `DECIMALS` places, so an
import, export and import again gives the very same numbers (the float error of the percent
round trip is far below that step).

>>> box = box_from_percent(10, 20, 30, 40, 90, 200, 100)
>>> box
(-30.0, 30.0, 60.0, 40.0)
>>> [round(v, 9) for v in box_to_percent(*box, 90, 200, 100)]
[10.0, 20.0, 30.0, 40.0]
>>> box_from_percent(40, 60, -30, -40, 0, 200, 100)   # drawn up and to the left
(20.0, 20.0, 60.0, 40.0)
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import accumulate

DECIMALS = 6
#: how far a percent value may pass 0–100 (Label Studio's own float rounding)
PERCENT_TOLERANCE = 1e-6


def _turn(dx: float, dy: float, rotation: float) -> tuple[float, float]:
    """(dx, dy) turned clockwise on screen (y down) by `rotation` degrees."""
    theta = math.radians(rotation)
    return dx * math.cos(theta) - dy * math.sin(theta), dx * math.sin(theta) + dy * math.cos(theta)


def box_from_percent(x: float, y: float, w: float, h: float, rotation: float,
                     width: int, height: int) -> tuple[float, float, float, float]:
    """Our (x, y, width, height) in pixels, unrotated top-left corner, for a Label Studio box.

    Older Label Studio versions saved boxes drawn up or left with a negative width or height
    from the corner where the drag started; the corner is moved so the sizes are positive.
    """
    px, py, pw, ph = x * width / 100, y * height / 100, w * width / 100, h * height / 100
    if pw < 0:
        dx, dy = _turn(pw, 0, rotation)
        px, py, pw = px + dx, py + dy, -pw
    if ph < 0:
        dx, dy = _turn(0, ph, rotation)
        px, py, ph = px + dx, py + dy, -ph
    if rotation % 360:
        dx, dy = _turn(pw / 2, ph / 2, rotation)
        px, py = px + dx - pw / 2, py + dy - ph / 2
    return tuple(round(v, DECIMALS) + 0.0 for v in (px, py, pw, ph))  # type: ignore[return-value]


def box_to_percent(x: float, y: float, w: float, h: float, rotation: float,
                   width: int, height: int) -> tuple[float, float, float, float]:
    """Label Studio's percent box (rotated top-left corner) for one of our pixel boxes."""
    if rotation % 360:
        dx, dy = _turn(w / 2, h / 2, rotation)
        x, y = x + w / 2 - dx, y + h / 2 - dy
    return x * 100 / width, y * 100 / height, w * 100 / width, h * 100 / height


def point_from_percent(x: float, y: float, width: int, height: int) -> list[float]:
    return [round(x * width / 100, DECIMALS) + 0.0, round(y * height / 100, DECIMALS) + 0.0]


class TextOffsets:
    """Offsets into one text as JavaScript counts them (UTF-16 code units) and as Python does.

    >>> offsets = TextOffsets("a😀b")
    >>> offsets.to_python(3), offsets.to_js(2)
    (2, 3)
    >>> offsets.to_python(2) is None   # inside the emoji's surrogate pair
    True
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        wide = any(ord(c) > 0xFFFF for c in text)
        self._js = list(accumulate((2 if ord(c) > 0xFFFF else 1 for c in text), initial=0)
                        ) if wide else None

    def to_python(self, js: int) -> int | None:
        if self._js is None:
            return js
        index = bisect_left(self._js, js)
        return index if index < len(self._js) and self._js[index] == js else None

    def to_js(self, index: int) -> int:
        if self._js is None or not 0 <= index < len(self._js):
            return index
        return self._js[index]
