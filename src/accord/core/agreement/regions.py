"""Agreement between annotators on region sets: matched objects, F1 and mean IoU.

For every unit (an image, a text, a recording) and every pair of annotators who both
annotated it, the two region sets are matched one-to-one (`accord.core.matching`: maximum
total similarity, pairs need similarity >= `threshold` and the same class). With `m` pairs
matched out of `n_first` and `n_second` regions:

    precision = m / n_second,   recall = m / n_first,   F1 = 2 m / (n_first + n_second),

taking the pair's first annotator (in the order annotators are listed) as the reference,
and mean IoU the mean similarity of the matched pairs. F1 and mean IoU are symmetric. Counts
are summed before dividing (micro averages): over everything, per class (a matched pair
counts for its class; an unmatched region for its own), and per annotator pair, which gives
the annotator × annotator F1 matrix. `macro_f1` is the mean of the per-class F1s. This is
the detection-style agreement of e.g. CVAT's quality reports and of COCO-style evaluation
without scores (Padilla et al., "A comparative analysis of object detection metrics", 2021).

An annotator who annotated a unit but marked nothing has an empty set there (and agrees
with another who marked nothing); one who did not annotate it is left out of its pairs.
F1 is undefined when neither annotator of every compared pair marked anything; precision and
recall when their denominators are 0; mean IoU when nothing was matched.

`box_agreement` is the fast path for axis-aligned boxes, on padded arrays (no Python loop
per unit); `region_agreement` takes parsed regions of any type with an overlap.

>>> import numpy as np
>>> boxes = np.array([[[[0, 0, 10, 10]], [[1, 0, 10, 10]], [[50, 50, 5, 5]]]])  # 1 image
>>> result = box_agreement(boxes, np.zeros((1, 3, 1), dtype=int))
>>> round(result.overall.f1, 3), result.pair_f1[0]
(0.333, (None, 1.0, 0.0))
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np

from accord.core.agreement._units import AnnotatorOrder, units_of
from accord.core.errors import InputError
from accord.core.matching import Similarity, match_box_batches, match_regions
from accord.core.regions import Region

__all__ = ["DetectionScore", "RegionAgreement", "box_agreement", "region_agreement"]


@dataclass(frozen=True, slots=True)
class DetectionScore:
    """Matched counts and the rates they give; a rate is None when its denominator is 0."""

    n_matched: int
    n_first: int  # regions of the reference (first) annotator of each pair
    n_second: int
    precision: float | None
    recall: float | None
    f1: float | None
    mean_iou: float | None
    undefined_because: str | None = None  # why F1 is None

    @classmethod
    def from_counts(cls, matched: int, first: int, second: int,
                    similarity_sum: float) -> DetectionScore:
        return cls(
            matched, first, second,
            matched / second if second else None,
            matched / first if first else None,
            2 * matched / (first + second) if first + second else None,
            similarity_sum / matched if matched else None,
            None if first + second else "neither annotator marked anything")


@dataclass(frozen=True, slots=True)
class RegionAgreement:
    """Agreement on region sets, summed over units and annotator pairs.

    `pair_f1[x][y]` is the F1 of annotators x and y (None on the diagonal, or without a unit
    both annotated with something marked). `unit_matched`, `unit_first`, `unit_second` and
    `unit_similarity` (the IoU sum of the matches), arrays (units, pairs), hold the per-unit
    counts, `pairs` names each column, `unit_compared` tells where both annotated the unit;
    `unit_score(u, p)` turns one cell into a `DetectionScore`.
    """

    overall: DetectionScore
    per_class: Mapping[Hashable, DetectionScore]
    per_pair: Mapping[tuple[Hashable, Hashable], DetectionScore]
    macro_f1: float | None
    annotators: tuple[Hashable, ...]
    pair_f1: tuple[tuple[float | None, ...], ...]
    pairs: tuple[tuple[Hashable, Hashable], ...]
    unit_matched: np.ndarray
    unit_first: np.ndarray
    unit_second: np.ndarray
    unit_similarity: np.ndarray
    unit_compared: np.ndarray
    threshold: float
    n_units: int

    def unit_score(self, unit: int, pair: int) -> DetectionScore | None:
        """The score of unit `unit` (its position) for pair `pair`; None if not compared."""
        if not self.unit_compared[unit, pair]:
            return None
        return DetectionScore.from_counts(
            int(self.unit_matched[unit, pair]), int(self.unit_first[unit, pair]),
            int(self.unit_second[unit, pair]), float(self.unit_similarity[unit, pair]))


@dataclass(frozen=True, slots=True)
class _Tally:
    """Counts per (unit, pair) and per (pair, class), from either path."""

    matched: np.ndarray  # (units, pairs)
    first: np.ndarray
    second: np.ndarray
    similarity: np.ndarray  # (units, pairs) IoU sum of the matches
    compared: np.ndarray  # (units, pairs) bool
    class_counts: np.ndarray  # (pairs, classes, 4): matched, first, second, similarity sum


def _summarise(tally: _Tally, annotators: tuple[Hashable, ...],
               class_names: Sequence[Hashable], threshold: float) -> RegionAgreement:
    pairs = tuple(combinations(range(len(annotators)), 2))
    totals = tally.class_counts.sum(axis=1)  # (pairs, 4)

    def score(row: np.ndarray) -> DetectionScore:
        return DetectionScore.from_counts(int(row[0]), int(row[1]), int(row[2]), float(row[3]))

    per_pair = {(annotators[x], annotators[y]): score(totals[p])
                for p, (x, y) in enumerate(pairs)}
    per_class = {name: score(tally.class_counts[:, k].sum(axis=0))
                 for k, name in enumerate(class_names)
                 if tally.class_counts[:, k, 1:3].sum() > 0}
    f1s = [s.f1 for s in per_class.values() if s.f1 is not None]
    matrix: list[list[float | None]] = [[None] * len(annotators) for _ in annotators]
    for (x, y), s in zip(pairs, per_pair.values(), strict=True):
        matrix[x][y] = matrix[y][x] = s.f1
    overall = score(totals.sum(axis=0))
    if not tally.compared.any():
        overall = replace(overall, undefined_because="no unit was annotated by two annotators")
    return RegionAgreement(
        overall, per_class, per_pair, sum(f1s) / len(f1s) if f1s else None, annotators,
        tuple(tuple(row) for row in matrix),
        tuple((annotators[x], annotators[y]) for x, y in pairs),
        tally.matched, tally.first, tally.second, tally.similarity, tally.compared, threshold,
        int(tally.compared.any(axis=1).sum()) if pairs else 0)


def _check_box_arrays(boxes: Any, box_classes: Any, valid: Any,
                      annotated: Any) -> tuple[np.ndarray, ...]:
    boxes = np.asarray(boxes, dtype=float)
    if boxes.ndim != 4 or boxes.shape[3] != 4:
        raise InputError(f"boxes must have shape (units, annotators, boxes, 4) of x, y, width, "
                         f"height; got {boxes.shape}")
    shape = boxes.shape[:3]
    box_classes = np.asarray(box_classes)
    valid = np.ones(shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    if box_classes.shape != shape or valid.shape != shape:
        raise InputError(f"classes and valid need shape {shape}, one per box; got "
                         f"{box_classes.shape} and {valid.shape}")
    if not np.issubdtype(box_classes.dtype, np.integer) or (
            box_classes.size and box_classes[valid].min(initial=0) < 0):
        raise InputError("classes must be non-negative integer codes (positions in "
                         f"class_names); got dtype {box_classes.dtype}")
    annotated = (np.ones(shape[:2], dtype=bool) if annotated is None
                 else np.asarray(annotated, dtype=bool))
    if annotated.shape != shape[:2]:
        raise InputError(f"annotated needs shape {shape[:2]} (units, annotators); got "
                         f"{annotated.shape}")
    return boxes, box_classes, valid & annotated[:, :, None], annotated


def box_agreement(boxes: Any, classes: Any, *, valid: Any = None, annotated: Any = None,
                  annotators: Sequence[Hashable] | None = None,
                  class_names: Sequence[Hashable] | None = None,
                  threshold: float = 0.5) -> RegionAgreement:
    """Pairwise agreement on axis-aligned boxes, every unit and pair at once.

    `boxes` (units, annotators, boxes, 4) of x, y, width, height in pixels, padded;
    `classes` (units, annotators, boxes) integer class codes, positions in `class_names`
    (default: the codes themselves); `valid` (same shape, default all True) marks real boxes;
    `annotated` (units, annotators, default all True) whether the annotator annotated the unit.
    Rotated boxes, polygons and masks go through `region_agreement`.
    """
    boxes, codes, valid, annotated = _check_box_arrays(boxes, classes, valid, annotated)
    n_annotators = boxes.shape[1]
    if annotators is not None and len(annotators) != n_annotators:
        raise InputError(f"boxes hold {n_annotators} annotators but {len(annotators)} "
                         "annotators are named")
    n_classes = int(codes[valid].max(initial=-1)) + 1
    if class_names is not None:
        if len(class_names) < n_classes:
            raise InputError(f"class code {n_classes - 1} is past the {len(class_names)} "
                             "class_names given")
        n_classes = len(class_names)
    tally = _box_tally(boxes, codes, valid, annotated, n_classes, threshold)
    names = tuple(class_names) if class_names is not None else tuple(range(n_classes))
    return _summarise(tally, tuple(annotators) if annotators is not None
                      else tuple(range(n_annotators)), names, threshold)


def _box_tally(boxes: np.ndarray, codes: np.ndarray, valid: np.ndarray, annotated: np.ndarray,
               n_classes: int, threshold: float) -> _Tally:
    pairs = tuple(combinations(range(boxes.shape[1]), 2))
    shape = (boxes.shape[0], len(pairs))
    matched, first, second = (np.zeros(shape, dtype=np.int64) for _ in range(3))
    iou_sum, compared = np.zeros(shape), np.zeros(shape, dtype=bool)
    class_counts = np.zeros((len(pairs), n_classes, 4))
    for p, (x, y) in enumerate(pairs):  # a handful of annotator pairs, each fully vectorised
        compared[:, p] = both = annotated[:, x] & annotated[:, y]
        va, vb = valid[:, x] & both[:, None], valid[:, y] & both[:, None]
        result = match_box_batches(boxes[:, x], boxes[:, y], a_classes=codes[:, x],
                                   b_classes=codes[:, y], a_valid=va, b_valid=vb,
                                   threshold=threshold)
        hit = result.partner_a >= 0
        matched[:, p], first[:, p], second[:, p] = hit.sum(1), va.sum(1), vb.sum(1)
        iou_sum[:, p] = result.similarity_a.sum(axis=1)
        for column, (where, code) in enumerate(
                ((hit, codes[:, x]), (va, codes[:, x]), (vb, codes[:, y]))):
            class_counts[p, :, column] = np.bincount(code[where], minlength=n_classes)
        class_counts[p, :, 3] = np.bincount(codes[:, x][hit], result.similarity_a[hit],
                                            minlength=n_classes)
    return _Tally(matched, first, second, iou_sum, compared, class_counts)


def region_agreement(data: Mapping[Hashable, Mapping[Hashable, Sequence[Region]]], *,
                     threshold: float = 0.5, similarity: Similarity | None = None,
                     annotators: Sequence[Hashable] | None = None) -> RegionAgreement:
    """Pairwise agreement on parsed regions of any type with an overlap (see
    `overlap.region_similarity`), or by a `similarity(a, b) -> (n, m)` function.

    `data` maps each unit to `{annotator: regions}` for the annotators who annotated it (an
    empty list: annotated, nothing marked). `annotators` fixes their order (the first of
    each pair is its reference); by default, the order in which they first appear. Matching
    is per unit and pair in Python, for moderate data; boxes at scale go through
    `box_agreement`.
    """
    order, class_index = _annotators_and_classes(data, annotators)
    pairs = tuple(combinations(range(len(order)), 2))
    names = tuple(order)
    shape = (len(data), len(pairs))
    matched, first, second = (np.zeros(shape, dtype=np.int64) for _ in range(3))
    iou_sum, compared = np.zeros(shape), np.zeros(shape, dtype=bool)
    class_counts = np.zeros((len(pairs), len(class_index), 4))
    for u, by_annotator in enumerate(data.values()):
        for p, (x, y) in enumerate(pairs):
            if names[x] not in by_annotator or names[y] not in by_annotator:
                continue
            a, b = by_annotator[names[x]], by_annotator[names[y]]
            matching = match_regions(a, b, threshold=threshold, similarity=similarity)
            compared[u, p] = True
            matched[u, p], first[u, p], second[u, p] = matching.n_matched, len(a), len(b)
            iou_sum[u, p] = sum(pair.similarity for pair in matching.pairs)
            _count_classes(class_counts[p], class_index, a, b, matching)
    return _summarise(_Tally(matched, first, second, iou_sum, compared, class_counts), names,
                      tuple(class_index), threshold)


def _annotators_and_classes(data: Any, annotators: Sequence[Hashable] | None
                            ) -> tuple[dict[Hashable, int], dict[Hashable, int]]:
    """Positions of the annotators (given, or in order of appearance) and of the classes."""
    order = AnnotatorOrder(annotators)
    class_index: dict[Hashable, int] = {}
    for unit, by_annotator in units_of(data, "region_agreement", "regions",
                                       lists="region lists"):
        for annotator, regions in by_annotator.items():
            order.position(annotator, f"unit {unit!r}", "regions")
            for region in regions:
                class_index.setdefault(getattr(region.value, "class_name", None),
                                       len(class_index))
    return order.positions, class_index


def _count_classes(counts: np.ndarray, class_index: Mapping[Hashable, int],
                   a: Sequence[Region], b: Sequence[Region], matching: Any) -> None:
    for region in a:
        counts[class_index[getattr(region.value, "class_name", None)], 1] += 1
    for region in b:
        counts[class_index[getattr(region.value, "class_name", None)], 2] += 1
    for pair in matching.pairs:
        k = class_index[getattr(a[pair.a].value, "class_name", None)]
        counts[k, 0] += 1
        counts[k, 3] += pair.similarity
