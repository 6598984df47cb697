"""Relation agreement: relations agree when both ends are matched regions and the class and
direction are the same; F1 overall, per class and per pair, by hand."""

from __future__ import annotations

import pytest

from accord.core.agreement.relations import relation_agreement
from accord.core.errors import InputError
from accord.core.regions import parse_regions


def answer(spans, relations):
    return parse_regions(
        [{"id": i, "label": "ner", "type": "span", "value": {"class": c, "start": s, "end": e}}
         for i, (c, s, e) in spans.items()]
        + [{"id": f"r{k}", "label": "rel", "type": "relation",
            "value": {"from": a, "to": b, **({"class": c} if c else {})}}
           for k, (a, b, c) in enumerate(relations)])


SPANS_ANN = {"p": ("PER", 0, 10), "o": ("ORG", 20, 30), "l": ("LOC", 40, 50)}
SPANS_BOB = {"x": ("PER", 1, 10), "y": ("ORG", 20, 30), "z": ("LOC", 60, 70)}


def test_relations_agree_through_matched_ends_with_class_and_direction():
    ann = answer(SPANS_ANN, [("p", "o", "works_for"), ("o", "l", "based_in"),
                             ("p", "o", "knows")])
    bob = answer(SPANS_BOB, [("x", "y", "works_for"), ("y", "z", "based_in"),
                             ("y", "x", "knows")])
    result = relation_agreement({"doc": {"ann": ann, "bob": bob}}, label="rel")
    # works_for agrees; based_in's LOC ends do not match; knows is reversed
    assert (result.overall.n_matched, result.overall.n_first, result.overall.n_second) == (1, 3, 3)
    assert result.overall.f1 == pytest.approx(1 / 3) and result.overall.mean_iou is None
    assert result.per_class["works_for"].f1 == 1.0 and result.per_class["knows"].f1 == 0.0
    assert result.pair_f1[0][1] == pytest.approx(1 / 3)


def test_an_end_matches_one_region_only_and_relations_pair_one_to_one():
    ann = answer(SPANS_ANN, [("p", "o", None), ("p", "o", None)])
    bob = answer(SPANS_BOB, [("x", "y", None)])
    result = relation_agreement({"doc": {"ann": ann, "bob": bob}})
    assert result.overall.n_matched == 1 and result.overall.f1 == pytest.approx(2 / 3)
    assert list(result.per_class) == [None]


def test_units_annotated_once_and_bad_input():
    ann = answer(SPANS_ANN, [("p", "o", None)])
    alone = relation_agreement({"doc": {"ann": ann}, "other": {"ann": ann, "bob": []}})
    assert alone.n_units == 1 and alone.overall.f1 == 0.0
    assert relation_agreement({"doc": {"ann": ann}}).overall.undefined_because
    with pytest.raises(InputError, match="must hold parsed regions"):
        relation_agreement({"doc": {"ann": [{"from": "a"}]}})
