"""COCO run-length encoded masks: decoding the compressed counts, and IoU run by run.

A mask is `{"size": [height, width], "counts": ...}` (docs/regions.md): column-major runs
alternating background and foreground, starting with background; `counts` is the list of
runs or pycocotools' compressed string. Masks are compared on their foreground runs, never
decoded into bitmaps.

>>> mask_iou([{"size": [2, 2], "counts": [0, 2, 2]}], [{"size": [2, 2], "counts": [1, 3]}])
array([[0.25]])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from accord.core._iou_ratio import iou_ratio
from accord.core.errors import InputError

__all__ = ["decode_rle_counts", "encode_rle_counts", "mask_iou", "rle_from_bitmap",
           "runs_from_bitmap"]


def runs_from_bitmap(bitmap: np.ndarray) -> list[int]:
    """Column-major runs of a (height, width) boolean bitmap, starting with background.

    >>> runs_from_bitmap(np.array([[0, 1], [0, 1]], dtype=bool))
    [2, 2]
    >>> runs_from_bitmap(np.array([[1, 1]], dtype=bool))
    [0, 2]
    """
    flat = np.asarray(bitmap, dtype=bool).ravel(order="F")
    if flat.size == 0:
        return []
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate([[0], changes, [flat.size]])
    runs = np.diff(bounds).tolist()
    return [0, *runs] if flat[0] else runs


def encode_rle_counts(runs: Sequence[int]) -> str:
    """The COCO compressed string of run lengths (pycocotools' `rleToString`).

    >>> encode_rle_counts([5, 2, 2, 2, 5])
    '52203'
    >>> decode_rle_counts(encode_rle_counts([3, 100000, 7, 1, 40000])).tolist()
    [3, 100000, 7, 1, 40000]
    """
    out = bytearray()
    for i, run in enumerate(runs):
        x = int(run) - (int(runs[i - 2]) if i > 2 else 0)
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            out.append((c | 0x20 if more else c) + 48)
    return out.decode("ascii")


def rle_from_bitmap(bitmap: np.ndarray) -> dict[str, Any]:
    """A `mask` region's `rle` value for a bitmap: `{"size": [h, w], "counts": str}`."""
    height, width = np.shape(bitmap)
    return {"size": [int(height), int(width)],
            "counts": encode_rle_counts(runs_from_bitmap(bitmap))}


def decode_rle_counts(counts: str) -> np.ndarray:
    """Run lengths of a COCO compressed RLE string (pycocotools' `rleFrString`), vectorised.

    Each run is a little-endian group of 5-bit chunks offset by 48, the 0x20 bit meaning
    "more chunks follow", the 0x10 bit of the last chunk its sign; from the fourth run on, a
    run is stored as its difference from the run two places before.

    >>> decode_rle_counts("52203").tolist()
    [5, 2, 2, 2, 5]
    """
    if not counts.isascii():
        raise InputError(f"a compressed RLE string must be ASCII; got {counts[:40]!r}")
    code = np.frombuffer(counts.encode("ascii"), dtype=np.uint8).astype(np.int64) - 48
    if code.size == 0:
        return np.zeros(0, dtype=np.int64)
    if np.any((code < 0) | (code > 63)) or code[-1] & 0x20:
        raise InputError(f"not a COCO compressed RLE string: {counts[:40]!r}")
    last = (code & 0x20) == 0
    group = np.concatenate([[0], np.cumsum(last)[:-1]])
    first = np.flatnonzero(np.concatenate([[True], last[:-1]]))
    position = np.arange(code.size) - first[group]
    if position.max() > 11:
        raise InputError(f"a run in the compressed RLE string is too long: {counts[:40]!r}")
    runs = np.add.reduceat((code & 0x1F) << (5 * position), first)
    ends = np.flatnonzero(last)
    negative = (code[ends] & 0x10) != 0
    runs = runs - np.where(negative, 1 << (5 * (position[ends] + 1)), 0)
    out = runs.copy()
    out[2::2] = np.cumsum(runs[2::2])
    out[3::2] = runs[1] + np.cumsum(runs[3::2]) if runs.size > 3 else runs[3::2]
    return out


def _foreground(rle: Any, name: str) -> tuple[tuple[int, int], np.ndarray, np.ndarray]:
    """Size and the foreground runs as sorted [start, end) pixel offsets, column-major."""
    if not isinstance(rle, Mapping) or set(rle) - {"size", "counts"} or "size" not in rle:
        raise InputError(f"{name} must be a COCO RLE dict {{'size': [height, width], 'counts': "
                         f"...}}; got {rle!r:.80}")
    size = tuple(int(s) for s in rle["size"])
    counts = rle.get("counts")
    if isinstance(counts, bytes):
        counts = counts.decode("ascii")
    runs = decode_rle_counts(counts) if isinstance(counts, str) else np.asarray(
        counts, dtype=np.int64).reshape(-1)
    if len(size) != 2 or min(size) < 0 or np.any(runs < 0) or runs.sum() != size[0] * size[1]:
        raise InputError(f"{name} has runs adding up to {int(runs.sum())} or negative, for "
                         f"size {list(size)}; expected non-negative runs adding up to "
                         "height × width")
    boundaries = np.concatenate([[0], np.cumsum(runs)])
    return size, boundaries[1:-1:2], boundaries[2::2]


def _covered_before(starts: np.ndarray, ends: np.ndarray, x: np.ndarray) -> np.ndarray:
    """For sorted disjoint intervals: their total length below each position x."""
    if starts.size == 0:
        return np.zeros(x.shape, dtype=np.int64)
    before = np.concatenate([[0], np.cumsum(ends - starts)])
    k = np.searchsorted(starts, x, side="right")  # intervals starting at or before x
    inside = np.minimum(x - starts[np.maximum(k - 1, 0)], (ends - starts)[np.maximum(k - 1, 0)])
    return before[np.maximum(k - 1, 0)] + np.where(k > 0, inside, 0)


def mask_iou(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """IoU of COCO RLE masks `{"size": [height, width], "counts": runs or compressed string}`.

    Masks compared must have the same size (InputError otherwise). Works on foreground runs:
    the intersection is Σ over runs of `a` of the length of `b` they cover, found by binary
    search, so the cost grows with the number of runs, not pixels.
    """
    fg_a = [_foreground(rle, f"a[{i}]") for i, rle in enumerate(a)]
    fg_b = [_foreground(rle, f"b[{j}]") for j, rle in enumerate(b)]
    out = np.zeros((len(fg_a), len(fg_b)))
    if not fg_b or not fg_a:
        return out
    area_b = np.array([float((e - s).sum()) for _, s, e in fg_b])
    sizes = {size for size, _, _ in fg_a + fg_b}
    if len(sizes) > 1:
        raise InputError(f"masks compared must have one size; got sizes {sorted(sizes)}")
    span = int(np.prod(next(iter(sizes)))) + 1
    # All of b on one line, mask j shifted by j * span, so one search serves every column.
    starts_b = np.concatenate([s + j * span for j, (_, s, _) in enumerate(fg_b)])
    ends_b = np.concatenate([e + j * span for j, (_, _, e) in enumerate(fg_b)])
    offsets = np.arange(len(fg_b))[:, None] * span
    for i, (_, starts, ends) in enumerate(fg_a):  # one row at a time: memory stays per-row
        inter = (_covered_before(starts_b, ends_b, ends[None, :] + offsets)
                 - _covered_before(starts_b, ends_b, starts[None, :] + offsets)).sum(axis=1)
        out[i] = iou_ratio(inter, float((ends - starts).sum()) + area_b - inter)
    return out
