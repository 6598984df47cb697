"""What the agreement functions return: a coefficient with, on request, its confidence
interval and its breakdowns per category and per annotator pair.

>>> AgreementScore(0.5, 10).interval is None
True
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

__all__ = ["AgreementScore", "ClassAgreement", "ConfidenceInterval", "PairwiseAgreement"]


@dataclass(frozen=True, slots=True)
class ConfidenceInterval:
    """A percentile bootstrap interval: the units the coefficient is computed on are
    resampled with replacement `resamples` times, the coefficient is recomputed on each
    resample, and the (1 - level) / 2 and (1 + level) / 2 quantiles of those values are taken
    (Efron & Tibshirani 1993, ch. 13). This is not Krippendorff's own bootstrap (Hayes &
    Krippendorff 2007, which resamples pairable values).

    Resamples on which the coefficient is undefined (e.g. a single category drawn throughout)
    are left out and counted in `undefined_resamples`; `low` and `high` are None when all are.
    """

    low: float | None
    high: float | None
    level: float
    resamples: int
    undefined_resamples: int = 0
    method: str = "percentile bootstrap over units"


@dataclass(frozen=True, slots=True)
class ClassAgreement:
    """One category against all the others (labels binarised: this category or not).

    `value` is the same coefficient on the binarised labels (Krippendorff's alpha at every
    level becomes nominal alpha on two categories; weighted kappa becomes unweighted kappa).
    `specific_agreement` is the positive specific agreement: of the labels in this category
    on units labelled twice or more, the share whose other labels on the unit agree with it,
    sum_u n_uc (n_uc - 1) / sum_u n_uc (m_u - 1), which for two annotators is 2a / (2a + b + c)
    (Uebersax 1982). `n_labels` counts the labels in this category, `n_units` the units on
    which at least one annotator chose it, both among the units the coefficient uses.
    """

    category: Hashable
    value: float | None
    undefined_because: str | None
    specific_agreement: float | None
    n_labels: int
    n_units: int


@dataclass(frozen=True, slots=True)
class PairwiseAgreement:
    """The agreement matrix: `values[i][j]` is the coefficient between annotators i and j on
    the units both labelled, `n_units[i][j]` the number of those units (on the diagonal, the
    units annotator i labelled). `metric` names the coefficient (Cohen's kappa for the
    kappa-type metrics). `values[i][j]` is None on the diagonal, where the pair shares no
    unit, or where the coefficient is 0/0 for the pair (e.g. one identical label throughout).
    """

    annotators: tuple[Hashable, ...]
    metric: str
    values: tuple[tuple[float | None, ...], ...]
    n_units: tuple[tuple[int, ...], ...]

    def get(self, first: Hashable, second: Hashable) -> float | None:
        """The coefficient between two annotators named as in `annotators`."""
        return self.values[self.annotators.index(first)][self.annotators.index(second)]


@dataclass(frozen=True, slots=True)
class AgreementScore:
    """A coefficient, or None with the reason it is undefined for this input.

    `observed` and `expected` are the observed and chance-expected disagreement, where the
    coefficient is `1 - observed / expected`; `n_units` counts the units it was computed on.
    `interval` is set when a confidence level was asked for, `classes` (one entry per
    category, in category order) and `pairs` when the breakdown was asked for.
    """

    value: float | None
    n_units: int
    undefined_because: str | None = None
    observed: float | None = None
    expected: float | None = None
    interval: ConfidenceInterval | None = None
    classes: tuple[ClassAgreement, ...] | None = None
    pairs: PairwiseAgreement | None = None
