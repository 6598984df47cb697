"""Label Studio's video results ↔ our video regions: `videorectangle` tracks and
`timelinelabels` frame ranges (docs/formats/label-studio.md).

Label Studio counts video frames from 1; we count from 0 (docs/regions.md).

**Timeline ranges.** `{"ranges": [{"start": s, "end": e}], "timelinelabels": ["Class"]}`
covers frames s to e *inclusive* (a click on one frame gives `start == end`; Label Studio's
`TimelineRegion` turns a range into a lifespan from s to e, both shown): our
`video_segment` `[s - 1, e)`, `end` exclusive, so the numbers are `start + 1` and `end`.

**Track lifespans.** A keyframe with `enabled: false` is where Label Studio's object
*leaves* the view, and it is still shown on that keyframe's own frame (`isInLifespan`: "the
frame of a disabled keyframe is in the lifespan"); the frames after it are hidden until the
next keyframe. Our `outside: true` hides the object *on* its frame (CVAT's rule). So a
disabled keyframe on Label Studio's frame F is our visible keyframe on frame F - 1 and an
outside keyframe on frame F with the same box; the other way, a visible keyframe followed
on the next frame by an outside one is one disabled keyframe. Both ways give the same box
on every frame, and a track read from Label Studio writes back the same sequence.

**Per-frame attributes.** Label Studio keyframes have no attributes; ours ride in the
result's `meta.keyframe_attributes`, `{"<our frame>": {...}}`, beside `meta.track_id` and
`meta.attributes` (the track's), and are read back from there onto the keyframes of those
frames, outside ones included.

>>> box = {"y": 0, "width": 4, "height": 4}
>>> read = keyframes_from_sequence([(0, {"frame": 0, "x": 1, **box}, True),
...                                 (9, {"frame": 9, "x": 5, **box}, False)], None)
>>> [(k["frame"], k["x"], k.get("outside", False)) for k in read]
[(0, 1, False), (9, 5, False), (10, 5, True)]
>>> [(k["frame"], enabled) for k, enabled in sequence_from_keyframes(read)]
[(0, True), (9, False)]
>>> segment_from_ranges({"ranges": [{"start": 5, "end": 5}]}, "here")
(4, 5)
>>> timeline_value({"class": "run", "start": 4, "end": 9})
{'ranges': [{'start': 5, 'end': 9}], 'timelinelabels': ['run']}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from accord.core import tracks
from accord.formats.base import fail

_BOX = ("x", "y", "width", "height")


def segment_from_ranges(value: Mapping[str, Any], where: str) -> tuple[int, int]:
    """Our `[start, end)` frames for a timelinelabels value's one range."""
    ranges = value.get("ranges")
    if not isinstance(ranges, list) or len(ranges) != 1 or not isinstance(ranges[0], dict):
        count = len(ranges) if isinstance(ranges, list) else None
        raise fail(where, "value.ranges: expected one range {\"start\", \"end\"} (Label "
                          "Studio writes one per region), got "
                          f"{f'{count} ranges' if count is not None else repr(ranges)}")
    found = []
    for key in ("start", "end"):
        frame = ranges[0].get(key)
        if isinstance(frame, bool) or not isinstance(frame, int):
            raise fail(where, f"value.ranges[0].{key}: expected a frame number (a whole "
                              f"number from 1), got {frame!r}")
        if frame < 1:
            raise fail(where, f"value.ranges[0].{key}: Label Studio frames count from 1, "
                              f"got {frame}")
        found.append(frame)
    start, end = found
    if end < start:
        raise fail(where, f"value.ranges[0]: end {end} is before start {start} (both "
                          "frames are in the range)")
    return start - 1, end


def timeline_value(value: Mapping[str, Any]) -> dict[str, Any]:
    """The timelinelabels value of one of our `video_segment` values."""
    return {"ranges": [{"start": value["start"] + 1, "end": value["end"]}],
            "timelinelabels": [value["class"]]}


def keyframes_from_sequence(frames: Sequence[tuple[int, dict[str, Any], bool]],
                            frame_count: int | None) -> list[dict[str, Any]]:
    """Our keyframes for a videorectangle's sequence, given as (our frame, our keyframe
    with its box, enabled) in frame order. A disabled keyframe adds an outside keyframe on
    the next frame, unless the next keyframe is on that frame or it is past the video's
    last (`frame_count`, when the task data gives it)."""
    keyframes: list[dict[str, Any]] = []
    for i, (frame, keyframe, enabled) in enumerate(frames):
        keyframes.append(keyframe)
        after = frame + 1
        if enabled or (i + 1 < len(frames) and frames[i + 1][0] == after) or (
                frame_count is not None and after >= frame_count):
            continue
        keyframes.append({"frame": after, **{k: keyframe[k] for k in _BOX},
                          "outside": True})
    return keyframes


def sequence_from_keyframes(keyframes: Sequence[Mapping[str, Any]]
                            ) -> list[tuple[dict[str, Any], bool]]:
    """Label Studio's keyframes (ours, in our frames, with `enabled`) for our keyframes.

    An outside keyframe on frame f becomes the disabled keyframe on frame f - 1, the last
    frame in view: the visible keyframe there, or a keyframe holding the box interpolated
    there. An outside keyframe while the object is already out of view (after another, or
    first) changes no frame and has no Label Studio form.
    """
    out: list[tuple[dict[str, Any], bool]] = []
    for i, key in enumerate(keyframes):
        box = {k: key[k] for k in _BOX}
        if not key.get("outside"):
            out.append(({"frame": key["frame"], **box}, True))
            continue
        previous = keyframes[i - 1] if i else None
        if previous is None or previous.get("outside"):
            continue
        last = key["frame"] - 1
        if previous["frame"] == last:
            out[-1] = (out[-1][0], False)
            continue
        shown = tracks.interpolate_box(previous["frame"], [previous[k] for k in _BOX],
                                       key["frame"], [key[k] for k in _BOX], last)
        out.append(({"frame": last, **dict(zip(_BOX, shown, strict=True))}, False))
    return out


def keyframe_attributes(keyframes: Sequence[Mapping[str, Any]],
                        sequence: Sequence[tuple[dict[str, Any], bool]],
                        frame_count: int | None) -> dict[str, Any]:
    """`meta.keyframe_attributes` for our keyframes written as `sequence`: their
    attributes by frame. A keyframe the sequence cannot hold (an outside one while the
    object is already out of view) hands its attributes on to the next one that reads
    back, so the same attributes are in force on every frame in view."""
    kept = {k["frame"] for k in keyframes_from_sequence(
        [(key["frame"], key, enabled) for key, enabled in sequence], frame_count)}
    out: dict[str, Any] = {}
    carried: dict[str, Any] = {}
    for key in keyframes:
        attributes = {**carried, **(key.get("attributes") or {})}
        carried = {} if key["frame"] in kept else attributes
        if key["frame"] in kept and attributes:
            out[str(key["frame"])] = attributes
    return out


def with_keyframe_attributes(keyframes: list[dict[str, Any]], meta: Mapping[str, Any],
                             where: str) -> list[dict[str, Any]]:
    """`keyframes` with the attributes `meta.keyframe_attributes` gives their frames."""
    given = meta.get("keyframe_attributes")
    if given is None:
        return keyframes
    if not isinstance(given, dict):
        raise fail(where, f"meta.keyframe_attributes: expected an object of attributes by "
                          f"frame, got {given!r}")
    by_frame = {str(k["frame"]): k for k in keyframes}
    for frame, attributes in given.items():
        if frame not in by_frame or not isinstance(attributes, dict):
            raise fail(where, f"meta.keyframe_attributes[{frame!r}]: expected the attributes "
                              "of one of the track's keyframes (our frames, from 0)")
        by_frame[frame]["attributes"] = attributes
    return keyframes
