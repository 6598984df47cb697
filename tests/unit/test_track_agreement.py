"""Video track agreement: per-frame F1, CLEAR MOT (misses, false positives, identity
switches, MOTA) and IDF1 on hand-computed videos, and their symmetries and bounds on
generated ones. The counts were also compared with py-motmetrics 1.4.0 on 1,200 random
videos (one class): misses, false positives, switches, MOTA and IDF1 equal (docs/agreement.md)."""

from __future__ import annotations

import pytest
from hypothesis import given

from accord.core.agreement.tracks import track_agreement
from accord.core.errors import InputError
from accord.core.regions import parse_regions
from strategies import EXAMPLES, video_tracks


def track(cls, *keys):
    """keys: (frame, x) or (frame, x, outside); boxes 10 × 10 at y = 0."""
    return {"class": cls, "keyframes": [
        {"frame": k[0], "x": k[1], "y": 0, "width": 10, "height": 10,
         "outside": len(k) > 2 and k[2]} for k in keys]}


def test_identical_tracks_agree_fully():
    tracks = [track("car", (0, 0), (9, 90)), track("person", (3, 50))]
    result = track_agreement({"v": {"ann": tracks, "bob": tracks}}, frame_counts={"v": 10})
    overall = result.overall
    assert overall.frames.f1 == 1.0 and overall.frames.mean_iou == 1.0
    assert overall.idf1 == 1.0 and overall.mota == 1.0
    assert overall.first_reference.id_switches == 0 and overall.first_reference.matches == 17
    assert result.n_units == 1 and result.n_frames == 10


def test_swapped_identities_cost_two_switches_and_half_the_idf1():
    ann = [track("car", (0, 0)), track("car", (0, 100))]
    # bob's two tracks follow ann's, then swap at frame 5
    bob = [track("car", (0, 0), (4, 0), (5, 100)), track("car", (0, 100), (4, 100), (5, 0))]
    result = track_agreement({"v": {"ann": ann, "bob": bob}}, frame_counts={"v": 10},
                             annotators=["ann", "bob"])
    mot = result.overall.first_reference
    assert (mot.matches, mot.misses, mot.false_positives, mot.id_switches) == (20, 0, 0, 2)
    assert mot.mota == pytest.approx(1 - 2 / 20)
    assert result.overall.frames.f1 == 1.0
    assert result.overall.idf1 == pytest.approx(2 * 10 / 40)  # each pairing agrees 5 frames
    assert result.mota[0][1] == pytest.approx(0.9) and result.idf1[1][0] == pytest.approx(0.5)


def test_clear_mot_keeps_a_correspondence_while_it_holds():
    ann = [track("car", (0, 0))]
    # bob's first track drifts away (IoU 1, 8/12, 6/14); his second sits on ann's from frame 1
    bob = [track("car", (0, 0), (2, 4)), track("car", (1, 0))]
    result = track_agreement({"v": {"ann": ann, "bob": bob}}, frame_counts={"v": 3},
                             annotators=["ann", "bob"])
    forward, backward = result.overall.first_reference, result.overall.second_reference
    # ann as reference: frame 1 keeps bob's first track; frame 2 moves to his second: a switch
    assert (forward.matches, forward.misses, forward.false_positives,
            forward.id_switches) == (3, 0, 2, 1)
    assert forward.mota == pytest.approx(0.0)
    assert forward.motp == pytest.approx((1 + 8 / 12 + 1) / 3)
    # bob as reference: his second track is missed on frame 1, matched on frame 2
    assert (backward.matches, backward.misses, backward.false_positives,
            backward.id_switches) == (3, 2, 0, 0)
    assert backward.mota == pytest.approx(1 - 2 / 5)
    # per frame, the best IoU wins on frame 1: bob's second track
    assert result.overall.frames.n_matched == 3 and result.overall.frames.mean_iou == 1.0
    assert result.overall.idf1 == pytest.approx(2 * 2 / 8)
    assert result.overall.mota == pytest.approx(1 - (2 + 1 + 2) / 8)  # both ways


def test_boxes_of_different_classes_never_match():
    result = track_agreement({"v": {"ann": [track("car", (0, 0))],
                                    "bob": [track("bus", (0, 0))]}}, frame_counts={"v": 4})
    assert result.overall.frames.n_matched == 0 and result.overall.idf1 == 0.0
    assert result.per_class["car"].first_reference.misses == 4
    assert result.per_class["bus"].first_reference.false_positives == 4
    assert result.per_class["bus"].first_reference.mota is None  # ann drew no bus


def test_without_a_frame_count_tracks_end_at_the_last_keyframe_on_the_video():
    ann = [track("car", (0, 0))]
    bob = [track("car", (0, 0), (5, 0))]
    result = track_agreement({"v": {"ann": ann, "bob": bob}})
    assert result.overall.frames.n_first == 6 and result.overall.frames.f1 == 1.0


def test_parsed_regions_and_units_annotated_once():
    regions = parse_regions([{"id": "t", "label": "cars", "type": "video_track", "value": {
        "class": "car", "track_id": 3, "keyframes": [
            {"frame": 0, "x": 0, "y": 0, "width": 5, "height": 5}]}}])
    result = track_agreement({"v": {"ann": regions, "bob": regions}, "w": {"ann": regions}})
    assert result.n_units == 1 and result.overall.frames.f1 == 1.0
    alone = track_agreement({"w": {"ann": regions}})
    assert alone.n_units == 0 and alone.overall.mota is None


def test_bad_tracks_are_named():
    with pytest.raises(InputError, match="unit 'v', annotator 'bob', track 0 has no keyframes"):
        track_agreement({"v": {"ann": [], "bob": [{"class": "car", "keyframes": []}]}})
    with pytest.raises(InputError, match="track 0: keyframe 1 is on frame 2"):
        track_agreement({"v": {"ann": [track("car", (4, 0), (2, 0))]}})
    with pytest.raises(InputError, match="threshold"):
        track_agreement({}, threshold=0)


@EXAMPLES
@given(video_tracks(), video_tracks())
def test_per_frame_f1_and_idf1_are_symmetric_and_mota_swaps_its_reference(first, second):
    data = {"v": {"a": first, "b": second}}
    forward = track_agreement(data, annotators=["a", "b"], frame_counts={"v": 30})
    backward = track_agreement(data, annotators=["b", "a"], frame_counts={"v": 30})
    f, b = forward.overall, backward.overall
    assert f.frames.n_matched == b.frames.n_matched
    assert f.frames.mean_iou == pytest.approx(b.frames.mean_iou)
    assert f.idf1 == b.idf1 and f.mota == pytest.approx(b.mota)
    assert f.first_reference == b.second_reference
    for score in (f.frames.f1, f.idf1):
        assert score is None or 0.0 <= score <= 1.0
    assert f.first_reference.mota is None or f.first_reference.mota <= 1.0


@EXAMPLES
@given(video_tracks())
def test_an_annotator_agrees_with_themself(tracks):
    result = track_agreement({"v": {"a": tracks, "b": tracks}}, frame_counts={"v": 30})
    if result.overall.frames.n_first == 0:
        assert result.overall.mota is None
        return
    assert result.overall.mota == 1.0 and result.overall.idf1 == 1.0


@EXAMPLES
@given(video_tracks(), video_tracks(), video_tracks(), video_tracks())
def test_videos_computed_together_add_up_to_each_alone(a1, b1, a2, b2):
    frames = {"v1": 30, "v2": 30}
    together = track_agreement({"v1": {"a": a1, "b": b1}, "v2": {"a": a2, "b": b2}},
                               frame_counts=frames, annotators=["a", "b"]).overall
    alone = [track_agreement({v: {"a": a, "b": b}}, frame_counts=frames,
                             annotators=["a", "b"]).overall
             for v, a, b in (("v1", a1, b1), ("v2", a2, b2))]
    assert together.frames.n_matched == sum(s.frames.n_matched for s in alone)
    assert together.id_matches == sum(s.id_matches for s in alone)
    for side in ("first_reference", "second_reference"):
        assert getattr(together, side).id_switches == sum(getattr(s, side).id_switches
                                                          for s in alone)
        assert getattr(together, side).matches == sum(getattr(s, side).matches for s in alone)
