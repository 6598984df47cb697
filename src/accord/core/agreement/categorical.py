"""Inter-annotator agreement on categorical labels.

Every function takes either a reliability matrix (one row per annotator, one column per unit,
None or NaN where the annotator gave no label; rows are lists or a 2-D ndarray, as the
`krippendorff` package takes it) or long-form records (an iterable of `(unit, annotator,
label)` tuples), and returns an `AgreementScore`. Chance-corrected coefficients are written
as `1 - observed / expected` disagreement, so `observed` and `expected` are reported too.

>>> score = cohen_kappa([["yes", "yes", "no", "no"], ["yes", "no", "no", "no"]])
>>> round(score.value, 3), score.n_units
(0.5, 4)
>>> cohen_kappa([(1, "ann", "cat"), (1, "bob", "cat")]).undefined_because
'both annotators used a single, identical label'
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from accord.core.agreement._data import MISSING, Ratings, read_ratings
from accord.core.errors import InputError

__all__ = [
    "AgreementScore",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"] | None


@dataclass(frozen=True, slots=True)
class AgreementScore:
    """A coefficient, or None with the reason it is undefined for this input.

    `observed` and `expected` are the observed and chance-expected disagreement, where the
    coefficient is `1 - observed / expected`; `n_units` counts the units it was computed on.
    """

    value: float | None
    n_units: int
    undefined_because: str | None = None
    observed: float | None = None
    expected: float | None = None


def _chance_corrected(observed: float, expected: float, n_units: int) -> AgreementScore:
    return AgreementScore(1.0 - observed / expected, n_units, None, observed, expected)


def _two_annotators(ratings: Ratings, name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes of the units labelled by both annotators; None if nobody labelled anything."""
    if ratings.n_annotators == 0:
        return None
    if ratings.n_annotators != 2:
        raise InputError(f"{name} compares exactly two annotators; got {ratings.n_annotators}. "
                         "Use fleiss_kappa, gwet_ac1 or krippendorff_alpha for more")
    both = np.all(ratings.codes != MISSING, axis=0)
    return ratings.codes[0, both], ratings.codes[1, both]


def percent_agreement(data: Any) -> AgreementScore:
    """The share of agreeing annotator pairs, averaged over units with two or more labels.

    For two annotators this is the share of units both labelled alike. Not chance-corrected;
    `observed` is the disagreement (1 - agreement), `expected` is None.
    """
    ratings = read_ratings(data)
    counts = ratings.unit_counts()
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return AgreementScore(None, 0, "no unit was labelled by two or more annotators")
    counts, m = counts[pairable], m[pairable]
    per_unit = (counts * (counts - 1)).sum(axis=1) / (m * (m - 1))
    agreement = float(per_unit.mean())
    return AgreementScore(agreement, int(pairable.sum()), None, 1.0 - agreement, None)


def cohen_kappa(data: Any, *, weights: Weights = None,
                categories: Iterable[Hashable] | None = None) -> AgreementScore:
    """Cohen's kappa for exactly two annotators (Cohen 1960), or weighted kappa (Cohen 1968).

    kappa = 1 - sum(w * O) / sum(w * E), with O the observed contingency table of the two
    annotators' labels on the units both labelled, E the table expected from their own
    marginals, and disagreement weights w[i, j] = 1 for i != j (unweighted), |i - j|
    ("linear") or (i - j)**2 ("quadratic"), where i, j are positions in the category order.
    Weighted kappa needs ordered categories: numeric labels (ordered by value; only the labels
    that occur count, as in scikit-learn) or an explicit `categories=` order, which may include
    unused categories. Undefined with no unit labelled by both, or when both annotators used
    one identical label throughout (0/0).
    """
    if weights not in (None, "linear", "quadratic"):
        raise InputError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    ratings = read_ratings(data, categories)
    if weights is not None and not ratings.ordered:
        raise InputError("weighted kappa needs ordered categories: numeric labels, or pass "
                         "categories=[...] in order")
    pair = _two_annotators(ratings, "cohen_kappa")
    if pair is None or pair[0].size == 0:
        return AgreementScore(None, 0, "no unit was labelled by both annotators")
    first, second = pair
    k, n = len(ratings.categories), first.size
    table = np.bincount(first * k + second, minlength=k * k).reshape(k, k)
    chance = np.outer(table.sum(axis=1), table.sum(axis=0))  # out of n * n
    position = np.arange(k)
    distance = np.abs(position[:, None] - position[None, :])
    w = {None: (distance > 0).astype(np.int64), "linear": distance,
         "quadratic": distance**2}[weights]
    expected_sum = int((w * chance).sum())
    if expected_sum == 0:
        return AgreementScore(None, n, "both annotators used a single, identical label")
    return _chance_corrected(int((w * table).sum()) / n, expected_sum / (n * n), n)


def scott_pi(data: Any) -> AgreementScore:
    """Scott's pi for exactly two annotators (Scott 1955), on the units both labelled.

    pi = (Po - Pe) / (1 - Pe), Po the share of units labelled alike, Pe = sum_k p_k**2 with p_k
    the share of all labels (both annotators pooled) in category k. Undefined with no unit
    labelled by both, or when a single category was used throughout.
    """
    ratings = read_ratings(data)
    pair = _two_annotators(ratings, "scott_pi")
    if pair is None or pair[0].size == 0:
        return AgreementScore(None, 0, "no unit was labelled by both annotators")
    first, second = pair
    n, k = first.size, len(ratings.categories)
    pooled = np.bincount(first, minlength=k) + np.bincount(second, minlength=k)  # out of 2n
    if np.count_nonzero(pooled) < 2:
        return AgreementScore(None, n, "a single category was used throughout")
    observed = float(np.count_nonzero(first != second)) / n
    expected = 1.0 - float((pooled.astype(float) ** 2).sum()) / (2 * n) ** 2
    return _chance_corrected(observed, expected, n)


def fleiss_kappa(data: Any) -> AgreementScore:
    """Fleiss' kappa for any number of annotators with the same number of labels per unit
    (Fleiss 1971).

    kappa = (P - Pe) / (1 - Pe), P the mean over units of the share of agreeing annotator
    pairs, Pe = sum_k p_k**2 with p_k the share of all labels in category k. Units nobody
    labelled are left out; every other unit must have the same number m of labels (an
    InputError names the first unit that does not). Undefined with m < 2 or a single category.
    """
    ratings = read_ratings(data)
    counts = ratings.unit_counts()
    m_per_unit = counts.sum(axis=1)
    labelled = m_per_unit > 0
    if not labelled.any():
        return AgreementScore(None, 0, "no unit was labelled")
    m = int(m_per_unit[labelled][0])
    unequal = labelled & (m_per_unit != m)
    if unequal.any():
        first_unit = ratings.units[int(np.argmax(labelled))]
        unit = ratings.units[int(np.argmax(unequal))]
        raise InputError(
            f"fleiss_kappa needs the same number of labels for every unit: unit {unit!r} has "
            f"{int(m_per_unit[np.argmax(unequal)])} but unit {first_unit!r} has {m}; use "
            "krippendorff_alpha or gwet_ac1 when the number of labels varies")
    counts = counts[labelled]
    n = int(counts.shape[0])
    if m < 2:
        return AgreementScore(None, n, "each unit has a single label; agreement needs two")
    totals = counts.sum(axis=0)
    if np.count_nonzero(totals) < 2:
        return AgreementScore(None, n, "a single category was used throughout")
    agreement = float(((counts * (counts - 1)).sum(axis=1)).mean()) / (m * (m - 1))
    expected = 1.0 - float(((totals / (n * m)) ** 2).sum())
    return _chance_corrected(1.0 - agreement, expected, n)


def gwet_ac1(data: Any, *, categories: Iterable[Hashable] | None = None) -> AgreementScore:
    """Gwet's AC1 for nominal labels from any number of annotators, labels may be missing
    (Gwet 2008; multiple raters as in Gwet, Handbook of Inter-Rater Reliability, 2014).

    AC1 = (Pa - Pe) / (1 - Pe). Pa is the mean, over units with two or more labels, of the
    share of agreeing annotator pairs; Pe = sum_k pi_k (1 - pi_k) / (K - 1), where pi_k is the
    mean over labelled units of the share of the unit's labels in category k, and K the number
    of categories: those given in `categories=`, else those that occur. Undefined with no
    unit labelled twice, or K < 2.
    """
    ratings = read_ratings(data, categories)
    counts = ratings.unit_counts()
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return AgreementScore(None, 0, "no unit was labelled by two or more annotators")
    k = len(ratings.categories)
    n = int(pairable.sum())
    if k < 2:
        return AgreementScore(None, n, "a single category was used throughout")
    labelled = m >= 1
    pi = (counts[labelled] / m[labelled, None]).mean(axis=0)
    expected_agreement = float((pi * (1.0 - pi)).sum()) / (k - 1)
    pc, mc = counts[pairable], m[pairable]
    agreement = float(((pc * (pc - 1)).sum(axis=1) / (mc * (mc - 1))).mean())
    return _chance_corrected(1.0 - agreement, 1.0 - expected_agreement, n)


def krippendorff_alpha(data: Any, *, level: Level = "nominal",
                       categories: Iterable[Hashable] | None = None) -> AgreementScore:
    """Krippendorff's alpha for any number of annotators, missing labels allowed
    (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

    alpha = 1 - Do / De from the coincidence matrix o[c, k] = sum_u n_uc (n_uk - [c == k]) /
    (m_u - 1) over pairable units (m_u >= 2 values; the others are dropped), with n_c its
    margins and n their sum: Do = sum o[c, k] d2[c, k] / n and
    De = sum n_c n_k d2[c, k] / (n (n - 1)). The difference d2 depends on `level`: nominal
    [c != k]; ordinal (sum_{g=c..k} n_g - (n_c + n_k) / 2)**2 over the category order (numeric
    labels, or `categories=`); interval (v_c - v_k)**2 and ratio ((v_c - v_k) / (v_c + v_k))**2
    on numeric labels (ratio: non-negative). Undefined with no pairable unit or when all
    pairable values are the same.
    """
    if level not in ("nominal", "ordinal", "interval", "ratio"):
        raise InputError(f"level must be 'nominal', 'ordinal', 'interval' or 'ratio'; got "
                         f"{level!r}")
    ratings = read_ratings(data, categories)
    if level == "ordinal" and not ratings.ordered:
        raise InputError("ordinal alpha needs ordered categories: numeric labels, or pass "
                         "categories=[...] in order")
    values = ratings.values
    if level in ("interval", "ratio"):
        if values is None:
            raise InputError(f"{level} alpha needs numeric labels")
        if level == "ratio" and np.any(values < 0):
            raise InputError("ratio alpha needs non-negative values")
    counts = ratings.unit_counts()
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return AgreementScore(None, 0, "no unit has two or more values to pair")
    counts, m = counts[pairable].astype(float), m[pairable]
    scaled = counts / (m - 1)[:, None]
    coincidences = scaled.T @ counts - np.diag(scaled.sum(axis=0))
    n_c = coincidences.sum(axis=0)
    n = float(n_c.sum())
    n_units = int(pairable.sum())
    if np.count_nonzero(n_c) < 2:
        return AgreementScore(None, n_units, "all pairable values are the same")
    d2 = _differences(level, n_c, values)
    observed = float((coincidences * d2).sum()) / n
    expected = float((np.outer(n_c, n_c) * d2).sum()) / (n * (n - 1))
    return _chance_corrected(observed, expected, n_units)


def _differences(level: Level, n_c: np.ndarray, values: np.ndarray | None) -> np.ndarray:
    """The squared difference d2[c, k] between categories, per Krippendorff 2011."""
    k = n_c.size
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        cumulative = np.concatenate([[0.0], np.cumsum(n_c)])  # cumulative[i] = sum n_g, g < i
        low, high = np.minimum.outer(np.arange(k), np.arange(k)), np.maximum.outer(
            np.arange(k), np.arange(k))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (n_c[:, None] + n_c[None, :]) / 2) ** 2
    assert values is not None
    diff = values[:, None] - values[None, :]
    if level == "interval":
        return diff**2
    total = values[:, None] + values[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total == 0, 0.0, diff / np.where(total == 0, 1.0, total))
    return ratio**2
