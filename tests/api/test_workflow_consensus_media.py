"""Routing by consensus for transcribed audio segments, video tracks and text relations
(issue 8): on an overlap-3 project, three near-identical answers are accepted by consensus,
and strongly disagreeing ones go to adjudication."""

from __future__ import annotations

from typing import Any

import pytest

from accord.services import projects
from builders import caller_of
from tests.api.workflow_support import add_members, answer, fresh_requests, task_of

CREW = ("a1", "a2", "a3")

AUDIO = {"data": [{"name": "audio", "type": "audio"}],
         "labels": [{"name": "turns", "type": "audio_segment", "source": "audio",
                     "classes": [{"name": "speech"}]},
                    {"name": "words", "type": "transcription", "source": "audio"}]}
VIDEO = {"data": [{"name": "video", "type": "video"}],
         "labels": [{"name": "cars", "type": "video_track", "source": "video",
                     "classes": [{"name": "car"}],
                     "attributes": [{"name": "occluded", "type": "bool"}]}]}
TEXT = {"data": [{"name": "text", "type": "text"}],
        "labels": [{"name": "ner", "type": "span", "source": "text",
                    "classes": [{"name": "PER"}, {"name": "ORG"}]},
                   {"name": "rel", "type": "relation", "source": "text", "between": ["ner"],
                    "classes": [{"name": "works_for"}, {"name": "founded"}]}]}
SENTENCE = "Ada Lovelace works for Analytical Engines."


@pytest.fixture
def app(app, session):  # type: ignore[no-untyped-def]
    return fresh_requests(app, session)


def one_task_project(session, world, as_, schema: dict[str, Any], data: dict[str, Any]
                     ) -> tuple[int, int]:
    """A project of `schema` with an overlap of 3, the crew as annotators and one task."""
    manager = caller_of(world.users["manager"])
    project = projects.create_project(session, manager, "Media", schema=schema)["id"]
    add_members(session, world, project, CREW)
    add_members(session, world, project, ("reviewer",), role="reviewer")
    changed = as_("manager").patch(f"/api/projects/{project}/workflow", json={"overlap": 3})
    assert changed.status_code == 200, changed.text
    created = as_("manager").post(f"/api/projects/{project}/tasks",
                                  json={"tasks": [{"data": data}]})
    assert created.status_code == 201, created.text
    [task] = as_("manager").get(f"/api/projects/{project}/tasks").json()["items"]
    return project, task["id"]


def routed(session, world, as_, schema, data, answers) -> dict[str, Any]:
    project, task = one_task_project(session, world, as_, schema, data)
    for name, regions in zip(CREW, answers, strict=True):
        assert answer(as_(name), project, regions) == task
    return task_of(as_, project, task)


def turn(rid: str, start: float, end: float, text: str) -> list[dict[str, Any]]:
    return [{"id": rid, "label": "turns", "type": "audio_segment",
             "value": {"class": "speech", "start": start, "end": end}},
            {"id": f"{rid}-words", "label": "words", "type": "transcription",
             "value": {"text": text, "region": rid}}]


def test_near_identical_transcribed_segments_are_accepted_by_consensus(session, world, as_):
    answers = [turn("a", 0.0, 2.0, "good morning everyone") + turn("b", 2.5, 4.0, "hello"),
               turn("x", 0.1, 2.0, "good morning everyone") + turn("y", 2.4, 4.1, "hello"),
               turn("p", 0.0, 1.9, "good morning every one") + turn("q", 2.5, 4.0, "hello")]
    done = routed(session, world, as_, AUDIO, {"audio": "speech.wav"}, answers)
    assert (done["state"], done["result_source"]) == ("done", "consensus")
    assert done["agreement"] > 0.9
    segments = {r["id"]: r for r in done["result"] if r["type"] == "audio_segment"}
    words = {r["value"]["region"]: r["value"]["text"] for r in done["result"]
             if r["type"] == "transcription"}
    assert set(segments) == {"consensus-turns-0", "consensus-turns-1"}
    assert words == {"consensus-turns-0": "good morning everyone",
                     "consensus-turns-1": "hello"}


def test_segments_transcribed_differently_go_to_adjudication(session, world, as_):
    answers = [turn("a", 0.0, 2.0, "good morning everyone"),
               turn("x", 0.0, 2.0, "xyz qvvt"),
               turn("p", 0.0, 2.0, "jjj kkk ppp")]
    waiting = routed(session, world, as_, AUDIO, {"audio": "speech.wav"}, answers)
    assert (waiting["state"], waiting["result"]) == ("adjudicate", None)
    assert waiting["agreement"] < 0.8


def track(x: float, occluded_from: int | None = None) -> list[dict[str, Any]]:
    keyframes = [{"frame": 0, "x": x, "y": 10, "width": 40, "height": 30},
                 {"frame": 20, "x": x + 100, "y": 12, "width": 40, "height": 30},
                 {"frame": 30, "x": x + 100, "y": 12, "width": 40, "height": 30,
                  "outside": True}]
    if occluded_from is not None:
        # on the line from the first keyframe to the second: only the attribute changes
        keyframes.insert(1, {"frame": occluded_from, "x": x + 5 * occluded_from,
                             "y": 10 + 0.1 * occluded_from, "width": 40, "height": 30,
                             "attributes": {"occluded": True}})
    return [{"id": "t1", "label": "cars", "type": "video_track",
             "attributes": {"occluded": False},
             "value": {"class": "car", "track_id": 1, "keyframes": keyframes}}]


def test_near_identical_video_tracks_are_accepted_by_consensus(session, world, as_):
    done = routed(session, world, as_, VIDEO, {"video": "cars.mp4", "frame_count": 50},
                  [track(0, occluded_from=8), track(2, occluded_from=8), track(1)])
    assert (done["state"], done["result_source"]) == ("done", "consensus")
    assert done["agreement"] > 0.9
    [fused] = done["result"]
    assert (fused["id"], fused["attributes"]) == ("consensus-cars-0", {"occluded": False})
    keyframes = fused["value"]["keyframes"]
    assert keyframes[0] == {"frame": 0, "x": 1.0, "y": 10.0, "width": 40.0, "height": 30.0,
                            "outside": False}
    assert [(k["frame"], k.get("attributes")) for k in keyframes if k.get("attributes")] == [
        (8, {"occluded": True})]
    assert keyframes[-1]["frame"] == 30 and keyframes[-1]["outside"] is True


def test_video_tracks_in_different_places_go_to_adjudication(session, world, as_):
    waiting = routed(session, world, as_, VIDEO, {"video": "cars.mp4", "frame_count": 50},
                     [track(0), track(200), track(400)])
    assert (waiting["state"], waiting["result"], waiting["agreement"]) == (
        "adjudicate", None, 0.0)


def entities(relation: tuple[str, str, str] | None, org_end: int = 41) -> list[dict[str, Any]]:
    regions = [{"id": "p", "label": "ner", "type": "span",
                "value": {"class": "PER", "start": 0, "end": 12}},
               {"id": "o", "label": "ner", "type": "span",
                "value": {"class": "ORG", "start": 23, "end": org_end}}]
    if relation is not None:
        start, end, cls = relation
        regions.append({"id": "r", "label": "rel", "type": "relation",
                        "value": {"from": start, "to": end, "class": cls}})
    return regions


def test_near_identical_relations_are_accepted_by_consensus(session, world, as_):
    done = routed(session, world, as_, TEXT, {"text": SENTENCE},
                  [entities(("p", "o", "works_for")), entities(("p", "o", "works_for"), 40),
                   entities(("p", "o", "works_for"))])
    assert (done["state"], done["result_source"], done["agreement"]) == (
        "done", "consensus", 1.0)
    [relation] = [r for r in done["result"] if r["type"] == "relation"]
    ends = {r["id"]: SENTENCE[r["value"]["start"]:r["value"]["end"]] for r in done["result"]
            if r["type"] == "span"}
    assert (ends[relation["value"]["from"]], ends[relation["value"]["to"]],
            relation["value"]["class"]) == ("Ada Lovelace", "Analytical Engines", "works_for")


def test_relations_that_disagree_go_to_adjudication(session, world, as_):
    waiting = routed(session, world, as_, TEXT, {"text": SENTENCE},
                     [entities(("p", "o", "works_for")), entities(("o", "p", "works_for")),
                      entities(("p", "o", "founded"))])
    assert (waiting["state"], waiting["result"]) == ("adjudicate", None)
    assert waiting["agreement"] == pytest.approx(0.5)  # spans agree, no relation does


ROADS = {"data": [{"name": "image", "type": "image"}],
         "labels": [{"name": "lanes", "type": "polyline", "source": "image",
                     "classes": [{"name": "lane"}]},
                    {"name": "marking", "type": "transcription", "source": "image"}]}


def lane(rid: str, y: float, text: str, reverse: bool = False) -> list[dict[str, Any]]:
    points = [[0, y], [60, y + 2], [120, y]]
    return [{"id": rid, "label": "lanes", "type": "polyline",
             "value": {"class": "lane", "points": points[::-1] if reverse else points}},
            {"id": f"{rid}-m", "label": "marking", "type": "transcription",
             "value": {"text": text, "region": rid}}]


def test_transcribed_polylines_are_fused_and_accepted_by_consensus(session, world, as_):
    answers = [lane("a", 0, "BUS ONLY") + lane("b", 80, "STOP"),
               lane("x", 1, "BUS ONLY", reverse=True) + lane("y", 81, "STOP"),
               lane("p", 2, "BUS ONLY") + lane("q", 79, "STOP")]
    done = routed(session, world, as_, ROADS, {"image": "road.png"}, answers)
    assert (done["state"], done["result_source"]) == ("done", "consensus")
    assert done["agreement"] > 0.9
    lanes = {r["id"]: r["value"]["points"][0] for r in done["result"]
             if r["type"] == "polyline"}
    # the medoids: the middle lanes, as drawn (the first one right to left)
    assert lanes == {"consensus-lanes-0": [120.0, 1.0], "consensus-lanes-1": [0.0, 80.0]}
    marking = {r["value"]["region"]: r["value"]["text"] for r in done["result"]
               if r["type"] == "transcription"}
    assert marking == {"consensus-lanes-0": "BUS ONLY", "consensus-lanes-1": "STOP"}


def test_polylines_transcribed_differently_go_to_adjudication(session, world, as_):
    answers = [lane("a", 0, "BUS ONLY"), lane("x", 0, "TAXI RANK"), lane("p", 0, "NO ENTRY")]
    waiting = routed(session, world, as_, ROADS, {"image": "road.png"}, answers)
    assert (waiting["state"], waiting["result"]) == ("adjudicate", None)
