"""Dawid–Skene EM: agreement with crowd-kit's `DawidSkene` on generated data (labels,
posteriors, confusion matrices, priors, iterations and objective), recovery of known error
rates, the log-likelihood against a brute-force sum, and degenerate input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.consensus import dawid_skene, majority_vote
from accord.core.errors import InputError

EXAMPLES = settings(max_examples=50, deadline=None)
pytestmark = [
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@st.composite
def label_records(draw, max_units=20, max_annotators=5, labels=("cat", "dog", "owl")):
    """(unit, annotator, label) records, every unit labelled at least once; annotators who
    tend to give the true label, so that EM has something to find."""
    n_units = draw(st.integers(1, max_units))
    n_annotators = draw(st.integers(1, max_annotators))
    used = labels[:draw(st.integers(1, len(labels)))]
    records = []
    for unit in range(n_units):
        truth = draw(st.sampled_from(used))
        for annotator in range(n_annotators):
            kind = draw(st.sampled_from(["truth", "truth", "other", "missing"]))
            if kind == "truth" or (kind == "missing" and annotator == 0):
                records.append((f"u{unit}", f"a{annotator}", truth))
            elif kind == "other":
                records.append((f"u{unit}", f"a{annotator}", draw(st.sampled_from(used))))
    return records


def crowdkit_fit(records, n_iter=100, tol=1e-5):
    from crowdkit.aggregation import DawidSkene

    return DawidSkene(n_iter=n_iter, tol=tol).fit(
        pd.DataFrame(records, columns=["task", "worker", "label"]))


def generated(n_units, n_annotators, accuracy, seed=0, k=3):
    """Records from the Dawid–Skene model: every annotator labels every unit, right with
    their own accuracy, else a uniformly drawn wrong class."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n_units)
    right = rng.random((n_annotators, n_units)) < np.asarray(accuracy)[:, None]
    wrong = (truth + rng.integers(1, k, (n_annotators, n_units))) % k
    return np.where(right, truth, wrong), truth


# Against crowd-kit

@EXAMPLES
@given(label_records(), st.sampled_from([0, 1, 3, 100]))
def test_dawid_skene_matches_crowdkit(records, n_iter):
    reference = crowdkit_fit(records, n_iter=n_iter)
    result = dawid_skene(records, max_iterations=n_iter, tolerance=1e-5)
    assert result.iterations == len(reference.loss_history_)
    assert result.objective_history == pytest.approx(reference.loss_history_, abs=1e-9)
    units, classes = list(result.units), list(result.categories)
    probas = reference.probas_.loc[units, classes].to_numpy()
    # crowd-kit returns its posteriors clipped at 1e-10 (not renormalised)
    assert result.posterior == pytest.approx(probas, abs=1e-8)
    assert result.priors == pytest.approx(reference.priors_[classes].to_numpy(), abs=1e-8)
    margin = np.sort(probas, axis=1)
    clear = margin[:, -1] - (margin[:, -2] if len(classes) > 1 else 0) > 1e-6
    expected = reference.labels_.loc[units].to_numpy()
    assert (np.array(result.labels, dtype=object)[clear] == expected[clear]).all()
    errors = reference.errors_
    for (annotator, answer), row in errors.iterrows():
        a, k = result.annotators.index(annotator), classes.index(answer)
        assert result.confusion[a, :, k] == pytest.approx(row[classes].to_numpy(), abs=1e-8)


@EXAMPLES
@given(label_records())
def test_an_annotator_never_gives_an_answer_they_never_gave(records):
    result = dawid_skene(records)
    given_answers = {(a, label) for _, a, label in records}
    for a, annotator in enumerate(result.annotators):
        for k, category in enumerate(result.categories):
            if (annotator, category) not in given_answers:
                assert (result.confusion[a, :, k] == 0).all()
    assert result.confusion.sum(axis=2) == pytest.approx(np.ones(result.confusion.shape[:2]))
    assert result.posterior.sum(axis=1) == pytest.approx(np.ones(len(result.units)))


@EXAMPLES
@given(label_records())
def test_em_never_lowers_the_likelihood(records):
    result = dawid_skene(records, stopping="likelihood", tolerance=-math.inf,
                         max_iterations=30)
    assert result.iterations == 30 and not result.converged
    assert np.diff(result.objective_history).min(initial=0) >= -1e-9


# The model itself

def test_a_brute_force_sum_gives_the_same_log_likelihood():
    matrix = [["a", "a", "b", "b", "a"], ["a", "b", "b", "a", None], ["b", "a", "b", "b", "a"]]
    result = dawid_skene(matrix)
    total = 0.0
    for u in range(5):
        per_class = []
        for c in range(2):
            p = result.priors[c]
            for a, row in enumerate(matrix):
                if row[u] is not None:
                    p *= result.confusion[a, c, result.categories.index(row[u])]
            per_class.append(p)
        total += math.log(sum(per_class))
    assert result.log_likelihood == pytest.approx(total, rel=1e-12)


def test_em_recovers_known_error_rates_and_beats_the_majority():
    accuracy = [0.95, 0.9, 0.55, 0.5, 0.45]
    codes, truth = generated(4000, 5, accuracy, seed=3)
    result = dawid_skene(codes)
    estimated = np.diagonal(result.confusion, axis1=1, axis2=2).mean(axis=1)
    assert estimated == pytest.approx(accuracy, abs=0.03)
    assert result.priors == pytest.approx([1 / 3] * 3, abs=0.03)
    ds_accuracy = np.mean(np.array(result.labels) == truth)
    mv_accuracy = np.mean(np.array(majority_vote(codes, ties="first").labels) == truth)
    assert ds_accuracy > mv_accuracy + 0.02
    assert result.converged and result.iterations < 100


def test_support_is_the_posterior_of_the_label():
    codes, _ = generated(50, 4, [0.9, 0.8, 0.7, 0.6], seed=1)
    result = dawid_skene(codes)
    assert result.support == pytest.approx(result.posterior.max(axis=1).tolist())


def test_an_exact_tie_in_the_posterior_follows_the_tie_policy():
    records = [("u", "a", "x"), ("u", "b", "y")]  # symmetric: posterior 1/2, 1/2
    assert dawid_skene(records).labels == ("x",)
    undecided = dawid_skene(records, ties="undecided")
    assert undecided.labels == (None,)
    assert undecided.undefined_because == ("tie between 'x' and 'y'",)


# Degenerate input

def test_no_labels_fit_nothing():
    result = dawid_skene([])
    assert result.units == () and result.posterior.shape == (0, 0)
    assert result.log_likelihood is None and result.iterations == 0
    everything_missing = dawid_skene([[None, None]], categories=["x", "y"])
    assert everything_missing.labels == (None, None)
    assert everything_missing.undefined_because == ("no votes", "no votes")
    assert everything_missing.posterior.tolist() == [[0.5, 0.5], [0.5, 0.5]]


def test_a_unit_nobody_labelled_gets_the_prior_and_no_label():
    result = dawid_skene(np.array([[1.0, np.nan, 2.0, 2.0], [1.0, np.nan, 2.0, 1.0]]))
    assert result.labels[1] is None and result.support[1] is None
    assert result.undefined_because[1] == "no votes"
    assert result.posterior[1] == pytest.approx(result.priors)
    assert result.n_votes.tolist() == [2, 0, 2, 2]


def test_one_category_is_certain_and_one_annotator_is_followed():
    single = dawid_skene([["x", "x"], ["x", None]])
    assert single.labels == ("x", "x") and single.posterior.tolist() == [[1.0], [1.0]]
    assert single.log_likelihood == pytest.approx(0.0)
    alone = dawid_skene([["x", "y", "y"]])
    assert alone.labels == ("x", "y", "y")


@pytest.mark.parametrize(("options", "message"), [
    ({"max_iterations": -1}, "max_iterations must be a whole number ≥ 0; got -1"),
    ({"max_iterations": 2.5}, "max_iterations must be a whole number ≥ 0; got 2.5"),
    ({"tolerance": math.nan}, r"tolerance must be a number \(not NaN\); got nan"),
    ({"stopping": "never"}, "stopping must be 'crowd-kit' or 'likelihood'; got 'never'"),
    ({"ties": "coin"}, "ties must be one of"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(InputError, match=message):
        dawid_skene([["x"]], **options)


def test_iterations_are_capped_and_reported_as_not_converged():
    codes, _ = generated(300, 3, [0.7, 0.6, 0.5], seed=2)
    result = dawid_skene(codes, max_iterations=2, tolerance=0.0)
    assert (result.iterations, result.converged, len(result.objective_history)) == (2, False, 2)


def test_labels_of_both_input_shapes_agree():
    codes, _ = generated(40, 3, [0.8, 0.7, 0.6], seed=4)
    records = [(u, a, int(codes[a, u])) for a, u in itertools.product(range(3), range(40))]
    from_matrix, from_records = dawid_skene(codes), dawid_skene(records)
    assert from_matrix.labels == from_records.labels
    assert from_matrix.posterior == pytest.approx(from_records.posterior)


def test_empty_input_gives_empty_results_here_and_in_crowdkit():
    reference = crowdkit_fit([])
    result = dawid_skene([])
    assert reference.labels_.empty and result.labels == ()
    assert result.confusion.shape == (0, 0, 0) and result.priors.shape == (0,)


def test_the_public_surface_is_declared():
    import accord.core.consensus as consensus

    for name in consensus.__all__:
        value = getattr(consensus, name)
        if name != "TiePolicy":  # a Literal alias, typing's own object
            assert value.__module__.startswith("accord.core.consensus"), name
    assert {"majority_vote", "weighted_vote", "wawa_vote", "dawid_skene", "region_consensus",
            "span_consensus"} <= set(consensus.__all__)


def test_on_model_generated_data_every_label_and_the_iterations_equal_crowdkit():
    codes, _ = generated(3000, 6, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4], seed=5, k=4)
    records = [(u, a, int(codes[a, u])) for a in range(6) for u in range(3000)
               if (u + a) % 3]  # two thirds of the labels: units get 4 labels each
    reference = crowdkit_fit(records)
    result = dawid_skene(records)
    assert result.iterations == len(reference.loss_history_)
    assert list(result.labels) == reference.labels_.loc[list(result.units)].tolist()
    probas = reference.probas_.loc[list(result.units), list(result.categories)].to_numpy()
    assert np.abs(result.posterior - probas).max() < 1e-8
