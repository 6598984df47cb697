"""Categorical agreement: worked examples from the literature, degenerate input, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.core.agreement import (
    AgreementScore,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from accord.core.errors import InputError
from published_data import KRIPPENDORFF_2011, WIKIPEDIA_FLEISS, records_from_counts

nan = math.nan


def two_annotators_from_table(table, labels=("yes", "no")):
    """A 2 × n reliability matrix realising a contingency table (rows: first annotator)."""
    first, second = [], []
    for i, row in enumerate(table):
        for j, n in enumerate(row):
            first += [labels[i]] * n
            second += [labels[j]] * n
    return [first, second]


@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_alpha_matches_krippendorff_2011_worked_example(level, published):
    score = krippendorff_alpha(KRIPPENDORFF_2011, level=level)
    assert score.value == pytest.approx(published, abs=5e-4)
    assert score.n_units == 11  # the last unit has a single value and is not pairable


def test_alpha_nominal_example_has_the_published_disagreements():
    # Krippendorff 2011: alpha = 1 - (n - 1) * sum(o_ck, c != k) / sum(n_c n_k, c != k)
    # with n = 40, sum of off-diagonal coincidences 8 and of n_c n_k 1216.
    score = krippendorff_alpha(KRIPPENDORFF_2011)
    assert score.observed == pytest.approx(8 / 40)
    assert score.expected == pytest.approx(1216 / (40 * 39))
    assert score.value == pytest.approx(1 - 39 * 8 / 1216)


def test_fleiss_kappa_matches_the_wikipedia_worked_example():
    score = fleiss_kappa(records_from_counts(WIKIPEDIA_FLEISS))
    assert score.value == pytest.approx(0.210, abs=5e-4)
    assert score.n_units == 10
    assert 1 - score.observed == pytest.approx(0.378, abs=5e-4)  # P-bar
    assert 1 - score.expected == pytest.approx(0.213, abs=5e-4)  # P-bar_e


def test_cohen_kappa_matches_the_wikipedia_fifty_proposals_example():
    # 20 both yes, 5 A yes B no, 10 A no B yes, 15 both no: Po = 0.7, Pe = 0.5, kappa = 0.4.
    score = cohen_kappa(two_annotators_from_table([[20, 5], [10, 15]]))
    assert score.value == pytest.approx(0.4)
    assert (score.observed, score.expected) == (pytest.approx(0.3), pytest.approx(0.5))
    assert score.n_units == 50


def test_scott_pi_of_the_fifty_proposals_pools_the_marginals():
    # pooled shares: yes (25 + 30) / 100, no 45 / 100; Pe = 0.55**2 + 0.45**2 = 0.505
    score = scott_pi(two_annotators_from_table([[20, 5], [10, 15]]))
    assert score.value == pytest.approx((0.7 - 0.505) / (1 - 0.505))


def test_gwet_ac1_resolves_the_kappa_paradox_example():
    # 125 units, 118 both yes, 5 yes/no, 2 no/yes: kappa is slightly negative although the
    # annotators agree on 94.4 % (Gwet 2008's motivating paradox); AC1 stays high.
    data = two_annotators_from_table([[118, 5], [2, 0]])
    pi_yes = (123 / 125 + 120 / 125) / 2
    pe = 2 * pi_yes * (1 - pi_yes) / (2 - 1)
    assert gwet_ac1(data).value == pytest.approx((118 / 125 - pe) / (1 - pe))
    assert gwet_ac1(data).value == pytest.approx(0.9408, abs=5e-5)
    pe_kappa = (123 * 120 + 2 * 5) / 125**2
    assert cohen_kappa(data).value == pytest.approx((118 / 125 - pe_kappa) / (1 - pe_kappa))
    assert cohen_kappa(data).value < 0


def test_weighted_kappa_uses_the_given_category_order_including_unused_categories():
    data = [["low", "mid", "high", "low"], ["low", "high", "high", "mid"]]
    order = ["low", "mid", "high"]
    # observed linear disagreement: |mid-high| + |low-mid| = 2 over 4 units
    # marginals first (2, 1, 1), second (1, 1, 2): expected sum_ij |i-j| a_i b_j / 16
    #   = (1*2*1 + 2*2*2 + 1*1*1 + 1*1*2 + 2*1*1 + 1*1*1) / 16 = 16 / 16
    score = cohen_kappa(data, weights="linear", categories=order)
    assert score.value == pytest.approx(1 - (2 / 4) / (16 / 16))
    # an unused category between mid and high moves high to position 3; quadratic weights:
    # observed (4 + 1) / 4, expected (2*1*1 + 2*2*9 + 1*1*1 + 1*2*4 + 1*1*9 + 1*1*4) / 16
    padded = cohen_kappa(data, weights="quadratic", categories=["low", "mid", "x", "high"])
    assert padded.value == pytest.approx(1 - (5 / 4) / (60 / 16))


def test_percent_agreement_averages_agreeing_pairs_over_units():
    data = [["a", "a", "b", None], ["a", "b", "b", "a"], ["a", None, "b", None]]
    # units: 3/3 pairs agree, 0/1, 3/3, unit 4 has one label and is left out
    score = percent_agreement(data)
    assert score.value == pytest.approx((1 + 0 + 1) / 3)
    assert score.n_units == 3 and score.expected is None


def test_the_result_is_a_frozen_record():
    score = cohen_kappa([[1, 2], [1, 2]])
    assert isinstance(score, AgreementScore)
    with pytest.raises(AttributeError):
        score.value = 0.0  # type: ignore[misc]
    assert type(score.value) is float


ALL = [percent_agreement, cohen_kappa, scott_pi, fleiss_kappa, gwet_ac1, krippendorff_alpha]


@pytest.mark.parametrize("metric", ALL)
def test_all_missing_input_is_undefined_with_a_reason(metric):
    score = metric([[None, None, nan], [nan, None, None]])
    assert score.value is None and score.undefined_because and score.n_units == 0


@pytest.mark.parametrize("metric", ALL)
def test_empty_input_is_undefined_with_a_reason(metric):
    assert metric([]).value is None and metric([]).undefined_because
    assert metric(np.empty((2, 0))).value is None


@pytest.mark.parametrize("metric", [cohen_kappa, scott_pi, fleiss_kappa, gwet_ac1,
                                    krippendorff_alpha])
def test_a_single_category_everywhere_is_undefined(metric):
    score = metric([["cat"] * 5, ["cat"] * 5])
    assert score.value is None
    assert "single" in score.undefined_because or "same" in score.undefined_because


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_with_one_value_everywhere_is_undefined_at_every_level(level):
    assert krippendorff_alpha([[3, 3, nan], [3, 3, 3]], level=level).value is None


@pytest.mark.parametrize("metric", [percent_agreement, fleiss_kappa, gwet_ac1,
                                    krippendorff_alpha])
def test_a_single_annotator_is_undefined_not_a_crash(metric):
    score = metric([["a", "b", "c"]])
    assert score.value is None and score.undefined_because


def test_percent_agreement_on_one_category_is_defined():
    assert percent_agreement([["a", "a"], ["a", "a"]]).value == 1.0


def test_a_ragged_matrix_is_rejected_naming_the_row():
    with pytest.raises(InputError, match="ragged: annotator row 1 has 2"):
        krippendorff_alpha([[1, 2, 3], [1, 2]])


@pytest.mark.parametrize("records", [[(1, "ann")], [(1, "ann", "cat", "extra")], ["abc"],
                                     [5], [([1], "ann", "cat")]])
def test_a_record_of_the_wrong_shape_is_rejected(records):
    with pytest.raises(InputError, match="record 0 should be a"):
        percent_agreement(records)


def test_an_annotator_labelling_a_unit_twice_is_rejected():
    with pytest.raises(InputError, match="annotator 'ann' labelled unit 'u1' more than once"):
        fleiss_kappa([("u1", "ann", "a"), ("u1", "bob", "a"), ("u1", "ann", "b")])


def test_mixing_matrix_rows_and_records_is_rejected():
    with pytest.raises(InputError, match="mixes matrix rows"):
        scott_pi([[1, 2], (1, "ann", 2)])


@pytest.mark.parametrize("data", ["abc", {"a": 1}, 7, np.zeros(3)])
def test_input_that_is_neither_a_matrix_nor_records_is_rejected(data):
    with pytest.raises(InputError):
        krippendorff_alpha(data)


@pytest.mark.parametrize("metric", [cohen_kappa, scott_pi])
def test_two_annotator_coefficients_reject_three_annotators(metric):
    with pytest.raises(InputError, match="exactly two annotators; got 3"):
        metric([[1, 2], [1, 2], [2, 1]])


def test_fleiss_kappa_names_the_unit_with_a_different_number_of_labels():
    records = [("u1", "a", 1), ("u1", "b", 1), ("u2", "a", 1), ("u2", "b", 2), ("u2", "c", 2)]
    with pytest.raises(InputError, match="unit 'u2' has 3 but unit 'u1' has 2"):
        fleiss_kappa(records)


def test_weighted_kappa_needs_ordered_categories():
    with pytest.raises(InputError, match="ordered categories"):
        cohen_kappa([["a", "b"], ["b", "a"]], weights="linear")
    with pytest.raises(InputError, match="weights must be"):
        cohen_kappa([[1, 2], [2, 1]], weights="cubic")  # type: ignore[arg-type]


def test_alpha_levels_check_their_labels():
    with pytest.raises(InputError, match="level must be"):
        krippendorff_alpha([[1, 2]], level="nominalish")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="ordinal alpha needs ordered"):
        krippendorff_alpha([["a", "b"], ["a", "b"]], level="ordinal")
    with pytest.raises(InputError, match="interval alpha needs numeric"):
        krippendorff_alpha([["a", "b"], ["a", "b"]], level="interval",
                           categories=["a", "b"])
    with pytest.raises(InputError, match="non-negative"):
        krippendorff_alpha([[-1, 2], [1, 2]], level="ratio")


def test_labels_outside_the_given_categories_are_rejected():
    with pytest.raises(InputError, match=r"labels \['d'\] are not among"):
        gwet_ac1([["a", "d"], ["a", "b"]], categories=["a", "b", "c"])
    with pytest.raises(InputError, match="must not repeat"):
        gwet_ac1([["a", "b"], ["a", "b"]], categories=["a", "b", "a"])


def test_gwet_ac1_counts_every_given_category_in_the_chance_term():
    data = [["a", "a", "b"], ["a", "b", "b"]]
    two, three = gwet_ac1(data), gwet_ac1(data, categories=["a", "b", "c"])
    assert three.value > two.value


def test_alpha_ordinal_accepts_an_explicit_order_of_text_labels():
    text = [["lo", "mid", "hi", "mid"], ["lo", "hi", "hi", None]]
    numeric = [[0, 1, 2, 1], [0, 2, 2, nan]]
    by_order = krippendorff_alpha(text, level="ordinal", categories=["lo", "mid", "hi"])
    assert by_order.value == pytest.approx(krippendorff_alpha(numeric, level="ordinal").value)
