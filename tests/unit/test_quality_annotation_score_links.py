"""Scores of the labels that point at regions (transcriptions of regions, relations) through
the matching of those regions, and of video tracks by IDF1."""

from __future__ import annotations

import pytest

from accord.core.quality.annotation_score import annotation_score, label_score
from accord.core.regions import parse_regions


def segment(rid, start, end, cls="speech"):
    return {"id": rid, "label": "turns", "type": "audio_segment",
            "value": {"class": cls, "start": start, "end": end}}


def said(rid, text, region=None):
    value = {"text": text} if region is None else {"text": text, "region": region}
    return {"id": rid, "label": "words", "type": "transcription", "value": value}


def span(rid, start, end, cls="PER"):
    return {"id": rid, "label": "ner", "type": "span",
            "value": {"class": cls, "start": start, "end": end}}


def related(rid, start, end, cls="knows"):
    return {"id": rid, "label": "rel", "type": "relation",
            "value": {"from": start, "to": end, "class": cls}}


def score(candidate, reference, **options):
    return annotation_score(parse_regions(candidate), parse_regions(reference), **options)


def test_a_segment_transcription_is_compared_with_the_one_of_the_matched_segment():
    reference = [segment("g1", 0, 2), segment("g2", 3, 5), said("w1", "yes", "g1"),
                 said("w2", "no", "g2")]
    mine = [segment("m1", 3.1, 5), segment("m2", 0, 2.1), said("x1", "no", "m1"),
            said("x2", "yes", "m2")]
    assert score(mine, reference) == 1.0  # ids and order differ; the matching pairs them
    swapped = [segment("m1", 3.1, 5), segment("m2", 0, 2.1), said("x1", "yes", "m1"),
               said("x2", "no", "m2")]
    # segments 1.0; transcripts: "yes" against "no" and back, CER at least 1
    assert score(swapped, reference) == pytest.approx((1.0 + 0.0) / 2)


def test_a_transcription_of_an_unmatched_region_transcribes_nothing_the_reference_has():
    reference = [segment("g1", 0, 2), said("w1", "hello", "g1")]
    mine = [segment("m1", 10, 12), said("x1", "hello", "m1")]
    assert score(mine, reference) == 0.0
    assert score(mine, reference, labels={"words"}) == 0.0  # the matching still runs
    partly = [segment("m1", 0, 2), said("x1", "hallo", "m1"), said("x2", "extra")]
    # words: one target of two each way, at 1 - 1/5: 2 · 0.8 / (2 + 1)
    assert score(partly, reference, labels={"words"}) == pytest.approx(2 * 0.8 / 3)


def test_label_score_alone_compares_transcriptions_by_the_ids_given():
    mine = parse_regions([said("a", "kitten", "r1")])
    assert label_score(mine, parse_regions([said("b", "sitting", "r1")])) == pytest.approx(
        1 - 3 / 7)
    assert label_score(mine, parse_regions([said("b", "kitten", "r2")])) == 0.0


def test_relations_score_the_f1_of_relations_between_matched_ends():
    reference = [span("g1", 0, 3), span("g2", 10, 14, "ORG"), related("gr", "g1", "g2")]
    mine = [span("m1", 0, 3), span("m2", 10, 15, "ORG"), related("mr", "m1", "m2")]
    assert score(mine, reference) == 1.0
    assert score(mine, reference, labels={"rel"}) == 1.0
    reverse = [span("m1", 0, 3), span("m2", 10, 15, "ORG"), related("mr", "m2", "m1")]
    assert score(reverse, reference, labels={"rel"}) == 0.0
    other = [span("m1", 0, 3), span("m2", 10, 15, "ORG"), related("mr", "m1", "m2", "hates"),
             related("ms", "m1", "m2")]
    assert score(other, reference, labels={"rel"}) == pytest.approx(2 * 1 / 3)
    assert label_score(parse_regions([related("a", "x", "y")]),
                       parse_regions([related("a", "x", "y")])) is None


def test_video_tracks_score_their_idf1():
    def track(rid, x, last=9):
        return {"id": rid, "label": "cars", "type": "video_track", "value": {
            "class": "car", "track_id": 1, "keyframes": [
                {"frame": 0, "x": x, "y": 0, "width": 10, "height": 10},
                {"frame": last, "x": x, "y": 0, "width": 10, "height": 10}]}}

    assert score([track("a", 0)], [track("g", 1)]) == 1.0
    assert score([track("a", 0)], [track("g", 50)]) == 0.0
    # in view on frames 0-4 against 0-9: IDF1 2 · 5 / (5 + 10)
    short = track("a", 0, last=4)
    short["value"]["keyframes"].append({"frame": 5, "x": 0, "y": 0, "width": 10,
                                        "height": 10, "outside": True})
    assert score([short], [track("g", 0)]) == pytest.approx(2 * 5 / 15)
    assert score([], [track("g", 0)]) == 0.0
