"""Plane geometry in image pixels: the few shapes regions need to be checked against.

Coordinates follow the image convention: origin at the top-left corner, x to the right,
y downwards, so a positive angle turns clockwise on screen. Orientation tests are exact:
a fast floating-point determinant is trusted only outside its rounding-error bound
(Shewchuk, "Adaptive Precision Floating-Point Arithmetic", 1997); inside it the sign is
recomputed with `fractions.Fraction`, so collinear and touching edges are never misjudged.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from fractions import Fraction

import numpy as np

from accord.core.errors import InputError

Point = tuple[float, float]
Bounds = tuple[float, float, float, float]

# Shewchuk's ccwerrboundA is (3 + 16 eps) eps ~ 3.3e-16; a wider bound only costs speed.
_ORIENT_ERROR = 1e-15
# Candidate edge pairs tested per numpy batch, which bounds memory on pathological outlines.
_PAIRS_PER_BATCH = 1 << 20
# Slack for "inside the image": rotating a box with sin/cos moves corners by ~1e-13 px.
INSIDE_TOLERANCE_PX = 1e-6

__all__ = [
    "INSIDE_TOLERANCE_PX",
    "Bounds",
    "Point",
    "bounds",
    "fits_inside",
    "is_self_intersecting",
    "polygon_area",
    "rotated_box_corners",
]


def polygon_area(points: Sequence[Sequence[float]]) -> float:
    """Area enclosed by a closed ring (shoelace formula), whatever its winding.

    For a self-intersecting ring this is the net signed area, which is not meaningful;
    check `is_self_intersecting` first.

    >>> polygon_area([(0, 0), (4, 0), (4, 3)])
    6.0
    """
    if len(points) < 3:
        return 0.0
    xy = np.asarray(points, dtype=float)[:, :2]
    with np.errstate(over="ignore", invalid="ignore"):  # absurd coordinates: inf or nan, no warning
        xy = xy - xy[0]  # small shapes far from the origin would otherwise lose their digits
        x, y = xy[:, 0], xy[:, 1]
        return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def bounds(points: Sequence[Sequence[float]]) -> Bounds:
    """Axis-aligned bounds `(min_x, min_y, max_x, max_y)` of at least one point.

    >>> bounds([(3, 4), (1, 9), (2, 0)])
    (1.0, 0.0, 3.0, 9.0)
    """
    if len(points) == 0:
        raise InputError("bounds need at least one point; got none")
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def fits_inside(
    points: Sequence[Sequence[float]],
    width: float,
    height: float,
    *,
    tolerance_px: float = INSIDE_TOLERANCE_PX,
) -> bool:
    """Whether every point lies in the image `[0, width] x [0, height]`, edges included.

    >>> fits_inside([(0, 0), (640, 480)], 640, 480)
    True
    >>> fits_inside([(-1, 0)], 640, 480)
    False
    """
    if len(points) == 0:
        return True
    min_x, min_y, max_x, max_y = bounds(points)
    return (min_x >= -tolerance_px and min_y >= -tolerance_px
            and max_x <= width + tolerance_px and max_y <= height + tolerance_px)


def rotated_box_corners(
    x: float, y: float, width: float, height: float, rotation_deg: float = 0.0
) -> tuple[Point, Point, Point, Point]:
    """Corners of a box given by its unrotated top-left corner, turned clockwise about its centre.

    Returned in the order top-left, top-right, bottom-right, bottom-left of the unrotated
    box, so the first corner tells which way the box is facing.

    >>> rotated_box_corners(0, 0, 4, 2)
    ((0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0))
    >>> [tuple(round(c, 9) for c in p) for p in rotated_box_corners(0, 0, 4, 2, 90)]
    [(3.0, -1.0), (3.0, 3.0), (1.0, 3.0), (1.0, -1.0)]
    """
    x, y, width, height = float(x), float(y), float(width), float(height)
    if rotation_deg % 360 == 0:  # exact corners: no sin/cos rounding for the common case
        return ((x, y), (x + width, y), (x + width, y + height), (x, y + height))
    theta = math.radians(rotation_deg)
    cos, sin = math.cos(theta), math.sin(theta)
    cx, cy = x + width / 2, y + height / 2
    offsets = ((-width / 2, -height / 2), (width / 2, -height / 2),
               (width / 2, height / 2), (-width / 2, height / 2))
    tl, tr, br, bl = ((cx + dx * cos - dy * sin, cy + dx * sin + dy * cos) for dx, dy in offsets)
    return (tl, tr, br, bl)


def is_self_intersecting(points: Sequence[Sequence[float]]) -> bool:
    """Whether a closed ring is not a simple polygon: two edges cross, touch or overlap.

    Repeated consecutive vertices are ignored. A ring with fewer than three distinct
    vertices counts as self-intersecting, since its edges lie on top of each other; so
    does one whose vertices are all collinear. Only edges whose bounding boxes meet are
    compared (a sweep along x), so an ordinary outline costs about O(n log n).

    >>> is_self_intersecting([(0, 0), (4, 0), (4, 4), (0, 4)])
    False
    >>> is_self_intersecting([(0, 0), (4, 4), (4, 0), (0, 4)])  # a bow tie
    True
    """
    ring = _distinct_ring(points)
    if len(ring) < 3:
        return True
    starts = np.asarray(ring, dtype=float)
    ends = np.roll(starts, -1, axis=0)
    if _adjacent_edges_fold_back(starts, ends):
        return True
    return _separated_edges_meet(starts, ends)


def _distinct_ring(points: Sequence[Sequence[float]]) -> list[Point]:
    ring: list[Point] = []
    for p in points:
        point = (float(p[0]), float(p[1]))
        if not ring or ring[-1] != point:
            ring.append(point)
    while len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def _adjacent_edges_fold_back(starts: np.ndarray, ends: np.ndarray) -> bool:
    """Consecutive edges share a vertex; they overlap only when collinear and reversing."""
    next_ends = np.roll(ends, -1, axis=0)
    collinear = _orientation(starts, ends, next_ends) == 0
    with np.errstate(over="ignore"):
        # Parallel directions are opposite exactly when their component signs are: exact, and
        # immune to overflow, unlike a dot product.
        reverse = np.sum(np.sign(ends - starts) * np.sign(next_ends - ends), axis=1) < 0
    return bool(np.any(collinear & reverse))


def _candidate_pairs(starts: np.ndarray, ends: np.ndarray) -> Iterator[tuple[np.ndarray, ...]]:
    """Batches of edge pairs (i, j) whose bounding boxes meet, found by a sweep along x.

    After sorting edges by their left end, the partners of an edge are the run of later
    edges starting before its right end: for an outline, usually a handful.
    """
    n = len(starts)
    low, high = np.minimum(starts, ends), np.maximum(starts, ends)
    order = np.argsort(low[:, 0], kind="stable")
    run_ends = np.searchsorted(low[order, 0], high[order, 0], side="right")
    counts = np.maximum(run_ends - np.arange(n) - 1, 0)
    totals = np.cumsum(counts)
    first = 0
    while first < n:
        done = int(totals[first - 1]) if first else 0
        stop = max(int(np.searchsorted(totals, done + _PAIRS_PER_BATCH, side="right")), first + 1)
        sizes = counts[first:stop]
        a = np.repeat(np.arange(first, stop), sizes)
        b = a + 1 + np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        i, j = order[a], order[b]
        y_meet = (low[i, 1] <= high[j, 1]) & (low[j, 1] <= high[i, 1])
        yield i[y_meet], j[y_meet]
        first = stop


def _separated_edges_meet(starts: np.ndarray, ends: np.ndarray) -> bool:
    """Whether two edges that share no vertex cross or touch."""
    n = len(starts)
    for i, j in _candidate_pairs(starts, ends):
        gap = np.abs(i - j)
        separated = (gap > 1) & (gap != n - 1)
        i, j = i[separated], j[separated]
        if i.size and _edges_meet(starts[i], ends[i], starts[j], ends[j]):
            return True
    return False


def _edges_meet(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> bool:
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    crossing = (d1 * d2 < 0) & (d3 * d4 < 0)
    touching = (((d1 == 0) & _within_box(q1, q2, p1)) | ((d2 == 0) & _within_box(q1, q2, p2))
                | ((d3 == 0) & _within_box(p1, p2, q1)) | ((d4 == 0) & _within_box(p1, p2, q2)))
    return bool(np.any(crossing | touching))


def _within_box(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """For c collinear with segment ab: whether c lies on it (exact comparisons)."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    return np.all((low <= c) & (c <= high), axis=-1)


def _orientation(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Sign of the turn a -> b -> c (+1, -1 or 0 when collinear), exact, broadcast."""
    with np.errstate(over="ignore", invalid="ignore"):
        left = (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1])
        right = (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])
        det = left - right
        unsure = ~(np.abs(det) > _ORIENT_ERROR * (np.abs(left) + np.abs(right)))
    signs = np.where(det > 0, 1, np.where(det < 0, -1, 0)).astype(np.int8)
    if unsure.any():
        a_all, b_all, c_all = np.broadcast_arrays(a, b, c)
        for index in zip(*np.nonzero(unsure), strict=True):
            signs[index] = _exact_orientation(a_all[index], b_all[index], c_all[index])
    return signs


def _exact_orientation(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> int:
    ax, ay, bx, by, cx, cy = (Fraction(float(v)) for v in (*a, *b, *c))
    det = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    return (det > 0) - (det < 0)
