"""Coefficients from sufficient statistics, vectorised over leading axes.

A coefficient here is a `Statistic`: `features` maps rows describing units (count rows
n_uc for the many-annotator coefficients, (first, second) code pairs for the two-annotator
ones) to per-unit additive features, and `coefficient` maps feature totals to
(value, observed, expected), NaN where undefined. Since totals add over units, one point
estimate is `frequency @ features(profiles)` over the distinct unit profiles, and a bootstrap
resample is the same with resampled frequencies, so many are one matrix product.

>>> rows, frequency = pair_profiles(np.array([0, 1, 0]), np.array([0, 1, 0]), 2)
>>> rows.tolist(), frequency.tolist()
([[0, 0], [1, 1]], [2, 1])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Triple = tuple[np.ndarray, np.ndarray, np.ndarray]
_CHUNK_CELLS = 1 << 22  # rows × features computed at once, to bound memory


@dataclass(frozen=True, slots=True)
class Statistic:
    features: Callable[[np.ndarray], np.ndarray]  # (P, w) profile rows -> (P, f)
    coefficient: Callable[[np.ndarray], Triple]  # (..., f) totals -> value, observed, expected


def pair_profiles(first: np.ndarray, second: np.ndarray, k: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (first, second) code pairs and how many units have each."""
    tally = np.bincount(first * k + second, minlength=k * k)
    used = np.flatnonzero(tally)
    return np.stack([used // k, used % k], axis=1), tally[used].astype(np.int64)


def totals(statistic: Statistic, rows: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """weights (b, P) @ features(rows) (P, f), computing the features in bounded chunks."""
    result: np.ndarray | None = None
    width = statistic.features(rows[:1]).shape[1]
    step = max(1, _CHUNK_CELLS // max(1, width))
    for start in range(0, max(rows.shape[0], 1), step):
        features = statistic.features(rows[start:start + step])
        part = weights[:, start:start + step] @ features
        result = part if result is None else result + part
    assert result is not None
    return result


def _safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (an undefined coefficient)."""
    defined = denominator != 0
    return np.where(defined, numerator / np.where(defined, denominator, 1.0), np.nan)


def _from_disagreements(observed: np.ndarray, expected: np.ndarray,
                        defined: np.ndarray) -> Triple:
    value = 1.0 - _safe_ratio(observed, expected)
    nan = np.full(np.shape(value), np.nan)
    return (np.where(defined, value, nan), np.where(defined, observed, nan),
            np.where(defined, expected, nan))


def pair_shares(rows: np.ndarray) -> np.ndarray:
    """Per count row: the share of agreeing annotator pairs (0 where fewer than 2 labels)."""
    m = rows.sum(axis=1)
    agreeing = (rows * (rows - 1)).sum(axis=1)
    return np.where(m >= 2, agreeing / np.maximum(m * (m - 1), 1), 0.0)


def percent_statistic() -> Statistic:
    def features(rows: np.ndarray) -> np.ndarray:
        return np.stack([(rows.sum(axis=1) >= 2).astype(float), pair_shares(rows)], axis=1)

    def coefficient(t: np.ndarray) -> Triple:
        agreement = _safe_ratio(t[..., 1], t[..., 0])
        return agreement, 1.0 - agreement, np.full(np.shape(agreement), np.nan)
    return Statistic(features, coefficient)


def fleiss_statistic(m: int) -> Statistic:
    """Fleiss (1971) for units with exactly m labels each (the rows given are those units)."""
    def features(rows: np.ndarray) -> np.ndarray:
        agreeing = (rows * (rows - 1)).sum(axis=1, keepdims=True)
        return np.concatenate([np.ones_like(agreeing), agreeing, rows], axis=1).astype(float)

    def coefficient(t: np.ndarray) -> Triple:
        n, category_totals = t[..., 0], t[..., 2:]
        agreement = _safe_ratio(t[..., 1], n * m * (m - 1))
        share = category_totals / np.where(n > 0, n * m, 1.0)[..., None]
        expected = 1.0 - (share**2).sum(axis=-1)
        defined = (n > 0) & (np.count_nonzero(category_totals, axis=-1) >= 2)
        return _from_disagreements(1.0 - agreement, expected, defined)
    return Statistic(features, coefficient)


def gwet_statistic(n_categories: int) -> Statistic:
    """Gwet's AC1 with K = n_categories (multiple raters, Gwet 2014)."""
    def features(rows: np.ndarray) -> np.ndarray:
        m = rows.sum(axis=1)
        pairable, labelled = (m >= 2).astype(float), (m >= 1).astype(float)
        shares = rows / np.maximum(m, 1)[:, None]
        return np.concatenate([np.stack([pairable, pair_shares(rows), labelled], axis=1),
                               shares], axis=1)

    def coefficient(t: np.ndarray) -> Triple:
        agreement = _safe_ratio(t[..., 1], t[..., 0])
        pi = t[..., 3:] / np.where(t[..., 2] > 0, t[..., 2], 1.0)[..., None]
        chance = (pi * (1.0 - pi)).sum(axis=-1) / max(n_categories - 1, 1)
        defined = (t[..., 0] > 0) & (n_categories >= 2)
        return _from_disagreements(1.0 - agreement, 1.0 - chance, defined)
    return Statistic(features, coefficient)


def alpha_statistic(level: str, values: np.ndarray | None, k: int) -> Statistic:
    """Krippendorff's alpha from count rows: nominal and interval through
    `distance_statistic` (d2 fixed), ordinal (d2 depends on the margins) and ratio from the
    k × k coincidence matrix o[c, j] = sum_u n_uc (n_uj - [c == j]) / (m_u - 1)."""
    if level == "nominal":
        return distance_statistic(None, k)
    if level == "interval":
        return distance_statistic(differences(level, np.zeros(k), values), k)

    def coincidence_features(rows: np.ndarray) -> np.ndarray:
        m = rows.sum(axis=1)
        rows, weight = rows * (m >= 2)[:, None], np.maximum(m - 1, 1).astype(float)
        o = (rows[:, :, None] * rows[:, None, :] - rows[:, :, None] * np.eye(k)) / weight[
            :, None, None]
        return np.concatenate([(rows.sum(axis=1) > 0)[:, None], o.reshape(len(rows), k * k)],
                              axis=1)

    def coincidence_coefficient(t: np.ndarray) -> Triple:
        return alpha_from_coincidences(t[..., 1:].reshape(*t.shape[:-1], k, k), level, values)
    return Statistic(coincidence_features, coincidence_coefficient)


def distance_statistic(d2: np.ndarray | None, k: int) -> Statistic:
    """Krippendorff's alpha with a fixed difference matrix d2 (k × k; None: nominal) from
    k + 2 additive features: whether the unit is pairable, its margins n_uc, and its own
    sum_cj o_cj d2_cj; De follows from the margins, n_c d2 n_c / (n (n - 1))."""
    def features(rows: np.ndarray) -> np.ndarray:
        rows = rows.astype(float)
        m = rows.sum(axis=1)
        rows = rows * (m >= 2)[:, None]
        if d2 is None:  # sum_{c != j} n_c n_j, without a k × k product
            pairs = rows.sum(axis=1) ** 2 - (rows**2).sum(axis=1)
        else:
            pairs = ((rows @ d2) * rows).sum(axis=1)
        within = pairs / np.maximum(m - 1, 1)
        return np.concatenate([(m >= 2)[:, None], rows, within[:, None]], axis=1)

    def coefficient(t: np.ndarray) -> Triple:
        n_c = t[..., 1:k + 1]
        n = n_c.sum(axis=-1)
        if d2 is None:
            between = n**2 - (n_c**2).sum(axis=-1)
        else:
            between = np.einsum("...i,ij,...j->...", n_c, d2, n_c)
        return _alpha(t[..., -1], between, n, n_c)
    return Statistic(features, coefficient)


def interval_value_statistic() -> Statistic:
    """Interval alpha from each unit's value sums, rows (m_u, sum v, sum v**2) with values
    centred: sum_{i != j} (v_i - v_j)**2 = 2 (m sum v**2 - (sum v)**2) within a unit, and
    likewise over all pairable values for De; no category table, so any number of distinct
    values costs the same. Undefined when the pairable values do not vary (to rounding)."""
    def features(rows: np.ndarray) -> np.ndarray:
        m, s1, s2 = rows[:, 0], rows[:, 1], rows[:, 2]
        pairable = m >= 2
        within = np.where(pairable, 2.0 * (m * s2 - s1**2) / np.maximum(m - 1, 1), 0.0)
        return np.stack([pairable, m * pairable, s1 * pairable, s2 * pairable, within], axis=1)

    def coefficient(t: np.ndarray) -> Triple:
        n, s1, s2 = t[..., 1], t[..., 2], t[..., 3]
        between = 2.0 * (n * s2 - s1**2)
        defined = (n >= 2) & (between > 1e-12 * np.maximum(n * s2, 1e-300))
        safe_n = np.where(defined, n, 2.0)
        return _from_disagreements(t[..., 4] / safe_n, between / (safe_n * (safe_n - 1)),
                                   defined)
    return Statistic(features, coefficient)


def _alpha(within: np.ndarray, between: np.ndarray, n: np.ndarray, n_c: np.ndarray) -> Triple:
    """alpha = 1 - Do / De with Do = within / n and De = between / (n (n - 1))."""
    defined = np.count_nonzero(n_c, axis=-1) >= 2
    safe_n = np.where(defined, n, 2.0)
    return _from_disagreements(within / safe_n, between / (safe_n * (safe_n - 1)), defined)


def alpha_from_coincidences(o: np.ndarray, level: str, values: np.ndarray | None) -> Triple:
    """Krippendorff's alpha from coincidence matrices (..., k, k)."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    d2 = differences(level, n_c, values)
    within = (o * d2).sum(axis=(-2, -1))
    between = (n_c[..., :, None] * n_c[..., None, :] * d2).sum(axis=(-2, -1))
    return _alpha(within, between, n, n_c)


def differences(level: str, n_c: np.ndarray, values: np.ndarray | None) -> np.ndarray:
    """The squared difference d2[c, k] between categories (Krippendorff 2011); for ordinal
    data it depends on the margins n_c (..., k), so it has their leading axes."""
    k = n_c.shape[-1]
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        zeros = np.zeros((*n_c.shape[:-1], 1))
        cumulative = np.concatenate([zeros, np.cumsum(n_c, axis=-1)], axis=-1)
        index = np.arange(k)
        low, high = np.minimum.outer(index, index), np.maximum.outer(index, index)
        between = cumulative[..., high + 1] - cumulative[..., low]
        return (between - (n_c[..., :, None] + n_c[..., None, :]) / 2) ** 2
    assert values is not None
    diff = values[:, None] - values[None, :]
    if level == "interval":
        return diff**2
    total = values[:, None] + values[None, :]
    ratio = np.where(total == 0, 0.0, diff / np.where(total == 0, 1.0, total))
    return ratio**2


def table_statistic(k: int, coefficient: Callable[[np.ndarray], Triple]) -> Statistic:
    """A two-annotator coefficient of the k × k contingency table; rows are code pairs."""
    def features(rows: np.ndarray) -> np.ndarray:
        one_hot = np.zeros((rows.shape[0], k * k))
        one_hot[np.arange(rows.shape[0]), rows[:, 0] * k + rows[:, 1]] = 1.0
        return one_hot

    return Statistic(features, lambda t: coefficient(t.reshape(*t.shape[:-1], k, k)))


def kappa_from_tables(tables: np.ndarray, weights: np.ndarray) -> Triple:
    """Cohen's (weighted) kappa of contingency tables (..., k, k), disagreement weights w."""
    n = tables.sum(axis=(-2, -1))
    rows, columns = tables.sum(axis=-1), tables.sum(axis=-2)
    expected_sum = np.einsum("...i,ij,...j->...", rows, weights, columns)
    observed = _safe_ratio((tables * weights).sum(axis=(-2, -1)), n)
    expected = _safe_ratio(expected_sum, n * n)
    return _from_disagreements(observed, expected, (n > 0) & (expected_sum > 0))


def pi_from_tables(tables: np.ndarray) -> Triple:
    """Scott's pi of contingency tables (..., k, k): marginals pooled over both annotators."""
    n = tables.sum(axis=(-2, -1))
    pooled = tables.sum(axis=-1) + tables.sum(axis=-2)
    observed = 1.0 - _safe_ratio(np.trace(tables, axis1=-2, axis2=-1), n)
    expected = 1.0 - _safe_ratio((pooled**2).sum(axis=-1), 4.0 * n * n)
    return _from_disagreements(observed, expected, np.count_nonzero(pooled, axis=-1) >= 2)


def percent_from_tables(tables: np.ndarray) -> Triple:
    agreement = _safe_ratio(np.trace(tables, axis1=-2, axis2=-1), tables.sum(axis=(-2, -1)))
    return agreement, 1.0 - agreement, np.full(np.shape(agreement), np.nan)


def ac1_from_tables(tables: np.ndarray, n_categories: int) -> Triple:
    """Gwet's AC1 of contingency tables (..., k, k), with K = n_categories."""
    n = tables.sum(axis=(-2, -1))
    agreement = _safe_ratio(np.trace(tables, axis1=-2, axis2=-1), n)
    pi = (tables.sum(axis=-1) + tables.sum(axis=-2)) / np.where(n > 0, 2.0 * n, 1.0)[..., None]
    chance = (pi * (1.0 - pi)).sum(axis=-1) / max(n_categories - 1, 1)
    return _from_disagreements(1.0 - agreement, 1.0 - chance, (n > 0) & (n_categories >= 2))
