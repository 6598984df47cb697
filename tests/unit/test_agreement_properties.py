"""Categorical agreement against reference libraries (krippendorff, statsmodels, scikit-learn)
on generated data, and the properties every coefficient should have."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from statsmodels.stats import inter_rater

from accord.core.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from strategies import EXAMPLES, LEVELS, reliability_matrices


@st.composite
def label_pairs(draw):
    n = draw(st.integers(1, 40))
    same_length = st.lists(st.integers(0, 4), min_size=n, max_size=n)
    return draw(same_length), draw(same_length)


@st.composite
def fixed_count_units(draw):
    """(units × m) labels: every unit gets exactly m labels."""
    m = draw(st.integers(2, 6))
    n_units = draw(st.integers(1, 20))
    return [draw(st.lists(st.integers(0, 4), min_size=m, max_size=m)) for _ in range(n_units)]


def as_records(matrix):
    return [(f"unit {u}", f"annotator {a}", label)
            for a, row in enumerate(matrix) for u, label in enumerate(row)]


def count_table(units, n_categories=5):
    return np.array([np.bincount(labels, minlength=n_categories) for labels in units])


# Agreement with the reference libraries

@EXAMPLES
@given(reliability_matrices(), st.sampled_from(LEVELS))
def test_alpha_matches_the_krippendorff_package_at_every_level(matrix, level):
    score = krippendorff_alpha(matrix, level=level)
    assume(score.value is not None)
    reference = krippendorff.alpha(reliability_data=np.array(matrix, dtype=float),
                                   level_of_measurement=level)
    assert score.value == pytest.approx(reference, abs=1e-9)


@EXAMPLES
@given(label_pairs(), st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_matches_scikit_learn_and_statsmodels(pair, weights):
    score = cohen_kappa(list(pair), weights=weights)
    assume(score.value is not None)
    assert score.value == pytest.approx(cohen_kappa_score(*pair, weights=weights), abs=1e-9)
    table = confusion_matrix(*pair)
    reference = inter_rater.cohens_kappa(table, wt=weights, return_results=False)
    assert score.value == pytest.approx(reference, abs=1e-9)


@EXAMPLES
@given(fixed_count_units())
def test_fleiss_kappa_matches_statsmodels(units):
    records = [(u, rater, label) for u, labels in enumerate(units)
               for rater, label in enumerate(labels)]
    score = fleiss_kappa(records)
    assume(score.value is not None)
    reference = inter_rater.fleiss_kappa(count_table(units), method="fleiss")
    assert score.value == pytest.approx(reference, abs=1e-9)
    assert score.n_units == len(units)


@EXAMPLES
@given(label_pairs())
def test_scott_pi_is_fleiss_kappa_for_two_annotators_as_in_statsmodels(pair):
    score = scott_pi(list(pair))
    assume(score.value is not None)
    reference = inter_rater.fleiss_kappa(count_table(list(zip(*pair, strict=True))))
    assert score.value == pytest.approx(reference, abs=1e-9)


def gwet_ac1_by_the_book(matrix):
    """Gwet (2014) multi-rater AC1 written out unit by unit, as an independent check."""
    units = [[v for v in column if not math.isnan(v)] for column in zip(*matrix, strict=True)]
    categories = sorted({v for unit in units for v in unit})
    labelled = [unit for unit in units if unit]
    pairable = [unit for unit in units if len(unit) >= 2]
    pa = sum(sum(unit.count(k) * (unit.count(k) - 1) for k in categories)
             / (len(unit) * (len(unit) - 1)) for unit in pairable) / len(pairable)
    pi = [sum(unit.count(k) / len(unit) for unit in labelled) / len(labelled)
          for k in categories]
    pe = sum(p * (1 - p) for p in pi) / (len(categories) - 1)
    return (pa - pe) / (1 - pe)


@EXAMPLES
@given(reliability_matrices())
def test_gwet_ac1_matches_a_unit_by_unit_computation(matrix):
    score = gwet_ac1(matrix)
    assume(score.value is not None)
    assert score.value == pytest.approx(gwet_ac1_by_the_book(matrix), abs=1e-9)


# Properties

@EXAMPLES
@given(label_pairs())
def test_kappa_is_between_minus_one_and_one(pair):
    for metric in (cohen_kappa, scott_pi, fleiss_kappa, gwet_ac1, krippendorff_alpha):
        score = metric(list(pair))
        if score.value is not None:
            assert -1.0 - 1e-12 <= score.value <= 1.0 + 1e-12


@EXAMPLES
@given(label_pairs(), st.sampled_from([None, "linear", "quadratic"]))
def test_coefficients_are_symmetric_in_the_two_annotators(pair, weights):
    first, second = pair
    assert (cohen_kappa([first, second], weights=weights)
            == pytest.approx(cohen_kappa([second, first], weights=weights)))
    for metric in (scott_pi, percent_agreement, gwet_ac1, krippendorff_alpha, fleiss_kappa):
        assert metric([first, second]).value == pytest.approx(metric([second, first]).value)


@EXAMPLES
@given(st.lists(st.integers(0, 4), min_size=1, max_size=30), st.integers(2, 4))
def test_self_agreement_is_perfect_when_defined(labels, copies):
    matrix = [labels] * copies
    scores = [percent_agreement(matrix), fleiss_kappa(matrix), gwet_ac1(matrix)]
    scores += [krippendorff_alpha(matrix, level=level) for level in LEVELS]
    scores += [cohen_kappa(matrix[:2], weights=w) for w in (None, "linear", "quadratic")]
    scores.append(scott_pi(matrix[:2]))
    for score in scores:
        assert score.value == 1.0 or (score.value is None and score.undefined_because)
    assert (len(set(labels)) > 1) == all(score.value is not None for score in scores)


@EXAMPLES
@given(reliability_matrices(max_annotators=4), st.permutations(["x", "y", "z", "w", "v", "u"]))
def test_renaming_categories_changes_no_nominal_coefficient(matrix, names):
    rename = dict(zip([0, 1, 2, 3, 5, 8], names, strict=True))
    renamed = [[None if math.isnan(v) else rename[v] for v in row] for row in matrix]
    metrics = [percent_agreement, gwet_ac1, krippendorff_alpha]
    if len(matrix) == 2:
        metrics += [cohen_kappa, scott_pi]
    for metric in metrics:
        before, after = metric(matrix), metric(renamed)
        assert after.value == pytest.approx(before.value, abs=1e-12)
        assert after.undefined_because == before.undefined_because


@EXAMPLES
@given(reliability_matrices(), st.sampled_from(LEVELS))
def test_records_and_the_matrix_give_the_same_result(matrix, level):
    records = as_records(matrix)
    assert krippendorff_alpha(records, level=level) == krippendorff_alpha(matrix, level=level)
    assert krippendorff_alpha(np.array(matrix), level=level) == krippendorff_alpha(
        matrix, level=level)
    for metric in (percent_agreement, gwet_ac1):
        assert metric(records) == metric(matrix)
    if len(matrix) == 2:
        for metric in (cohen_kappa, scott_pi):
            assert metric(iter(records)) == metric(matrix)


@EXAMPLES
@given(reliability_matrices(missing=False))
def test_fleiss_kappa_reads_records_and_the_matrix_alike(matrix):
    assert fleiss_kappa(as_records(matrix)) == fleiss_kappa(matrix)
