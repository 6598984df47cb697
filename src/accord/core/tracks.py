"""Where a video track's box is on each frame: the one definition the label stream, the
exports and the QA engine share.

A `video_track` holds keyframes in strictly increasing frame order (docs/regions.md). On a
frame f, take the last keyframe k at or before f:

- no such keyframe (f before the first), or k has `outside: true`: the object is not in view;
- k is on f, or k is the last keyframe: k's box (after the last visible keyframe the box stays
  where it is up to the video's last frame, `frame_count - 1`, when that is known);
- otherwise the box moves linearly from k to the next keyframe k' (even when k' is an
  `outside` one, whose box is where the object leaves): with t = (f - k.frame) /
  (k'.frame - k.frame), each of x, y, width and height is `a + (b - a) * t`.

These are CVAT's rules for interpolated tracks. `box_at` answers one frame; `boxes_at` many
frames at once and `frames_of` every frame a track is in view (`expand_tracks`: of many
tracks at once), with NumPy: no Python loop over frames (a 10-minute video at 25 fps has
15,000).

>>> from accord.core.regions import Keyframe, VideoTrackValue
>>> track = VideoTrackValue("car", 1, (Keyframe(0, 0, 0, 10, 10), Keyframe(4, 8, 0, 10, 10),
...                                    Keyframe(6, 8, 0, 10, 10, outside=True)))
>>> box_at(track, 2), box_at(track, 6)
((4.0, 0.0, 10.0, 10.0), None)
>>> frames, boxes = frames_of(track, frame_count=10)
>>> frames.tolist(), boxes[:, 0].tolist()
([0, 1, 2, 3, 4, 5], [0.0, 2.0, 4.0, 6.0, 8.0, 8.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.errors import InputError
from accord.core.regions import Keyframe, VideoTrackValue

__all__ = ["KeyframeArrays", "box_at", "boxes_at", "expand_tracks", "frames_of",
           "interpolate_box"]

Box = tuple[float, float, float, float]  # x, y, width, height


@dataclass(frozen=True, slots=True)
class KeyframeArrays:
    """A track's keyframes as arrays: `frame` (k,) int64 strictly increasing, `box` (k, 4)
    float64 of x, y, width, height, `outside` (k,) bool."""

    frame: np.ndarray
    box: np.ndarray
    outside: np.ndarray

    @classmethod
    def of(cls, track: Track) -> KeyframeArrays:
        """The arrays of a `VideoTrackValue`, a sequence of `Keyframe`s, or themselves."""
        if isinstance(track, KeyframeArrays):
            return track
        keyframes = track.keyframes if isinstance(track, VideoTrackValue) else track
        frame = np.array([k.frame for k in keyframes], dtype=np.int64)
        box = np.array([(k.x, k.y, k.width, k.height) for k in keyframes],
                       dtype=float).reshape(-1, 4)
        outside = np.array([k.outside for k in keyframes], dtype=bool)
        return cls.checked(frame, box, outside)

    @classmethod
    def checked(cls, frame: Any, box: Any, outside: Any) -> KeyframeArrays:
        frame, box = np.asarray(frame, dtype=np.int64), np.asarray(box, dtype=float)
        outside = np.asarray(outside, dtype=bool)
        if box.shape != (frame.size, 4) or outside.shape != frame.shape:
            raise InputError(f"a track needs one box (x, y, width, height) and one outside "
                             f"flag per keyframe; got {frame.size} frames, boxes of shape "
                             f"{box.shape} and {outside.size} flags")
        if frame.size and np.any(frame[1:] <= frame[:-1]):
            at = int(np.argmax(frame[1:] <= frame[:-1])) + 1
            raise InputError(f"keyframe {at} is on frame {int(frame[at])}, not after frame "
                             f"{int(frame[at - 1])}; keyframes must be in strictly increasing "
                             "frame order")
        return cls(frame, box, outside)


Track = VideoTrackValue | Sequence[Keyframe] | KeyframeArrays


def interpolate_box(a_frame: int, a_box: Sequence[float], b_frame: int,
                    b_box: Sequence[float], frame: int) -> Box:
    """The box on `frame` moving linearly from `a_box` on `a_frame` to `b_box` on `b_frame`."""
    t = (frame - a_frame) / (b_frame - a_frame)
    x0, y0, w0, h0 = a_box
    x1, y1, w1, h1 = b_box
    return (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, w0 + (w1 - w0) * t, h0 + (h1 - h0) * t)


def box_at(track: Track, frame: int) -> Box | None:
    """The track's box on `frame`, or None where the object is not in view."""
    boxes, visible = boxes_at(track, np.array([frame]))
    return tuple(float(v) for v in boxes[0]) if visible[0] else None  # type: ignore[return-value]


def boxes_at(track: Track, frames: Any) -> tuple[np.ndarray, np.ndarray]:
    """The boxes (n, 4) on `frames` (n,) and whether the object is in view on each (n,);
    rows out of view hold zeros."""
    keys = KeyframeArrays.of(track)
    frames = np.asarray(frames, dtype=np.int64).reshape(-1)
    at = np.searchsorted(keys.frame, frames, side="right") - 1
    visible = at >= 0
    visible[visible] = ~keys.outside[at[visible]]
    boxes = np.zeros((frames.size, 4))
    k = at[visible]
    following = np.minimum(k + 1, keys.frame.size - 1)
    moving = following > k  # a keyframe after: interpolate; the last one holds its box
    start, end = keys.frame[k], keys.frame[following]
    t = np.where(moving, (frames[visible] - start) / np.where(moving, end - start, 1), 0.0)
    a, b = keys.box[k], keys.box[following]
    boxes[visible] = np.where(moving[:, None], a + (b - a) * t[:, None], a)
    return boxes, visible


def frames_of(track: Track, frame_count: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every frame the object is in view, in order (k,) int64, and its box there (k, 4).

    After the last visible keyframe the box holds to `frame_count - 1`; with `frame_count`
    None the track ends at its last keyframe. Keyframes at or past `frame_count` are an
    InputError (the video has no such frame).
    """
    keys = KeyframeArrays.of(track)
    if frame_count is not None and keys.frame.size and keys.frame[-1] >= frame_count:
        raise InputError(f"a keyframe is on frame {int(keys.frame[-1])} but the video has "
                         f"{frame_count} frames (0 to {frame_count - 1})")
    end = np.array([-1 if frame_count is None else frame_count], dtype=np.int64)
    _, frames, boxes = expand_tracks(keys, np.zeros(keys.frame.size, dtype=np.int64), end)
    return frames, boxes


def expand_tracks(keys: KeyframeArrays, track: np.ndarray, end: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`frames_of` for many tracks at once: `keys` holds their keyframes one track after
    another (`track` (k,), each keyframe's track, non-decreasing; frames increasing within a
    track), `end[t]` the frame count that bounds track t (below its last keyframe + 1, e.g.
    -1: none). Returns each row's track, frame and box, by track and then frame."""
    track = np.asarray(track, dtype=np.int64)
    n = keys.frame.size
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, 4))
    last = np.append(track[1:] != track[:-1], True)  # the last keyframe of its track
    following = np.where(last, np.arange(n), np.arange(n) + 1)
    stops = np.where(last, np.maximum(end[track], keys.frame + 1), keys.frame[following])
    shown = np.flatnonzero(~keys.outside)
    lengths = stops[shown] - keys.frame[shown]
    total = int(lengths.sum())
    k = np.repeat(shown, lengths)
    frames = keys.frame[k] + (np.arange(total) - np.repeat(np.cumsum(lengths) - lengths,
                                                             lengths))
    moving = ~last[k]
    span = np.where(moving, keys.frame[following[k]] - keys.frame[k], 1)
    t = np.where(moving, (frames - keys.frame[k]) / span, 0.0)
    a, b = keys.box[k], keys.box[following[k]]
    return track[k], frames, np.where(moving[:, None], a + (b - a) * t[:, None], a)
