"""Video tracks between per-frame boxes (CVAT for video, MOT) and our keyframes.

Our `video_track` holds keyframes (docs/regions.md). Between a visible keyframe and the next
keyframe the box moves linearly; a keyframe with `outside: true` hides the object until the
next keyframe; after the last visible keyframe the box stays where it is to the video's end
(CVAT's rules, defined once in `accord.core.tracks`, which QA uses too). `per_frame` expands
keyframes to one box per visible frame (what exports write); `keyframes_from_frames` goes
back, keeping only the boxes the interpolation does not reproduce, so import → export →
import gives the same keyframes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from accord.core import tracks

Box = tuple[float, float, float, float]  # x, y, width, height


@dataclass(frozen=True, slots=True)
class Frame:
    frame: int
    box: Box
    outside: bool = False
    keyframe: bool = False


def box_at(keyframes: Sequence[Frame], frame: int) -> Box | None:
    """The box the keyframes give at `frame`, or None where the object is not in view."""
    return tracks.box_at(tracks.KeyframeArrays.checked(
        [k.frame for k in keyframes], [k.box for k in keyframes],
        [k.outside for k in keyframes]), frame)


def per_frame(keyframes: Sequence[Frame], frame_count: int | None) -> Iterator[Frame]:
    """Every keyframe, and the interpolated box of every visible frame between them (and
    after the last visible keyframe up to `frame_count` - 1, when the count is known)."""
    for i, key in enumerate(keyframes):
        yield Frame(key.frame, key.box, key.outside, True)
        if key.outside:
            continue
        if i + 1 < len(keyframes):
            after = keyframes[i + 1]
            for frame in range(key.frame + 1, after.frame):
                yield Frame(frame, _lerp(key, after, frame))
        elif frame_count is not None:
            for frame in range(key.frame + 1, frame_count):
                yield Frame(frame, key.box)


def _lerp(a: Frame, b: Frame, frame: int) -> Box:
    return tracks.interpolate_box(a.frame, a.box, b.frame, b.box, frame)


def _close(a: Box, b: Box, tolerance: float) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


def keyframes_from_frames(frames: Sequence[Frame], tolerance: float) -> list[Frame]:
    """The keyframes of a track given as boxes per frame (sorted by frame, no repeats).

    Boxes marked keyframe, outside boxes and the first box are kept; any other box is kept
    too when the kept ones would not give it back (within `tolerance` px, for tools that
    round interpolated coordinates): nothing is lost. Greedy, linear for boxes that move.
    """
    if not frames:
        return []
    mandatory = [i for i, f in enumerate(frames) if i == 0 or f.keyframe or f.outside]
    kept: list[int] = []
    for n, start in enumerate(mandatory):
        stop = mandatory[n + 1] if n + 1 < len(mandatory) else None
        kept += _segment(frames, start, stop, tolerance)
    return [Frame(frames[i].frame, frames[i].box, frames[i].outside, True) for i in kept]


def _segment(frames: Sequence[Frame], start: int, stop: int | None,
             tolerance: float) -> list[int]:
    """The kept indices from `start` (kept) up to, not including, `stop` (the next kept
    one, or None at the track's end, where the last box holds)."""
    kept, anchor = [start], start
    end = len(frames) if stop is None else stop
    while anchor + 1 < end:
        if frames[anchor].outside:
            anchor += 1  # a box shown where the object was hidden
            kept.append(anchor)
            continue
        if stop is None and all(_close(frames[anchor].box, f.box, tolerance)
                                for f in frames[anchor + 1:]):
            break
        target = _farthest(frames, anchor, end, stop, tolerance)
        if target is None:
            break
        kept.append(target)
        anchor = target
    return kept


def _farthest(frames: Sequence[Frame], anchor: int, end: int, stop: int | None,
              tolerance: float) -> int | None:
    """The next box to keep after `anchor`: one far along whose line from the anchor
    passes through every box between (the line to `stop` first, then galloping and
    bisecting, so long tracks cost n log n); None when the line to `stop` already does."""
    def reaches(candidate: int) -> bool:
        a, b = frames[anchor], frames[candidate]
        return all(_close(_lerp(a, b, frames[i].frame), frames[i].box, tolerance)
                   for i in range(anchor + 1, candidate))

    if stop is not None and reaches(stop):
        return None
    last = end - 1
    good, step = anchor + 1, 1
    while good + step <= last and reaches(good + step):
        good += step
        step *= 2
    bad = min(good + step, last + 1)
    while bad - good > 1:
        middle = (good + bad) // 2
        if reaches(middle):
            good = middle
        else:
            bad = middle
    return good
