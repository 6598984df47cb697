"""Speech clips with known transcripts, speakers and word timings, made locally.

With Debian's `espeak-ng` installed each word is spoken on its own and the words are joined
with fixed pauses, so every word's start and end is known to the sample (espeak-ng's command
line reports no timings of its own). Without it, each word becomes a tone burst whose pitch
stands for the voice: the same layout of segments and silences, with nothing to transcribe.
Either way nothing is downloaded, and the same seed gives the same clips.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np

SAMPLE_RATE: Final = 22050  # espeak-ng's own rate
Engine = Literal["espeak-ng", "tones"]
#: Per voice: the espeak-ng voice and, for tones, the pitch in Hz that stands for it.
VOICES: Final = {"voice_a": ("en-us", 220.0), "voice_b": ("en-gb+f3", 440.0)}
SPEED_WPM: Final = 165
LEAD_S, WORD_GAP_S, TURN_GAP_S = 0.25, 0.09, 0.55
#: Samples quieter than this (of 32767) at either end of a spoken word are trimmed away.
SILENCE_LEVEL: Final = 200
SENTENCES: Final = (
    "The parcel left the depot at nine.",
    "Can you read the meter on the left?",
    "Our train was delayed by twelve minutes.",
    "Please close the window before you leave.",
    "Where did you put the blue folder?",
    "The invoice lists four items and a refund.",
    "Turn right after the second bridge.",
    "Is the meeting still planned for Friday?",
    "Three boxes arrived with a broken seal.",
    "The new printer works on the second floor.",
    "Who signed for the delivery this morning?",
    "Store the samples at seven degrees.",
)


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Utterance:
    """One turn: a sentence in one voice, from its first word's start to its last's end."""

    voice: str
    text: str
    start_s: float
    end_s: float
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class Clip:
    filename: str
    duration_s: float
    engine: Engine
    utterances: tuple[Utterance, ...]

    @property
    def tags(self) -> tuple[str, ...]:
        """Audio-level tags that follow from the content: `question`, `two_voices`."""
        tags = []
        if any(u.text.endswith("?") for u in self.utterances):
            tags.append("question")
        if len({u.voice for u in self.utterances}) > 1:
            tags.append("two_voices")
        return tuple(tags)


def available_engine() -> Engine:
    return "espeak-ng" if shutil.which("espeak-ng") else "tones"


def generate(folder: Path, count: int, seed: int = 5, turns: int = 3,
             engine: Engine | None = None) -> list[Clip]:
    """`count` WAV clips of `turns` sentences each in `folder`, voices alternating from a
    random first one; `engine` defaults to espeak-ng when it is installed."""
    engine = engine or available_engine()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    clips = []
    with tempfile.TemporaryDirectory(prefix="accord-speech-") as scratch:
        voice = Voice(engine, Path(scratch))
        for i in range(1, count + 1):
            first = rng.randrange(2)
            script = [(("voice_a", "voice_b")[(first + t) % 2], sentence)
                      for t, sentence in enumerate(rng.sample(SENTENCES, turns))]
            filename = f"speech-{i:03d}.wav"
            clips.append(render(voice, script, folder / filename, filename))
    return clips


class Voice:
    """Turns one word into samples, by espeak-ng or as a tone; trimmed of silence."""

    def __init__(self, engine: Engine, scratch: Path) -> None:
        self.engine, self.scratch = engine, scratch
        self.spoken: dict[tuple[str, str], np.ndarray] = {}  # each word is spoken once
        self.executable = shutil.which("espeak-ng") if engine == "espeak-ng" else None
        if engine == "espeak-ng" and self.executable is None:
            raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng); "
                               "use engine='tones'")

    def word(self, voice: str, word: str) -> np.ndarray:
        if (voice, word) not in self.spoken:
            self.spoken[voice, word] = self._say(voice, word)
        return self.spoken[voice, word]

    def _say(self, voice: str, word: str) -> np.ndarray:
        espeak_voice, pitch_hz = VOICES[voice]
        if self.executable is None:
            return tone(pitch_hz, 0.12 + 0.045 * len(word))
        out = self.scratch / "word.wav"
        # "--" ends the options: a word can never be read as one
        subprocess.run([self.executable, "-v", espeak_voice, "-s", str(SPEED_WPM),
                        "-w", str(out), "--", word], check=True, capture_output=True,
                       timeout=30)
        return _trim(read_wav(out))


def render(voice: Voice, script: list[tuple[str, str]], path: Path, filename: str) -> Clip:
    """Speak `script` ((voice, sentence) turns) into the WAV at `path`."""
    parts: list[np.ndarray] = [silence(LEAD_S)]
    at = len(parts[0])
    utterances = []
    for turn, (name, sentence) in enumerate(script):
        if turn:
            parts.append(silence(TURN_GAP_S))
            at += len(parts[-1])
        words = []
        for n, token in enumerate(sentence.split()):
            if n:
                parts.append(silence(WORD_GAP_S))
                at += len(parts[-1])
            text = token.strip(".,?!;:")
            samples = voice.word(name, text)
            parts.append(samples)
            words.append(Word(text, _seconds(at), _seconds(at + len(samples))))
            at += len(samples)
        utterances.append(Utterance(name, sentence, words[0].start_s, words[-1].end_s,
                                    tuple(words)))
    parts.append(silence(LEAD_S))
    audio = np.concatenate(parts)
    write_wav(path, audio)
    return Clip(filename, _seconds(len(audio)), voice.engine, tuple(utterances))


def _seconds(samples: int) -> float:
    return round(samples / SAMPLE_RATE, 6)  # finer than a sample: timings name samples


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.int16)


def tone(pitch_hz: float, seconds: float) -> np.ndarray:
    """A sine burst with 10 ms fades, so that it starts and ends without a click."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    envelope = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.01)
    return (np.sin(2 * np.pi * pitch_hz * t) * envelope * 9000).astype(np.int16)


def _trim(samples: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_LEVEL)
    if loud.size == 0:
        raise RuntimeError("espeak-ng produced silence for a word")
    return samples[loud[0]:loud[-1] + 1]


def read_wav(path: Path) -> np.ndarray:
    """The samples of a mono 16-bit WAV at SAMPLE_RATE (what espeak-ng and `write_wav` make)."""
    with wave.open(str(path), "rb") as reader:
        if (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) != (
                1, 2, SAMPLE_RATE):
            raise ValueError(f"{path}: expected mono 16-bit audio at {SAMPLE_RATE} Hz, got "
                             f"{reader.getnchannels()} channels of {8 * reader.getsampwidth()} "
                             f"bits at {reader.getframerate()} Hz")
        return np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").copy()


def write_wav(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(samples.astype("<i2").tobytes())
