"""Relation consensus between consensus regions, through the links of each annotator's
regions to them (cluster members, or spans matched to the token-voted spans)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.consensus import (
    region_consensus,
    region_links,
    relation_consensus,
    span_consensus,
    span_links,
)
from accord.core.errors import InputError
from accord.core.regions import RelationValue, TranscriptionValue, parse_regions

EXAMPLES = settings(max_examples=60, deadline=None)
TEXT = "Ada Lovelace worked with Charles Babbage in London."


def spans(*items):
    return parse_regions([{"id": rid, "label": "ner", "type": "span",
                           "value": {"class": cls, "start": start, "end": end}}
                          for rid, cls, start, end in items])


def linked(a, *pairs):
    """Links of annotator `a`: (their region id, consensus id) pairs."""
    return {(a, mine): theirs for mine, theirs in pairs}


def test_a_relation_drawn_by_a_majority_between_matched_regions_is_kept():
    links = (linked(0, ("p", "PER"), ("o", "ORG")) | linked(1, ("x", "PER"), ("y", "ORG"))
             | linked(2, ("q", "PER"), ("r", "ORG")))
    found = relation_consensus([[RelationValue("p", "o", "works_with")],
                                [RelationValue("x", "y", "works_with")],
                                [RelationValue("q", "r", "knows")]], links)
    [kept] = found.relations
    assert (kept.from_id, kept.to_id, kept.class_name) == ("PER", "ORG", "works_with")
    assert kept.support == pytest.approx(2 / 3) and kept.members == ((0, 0), (1, 0))
    assert kept.value == RelationValue("PER", "ORG", "works_with")
    assert found.n_dropped == 1  # "knows": one annotator of three


def test_the_direction_counts_and_half_the_annotators_is_not_enough():
    links = linked(0, ("p", "A"), ("o", "B")) | linked(1, ("x", "A"), ("y", "B"))
    drawn = [[RelationValue("p", "o")], [RelationValue("y", "x")]]
    assert relation_consensus(drawn, links).relations == ()
    assert [r.support for r in relation_consensus(drawn, links, quorum=0.4).relations] == [
        0.5, 0.5]


def test_relations_whose_ends_have_no_consensus_region_are_listed_not_counted():
    links = linked(0, ("p", "A"), ("o", "B"), ("z", "B")) | linked(1, ("x", "A"), ("y", "B"))
    found = relation_consensus([[RelationValue("p", "o"), RelationValue("o", "z"),
                                 RelationValue("p", "gone")],
                                [RelationValue("x", "y"), RelationValue("x", "y")]], links)
    assert [(r.from_id, r.to_id, r.support) for r in found.relations] == [("A", "B", 1.0)]
    assert found.unmatched == ((0, 1), (0, 2))  # both ends in B; an end in no region
    assert found.relations[0].members == ((0, 0), (1, 0), (1, 1))  # a repeat counts once


def test_region_links_name_every_member_of_a_fused_cluster():
    def boxes(*xs):
        return parse_regions([{"id": f"b{x}", "label": "o", "type": "bbox", "value": {
            "class": "car", "x": x, "y": 0, "width": 10, "height": 10}} for x in xs])

    annotations = [boxes(0, 50), boxes(1), boxes(2, 51)]
    fused = region_consensus(annotations, quorum=0.5)
    links = region_links(annotations, [r.members for r in fused.regions], ["o-0", "o-1"])
    assert links == {(0, "b0"): "o-0", (1, "b1"): "o-0", (2, "b2"): "o-0",
                     (0, "b50"): "o-1", (2, "b51"): "o-1"}
    with pytest.raises(InputError, match="one id per consensus region"):
        region_links(annotations, [r.members for r in fused.regions], ["o-0"])


def test_span_links_match_each_annotators_spans_to_the_voted_spans():
    ann = spans(("a1", "PER", 0, 12), ("a2", "PER", 25, 39), ("a3", "LOC", 44, 49))
    bob = spans(("b1", "PER", 0, 3), ("b2", "PER", 25, 40), ("b3", "LOC", 44, 50))
    eve = spans(("e1", "PER", 0, 12), ("e2", "ORG", 25, 39))
    voted = span_consensus(TEXT, [ann, bob, eve]).spans
    ids = [f"ner-{i}" for i in range(len(voted))]
    links = span_links([ann, bob, eve], [s.value for s in voted], ids)
    assert [TEXT[s.start:s.end] for s in voted] == ["Ada Lovelace", "Charles Babbage", "London"]
    # "Ada" is a quarter of "Ada Lovelace" (IoU < 0.5); ORG is another class
    assert links == {(0, "a1"): "ner-0", (0, "a2"): "ner-1", (0, "a3"): "ner-2",
                     (1, "b2"): "ner-1", (1, "b3"): "ner-2", (2, "e1"): "ner-0"}


def test_bad_input_is_named():
    with pytest.raises(InputError, match=r"annotations\[0\]\[0\] should be a relation"):
        relation_consensus([[TranscriptionValue("hi")]], {})
    with pytest.raises(InputError, match="quorum must be a share"):
        relation_consensus([], {}, quorum=-0.1)
    assert relation_consensus([], {}).undefined_because == "no annotators"


ENDS = st.sampled_from(["A", "B", "C"])
RELATIONS = st.lists(st.tuples(ENDS, ENDS, st.sampled_from([None, "x", "y"])), max_size=4)


def as_answer(a, relations):
    """Annotator a's relations between their own ids for the consensus regions A, B, C."""
    return [RelationValue(f"{a}{f}", f"{a}{t}", c) for f, t, c in relations]


def links_of(n):
    return {(a, f"{a}{end}"): end for a in range(n) for end in "ABC"}


@EXAMPLES
@given(RELATIONS, st.integers(1, 4))
def test_identical_answers_give_their_relations_back_with_support_one(relations, n):
    found = relation_consensus([as_answer(a, relations) for a in range(n)], links_of(n))
    expected = {(f, t, c) for f, t, c in relations if f != t}
    assert {(r.from_id, r.to_id, r.class_name) for r in found.relations} == expected
    assert all(r.support == 1.0 for r in found.relations)


@EXAMPLES
@given(st.lists(RELATIONS, min_size=1, max_size=5), st.data())
def test_the_order_of_the_annotators_does_not_matter(answers, data):
    order = data.draw(st.permutations(range(len(answers))))
    n = len(answers)

    def kept(rows):
        found = relation_consensus([as_answer(a, r) for a, r in enumerate(rows)], links_of(n))
        return [(r.from_id, r.to_id, r.class_name, r.support) for r in found.relations]

    assert kept(answers) == kept([answers[i] for i in order])


@EXAMPLES
@given(RELATIONS, RELATIONS, st.integers(2, 4))
def test_one_outlier_annotator_does_not_change_what_a_majority_drew(relations, outlier, n):
    rows = [relations] * n + [outlier]
    found = relation_consensus([as_answer(a, r) for a, r in enumerate(rows)],
                               links_of(len(rows)))
    assert {(r.from_id, r.to_id, r.class_name) for r in found.relations} == {
        (f, t, c) for f, t, c in relations if f != t}
