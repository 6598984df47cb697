"""CER and WER: textbook examples, a plain dynamic-programming reference on generated text,
normalisation, corpus sums and pairwise agreement."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.agreement.transcripts import (
    character_error_rate,
    edit_operations,
    transcript_agreement,
    word_error_rate,
)
from accord.core.errors import InputError

EXAMPLES = settings(max_examples=50, deadline=None)


def plain_levenshtein(a, b):
    """The textbook O(n m) table, one cell at a time."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return d[len(a)][len(b)]


def test_kitten_to_sitting_is_two_substitutions_and_an_insertion():
    cer = character_error_rate("kitten", "sitting")
    assert (cer.substitutions, cer.deletions, cer.insertions, cer.hits) == (2, 0, 1, 4)
    assert cer.value == pytest.approx(3 / 6)


def test_intention_to_execution_costs_five_with_unit_substitutions():
    # Jurafsky and Martin, Speech and Language Processing, ch. 2 (Levenshtein distance 5)
    assert character_error_rate("intention", "execution").value == pytest.approx(5 / 9)


def test_word_error_rate_of_a_sentence_with_each_kind_of_error():
    wer = word_error_rate("the quick brown fox jumps", "the quack brown fox jumps high")
    assert (wer.substitutions, wer.deletions, wer.insertions) == (1, 0, 1)
    assert wer.value == pytest.approx(2 / 5)
    dropped = word_error_rate("a b c d", "a d")
    assert (dropped.deletions, dropped.value) == (2, 0.5)


text = st.text(alphabet="abc ", max_size=25)


@EXAMPLES
@given(st.lists(st.tuples(text, text), min_size=1, max_size=8))
def test_edits_equal_a_plain_dynamic_programme_and_add_up(pairs):
    refs = [np.array([ord(c) for c in a], dtype=np.int64) for a, _ in pairs]
    hyps = [np.array([ord(c) for c in b], dtype=np.int64) for _, b in pairs]
    ops = edit_operations(refs, hyps)
    for (a, b), (s, d, i) in zip(pairs, ops, strict=True):
        assert s + d + i == plain_levenshtein(a, b)
        assert len(a) - s - d == len(b) - s - i >= 0  # the hits, counted from either side


@EXAMPLES
@given(st.lists(st.tuples(text.filter(str.strip), text), min_size=1, max_size=6))
def test_a_corpus_sums_edits_and_reference_lengths(pairs):
    refs, hyps = [a for a, _ in pairs], [b for _, b in pairs]
    corpus = word_error_rate(refs, hyps)
    parts = [word_error_rate(a, b) for a, b in pairs]
    errors = sum(p.substitutions + p.deletions + p.insertions for p in parts)
    assert corpus.reference_length == sum(p.reference_length for p in parts)
    assert corpus.value == pytest.approx(errors / corpus.reference_length)


def test_normalisation_levels_add_up():
    ref, hyp = "Hello,  World!", "hello world"
    assert character_error_rate(ref, hyp, normalize="none").value == pytest.approx(5 / 14)
    assert character_error_rate(ref, hyp, normalize="whitespace").value == pytest.approx(4 / 13)
    assert character_error_rate(ref, hyp, normalize="case").value == pytest.approx(2 / 13)
    assert character_error_rate(ref, hyp, normalize="punctuation").value == 0.0


def test_an_empty_reference_leaves_the_rate_undefined():
    rate = word_error_rate("", "something here")
    assert rate.value is None and rate.insertions == 2
    assert rate.undefined_because == "the reference is empty"
    assert word_error_rate([], []).value is None


def test_bad_input_is_an_input_error():
    with pytest.raises(InputError, match="one hypothesis per reference; got 2 references"):
        word_error_rate(["a", "b"], ["a"])
    with pytest.raises(InputError, match=r"hypothesis\[1\] must be a string; got int"):
        word_error_rate(["a", "b"], ["a", 3])
    with pytest.raises(InputError, match="normalize must be 'none', 'whitespace', 'case' or "
                                         "'punctuation'; got 'lower'"):
        word_error_rate("a", "a", normalize="lower")


def test_transcript_agreement_reports_each_direction_of_each_pair():
    data = {"u1": {"ann": "the cat sat", "bob": "the cat sat down", "cy": "a cat"},
            "u2": {"ann": "hello there", "bob": "hello"}}
    result = transcript_agreement(data)
    ann_bob = result.per_pair[("ann", "bob")]
    assert (ann_bob.insertions, ann_bob.deletions, ann_bob.reference_length) == (1, 1, 5)
    assert result.rate[0][1] == pytest.approx(2 / 5) and result.rate[1][0] == pytest.approx(2 / 5)
    assert result.rate[0][2] == pytest.approx(2 / 3) and result.rate[2][0] == pytest.approx(1.0)
    assert result.rate[1][1] is None and result.n_units == 2
    assert result.overall.reference_length == 2 * 5 + 3 + 2 + 4 + 2
    chars = transcript_agreement({"u": {"a": "abc", "b": "abd"}}, unit="character")
    assert chars.per_pair[("a", "b")].value == pytest.approx(1 / 3)


def test_transcript_agreement_with_one_annotator_has_no_pairs():
    result = transcript_agreement({"u": {"ann": "hi"}})
    assert result.per_pair == {} and result.overall.value is None and result.n_units == 0
    with pytest.raises(InputError, match="unit 'u', annotator 'ann': a transcript must be"):
        transcript_agreement({"u": {"ann": None}})
