"""Votes and Dawid–Skene on a LongForm: exactly the results of the same labels given as
records or as a reliability matrix (float sums included), and the records' refusals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.agreement import LongForm
from accord.core.consensus import dawid_skene, majority_vote, wawa_vote, weighted_vote
from accord.core.errors import InputError

EXAMPLES = settings(max_examples=60, deadline=None)
LABELS = st.sampled_from(["cat", "dog", "owl"])


@st.composite
def shuffled_records(draw):
    """(unit, annotator, label) records for random cells of a units × annotators grid, in
    random order (so not annotator-major), some labels missing."""
    n_units, n_annotators = draw(st.integers(1, 12)), draw(st.integers(1, 6))
    cells = draw(st.lists(st.tuples(st.integers(0, n_units - 1),
                                    st.integers(0, n_annotators - 1)),
                          unique=True, min_size=1, max_size=n_units * n_annotators))
    return [(f"u{unit}", f"a{annotator}", draw(st.one_of(st.none(), LABELS)))
            for unit, annotator in cells]


def three_inputs(records, as_arrays=True):
    """The records, their LongForm and their matrix (rows and columns in order of first
    appearance, as records are numbered), plus the annotators in row order."""
    units = list(dict.fromkeys(r[0] for r in records))
    annotators = list(dict.fromkeys(r[1] for r in records))
    matrix = [[None] * len(units) for _ in annotators]
    for unit, annotator, label in records:
        matrix[annotators.index(annotator)][units.index(unit)] = label
    columns = [[r[i] for r in records] for i in range(3)]
    if as_arrays:
        columns = [np.asarray(columns[0]), np.asarray(columns[1]),
                   np.asarray(columns[2], dtype=object)]
    return records, LongForm(*columns), matrix, annotators


def assert_same_votes(expected, actual):
    assert actual.labels == expected.labels
    assert actual.support == expected.support
    assert actual.undefined_because == expected.undefined_because
    assert actual.categories == expected.categories
    assert actual.n_votes.tolist() == expected.n_votes.tolist()
    assert actual.codes.tolist() == expected.codes.tolist()
    assert actual.scores.tolist() == expected.scores.tolist()  # to the last bit
    assert list(actual.weights.values()) == list(expected.weights.values())


@EXAMPLES
@given(shuffled_records(), st.sampled_from(["undecided", "first", "random"]), st.booleans())
def test_majority_and_wawa_votes_equal_on_records_long_form_and_matrix(records, ties,
                                                                       as_arrays):
    records, long_form, matrix, _ = three_inputs(records, as_arrays)
    for vote in (majority_vote, wawa_vote):
        expected = vote(records, ties=ties, seed=3)
        assert vote(long_form, ties=ties, seed=3).units == expected.units
        assert_same_votes(expected, vote(long_form, ties=ties, seed=3))
        assert_same_votes(expected, vote(matrix, ties=ties, seed=3))


@EXAMPLES
@given(shuffled_records(), st.lists(st.floats(0, 10), min_size=6, max_size=6))
def test_weighted_votes_add_float_weights_alike_on_every_input(records, weights):
    records, long_form, matrix, annotators = three_inputs(records)
    by_name = dict(zip(annotators, weights, strict=False))
    expected = weighted_vote(records, by_name)
    assert_same_votes(expected, weighted_vote(long_form, by_name))
    assert_same_votes(expected, weighted_vote(matrix, weights[:len(annotators)]))


@EXAMPLES
@given(shuffled_records(), st.sampled_from(["crowd-kit", "likelihood"]))
def test_dawid_skene_fits_the_same_model_on_every_input(records, stopping):
    records, long_form, matrix, _ = three_inputs(records)
    expected = dawid_skene(records, stopping=stopping)
    for actual in (dawid_skene(long_form, stopping=stopping),
                   dawid_skene(matrix, stopping=stopping)):
        assert actual.labels == expected.labels
        assert actual.posterior.tolist() == expected.posterior.tolist()
        assert actual.confusion.tolist() == expected.confusion.tolist()
        assert actual.priors.tolist() == expected.priors.tolist()
        assert actual.objective_history == expected.objective_history
        assert actual.iterations == expected.iterations


def test_long_form_annotators_are_named_as_given_and_weights_need_a_mapping():
    long_form = LongForm(["q1", "q1", "q2"], ["ann", "bob", "ann"], ["cat", "dog", "cat"])
    assert weighted_vote(long_form, {"ann": 2.0, "bob": 1.0}).labels == ("cat", "cat")
    with pytest.raises(InputError, match="weights for records must be a mapping"):
        weighted_vote(long_form, [2.0, 1.0])


@pytest.mark.parametrize("vote", [majority_vote, wawa_vote, dawid_skene])
def test_a_twice_labelled_unit_is_refused_as_in_records(vote):
    records = [("q1", "ann", "cat"), ("q2", "bob", "dog"), ("q1", "ann", "dog")]
    with pytest.raises(InputError) as from_records:
        vote(records)
    with pytest.raises(InputError, match="annotator 'ann' labelled unit 'q1' more than once"):
        vote(LongForm(*zip(*records, strict=True)))
    assert str(from_records.value).startswith("annotator 'ann' labelled unit 'q1'")
