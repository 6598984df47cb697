"""Track consensus: tracks matched by their IDF1, clusters kept by a majority of annotators,
fused into the per-frame mean box (checked frame by frame against `accord.core.tracks`), in
view where a majority is, with few keyframes and per-frame attributes by majority."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.consensus import track_consensus
from accord.core.errors import InputError
from accord.core.overlap import region_similarity
from accord.core.regions import parse_regions
from accord.core.tracks import boxes_at, frames_of

EXAMPLES = settings(max_examples=40, deadline=None)


def key(frame, x, y=0.0, w=10.0, h=10.0, outside=False, **attributes):
    found = {"frame": frame, "x": x, "y": y, "width": w, "height": h}
    if outside:
        found["outside"] = True
    if attributes:
        found["attributes"] = attributes
    return found


def track(*keyframes, cls="car", rid="t", attributes=None):
    region = {"id": rid, "label": "cars", "type": "video_track",
              "value": {"class": cls, "track_id": 1, "keyframes": list(keyframes)}}
    if attributes:
        region["attributes"] = attributes
    return region


def tracks(*raw):
    return parse_regions(list(raw))


def per_frame(value, end):
    frames, boxes = frames_of(value, frame_count=end)
    return frames.tolist(), boxes


def test_three_annotators_tracks_fuse_into_their_per_frame_mean():
    a = tracks(track(key(0, 0), key(10, 100)))
    b = tracks(track(key(0, 2), key(5, 52), key(10, 102)))  # a needless middle keyframe
    c = tracks(track(key(0, 1), key(10, 98)))
    found = track_consensus([a, b, c])
    [fused] = found.tracks
    assert fused.support == 1.0 and fused.members == ((0, 0), (1, 0), (2, 0))
    assert [(k.frame, k.x) for k in fused.value.keyframes] == [(0, 1.0), (10, 100.0)]
    assert fused.value.track_id == 1 and fused.value.class_name == "car"
    assert fused.n_frames == 11 and found.frame_count == 11
    # b and c drift 4 px apart by frame 10: IoU < 0.5 on frames 8-10, IDF1 16 / 22
    assert fused.agreement == pytest.approx((1 + 1 + 16 / 22) / 3)


def test_the_fused_box_bends_where_a_member_does_and_only_there():
    a = tracks(track(key(0, 0), key(4, 40), key(8, 40)))  # stops at frame 4
    b = tracks(track(key(0, 0), key(8, 80)))
    c = tracks(track(key(0, 0), key(8, 80)))
    [fused] = track_consensus([a, b, c]).tracks
    frames = [k.frame for k in fused.value.keyframes]
    assert frames == [0, 4, 8]
    expected = [(10 * f + 2 * 10 * f) / 3 if f <= 4 else (40 + 2 * 10 * f) / 3
                for f in range(9)]
    _, boxes = per_frame(fused.value, 9)
    assert boxes[:, 0] == pytest.approx(expected)


def test_a_frame_is_in_view_only_where_a_majority_of_annotators_see_the_object():
    a = tracks(track(key(0, 0), key(9, 0)))
    b = tracks(track(key(0, 0), key(4, 0, outside=True), key(7, 0), key(9, 0)))
    c = tracks(track(key(2, 0), key(9, 0)))
    [fused] = track_consensus([a, b, c]).tracks
    frames, _ = per_frame(fused.value, 10)
    # frames 0-1: a and b (2 of 3); 2-3: all; 4-6: a and c; 7-9: all
    assert frames == list(range(10))
    lone = tracks(track(key(0, 0), key(3, 0, outside=True), key(6, 0), key(9, 0)))
    [fused] = track_consensus([lone, lone, tracks(track(key(0, 0), key(9, 0)))]).tracks
    frames, _ = per_frame(fused.value, 10)
    assert frames == [0, 1, 2, 6, 7, 8, 9]
    assert [(k.frame, k.outside) for k in fused.value.keyframes] == [
        (0, False), (2, False), (3, True), (6, False), (9, False)]


def test_a_track_holds_to_the_end_of_the_video_as_its_members_do_or_leaves_with_them():
    short = tracks(track(key(0, 0), key(3, 0)))
    longer = tracks(track(key(0, 50), key(9, 50)))
    found = track_consensus([short + longer, short, short])
    # held from frame 3 to the last keyframe any annotator marked, as the members are
    assert [(t.support, [k.frame for k in t.value.keyframes]) for t in found.tracks] == [
        (1.0, [0, 3])]
    frames, _ = per_frame(found.tracks[0].value, found.frame_count)
    assert frames == list(range(10))
    assert found.n_dropped == 1  # the longer track: one annotator of three
    found = track_consensus([short, short, short], frame_count=20)
    frames, _ = per_frame(found.tracks[0].value, 20)
    assert frames == list(range(20)) and found.frame_count == 20
    leaving = tracks(track(key(0, 0), key(3, 0), key(4, 0, outside=True)))
    [fused] = track_consensus([leaving] * 3, frame_count=20).tracks
    assert [(k.frame, k.outside) for k in fused.value.keyframes] == [
        (0, False), (3, False), (4, True)]


def test_a_track_drawn_by_one_annotator_of_three_is_dropped_and_does_not_move_the_others():
    a = tracks(track(key(0, 0), key(9, 90)))
    b = tracks(track(key(0, 2), key(9, 92)))
    outlier = tracks(track(key(0, 300), key(9, 200)))
    found = track_consensus([a, b, outlier])
    [fused] = found.tracks
    assert fused.support == pytest.approx(2 / 3) and found.n_dropped == 1
    assert [(k.frame, k.x) for k in fused.value.keyframes] == [(0, 1.0), (9, 91.0)]


def test_tracks_of_different_classes_or_apart_in_time_never_fuse():
    car = tracks(track(key(0, 0), key(9, 0)))
    bus = tracks(track(key(0, 0), key(9, 0), cls="bus"))
    assert [t.value.class_name for t in track_consensus([car, car, bus]).tracks] == ["car"]
    early = tracks(track(key(0, 0), key(3, 0), key(4, 0, outside=True)))
    late = tracks(track(key(5, 0), key(9, 0)))
    found = track_consensus([early, late])
    assert found.tracks == () and found.n_dropped == 2


def test_per_frame_attributes_follow_the_majority_of_the_members_in_view():
    a = tracks(track(key(0, 0), key(5, 50, occluded=True), key(9, 90),
                     attributes={"occluded": False, "make": "audi"}))
    b = tracks(track(key(0, 0), key(6, 60, occluded=True), key(9, 90),
                     attributes={"occluded": False, "make": "bmw"}))
    c = tracks(track(key(0, 0), key(9, 90), attributes={"occluded": False, "make": "audi"}))
    [fused] = track_consensus([a, b, c]).tracks
    assert fused.attributes == {"make": "audi", "occluded": False}
    set_on = [(k.frame, dict(k.attributes)) for k in fused.value.keyframes if k.attributes]
    assert set_on == [(6, {"occluded": True})]  # from frame 6 two of three say occluded
    assert [k.frame for k in fused.value.keyframes] == [0, 6, 9]


def test_an_attribute_tie_keeps_the_value_in_force():
    a = tracks(track(key(0, 0), key(5, 0, occluded=True), key(9, 0),
                     attributes={"occluded": False}))
    b = tracks(track(key(0, 0), key(9, 0), attributes={"occluded": False}))
    [fused] = track_consensus([a, b]).tracks
    assert fused.attributes == {"occluded": False}
    assert not any(k.attributes for k in fused.value.keyframes)


def test_no_annotators_or_no_tracks():
    assert track_consensus([]).undefined_because == "no annotators"
    found = track_consensus([[], []])
    assert found.tracks == () and found.n_annotators == 2 and found.frame_count == 0


def test_bad_input_is_named():
    box = parse_regions([{"id": "b", "label": "o", "type": "bbox",
                          "value": {"class": "car", "x": 0, "y": 0, "width": 1, "height": 1}}])
    with pytest.raises(InputError, match=r"annotations\[0\]\[0\] should be a parsed video_track"):
        track_consensus([box])
    with pytest.raises(InputError, match="threshold must be a number in"):
        track_consensus([], threshold=0)
    with pytest.raises(InputError, match="quorum must be a share"):
        track_consensus([], quorum=1)
    with pytest.raises(InputError, match="frame_count must be a whole number"):
        track_consensus([], frame_count=-1)
    broken = tracks(track(key(0, 0, w=-1)))
    with pytest.raises(InputError, match=r"annotations\[0\]\[0\] has a keyframe box"):
        track_consensus([broken])


# Properties, on tracks of 2-4 keyframes (some outside) within 30 frames

@st.composite
def a_track(draw, cls="car"):
    frames = sorted(draw(st.sets(st.integers(0, 29), min_size=2, max_size=4)))
    keyframes = [key(f, draw(st.integers(0, 40)), draw(st.integers(0, 40)),
                     draw(st.integers(10, 30)), draw(st.integers(10, 30)),
                     outside=draw(st.booleans()) and 0 < i < len(frames) - 1)
                 for i, f in enumerate(frames)]
    return track(*keyframes, cls=cls)


def jitter(raw, dx):
    moved = {**raw, "value": {**raw["value"], "keyframes": [
        {**k, "x": k["x"] + dx} for k in raw["value"]["keyframes"]]}}
    return moved


@EXAMPLES
@given(a_track(), st.integers(1, 4))
def test_identical_answers_give_their_track_back_with_support_one(raw, n):
    found = track_consensus([tracks(raw)] * n)
    [fused] = found.tracks
    assert fused.support == 1.0
    mine, theirs = per_frame(fused.value, found.frame_count), per_frame(
        tracks(raw)[0].value, found.frame_count)
    assert mine[0] == theirs[0]
    assert mine[1] == pytest.approx(theirs[1], abs=1e-6)
    assert len(fused.value.keyframes) <= 2 * len(raw["value"]["keyframes"])


@EXAMPLES
@given(st.lists(st.tuples(a_track(), st.integers(-2, 2)), min_size=2, max_size=4))
def test_the_fused_track_is_the_per_frame_mean_of_the_members_in_view(drawn):
    base = drawn[0][0]
    answers = [tracks(jitter(base, dx)) for _, dx in drawn]
    found = track_consensus(answers)
    n, end = len(answers), found.frame_count
    for fused in found.tracks:
        members = [answers[a][i].value for a, i in fused.members]
        frames = np.arange(end)
        seen = [boxes_at(m, frames) for m in members]
        count = sum(visible.astype(int) for _, visible in seen)
        in_view = count > n / 2
        total = sum(np.where(visible[:, None], boxes, 0.0) for boxes, visible in seen)
        mine, visible = boxes_at(fused.value, frames)
        assert visible.tolist() == in_view.tolist()
        expected = total[in_view] / count[in_view, None]
        assert mine[visible] == pytest.approx(expected, abs=1e-6)


@EXAMPLES
@given(st.lists(st.sampled_from(["car", "bus", "van"]).flatmap(lambda c: a_track(cls=c)),
                min_size=1, max_size=3, unique_by=lambda t: t["value"]["class"]),
       st.integers(0, 2), st.data())
def test_the_order_of_the_annotators_does_not_matter(raw_tracks, extra, data):
    # one track of a class per annotator, so no two tracks compete for one partner
    answers = [tracks(*[jitter(t, k) for t in raw_tracks]) for k in range(2 + extra)]
    order = data.draw(st.permutations(range(len(answers))))
    first = track_consensus(answers)
    second = track_consensus([answers[i] for i in order])

    def shape(found):
        return [(t.support, t.value.class_name, t.n_frames,
                 [(k.frame, k.outside) for k in t.value.keyframes]) for t in found.tracks]

    def boxes(found):
        return [[(k.x, k.y, k.width, k.height) for k in t.value.keyframes]
                for t in found.tracks]

    assert shape(first) == shape(second)
    for mine, theirs in zip(boxes(first), boxes(second), strict=True):
        assert np.asarray(mine) == pytest.approx(np.asarray(theirs), abs=1e-9)


def test_region_similarity_compares_video_tracks_by_their_idf1():
    def track(rid, x, outside_from=None):
        keyframes = [{"frame": 0, "x": x, "y": 0, "width": 10, "height": 10},
                     {"frame": 9, "x": x, "y": 0, "width": 10, "height": 10}]
        if outside_from is not None:
            keyframes[1] = {**keyframes[1], "frame": outside_from, "outside": True}
        return {"id": rid, "label": "cars", "type": "video_track", "value": {
            "class": "car", "track_id": 1, "keyframes": keyframes}}

    mine = parse_regions([track("a", 0), track("b", 100)])
    theirs = parse_regions([track("c", 1, outside_from=5), track("d", 500)])
    # a and c: in view together on frames 0-4 of a's 10 and c's 5, 2 * 5 / 15
    np.testing.assert_allclose(region_similarity(mine, theirs), [[2 / 3, 0.0], [0.0, 0.0]])
