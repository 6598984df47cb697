"""Sample speech: durations, word timings and silences agree with the samples written."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from accord.media import synthetic_audio
from accord.media.synthetic_audio import SAMPLE_RATE, Clip, read_wav


def samples_between(audio: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    return audio[round(start_s * SAMPLE_RATE):round(end_s * SAMPLE_RATE)]


def check_clip(folder: Path, clip: Clip) -> None:
    audio = read_wav(folder / clip.filename)
    assert clip.duration_s == pytest.approx(len(audio) / SAMPLE_RATE, abs=1e-6)
    words = [w for u in clip.utterances for w in u.words]
    assert words[0].start_s == pytest.approx(synthetic_audio.LEAD_S, abs=1 / SAMPLE_RATE)
    assert clip.duration_s - words[-1].end_s == pytest.approx(synthetic_audio.LEAD_S, abs=1e-3)
    for before, after in zip(words, words[1:], strict=False):
        assert after.start_s - before.end_s >= synthetic_audio.WORD_GAP_S - 1e-3
        assert not samples_between(audio, before.end_s + 1e-3, after.start_s - 1e-3).any()
    for word in words:
        spoken = samples_between(audio, word.start_s, word.end_s)
        assert np.abs(spoken.astype(np.int32)).max() > synthetic_audio.SILENCE_LEVEL
        # trimmed: the word's first and last 2 ms are sound, not silence
        edge = round(0.002 * SAMPLE_RATE)
        for part in (spoken[:edge], spoken[-edge:]):
            assert np.abs(part.astype(np.int32)).max() > synthetic_audio.SILENCE_LEVEL
    for utterance in clip.utterances:
        assert utterance.text in synthetic_audio.SENTENCES
        assert " ".join(w.text for w in utterance.words) == utterance.text.rstrip(".?")
        assert (utterance.start_s, utterance.end_s) == (utterance.words[0].start_s,
                                                        utterance.words[-1].end_s)


def test_espeak_speech_has_known_words_and_silences(tmp_path):
    shutil.which("espeak-ng") or pytest.fail("apt-get install espeak-ng (make system-deps)")
    clips = synthetic_audio.generate(tmp_path, 2, turns=2)
    assert [c.engine for c in clips] == ["espeak-ng", "espeak-ng"]
    for clip in clips:
        check_clip(tmp_path, clip)
        assert [u.voice for u in clip.utterances] in (["voice_a", "voice_b"],
                                                      ["voice_b", "voice_a"])
        assert "two_voices" in clip.tags


def test_tones_stand_in_for_speech_with_the_same_layout(tmp_path):
    [clip] = synthetic_audio.generate(tmp_path, 1, turns=3, engine="tones")
    assert clip.engine == "tones"
    check_clip(tmp_path, clip)
    audio = read_wav(tmp_path / clip.filename)
    for utterance in clip.utterances:  # the voice's pitch: count zero crossings
        word = utterance.words[0]
        burst = samples_between(audio, word.start_s, word.end_s).astype(np.int32)
        crossings = np.count_nonzero(np.diff(np.sign(burst)) != 0)
        pitch = crossings / 2 / (word.end_s - word.start_s)
        assert pitch == pytest.approx(synthetic_audio.VOICES[utterance.voice][1], rel=0.05)


@pytest.mark.parametrize("engine", ["espeak-ng", "tones"])
def test_the_same_seed_gives_the_same_clips(tmp_path, engine):
    first = synthetic_audio.generate(tmp_path / "a", 2, seed=9, engine=engine)
    second = synthetic_audio.generate(tmp_path / "b", 2, seed=9, engine=engine)
    assert first == second
    for clip in first:
        assert ((tmp_path / "a" / clip.filename).read_bytes()
                == (tmp_path / "b" / clip.filename).read_bytes())
    other = synthetic_audio.generate(tmp_path / "c", 2, seed=10, engine=engine)
    assert [c.utterances for c in other] != [c.utterances for c in first]


def test_tags_follow_from_the_content():
    words = (synthetic_audio.Word("Why", 0.0, 0.2),)
    question = synthetic_audio.Utterance("voice_a", "Why?", 0.0, 0.2, words)
    statement = synthetic_audio.Utterance("voice_a", "Why.", 0.5, 0.7, words)
    assert Clip("x.wav", 1.0, "tones", (question, statement)).tags == ("question",)
    other = synthetic_audio.Utterance("voice_b", "Why.", 0.5, 0.7, words)
    assert Clip("x.wav", 1.0, "tones", (statement, other)).tags == ("two_voices",)


def test_the_sample_files_are_wav_to_the_media_sniffer(tmp_path):
    from accord.media.local import sniff

    [clip] = synthetic_audio.generate(tmp_path, 1, engine="tones")
    assert sniff((tmp_path / clip.filename).read_bytes()[:64]) == "audio/wav"
