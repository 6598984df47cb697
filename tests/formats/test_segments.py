"""Audio segments JSONL: segments become audio_segment regions with their transcriptions
tied to them, exports read back the same, bad segments are named by line and segment."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.formats import segments_jsonl
from accord.formats.base import ReadContext
from accord.formats.binding import Binding
from accord.formats.source import open_source
from strategies import EXAMPLES
from tests.formats.support import Project

SPEAKERS = {"name": "speakers", "type": "audio_segment", "source": "audio",
            "classes": [{"name": "alice"}, {"name": "bob"}]}
SCHEMA = {"data": [{"name": "audio", "type": "audio"}],
          "labels": [SPEAKERS, {"name": "words", "type": "transcription", "source": "audio"}]}
LINES = [
    {"audio": "calls/a.wav", "segments": [
        {"start": 0, "end": 2.25, "label": "alice", "text": "hello there"},
        {"start": 2.5, "end": 4.0, "label": "bob"}], "text": "hello there. hi"},
    {"audio": "calls/b.wav", "segments": []},
    {"audio": "calls/c.wav"},
]


def lines(*items) -> bytes:
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


def test_segments_and_their_text_become_regions_tied_together(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        project.import_bytes(lines(*LINES), "segments.jsonl", "segments_jsonl",
                             {"media_prefix": "s3://bucket/"})
        first, second, third = project.records()
        exported = project.export_bytes("segments_jsonl")
    assert first["data"] == {"audio": "s3://bucket/calls/a.wav"}
    assert first["annotations"][0]["regions"] == [
        {"id": "1", "label": "speakers", "type": "audio_segment",
         "value": {"class": "alice", "start": 0.0, "end": 2.25}},
        {"id": "2", "label": "speakers", "type": "audio_segment",
         "value": {"class": "bob", "start": 2.5, "end": 4.0}},
        {"id": "t1", "label": "words", "type": "transcription",
         "value": {"text": "hello there", "region": "1"}},
        {"id": "t", "label": "words", "type": "transcription",
         "value": {"text": "hello there. hi"}}]
    assert second["annotations"][0]["regions"] == [] and "annotations" not in third
    assert exported.decode().splitlines()[0] == (
        '{"audio":"s3://bucket/calls/a.wav","segments":[{"start":0.0,"end":2.25,'
        '"label":"alice","text":"hello there"},{"start":2.5,"end":4.0,"label":"bob"}],'
        '"text":"hello there. hi"}')
    with Project(tmp_path / "again", SCHEMA) as again:
        again.import_bytes(exported, "b.jsonl", "segments_jsonl")
        # a task without regions is written with no segments, and reads back so
        assert [r["annotations"][0]["regions"] for r in again.records()] == [
            first["annotations"][0]["regions"], [], []]


def test_without_a_transcription_label_the_texts_are_not_imported(tmp_path):
    schema = {"data": SCHEMA["data"], "labels": [SPEAKERS]}
    with Project(tmp_path, schema) as project:
        project.import_bytes(lines(LINES[0]), "s.jsonl", "segments_jsonl")
        regions = project.records()[0]["annotations"][0]["regions"]
    assert [r["type"] for r in regions] == ["audio_segment", "audio_segment"]


@pytest.mark.parametrize(("line", "message"), [
    ({"audio": "a.wav", "segments": [{"start": 2, "end": 1, "label": "bob"}]},
     r"s.jsonl, line 2, segment 1: the segment 2–1 s must .* end after it starts"),
    ({"audio": "a.wav", "segments": [{"start": -1, "end": 1, "label": "bob"}]},
     r"line 2, segment 1: the segment -1–1 s must start at 0 or later"),
    ({"audio": "a.wav", "segments": [{"start": "0", "end": 1, "label": "bob"}]},
     r"line 2, segment 1: start and end must be finite numbers of seconds, got '0'"),
    ({"audio": "a.wav", "segments": [{"start": 0, "end": 1}]},
     r"line 2, segment 1: the label must be a non-empty string, got None"),
    ({"audio": "a.wav", "segments": [{"start": 0, "end": 1, "label": "bob", "text": 3}]},
     r"line 2, segment 1: text: expected a string, got 3"),
    ({"audio": "a.wav", "segments": {"start": 0}}, r"line 2: segments: expected a list"),
    ({"segments": []}, r"line 2: expected an object with an \"audio\" \(or \"video\"\) file"),
    ({"audio": "a.wav", "video": "v.mp4"}, r"line 2: a line has an \"audio\" or a \"video\""),
    ({"video": "v.mp4", "segments": [{"start": 0.5, "end": 4, "label": "day"}]},
     r"line 2, segment 1: start and end of a video segment are frame numbers .* got 0.5"),
    ({"video": "v.mp4", "segments": [{"start": 4, "end": 4, "label": "day"}]},
     r"line 2, segment 1: the segment of frames 4–4 must .* end after it starts"),
    ({"video": "v.mp4", "segments": [{"start": 0, "end": 4}]},
     r"line 2, segment 1: the label must be a non-empty string, got None"),
    ({"video": "v.mp4", "segments": [{"start": 0, "end": 4, "label": "day", "text": "x"}]},
     r"line 2, segment 1: text: video segments carry no transcription"),
    ({"video": "v.mp4", "text": "hello"}, r"line 2: text: a video line has no transcription"),
    ({"video": 7, "segments": []}, r"line 2: video: expected a file name, got 7"),
])
def test_a_bad_segment_is_named_by_line_and_segment(line, message):
    with pytest.raises(InputError, match=message):
        read_all(lines(LINES[0], line), "s.jsonl")


VIDEO_SCHEMA = {"data": [{"name": "clip", "type": "video"}], "labels": [
    {"name": "scene", "type": "video_segment", "source": "clip",
     "classes": [{"name": "day"}, {"name": "night"}]}]}


def test_video_lines_give_segments_in_frames_and_export_back_the_same(tmp_path):
    video = [{"video": "drives/a.mp4", "segments": [
        {"start": 0, "end": 40, "label": "day"}, {"start": 40, "end": 41, "label": "night"}]},
        {"video": "drives/b.mp4"}]
    with Project(tmp_path, VIDEO_SCHEMA) as project:
        project.import_bytes(lines(*video), "scenes.jsonl", "segments_jsonl")
        first, second = project.records()
        exported = project.export_bytes("segments_jsonl")
    assert first["data"] == {"clip": "drives/a.mp4"} and "annotations" not in second
    assert first["annotations"][0]["regions"] == [
        {"id": "1", "label": "scene", "type": "video_segment",
         "value": {"class": "day", "start": 0, "end": 40}},
        {"id": "2", "label": "scene", "type": "video_segment",
         "value": {"class": "night", "start": 40, "end": 41}}]
    assert [json.loads(x) for x in exported.splitlines()] == [
        video[0], {"video": "drives/b.mp4", "segments": []}]
    with Project(tmp_path / "again", VIDEO_SCHEMA) as again:
        again.import_bytes(exported, "b.jsonl", "segments_jsonl")
        back = again.records()
    assert back[0]["annotations"][0]["regions"] == first["annotations"][0]["regions"]
    assert back[1]["annotations"][0]["regions"] == []  # "segments": [], an empty answer


def test_after_a_bad_segment_nothing_is_stored(tmp_path):
    with Project(tmp_path, SCHEMA) as project:
        with pytest.raises(InputError, match=r"s.jsonl, line 2: .*no class 'carol'"):
            project.import_bytes(lines(LINES[0], {"audio": "b.wav", "segments": [
                {"start": 0, "end": 1, "label": "carol"}]}), "s.jsonl", "segments_jsonl")
        with pytest.raises(InputError, match=r"s.jsonl, line 4, column \d+: not valid JSON"):
            project.import_bytes(lines(*LINES) + b'{"audio": "d.wav", "segm', "s.jsonl",
                                 "segments_jsonl")
        assert project.task_count() == 0


def read_all(data: bytes, name: str = "fuzz.jsonl"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        with open_source(path) as source:
            return list(segments_jsonl.read(source, ReadContext(None, Binding(None))))


def json_lines():
    leaf = (st.none() | st.booleans() | st.integers(-3, 9) | st.floats(allow_nan=False)
            | st.text("ab.", max_size=4))
    value = st.recursive(leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["audio", "segments", "start", "end", "label", "text", "video"]),
        inner, max_size=5), max_leaves=14)
    return st.one_of(st.binary(max_size=80),
                     st.lists(value.map(lambda v: json.dumps(v).encode()), max_size=3)
                     .map(b"\n".join))


@EXAMPLES
@given(data=json_lines())
def test_any_input_gives_tasks_or_an_input_error(data):
    try:
        found = read_all(data)
    except InputError as exc:
        assert exc.message.startswith("fuzz.jsonl")
    else:
        for _, record in found:
            for region in record.get("annotations", [{"regions": []}])[0]["regions"]:
                if region["type"] in ("audio_segment", "video_segment"):
                    assert 0 <= region["value"]["start"] < region["value"]["end"]
