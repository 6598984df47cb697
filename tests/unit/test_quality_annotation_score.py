"""One annotation against a reference, as one score in [0, 1]."""

from __future__ import annotations

import pytest

from accord.core.errors import InputError
from accord.core.quality.annotation_score import annotation_score, label_score
from accord.core.regions import parse_regions


def box(region_id, x, cls="car", label="obj"):
    return {"id": region_id, "label": label, "type": "bbox",
            "value": {"class": cls, "x": x, "y": 0, "width": 10, "height": 10}}


def answer(cls, label="scene"):
    return {"id": label, "label": label, "type": "classification", "value": {"class": cls}}


def topics(*classes):
    return {"id": "t", "label": "topics", "type": "multilabel", "value": {"classes": classes}}


def said(text):
    return {"id": "w", "label": "words", "type": "transcription", "value": {"text": text}}


def score(candidate, reference, **options):
    return annotation_score(parse_regions(candidate), parse_regions(reference), **options)


def test_equal_answers_score_one_and_different_or_missing_ones_zero():
    assert score([answer("day")], [answer("day")]) == 1.0
    assert score([answer("night")], [answer("day")]) == 0.0
    assert score([], [answer("day")]) == 0.0
    assert score([answer("day")], []) == 0.0


def test_multilabel_answers_score_their_jaccard_index():
    assert score([topics("a", "b")], [topics("b", "c")]) == pytest.approx(1 / 3)


def test_regions_score_the_f1_of_a_class_aware_one_to_one_matching():
    assert score([box("a", 0), box("b", 50)], [box("g", 1)]) == pytest.approx(2 / 3)
    assert score([box("a", 0, "bus")], [box("g", 0)]) == 0.0
    assert score([box("a", 4)], [box("g", 0)], threshold=0.7) == 0.0  # IoU 6/14


def test_transcriptions_score_one_minus_the_character_error_rate():
    assert score([said("kitten")], [said("sitting")]) == pytest.approx(1 - 3 / 7)
    assert score([said("a much longer text")], [said("ab")]) == 0.0


def test_the_score_is_the_mean_over_the_labels_either_side_used():
    mine = [box("a", 0), answer("night")]
    assert score(mine, [box("g", 0), answer("day")]) == pytest.approx(0.5)
    assert score(mine, [box("g", 0), answer("day")], labels={"obj"}) == 1.0


def test_nothing_to_compare_gives_none():
    assert score([], []) is None


def test_polylines_are_matched_by_their_similarity_along_the_line():
    def line(rid, y):
        return {"id": rid, "label": "lanes", "type": "polyline",
                "value": {"class": "lane", "points": [[0, y], [100, y]]}}

    assert score([line("l", 0)], [line("m", 0)]) == 1.0
    assert score([line("l", 0), line("k", 50)], [line("m", 5)]) == pytest.approx(2 / 3)


def test_one_label_with_two_types_is_refused():
    with pytest.raises(InputError, match="must share a type"):
        label_score(parse_regions([box("a", 0, label="x")]), parse_regions([answer("d", "x")]))
