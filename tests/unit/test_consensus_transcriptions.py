"""Transcription consensus: the medoid transcript per target (the whole item, or a consensus
region reached through the links), its WER support, the quorum, ties that do not depend on
the annotators' order, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.consensus import transcription_consensus
from accord.core.errors import InputError
from accord.core.regions import RelationValue, TranscriptionValue, parse_regions

EXAMPLES = settings(max_examples=60, deadline=None)


def said(text, region=None):
    return TranscriptionValue(text, region)


def clip(*texts):
    """One whole-item transcription per annotator."""
    return [[said(t)] for t in texts]


def test_the_medoid_is_the_transcript_closest_to_the_others_in_words():
    # word edits to the others: 2 for the first (and the fourth), 4 for the second and third
    found = transcription_consensus(clip("the cat sat on the mat", "the cat sat on a mat",
                                         "a cat sat on the mat", "the cat sat on the mat"))
    [only] = found.transcriptions
    assert only.text == "the cat sat on the mat" and only.region is None
    # WER against it: 0, 1/6, 1/6, 0
    assert only.support == pytest.approx((1 + 5 / 6 + 5 / 6 + 1) / 4)
    assert (only.word_error_rate.substitutions, only.word_error_rate.reference_length) == (2, 24)
    assert only.n_transcripts == 4 and only.members == ((0, 0), (1, 0), (2, 0), (3, 0))


def test_the_consensus_keeps_the_text_as_written_and_normalises_only_to_measure():
    found = transcription_consensus(clip("Hello,  world", "Hello, world", "hello world"))
    [only] = found.transcriptions
    # the first two tie (one text once normalised); the first in code-point order wins
    assert only.text == "Hello,  world"
    assert only.support == pytest.approx((1 + 1 + 1 / 2) / 3)  # 'hello' is one word off


def test_a_segment_transcription_points_at_the_consensus_segment_it_was_linked_to():
    links = {(0, "s1"): "consensus-turns-0", (1, "x"): "consensus-turns-0",
             (2, "q"): "consensus-turns-0", (0, "s2"): "consensus-turns-1",
             (1, "y"): "consensus-turns-1"}
    annotations = [[said("good morning", "s1"), said("bye now", "s2"), said("noise")],
                   [said("good morning", "x"), said("bye", "y"), said("noise")],
                   [said("good mourning", "q"), said("elsewhere", "gone")]]
    found = transcription_consensus(annotations, links)
    assert [(t.region, t.text, t.n_transcripts) for t in found.transcriptions] == [
        (None, "noise", 2), ("consensus-turns-0", "good morning", 3),
        ("consensus-turns-1", "bye", 2)]
    assert found.unmatched == ((2, 1),)  # "gone" is in no consensus region
    assert found.transcriptions[1].value == TranscriptionValue("good morning",
                                                               "consensus-turns-0")
    # "bye now" is one insertion from "bye" (WER 1); the third annotator gave none: 0
    assert found.transcriptions[2].support == pytest.approx((0 + 1 + 0) / 3)


def test_a_target_transcribed_by_half_the_annotators_or_fewer_is_dropped():
    found = transcription_consensus([[said("one")], [said("one")], [], []])
    assert found.transcriptions == () and found.n_dropped == 1
    kept = transcription_consensus([[said("one")], [said("one")], [], []], quorum=0.4)
    assert [t.text for t in kept.transcriptions] == ["one"]


def test_two_transcriptions_of_one_target_are_read_as_one_transcript_in_order():
    found = transcription_consensus([[said("good"), said("morning")], [said("good morning")]])
    assert found.transcriptions[0].support == 1.0
    assert found.transcriptions[0].members == ((0, 0), (0, 1), (1, 0))


def test_a_tie_goes_to_fewer_character_edits_then_to_the_first_text_in_order():
    # one word apart each way; "cat" and "bat" are one character apart, "dog" three
    assert transcription_consensus(clip("a cat", "a bat", "a dog")).transcriptions[
        0].text == "a bat"
    assert transcription_consensus(clip("a dog", "a cat")).transcriptions[0].text == "a cat"
    assert transcription_consensus(clip("a cat", "a dog")).transcriptions[0].text == "a cat"


def test_an_empty_consensus_text_is_supported_by_empty_transcripts_only():
    [only] = transcription_consensus(clip("", " ", "", "uh")).transcriptions
    assert only.text == "" and only.support == pytest.approx(3 / 4)
    assert only.word_error_rate.value is None


def test_regions_of_type_transcription_are_read_too():
    regions = parse_regions([{"id": "w", "label": "words", "type": "transcription",
                              "value": {"text": "hi there"}}])
    found = transcription_consensus([regions, regions])
    assert found.transcriptions[0].text == "hi there" and found.n_annotators == 2


def test_no_annotators_is_undefined():
    found = transcription_consensus([])
    assert found.transcriptions == () and found.undefined_because == "no annotators"


def test_bad_input_is_named():
    with pytest.raises(InputError, match=r"annotations\[1\]\[0\] should be a transcription"):
        transcription_consensus([[said("a")], [RelationValue("a", "b")]])
    with pytest.raises(InputError, match="quorum must be a share"):
        transcription_consensus(clip("a"), quorum=1.0)
    with pytest.raises(InputError, match="normalize must be"):
        transcription_consensus(clip("a"), normalize="loud")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="one list of transcriptions per annotator"):
        transcription_consensus("a b")  # type: ignore[arg-type]


WORDS = st.sampled_from(["the", "a", "cat", "sat", "on", "mat", "dog", "Mat,"])
TEXTS = st.lists(WORDS, max_size=7).map(" ".join)


@EXAMPLES
@given(TEXTS, st.integers(1, 5))
def test_identical_transcripts_give_themselves_back_with_support_one(text, n):
    [only] = transcription_consensus(clip(*[text] * n)).transcriptions
    assert only.text == text and only.support == 1.0


@EXAMPLES
@given(TEXTS, st.lists(TEXTS, min_size=1, max_size=3), st.data())
def test_a_majority_of_one_text_is_not_moved_by_the_others(text, others, data):
    k = len(others) + data.draw(st.integers(1, 2))  # more than the others
    texts = [text] * k + others
    order = data.draw(st.permutations(range(len(texts))))
    [only] = transcription_consensus(clip(*[texts[i] for i in order])).transcriptions
    assert only.text == text


@EXAMPLES
@given(st.lists(TEXTS, min_size=1, max_size=5), st.data())
def test_the_order_of_the_annotators_does_not_matter(texts, data):
    order = data.draw(st.permutations(range(len(texts))))
    first = transcription_consensus(clip(*texts)).transcriptions[0]
    second = transcription_consensus(clip(*[texts[i] for i in order])).transcriptions[0]
    assert (first.text, first.n_transcripts) == (second.text, second.n_transcripts)
    assert first.support == pytest.approx(second.support)
    assert 0.0 <= first.support <= 1.0


@EXAMPLES
@given(st.lists(st.lists(TEXTS, min_size=2, max_size=3), min_size=1, max_size=4))
def test_targets_decided_together_are_decided_as_each_alone(rows):
    # rows[t][a]: annotator a's transcript of segment t (computed in one batch)
    n = max(len(row) for row in rows)
    annotations = [[said(row[a], f"s{t}") for t, row in enumerate(rows) if a < len(row)]
                   for a in range(n)]
    links = {(a, f"s{t}"): f"seg-{t}" for t in range(len(rows)) for a in range(n)}
    together = transcription_consensus(annotations, links, quorum=0.0).transcriptions
    for t, row in enumerate(rows):
        [alone] = transcription_consensus([[said(text)] for text in row] + [[]] * (
            n - len(row)), quorum=0.0).transcriptions
        mine = together[t]
        assert (mine.region, mine.text, mine.n_transcripts) == (f"seg-{t}", alone.text,
                                                                alone.n_transcripts)
        assert mine.support == pytest.approx(alone.support)
        assert mine.word_error_rate == alone.word_error_rate
