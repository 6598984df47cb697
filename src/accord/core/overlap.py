"""How much two regions overlap: IoU of boxes, polygons, masks and intervals, keypoint OKS, and
the similarity of polylines along their length (`accord.core.line_similarity`).

Every function compares two sets at once and returns an `(n, m)` array of similarities in
[0, 1], row i for `a[i]`, column j for `b[j]`. Units are the region format's (docs/regions.md):
pixels for images, character offsets for spans, seconds for audio segments. A pair whose
union is empty (two zero-area boxes, two empty masks) has IoU 0, never NaN.

- `box_iou`: axis-aligned boxes `(x, y, width, height)`.
- `polygon_iou`: exact intersection areas of simple polygons (any winding, convex or not):
  each polygon is a fan of signed triangles from its first vertex, so
  area(P ∩ Q) = Σᵢ Σⱼ sᵢ sⱼ area(Tᵢ ∩ Tⱼ), and each triangle pair is clipped
  (Sutherland and Hodgman, "Reentrant polygon clipping", 1974), vectorised over all pairs.
- `mask_iou`: COCO run-length encoded masks, compared run by run without decoding bitmaps.
- `segment_iou`: 1-D intervals `(start, end)`, temporal IoU or character-span IoU.
- `keypoint_oks`: COCO object keypoint similarity (Lin et al., "Microsoft COCO", 2014, and
  `COCOeval.computeOks`).
- `region_similarity`: any of these on parsed `Region`s, chosen by their type.

>>> box_iou([[0, 0, 2, 2]], [[1, 0, 2, 2], [5, 5, 1, 1]]).round(3).tolist()
[[0.333, 0.0]]
>>> float(polygon_iou([[(0, 0), (2, 0), (2, 2), (0, 2)]], [[(1, 0), (3, 0), (3, 2), (1, 2)]])[0, 0])
0.3333333333333333
>>> segment_iou([[0.0, 2.0]], [[1.0, 3.0]]).tolist()
[[0.3333333333333333]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from accord.core._iou_ratio import iou_ratio as _ratio
from accord.core.errors import InputError
from accord.core.geometry import rotated_box_corners
from accord.core.line_similarity import polyline_similarity
from accord.core.regions import Region
from accord.core.rle import decode_rle_counts, mask_iou

__all__ = [
    "COCO_PERSON_SIGMAS",
    "box_iou",
    "box_iou_batch",
    "decode_rle_counts",
    "keypoint_oks",
    "mask_iou",
    "polygon_iou",
    "region_similarity",
    "segment_iou",
]

# Triangle pairs clipped per numpy batch: bounds memory (about 1 kB per pair in flight).
_TRIANGLE_PAIRS_PER_BATCH: Final = 1 << 16


def _as_rows(values: Any, width: int, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        return np.zeros((0, width))
    if array.ndim != 2 or array.shape[1] != width:
        raise InputError(f"{name} must be an array of shape (n, {width}); got shape "
                         f"{array.shape}")
    # One reduction for the usual, finite case (array methods skip NumPy's dispatch layer,
    # which costs more than the work on the few rows a region comparison has).
    if not np.isfinite(array.sum()) and not np.isfinite(array).all():
        row = int(np.argmax(~np.all(np.isfinite(array), axis=1)))
        raise InputError(f"{name}[{row}] has a non-finite value: {array[row].tolist()}")
    return array


def box_iou(a: Any, b: Any) -> np.ndarray:
    """IoU of every box of `a` (n, 4) with every box of `b` (m, 4), boxes as x, y, width, height.

    Negative widths or heights are an InputError; a zero-area box has IoU 0 with everything.
    """
    a, b = _as_rows(a, 4, "a"), _as_rows(b, 4, "b")
    for name, boxes in (("a", a), ("b", b)):
        if boxes.size and boxes[:, 2:].min() < 0:
            row = int(np.argmax(np.any(boxes[:, 2:] < 0, axis=1)))
            raise InputError(f"{name}[{row}] has a negative width or height: "
                             f"{boxes[row].tolist()}; expected x, y, width, height")
    return _pairwise_iou(a, b)


def box_iou_batch(a: Any, b: Any) -> np.ndarray:
    """`box_iou` of many units at once: `a` (units, n, 4) and `b` (units, m, 4), padded,
    give (units, n, m) holding each unit's `box_iou`, the very same numbers (padding rows
    and columns hold the IoU of the padding). Boxes must be finite with non-negative sizes,
    padding included (zeros will do)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 3 or b.ndim != 3 or a.shape[2] != 4 or b.shape[2] != 4 or (
            a.shape[0] != b.shape[0]):
        raise InputError(f"a and b must be (units, n, 4) and (units, m, 4) of x, y, width, "
                         f"height, for the same units; got shapes {a.shape} and {b.shape}")
    for name, boxes in (("a", a), ("b", b)):
        if not np.isfinite(boxes).all() or (boxes[..., 2:] < 0).any():
            raise InputError(f"{name} holds a box that is not finite x, y and non-negative "
                             "width, height (pad with zeros)")
    return _pairwise_iou(a, b)


def _pairwise_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of boxes (..., n, 4) with boxes (..., m, 4): (..., n, m), element by element."""
    ax, ay, aw, ah = (a[..., :, None, k] for k in range(4))
    bx, by, bw, bh = (b[..., None, :, k] for k in range(4))
    width = np.minimum(ax + aw, bx + bw)
    width -= np.maximum(ax, bx)
    height = np.minimum(ay + ah, by + bh)
    height -= np.maximum(ay, by)
    np.maximum(width, 0.0, out=width)
    np.maximum(height, 0.0, out=height)
    intersection = width * height
    return _ratio(intersection, (aw * ah + bw * bh) - intersection)


def segment_iou(a: Any, b: Any) -> np.ndarray:
    """IoU of 1-D intervals: `a` (n, 2) and `b` (m, 2) of start, end (end >= start).

    Used for audio segments (seconds), video frame ranges and character spans; an empty
    interval has IoU 0 with everything.
    """
    a, b = _as_rows(a, 2, "a"), _as_rows(b, 2, "b")
    for name, rows in (("a", a), ("b", b)):
        if np.any(rows[:, 1] < rows[:, 0]):
            row = int(np.argmax(rows[:, 1] < rows[:, 0]))
            raise InputError(f"{name}[{row}] ends before it starts: {rows[row].tolist()}; "
                             "expected start, end with end >= start")
    intersection = np.maximum(np.minimum(a[:, None, 1], b[None, :, 1])
                              - np.maximum(a[:, None, 0], b[None, :, 0]), 0.0)
    union = (a[:, 1] - a[:, 0])[:, None] + (b[:, 1] - b[:, 0])[None, :] - intersection
    return _ratio(intersection, union)


# -- polygons ---------------------------------------------------------------------------------


def _fan(polygons: Sequence[Any], name: str) -> tuple[np.ndarray, ...]:
    """Fan triangles of every polygon, each turned counter-clockwise, with its sign.

    Returns triangles (T, 3, 2), weights (T,) of ±1 such that the polygon's indicator is
    Σ weight · indicator(triangle) almost everywhere, owners (T,), areas (n,), bounds (n, 4).
    """
    rings = []
    for i, polygon in enumerate(polygons):
        ring = np.asarray(polygon, dtype=float)
        if ring.ndim != 2 or ring.shape[1] != 2 or not np.all(np.isfinite(ring)):
            raise InputError(f"{name}[{i}] must be a ring of finite (x, y) points, an array of "
                             f"shape (k, 2); got shape {ring.shape}")
        rings.append(ring if len(ring) >= 3 else np.zeros((0, 2)))
    sizes = np.array([len(r) for r in rings], dtype=np.int64)
    points = np.concatenate(rings) if rings else np.zeros((0, 2))
    starts = np.cumsum(sizes) - sizes
    n_tri = np.maximum(sizes - 2, 0)
    owner = np.repeat(np.arange(len(rings)), n_tri)
    step = np.arange(n_tri.sum()) - np.repeat(np.cumsum(n_tri) - n_tri, n_tri) + 1
    base = starts[owner]
    tri = np.stack([points[base], points[base + step], points[base + step + 1]], axis=1)
    tri = tri - tri[:, :1]  # the fan's apex at the origin: exact offsets, fewer lost digits
    cross = tri[:, 1, 0] * tri[:, 2, 1] - tri[:, 1, 1] * tri[:, 2, 0]
    areas = np.bincount(owner, weights=cross, minlength=len(rings)) / 2.0
    orientation = np.where(areas >= 0, 1.0, -1.0)
    tri = tri + points[base][:, None, :]
    clockwise = cross < 0
    tri[clockwise] = tri[clockwise][:, [0, 2, 1]]
    weight = np.sign(cross) * orientation[owner]
    keep = cross != 0
    low = np.full((len(rings), 2), np.inf)
    high = np.full((len(rings), 2), -np.inf)
    owners_of_points = np.repeat(np.arange(len(rings)), sizes)
    np.minimum.at(low, owners_of_points, points)
    np.maximum.at(high, owners_of_points, points)
    return (tri[keep], weight[keep], owner[keep], np.abs(areas), np.hstack([low, high]))


def _overlapping(low_a: np.ndarray, high_a: np.ndarray, low_b: np.ndarray,
                 high_b: np.ndarray) -> np.ndarray:
    """(n, m) whether the bounding boxes meet."""
    return np.all((low_a[:, None] <= high_b[None]) & (low_b[None] <= high_a[:, None]), axis=-1)


def _clip(poly: np.ndarray, count: np.ndarray, start: np.ndarray,
          end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip convex polygons (N, M, 2) with `count` vertices to the left of edges start→end."""
    n, m = poly.shape[:2]
    slot = np.arange(m)
    valid = slot[None, :] < count[:, None]
    following = np.where(slot[None, :] + 1 < count[:, None], slot[None, :] + 1, 0)
    edge = (end - start)[:, None, :]
    side = edge[..., 0] * (poly[..., 1] - start[:, None, 1]) - edge[..., 1] * (
        poly[..., 0] - start[:, None, 0])
    side_next = np.take_along_axis(side, following, axis=1)
    nxt = np.take_along_axis(poly, following[..., None], axis=1)
    inside, inside_next = side >= 0, side_next >= 0
    crossing = valid & (inside != inside_next)
    t = np.divide(side, side - side_next, out=np.zeros_like(side), where=crossing)
    cut = poly + t[..., None] * (nxt - poly)
    out = np.stack([poly, cut], axis=2).reshape(n, 2 * m, 2)
    keep = np.stack([valid & inside, crossing], axis=2).reshape(n, 2 * m)
    order = np.argsort(~keep, axis=1, kind="stable")[:, : m + 1]
    return np.take_along_axis(out, order[..., None], axis=1), keep.sum(axis=1)


def _shoelace(poly: np.ndarray, count: np.ndarray) -> np.ndarray:
    slot = np.arange(poly.shape[1])
    following = np.where(slot[None, :] + 1 < count[:, None], slot[None, :] + 1, 0)
    nxt = np.take_along_axis(poly, following[..., None], axis=1)
    terms = poly[..., 0] * nxt[..., 1] - poly[..., 1] * nxt[..., 0]
    return np.where(slot[None, :] < count[:, None], terms, 0.0).sum(axis=1) / 2.0


def _triangle_intersections(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Areas of first[k] ∩ second[k], both counter-clockwise triangles (N, 3, 2)."""
    origin = second[:, :1]
    clip_by, poly = second - origin, first - origin
    poly = np.concatenate([poly, np.zeros((len(poly), 4, 2))], axis=1)
    count = np.full(len(poly), 3)
    for k in range(3):
        poly, count = _clip(poly, count, clip_by[:, k], clip_by[:, (k + 1) % 3])
    return np.maximum(_shoelace(poly, count), 0.0)


def polygon_iou(a: Sequence[Any], b: Sequence[Any]) -> np.ndarray:
    """Exact IoU of every polygon of `a` with every polygon of `b`, each a `(k, 2)` ring.

    Rings are closed (the last point joins the first, not repeated), simple (edges do not
    cross), of either winding, convex or not; fewer than 3 points is an empty polygon. For a
    self-intersecting ring the result is not meaningful (check `geometry.is_self_intersecting`).
    Only pairs of triangles whose bounding boxes meet are clipped.
    """
    tri_a, w_a, own_a, area_a, box_a = _fan(a, "a")
    tri_b, w_b, own_b, area_b, box_b = _fan(b, "b")
    intersection = np.zeros((len(area_a), len(area_b)))
    if len(tri_a) == 0 or len(tri_b) == 0:
        return intersection
    lo_a, hi_a = tri_a.min(axis=1), tri_a.max(axis=1)
    lo_b, hi_b = tri_b.min(axis=1), tri_b.max(axis=1)
    near = _overlapping(box_a[:, :2], box_a[:, 2:], box_b[:, :2], box_b[:, 2:])
    # Triangle pairs in blocks of `a`'s triangles, so memory stays bounded.
    block = max(1, _TRIANGLE_PAIRS_PER_BATCH // len(tri_b))
    for first in range(0, len(tri_a), block):
        rows = slice(first, first + block)
        meet = _overlapping(lo_a[rows], hi_a[rows], lo_b, hi_b)
        meet &= near[own_a[rows][:, None], own_b[None, :]]
        i, j = np.nonzero(meet)
        i = i + first
        if i.size == 0:
            continue
        areas = _triangle_intersections(tri_a[i], tri_b[j]) * w_a[i] * w_b[j]
        np.add.at(intersection, (own_a[i], own_b[j]), areas)
    intersection = np.clip(intersection, 0.0, np.minimum.outer(area_a, area_b))
    return _ratio(intersection, area_a[:, None] + area_b[None, :] - intersection)


# -- keypoints --------------------------------------------------------------------------------


def keypoint_oks(a: Any, b: Any, *, sigmas: Any, areas: Any) -> np.ndarray:
    """COCO object keypoint similarity of every reference `a[i]` with every `b[j]`.

    `a` is (n, K, 3) of x, y, visibility (0 unlabelled, 1 hidden, 2 visible); `b` is (m, K, 2)
    or (m, K, 3) (its visibility is not used). `sigmas` (K,) are the per-keypoint constants,
    `areas` (n,) the reference objects' areas in px². OKS = mean over the reference's labelled
    points (v > 0) of exp(-d² / (2 · (area + ε) · (2σ)²)), ε the float64 spacing of 1, as
    `COCOeval.computeOks`. A reference with no labelled point has OKS 0 (COCO ignores such
    objects; its fallback needs a bounding box, which keypoints do not carry).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    sigmas, areas = np.asarray(sigmas, dtype=float), np.asarray(areas, dtype=float)
    n_points = sigmas.shape[0] if sigmas.ndim == 1 else -1
    if a.size == 0 or b.size == 0:
        return np.zeros((a.shape[0] if a.ndim == 3 else 0, b.shape[0] if b.ndim == 3 else 0))
    if a.ndim != 3 or a.shape[1:] != (n_points, 3):
        raise InputError(f"a must have shape (n, {n_points}, 3) for {n_points} sigmas; got "
                         f"{a.shape}")
    if b.ndim != 3 or b.shape[1] != n_points or b.shape[2] not in (2, 3):
        raise InputError(f"b must have shape (m, {n_points}, 2 or 3); got {b.shape}")
    if areas.shape != (a.shape[0],) or np.any(areas < 0):
        raise InputError(f"areas must be {a.shape[0]} non-negative numbers, one per reference "
                         f"in a; got {areas.tolist()}")
    labelled = a[:, :, 2] > 0
    squared = ((a[:, None, :, 0] - b[None, :, :, 0]) ** 2
               + (a[:, None, :, 1] - b[None, :, :, 1]) ** 2)
    scale = (2 * sigmas) ** 2 * (areas[:, None] + np.spacing(1)) * 2
    similarity = np.exp(-squared / scale[:, None, :])
    total = np.where(labelled[:, None, :], similarity, 0.0).sum(axis=2)
    n_labelled = labelled.sum(axis=1)[:, None]
    return _ratio(total, np.broadcast_to(n_labelled, total.shape).astype(float))


# -- regions ----------------------------------------------------------------------------------

# The 17 COCO person keypoints' sigmas (COCOeval.Params.kpt_oks_sigmas), the default for K=17.
COCO_PERSON_SIGMAS: Final = (0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62,
                             1.07, 1.07, 0.87, 0.87, 0.89, 0.89)
_COMPARED: Final = ("bbox", "polygon", "polyline", "mask", "keypoints", "span",
                     "audio_segment", "video_segment", "video_track")


def _region_type(regions: Sequence[Region], name: str) -> str | None:
    kinds = {str(r.type) for r in regions}
    if len(kinds) > 1:
        raise InputError(f"{name} mixes region types {sorted(kinds)}; compare one type at a time")
    kind = next(iter(kinds), None)
    if kind is not None and kind not in _COMPARED:
        raise InputError(f"{name} holds {kind!r} regions, which have no overlap; expected one "
                         f"of {', '.join(_COMPARED)}")
    return kind


def _corners(region: Region) -> np.ndarray:
    v = region.value
    return np.array(rotated_box_corners(v.x, v.y, v.width, v.height, v.rotation))


def _keypoint_similarity(a: Sequence[Region], b: Sequence[Region],
                         sigmas: Sequence[float] | None,
                         areas: Sequence[float] | None) -> np.ndarray:
    ref = np.array([r.value.points for r in a], dtype=float)
    other = np.array([r.value.points for r in b], dtype=float)
    n_points = ref.shape[1]
    if sigmas is None:
        if n_points != len(COCO_PERSON_SIGMAS):
            raise InputError(f"keypoints with {n_points} points need keypoint_sigmas=[...] "
                             "(the COCO person sigmas serve only 17 points)")
        sigmas = COCO_PERSON_SIGMAS
    if areas is None:
        labelled = ref[:, :, 2] > 0
        low = np.where(labelled[..., None], ref[:, :, :2], np.inf).min(axis=1)
        high = np.where(labelled[..., None], ref[:, :, :2], -np.inf).max(axis=1)
        areas = np.where(labelled.any(axis=1), np.prod(np.maximum(high - low, 0), axis=1), 0.0)
    return keypoint_oks(ref, other, sigmas=sigmas, areas=areas)


def region_similarity(a: Sequence[Region], b: Sequence[Region], *,
                      keypoint_sigmas: Sequence[float] | None = None,
                      keypoint_areas: Sequence[float] | None = None) -> np.ndarray:
    """(n, m) overlap of parsed regions of one type, by the measure that type calls for.

    bbox: `box_iou`, or `polygon_iou` of the corners when a box is rotated; polygon:
    `polygon_iou`; polyline: `line_similarity.polyline_similarity`; mask: `mask_iou`; span,
    audio_segment, video_segment: `segment_iou`; video_track: its IDF1
    (`consensus.tracks.track_similarity`); keypoints:
    `keypoint_oks` with `a` as the reference, `keypoint_sigmas` (default: COCO's person
    sigmas, for 17 points) and `keypoint_areas` (default: the area of the bounds of each
    reference's labelled points). Classes are not looked at (see `matching.match_regions`).
    Different types, or a type without overlap (classification, relation, ...), raise
    InputError.

    >>> from accord.core.regions import parse_regions
    >>> def span(start, end):
    ...     return {"id": f"s{start}", "label": "ner", "type": "span",
    ...             "value": {"class": "PER", "start": start, "end": end}}
    >>> region_similarity(parse_regions([span(0, 4)]), parse_regions([span(2, 6)])).tolist()
    [[0.3333333333333333]]
    """
    kind_a, kind_b = _region_type(a, "a"), _region_type(b, "b")
    if kind_a is not None and kind_b is not None and kind_a != kind_b:
        raise InputError(f"a holds {kind_a!r} regions but b holds {kind_b!r}; overlap compares "
                         "regions of one type")
    kind = kind_a or kind_b
    if kind is None or not a or not b:
        return np.zeros((len(a), len(b)))
    if kind == "bbox":
        if any(r.value.rotation % 360 for r in (*a, *b)):
            return polygon_iou([_corners(r) for r in a], [_corners(r) for r in b])
        return box_iou([[r.value.x, r.value.y, r.value.width, r.value.height] for r in a],
                       [[r.value.x, r.value.y, r.value.width, r.value.height] for r in b])
    if kind == "polygon":
        return polygon_iou([r.value.points for r in a], [r.value.points for r in b])
    if kind == "polyline":
        return polyline_similarity([r.value.points for r in a], [r.value.points for r in b])
    if kind == "mask":
        return mask_iou([_rle(r) for r in a], [_rle(r) for r in b])
    if kind == "keypoints":
        return _keypoint_similarity(a, b, keypoint_sigmas, keypoint_areas)
    if kind == "video_track":
        # imported here: the consensus package imports this module
        from accord.core.consensus.tracks import track_similarity
        return track_similarity(a, b)
    return segment_iou([[r.value.start, r.value.end] for r in a],
                       [[r.value.start, r.value.end] for r in b])


def _rle(region: Region) -> dict[str, Any]:
    v = region.value
    counts = v.counts if isinstance(v.counts, str) else list(v.counts)
    return {"size": [v.height, v.width], "counts": counts}
