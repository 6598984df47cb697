"""Change points in a series of scores: where an annotator's accuracy or agreement shifted.

The test is binary segmentation (Vostrikova 1981; Scott & Knott 1974) with a permutation
test at each step. For a segment x_1..x_m and a split after position k (both sides at least
`min_segment` long) the statistic is the standardized CUSUM

    T_k = |S_k - k * mean(x)| / sqrt(k * (m - k) / m),     S_k = x_1 + ... + x_k,

which is |mean before - mean after| * sqrt(k (m - k) / m), the two-sample z statistic up to
the segment's standard deviation; its square is the Gaussian likelihood-ratio statistic for
a shift in mean with a common variance. The segment's statistic is max_k T_k, and its
p-value is the share of `n_permutations` random orderings of the same values whose maximum
is at least as large, counting the observed order: (1 + #{T* >= T}) / (1 + B). Under no
change the values are exchangeable, so this p-value is valid for 0/1 values (gold correct)
and scores alike, for any length: the whole series is flagged with probability at most
`alpha` when it is stationary. Permutations are drawn in blocks and stop once the count
already rules out rejection, so a long stationary series costs a few dozen permutations (the
decision is unchanged; the p-value reported is then the estimate from those drawn, above
`alpha`). A significant split is kept and both sides are tested again,
up to `max_change_points`. Permutations come from a seeded generator: the same input gives
the same answer.

A series shorter than 2 × `min_segment` has no admissible split: the result says "not
enough data" (`undefined_because`) instead of testing.

>>> result = detect_change_points([1] * 30 + [0, 1, 0, 0] * 8, min_segment=10)
>>> [(c.index, round(c.mean_before, 2), round(c.mean_after, 2)) for c in result.change_points]
[(30, 1.0, 0.25)]
>>> detect_change_points([1, 0, 1], min_segment=10).undefined_because
'not enough data: 3 values; a change needs at least 10 on each side (20)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.errors import InputError

__all__ = ["ChangePoint", "ChangePointTest", "detect_change_points"]

_CHUNK_CELLS = 1 << 22  # permutations are drawn in blocks of about this many values


@dataclass(frozen=True, slots=True)
class ChangePoint:
    """A shift in mean: `index` is the position of the first value after it, `time` that
    value's time (when times were given). The means are those of the neighbouring segments
    between change points; `p_value` and `statistic` are from the test that found it."""

    index: int
    time: Any
    mean_before: float
    mean_after: float
    p_value: float
    statistic: float


@dataclass(frozen=True, slots=True)
class ChangePointTest:
    """Change points in order of position; `p_value` is the whole series' test (None when
    there was not enough data to test, with the reason)."""

    change_points: tuple[ChangePoint, ...]
    n_values: int
    p_value: float | None
    alpha: float
    min_segment: int
    undefined_because: str | None = None

    @property
    def has_change(self) -> bool:
        return bool(self.change_points)


def detect_change_points(values: Sequence[float] | np.ndarray, *,
                         times: Sequence[Any] | None = None, alpha: float = 0.01,
                         min_segment: int = 20, n_permutations: int = 999, seed: int = 0,
                         max_change_points: int = 3) -> ChangePointTest:
    """Find shifts in the mean of `values` (in time order) at significance level `alpha`.

    `values` are finite numbers (1/0 for gold correct, or scores in [0, 1]); `times`, if
    given, one per value, only name where a change happened. Each side of a change has at
    least `min_segment` values.
    """
    x = _read_values(values)
    _check_options(alpha, min_segment, n_permutations, max_change_points)
    if times is not None and len(times) != x.size:
        raise InputError(f"got {len(times)} times for {x.size} values; give one time per value")
    if x.size < 2 * min_segment:
        return ChangePointTest((), int(x.size), None, alpha, min_segment,
                               f"not enough data: {x.size} values; a change needs at least "
                               f"{min_segment} on each side ({2 * min_segment})")
    rng = np.random.default_rng(seed)
    found: list[tuple[int, float, float]] = []
    first_p = _segment(x, 0, x.size, found, rng, alpha, min_segment, n_permutations,
                       max_change_points)
    found.sort()
    bounds = [0] + [index for index, _, _ in found] + [x.size]
    points = tuple(
        ChangePoint(index, None if times is None else times[index],
                    float(x[bounds[i]:index].mean()), float(x[index:bounds[i + 2]].mean()),
                    p_value, statistic)
        for i, (index, p_value, statistic) in enumerate(found))
    return ChangePointTest(points, int(x.size), first_p, alpha, min_segment)


def _segment(x: np.ndarray, start: int, stop: int, found: list[tuple[int, float, float]],
             rng: np.random.Generator, alpha: float, min_segment: int, n_permutations: int,
             max_change_points: int) -> float | None:
    """Test x[start:stop]; on a significant split record it and recurse into both sides.
    Returns this segment's p-value (None when too short to split)."""
    if stop - start < 2 * min_segment or len(found) >= max_change_points:
        return None
    segment = x[start:stop]
    statistic, split = _max_statistic(segment[None, :], min_segment)
    observed = float(statistic[0])
    if observed <= 0.0:  # a constant segment: no ordering gives a larger statistic
        return 1.0
    p_value = _permutation_p_value(segment, observed, rng, min_segment, n_permutations,
                                   alpha)
    if p_value > alpha:
        return p_value
    index = start + int(split[0])
    found.append((index, p_value, observed))
    _segment(x, start, index, found, rng, alpha, min_segment, n_permutations,
             max_change_points)
    _segment(x, index, stop, found, rng, alpha, min_segment, n_permutations,
             max_change_points)
    return p_value


def _max_statistic(rows: np.ndarray, min_segment: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: max_k T_k over admissible splits, and the k (count before the split)."""
    m = rows.shape[1]
    k = np.arange(min_segment, m - min_segment + 1)
    sums = np.cumsum(rows, axis=1)[:, k - 1]
    means = rows.mean(axis=1, keepdims=True)
    t = np.abs(sums - k * means) / np.sqrt(k * (m - k) / m)
    best = t.argmax(axis=1)
    return t[np.arange(rows.shape[0]), best], k[best]


def _permutation_p_value(segment: np.ndarray, observed: float, rng: np.random.Generator,
                         min_segment: int, n_permutations: int, alpha: float) -> float:
    """(1 + #{T* >= T}) / (1 + B) over B permutations. The drawing stops as soon as the
    test can no longer reject at `alpha` (1 + #{T* >= T} > alpha (1 + B)), so a long
    stationary series costs a few permutations, not B; the decision is the full test's, and
    the p-value returned then is the estimate from the permutations drawn (above alpha)."""
    # A relative tolerance so that orderings tying the observed one count as "as large".
    tolerance = observed * 1e-9
    at_least, done = 0, 0
    block = max(1, _CHUNK_CELLS // segment.size)
    while done < n_permutations:
        if 1 + at_least > alpha * (1 + n_permutations):
            return (1 + at_least) / (1 + done)
        size = min(block, n_permutations - done)
        shuffled = rng.permuted(np.broadcast_to(segment, (size, segment.size)), axis=1)
        statistic, _ = _max_statistic(shuffled, min_segment)
        at_least += int(np.count_nonzero(statistic >= observed - tolerance))
        done += size
    return (1 + at_least) / (1 + n_permutations)


def _read_values(values: Sequence[float] | np.ndarray) -> np.ndarray:
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("values must be a sequence of numbers (1/0 or scores in [0, 1]); got "
                         f"{type(values).__name__}") from None
    if x.ndim != 1:
        raise InputError(f"values must be 1-D, one per event in time order; got shape {x.shape}")
    bad = ~np.isfinite(x)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"value {float(x[i])!r} at position {i} is not a finite number")
    return x


def _check_options(alpha: float, min_segment: int, n_permutations: int,
                   max_change_points: int) -> None:
    if isinstance(alpha, bool) or not (isinstance(alpha, float | int) and 0 < alpha < 1):
        raise InputError(f"alpha must be a significance level between 0 and 1; got {alpha!r}")
    for name, value, low in (("min_segment", min_segment, 1),
                             ("n_permutations", n_permutations, 1),
                             ("max_change_points", max_change_points, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InputError(f"{name} must be a whole number >= {low}; got {value!r}")
    if (n_permutations + 1) * alpha < 1:
        raise InputError(f"n_permutations = {n_permutations} cannot give a p-value below alpha "
                         f"= {alpha}; use at least {math.ceil(1 / alpha)}")
