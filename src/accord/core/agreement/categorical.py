"""Inter-annotator agreement on categorical labels.

Every function takes either a reliability matrix (one row per annotator, one column per unit,
None or NaN where the annotator gave no label; rows are lists or a 2-D ndarray, as the
`krippendorff` package takes it) or long-form records (an iterable of `(unit, annotator,
label)` tuples), and returns an `AgreementScore`. Chance-corrected coefficients are written
as `1 - observed / expected` disagreement, so `observed` and `expected` are reported too.

Every function also takes `confidence=` (e.g. 0.95: a percentile bootstrap interval over the
units the coefficient is computed on, `resamples` of them, reproducible by `seed`; see
`ConfidenceInterval`) and `breakdown=` ("classes": each category against the rest, with its
positive specific agreement; "pairs": the agreement matrix over annotators; "all"). Without
them nothing extra is computed.

>>> score = cohen_kappa([["yes", "yes", "no", "no"], ["yes", "no", "no", "no"]])
>>> round(score.value, 3), score.n_units
(0.5, 4)
>>> cohen_kappa([(1, "ann", "cat"), (1, "bob", "cat")]).undefined_because
'both annotators used a single, identical label'
>>> score = krippendorff_alpha([[1, 2, 2, 1], [1, 2, 2, 2]], confidence=0.9, breakdown="pairs")
>>> score.interval.level, score.pairs.n_units[0][1]
(0.9, 4)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from accord.core.agreement import _statistics as st
from accord.core.agreement._bootstrap import check_interval_options, percentile_interval
from accord.core.agreement._data import MISSING, Ratings, read_ratings
from accord.core.agreement.breakdowns import classes_from_counts, classes_from_table, pairwise
from accord.core.agreement.results import AgreementScore
from accord.core.errors import InputError

__all__ = [
    "COEFFICIENTS",
    "AgreementScore",
    "Metric",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"] | None
Breakdown = Literal["none", "classes", "pairs", "all"]
ClassesOf = Callable[[], tuple[Any, ...]]
TableCoefficient = Callable[[np.ndarray], st.Triple]
_FEW_VALUES = 32  # beyond, interval alpha sums values per unit instead of tabling categories


@dataclass(frozen=True, slots=True)
class _Extras:
    """The options every coefficient takes beyond its own: interval and breakdowns."""

    confidence: float | None
    resamples: int
    seed: int | None
    breakdown: Breakdown

    def __post_init__(self) -> None:
        check_interval_options(self.confidence, self.resamples, self.seed)
        if self.breakdown not in ("none", "classes", "pairs", "all"):
            raise InputError(f"breakdown must be 'none', 'classes', 'pairs' or 'all'; got "
                             f"{self.breakdown!r}")


def _score(statistic: st.Statistic, rows: np.ndarray, frequency: np.ndarray, undefined: str,
           extras: _Extras, classes: ClassesOf, pairs: Callable[[], Any],
           n_units: int | None = None) -> AgreementScore:
    """The coefficient over the units given as distinct profile rows with their frequency
    (`n_units` of them unless said otherwise), plus the interval and breakdowns that
    `extras` asks for."""
    total = st.totals(statistic, rows, frequency[None, :].astype(float))[0]
    value, observed, expected = (float(x) for x in statistic.coefficient(total))
    n_units = int(frequency.sum()) if n_units is None else n_units
    interval = None
    if np.isnan(value):
        value_fields: tuple[Any, ...] = (None, n_units, undefined, None, None)
    else:
        value_fields = (value, n_units, None, observed, None if np.isnan(expected) else expected)
        if extras.confidence is not None:
            interval = percentile_interval(statistic, rows, frequency, extras.confidence,
                                           extras.resamples, extras.seed)
    return AgreementScore(
        *value_fields, interval=interval,
        classes=classes() if extras.breakdown in ("classes", "all") else None,
        pairs=pairs() if extras.breakdown in ("pairs", "all") else None)


def _undefined(n_units: int, reason: str, extras: _Extras, ratings: Ratings | None,
               metric: str, pair_coefficient: TableCoefficient) -> AgreementScore:
    """An undefined coefficient; the agreement matrix can still be defined for some pairs."""
    pairs = None
    if ratings is not None and extras.breakdown in ("pairs", "all"):
        pairs = pairwise(ratings, metric, pair_coefficient)
    classes = () if extras.breakdown in ("classes", "all") else None
    return AgreementScore(None, n_units, reason, classes=classes, pairs=pairs)


def _two_annotators(ratings: Ratings, name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes of the units labelled by both annotators; None if nobody labelled anything."""
    if ratings.n_annotators == 0:
        return None
    if ratings.n_annotators != 2:
        raise InputError(f"{name} compares exactly two annotators; got {ratings.n_annotators}. "
                         "Use fleiss_kappa, gwet_ac1 or krippendorff_alpha for more")
    both = np.all(ratings.codes != MISSING, axis=0)
    return ratings.codes[0, both], ratings.codes[1, both]


def _profiles(ratings: Ratings, keep: Callable[[np.ndarray], np.ndarray]
              ) -> tuple[np.ndarray, np.ndarray]:
    """Distinct count rows of the units that `keep(m)` selects, m the labels per row."""
    rows, frequency = ratings.unit_profiles()
    kept = keep(rows.sum(axis=1))
    return rows[kept], frequency[kept]


def _kappa_weights(k: int, weights: Weights) -> np.ndarray:
    position = np.arange(k)
    distance = np.abs(position[:, None] - position[None, :]).astype(float)
    return {None: (distance > 0).astype(float), "linear": distance,
            "quadratic": distance**2}[weights]


def percent_agreement(data: Any, *, confidence: float | None = None, resamples: int = 1000,
                      seed: int | None = 0, breakdown: Breakdown = "none") -> AgreementScore:
    """The share of agreeing annotator pairs, averaged over units with two or more labels.

    For two annotators this is the share of units both labelled alike. Not chance-corrected;
    `observed` is the disagreement (1 - agreement), `expected` is None. Per class: the same
    share on the labels binarised (this category or not); per pair: the share of the pair's
    shared units they labelled alike.
    """
    extras = _Extras(confidence, resamples, seed, breakdown)
    ratings = read_ratings(data)
    rows, frequency = _profiles(ratings, lambda m: m >= 2)
    if frequency.size == 0:
        return _undefined(0, "no unit was labelled by two or more annotators", extras, ratings,
                          "percent_agreement", st.percent_from_tables)
    return _score(st.percent_statistic(), rows, frequency, "", extras,
                  lambda: classes_from_counts(st.percent_statistic(), rows, frequency,
                                              ratings.categories),
                  lambda: pairwise(ratings, "percent_agreement", st.percent_from_tables))


def cohen_kappa(data: Any, *, weights: Weights = None,
                categories: Iterable[Hashable] | None = None, confidence: float | None = None,
                resamples: int = 1000, seed: int | None = 0,
                breakdown: Breakdown = "none") -> AgreementScore:
    """Cohen's kappa for exactly two annotators (Cohen 1960), or weighted kappa (Cohen 1968).

    kappa = 1 - sum(w * O) / sum(w * E), with O the observed contingency table of the two
    annotators' labels on the units both labelled, E the table expected from their own
    marginals, and disagreement weights w[i, j] = 1 for i != j (unweighted), |i - j|
    ("linear") or (i - j)**2 ("quadratic"), where i, j are positions in the category order.
    Weighted kappa needs ordered categories: numeric labels (ordered by value; only the labels
    that occur count, as in scikit-learn) or an explicit `categories=` order, which may include
    unused categories. Undefined with no unit labelled by both, or when both annotators used
    one identical label throughout (0/0). Per class: unweighted kappa of the binarised labels.
    """
    if weights not in (None, "linear", "quadratic"):
        raise InputError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    extras = _Extras(confidence, resamples, seed, breakdown)
    ratings = read_ratings(data, categories)
    if weights is not None and not ratings.ordered:
        raise InputError("weighted kappa needs ordered categories: numeric labels, or pass "
                         "categories=[...] in order")
    w = _kappa_weights(len(ratings.categories), weights)
    return _two_annotator_score(
        ratings, "cohen_kappa", lambda t: st.kappa_from_tables(t, w),
        lambda t: st.kappa_from_tables(t, 1.0 - np.eye(2)),
        "both annotators used a single, identical label", extras)


def scott_pi(data: Any, *, confidence: float | None = None, resamples: int = 1000,
             seed: int | None = 0, breakdown: Breakdown = "none") -> AgreementScore:
    """Scott's pi for exactly two annotators (Scott 1955), on the units both labelled.

    pi = (Po - Pe) / (1 - Pe), Po the share of units labelled alike, Pe = sum_k p_k**2 with p_k
    the share of all labels (both annotators pooled) in category k. Undefined with no unit
    labelled by both, or when a single category was used throughout.
    """
    extras = _Extras(confidence, resamples, seed, breakdown)
    ratings = read_ratings(data)
    return _two_annotator_score(ratings, "scott_pi", st.pi_from_tables, st.pi_from_tables,
                                "a single category was used throughout", extras)


def _two_annotator_score(ratings: Ratings, name: str, coefficient: TableCoefficient,
                         binary: TableCoefficient, undefined: str,
                         extras: _Extras) -> AgreementScore:
    pair = _two_annotators(ratings, name)
    if pair is None or pair[0].size == 0:
        return _undefined(0, "no unit was labelled by both annotators", extras,
                          ratings, name, coefficient)
    k = len(ratings.categories)
    rows, frequency = st.pair_profiles(*pair, k)
    statistic = st.table_statistic(k, coefficient)
    table = np.zeros(k * k)
    table[rows[:, 0] * k + rows[:, 1]] = frequency
    return _score(statistic, rows, frequency, undefined, extras,
                  lambda: classes_from_table(binary, table.reshape(k, k), ratings.categories),
                  lambda: pairwise(ratings, name, coefficient))


def fleiss_kappa(data: Any, *, confidence: float | None = None, resamples: int = 1000,
                 seed: int | None = 0, breakdown: Breakdown = "none") -> AgreementScore:
    """Fleiss' kappa for any number of annotators with the same number of labels per unit
    (Fleiss 1971).

    kappa = (P - Pe) / (1 - Pe), P the mean over units of the share of agreeing annotator
    pairs, Pe = sum_k p_k**2 with p_k the share of all labels in category k. Units nobody
    labelled are left out; every other unit must have the same number m of labels (an
    InputError names the first unit that does not). Undefined with m < 2 or a single category.
    Per class: Fleiss' kappa of the binarised labels (his kappa_j); per pair: Cohen's kappa.
    """
    extras = _Extras(confidence, resamples, seed, breakdown)
    ratings = read_ratings(data)
    m_per_unit = np.count_nonzero(ratings.codes != MISSING, axis=0)
    labelled = m_per_unit > 0
    if not labelled.any():
        return _undefined(0, "no unit was labelled", extras, ratings, "cohen_kappa",
                          _pair_kappa())
    m = int(m_per_unit[np.argmax(labelled)])
    unequal = labelled & (m_per_unit != m)
    if unequal.any():
        first_unit = ratings.units[int(np.argmax(labelled))]
        unit = ratings.units[int(np.argmax(unequal))]
        raise InputError(
            f"fleiss_kappa needs the same number of labels for every unit: unit {unit!r} has "
            f"{int(m_per_unit[np.argmax(unequal)])} but unit {first_unit!r} has {m}; use "
            "krippendorff_alpha or gwet_ac1 when the number of labels varies")
    rows, frequency = _profiles(ratings, lambda per_row: per_row > 0)
    cohen = _pair_kappa()
    if m < 2:
        return _undefined(int(frequency.sum()), "each unit has a single label; agreement "
                          "needs two", extras, ratings, "cohen_kappa", cohen)
    return _score(st.fleiss_statistic(m), rows, frequency,
                  "a single category was used throughout", extras,
                  lambda: classes_from_counts(st.fleiss_statistic(m), rows, frequency,
                                              ratings.categories),
                  lambda: pairwise(ratings, "cohen_kappa", cohen))


def _pair_kappa() -> TableCoefficient:
    return lambda t: st.kappa_from_tables(t, 1.0 - np.eye(t.shape[-1]))


def gwet_ac1(data: Any, *, categories: Iterable[Hashable] | None = None,
             confidence: float | None = None, resamples: int = 1000, seed: int | None = 0,
             breakdown: Breakdown = "none") -> AgreementScore:
    """Gwet's AC1 for nominal labels from any number of annotators, labels may be missing
    (Gwet 2008; multiple raters as in Gwet, Handbook of Inter-Rater Reliability, 2014).

    AC1 = (Pa - Pe) / (1 - Pe). Pa is the mean, over units with two or more labels, of the
    share of agreeing annotator pairs; Pe = sum_k pi_k (1 - pi_k) / (K - 1), where pi_k is the
    mean over labelled units of the share of the unit's labels in category k, and K the number
    of categories: those given in `categories=`, else those that occur. Undefined with no
    unit labelled twice, or K < 2. Per class: AC1 of the binarised labels (K = 2); per pair:
    AC1 of the two annotators with the same K.
    """
    extras = _Extras(confidence, resamples, seed, breakdown)
    ratings = read_ratings(data, categories)
    k = len(ratings.categories)
    pair_coefficient: TableCoefficient = lambda t: st.ac1_from_tables(t, k)  # noqa: E731
    rows, frequency = _profiles(ratings, lambda m: m >= 1)
    n_pairable = int(frequency[rows.sum(axis=1) >= 2].sum())
    if n_pairable == 0:
        return _undefined(0, "no unit was labelled by two or more annotators", extras,
                          ratings, "gwet_ac1", pair_coefficient)
    return _score(st.gwet_statistic(k), rows, frequency,
                  "a single category was used throughout", extras,
                  lambda: classes_from_counts(st.gwet_statistic(2), rows, frequency,
                                              ratings.categories),
                  lambda: pairwise(ratings, "gwet_ac1", pair_coefficient), n_pairable)


def krippendorff_alpha(data: Any, *, level: Level = "nominal",
                       categories: Iterable[Hashable] | None = None,
                       confidence: float | None = None, resamples: int = 1000,
                       seed: int | None = 0, breakdown: Breakdown = "none") -> AgreementScore:
    """Krippendorff's alpha for any number of annotators, missing labels allowed
    (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

    alpha = 1 - Do / De from the coincidence matrix o[c, k] = sum_u n_uc (n_uk - [c == k]) /
    (m_u - 1) over pairable units (m_u >= 2 values; the others are dropped), with n_c its
    margins and n their sum: Do = sum o[c, k] d2[c, k] / n and
    De = sum n_c n_k d2[c, k] / (n (n - 1)). The difference d2 depends on `level`: nominal
    [c != k]; ordinal (sum_{g=c..k} n_g - (n_c + n_k) / 2)**2 over the category order (numeric
    labels, or `categories=`); interval (v_c - v_k)**2 and ratio ((v_c - v_k) / (v_c + v_k))**2
    on numeric labels (ratio: non-negative). Undefined with no pairable unit or when all
    pairable values are the same. Per class: nominal alpha of the binarised labels (at every
    level: with two categories the levels coincide); per pair: alpha at `level` on the pair.
    The interval resamples pairable units, not pairable values as Hayes & Krippendorff
    (2007) do. Interval alpha on more than 32 distinct values (measurements) is computed from
    each unit's sums of values and squares, so it needs no category × category table.
    """
    if level not in ("nominal", "ordinal", "interval", "ratio"):
        raise InputError(f"level must be 'nominal', 'ordinal', 'interval' or 'ratio'; got "
                         f"{level!r}")
    extras = _Extras(confidence, resamples, seed, breakdown)
    ratings = read_ratings(data, categories)
    values = _check_level(level, ratings)
    pair_coefficient: TableCoefficient = lambda t: st.alpha_from_coincidences(  # noqa: E731
        t + np.swapaxes(t, -1, -2), level, values)
    rows, frequency, statistic = _alpha_units(level, ratings, values)
    if frequency.size == 0:
        return _undefined(0, "no unit has two or more values to pair", extras, ratings,
                          "krippendorff_alpha", pair_coefficient)
    return _score(statistic, rows, frequency,
                  "all pairable values are the same", extras,
                  lambda: classes_from_counts(st.alpha_statistic("nominal", None, 2),
                                              *_profiles(ratings, lambda m: m >= 2),
                                              ratings.categories),
                  lambda: pairwise(ratings, "krippendorff_alpha", pair_coefficient))


def _alpha_units(level: Level, ratings: Ratings, values: np.ndarray | None
                 ) -> tuple[np.ndarray, np.ndarray, st.Statistic]:
    """The pairable units as profile rows with their frequency, and the statistic on them:
    count rows, or per-unit value sums for interval alpha on measurements."""
    k = len(ratings.categories)
    if level == "interval" and k > _FEW_VALUES:
        return (*_value_sums(ratings), st.interval_value_statistic())
    return (*_profiles(ratings, lambda m: m >= 2), st.alpha_statistic(level, values, k))


def _value_sums(ratings: Ratings) -> tuple[np.ndarray, np.ndarray]:
    """Rows (m_u, sum v, sum v**2) of the pairable units, values centred on their mean, each
    unit its own profile (weight 1): interval alpha with many distinct values."""
    assert ratings.values is not None
    valid = ratings.codes != MISSING
    m = np.count_nonzero(valid, axis=0)
    pairable = m >= 2
    lookup = np.append(ratings.values, 0.0)  # MISSING (-1) reads 0
    raw = lookup[ratings.codes[:, pairable]]
    if raw.size == 0:
        return np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    centred = np.where(valid[:, pairable], raw - raw.sum() / m[pairable].sum(), 0.0)
    rows = np.stack([m[pairable], centred.sum(axis=0), (centred**2).sum(axis=0)], axis=1)
    return rows, np.ones(rows.shape[0], dtype=np.int64)


def _check_level(level: Level, ratings: Ratings) -> np.ndarray | None:
    """The categories' values, after checking that the labels suit the level."""
    if level == "ordinal" and not ratings.ordered:
        raise InputError("ordinal alpha needs ordered categories: numeric labels, or pass "
                         "categories=[...] in order")
    values = ratings.values
    if level in ("interval", "ratio"):
        if values is None:
            raise InputError(f"{level} alpha needs numeric labels")
        if level == "ratio" and np.any(values < 0):
            raise InputError("ratio alpha needs non-negative values")
    return values


Metric = Literal["percent", "cohen", "scott", "fleiss", "krippendorff", "gwet"]
#: Each coefficient by the name the CLI, the report and the multi-label functions use.
COEFFICIENTS: dict[str, Callable[..., AgreementScore]] = {
    "percent": percent_agreement, "cohen": cohen_kappa, "scott": scott_pi,
    "fleiss": fleiss_kappa, "krippendorff": krippendorff_alpha, "gwet": gwet_ac1}
