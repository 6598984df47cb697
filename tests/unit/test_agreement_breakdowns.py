"""Breakdowns per category (one against the rest) and per annotator pair (the agreement
matrix): each entry equals the coefficient computed directly on the binarised labels or on
the pair's own units, and hand-computed or reference values where there are some."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from accord.core.agreement import (
    breakdowns,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from accord.core.agreement.results import ClassAgreement, PairwiseAgreement
from accord.core.errors import InputError
from published_data import WIKIPEDIA_FLEISS
from strategies import EXAMPLES, LEVELS, reliability_matrices


def binarised(matrix, category):
    return [[x if isinstance(x, float) and math.isnan(x) else float(x == category)
             for x in row] for row in matrix]


def same(value, expected):
    if expected is None:
        return value is None
    return value is not None and value == pytest.approx(expected, abs=1e-9)


@EXAMPLES
@given(reliability_matrices(min_annotators=2, max_units=15, values=(0, 1, 2, 5)), st.sampled_from(LEVELS))
def test_each_class_entry_is_the_coefficient_on_the_binarised_labels(matrix, level):
    cases = [(krippendorff_alpha, {"level": level},
              lambda m: krippendorff_alpha(m, level="nominal").value),
             (percent_agreement, {}, lambda m: percent_agreement(m).value),
             (gwet_ac1, {}, lambda m: gwet_ac1(m, categories=[0.0, 1.0]).value)]
    for metric, options, direct in cases:
        score = metric(matrix, breakdown="classes", **options)
        if score.value is None:
            continue
        for entry in score.classes:
            assert same(entry.value, direct(binarised(matrix, entry.category)))


@EXAMPLES
@given(reliability_matrices(min_annotators=2, max_annotators=2, max_units=15, values=(0, 1, 2, 5)), st.sampled_from([None, "linear"]))
def test_two_annotator_class_entries_are_kappa_and_pi_on_the_binarised_labels(matrix, weights):
    kappa = cohen_kappa(matrix, weights=weights, breakdown="classes")
    pi = scott_pi(matrix, breakdown="classes")
    for score, direct in ((kappa, cohen_kappa), (pi, scott_pi)):
        for entry in score.classes or ():
            assert same(entry.value, direct(binarised(matrix, entry.category)).value)


def test_fleiss_class_kappas_follow_fleiss_1971_kappa_j():
    """kappa_j = 1 - sum_i n_ij (m - n_ij) / (N m (m - 1) p_j q_j), computed by hand."""
    records = [(s, r, c) for s, row in enumerate(WIKIPEDIA_FLEISS)
               for r, c in enumerate(c for c, n in enumerate(row) for _ in range(n))]
    score = fleiss_kappa(records, breakdown="classes")
    n, m = 10, 14
    for j, entry in enumerate(score.classes):
        column = [row[j] for row in WIKIPEDIA_FLEISS]
        p = sum(column) / (n * m)
        by_hand = 1 - sum(x * (m - x) for x in column) / (n * m * (m - 1) * p * (1 - p))
        assert entry.value == pytest.approx(by_hand, abs=1e-12)
        assert entry.n_labels == sum(column)
        assert entry.n_units == sum(1 for x in column if x)


def test_positive_specific_agreement_of_a_two_by_two_table():
    # a = 40 both yes, b = 5 only the first, c = 10 only the second, d = 45 both no
    first = ["yes"] * 45 + ["no"] * 55
    second = ["yes"] * 40 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 45
    classes = {e.category: e for e in cohen_kappa([first, second], breakdown="classes").classes}
    assert classes["yes"].specific_agreement == pytest.approx(80 / 95)
    assert classes["no"].specific_agreement == pytest.approx(90 / 105)
    assert (classes["yes"].n_labels, classes["yes"].n_units) == (95, 55)
    assert classes["yes"].value == pytest.approx(cohen_kappa([first, second]).value)


@EXAMPLES
@given(reliability_matrices(min_annotators=2, max_units=15, values=(0, 1, 2, 5)))
def test_specific_agreement_matches_a_unit_by_unit_count(matrix):
    score = krippendorff_alpha(matrix, breakdown="classes")
    columns = list(zip(*matrix, strict=True))
    for entry in score.classes or ():
        agreeing = compared = 0
        for unit in columns:
            labels = [x for x in unit if not math.isnan(x)]
            if len(labels) < 2:
                continue
            n_c = sum(x == entry.category for x in labels)
            agreeing += n_c * (n_c - 1)
            compared += n_c * (len(labels) - 1)
        assert same(entry.specific_agreement, agreeing / compared if compared else None)


def test_a_class_that_is_everywhere_or_nowhere_among_compared_labels_is_undefined():
    score = krippendorff_alpha([[1, 1, 2, 3], [1, 1, 2, 3], [1, 1, 2, 3]], breakdown="classes")
    assert all(isinstance(e, ClassAgreement) and e.value == 1.0 for e in score.classes)
    constant = gwet_ac1([["a", "a"], ["a", "a"]], categories=["a", "b"], breakdown="classes")
    assert constant.classes[0].value == 1.0  # AC1 with K = 2 is defined on one category
    alpha = krippendorff_alpha([["a", "b"], ["a", "b"]], breakdown="all")
    assert alpha.classes[0].value == 1.0 and alpha.pairs.values[0][1] == 1.0


@EXAMPLES
@given(reliability_matrices(min_annotators=1, max_units=15, values=(0, 1, 2, 5)), st.sampled_from(LEVELS))
def test_each_pair_entry_is_the_coefficient_on_that_pair(matrix, level):
    metrics = [(krippendorff_alpha, {"level": level}, lambda m: krippendorff_alpha(
        m, level=level)), (fleiss_kappa, {}, cohen_kappa), (gwet_ac1, {}, None),
        (percent_agreement, {}, percent_agreement)]
    n = len(matrix)
    for metric, options, direct in metrics:
        try:
            pairs = metric(matrix, breakdown="pairs", **options).pairs
        except InputError:  # fleiss_kappa with a varying number of labels
            continue
        assert isinstance(pairs, PairwiseAgreement) and pairs.annotators == tuple(range(n))
        for i in range(n):
            assert pairs.values[i][i] is None
            for j in range(i + 1, n):
                both = [[a, b] for a, b in zip(matrix[i], matrix[j], strict=True)
                        if not (math.isnan(a) or math.isnan(b))]
                pair = [[a for a, _ in both], [b for _, b in both]]
                assert pairs.n_units[i][j] == pairs.n_units[j][i] == len(both)
                assert pairs.values[i][j] == pairs.values[j][i]
                if direct is None:  # AC1 with the K of the whole data
                    k = len({x for row in matrix for x in row if not math.isnan(x)})
                    expected = gwet_ac1(pair, categories=sorted(
                        {x for row in matrix for x in row if not math.isnan(x)})).value
                    assert k < 2 or same(pairs.values[i][j], expected)
                else:
                    assert same(pairs.values[i][j], direct(pair).value if both else None)


def test_the_kappa_matrix_matches_scikit_learn_and_names_annotators_as_given():
    rng = np.random.default_rng(5)
    labels = {name: rng.integers(0, 3, 60) for name in ("ann", "bob", "cy")}
    records = [(u, name, int(x[u])) for name, x in labels.items() for u in range(60)]
    pairs = fleiss_kappa(records, breakdown="pairs").pairs
    assert pairs.annotators == ("ann", "bob", "cy") and pairs.metric == "cohen_kappa"
    assert pairs.get("ann", "cy") == pytest.approx(
        cohen_kappa_score(labels["ann"], labels["cy"]))
    assert pairs.n_units[1][1] == 60


def test_weighted_kappa_pairs_use_the_weights():
    matrix = [[1, 2, 3, 3, 1], [1, 3, 3, 2, 2]]
    score = cohen_kappa(matrix, weights="quadratic", breakdown="pairs")
    assert score.pairs.values[0][1] == pytest.approx(score.value)


def test_an_undefined_coefficient_still_gives_the_matrix_of_its_pairs():
    nothing_pairable = krippendorff_alpha([[1, math.nan], [math.nan, 2]], breakdown="all")
    assert nothing_pairable.value is None and nothing_pairable.classes == ()
    assert nothing_pairable.pairs.values[0][1] is None
    assert nothing_pairable.pairs.n_units == ((1, 0), (0, 1))
    one_value = krippendorff_alpha([[1, 3], [1, 3], [1, math.nan]], breakdown="pairs")
    assert one_value.value is not None and one_value.pairs.values[0][1] == 1.0
    assert one_value.pairs.values[0][2] is None  # the pair shares only 1 = 1


def test_a_hundred_annotators_give_4950_pairs_quickly():
    rng = np.random.default_rng(9)
    n_units, n_annotators = 20_000, 100
    matrix = np.full((n_annotators, n_units), np.nan)
    for u in range(0, n_units):  # five annotators of the hundred per unit
        matrix[rng.choice(n_annotators, 5, replace=False), u] = rng.integers(0, 4)
    start = time.perf_counter()
    pairs = krippendorff_alpha(matrix, breakdown="pairs").pairs
    elapsed = time.perf_counter() - start
    assert len(pairs.values) == 100 and sum(map(sum, pairs.n_units)) > 0
    first, second = 3, 71
    both = ~np.isnan(matrix[first]) & ~np.isnan(matrix[second])
    direct = krippendorff_alpha(matrix[[first, second]][:, both]).value
    assert same(pairs.values[first][second], direct)
    assert elapsed < 20  # generous: the machine is shared; typically well under a second


def test_the_pair_breakdown_refuses_tables_too_large_to_hold():
    matrix = np.tile(np.arange(2000.0), (300, 1))
    with pytest.raises(InputError, match="the pair breakdown for 300 annotators and 2000"):
        krippendorff_alpha(matrix, breakdown="pairs")


def test_an_unknown_breakdown_is_rejected():
    with pytest.raises(InputError, match="breakdown must be 'none', 'classes', 'pairs' or"):
        krippendorff_alpha([[1, 2], [1, 2]], breakdown="annotators")


@EXAMPLES
@given(st.integers(2, 8), st.integers(1, 30), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_sparse_and_dense_pair_tables_agree(n_annotators, n_units, k, seed):
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, k, (n_annotators, n_units))
    monkey = breakdowns._FEW_ANNOTATORS
    try:
        breakdowns._FEW_ANNOTATORS = 0  # force the unit-by-unit path
        sparse = breakdowns.pair_tables(codes, k)
    finally:
        breakdowns._FEW_ANNOTATORS = monkey
    assert np.array_equal(sparse, breakdowns._dense_pair_tables(codes, k))
