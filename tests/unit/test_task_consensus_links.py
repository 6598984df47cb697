"""A task's consensus over all its labels: region ids unique in the task, and transcriptions
and relations of the consensus pointing at the consensus regions they transcribe or join."""

from __future__ import annotations

import pytest

from accord.core.quality.annotation_score import annotation_score
from accord.core.regions import TranscriptionValue, parse_regions
from accord.core.schema import parse_schema
from accord.services.consensus import consensus_of_task
from accord.services.qa_data import Work

AUDIO = parse_schema({
    "data": [{"name": "audio", "type": "audio"}],
    "labels": [{"name": "words", "type": "transcription", "source": "audio"},
               {"name": "turns", "type": "audio_segment", "source": "audio",
                "classes": [{"name": "speech"}]}]})
TEXT = parse_schema({
    "data": [{"name": "text", "type": "text"}],
    "labels": [{"name": "rel", "type": "relation", "source": "text",
                "classes": [{"name": "works_with"}]},
               {"name": "ner", "type": "span", "source": "text",
                "classes": [{"name": "PER"}, {"name": "ORG"}]}]})
BOXES = parse_schema({
    "data": [{"name": "image", "type": "image"}],
    "labels": [{"name": "cars", "type": "bbox", "source": "image",
                "classes": [{"name": "car"}]},
               {"name": "plates", "type": "bbox", "source": "image",
                "classes": [{"name": "plate"}]},
               {"name": "reading", "type": "transcription", "source": "image"},
               {"name": "scene", "type": "classification", "source": "image",
                "classes": [{"name": "day"}]}]})
VIDEO = parse_schema({
    "data": [{"name": "video", "type": "video"}],
    "labels": [{"name": "cars", "type": "video_track", "source": "video",
                "classes": [{"name": "car"}]},
               {"name": "plate", "type": "transcription", "source": "video"}]})


def works(*answers):
    return [Work(k, 1, f"a{k}@example.org", parse_regions(regions), 1, None, None)
            for k, regions in enumerate(answers)]


def by_label(found):
    return {c.label.name: c for c in found}


def segment(rid, start, end):
    return {"id": rid, "label": "turns", "type": "audio_segment",
            "value": {"class": "speech", "start": start, "end": end}}


def said(rid, text, region=None, label="words"):
    value = {"text": text} if region is None else {"text": text, "region": region}
    return {"id": rid, "label": label, "type": "transcription", "value": value}


def test_segment_transcriptions_of_the_consensus_point_at_the_consensus_segments():
    answers = works(
        [segment("a", 0, 2), segment("b", 3, 5), said("wa", "good morning", "a"),
         said("wb", "see you", "b")],
        [segment("x", 3.1, 5), segment("y", 0.1, 2), said("wx", "see you", "x"),
         said("wy", "good morning", "y")],
        [segment("p", 0, 2.1), segment("q", 2.9, 5), said("wp", "good mourning", "p"),
         said("wq", "see you", "q")])
    found = by_label(consensus_of_task(AUDIO, answers, {"audio": "a.wav"}))
    assert list(found) == ["words", "turns"]  # the schema's order
    turns = {r.id: (round(r.value.start, 2), round(r.value.end, 2))
             for r in found["turns"].regions}
    assert turns == {"consensus-turns-0": (0.03, 2.03), "consensus-turns-1": (3.0, 5.0)}
    words = {r.value.region: r.value.text for r in found["words"].regions}
    assert words == {"consensus-turns-0": "good morning", "consensus-turns-1": "see you"}
    assert found["words"].method == "medoid_transcript"
    consensus = [r for c in found.values() for r in c.regions]
    assert [annotation_score(w.regions, consensus) for w in answers] == pytest.approx(
        [1.0, 1.0, (1 + (1 + 11 / 12) / 2) / 2])  # "good mourning": one character of 12


def test_consensus_region_ids_are_unique_in_the_task_across_labels():
    def box(rid, label, cls, x):
        return {"id": rid, "label": label, "type": "bbox",
                "value": {"class": cls, "x": x, "y": 0, "width": 10, "height": 10}}

    answer = [box("c", "cars", "car", 0), box("p", "plates", "plate", 2),
              said("r", "AB 123", "p", label="reading"),
              {"id": "s", "label": "scene", "type": "classification", "value": {"class": "day"}}]
    found = consensus_of_task(BOXES, works(answer, answer, answer), {"image": "i.png"})
    ids = [r.id for c in found for r in c.regions]
    assert ids == ["consensus-cars-0", "consensus-plates-0", "consensus-reading-0",
                   "consensus-scene-0"]
    [reading] = by_label(found)["reading"].regions
    assert reading.value.region == "consensus-plates-0"  # not the car's box


def test_relations_of_the_consensus_join_the_consensus_spans():
    text = "Ada Lovelace worked with Charles Babbage."

    def answer(people, relation=True):
        regions = [{"id": f"s{k}", "label": "ner", "type": "span",
                    "value": {"class": "PER", "start": s, "end": e}}
                   for k, (s, e) in enumerate(people)]
        if relation:
            regions.append({"id": "r", "label": "rel", "type": "relation",
                            "value": {"from": "s0", "to": "s1", "class": "works_with"}})
        return regions

    answers = works(answer([(0, 12), (25, 40)]), answer([(0, 12), (25, 39)]),
                    answer([(0, 3), (25, 40)], relation=False))
    found = by_label(consensus_of_task(TEXT, answers, {"text": text}))
    assert [(r.id, text[r.value.start:r.value.end]) for r in found["ner"].regions] == [
        ("consensus-ner-0", "Ada Lovelace"), ("consensus-ner-1", "Charles Babbage")]
    [relation] = found["rel"].regions
    assert (relation.id, relation.value.from_id, relation.value.to_id) == (
        "consensus-rel-0", "consensus-ner-0", "consensus-ner-1")
    assert found["rel"].detail.relations[0].support == pytest.approx(2 / 3)


def test_video_tracks_fuse_up_to_the_tasks_frame_count_and_carry_their_transcriptions():
    def track(x):
        return [{"id": "t", "label": "cars", "type": "video_track", "value": {
            "class": "car", "track_id": 7, "keyframes": [
                {"frame": 0, "x": x, "y": 0, "width": 10, "height": 10},
                {"frame": 9, "x": x + 90, "y": 0, "width": 10, "height": 10}]}},
                said("p", "AB 123", "t", label="plate")]

    found = by_label(consensus_of_task(VIDEO, works(track(0), track(1), track(2)),
                                       {"video": "v.mp4", "frame_count": 30}))
    [fused] = found["cars"].regions
    assert (fused.id, fused.value.track_id) == ("consensus-cars-0", 1)
    assert [(k.frame, k.x) for k in fused.value.keyframes] == [(0, 1.0), (9, 91.0)]
    assert found["cars"].detail.frame_count == 30
    assert found["cars"].links == {(0, "t"): "consensus-cars-0", (1, "t"): "consensus-cars-0",
                                   (2, "t"): "consensus-cars-0"}
    assert [r.value for r in found["plate"].regions] == [
        TranscriptionValue("AB 123", "consensus-cars-0")]


ROADS = parse_schema({
    "data": [{"name": "image", "type": "image"}],
    "labels": [{"name": "lanes", "type": "polyline", "source": "image",
                "classes": [{"name": "lane"}]},
               {"name": "marking", "type": "transcription", "source": "image"}]})
NOTES = parse_schema({
    "data": [{"name": "text", "type": "text"}],
    "labels": [{"name": "ner", "type": "span", "source": "text",
                "classes": [{"name": "PER"}]},
               {"name": "gloss", "type": "transcription", "source": "text"}]})


def test_polylines_fuse_by_their_medoid_and_carry_their_transcriptions():
    def lane(rid, y, text, points=None):
        line = points or [[0, y], [50, y + 1], [100, y]]
        return [{"id": rid, "label": "lanes", "type": "polyline",
                 "value": {"class": "lane", "points": line}},
                said(f"{rid}-t", text, rid, label="marking")]

    answers = works(lane("a", 0, "BUS ONLY") + lane("b", 200, "STOP"),
                    lane("x", 200, "STOP", [[100, 201], [0, 201]]) + lane("y", 2, "BUS ONLY"),
                    lane("p", 1, "BUS 0NLY") + lane("q", 400, "SLOW"))
    found = by_label(consensus_of_task(ROADS, answers, {"image": "road.png"}))
    lanes = found["lanes"]
    assert lanes.method == "fused_clusters"
    # the lane at y 0-2 by all three, at y 200 by two; the third's lane at 400 is dropped
    assert [(r.id, r.value.points[0]) for r in lanes.regions] == [
        ("consensus-lanes-0", (0.0, 1.0)), ("consensus-lanes-1", (0.0, 200.0))]
    assert lanes.detail.n_dropped == 1
    marking = {r.value.region: r.value.text for r in found["marking"].regions}
    assert marking == {"consensus-lanes-0": "BUS ONLY", "consensus-lanes-1": "STOP"}
    supports = [round(t.support, 3) for t in found["marking"].detail.transcriptions]
    assert supports == [round((1 + 1 + 0.5) / 3, 3), round(2 / 3, 3)]  # "0NLY": 1 of 2 words


def test_span_transcriptions_follow_the_spans_matched_to_the_token_vote():
    text = "Ada Lovelace met Charles Babbage."

    def person(rid, start, end, gloss):
        return [{"id": rid, "label": "ner", "type": "span",
                 "value": {"class": "PER", "start": start, "end": end}},
                said(f"{rid}-g", gloss, rid, label="gloss")]

    answers = works(person("s", 0, 12, "mathematician") + person("t", 17, 32, "engineer"),
                    person("u", 0, 3, "mathematician") + person("v", 17, 32, "engineer"),
                    person("w", 0, 12, "mathematician"))
    found = by_label(consensus_of_task(NOTES, answers, {"text": text}))
    spans = {r.id: text[r.value.start:r.value.end] for r in found["ner"].regions}
    assert spans == {"consensus-ner-0": "Ada Lovelace", "consensus-ner-1": "Charles Babbage"}
    gloss = {spans[r.value.region]: r.value.text for r in found["gloss"].regions}
    assert gloss == {"Ada Lovelace": "mathematician", "Charles Babbage": "engineer"}
    # bob's "Ada" covers one token of two: IoU 0.25, no match, so his gloss is unmatched
    assert found["gloss"].detail.unmatched == ((1, 0),)


def test_an_answer_transcribing_its_track_as_the_consensus_does_scores_one():
    def track(x, text):
        return [{"id": "t", "label": "cars", "type": "video_track", "value": {
            "class": "car", "track_id": 7, "keyframes": [
                {"frame": 0, "x": x, "y": 0, "width": 10, "height": 10},
                {"frame": 9, "x": x + 90, "y": 0, "width": 10, "height": 10}]}},
                said("p", text, "t", label="plate")]

    answers = works(track(0, "AB 123"), track(0, "AB 123"), track(0, "XY 999"))
    consensus = [r for c in consensus_of_task(VIDEO, answers, {"video": "v.mp4"})
                 for r in c.regions]
    # the tracks are matched by IDF1, so each plate is compared with the consensus's plate
    assert [annotation_score(w.regions, consensus) for w in answers] == pytest.approx(
        [1.0, 1.0, (1 + 1 / 6) / 2])  # "XY 999" against "AB 123": 5 of 6 characters differ
