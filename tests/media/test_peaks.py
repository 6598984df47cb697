"""Waveform peaks: every block's min and max over all channels, rounded outwards, at each
level; the same from WAV and from a compressed file; cached per file version; clear errors."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from accord.core.errors import InputError
from accord.media import peaks

RATE = 8000


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    """`samples` (frames × channels, floats in ±1) as 16-bit PCM."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(frames, -1, 1) * 32767).astype("<i2").tobytes())


def expected_fine(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the fine level must hold: per LEVELS[0] block, the 16-bit values' min and max
    over every channel, as 1/127ths of full scale rounded outwards."""
    frames = samples if samples.ndim == 2 else samples[:, None]
    ints = (np.clip(frames, -1, 1) * 32767).astype(np.int16).astype(np.float64) / 32768
    low, high = ints.min(axis=1), ints.max(axis=1)
    block = peaks.LEVELS[0]
    starts = np.arange(0, len(low), block)
    return (np.floor(np.minimum.reduceat(low, starts) * 127).astype(np.int8),
            np.ceil(np.maximum.reduceat(high, starts) * 127).astype(np.int8))


def test_a_mono_wav_gives_each_block_its_lowest_and_highest_sample(tmp_path):
    rng = np.random.default_rng(8)
    # 10.3 blocks of noise at varied loudness, so the last block is partial
    samples = rng.uniform(-1, 1, int(peaks.LEVELS[0] * 10.3)) * np.repeat(
        rng.uniform(0, 1, 11), peaks.LEVELS[0])[: int(peaks.LEVELS[0] * 10.3)]
    write_wav(tmp_path / "noise.wav", samples)
    summary = peaks.compute(tmp_path / "noise.wav", "audio")
    assert (summary.channels, summary.sample_rate, summary.length) == (1, RATE, len(samples))
    low, high = expected_fine(samples)
    fine = summary.levels[0]
    assert fine.block == peaks.LEVELS[0] and len(fine.min) == 11
    assert np.array_equal(fine.min, low) and np.array_equal(fine.max, high)


def test_channels_are_summarised_together_and_coarser_levels_cover_the_finer(tmp_path):
    seconds = 3.3
    t = np.arange(int(seconds * RATE)) / RATE
    left = 0.8 * np.sin(2 * np.pi * 3 * t) * (t < 1)       # loud first second on the left
    right = 0.3 * np.sin(2 * np.pi * 440 * t) * (t >= 2)   # quiet last part on the right
    stereo = np.stack([left, right], axis=1)
    write_wav(tmp_path / "stereo.wav", stereo)
    summary = peaks.compute(tmp_path / "stereo.wav", "audio")
    assert summary.channels == 2
    low, high = expected_fine(stereo)
    assert np.array_equal(summary.levels[0].min, low)
    assert np.array_equal(summary.levels[0].max, high)
    # silence between 1 s and 2 s is 0 on both channels
    block_s = peaks.LEVELS[0] / RATE
    middle = slice(int(np.ceil(1 / block_s)) + 1, int(2 / block_s) - 1)
    assert not summary.levels[0].min[middle].any() and not summary.levels[0].max[middle].any()
    assert tuple(level.block for level in summary.levels) == peaks.LEVELS
    for fine, coarse in zip(summary.levels, summary.levels[1:], strict=False):
        ratio = coarse.block // fine.block
        assert len(coarse.min) == -(-len(fine.min) // ratio)
        for i in range(len(coarse.min)):
            assert coarse.min[i] == fine.min[i * ratio:(i + 1) * ratio].min()
            assert coarse.max[i] == fine.max[i * ratio:(i + 1) * ratio].max()


def test_a_compressed_recording_decodes_to_the_same_envelope(tmp_path):
    """FLAC is lossless, so its peaks equal the WAV's; it goes through the same decoder."""
    t = np.arange(2 * RATE) / RATE
    samples = 0.5 * np.sin(2 * np.pi * 200 * t) * (t > 0.5)
    write_wav(tmp_path / "tone.wav", samples)
    with av.open(str(tmp_path / "tone.wav")) as source, \
            av.open(str(tmp_path / "tone.flac"), "w") as target:
        out = target.add_stream("flac", rate=RATE, layout="mono")
        for frame in source.decode(audio=0):
            for packet in out.encode(frame):
                target.mux(packet)
        for packet in out.encode(None):
            target.mux(packet)
    wav, flac = (peaks.compute(tmp_path / name, "audio") for name in ("tone.wav", "tone.flac"))
    assert flac.length == wav.length and flac.sample_rate == RATE
    for a, b in zip(wav.levels, flac.levels, strict=True):
        assert np.array_equal(a.min, b.min) and np.array_equal(a.max, b.max)


def test_the_answer_reads_back_exactly_and_a_damaged_one_is_refused(tmp_path):
    write_wav(tmp_path / "a.wav", np.linspace(-1, 1, 5000))
    summary = peaks.compute(tmp_path / "a.wav", "audio")
    body = peaks.encode(summary)
    again = peaks.decode(body)
    assert (again.channels, again.sample_rate, again.length) == (1, RATE, 5000)
    assert again.duration_s == pytest.approx(5000 / RATE)
    for a, b in zip(summary.levels, again.levels, strict=True):
        assert a.block == b.block
        assert np.array_equal(a.min, b.min) and np.array_equal(a.max, b.max)
    assert again.levels[0].min[0] == -127 and again.levels[0].max[-1] == 127
    with pytest.raises(ValueError, match="length does not match"):
        peaks.decode(body[:-1])
    with pytest.raises(ValueError, match="not a version"):
        peaks.decode(b"RIFF" + body[4:])


def test_peaks_are_made_once_per_file_version(tmp_path):
    source, cache = tmp_path / "a.wav", tmp_path / "cache"
    write_wav(source, np.full(3000, 0.25))
    first = peaks.peaks_file(source, "audio/wav", cache, "audio")
    made = first.stat().st_mtime_ns
    assert peaks.peaks_file(source, "audio/wav", cache, "audio") == first
    assert first.stat().st_mtime_ns == made
    assert peaks.decode(first.read_bytes()).levels[0].max[0] == 32  # ceil(0.25 * 127)
    # the summary starts at 256 samples a block; the fine answer, made at the same time, at 16
    fine = peaks.peaks_file(source, "audio/wav", cache, "audio", fine=True)
    assert fine != first and fine.stat().st_mtime_ns <= made
    assert [lv.block for lv in peaks.decode(first.read_bytes()).levels] == [256, 4096]
    assert [lv.block for lv in peaks.decode(fine.read_bytes()).levels] == [16, 256, 4096]
    write_wav(source, np.full(3000, -0.5))
    os.utime(source, ns=(made + 10**9, made + 10**9))
    second = peaks.peaks_file(source, "audio/wav", cache, "audio")
    assert second != first
    assert peaks.decode(second.read_bytes()).levels[0].min[0] == -64  # floor(-0.5 * 127)
    assert not list(cache.rglob("*.part"))


def test_what_is_not_a_recording_is_refused_naming_the_file_and_field(tmp_path):
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    with pytest.raises(InputError, match="photo.png is image/png, not a recording") as error:
        peaks.peaks_file(image, "image/png", tmp_path / "cache", "audio")
    assert error.value.details == {"field": "audio"}
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24))
    with pytest.raises(InputError, match="broken.wav cannot be decoded|broken.wav holds no"):
        peaks.peaks_file(broken, "audio/wav", tmp_path / "cache", "audio")
    silent = tmp_path / "empty.wav"
    write_wav(silent, np.zeros(0))
    with pytest.raises(InputError, match="empty.wav holds no samples"):
        peaks.compute(silent, "audio")
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*"))


@pytest.mark.parametrize(("sample_format", "codec", "step"), [
    ("u8", "pcm_u8", 2), ("s32", "pcm_s24le", 1), ("s32", "pcm_s32le", 1),
    ("flt", "pcm_f32le", 1)])
def test_every_pcm_width_and_float_wav_give_the_16_bit_files_peaks(tmp_path, sample_format,
                                                                   codec, step):
    """8-, 24- and 32-bit WAVs are read by `wave`, float ones by FFmpeg; each agrees with
    the 16-bit file within the coarser format's own step (8 bits: 1/128 of full scale)."""
    t = np.arange(3 * RATE) / RATE
    samples = 0.7 * np.sin(2 * np.pi * 150 * t) * np.minimum(1, t)  # a fade-in
    write_wav(tmp_path / "s16.wav", samples)
    target = tmp_path / f"{codec}.wav"
    with av.open(str(tmp_path / "s16.wav")) as source, av.open(str(target), "w") as out:
        stream = out.add_stream(codec, rate=RATE, layout="mono")
        resampler = av.AudioResampler(format=sample_format, layout="mono", rate=RATE)
        for frame in source.decode(audio=0):
            for converted in resampler.resample(frame):
                for packet in stream.encode(converted):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    reference, other = peaks.compute(tmp_path / "s16.wav", "audio"), peaks.compute(target, "a")
    assert other.length == reference.length and other.sample_rate == RATE
    for a, b in zip(reference.levels, other.levels, strict=True):
        assert np.abs(a.min.astype(int) - b.min).max() <= step
        assert np.abs(a.max.astype(int) - b.max).max() <= step


@pytest.mark.parametrize("width", [3, 4])
def test_24_and_32_bit_pcm_in_a_plain_wav_is_read_by_the_standard_library(tmp_path, width):
    """FFmpeg writes these as WAVE_FORMAT_EXTENSIBLE (FFmpeg's path, above); a plain PCM
    header, as many recorders write, goes through `wave` and must agree too."""
    t = np.arange(RATE) / RATE
    samples = -0.9 * np.sin(2 * np.pi * 40 * t) * t
    write_wav(tmp_path / "s16.wav", samples)
    ints = np.round(samples * (2 ** (8 * width - 1) - 1)).astype("<i4")
    raw = ints.tobytes() if width == 4 else b"".join(
        v.to_bytes(3, "little", signed=True) for v in ints.tolist())
    with wave.open(str(tmp_path / "wide.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(RATE)
        out.writeframes(raw)
    reference, wide = (peaks.compute(tmp_path / n, "audio") for n in ("s16.wav", "wide.wav"))
    assert wide.length == RATE and wide.levels[1].min.min() < -100  # scaled to full scale
    for a, b in zip(reference.levels, wide.levels, strict=True):
        assert np.abs(a.min.astype(int) - b.min).max() <= 1
        assert np.abs(a.max.astype(int) - b.max).max() <= 1
