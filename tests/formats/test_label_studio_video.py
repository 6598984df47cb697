"""Label Studio JSON, video: `timelinelabels` frame ranges become video segments (frames from
1, both ends in the range) and back; `videorectangle` tracks keep Label Studio's lifespans
(a disabled keyframe is shown on its own frame and hides the frames after it), so the box
on every frame is the same on both sides and a round trip gives the same regions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from accord.core import tracks
from accord.core.errors import InputError
from accord.core.label_studio_config import label_studio_from_schema, schema_from_label_studio
from tests.formats.support import Project, jsonl

CONFIG = """
<View>
  <Video name="video" value="$video"/>
  <VideoRectangle name="box" toName="video"/>
  <Labels name="videoLabels" toName="video"><Label value="person"/></Labels>
  <TimelineLabels name="actions" toName="video">
    <Label value="Walk"/><Label value="Run"/>
  </TimelineLabels>
</View>"""
DATA = {"video": "/data/upload/3/walk.mp4", "width": 1280, "height": 720}
ANN = {"id": 3, "email": "ann@example.org"}


def timeline(id_: str, start: int, end: int, label: str, **extra: Any) -> dict[str, Any]:
    """A result as Label Studio's TimelineLabels writes it (its ML examples' shape too)."""
    return {"id": id_, "type": "timelinelabels", "from_name": "actions", "to_name": "video",
            "origin": "manual",
            "value": {"ranges": [{"start": start, "end": end}], "timelinelabels": [label]},
            **extra}


def rectangle(id_: str, sequence: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": id_, "type": "videorectangle", "from_name": "box", "to_name": "video",
            "origin": "manual", "value": {"framesCount": 120, "duration": 4.8,
                                          "sequence": sequence, "labels": ["person"]}}


def key(frame: int, x: float, enabled: bool = True) -> dict[str, Any]:
    """A sequence item as Label Studio serializes it (time = frame / frame rate)."""
    return {"frame": frame, "enabled": enabled, "rotation": 0, "x": x, "y": 10.0,
            "width": 20.0, "height": 30.0, "time": frame / 25}


def make_project(tmp_path: Path) -> Project:
    project = Project(tmp_path, schema_from_label_studio(CONFIG))
    project.add_user("ann@example.org")
    return project


def import_tasks(project: Project, tasks: Any) -> None:
    project.import_bytes(orjson.dumps(tasks), "export.json", "label_studio")


def round_trip(tmp_path: Path, tasks: list[dict[str, Any]]
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(records read, the Label Studio export of them, the records that export reads as)."""
    with make_project(tmp_path / "a") as project:
        import_tasks(project, tasks)
        first = project.records()
        exported = orjson.loads(project.export_bytes("label_studio"))
    with make_project(tmp_path / "b") as again:
        import_tasks(again, exported)
        second = again.records()
    return first, exported, second


def test_timeline_ranges_become_segments_of_the_same_frames_and_are_written_back(
        tmp_path: Path):
    task = {"id": 5, "data": DATA, "annotations": [{"completed_by": ANN, "result": [
        timeline("t1", 5, 15, "Walk"), timeline("t2", 30, 30, "Run")]}],
        "predictions": [{"model_version": "lstm-1", "score": 0.7, "result": [
            timeline("p1", 1, 120, "Walk", score=0.61)]}]}
    first, exported, second = round_trip(tmp_path, [task])
    (record,) = first
    assert record["annotations"][0]["regions"] == [
        {"id": "t1", "label": "actions", "type": "video_segment",
         "value": {"class": "Walk", "start": 4, "end": 15}},   # frames 5…15 from 1
        {"id": "t2", "label": "actions", "type": "video_segment",
         "value": {"class": "Run", "start": 29, "end": 30}}]   # one frame
    assert record["predictions"][0]["regions"] == [
        {"id": "p1", "label": "actions", "type": "video_segment", "score": 0.61,
         "value": {"class": "Walk", "start": 0, "end": 120}}]
    written = exported[0]["annotations"][0]["result"]
    assert [(r["type"], r["from_name"], r["to_name"], r["value"]) for r in written] == [
        ("timelinelabels", "actions", "video",
         {"ranges": [{"start": 5, "end": 15}], "timelinelabels": ["Walk"]}),
        ("timelinelabels", "actions", "video",
         {"ranges": [{"start": 30, "end": 30}], "timelinelabels": ["Run"]})]
    assert exported[0]["predictions"][0]["result"][0]["score"] == 0.61
    assert second[0]["annotations"][0]["regions"] == record["annotations"][0]["regions"]
    assert second[0]["predictions"][0]["regions"] == record["predictions"][0]["regions"]


def test_our_segments_export_as_timelines_and_come_back_exactly(tmp_path: Path):
    """Segments made here (frame-level marks and ranges) survive Label Studio JSON, and the
    config made from our schema has the TimelineLabels control they go to."""
    schema = schema_from_label_studio(CONFIG)
    regions = [{"id": "s1", "label": "actions", "type": "video_segment",
                "value": {"class": "Run", "start": 0, "end": 1}},
               {"id": "s2", "label": "actions", "type": "video_segment",
                "value": {"class": "Walk", "start": 7, "end": 40}}]
    with Project(tmp_path / "a", schema) as project:
        project.import_bytes(jsonl([{"data": DATA, "annotations": [{"regions": regions}]}]),
                             "tasks.jsonl", "jsonl")
        exported = project.export_bytes("label_studio")
    assert '<TimelineLabels name="actions" toName="video"' in label_studio_from_schema(schema)
    values = [r["value"]["ranges"] for r in orjson.loads(exported)[0]["annotations"][0]["result"]]
    assert values == [[{"start": 1, "end": 1}], [{"start": 8, "end": 40}]]
    with make_project(tmp_path / "b") as again:
        import_tasks(again, orjson.loads(exported))
        assert again.records()[0]["annotations"][0]["regions"] == regions


@pytest.mark.parametrize(("value", "message"), [
    ({"ranges": [{"start": 1, "end": 5}, {"start": 9, "end": 9}], "timelinelabels": ["Run"]},
     r"value.ranges: expected one range .* got 2 ranges"),
    ({"timelinelabels": ["Run"]}, r"value.ranges: expected one range .* got None"),
    ({"ranges": [{"start": 0, "end": 5}], "timelinelabels": ["Run"]},
     "value.ranges\\[0\\].start: Label Studio frames count from 1, got 0"),
    ({"ranges": [{"start": 3, "end": None}], "timelinelabels": ["Run"]},
     r"value.ranges\[0\].end: expected a frame number .* got None"),
    ({"ranges": [{"start": 2.5, "end": 4}], "timelinelabels": ["Run"]},
     r"value.ranges\[0\].start: expected a frame number .* got 2.5"),
    ({"ranges": [{"start": 9, "end": 4}], "timelinelabels": ["Run"]},
     r"value.ranges\[0\]: end 4 is before start 9"),
    ({"ranges": [{"start": 1, "end": 4}], "timelinelabels": ["Run", "Walk"]},
     "expected one class name in value.timelinelabels"),
])
def test_a_malformed_timeline_range_is_refused_at_its_result(tmp_path: Path,
                                                             value: dict[str, Any],
                                                             message: str):
    result = timeline("t1", 1, 2, "Run") | {"value": value}
    task = {"id": 8, "data": DATA, "annotations": [{"result": [timeline("ok", 1, 2, "Run"),
                                                               result]}]}
    with make_project(tmp_path) as project:
        with pytest.raises(InputError, match=rf"export.json, task 0 \(id 8\), annotation 0, "
                                             rf"result 1: {message}"):
            import_tasks(project, [task])
        assert project.records() == []


def label_studio_box(sequence: list[dict[str, Any]], frame: int) -> tuple[float, ...] | None:
    """The box Label Studio draws on `frame` (from 1), by its own rules: the keyframe before
    (else after) decides whether the frame is in the lifespan, a disabled keyframe's own
    frame included (VideoRegion.isInLifespan); the shape is the keyframe's on its frame,
    else interpolated between the keyframes around it, else the last one's
    (VideoRectangleRegion.getShape)."""
    before = [k for k in sequence if k["frame"] <= frame]
    closest = before[-1] if before else next(k for k in sequence if k["frame"] >= frame)
    shown = (closest["frame"] == frame and not closest["enabled"]) or closest["enabled"]
    if not shown or not before:
        return None
    after = [k for k in sequence if k["frame"] > frame]
    a = before[-1]
    if a["frame"] == frame or not after:
        return tuple(a[p] for p in ("x", "y", "width", "height"))
    b = after[0]
    t = (frame - a["frame"]) / (b["frame"] - a["frame"])
    return tuple(a[p] + (b[p] - a[p]) * t for p in ("x", "y", "width", "height"))


def our_box(keyframes: list[dict[str, Any]], frame: int) -> tuple[float, ...] | None:
    """Our box on `frame` (from 0), in percent of the 1280 × 720 frame."""
    found = tracks.box_at(tracks.KeyframeArrays.checked(
        [k["frame"] for k in keyframes],
        [(k["x"], k["y"], k["width"], k["height"]) for k in keyframes],
        [bool(k.get("outside")) for k in keyframes]), frame)
    if found is None:
        return None
    x, y, w, h = found
    return x / 12.8, y / 7.2, w / 12.8, h / 7.2


SEQUENCES = {
    "leaves and comes back": [key(1, 10), key(25, 50, False), key(40, 60), key(60, 70)],
    # a disabled keyframe right before the next one changes no frame: written enabled
    "disabled right before the next": [key(1, 10, False), key(2, 20), key(9, 30, False)],
    "only one disabled frame": [key(7, 40, False)],
    "disabled twice": [key(3, 10), key(10, 20, False), key(20, 30, False), key(30, 40)],
}


@pytest.mark.parametrize("name", SEQUENCES)
def test_a_track_is_shown_on_the_frames_label_studio_shows_it_and_writes_back_the_same(
        tmp_path: Path, name: str):
    sequence = SEQUENCES[name]
    task = {"id": 1, "data": DATA, "annotations": [{"completed_by": ANN,
                                                    "result": [rectangle("v1", sequence)]}]}
    first, exported, second = round_trip(tmp_path, [task])
    keyframes = first[0]["annotations"][0]["regions"][0]["value"]["keyframes"]
    for frame in range(1, 80):
        theirs, ours = label_studio_box(sequence, frame), our_box(keyframes, frame - 1)
        assert (theirs is None) == (ours is None), f"frame {frame}: {theirs} vs {ours}"
        if theirs is not None:
            assert ours == pytest.approx(theirs, abs=1e-6), f"frame {frame}"
    written = exported[0]["annotations"][0]["result"][0]["value"]["sequence"]
    changes = [k["enabled"] or sequence[i + 1]["frame"] == k["frame"] + 1
               for i, k in enumerate(sequence[:-1])] + [sequence[-1]["enabled"]]
    assert [(k["frame"], k["enabled"]) for k in written] == [
        (k["frame"], enabled) for k, enabled in zip(sequence, changes, strict=True)]
    for theirs, ours in zip(sequence, written, strict=True):
        assert [ours[p] for p in ("x", "y", "width", "height")] == pytest.approx(
            [theirs[p] for p in ("x", "y", "width", "height")], abs=1e-9)
    assert second[0]["annotations"][0]["regions"] == first[0]["annotations"][0]["regions"]


def test_a_disabled_keyframe_leaves_the_view_on_the_next_frame(tmp_path: Path):
    """Label Studio's frame 25 (our 24) is the last one shown; our outside keyframe is on
    the frame after it, unless that is past the video's last frame."""
    sequence = [key(1, 10), key(25, 50, False)]
    for count, expected in ((None, [(0, False), (24, False), (25, True)]),
                            (25, [(0, False), (24, False)])):
        data = DATA | ({"frame_count": count} if count else {})
        task = {"data": data, "annotations": [{"result": [rectangle("v1", sequence)]}]}
        with make_project(tmp_path / str(count)) as project:
            import_tasks(project, [task])
            keyframes = project.records()[0]["annotations"][0]["regions"][0]["value"][
                "keyframes"]
        assert [(k["frame"], k.get("outside", False)) for k in keyframes] == expected
        assert keyframes[1]["x"] == keyframes[-1]["x"] == 640.0


def test_our_outside_keyframes_become_label_studio_lifespans_with_the_same_boxes(
        tmp_path: Path):
    """A CVAT-style track (the object leaves some frames after the last keyframe, or while
    already out of view) exports to a sequence Label Studio shows on the same frames."""
    box = {"y": 72.0, "width": 256.0, "height": 216.0}
    keyframes = [{"frame": 0, "x": 0.0, **box}, {"frame": 10, "x": 400.0, **box,
                                                 "outside": True},
                 {"frame": 14, "x": 400.0, **box, "outside": True},
                 {"frame": 20, "x": 100.0, **box}, {"frame": 30, "x": 300.0, **box},
                 {"frame": 31, "x": 300.0, **box, "outside": True}]
    region = {"id": "t1", "label": "box", "type": "video_track",
              "value": {"class": "person", "track_id": 4, "keyframes": keyframes}}
    with Project(tmp_path / "a", schema_from_label_studio(CONFIG)) as project:
        project.import_bytes(jsonl([{"data": DATA, "annotations": [{"regions": [region]}]}]),
                             "tasks.jsonl", "jsonl")
        exported = orjson.loads(project.export_bytes("label_studio"))
    result = exported[0]["annotations"][0]["result"][0]
    sequence = result["value"]["sequence"]
    assert [(k["frame"], k["enabled"]) for k in sequence] == [
        (1, True), (10, False), (21, True), (31, False)]
    assert sequence[1]["x"] == pytest.approx(360 / 12.8)  # where it was on our frame 9
    assert result["meta"] == {"track_id": 4}
    for frame in range(1, 50):
        theirs, ours = label_studio_box(sequence, frame), our_box(keyframes, frame - 1)
        assert (theirs is None) == (ours is None), f"frame {frame}"
        if theirs is not None:
            assert ours == pytest.approx(theirs, abs=1e-6)


def test_a_sequence_out_of_frame_order_is_refused(tmp_path: Path):
    task = {"id": 2, "data": DATA, "annotations": [{"result": [
        rectangle("v1", [key(10, 5), key(4, 6)])]}]}
    with make_project(tmp_path) as project:
        with pytest.raises(InputError, match=r"task 0 \(id 2\), annotation 0, result 0: "
                                             r"value.sequence\[1\].frame: 4 is not after"):
            import_tasks(project, [task])


def attributes_in_force(region: dict[str, Any], frame: int) -> dict[str, Any]:
    """The track's attributes, changed by each keyframe's at or before `frame`."""
    found = dict(region.get("attributes") or {})
    for keyframe in region["value"]["keyframes"]:
        if keyframe["frame"] <= frame:
            found.update(keyframe.get("attributes") or {})
    return found


def test_per_frame_attributes_ride_in_the_meta_and_hold_on_the_same_frames(tmp_path: Path):
    schema = schema_from_label_studio(CONFIG)
    schema["labels"][0]["attributes"] = [{"name": "occluded", "type": "bool",
                                          "default": False}]
    box = {"y": 72.0, "width": 256.0, "height": 216.0}
    keyframes = [
        {"frame": 0, "x": 0.0, **box, "outside": True, "attributes": {"occluded": True}},
        {"frame": 3, "x": 10.0, **box},
        {"frame": 9, "x": 40.0, **box, "attributes": {"occluded": False}},
        {"frame": 12, "x": 40.0, **box, "outside": True, "attributes": {"occluded": True}},
        {"frame": 15, "x": 40.0, **box, "outside": True, "attributes": {"occluded": False}},
        {"frame": 20, "x": 90.0, **box}]
    region = {"id": "t1", "label": "box", "type": "video_track",
              "attributes": {"occluded": False},
              "value": {"class": "person", "track_id": 2, "keyframes": keyframes}}
    record = {"data": DATA | {"frame_count": 30}, "annotations": [{"regions": [region]}]}
    with Project(tmp_path / "a", schema) as project:
        project.import_bytes(jsonl([record]), "tasks.jsonl", "jsonl")
        exported = orjson.loads(project.export_bytes("label_studio"))
    meta = exported[0]["annotations"][0]["result"][0]["meta"]
    # frame 0's outside keyframe and 15's (out of view already) have no Label Studio form:
    # their attributes go on to the next keyframe read back, 3 and 20
    assert meta == {"track_id": 2, "attributes": {"occluded": False}, "keyframe_attributes": {
        "3": {"occluded": True}, "9": {"occluded": False}, "12": {"occluded": True},
        "20": {"occluded": False}}}
    with Project(tmp_path / "b", schema) as again:
        import_tasks(again, exported)
        (back,) = again.records()[0]["annotations"][0]["regions"]
    assert back["attributes"] == {"occluded": False}
    for frame in range(30):
        shown = our_box(keyframes, frame)
        assert (our_box(back["value"]["keyframes"], frame) is None) == (shown is None)
        if shown is not None:
            assert attributes_in_force(back, frame) == attributes_in_force(region, frame), frame
    with Project(tmp_path / "c", schema) as third:  # and a second pass changes nothing
        import_tasks(third, orjson.loads(again_export(tmp_path, schema, exported)))
        assert third.records()[0]["annotations"][0]["regions"] == [back]


def again_export(tmp_path: Path, schema: dict[str, Any], exported: Any) -> bytes:
    with Project(tmp_path / "d", schema) as project:
        import_tasks(project, exported)
        return project.export_bytes("label_studio")


def test_keyframe_attributes_for_a_frame_without_a_keyframe_are_refused(tmp_path: Path):
    result = rectangle("v1", [key(1, 10), key(9, 20)]) | {
        "meta": {"keyframe_attributes": {"4": {"occluded": True}}}}
    with make_project(tmp_path) as project:
        with pytest.raises(InputError, match=r"result 0: meta.keyframe_attributes\['4'\]: "
                                             "expected the attributes of one of the track's"):
            import_tasks(project, [{"data": DATA, "annotations": [{"result": [result]}]}])
