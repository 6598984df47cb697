"""Which region of one annotator corresponds to which of another: optimal one-to-one matching.

A matching pairs regions of `a` with regions of `b`, each region in at most one pair, so that
the total similarity (IoU, OKS, ...) of the pairs is as large as possible: the assignment
problem, solved exactly (Kuhn 1955, "The Hungarian method"; here the Jonker–Volgenant
algorithm behind `scipy.optimize.linear_sum_assignment`, Crouse 2016). Only pairs whose
similarity reaches `threshold` (and is above 0) may be paired; with `classes="must_match"`
only regions of the same class, with `classes="ignore"` any two, so a caller can report
wrong-class pairs. Maximising the total similarity over the eligible pairs is not the greedy
matching COCO's evaluation uses (highest-scoring detection first); both agree whenever no
region has two eligible partners, which at IoU ≥ 0.5 among non-overlapping objects is usual.

`match_regions` matches two lists of parsed regions; `match_similarity` a similarity matrix
with optional class labels; `match_box_batches` many small box problems at once, padded to
arrays, with no Python loop per problem (see its docstring).

>>> from accord.core.regions import parse_regions
>>> def box(i, cls, x):
...     return {"id": f"b{i}", "label": "obj", "type": "bbox",
...             "value": {"class": cls, "x": x, "y": 0, "width": 10, "height": 10}}
>>> first = parse_regions([box(0, "car", 0), box(1, "car", 50)])
>>> second = parse_regions([box(0, "car", 1), box(1, "bus", 51), box(2, "car", 200)])
>>> matching = match_regions(first, second)
>>> [(p.a, p.b, round(p.similarity, 3)) for p in matching.pairs], matching.unmatched_b
([(0, 0, 0.818)], (1, 2))
>>> match_regions(first, second, classes="ignore").n_wrong_class
1
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np

from accord.core.errors import InputError
from accord.core.overlap import region_similarity
from accord.core.regions import Region

__all__ = [
    "BoxBatchMatching",
    "ClassRule",
    "MatchedPair",
    "Matching",
    "Similarity",
    "match_box_batches",
    "match_regions",
    "match_similarity",
]

ClassRule = Literal["must_match", "ignore"]
Similarity = Callable[[Sequence[Region], Sequence[Region]], np.ndarray]

# Similarity matrices up to this many cells are read as Python lists: faster than NumPy's
# calls at the few regions of one annotation.
_SMALL_MATRIX: Final = 64
# Problems whose (units, boxes, boxes) IoU arrays are built at once: about 6 MB per array
# for 20 × 20 boxes, small enough to stay in cache.
_UNITS_PER_CHUNK: Final = 1024


@dataclass(frozen=True, slots=True)
class MatchedPair:
    """`a[a]` paired with `b[b]`; `same_class` is False only under `classes="ignore"`."""

    a: int
    b: int
    similarity: float
    same_class: bool


@dataclass(frozen=True, slots=True)
class Matching:
    """The pairs, ordered by their index in `a`, and the indices left without a partner."""

    pairs: tuple[MatchedPair, ...]
    unmatched_a: tuple[int, ...]
    unmatched_b: tuple[int, ...]

    @property
    def n_matched(self) -> int:
        return len(self.pairs)

    @property
    def n_same_class(self) -> int:
        return sum(p.same_class for p in self.pairs)

    @property
    def n_wrong_class(self) -> int:
        return sum(not p.same_class for p in self.pairs)

    @property
    def n_a(self) -> int:
        return len(self.pairs) + len(self.unmatched_a)

    @property
    def n_b(self) -> int:
        return len(self.pairs) + len(self.unmatched_b)


def _check_options(threshold: float, classes: str) -> None:
    if classes not in ("must_match", "ignore"):
        raise InputError(f"classes must be 'must_match' or 'ignore'; got {classes!r}")
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold must be between 0 and 1; got {threshold!r}")


def match_similarity(similarity: Any, *, threshold: float = 0.5,
                     a_classes: Sequence[Hashable] | None = None,
                     b_classes: Sequence[Hashable] | None = None,
                     classes: ClassRule = "must_match") -> Matching:
    """Optimal one-to-one matching on an (n, m) similarity matrix (values in [0, 1]).

    Pairs need similarity >= `threshold` and > 0; with class labels for both sides and
    `classes="must_match"` also the same class. Without class labels every pair counts as
    the same class.
    """
    _check_options(threshold, classes)
    sim = np.asarray(similarity, dtype=float)
    values = sim.tolist() if sim.ndim == 2 and sim.size <= _SMALL_MATRIX else None
    if sim.ndim != 2 or not (np.isfinite(sim).all() if values is None else all(
            map(math.isfinite, itertools.chain.from_iterable(values)))):
        raise InputError(f"similarity must be a finite (n, m) matrix; got shape {sim.shape}")
    n, m = sim.shape
    if (a_classes is None) != (b_classes is None):
        raise InputError("give class labels for both sides (a_classes and b_classes) or neither")
    a_codes, b_codes = _class_codes(sim.shape, a_classes, b_classes)
    # Candidates by similarity first: a handful of cells, so the class rule and the check
    # for conflicts run on Python lists (NumPy's per-call cost dominates small matrices).
    if values is None:
        rows, cols = np.nonzero((sim >= threshold) & (sim > 0))
        edges = list(zip(rows.tolist(), cols.tolist(), strict=True))
    else:
        edges = [(i, j) for i, row in enumerate(values) for j, v in enumerate(row)
                 if v >= threshold and v > 0]
    if classes == "must_match":
        edges = [(i, j) for i, j in edges if a_codes[i] == b_codes[j]]
    if len({i for i, _ in edges}) < len(edges) or len({j for _, j in edges}) < len(edges):
        edges = _assigned(sim, edges)
    # else no region has two candidates: the optimal assignment takes every candidate pair
    if edges and values is None:
        values = sim.tolist()
    pairs = tuple(MatchedPair(i, j, values[i][j], a_codes[i] == b_codes[j]) for i, j in edges)
    return Matching(pairs, tuple(sorted(set(range(n)) - {i for i, _ in edges})),
                    tuple(sorted(set(range(m)) - {j for _, j in edges})))


def _class_codes(shape: tuple[int, ...], a_classes: Sequence[Hashable] | None,
                 b_classes: Sequence[Hashable] | None) -> tuple[list[int], list[int]]:
    """Integer codes of both sides' classes (all 0 without classes), equal for equal keys."""
    n, m = shape
    if a_classes is None or b_classes is None:
        return [0] * n, [0] * m
    if len(a_classes) != n or len(b_classes) != m:
        raise InputError(f"a similarity of shape {shape} needs {n} and {m} class "
                         f"labels; got {len(a_classes)} and {len(b_classes)}")
    codes: dict[Hashable, int] = {}
    return ([codes.setdefault(c, len(codes)) for c in a_classes],
            [codes.setdefault(c, len(codes)) for c in b_classes])


def _assigned(sim: np.ndarray, edges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The eligible pairs (`edges`) that a maximum-similarity assignment keeps, by row."""
    weights = np.zeros(sim.shape)
    eligible = np.zeros(sim.shape, dtype=bool)
    index = ([i for i, _ in edges], [j for _, j in edges])
    weights[index], eligible[index] = sim[index], True
    # imported here: scipy.optimize is a third of the CLI's start-up, which every
    # command pays and few need
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weights, maximize=True)
    keep = eligible[rows, cols]
    return list(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True))


def match_regions(a: Sequence[Region], b: Sequence[Region], *, threshold: float = 0.5,
                  classes: ClassRule = "must_match",
                  similarity: Similarity | np.ndarray | None = None) -> Matching:
    """Optimal one-to-one matching of two annotators' regions of one type.

    `similarity` is by default `overlap.region_similarity` (IoU; OKS for keypoints); give a
    function of (a, b), or an (n, m) matrix already computed, to use another. Classes are
    the regions' `class` values. Regions of different types raise InputError.
    """
    if similarity is None:
        sim = region_similarity(a, b)
    elif callable(similarity):
        sim = similarity(a, b)
    else:
        sim = similarity
    return match_similarity(sim, threshold=threshold, classes=classes,
                            a_classes=[getattr(r.value, "class_name", None) for r in a],
                            b_classes=[getattr(r.value, "class_name", None) for r in b])


@dataclass(frozen=True, slots=True)
class BoxBatchMatching:
    """Matchings of many problems: row u of each array is problem (unit) u.

    `partner_a[u, i]` is the index in `b[u]` matched to box i of `a[u]`, -1 for none (and for
    padding); `similarity_a[u, i]` that pair's IoU (0 without a partner); `same_class_a[u, i]`
    whether the pair has one class. `partner_b` is the same seen from `b`.
    """

    partner_a: np.ndarray  # (units, boxes of a) int64
    partner_b: np.ndarray  # (units, boxes of b) int64
    similarity_a: np.ndarray  # (units, boxes of a) float64
    same_class_a: np.ndarray  # (units, boxes of a) bool

    @property
    def n_matched(self) -> np.ndarray:
        """(units,) number of pairs in each problem."""
        return (self.partner_a >= 0).sum(axis=1)


def _candidates(a: np.ndarray, b: np.ndarray, threshold: float) -> np.ndarray:
    """Flat indices into (units, n, m) of a superset of the pairs with IoU >= threshold > 0.

    IoU >= t means inter >= t / (1 + t) · (area_a + area_b): no division is needed. The dense
    pass runs in float32 (four times faster) on coordinates taken relative to each unit's
    corner. Rounding moves each computed side by at most 8u·S (u = 2⁻²⁴, S the largest extent)
    and a pair with IoU >= t overlaps by at least t·g along each axis (g the smallest side),
    so sides are off by a relative ε = 8u·S / (t·g) at most, and loosening the test by
    (1 - 8ε) keeps every pair that qualifies. With ε > 1 % (tiny boxes far apart) the pass
    runs in float64 instead, loosened by 1e-9.
    """
    ax, ay, aw, ah = (np.ascontiguousarray(a[..., k]) for k in range(4))
    bx, by, bw, bh = (np.ascontiguousarray(b[..., k]) for k in range(4))
    # Short-axis reductions are slow in NumPy: every reduction here runs over one coordinate.
    corner_x = np.minimum(ax.min(axis=1), bx.min(axis=1))[:, None]
    corner_y = np.minimum(ay.min(axis=1), by.min(axis=1))[:, None]
    ax, bx, ay, by = ax - corner_x, bx - corner_x, ay - corner_y, by - corner_y
    extent = max(float(v.max(initial=0)) for v in (ax + aw, bx + bw, ay + ah, by + bh))
    smallest = min(float(np.where((w > 0) & (h > 0), np.minimum(w, h), np.inf).min(initial=np.inf))
                   for w, h in ((aw, ah), (bw, bh)))
    if smallest == np.inf:  # no box has an area: nothing overlaps
        return np.zeros(0, dtype=np.int64)
    epsilon = 8 * 2.0**-24 * extent / (threshold * smallest)
    dtype, slack = (np.float32, 1 - 8 * epsilon) if epsilon <= 0.01 else (np.float64, 1 - 1e-9)
    ax, ay, aw, ah, bx, by, bw, bh = (v.astype(dtype, copy=False)
                                      for v in (ax, ay, aw, ah, bx, by, bw, bh))
    shape = (a.shape[0], a.shape[1], b.shape[1])
    inter, scratch = np.empty(shape, dtype), np.empty(shape, dtype)
    for low_a, size_a, low_b, size_b, side in ((ax, aw, bx, bw, inter), (ay, ah, by, bh, scratch)):
        np.minimum((low_a + size_a)[:, :, None], (low_b + size_b)[:, None, :], out=side)
        side -= np.maximum(low_a[:, :, None], low_b[:, None, :])
        np.maximum(side, 0, out=side)
    inter *= scratch
    np.add((aw * ah)[:, :, None], (bw * bh)[:, None, :], out=scratch)
    scratch *= dtype(threshold / (1 + threshold) * slack)
    return np.flatnonzero(inter >= scratch)


def _box_edges(a: np.ndarray, b: np.ndarray, threshold: float) -> tuple[np.ndarray, ...]:
    """Box pairs with IoU >= threshold and > 0, boxes (units, n, 4) and (units, m, 4):
    their keys `unit * n + i` and `unit * m + j`, and IoU. IoU is computed in float64, as
    `overlap.box_iou` does, on candidates only (every pair when the threshold is 0)."""
    n, m = a.shape[1], b.shape[1]
    flat = (_candidates(a, b, threshold) if threshold > 0
            else np.arange(a.shape[0] * n * m))
    a_key, b_key = flat // m, flat // (n * m) * m + flat % m
    first, second = a.reshape(-1, 4)[a_key], b.reshape(-1, 4)[b_key]
    width = (np.minimum(first[:, 0] + first[:, 2], second[:, 0] + second[:, 2])
             - np.maximum(first[:, 0], second[:, 0]))
    height = (np.minimum(first[:, 1] + first[:, 3], second[:, 1] + second[:, 3])
              - np.maximum(first[:, 1], second[:, 1]))
    overlap = np.maximum(width, 0.0) * np.maximum(height, 0.0)
    union = first[:, 2] * first[:, 3] + second[:, 2] * second[:, 3] - overlap
    positive = overlap > 0
    iou = np.zeros(overlap.shape)
    np.divide(overlap, union, out=iou, where=positive)
    keep = positive & (iou >= threshold)
    return a_key[keep], b_key[keep], iou[keep]


def _read_batch(boxes: Any, box_classes: Any, valid: Any, name: str) -> tuple[np.ndarray, ...]:
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 3 or boxes.shape[2] != 4:
        raise InputError(f"{name} boxes must have shape (units, boxes, 4) of x, y, width, "
                         f"height; got {boxes.shape}")
    shape = boxes.shape[:2]
    valid = np.ones(shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    box_classes = np.asarray(box_classes)
    if valid.shape != shape or box_classes.shape != shape:
        raise InputError(f"{name} classes and valid need shape {shape}, one per box; got "
                         f"{box_classes.shape} and {valid.shape}")
    if np.isfinite(boxes).all() and (boxes[:, :, 2:] >= 0).all():  # the usual case, quickly
        return boxes, box_classes, valid
    usable = np.isfinite(boxes).all(axis=2) & (boxes[:, :, 2:] >= 0).all(axis=2)
    bad = valid & ~usable
    if bad.any():
        unit, box = (int(v[0]) for v in np.nonzero(bad))
        raise InputError(f"{name} box {box} of unit {unit} is not a box: "
                         f"{boxes[unit, box].tolist()}; expected finite x, y and non-negative "
                         "width, height")
    if not usable.all():  # padding may hold anything; make it harmless zeros
        boxes = np.where(usable[..., None], boxes, 0.0)
    return boxes, box_classes, valid


def match_box_batches(a_boxes: Any, b_boxes: Any, *, a_classes: Any, b_classes: Any,
                      a_valid: Any = None, b_valid: Any = None, threshold: float = 0.5,
                      classes: ClassRule = "must_match") -> BoxBatchMatching:
    """`match_similarity` on box IoU for many units at once: the same optimal matchings.

    `a_boxes` (units, n, 4) and `b_boxes` (units, m, 4) hold each unit's axis-aligned boxes
    (x, y, width, height), padded; `a_valid`/`b_valid` (bool, default all True) mark real
    boxes; `a_classes`/`b_classes` (units, n) and (units, m) hold class codes (any comparable
    dtype). An eligible pair whose two boxes have no other eligible partner is matched
    directly, as the assignment problem would; the remaining components, over all units of a
    chunk, are solved together as one sparse assignment problem
    (`scipy.sparse.csgraph.min_weight_full_bipartite_matching`) on a block-diagonal graph, made
    perfect by the usual dummy nodes, so there is no Python loop per unit.
    """
    _check_options(threshold, classes)
    a_boxes, a_classes, a_valid = _read_batch(a_boxes, a_classes, a_valid, "a")
    b_boxes, b_classes, b_valid = _read_batch(b_boxes, b_classes, b_valid, "b")
    if a_boxes.shape[0] != b_boxes.shape[0]:
        raise InputError(f"a has {a_boxes.shape[0]} units but b has {b_boxes.shape[0]}; "
                         "match_box_batches pairs unit u of a with unit u of b")
    units, n, m = a_boxes.shape[0], a_boxes.shape[1], b_boxes.shape[1]
    partner_a = np.full((units, n), -1, dtype=np.int64)
    partner_b = np.full((units, m), -1, dtype=np.int64)
    similarity_a = np.zeros((units, n))
    same_class_a = np.zeros((units, n), dtype=bool)
    # Flat views: box i of unit u is entry u * n + i (of b: u * m + j).
    a_ok, b_ok = a_valid.reshape(-1), b_valid.reshape(-1)
    a_codes, b_codes = a_classes.reshape(-1), b_classes.reshape(-1)
    for start in range(0, units, _UNITS_PER_CHUNK):
        chunk = slice(start, start + _UNITS_PER_CHUNK)
        a_key, b_key, iou = _box_edges(a_boxes[chunk], b_boxes[chunk], threshold)
        a_key, b_key = a_key + start * n, b_key + start * m
        keep = a_ok[a_key] & b_ok[b_key]
        if classes == "must_match":
            keep &= a_codes[a_key] == b_codes[b_key]
        a_key, b_key, iou = a_key[keep], b_key[keep], iou[keep]
        chosen = _optimal_edges(a_key - start * n, b_key - start * m, iou)
        a_key, b_key = a_key[chosen], b_key[chosen]
        partner_a.reshape(-1)[a_key], partner_b.reshape(-1)[b_key] = b_key % m, a_key % n
        similarity_a.reshape(-1)[a_key] = iou[chosen]
        same_class_a.reshape(-1)[a_key] = a_codes[a_key] == b_codes[b_key]
    return BoxBatchMatching(partner_a, partner_b, similarity_a, same_class_a)


def _optimal_edges(a_key: np.ndarray, b_key: np.ndarray, sim: np.ndarray) -> np.ndarray:
    """Which edges (a node, b node, similarity > 0) form a maximum-similarity matching.

    Node keys (small non-negative integers) are unique across units, so the graph is
    block-diagonal and one solve serves every unit. An edge whose two ends have no other edge is always chosen; the other edges
    go through one sparse assignment problem.
    """
    chosen = np.zeros(sim.size, dtype=bool)
    if sim.size == 0:
        return chosen
    alone = (np.bincount(a_key)[a_key] == 1) & (np.bincount(b_key)[b_key] == 1)
    chosen[alone] = True
    rest = np.flatnonzero(~alone)
    if rest.size == 0:
        return chosen
    _, row = np.unique(a_key[rest], return_inverse=True)
    _, col = np.unique(b_key[rest], return_inverse=True)
    p, q = int(row.max()) + 1, int(col.max()) + 1
    # Rows: a's nodes, then a dummy per b node; columns: b's nodes, then a dummy per a node.
    # Every edge costs 2 - similarity (real) or 2 (dummy), and every perfect matching has
    # p + q edges, so the cheapest one pairs a maximum-similarity matching of the real edges.
    rows = np.concatenate([row, np.arange(p), p + np.arange(q), p + col])
    cols = np.concatenate([col, q + np.arange(p), np.arange(q), q + row])
    costs = np.concatenate([2.0 - sim[rest], np.full(p + q + rest.size, 2.0)])
    # imported here, as scipy.optimize above: scipy.sparse is a fifth of every command's
    # start-up, and only a matching needs it
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    graph = csr_array((costs, (rows, cols)), shape=(p + q, p + q))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    partner = np.full(p, -1)
    real = (matched_rows < p) & (matched_cols < q)
    partner[matched_rows[real]] = matched_cols[real]
    chosen[rest] = partner[row] == col
    return chosen

