"""JSON Lines of audio or video files with their segments (diarization, sound events, ASR;
scenes, actions):

    {"audio": "a.wav", "segments": [{"start": 0.5, "end": 2.25, "label": "alice",
                                     "text": "hello there"}]}
    {"video": "v.mp4", "segments": [{"start": 40, "end": 75, "label": "night"}]}

Each line is one task. An audio segment becomes an `audio_segment` region (seconds), and its
`text` a `transcription` region tied to it when the schema has a transcription label; a
line's own `text` is the whole file's transcription. A video segment becomes a
`video_segment` region: frames from 0, `end` exclusive, as our regions hold them
(docs/formats/segments.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import orjson

from accord.formats.base import Export, Format, ReadContext, fail
from accord.formats.binding import Binding
from accord.formats.jsonl import read_records
from accord.formats.source import Source


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `.jsonl` file of the source (the file itself when it is one), in path order."""
    schema = context.schema
    transcribed = schema is None or any(
        label.type.value == "transcription" for label in schema.labels)
    paths = source.paths()
    for path in paths if len(paths) == 1 else source.only(".jsonl", ".ndjson"):
        with source.open(path) as stream:
            for where, line in read_records(stream, source.where(path)):
                yield where, _record(line, where, context, transcribed)


def _record(line: Any, where: str, context: ReadContext, transcribed: bool
            ) -> dict[str, Any]:
    if isinstance(line, dict) and "video" in line and "audio" not in line:
        return _video_record(line, where, context)
    if not isinstance(line, dict) or not isinstance(line.get("audio"), str) or not line["audio"]:
        raise fail(where, 'expected an object with an "audio" (or "video") file name and '
                          '"segments", e.g. {"audio": "a.wav", "segments": [{"start": 0, '
                          '"end": 1.5, "label": "speech"}]}')
    if "video" in line:
        raise fail(where, 'a line has an "audio" or a "video" file name, not both')
    record: dict[str, Any] = {"data": {context.binding.data_key("audio"): context.media(
        line["audio"])}}
    segments = line.get("segments")
    whole = line.get("text")
    if segments is None and whole is None:
        return record
    if not isinstance(segments, list | None):
        raise fail(where, f"segments: expected a list, got {_short(segments)}")
    regions: list[dict[str, Any]] = []
    texts: list[dict[str, Any]] = []
    for i, segment in enumerate(segments or [], start=1):
        at = f"{where}, segment {i}"
        start, end, cls, text = _segment(segment, at)
        regions.append({"id": str(i), "label": context.binding.label("audio_segment", cls, at),
                        "type": "audio_segment",
                        "value": {"class": cls, "start": start, "end": end}})
        if text is not None and transcribed:
            texts.append(_transcription(context, f"t{i}", text, at, region=str(i)))
    if whole is not None:
        if not isinstance(whole, str):
            raise fail(where, f"text: expected a string, got {_short(whole)}")
        if transcribed:
            texts.append(_transcription(context, "t", whole, where))
    record["annotations"] = [{"regions": regions + texts}]
    return record


def _video_record(line: dict[str, Any], where: str, context: ReadContext) -> dict[str, Any]:
    """A video line: its segments in frames (whole numbers from 0, `end` exclusive)."""
    video = line["video"]
    if not isinstance(video, str) or not video:
        raise fail(where, f"video: expected a file name, got {_short(video)}")
    record: dict[str, Any] = {"data": {context.binding.data_key("video"): context.media(video)}}
    segments = line.get("segments")
    if "text" in line:
        raise fail(where, "text: a video line has no transcription (segments only)")
    if segments is None:
        return record
    if not isinstance(segments, list):
        raise fail(where, f"segments: expected a list, got {_short(segments)}")
    regions = []
    for i, segment in enumerate(segments, start=1):
        at = f"{where}, segment {i}"
        if not isinstance(segment, dict):
            raise fail(at, f'expected {{"start", "end", "label"}}, got {_short(segment)}')
        start, end, cls = segment.get("start"), segment.get("end"), segment.get("label")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise fail(at, "start and end of a video segment are frame numbers (whole "
                           f"numbers from 0, end exclusive), got {_short(start)} and "
                           f"{_short(end)}")
        if not 0 <= start < end:
            raise fail(at, f"the segment of frames {start}–{end} must start at 0 or later "
                           "and end after it starts (end is the first frame after it)")
        if not isinstance(cls, str) or not cls:
            raise fail(at, f"the label must be a non-empty string, got {_short(cls)}")
        if "text" in segment:
            raise fail(at, "text: video segments carry no transcription")
        regions.append({"id": str(i), "label": context.binding.label("video_segment", cls, at),
                        "type": "video_segment",
                        "value": {"class": cls, "start": start, "end": end}})
    record["annotations"] = [{"regions": regions}]
    return record


def _segment(segment: Any, where: str) -> tuple[float, float, str, str | None]:
    if not isinstance(segment, dict):
        raise fail(where, f'expected {{"start", "end", "label", "text"?}}, got '
                          f"{_short(segment)}")
    start, end = segment.get("start"), segment.get("end")
    if not _is_seconds(start) or not _is_seconds(end):
        raise fail(where, f"start and end must be finite numbers of seconds, got "
                          f"{_short(start)} and {_short(end)}")
    if not 0 <= start < end:
        raise fail(where, f"the segment {start}–{end} s must start at 0 or later and end "
                          "after it starts")
    cls, text = segment.get("label"), segment.get("text")
    if not isinstance(cls, str) or not cls:
        raise fail(where, f"the label must be a non-empty string, got {_short(cls)}")
    if text is not None and not isinstance(text, str):
        raise fail(where, f"text: expected a string, got {_short(text)}")
    return float(start), float(end), cls, text


def _transcription(context: ReadContext, region_id: str, text: str, where: str,
                   region: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"text": text}
    if region is not None:
        value["region"] = region
    return {"id": region_id, "label": context.binding.label("transcription", None, where),
            "type": "transcription", "value": value}


def _is_seconds(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}…"


def write(export: Export) -> Iterator[bytes]:
    """One line per task: its segments in region order, each with its transcription (an
    audio task), or its video segments (a video task)."""
    binding = Binding(export.schema)
    key, video_key = binding.data_key("audio"), binding.data_key("video")
    for item in export.items():
        audio = item.data.get(key)
        if not isinstance(audio, str) and isinstance(item.data.get(video_key), str):
            yield orjson.dumps({"video": item.data[video_key], "segments": [
                {"start": r["value"]["start"], "end": r["value"]["end"],
                 "label": r["value"]["class"]}
                for r in item.regions if r.get("type") == "video_segment"]}) + b"\n"
            continue
        if not isinstance(audio, str):
            raise fail(f"task {item.task_id}", f"data[{key!r}] is not an audio file name, nor "
                                               f"data[{video_key!r}] a video file name")
        texts = {r["value"].get("region"): r["value"]["text"] for r in item.regions
                 if r.get("type") == "transcription"}
        segments = []
        for region in item.regions:
            if region.get("type") != "audio_segment":
                continue
            value = region["value"]
            segment = {"start": value["start"], "end": value["end"], "label": value["class"]}
            if region.get("id") in texts:
                segment["text"] = texts[region["id"]]
            segments.append(segment)
        line: dict[str, Any] = {"audio": audio, "segments": segments}
        if None in texts:
            line["text"] = texts[None]
        yield orjson.dumps(line) + b"\n"


FORMAT = Format(
    name="segments_jsonl", title="Audio and video segments JSONL",
    description='{"audio", "segments": [{"start", "end", "label", "text"?}]} per line: '
                "time segments in seconds, optionally transcribed; or {\"video\", "
                "\"segments\"} in frames; one task per line.",
    extension=".jsonl", media_type="application/x-ndjson", read=read, write=write,
    modality="any")
