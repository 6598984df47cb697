"""Likely label errors, found by confident learning from a model's class probabilities.

Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty
in Dataset Labels", JAIR 70, 2021) works in four steps, each vectorised over the examples:

1. **Thresholds** (section 3.1, eq. 2): for each class k, t_k is the mean predicted
   probability of k over the examples labelled k (the mean self-confidence).
2. **Confident joint** C[i, j]: the examples labelled i whose probability of class j reaches
   t_j (when several classes reach their threshold, the most probable one), counted in
   (given i, true j); the diagonal is raised to at least 1, then C is **calibrated** (eq. 3)
   so that row i adds up to the number of examples labelled i and C to n, rounded to whole
   counts preserving the row totals.
3. **Pruning** the off-diagonal counts (section 3.2):
   - `prune_by_noise_rate` (the default): for each cell (given i, true j != i) the C[i, j]
     examples labelled i with the largest margin p_j - p_i are flagged;
   - `prune_by_class`: for each class i, the n_i - C[i, i] examples labelled i with the lowest
     p_i are flagged;
   - `both`: flagged by both.
   An example whose most probable class is its given label is never flagged.
4. **Ranking** by a label-quality score, lowest (most likely wrong) first: the
   self-confidence p_given, or the normalized margin (p_given - max_{k != given} p_k + 1) / 2.

The default is `prune_by_noise_rate` because it flags, per (given, true) cell, exactly as many
examples as the calibrated joint estimates are in that cell, choosing those the model most
prefers the other class for; so the issue count agrees with `noise_rates`, each issue has the
true class that put it there, and it does not flag an example only for being the least
confident of a class that is in fact clean (which `prune_by_class` does). It is cleanlab's
default too, and the paper's best or joint-best method on CIFAR-10 at most noise levels.

The results equal `cleanlab.filter.find_label_issues` with the same `filter_by` and
`min_examples_per_class`, and `cleanlab.rank.get_label_quality_scores`; cleanlab breaks ties
between equal probabilities by its sort order, which may differ from ours.

>>> result = find_label_errors(["cat", "cat", "cat", "dog", "dog", "dog"],
...     [[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8], [0.1, 0.9], [0.3, 0.7]],
...     classes=["cat", "dog"])
>>> [(issue.index, issue.given_label, issue.suggested_label) for issue in result.ranked()]
[(2, 'cat', 'dog')]
>>> result.confident_joint.tolist()
[[2, 1], [0, 3]]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from accord.core.errors import InputError

__all__ = [
    "LabelErrors",
    "LabelIssue",
    "find_label_errors",
    "label_quality_scores",
]

FilterBy = Literal["prune_by_noise_rate", "prune_by_class", "both"]
RankBy = Literal["self_confidence", "normalized_margin"]

# How far a row of probabilities may be from summing to 1 (float32 softmax output is ~1e-7).
ROW_SUM_TOLERANCE = 1e-4
_CONFIDENCE_SLACK = 1e-6  # p >= t - slack counts as confident (cleanlab's comparison)
_ABSENT_THRESHOLD = 2.0  # above any probability: nothing is confidently in an unused class
_THRESHOLD_FLOOR = 2e-6
_MASK_CLASSES = 24  # up to this many classes, confident classes are counted as bitmasks
_POWERS_OF_TWO = 2.0 ** np.arange(_MASK_CLASSES, dtype=np.float32)
_CHUNK_ROWS = 1 << 14  # rows compared at once: a few hundred kB, in cache


@dataclass(frozen=True, slots=True)
class LabelIssue:
    """One likely label error: `score` is its label quality (0 to 1, lower is worse)."""

    index: int
    given_label: Hashable
    suggested_label: Hashable
    score: float


@dataclass(frozen=True, slots=True)
class LabelErrors:
    """Confident-learning estimates for one labelled dataset.

    `indices`, `given`, `suggested` (class positions) and `scores` describe the issues, most
    likely error first; `ranked()` gives them as `LabelIssue`s with class names. The
    `confident_joint` is calibrated, rows are given labels and columns true labels, in the
    order of `classes`. `thresholds[k]` is the mean self-confidence of class k and
    `noise_rates[k]` the estimated share of examples labelled k whose true class is another;
    both None for a class no example has. `n_estimated_errors` is the off-diagonal total of
    the confident joint (the pruning flags about as many).
    """

    classes: tuple[Hashable, ...]
    indices: np.ndarray
    given: np.ndarray
    suggested: np.ndarray
    scores: np.ndarray
    confident_joint: np.ndarray
    thresholds: tuple[float | None, ...]
    noise_rates: tuple[float | None, ...]
    n_estimated_errors: int
    filter_by: FilterBy
    rank_by: RankBy

    def __post_init__(self) -> None:
        for array in (self.indices, self.given, self.suggested, self.scores,
                      self.confident_joint):
            array.setflags(write=False)  # frozen all the way down

    def ranked(self, limit: int | None = None) -> tuple[LabelIssue, ...]:
        """The issues in rank order (the first `limit` of them, or all)."""
        stop = len(self.indices) if limit is None else min(limit, len(self.indices))
        return tuple(LabelIssue(int(self.indices[r]), self.classes[int(self.given[r])],
                                self.classes[int(self.suggested[r])], float(self.scores[r]))
                     for r in range(stop))


def find_label_errors(labels: Any, probabilities: Any, *,
                      classes: Sequence[Hashable] | None = None,
                      filter_by: FilterBy = "prune_by_noise_rate",
                      rank_by: RankBy = "self_confidence",
                      min_examples_per_class: int = 1) -> LabelErrors:
    """Rank the examples whose given label is likely wrong, by confident learning.

    `labels` has one label per example: class positions 0..K-1, or, with `classes=`, any
    hashable labels among `classes`. `probabilities` is (n, K): row i is the model's
    out-of-sample probability of each class for example i, columns in the order of
    `classes` (or 0..K-1); every row must sum to 1. A class with at most
    `min_examples_per_class` examples is never pruned. The suggested label of an issue is
    its most probable class other than the given one. With one class or no examples there
    is nothing to flag and the result has no issues.
    """
    if filter_by not in ("prune_by_noise_rate", "prune_by_class", "both"):
        raise InputError("filter_by must be 'prune_by_noise_rate', 'prune_by_class' or "
                         f"'both'; got {filter_by!r}")
    if rank_by not in ("self_confidence", "normalized_margin"):
        raise InputError(f"rank_by must be 'self_confidence' or 'normalized_margin'; got "
                         f"{rank_by!r}")
    if isinstance(min_examples_per_class, bool) or not isinstance(min_examples_per_class, int) \
            or min_examples_per_class < 0:
        raise InputError(f"min_examples_per_class must be a whole number >= 0; got "
                         f"{min_examples_per_class!r}")
    codes, probs, order = _read_input(labels, probabilities, classes)
    k = probs.shape[1]
    counts = np.bincount(codes, minlength=k)
    self_confidence = _self_confidence(codes, probs)
    thresholds = _thresholds(codes, self_confidence, counts, k)
    joint = _calibrate(_confident_joint(codes, probs, thresholds), counts)
    indices = np.flatnonzero(_prune(codes, probs, counts, joint, filter_by,
                                    min_examples_per_class))
    best_other, suggested = _best_other(codes[indices], np.take(probs, indices, axis=0))
    keep = self_confidence[indices] + _CONFIDENCE_SLACK < best_other  # not predicted as given
    indices, suggested = indices[keep], suggested[keep]
    scores = _quality_scores(codes, probs, rank_by, self_confidence)
    order_by_score = np.argsort(scores[indices], kind="stable")
    indices, suggested = indices[order_by_score], suggested[order_by_score]
    off_diagonal = joint.sum(axis=1) - np.diagonal(joint)
    return LabelErrors(
        classes=order, indices=indices, given=codes[indices], suggested=suggested,
        scores=scores[indices], confident_joint=joint,
        thresholds=tuple(float(t) if c else None for t, c in zip(thresholds, counts,
                                                                  strict=True)),
        noise_rates=tuple(float(e / c) if c else None for e, c in zip(off_diagonal, counts,
                                                                       strict=True)),
        n_estimated_errors=int(off_diagonal.sum()), filter_by=filter_by, rank_by=rank_by)


def label_quality_scores(labels: Any, probabilities: Any, *,
                         classes: Sequence[Hashable] | None = None,
                         method: RankBy = "self_confidence") -> np.ndarray:
    """One label-quality score per example, 0 to 1, lower meaning more likely mislabelled:
    the self-confidence p_given, or the normalized margin (p_given - max_{k != given} p_k +
    1) / 2 (1.0 with a single class). Input as for `find_label_errors`."""
    if method not in ("self_confidence", "normalized_margin"):
        raise InputError(f"method must be 'self_confidence' or 'normalized_margin'; got "
                         f"{method!r}")
    codes, probs, _ = _read_input(labels, probabilities, classes)
    return _quality_scores(codes, probs, method, _self_confidence(codes, probs))


def _read_input(labels: Any, probabilities: Any, classes: Sequence[Hashable] | None
                ) -> tuple[np.ndarray, np.ndarray, tuple[Hashable, ...]]:
    try:
        probs = np.asarray(probabilities, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("probabilities must be an (n, K) array of numbers; got "
                         f"{type(probabilities).__name__}") from None
    if probs.ndim != 2:
        raise InputError(f"probabilities must be 2-D (examples × classes); got shape "
                         f"{probs.shape}")
    n, k = probs.shape
    order = tuple(range(k)) if classes is None else tuple(classes)
    if len(order) != k:
        raise InputError(f"probabilities have {k} columns but {len(order)} classes were given "
                         f"({list(order)[:10]!r}); give one column per class")
    if len(set(order)) != k:
        raise InputError(f"classes must not repeat; got {list(order)!r}")
    if k == 0:
        raise InputError("probabilities need at least one class column; got 0")
    _check_probabilities(probs)
    codes = _encode(labels, order, classes is None)
    if codes.shape[0] != n:
        raise InputError(f"got {codes.shape[0]} labels but {n} rows of probabilities; give "
                         "one row per labelled example")
    return codes, probs, order


def _check_probabilities(probs: np.ndarray) -> None:
    """Every cell finite in [0, 1 + tolerance] and every row summing to 1 ± tolerance.

    Checked in bulk (min and max propagate NaN; row sums by a matrix product); only rows
    whose product sum is near the tolerance are summed again as `sum(axis=1)` would, so the
    verdict and the message are those of the plain check, at a third of its cost."""
    if probs.size == 0:
        return
    low, high = float(probs.min()), float(probs.max())
    if not (low >= 0 and high <= 1 + ROW_SUM_TOLERANCE):  # NaN fails both comparisons
        bad = ~np.isfinite(probs) | (probs < 0) | (probs > 1 + ROW_SUM_TOLERANCE)
        row, column = np.argwhere(bad)[0]
        raise InputError(f"probabilities must be finite numbers from 0 to 1; row {row}, column "
                         f"{column} is {float(probs[row, column])!r}")
    near = np.flatnonzero(np.abs(probs @ np.ones(probs.shape[1]) - 1.0)
                          > ROW_SUM_TOLERANCE / 2)
    sums = probs[near].sum(axis=1)
    off = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
    if off.any():
        first = int(np.argmax(off))
        raise InputError(f"each row of probabilities must sum to 1 (within {ROW_SUM_TOLERANCE})"
                         f"; row {int(near[first])} sums to {float(sums[first])!r}. Pass the "
                         "model's probabilities (after softmax), not raw scores")


def _encode(labels: Any, order: tuple[Hashable, ...], positional: bool) -> np.ndarray:
    """Class positions of the labels; 0..K-1 ints as given when no `classes` were given."""
    if positional:
        array = np.asarray(labels)
        if array.ndim != 1 or (array.size and array.dtype.kind not in "iu"):
            raise InputError("labels must be a 1-D sequence of class positions 0..K-1 (or pass "
                             f"classes=[...] to use names); got {array.dtype} of shape "
                             f"{array.shape}")
        bad = (array < 0) | (array >= len(order))
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(f"label {int(array[i])} at index {i} is not a class position "
                             f"0..{len(order) - 1}")
        return array.astype(np.int64)
    index = {label: i for i, label in enumerate(order)}
    sequence = labels.tolist() if isinstance(labels, np.ndarray) else list(labels)
    codes = np.fromiter((index.get(label, -1) for label in sequence), dtype=np.int64,
                        count=len(sequence))
    if (codes < 0).any():
        i = int(np.argmax(codes < 0))
        raise InputError(f"label {sequence[i]!r} at index {i} is not among the classes "
                         f"{list(order)[:10]!r}")
    return codes


def _self_confidence(codes: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """p_given of each example (a flat take: no index pairs)."""
    return probs.reshape(-1)[np.arange(codes.size) * probs.shape[1] + codes]


def _thresholds(codes: np.ndarray, self_confidence: np.ndarray, counts: np.ndarray,
                k: int) -> np.ndarray:
    sums = np.bincount(codes, weights=self_confidence, minlength=k)
    present = counts > 0
    means = np.full(k, _ABSENT_THRESHOLD)
    means[present] = sums[present] / counts[present]
    return np.maximum(means, _THRESHOLD_FLOOR)


def _confident_joint(codes: np.ndarray, probs: np.ndarray, thresholds: np.ndarray
                     ) -> np.ndarray:
    """Counts (given, true guess) of the examples confident in some class: the true guess is
    the one confident class, or the most probable class when several are confident."""
    k = probs.shape[1]
    if k <= _MASK_CLASSES:
        masks = _confident_masks(probs, thresholds - _CONFIDENCE_SLACK)
        n_confident = np.bitwise_count(masks)
        true_guess = np.bitwise_count((masks & -masks) - 1).astype(np.int64)  # lowest bit
    else:
        confident = probs >= thresholds - _CONFIDENCE_SLACK
        n_confident = confident.sum(axis=1)
        true_guess = confident.argmax(axis=1)
    several = np.flatnonzero(n_confident > 1)
    true_guess[several] = np.take(probs, several, axis=0).argmax(axis=1)
    true_guess[n_confident == 0] = k  # not confident in any class: counted past the joint
    # Built true × given and transposed (a column-major view), the memory layout cleanlab's
    # joint has, so that calibration sums its floats in the same order.
    cells = np.bincount(true_guess * k + codes, minlength=(k + 1) * k)
    joint = cells[:k * k].reshape(k, k).T
    np.fill_diagonal(joint, np.maximum(np.diagonal(joint), 1))
    return joint


def _confident_masks(probs: np.ndarray, floors: np.ndarray) -> np.ndarray:
    """Each row's classes with p >= floor as a bitmask (bit j: class j), by a float32 matrix
    product (exact below 2**24), in cache-sized chunks of rows."""
    n, k = probs.shape
    masks = np.empty(n, dtype=np.float32)
    confident = np.empty((_CHUNK_ROWS, k), dtype=bool)
    as_float = np.empty((_CHUNK_ROWS, k), dtype=np.float32)
    for start in range(0, n, _CHUNK_ROWS):
        part = probs[start:start + _CHUNK_ROWS]
        rows = part.shape[0]
        np.greater_equal(part, floors, out=confident[:rows])
        as_float[:rows] = confident[:rows]
        np.matmul(as_float[:rows], _POWERS_OF_TWO[:k], out=masks[start:start + rows])
    return masks.astype(np.int64)


def _calibrate(joint: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Rows scaled to the label counts, the whole to n, rounded preserving row totals."""
    # Computed on the transpose, as cleanlab does, so that sums round alike to the last bit
    # and row-rounding ties break the same way.
    scaled = (joint.T / np.maximum(joint.sum(axis=1), 1e-100) * counts).T
    scaled = scaled / max(np.sum(scaled), 1e-100) * int(counts.sum())
    return _round_preserving_row_totals(scaled)


def _round_preserving_row_totals(matrix: np.ndarray) -> np.ndarray:
    """Round each row to integers that add up to the rounded row total, raising (or
    lowering) the entries with the largest rounding loss first (cleanlab's rule)."""
    rounded = np.round(matrix)
    for row, (floats, ints) in enumerate(zip(matrix, rounded, strict=True)):  # K rows
        diff = int(np.round(np.round(floats.sum()) - np.round(ints.sum())))
        if diff:
            step = 1 if diff > 0 else -1
            order = np.argsort(floats - ints)[::-step][:abs(diff)]
            rounded[row, order] += step
    return rounded.astype(np.int64)


def _prune_counts(joint: np.ndarray, min_examples: int) -> np.ndarray:
    """cleanlab's prune-count matrix (true × given): diagonals raised to `min_examples`,
    taking the difference evenly from the column's non-zero noise counts."""
    matrix = joint.T.astype(float)
    diagonal = np.diagonal(matrix).copy()
    raised = np.maximum(diagonal, min_examples)
    per_column = np.maximum(np.count_nonzero(matrix, axis=0) - 1.0, 1.0)
    matrix = np.maximum(matrix - (raised - diagonal) / per_column, 0)
    np.fill_diagonal(matrix, raised)
    return matrix.astype(np.int64)


def _prune(codes: np.ndarray, probs: np.ndarray, counts: np.ndarray, joint: np.ndarray,
           filter_by: FilterBy, min_examples: int) -> np.ndarray:
    prune = _prune_counts(joint, min_examples)
    k = probs.shape[1]
    # a stable sort of small codes is a radix sort: 8× faster than sorting int64
    small = codes.astype(np.uint8 if k <= 256 else np.uint16 if k <= 65536 else np.int64)
    by_class = np.argsort(small, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)))
    by_noise = np.zeros(codes.size, dtype=bool)
    by_rank = np.zeros(codes.size, dtype=bool)
    for given in range(k):  # K classes, each over its own examples
        members = by_class[starts[given]:starts[given + 1]]
        if members.size <= max(min_examples, 1):
            continue
        rows = np.take(probs, members, axis=0)
        if filter_by != "prune_by_class":
            for true in np.flatnonzero(prune[:, given]):
                if true != given:
                    # the largest margins p_true - p_given, as the smallest p_given - p_true
                    # (the same numbers negated, exactly): one pass fewer
                    minus_margin = rows[:, given] - rows[:, true]
                    by_noise[members[_smallest(minus_margin, int(prune[true, given]))]] = True
        if filter_by != "prune_by_noise_rate":
            n_issues = int(members.size - prune[given, given])
            if n_issues >= 1:
                by_rank[members[_smallest(rows[:, given], n_issues)]] = True
    return {"prune_by_noise_rate": by_noise, "prune_by_class": by_rank,
            "both": by_noise & by_rank}[filter_by]


def _smallest(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` smallest values (all of them if count >= len)."""
    if count >= values.size:
        return np.arange(values.size)
    return np.argpartition(values, count - 1)[:count]


def _best_other(codes: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each example's largest probability of a class other than its given one, and that
    class (the first on ties); -inf and the given class when there is only one class."""
    if probs.shape[1] == 1:
        return np.full(codes.size, -np.inf), codes.copy()
    others = probs.copy()
    flat = np.arange(codes.size) * probs.shape[1] + codes
    others.reshape(-1)[flat] = -np.inf
    best = others.argmax(axis=1)
    return others.reshape(-1)[best + flat - codes], best


def _quality_scores(codes: np.ndarray, probs: np.ndarray, method: RankBy,
                    self_confidence: np.ndarray) -> np.ndarray:
    if method == "self_confidence":
        return self_confidence
    if probs.shape[1] == 1:
        return np.ones(codes.size)
    return (self_confidence - _best_other(codes, probs)[0] + 1) / 2
