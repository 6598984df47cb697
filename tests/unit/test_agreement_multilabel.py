"""Multi-label agreement: per-class binary agreement and set-valued alpha (MASI, Jaccard),
checked by hand-computed examples, against NLTK's AnnotationTask and masi_distance, and
against nominal alpha (ours and the krippendorff package's) where they coincide."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from nltk.metrics import agreement as nltk_agreement
from nltk.metrics import distance as nltk_distance

from accord.core.agreement import fleiss_kappa, krippendorff_alpha
from accord.core.agreement.multilabel import (
    MultiLabelAgreement,
    jaccard_distance,
    masi_distance,
    per_class_agreement,
    set_alpha,
)
from accord.core.errors import InputError

EXAMPLES = settings(max_examples=50, deadline=None)
CLASSES = ["cat", "dog", "bird", "fish"]
sets = st.frozensets(st.sampled_from(CLASSES), min_size=1, max_size=3)


@st.composite
def set_matrices(draw, answers=sets, missing=True):
    n_annotators = draw(st.integers(2, 4))
    n_units = draw(st.integers(1, 12))
    cell = st.one_of(answers, st.none()) if missing else answers
    return [draw(st.lists(cell, min_size=n_units, max_size=n_units))
            for _ in range(n_annotators)]


def nltk_alpha(matrix, distance):
    data = [(f"c{a}", f"u{u}", answer) for a, row in enumerate(matrix)
            for u, answer in enumerate(row) if answer is not None]
    return nltk_agreement.AnnotationTask(data=data, distance=distance).alpha()


def test_set_alpha_reproduces_a_hand_computed_example():
    """Units ({a} vs {a, b}) and ({b} vs {b}). MASI: d({a},{a,b}) = 1 - 1/2 * 2/3 = 2/3,
    d({a},{b}) = 1, d({a,b},{b}) = 2/3; Do = (2 * 2/3) / 4 = 1/3, De = (2 * 2/3 + 4 * 1 +
    4 * 2/3) / 12 = 2/3, alpha = 1/2. Jaccard: Do = 1/4, De = 7/12, alpha = 4/7."""
    data = [[{"a"}, {"b"}], [{"a", "b"}, {"b"}]]
    masi = set_alpha(data)
    assert masi.value == pytest.approx(0.5)
    assert (masi.observed, masi.expected) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert set_alpha(data, distance="jaccard").value == pytest.approx(4 / 7)


@pytest.mark.parametrize(("first", "second", "expected"), [
    ({1, 2}, {1, 2, 3, 4}, 1 - 0.5 * 2 / 3), ({1, 2}, {1, 2}, 0.0), ({1}, {2}, 1.0),
    ({1, 2}, {2, 3}, 1 - 1 / 3 * 1 / 3), (set(), {1}, 1.0), (set(), set(), 0.0)])
def test_masi_distance_follows_passonneau(first, second, expected):
    assert masi_distance(first, second) == pytest.approx(expected)
    if first or second:
        assert masi_distance(first, second) == pytest.approx(
            nltk_distance.masi_distance(set(first), set(second)))
        assert jaccard_distance(first, second) == pytest.approx(
            nltk_distance.jaccard_distance(set(first), set(second)))


@EXAMPLES
@given(set_matrices(), st.sampled_from(["masi", "jaccard"]))
def test_set_alpha_matches_nltk(matrix, distance):
    reference_distance = {"masi": nltk_distance.masi_distance,
                          "jaccard": nltk_distance.jaccard_distance}[distance]
    score = set_alpha(matrix, distance=distance)
    pairable = [u for u in zip(*matrix, strict=True) if sum(a is not None for a in u) >= 2]
    assume(pairable)
    answers = {a for u in pairable for a in u if a is not None}
    if len(answers) < 2:
        assert score.value is None and score.undefined_because
        return
    assert score.value == pytest.approx(nltk_alpha(matrix, reference_distance), abs=1e-9)


@EXAMPLES
@given(set_matrices(answers=st.sampled_from(CLASSES).map(lambda c: frozenset([c]))))
def test_with_singletons_set_alpha_is_nominal_alpha(matrix):
    codes = [[math.nan if a is None else float(CLASSES.index(next(iter(a)))) for a in row]
             for row in matrix]
    ours = krippendorff_alpha(codes).value
    assert set_alpha(matrix).value == (pytest.approx(ours) if ours is not None else None)
    if ours is not None:
        assert ours == pytest.approx(krippendorff.alpha(
            reliability_data=codes, level_of_measurement="nominal"))


@EXAMPLES
@given(set_matrices())
def test_per_class_agreement_is_nominal_alpha_on_presence(matrix):
    result = per_class_agreement(matrix)
    assert isinstance(result, MultiLabelAgreement)
    for name, score in zip(result.classes, result.scores, strict=True):
        binary = [[math.nan if a is None else float(name in a) for a in row] for row in matrix]
        direct = krippendorff_alpha(binary).value
        assert score.value == (pytest.approx(direct) if direct is not None else None)
        if direct is not None:
            assert direct == pytest.approx(krippendorff.alpha(
                reliability_data=binary, level_of_measurement="nominal"))


def test_per_class_agreement_reads_records_and_takes_any_metric_and_options():
    records = [("img1", "ann", ("cat", "dog")), ("img1", "bob", ["cat"]),
               ("img2", "ann", {"dog"}), ("img2", "bob", {"dog"}),
               ("img3", "ann", set()), ("img3", "bob", {"bird"})]
    result = per_class_agreement(records, metric="cohen", breakdown="pairs")
    assert result.classes == ("bird", "cat", "dog")
    cat = result.score("cat")  # present/absent: ann 1 0 0, bob 1 0 0
    assert cat.value == 1.0 and cat.pairs.annotators == ("ann", "bob")
    dog = result.score("dog")  # ann 1 1 0, bob 0 1 0
    assert dog.value == pytest.approx(0.4)
    with pytest.raises(InputError, match="class 'horse' is not among"):
        result.score("horse")


def test_a_given_class_nobody_chose_is_undefined_and_fleiss_works_per_class():
    matrix = [[{"a"}, {"b"}, {"a", "b"}], [{"a"}, {"a", "b"}, {"b"}], [{"a"}, {"b"}, {"b"}]]
    result = per_class_agreement(matrix, metric="fleiss", classes=["a", "b", "z"])
    assert result.score("z").value is None and result.score("z").undefined_because
    binary_a = [[float("a" in s) for s in row] for row in matrix]
    assert result.score("a").value == pytest.approx(fleiss_kappa(binary_a).value)


def test_set_alpha_interval_and_undefined_cases():
    rng = np.random.default_rng(4)
    pool = [frozenset(s) for s in ({"a"}, {"b"}, {"a", "b"}, {"c"})]
    truth = rng.integers(0, 4, 200)
    matrix = [[pool[t] if rng.random() < 0.8 else pool[rng.integers(0, 4)] for t in truth]
              for _ in range(3)]
    score = set_alpha(matrix, confidence=0.9, resamples=300)
    assert score.interval.low < score.value < score.interval.high
    assert set_alpha([[{"a"}, None], [{"a"}, {"b"}]]).undefined_because == (
        "all pairable answers are the same set")
    assert set_alpha([[{"a"}, None], [None, {"b"}]]).value is None
    assert set_alpha([]).value is None


@pytest.mark.parametrize(("data", "message"), [
    ([["cat", {"dog"}], [{"cat"}, {"dog"}]], "annotator row 0, unit 0: a multi-label answer"),
    ([("u1", "ann", "cat")], "record 0: a multi-label answer must be a set"),
    ([("u1", "ann")], "record 0 should be a"),
    ([[[["x"]], {"a"}], [{"a"}, {"a"}]], "every class must be hashable"),
    ("cat", "multi-label input must be"),
])
def test_malformed_multilabel_input_is_rejected_naming_where(data, message):
    with pytest.raises(InputError, match=message):
        set_alpha(data)


def test_unknown_metric_and_distance_are_rejected():
    with pytest.raises(InputError, match="metric must be one of"):
        per_class_agreement([[{"a"}], [{"a"}]], metric="kappa")
    with pytest.raises(InputError, match="distance must be 'masi' or 'jaccard'"):
        set_alpha([[{"a"}], [{"a"}]], distance="dice")
