"""Video track interpolation (core/tracks.py): the rules of docs/regions.md by hand, many
tracks at once equal to one at a time, and the exports' per-frame boxes equal to it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from accord.core.errors import InputError
from accord.core.regions import Keyframe, VideoTrackValue
from accord.core.tracks import KeyframeArrays, box_at, boxes_at, expand_tracks, frames_of
from accord.formats._cvat_tracks import Frame, per_frame
from strategies import EXAMPLES, video_tracks

TRACK = VideoTrackValue("car", 1, (
    Keyframe(2, 0, 0, 10, 10), Keyframe(6, 40, 20, 14, 10),
    Keyframe(8, 40, 20, 14, 10, outside=True), Keyframe(10, 0, 0, 4, 4)))


def test_boxes_move_linearly_between_keyframes_and_hide_after_an_outside_one():
    assert box_at(TRACK, 1) is None  # before the first keyframe
    assert box_at(TRACK, 2) == (0.0, 0.0, 10.0, 10.0)
    assert box_at(TRACK, 4) == (20.0, 10.0, 12.0, 10.0)  # halfway: t = 2 / 4
    assert box_at(TRACK, 7) == (40.0, 20.0, 14.0, 10.0)
    assert box_at(TRACK, 8) is None and box_at(TRACK, 9) is None
    assert box_at(TRACK, 10) == box_at(TRACK, 500) == (0.0, 0.0, 4.0, 4.0)  # held after


def test_frames_of_lists_the_frames_in_view_up_to_the_frame_count():
    frames, boxes = frames_of(TRACK, frame_count=13)
    assert frames.tolist() == [2, 3, 4, 5, 6, 7, 10, 11, 12]
    assert boxes[2].tolist() == [20.0, 10.0, 12.0, 10.0]
    assert frames_of(TRACK)[0].tolist() == [2, 3, 4, 5, 6, 7, 10]  # ends at the last keyframe
    with pytest.raises(InputError, match="keyframe is on frame 10 but the video has 10"):
        frames_of(TRACK, frame_count=10)


def test_keyframes_out_of_order_are_refused_by_position():
    with pytest.raises(InputError, match="keyframe 1 is on frame 3, not after frame 5"):
        KeyframeArrays.of([Keyframe(5, 0, 0, 1, 1), Keyframe(3, 0, 0, 1, 1)])


def _arrays(track: dict) -> KeyframeArrays:
    keys = track["keyframes"]
    return KeyframeArrays.checked([k["frame"] for k in keys],
                                  [[k["x"], k["y"], k["width"], k["height"]] for k in keys],
                                  [k["outside"] for k in keys])


@EXAMPLES
@given(video_tracks(max_tracks=4))
def test_many_tracks_at_once_give_each_tracks_frames(tracks):
    arrays = [_arrays(t) for t in tracks]
    if not arrays:
        return
    keys = KeyframeArrays(np.concatenate([a.frame for a in arrays]),
                          np.concatenate([a.box for a in arrays]),
                          np.concatenate([a.outside for a in arrays]))
    owner = np.repeat(np.arange(len(arrays)), [a.frame.size for a in arrays])
    track, frames, boxes = expand_tracks(keys, owner, np.full(len(arrays), 30))
    for k, a in enumerate(arrays):
        alone_frames, alone_boxes = frames_of(a, 30)
        assert frames[track == k].tolist() == alone_frames.tolist()
        assert boxes[track == k].tolist() == alone_boxes.tolist()
        visible_boxes, visible = boxes_at(a, alone_frames)
        assert visible.all() and visible_boxes.tolist() == alone_boxes.tolist()


@EXAMPLES
@given(video_tracks(max_tracks=1))
def test_the_exports_per_frame_boxes_are_these(tracks):
    for track in tracks:
        keys = [Frame(k["frame"], (k["x"], k["y"], k["width"], k["height"]), k["outside"], True)
                for k in track["keyframes"]]
        exported = [(f.frame, f.box) for f in per_frame(keys, 30) if not f.outside]
        frames, boxes = frames_of(_arrays(track), 30)
        assert exported == [(int(f), tuple(b)) for f, b in zip(frames, boxes, strict=True)]
