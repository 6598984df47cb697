"""Span agreement: a worked example, the one-to-one overlap rule, a brute-force check of the
overlap matching on generated spans, and degenerate inputs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.agreement.spans import span_agreement
from accord.core.errors import InputError
from accord.core.regions import parse_regions

EXAMPLES = settings(max_examples=50, deadline=None)


def spans(*specs):
    return [{"class": c, "start": s, "end": e} for c, s, e in specs]


GOLD = spans(("PER", 0, 5), ("LOC", 10, 15), ("ORG", 20, 25))
OTHER = spans(("PER", 0, 5), ("LOC", 10, 14), ("ORG", 30, 35), ("MISC", 40, 45))


def test_exact_match_counts_only_identical_spans_of_one_class():
    result = span_agreement({"doc": {"gold": GOLD, "ann": OTHER}})
    overall = result.overall
    assert (overall.n_matched, overall.n_first, overall.n_second) == (1, 3, 4)
    assert overall.precision == pytest.approx(1 / 4) and overall.recall == pytest.approx(1 / 3)
    assert overall.f1 == pytest.approx(2 / 7)
    assert result.per_class["PER"].f1 == 1.0 and result.per_class["LOC"].f1 == 0.0
    assert result.per_class["MISC"].recall is None and result.per_class["MISC"].f1 == 0.0
    assert result.macro_f1 == pytest.approx(1 / 4)


def test_overlap_match_counts_a_shared_character_within_the_class():
    result = span_agreement({"doc": {"gold": GOLD, "ann": OTHER}}, match="overlap")
    assert result.overall.f1 == pytest.approx(4 / 7)
    assert result.per_class["LOC"].mean_iou == pytest.approx(4 / 5)
    assert result.overall.mean_iou == pytest.approx((1 + 4 / 5) / 2)


def test_a_long_span_over_two_short_ones_is_matched_once():
    data = {"doc": {"a": spans(("PER", 0, 10)), "b": spans(("PER", 0, 4), ("PER", 6, 10))}}
    assert span_agreement(data, match="overlap").overall.n_matched == 1
    touching = {"doc": {"a": spans(("PER", 0, 5)), "b": spans(("PER", 5, 9))}}
    assert span_agreement(touching, match="overlap").overall.n_matched == 0


def test_overlap_prefers_more_pairs_over_a_larger_iou():
    # a0 best fits b1, but pairing a0-b0 lets a1 take b1: two pairs beat one
    data = {"doc": {"a": spans(("X", 0, 10), ("X", 9, 20)),
                    "b": spans(("X", 0, 1), ("X", 0, 11))}}
    assert span_agreement(data, match="overlap").overall.n_matched == 2


def brute_force_overlap_pairs(a, b):
    best = 0
    for k in range(min(len(a), len(b)), 0, -1):
        for rows in itertools.combinations(range(len(a)), k):
            for cols in itertools.permutations(range(len(b)), k):
                if all(a[r]["class"] == b[c]["class"] and a[r]["start"] < b[c]["end"]
                       and b[c]["start"] < a[r]["end"] for r, c in zip(rows, cols, strict=True)):
                    return k
    return best


span_lists = st.lists(st.tuples(st.sampled_from(["PER", "LOC"]), st.integers(0, 30),
                                st.integers(1, 8)).map(lambda t: (t[0], t[1], t[1] + t[2])),
                      max_size=5)


@EXAMPLES
@given(span_lists, span_lists)
def test_overlap_matching_finds_the_most_pairs_and_is_symmetric(first, second):
    a, b = spans(*first), spans(*second)
    forward = span_agreement({"doc": {"x": a, "y": b}}, match="overlap")
    backward = span_agreement({"doc": {"y": b, "x": a}}, match="overlap")
    assert forward.overall.n_matched == brute_force_overlap_pairs(a, b)
    assert forward.overall.f1 == backward.overall.f1
    exact = span_agreement({"doc": {"x": a, "y": b}})
    assert exact.overall.n_matched <= forward.overall.n_matched


def test_span_regions_are_read_too_and_pairs_follow_the_given_order():
    regions = parse_regions([{"id": "s", "label": "ner", "type": "span",
                              "value": {"class": "PER", "start": 0, "end": 5}}])
    data = {"t1": {"bob": regions, "ann": spans(("PER", 0, 5))}, "t2": {"ann": []}}
    result = span_agreement(data, annotators=["ann", "bob"])
    assert result.annotators == ("ann", "bob") and result.overall.f1 == 1.0
    assert result.pair_f1 == ((None, 1.0), (1.0, None)) and result.n_units == 1


def test_degenerate_inputs_have_defined_results():
    assert span_agreement({}).overall.f1 is None
    assert span_agreement({"t": {"ann": GOLD}}).per_pair == {}
    empty = span_agreement({"t": {"ann": [], "bob": []}})
    assert empty.overall.f1 is None and empty.macro_f1 is None
    assert empty.overall.undefined_because == "neither annotator marked anything"


def test_bad_spans_and_options_are_input_errors_naming_where():
    with pytest.raises(InputError, match=r"unit 't', annotator 'bob', span 1 must have "
                                         r"integer offsets 0 <= start < end; got start 4, end 4"):
        span_agreement({"t": {"bob": spans(("PER", 0, 1), ("PER", 4, 4))}})
    with pytest.raises(InputError, match="match must be 'exact' or 'overlap'; got 'fuzzy'"):
        span_agreement({}, match="fuzzy")
    with pytest.raises(InputError, match=r"unit 't', annotator 'a', span 0 must be a span"):
        span_agreement({"t": {"a": [("PER", 0, 1)]}})


def test_without_two_annotators_on_any_text_f1_is_undefined_saying_so():
    from accord.core.agreement.spans import span_agreement

    for data in ({}, {"t": {"ann": [{"class": "PER", "start": 0, "end": 3}]}}):
        result = span_agreement(data)
        assert result.overall.f1 is None
        assert result.overall.undefined_because == "no text was annotated by two annotators"
