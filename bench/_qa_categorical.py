"""Categorical agreement cases for `bench/qa_metrics.py`: Krippendorff's alpha (nominal and
interval) and Fleiss' kappa on 1,000,000 units × 5 annotators (at `scale` 1.0).

Every runner gets the same input, a float reliability matrix (annotators × units, NaN where
an annotator gave no label, as the `krippendorff` package takes it), and each does all the
work its library needs from there: statsmodels' `aggregate_raters` builds its count table
inside the timed call, as our `fleiss_kappa` reads the matrix inside its own.
"""

from __future__ import annotations

import numpy as np
from _qa_harness import Case  # type: ignore[import-not-found]

UNITS = 1_000_000
ANNOTATORS = 5
MISSING_SHARE = 0.10
CATEGORIES = 5  # labels 0..4
SEED = 20_260_601


def reliability_matrix(n_units: int, missing_share: float,
                       missing: str = "cells") -> np.ndarray:
    """Annotators × units of labels 0..4 that mostly agree with a hidden true label (each
    annotator is right 70 % of the time, else picks uniformly), NaN in a random share of the
    cells, or of the units (`missing="units"`: units nobody labelled yet)."""
    rng = np.random.default_rng(SEED)
    truth = rng.integers(0, CATEGORIES, n_units)
    right = rng.random((ANNOTATORS, n_units)) < 0.7
    noise = rng.integers(0, CATEGORIES, (ANNOTATORS, n_units))
    matrix = np.where(right, truth, noise).astype(float)
    if missing == "units":
        matrix[:, rng.random(n_units) < missing_share] = np.nan
    else:
        matrix[rng.random(matrix.shape) < missing_share] = np.nan
    return matrix


def _alpha_case(level: str, n_units: int) -> Case:
    from accord.core.agreement import krippendorff_alpha

    def reference(matrix: np.ndarray) -> float:
        import krippendorff
        return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level))

    return Case(
        name=f"Krippendorff alpha, {level}",
        size=f"{n_units:,} units × {ANNOTATORS} annotators, {MISSING_SHARE:.0%} missing",
        setup=lambda: reliability_matrix(n_units, MISSING_SHARE),
        accord=lambda matrix: krippendorff_alpha(matrix, level=level).value,  # type: ignore[arg-type]
        references={"krippendorff": reference},
    )


def fleiss_case(n_units: int, unlabelled_share: float) -> Case:
    """Fleiss' kappa, with no missing labels or with a share of the units unlabelled.

    Fleiss (1971) is defined for the same number of ratings on every unit, and both our
    `fleiss_kappa` (which raises InputError otherwise) and statsmodels' `fleiss_kappa` (which
    silently takes the largest row total as that number, so its value is wrong with missing
    labels) need it. With 5 annotators a constant number per unit and 10 % missing *cells*
    cannot both hold (a unit lacks 0 or 1 labels: 0 % or 20 %), so the 10 % are missing as
    whole units, as in a project where a tenth of the tasks is not labelled yet: our function
    leaves those units out, and the statsmodels runner drops them before building its table
    (inside the timed call). The cell-wise missing values are timed by the Krippendorff cases.
    """
    from accord.core.agreement import fleiss_kappa

    def reference(matrix: np.ndarray) -> float:
        from statsmodels.stats.inter_rater import aggregate_raters
        from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss
        labelled = matrix[:, ~np.isnan(matrix).all(axis=0)]
        table, _ = aggregate_raters(labelled.T.astype(np.int64))
        return float(sm_fleiss(table, method="fleiss"))

    missing = (f"{unlabelled_share:.0%} of the units unlabelled" if unlabelled_share
               else "no missing labels")
    return Case(
        name="Fleiss kappa",
        size=f"{n_units:,} units × {ANNOTATORS} annotators, {missing}",
        setup=lambda: reliability_matrix(n_units, unlabelled_share, "units"),
        accord=lambda matrix: fleiss_kappa(matrix).value,
        references={"statsmodels": reference},
    )


def cases(scale: float) -> list[Case]:
    n_units = max(10, round(UNITS * scale))
    return [_alpha_case("nominal", n_units), _alpha_case("interval", n_units),
            fleiss_case(n_units, MISSING_SHARE), fleiss_case(n_units, 0.0)]
