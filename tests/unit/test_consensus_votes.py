"""Majority, weighted and Wawa votes: tie rules by construction, support, degenerate input,
and agreement with crowd-kit's `MajorityVote` and `Wawa` on generated tie-free data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accord.core.consensus import majority_vote, wawa_vote, weighted_vote
from accord.core.errors import InputError

EXAMPLES = settings(max_examples=50, deadline=None)
pytestmark = [
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@st.composite
def label_records(draw, max_units=15, max_annotators=5, labels=("cat", "dog", "owl")):
    """(unit, annotator, label) records: each annotator labels a random subset of units."""
    n_units = draw(st.integers(1, max_units))
    n_annotators = draw(st.integers(1, max_annotators))
    records = []
    for unit in range(n_units):
        for annotator in range(n_annotators):
            label = draw(st.one_of(st.none(), st.sampled_from(labels)))
            if label is not None:
                records.append((f"u{unit}", f"a{annotator}", label))
    assume(records)
    return records


def frame(records):
    return pd.DataFrame(records, columns=["task", "worker", "label"])


def crowdkit_probas(records, skills=None):
    from crowdkit.aggregation import MajorityVote

    return MajorityVote().fit(frame(records), skills=skills).probas_


def untied(probas):
    shares = probas.to_numpy()
    return probas.index[(np.isclose(shares, shares.max(axis=1, keepdims=True),
                                    rtol=0, atol=1e-9)).sum(axis=1) == 1]


# Worked examples and tie rules, by construction

def test_majority_vote_gives_each_unit_its_most_frequent_label_and_its_share():
    result = majority_vote([("q1", "ann", "cat"), ("q1", "bob", "cat"), ("q1", "eve", "dog"),
                            ("q2", "ann", "owl")])
    assert result.units == ("q1", "q2")
    assert result.labels == ("cat", "owl")
    assert result.support == pytest.approx((2 / 3, 1.0))
    assert result.n_votes.tolist() == [3, 1]
    assert result.undefined_because == (None, None)


def test_an_undecided_tie_has_no_label_and_names_the_tied_categories():
    result = majority_vote([["x", "x"], ["y", "x"], ["z", "y"]], ties="undecided")
    assert result.labels == (None, "x")
    assert result.undefined_because[0] == "tie between 'x', 'y' and 'z'"
    assert result.support[0] == pytest.approx(1 / 3)
    assert result.codes.tolist() == [-1, 0]


def test_the_first_policy_picks_the_tied_category_that_comes_first_in_the_order():
    data = [("u", "a", "dog"), ("u", "b", "cat"), ("v", "a", "owl"), ("v", "b", "dog")]
    assert majority_vote(data, ties="first").labels == ("cat", "dog")
    explicit = majority_vote(data, ties="first", categories=["owl", "dog", "cat"])
    assert explicit.labels == ("dog", "owl")


def test_the_random_policy_picks_among_the_tied_only_and_repeats_with_its_seed():
    matrix = [["cat"] * 400, ["dog"] * 400, ["owl"] * 400, ["owl"] * 200 + ["cat"] * 200,
              ["owl"] * 200 + ["dog"] * 200]
    first = majority_vote(matrix, ties="random", seed=7)
    assert first.labels == majority_vote(matrix, ties="random", seed=7).labels
    assert set(first.labels[:200]) == {"owl"}  # no tie: owl has three votes
    tied_picks = first.labels[200:]
    assert set(tied_picks) == {"cat", "dog"}  # 'owl' has one vote there, never chosen
    assert 60 < tied_picks.count("cat") < 140
    assert first.undefined_because == (None,) * 400


def test_iterating_a_vote_yields_one_record_per_unit():
    [unit] = list(majority_vote([("q", "ann", "yes"), ("q", "bob", "no")]))
    assert (unit.unit, unit.label, unit.support, unit.n_votes) == ("q", None, 0.5, 2)
    assert unit.undefined_because == "tie between 'no' and 'yes'"


def test_weighted_vote_lets_a_reliable_annotator_outvote_two_others():
    data = [("q", "expert", "cat"), ("q", "novice 1", "dog"), ("q", "novice 2", "dog")]
    result = weighted_vote(data, {"expert": 0.9, "novice 1": 0.4, "novice 2": 0.4})
    assert result.labels == ("cat",)
    assert result.support[0] == pytest.approx(0.9 / 1.7)
    assert result.scores.tolist() == [pytest.approx([0.9, 0.8])]


def test_weighted_sums_that_differ_only_by_rounding_are_a_tie():
    data = [("q", "a", "x"), ("q", "b", "x"), ("q", "c", "y")]
    result = weighted_vote(data, {"a": 0.1, "b": 0.2, "c": 0.3})
    assert result.labels == (None,)
    assert result.undefined_because == ("tie between 'x' and 'y'",)


def test_weights_for_a_matrix_may_be_one_per_row():
    assert weighted_vote([[1, 1], [2, 2], [2, 1]], [3.0, 1.0, 1.0]).labels == (1.0, 1.0)


def test_a_unit_whose_annotators_all_weigh_zero_has_no_label():
    result = weighted_vote([("q", "a", "x"), ("r", "b", "y")], {"a": 0, "b": 1})
    assert result.labels == (None, "y")
    assert result.support == (None, 1.0)
    assert result.undefined_because[0].startswith("total weight is 0")


def test_wawa_weighs_annotators_by_their_agreement_with_the_majority():
    data = [("1", "a", "x"), ("1", "b", "x"), ("1", "c", "y"),
            ("2", "a", "y"), ("2", "b", "y"), ("2", "c", "y"),
            ("3", "a", "x"), ("3", "b", "y"), ("3", "c", "y")]
    result = wawa_vote(data)
    assert result.weights == {"a": pytest.approx(2 / 3), "b": 1.0, "c": pytest.approx(2 / 3)}
    assert result.labels == ("x", "y", "y")


# Degenerate input

def test_empty_input_gives_an_empty_vote():
    result = majority_vote([])
    assert (result.units, result.labels, result.support, len(result)) == ((), (), (), 0)
    assert result.scores.shape == (0, 0)


def test_a_unit_nobody_labelled_has_no_label_and_no_support():
    result = majority_vote(np.array([[np.nan, 1.0], [np.nan, 1.0]]))
    assert result.labels == (None, 1.0)
    assert result.support == (None, 1.0)
    assert result.undefined_because == ("no votes", None)
    assert result.n_votes.tolist() == [0, 2]


def test_everything_missing_leaves_every_unit_without_votes():
    result = majority_vote([[None, None], [None, None]])
    assert result.labels == (None, None) and result.undefined_because == ("no votes",) * 2
    assert result.categories == ()


def test_one_category_and_one_annotator_give_full_support():
    assert majority_vote([["x", "x", "x"]]).support == (1.0, 1.0, 1.0)


@pytest.mark.parametrize("ties", ["coin", None, "First"])
def test_an_unknown_tie_policy_is_refused(ties):
    with pytest.raises(InputError, match=f"ties must be one of 'undecided', 'first', "
                                         f"'random'; got {ties!r}"):
        majority_vote([[1]], ties=ties)


@pytest.mark.parametrize(("weights", "message"), [
    ({"a": 1.0}, "weights has no weight for annotator 'b'"),
    ({"a": 1.0, "b": -0.5}, "the weight of annotator 'b' must be a finite number ≥ 0; got -0.5"),
    ({"a": 1.0, "b": math.nan}, "the weight of annotator 'b' must be a finite number"),
    ({"a": 1.0, "b": "high"}, "the weight of annotator 'b' must be a finite number"),
    ([1.0, 1.0], "weights for records must be a mapping from annotator to weight"),
    ("ab", "weights must map each annotator to a number"),
])
def test_bad_weights_are_refused_with_the_annotator_named(weights, message):
    with pytest.raises(InputError, match=message):
        weighted_vote([("q", "a", "x"), ("q", "b", "y")], weights)


def test_a_weight_sequence_of_the_wrong_length_is_refused():
    with pytest.raises(InputError, match="weights has 1 entries but the matrix has 2 "
                                         "annotator rows"):
        weighted_vote([[1, 2], [1, 2]], [1.0])


def test_malformed_input_is_refused_by_the_agreement_reader():
    with pytest.raises(InputError, match="record 0 should be a"):
        majority_vote(["abc"])


# Properties

@EXAMPLES
@given(label_records(), st.sampled_from(["undecided", "first", "random"]))
def test_the_winner_has_the_top_score_and_support_is_its_share(records, ties):
    result = majority_vote(records, ties=ties, seed=1)
    top = result.scores.max(axis=1)
    decided = result.codes >= 0
    rows = np.flatnonzero(decided)
    assert (result.scores[rows, result.codes[rows]] == top[rows]).all()
    assert np.allclose(np.array(result.support, dtype=float), top / result.n_votes)
    if ties != "undecided":
        assert decided.all()
    assert all((reason is None) == bool(d) for reason, d in
               zip(result.undefined_because, decided, strict=True))


@EXAMPLES
@given(label_records(), st.randoms())
def test_the_order_of_records_and_the_annotators_names_do_not_matter(records, rng):
    shuffled = [(unit, f"renamed {annotator}", label) for unit, annotator, label in records]
    rng.shuffle(shuffled)
    first, second = majority_vote(records), majority_vote(shuffled)
    assert dict(zip(first.units, first.labels, strict=True)) == dict(
        zip(second.units, second.labels, strict=True))


@EXAMPLES
@given(label_records(), st.floats(0.1, 10))
def test_equal_weights_give_the_majority_vote(records, weight):
    annotators = {annotator for _, annotator, _ in records}
    weighted = weighted_vote(records, dict.fromkeys(annotators, weight), ties="first")
    majority = majority_vote(records, ties="first")
    assert weighted.labels == majority.labels
    assert weighted.support == pytest.approx(majority.support)


# Against crowd-kit, on units without ties

@EXAMPLES
@given(label_records())
def test_majority_vote_matches_crowdkit_on_untied_units(records):
    probas = crowdkit_probas(records)
    result = majority_vote(records, ties="undecided")
    ours = dict(zip(result.units, zip(result.labels, result.support, strict=True),
                    strict=True))
    clear = untied(probas)
    for unit in clear:
        assert ours[unit][0] == probas.loc[unit].idxmax()
        assert ours[unit][1] == pytest.approx(probas.loc[unit].max(), abs=1e-12)
    assert {u for u, (label, _) in ours.items() if label is not None} == set(clear)


@EXAMPLES
@given(label_records(), st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5))
def test_weighted_vote_matches_crowdkit_majority_vote_with_skills(records, raw):
    skills = {f"a{i}": w for i, w in enumerate(raw)}
    annotators = {annotator for _, annotator, _ in records}
    assume(all(skills[a] > 0 for a in annotators))
    probas = crowdkit_probas(records, pd.Series({a: skills[a] for a in annotators}))
    result = weighted_vote(records, {a: skills[a] for a in annotators})
    ours = dict(zip(result.units, zip(result.labels, result.support, strict=True),
                    strict=True))
    for unit in untied(probas):
        assert ours[unit][0] == probas.loc[unit].idxmax()
        assert ours[unit][1] == pytest.approx(probas.loc[unit].max(), abs=1e-9)


@EXAMPLES
@given(label_records())
def test_wawa_matches_crowdkit_when_the_majority_has_no_ties(records):
    from crowdkit.aggregation import Wawa

    assume(len(untied(crowdkit_probas(records))) == len({u for u, _, _ in records}))
    skills = Wawa().fit(frame(records)).skills_
    result = wawa_vote(records, ties="undecided")
    assert result.weights == pytest.approx(skills.to_dict(), abs=1e-12)
    assume((skills > 0).all())
    probas = crowdkit_probas(records, skills)
    ours = dict(zip(result.units, result.labels, strict=True))
    for unit in untied(probas):
        assert ours[unit] == probas.loc[unit].idxmax()


def test_records_may_come_from_a_one_shot_generator():
    records = [("q", "ann", "x"), ("q", "bob", "x"), ("r", "ann", "y")]
    result = weighted_vote((r for r in records), {"ann": 1.0, "bob": 2.0})
    assert result.labels == ("x", "y") and result.weights == {"ann": 1.0, "bob": 2.0}


@pytest.mark.parametrize("data", [{"q": "x"}, "abc", 5])
def test_input_that_is_neither_a_matrix_nor_records_is_refused(data):
    with pytest.raises(InputError, match="agreement input must be a reliability matrix"):
        majority_vote(data)


def test_ties_are_explained_with_many_categories_too():
    labels = [f"c{i:02d}" for i in range(70)]
    records = [(f"u{i}", "ann", label) for i, label in enumerate(labels)]
    records += [(f"u{i}", "bob", labels[(i + 1) % 70]) for i in range(70)]
    result = majority_vote(records)
    assert result.labels == (None,) * 70
    assert result.undefined_because[0] == "tie between 'c00' and 'c01'"
    assert result.undefined_because[69] == "tie between 'c00' and 'c69'"
