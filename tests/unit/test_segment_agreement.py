"""Audio segments: temporal IoU matching (F1, mean IoU, per class and pair) and the word
error rate between the transcripts of matched segments, by hand and on generated segments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.agreement.segments import segment_agreement, segment_transcript_agreement
from accord.core.agreement.transcripts import word_error_rate
from accord.core.errors import InputError
from strategies import EXAMPLES


def seg(cls, start, end):
    return {"class": cls, "start": start, "end": end}


def test_segments_match_one_to_one_by_temporal_iou_and_class():
    ann = [seg("speech", 0.0, 2.0), seg("music", 3.0, 5.0), seg("speech", 6.0, 7.0)]
    bob = [seg("speech", 0.5, 2.0), seg("speech", 3.0, 5.0), seg("speech", 6.5, 9.0)]
    result = segment_agreement({"clip": {"ann": ann, "bob": bob}})
    # speech 0-2 / 0.5-2: IoU 0.75, matched; music vs speech: never; 6-7 / 6.5-9: IoU 1/6
    assert result.overall.n_matched == 1 and result.overall.f1 == pytest.approx(2 / 6)
    assert result.overall.mean_iou == pytest.approx(0.75)
    assert result.per_class["music"].f1 == 0.0
    assert result.per_class["speech"].f1 == pytest.approx(2 / 5)
    assert result.pair_f1[0][1] == pytest.approx(1 / 3)


def test_the_threshold_is_inclusive():
    data = {"c": {"a": [seg("s", 0, 2)], "b": [seg("s", 1, 3)]}}  # IoU 1/3
    assert segment_agreement(data, threshold=1 / 3).overall.n_matched == 1
    assert segment_agreement(data, threshold=0.34).overall.n_matched == 0


def test_transcripts_of_matched_segments_give_the_word_error_rate():
    ann = [(seg("speech", 0, 2), "turn left at the lights"), (seg("speech", 4, 6), "stop"),
           (seg("speech", 8, 9), None)]
    bob = [(seg("speech", 0.1, 2), "turn left at lights"), (seg("speech", 4, 6.2), "stop here"),
           (seg("speech", 8, 9), "yes"), (seg("speech", 20, 21), "unmatched")]
    result = segment_transcript_agreement({"clip": {"ann": ann, "bob": bob}})
    assert result.n_matched == 3 and result.n_transcribed == 2
    expected = word_error_rate(["turn left at the lights", "stop"],
                               ["turn left at lights", "stop here"])
    assert result.errors.per_pair[("ann", "bob")] == expected  # 1 deletion, 1 insertion / 6
    assert result.errors.rate[0][1] == pytest.approx(2 / 6)
    assert result.errors.rate[1][0] == pytest.approx(2 / 6)  # against bob's 6 words
    character = segment_transcript_agreement({"clip": {"ann": ann, "bob": bob}},
                                             unit="character")
    assert character.errors.unit == "character"


def test_bad_segments_are_named():
    with pytest.raises(InputError, match="unit 'c', annotator 'a', segment 0 must have"):
        segment_agreement({"c": {"a": [seg("s", 2, 1)]}})
    with pytest.raises(InputError, match="segment 0 must be a \\(segment, transcript"):
        segment_transcript_agreement({"c": {"a": [seg("s", 0, 1)]}})


segments = st.lists(st.builds(lambda c, s, n: seg(c, s / 4, s / 4 + n / 4),
                              st.sampled_from(["a", "b"]), st.integers(0, 40),
                              st.integers(1, 12)), max_size=6)


@EXAMPLES
@given(segments, segments)
def test_f1_and_mean_iou_are_symmetric_and_bounded(first, second):
    forward = segment_agreement({"c": {"x": first, "y": second}}, annotators=["x", "y"])
    backward = segment_agreement({"c": {"x": first, "y": second}}, annotators=["y", "x"])
    assert forward.overall.f1 == backward.overall.f1
    assert forward.overall.mean_iou == pytest.approx(backward.overall.mean_iou)
    assert forward.overall.f1 is None or 0.0 <= forward.overall.f1 <= 1.0
    same = segment_agreement({"c": {"x": first, "y": first}})
    assert same.overall.f1 in (None, 1.0)
