"""JSON Lines of audio files with their time segments (diarization, sound events, ASR):

    {"audio": "a.wav", "segments": [{"start": 0.5, "end": 2.25, "label": "alice",
                                     "text": "hello there"}]}

Each line is one audio task; a segment becomes an `audio_segment` region (seconds), and its
`text` a `transcription` region tied to it when the schema has a transcription label. A
line's own `text` is the whole file's transcription. Video has no segment region, so
`"video"` lines are refused (docs/formats/segments.md).
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
    if isinstance(line, dict) and "video" in line:
        raise fail(where, "video segments are not supported (regions have no video segment "
                          "type; video_track holds boxes); expected an \"audio\" line")
    if not isinstance(line, dict) or not isinstance(line.get("audio"), str) or not line["audio"]:
        raise fail(where, 'expected an object with an "audio" file name and "segments", e.g. '
                          '{"audio": "a.wav", "segments": [{"start": 0, "end": 1.5, '
                          '"label": "speech"}]}')
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
    """One line per task: its segments in region order, each with its transcription."""
    key = Binding(export.schema).data_key("audio")
    for item in export.items():
        audio = item.data.get(key)
        if not isinstance(audio, str):
            raise fail(f"task {item.task_id}", f"data[{key!r}] is not an audio file name")
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
    name="segments_jsonl", title="Audio segments JSONL",
    description='{"audio", "segments": [{"start", "end", "label", "text"?}]} per line: '
                "time segments in seconds, optionally transcribed; one audio task per line.",
    extension=".jsonl", media_type="application/x-ndjson", read=read, write=write,
    modality="audio")
