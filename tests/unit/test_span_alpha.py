"""Krippendorff's alpha for unitizing on spans: Krippendorff's published examples (2004,
p. 254; 1995, p. 57), the merging of an annotator's overlapping spans, the pair matrix,
and symmetry and bounds on generated spans."""

from __future__ import annotations

import pytest
from hypothesis import given

from accord.core.agreement.span_alpha import span_alpha
from accord.core.errors import InputError
from strategies import EXAMPLES, span_sets


def units(*specs, origin=0):
    """(class, start, length) as spans, shifted by -origin."""
    return [{"class": c, "start": b - origin, "end": b - origin + n} for c, b, n in specs]


# Krippendorff (2004), Content Analysis, 2nd ed., p. 254: a continuum from 150 to 450.
OBSERVER_I = units(("c", 225, 70), ("c", 370, 30), ("k", 180, 60), ("k", 300, 50), origin=150)
OBSERVER_J = units(("c", 220, 80), ("c", 355, 20), ("c", 400, 20), ("k", 180, 60),
                   ("k", 300, 50), origin=150)


def test_krippendorffs_2004_worked_example():
    result = span_alpha({"t": {"i": OBSERVER_I, "j": OBSERVER_J}}, lengths={"t": 300})
    c, k = result.per_class["c"], result.per_class["k"]
    assert c.observed == pytest.approx(0.0144, abs=5e-5)
    assert c.expected == pytest.approx(0.0532, abs=5e-5)
    assert c.value == pytest.approx(0.7286, abs=5e-5)
    assert k.observed == 0.0 and k.expected == pytest.approx(0.0490, abs=5e-5)
    assert k.value == 1.0
    # the book gives 0.8591 from the rounded Do and De: 1 - 0.0144 / (0.0532 + 0.0490)
    assert result.overall.value == pytest.approx(0.8591, abs=5e-4)
    assert result.overall.value == pytest.approx(1 - (c.observed + k.observed)
                                                 / (c.expected + k.expected))


# Krippendorff (1995), p. 57: four categories, two observers each, a continuum of 24.
EXAMPLE_1995 = {
    0: units(("A", 2, 8), ("A", 14, 6), ("B", 0, 18), ("C", 2, 6), ("C", 10, 2), ("C", 14, 4),
             ("C", 20, 2), ("D", 0, 2), ("D", 2, 8), ("D", 10, 4), ("D", 14, 6), ("D", 20, 4)),
    1: units(("A", 4, 4), ("A", 15, 2), ("B", 0, 2), ("B", 2, 1), ("B", 3, 1), ("B", 4, 1),
             ("B", 5, 1), ("B", 6, 3), ("B", 9, 1), ("C", 0, 2), ("C", 4, 4), ("C", 10, 4),
             ("C", 16, 2), ("C", 20, 2), ("D", 0, 4), ("D", 4, 4), ("D", 8, 7), ("D", 15, 2),
             ("D", 17, 7))}


def test_krippendorffs_1995_observed_disagreements():
    result = span_alpha({"t": EXAMPLE_1995}, lengths={"t": 24})
    observed = {c: s.observed for c, s in result.per_class.items()}
    assert observed == pytest.approx({"A": 0.03125, "B": 2.26736, "C": 0.02778,
                                      "D": 0.38715}, abs=1e-5)
    # C's expected disagreement by hand: 9 units (lengths 6, 4 × 3, 2 × 5), ten gaps of 2:
    # (2 / 24) (8 · 204 + 2² · 10 · 5) / (48 · 47 - 76)
    assert result.per_class["C"].expected == pytest.approx(2 / 24 * 1832 / 2180)


def test_an_annotators_overlapping_spans_of_one_class_count_as_one():
    merged = span_alpha({"t": {"a": units(("X", 0, 5), ("X", 3, 5)), "b": units(("X", 1, 6))}},
                        lengths={"t": 20})
    single = span_alpha({"t": {"a": units(("X", 0, 8)), "b": units(("X", 1, 6))}},
                        lengths={"t": 20})
    assert merged.overall.value == single.overall.value


def test_texts_annotated_once_or_without_spans():
    once = span_alpha({"t": {"a": units(("X", 0, 5))}})
    assert once.overall.value is None and "two annotators" in once.overall.undefined_because
    blank = span_alpha({"t": {"a": [], "b": []}}, lengths={"t": 10})
    assert blank.overall.value is None and blank.overall.undefined_because == "no span was marked"


def test_the_pair_matrix_is_each_pairs_alpha_on_its_texts():
    a, b, c = units(("X", 0, 5)), units(("X", 1, 5)), units(("X", 10, 3))
    data = {"t1": {"a": a, "b": b, "c": c}, "t2": {"a": c, "c": c}}
    lengths = {"t1": 20, "t2": 20}
    pairs = span_alpha(data, lengths=lengths, pairs=True).overall.pairs
    ab = span_alpha({"t1": {"a": a, "b": b}}, lengths=lengths).overall.value
    ac = span_alpha({"t1": {"a": a, "c": c}, "t2": {"a": c, "c": c}}, lengths=lengths)
    assert pairs.get("a", "b") == ab and pairs.get("a", "c") == ac.overall.value
    assert pairs.n_units[0][2] == 2 and pairs.n_units[0][1] == 1


def test_bad_input_is_named():
    with pytest.raises(InputError, match="text 't', annotator 'a', span 0"):
        span_alpha({"t": {"a": [{"class": "X", "start": 4, "end": 2}]}})
    with pytest.raises(InputError, match="length of text 't'"):
        span_alpha({"t": {"a": []}}, lengths={"t": -1})


@EXAMPLES
@given(span_sets(), span_sets(), span_sets())
def test_alpha_is_symmetric_in_the_annotators_and_at_most_one(first, second, third):
    data = {"t": {"a": first, "b": second, "c": third}}
    forward = span_alpha(data, lengths={"t": 30})
    backward = span_alpha(data, lengths={"t": 30}, annotators=["c", "b", "a"])
    if forward.overall.value is None:
        assert backward.overall.value is None
        return
    assert forward.overall.value == pytest.approx(backward.overall.value)
    assert forward.overall.value <= 1.0 + 1e-12


@EXAMPLES
@given(span_sets())
def test_an_annotator_agrees_with_themself(spans):
    result = span_alpha({"t": {"a": spans, "b": spans}}, lengths={"t": 30})
    assert result.overall.value in (None, 1.0)


def test_who_annotated_which_text_does_not_matter_only_how_many_did():
    a1, b1, a2, c2 = (units(("X", s, 4)) for s in (0, 1, 6, 9))
    by_name = span_alpha({"t1": {"a": a1, "b": b1}, "t2": {"a": a2, "c": c2}},
                         lengths={"t1": 15, "t2": 15})
    by_slot = span_alpha({"t1": {"first": a1, "second": b1}, "t2": {"first": a2, "second": c2}},
                         lengths={"t1": 15, "t2": 15})
    assert by_name.overall.value == pytest.approx(by_slot.overall.value)
