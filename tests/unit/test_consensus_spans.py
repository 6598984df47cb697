"""Span consensus by token voting: the documented tokenisation and half-coverage rule, quorum
and ties by construction, a per-token brute force on generated spans, degenerate input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.consensus import span_consensus, text_tokens
from accord.core.errors import InputError
from accord.core.regions import SpanValue as S
from accord.core.regions import parse_regions

EXAMPLES = settings(max_examples=50, deadline=None)
TEXT = "Ada Lovelace met Charles Babbage in London, 1833."


def test_words_are_word_runs_and_single_punctuation_marks():
    assert [TEXT[s:e] for s, e in text_tokens(TEXT).tolist()][-5:] == [
        "in", "London", ",", "1833", "."]
    assert [TEXT[s:e] for s, e in text_tokens(TEXT, "non-space").tolist()][-2:] == [
        "London,", "1833."]


def test_a_strict_majority_of_annotators_makes_a_span_snapped_to_tokens():
    ann = [S("person", 0, 12)]
    bob = [S("person", 0, 11)]  # stops one character short: still covers most of "Lovelace"
    eve: list[S] = []
    [span] = span_consensus(TEXT, [ann, bob, eve]).spans
    assert (span.class_name, TEXT[span.start:span.end], span.n_tokens) == (
        "person", "Ada Lovelace", 2)
    assert span.support == pytest.approx(2 / 3)
    assert span.value == S("person", 0, 12)


def test_a_token_covered_less_than_half_is_not_marked():
    # "Lovelace" is 8 characters; 3 of them covered is under half, 4 is half
    assert [(s.start, s.end) for s in span_consensus(TEXT, [[S("p", 0, 7)]]).spans] == [(0, 3)]
    assert [(s.start, s.end) for s in span_consensus(TEXT, [[S("p", 0, 8)]]).spans] == [(0, 12)]
    assert span_consensus(TEXT, [[S("p", 1, 2)]]).spans == ()


def test_one_of_two_annotators_is_not_a_majority_unless_the_quorum_is_lowered():
    data = [[S("place", 36, 42)], []]
    assert span_consensus(TEXT, data).spans == ()
    [span] = span_consensus(TEXT, data, quorum=0.4).spans
    assert (TEXT[span.start:span.end], span.support) == ("London", 0.5)


def test_tied_classes_leave_the_token_out_or_take_the_first_class():
    data = [[S("person", 36, 42)], [S("place", 36, 42)]]
    undecided = span_consensus(TEXT, data, quorum=0.4)
    assert undecided.spans == () and undecided.tied_tokens == ((36, 42),)
    [span] = span_consensus(TEXT, data, quorum=0.4, ties="first").spans
    assert span.class_name == "person" and span.support == 0.5


def test_support_averages_the_agreeing_share_over_the_span_tokens():
    data = [[S("person", 17, 32)], [S("person", 17, 32)], [S("person", 17, 24)]]
    [span] = span_consensus(TEXT, data).spans
    assert span.support == pytest.approx((3 / 3 + 2 / 3) / 2)


def test_regions_holding_spans_are_read_too():
    regions = parse_regions([{"id": "r1", "label": "ner", "type": "span",
                              "value": {"class": "person", "start": 0, "end": 12}}])
    [span] = span_consensus(TEXT, [regions, regions]).spans
    assert span.support == 1.0


# Degenerate input

def test_no_annotators_is_undefined_and_empty_text_has_no_spans():
    assert span_consensus(TEXT, []).undefined_because == "no annotators"
    result = span_consensus("", [[], []])
    assert result.spans == () and result.tokens == () and result.undefined_because is None


def test_annotators_who_marked_nothing_agree_on_nothing():
    assert span_consensus(TEXT, [[], [], []]).spans == ()


@pytest.mark.parametrize(("span", "message"), [
    (S("p", 5, 5), r"annotations\[0\]\[0\] covers \[5, 5\) but a span needs 0 <= start < end"),
    (S("p", -1, 3), r"covers \[-1, 3\)"),
    (S("p", 40, 99), r"<= 49 \(the text's length\)"),
])
def test_spans_outside_the_text_are_refused(span, message):
    with pytest.raises(InputError, match=message):
        span_consensus(TEXT, [[span]])


@pytest.mark.parametrize(("options", "message"), [
    ({"quorum": 1.0}, r"quorum must be a share of annotators in \[0, 1\); got 1.0"),
    ({"quorum": -0.1}, "quorum must be a share"),
    ({"ties": "random"}, "ties must be 'undecided' or 'first'; got 'random'"),
    ({"tokens": "chars"}, "tokens must be 'words' or 'non-space'; got 'chars'"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(InputError, match=message):
        span_consensus(TEXT, [[]], **options)


def test_something_other_than_a_span_is_refused():
    with pytest.raises(InputError, match=r"annotations\[1\]\[0\] should be a span"):
        span_consensus(TEXT, [[], [(0, 3, "person")]])


# Against a per-token brute force

@st.composite
def annotated_texts(draw):
    words = draw(st.lists(st.sampled_from(["a", "bc", "def", "!", "gh,", "ij"]), min_size=1,
                          max_size=12))
    text = " ".join(words)
    n_annotators = draw(st.integers(1, 4))
    spans = []
    for _ in range(n_annotators):
        mine = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            mine.append(S(draw(st.sampled_from(["x", "y"])), start, end))
        spans.append(mine)
    return text, spans


def brute_force(text, annotations, quorum, ties):
    """Per token, the rule as the module states it, with plain Python."""
    tokens = [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
    winners, shares = [], []
    for ts, te in tokens:
        votes = {}
        for spans in annotations:
            marked = {s.class_name for s in spans
                      if 2 * (min(s.end, te) - max(s.start, ts)) >= te - ts}
            for name in marked:
                votes[name] = votes.get(name, 0) + 1
        top = max(votes.values(), default=0)
        best = sorted(name for name, v in votes.items() if v == top)
        if top / len(annotations) > quorum and (len(best) == 1 or ties == "first"):
            winners.append(best[0])
            shares.append(top / len(annotations))
        else:
            winners.append(None)
            shares.append(0.0)
    result, i = [], 0
    while i < len(tokens):
        j = i
        while j + 1 < len(tokens) and winners[j + 1] == winners[i]:
            j += 1
        if winners[i] is not None:
            result.append((winners[i], tokens[i][0], tokens[j][1],
                           sum(shares[i:j + 1]) / (j - i + 1)))
        i = j + 1
    return result


@EXAMPLES
@given(annotated_texts(), st.sampled_from([0.0, 0.3, 0.5, 0.7]),
       st.sampled_from(["undecided", "first"]))
def test_token_voting_matches_a_per_token_brute_force(case, quorum, ties):
    text, annotations = case
    result = span_consensus(text, annotations, quorum=quorum, ties=ties)
    got = [(s.class_name, s.start, s.end, pytest.approx(s.support)) for s in result.spans]
    assert got == brute_force(text, annotations, quorum, ties)
    assert all(quorum < s.support <= 1 for s in result.spans)
