"""Bootstrap confidence intervals: the vectorised resampling equals resampling units one by
one, intervals are reproducible, and undefined or bad requests are handled."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from accord.core.agreement import (
    _bootstrap,
    categorical,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from accord.core.agreement import _statistics as stats
from accord.core.agreement._data import read_ratings
from accord.core.agreement.results import ConfidenceInterval
from accord.core.errors import InputError
from strategies import EXAMPLES, LEVELS, reliability_matrices


def matrix_from_count_rows(rows, repeats):
    """A reliability matrix whose units have the given count rows, each repeated: the j-th
    label of a unit goes to annotator j (who gave which label does not matter to the
    many-annotator coefficients)."""
    units = []
    for row, times in zip(rows, repeats, strict=True):
        labels = [float(c) for c, n in enumerate(row) for _ in range(n)]
        units += [labels] * int(times)
    width = max(len(u) for u in units)
    return [[u[a] if a < len(u) else math.nan for u in units] for a in range(width)]


@EXAMPLES
@given(reliability_matrices(min_annotators=2, min_units=2, max_units=15, values=(0, 1, 2, 5)), st.sampled_from(LEVELS), st.integers(0, 2**32 - 1))
def test_a_multinomial_draw_of_profiles_is_a_resample_of_units(matrix, level, seed):
    ratings = read_ratings(np.array(matrix, dtype=float))
    rows, frequency = ratings.unit_profiles()
    pairable = rows.sum(axis=1) >= 2
    rows, frequency = rows[pairable], frequency[pairable]
    assume(frequency.sum() > 0)
    draw = np.random.default_rng(seed).multinomial(frequency.sum(), frequency / frequency.sum())
    statistic = stats.alpha_statistic(level, ratings.values, len(ratings.categories))
    value = statistic.coefficient(stats.totals(statistic, rows, draw[None, :].astype(float)))[0]
    # the same resample, written out unit by unit, with the categories' values as labels
    resampled = matrix_from_count_rows(rows[draw > 0], draw[draw > 0])
    values = {float(i): v for i, v in enumerate(ratings.values)}
    relabelled = [[values.get(x, math.nan) for x in row] for row in resampled]
    direct = krippendorff_alpha(relabelled, level=level).value
    if direct is None:
        assert math.isnan(value[0])
    else:
        # ordinal alpha depends on the category order only, so the renumbering is harmless
        assert value[0] == pytest.approx(direct, abs=1e-9)


@EXAMPLES
@given(reliability_matrices(min_annotators=2, min_units=2, max_units=15, values=(0, 1, 2, 5)), st.integers(0, 2**32 - 1))
def test_resampled_fleiss_percent_and_gwet_equal_the_functions_on_the_resample(matrix, seed):
    ratings = read_ratings(np.array(matrix, dtype=float))
    rows, frequency = ratings.unit_profiles()
    labelled = rows.sum(axis=1) >= 1
    rows, frequency = rows[labelled], frequency[labelled]
    assume(frequency.sum() > 0)
    draw = np.random.default_rng(seed).multinomial(frequency.sum(), frequency / frequency.sum())
    resampled = matrix_from_count_rows(rows[draw > 0], draw[draw > 0])
    k = len(ratings.categories)
    checks = [(stats.gwet_statistic(k), gwet_ac1(resampled, categories=[
        float(c) for c in range(k)])), (stats.percent_statistic(), percent_agreement(resampled))]
    m = rows.sum(axis=1)
    if np.all(m == m[0]):
        checks.append((stats.fleiss_statistic(int(m[0])), fleiss_kappa(resampled)))
    for statistic, score in checks:
        value = statistic.coefficient(stats.totals(statistic, rows, draw[None, :] * 1.0))[0][0]
        if score.value is None:
            assert math.isnan(value)
        else:
            assert value == pytest.approx(score.value, abs=1e-9)


def noisy_matrix(n_units=300, n_annotators=4, seed=1):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, n_units)
    matrix = np.where(rng.random((n_annotators, n_units)) < 0.7, truth,
                      rng.integers(0, 4, (n_annotators, n_units))).astype(float)
    matrix[rng.random(matrix.shape) < 0.1] = np.nan
    return matrix


@pytest.mark.parametrize("metric", [percent_agreement, gwet_ac1, krippendorff_alpha])
def test_the_interval_brackets_the_value_and_is_reproducible(metric):
    matrix = noisy_matrix()
    score = metric(matrix, confidence=0.95, resamples=400, seed=7)
    interval = score.interval
    assert isinstance(interval, ConfidenceInterval)
    assert interval.low < score.value < interval.high
    assert (interval.level, interval.resamples, interval.undefined_resamples) == (0.95, 400, 0)
    assert metric(matrix, confidence=0.95, resamples=400, seed=7).interval == interval
    assert metric(matrix, confidence=0.95, resamples=400, seed=8).interval != interval
    narrower = metric(matrix, confidence=0.5, resamples=400, seed=7).interval
    assert interval.low < narrower.low < narrower.high < interval.high


def test_the_interval_matches_a_unit_by_unit_bootstrap_in_distribution():
    """Our multinomial draws and a plain loop drawing unit indices estimate the same
    quantiles: 2,000 resamples each agree to within the bootstrap's own noise."""
    matrix = noisy_matrix(n_units=200, n_annotators=3, seed=3)
    ours = krippendorff_alpha(matrix, confidence=0.9, resamples=2000, seed=11).interval
    rng = np.random.default_rng(12)
    loop = [krippendorff_alpha(matrix[:, rng.integers(0, 200, 200)]).value
            for _ in range(2000)]
    low, high = np.quantile(loop, [0.05, 0.95])
    assert ours.low == pytest.approx(low, abs=0.015)
    assert ours.high == pytest.approx(high, abs=0.015)


def test_two_annotator_intervals_resample_the_shared_units():
    first = ["a"] * 30 + ["b"] * 30 + ["a"] * 10
    second = ["a"] * 30 + ["b"] * 30 + ["b"] * 10
    for metric in (cohen_kappa, scott_pi):
        score = metric([first, second], confidence=0.9, resamples=300)
        assert score.interval.low < score.value < score.interval.high
        assert score.n_units == 70


def test_fleiss_interval_on_the_wikipedia_example_brackets_kappa():
    counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
              [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
              [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    score = fleiss_kappa(matrix_from_count_rows(counts, [1] * 10), confidence=0.95)
    assert score.value == pytest.approx(0.210, abs=5e-4)
    assert score.interval.low < 0.210 < score.interval.high


def test_resamples_on_which_the_coefficient_is_undefined_are_counted_and_left_out():
    # one unit in three disagrees; a resample of three units has none of them 8/27 of the time
    matrix = [["a", "a", "b"], ["a", "a", "a"]]
    interval = percent_agreement(matrix, confidence=0.9, resamples=200).interval
    assert interval.undefined_resamples == 0
    kappa = krippendorff_alpha([[1, 1, 2], [1, 1, 1]], confidence=0.9, resamples=500)
    assert 0 < kappa.interval.undefined_resamples < 500


def test_no_interval_when_the_coefficient_is_undefined():
    score = krippendorff_alpha([[1, 1, 1], [1, 1, 1]], confidence=0.95)
    assert score.value is None and score.interval is None


def test_without_confidence_no_interval_is_computed():
    assert krippendorff_alpha(noisy_matrix()).interval is None


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, "0.95", True])
def test_a_confidence_outside_zero_and_one_is_rejected(confidence):
    with pytest.raises(InputError, match="confidence must be a level between 0 and 1"):
        krippendorff_alpha([[1, 2], [1, 2]], confidence=confidence)


@pytest.mark.parametrize("resamples", [0, 1, 2.5, "100"])
def test_too_few_resamples_are_rejected(resamples):
    with pytest.raises(InputError, match="resamples must be an integer of at least 2"):
        fleiss_kappa([[1, 2], [1, 2]], confidence=0.9, resamples=resamples)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_a_seed_that_is_not_a_non_negative_integer_is_rejected(seed):
    with pytest.raises(InputError, match="seed must be a non-negative integer or None"):
        gwet_ac1([[1, 2], [1, 2]], confidence=0.9, seed=seed)


def test_interval_alpha_on_measurements_sums_values_and_matches_the_package(monkeypatch):
    """More than 32 distinct values: alpha from per-unit sums (no category table), equal to
    the krippendorff package and to our category path; its interval draws unit indices."""
    rng = np.random.default_rng(21)
    matrix = rng.normal(10.0, 2.0, (4, 150)).round(2) + rng.normal(0, 3, 150)
    matrix[rng.random(matrix.shape) < 0.15] = np.nan
    score = krippendorff_alpha(matrix, level="interval", confidence=0.9, resamples=300,
                               breakdown="classes")
    assert score.value == pytest.approx(krippendorff.alpha(
        reliability_data=matrix, level_of_measurement="interval"), abs=1e-9)
    assert score.interval.low < score.value < score.interval.high
    assert len(score.classes) == len(np.unique(matrix[~np.isnan(matrix)]))
    monkeypatch.setattr(categorical, "_FEW_VALUES", 10**9)  # force the category path
    by_categories = krippendorff_alpha(matrix, level="interval")
    assert by_categories.value == pytest.approx(score.value, abs=1e-9)


def test_many_profile_draws_resample_n_units_each():
    rng = np.random.default_rng(0)
    frequency = np.r_[np.ones(5000, dtype=np.int64), [3, 2]]
    drawn = _bootstrap._draw(rng, frequency, int(frequency.sum()), 4)
    assert drawn.shape == (4, 5002) and np.all(drawn.sum(axis=1) == frequency.sum())
    assert drawn[:, -2:].mean() > drawn[:, :-2].mean()  # the heavier profiles are drawn more


def test_measurements_that_do_not_vary_among_pairable_units_are_undefined():
    single = np.full((2, 40), np.nan)
    single[0] = np.arange(40) / 7  # 40 distinct values, each alone on its unit
    pairable = np.full((2, 10), 5.0)
    score = krippendorff_alpha(np.hstack([single, pairable]), level="interval")
    assert score.value is None and score.undefined_because == "all pairable values are the same"
    assert score.n_units == 10
