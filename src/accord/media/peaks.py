"""Waveform peaks of a recording, made once per file version and kept on disk.

The audio editor draws a waveform from the lowest and highest sample of each block of
samples. Computing those in the browser means downloading and decoding the whole file
first (a 10-minute 16 kHz WAV is 19 MB; seconds before anything shows), so the server
decodes it once with PyAV (FFmpeg: every format the media route serves, and the sound of a
video; a PCM WAV is read directly with the standard library's `wave`, which is ~20x
faster) and keeps two answers: the *summary*, min and max over all channels per block of
256 and 4,096 samples, as signed bytes (1/127 of full scale, rounded outwards so a peak is
never cut), about 80 KB for ten minutes at 16 kHz; and the *fine* one, which adds blocks of
16 samples (1.2 MB for the same file), fetched only when the editor zooms closer than 256
samples a pixel.

The answer's layout (little-endian), read by frontend/src/editor/audio/peaks.ts:

    offset 0   4 bytes  b"ACPK"
           4   u16      format version (FORMAT)
           6   u16      channels of the source
           8   u32      sample rate, Hz
          12   u64      samples per channel
          20   u32      number of levels L
          24   L x (u32 samples per block, u32 blocks)
               then for each level: its blocks' minima (int8), then their maxima (int8)
"""

from __future__ import annotations

import hashlib
import os
import struct
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import av
import numpy as np

from accord.core.errors import InputError

MAGIC: Final = b"ACPK"
#: Bumped when the layout or the levels change, so cached summaries are made anew.
FORMAT: Final = 1
#: Samples per block, finest first, each a multiple of the one before; the summary holds
#: those from SUMMARY_FROM up, the fine answer all of them.
LEVELS: Final = (16, 256, 4096)
SUMMARY_FROM: Final = 256
MEDIA_TYPE: Final = "application/octet-stream"
_HEADER = struct.Struct("<4sHHIQI")
_LEVEL = struct.Struct("<II")
#: Samples gathered before their blocks are reduced (bounds memory for any length).
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Level:
    block: int
    min: np.ndarray  # int8, -127..127
    max: np.ndarray


@dataclass(frozen=True, slots=True)
class Peaks:
    channels: int
    sample_rate: int
    length: int
    levels: tuple[Level, ...]

    @property
    def duration_s(self) -> float:
        return self.length / self.sample_rate


def peaks_file(source: Path, media_type: str, cache_dir: Path, field: str,
               fine: bool = False) -> Path:
    """The summary (or with `fine`, the fine answer) of the recording or video `source`
    (sniffed as `media_type`), both made on first use and cached by path, the file's
    modification time and length, FORMAT and LEVELS, so an edited file gets new peaks.
    `field` names the task's data field in errors."""
    if not media_type.startswith(("audio/", "video/")):
        raise InputError(f"{source.name} is {media_type}, not a recording; only audio and "
                         "video have waveform peaks", field=field)
    stat = source.stat()
    key = hashlib.sha256(
        f"{source}\0{stat.st_mtime_ns}\0{stat.st_size}\0{FORMAT}\0{LEVELS}".encode()
    ).hexdigest()
    summary, detailed = (cache_dir / key[:2] / f"{key}{suffix}" for suffix in (".peaks",
                                                                             ".fine.peaks"))
    if not (summary.is_file() and detailed.is_file()):
        peaks = compute(source, field)
        coarse = Peaks(peaks.channels, peaks.sample_rate, peaks.length,
                       tuple(level for level in peaks.levels if level.block >= SUMMARY_FROM))
        summary.parent.mkdir(parents=True, exist_ok=True)
        for target, body in ((detailed, encode(peaks)), (summary, encode(coarse))):
            partial = target.with_name(f".{target.name}.{os.getpid()}.part")
            partial.write_bytes(body)
            os.replace(partial, target)  # readers never see half a file
    return detailed if fine else summary


def compute(source: Path, field: str) -> Peaks:
    """Decodes the first audio stream of `source` in constant memory and reduces it."""
    try:
        reducer = _from_wav(source)
    except (wave.Error, EOFError):  # not integer PCM in a plain WAV: FFmpeg reads it
        reducer = _from_ffmpeg(source, field)
    if reducer.length == 0:
        raise InputError(f"{source.name} holds no samples to draw a waveform of", field=field)
    return reducer.finish()


#: Integer PCM sample widths (bytes) and the numbers that bring them to ±1.0.
_PCM_SCALE: Final = {1: 128.0, 2: 32768.0, 3: 8388608.0, 4: 2147483648.0}


def _from_wav(source: Path) -> _Reducer:
    reducer = _Reducer()
    with wave.open(str(source), "rb") as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        if width not in _PCM_SCALE or channels < 1 or rate < 1:
            raise wave.Error(f"{width}-byte samples")
        reducer.start(channels, rate)
        per_read = max(1, _CHUNK // channels)
        while data := w.readframes(per_read):
            reducer.add(_pcm(data, width, channels))
    return reducer


def _pcm(data: bytes, width: int, channels: int) -> np.ndarray:
    """Interleaved little-endian PCM (8-bit unsigned, 16-, 24- or 32-bit signed) as float
    planes, channels × samples."""
    usable = len(data) // (width * channels) * width * channels
    raw = np.frombuffer(data, np.uint8, usable)
    if width == 1:
        values = raw.astype(np.float32) - 128
    elif width == 3:
        triples = raw.reshape(-1, 3).astype(np.int32)
        values = (triples[:, 0] | triples[:, 1] << 8 | triples[:, 2] << 16) << 8 >> 8
    else:
        values = raw.view("<i2" if width == 2 else "<i4")
    planes = values.astype(np.float32) / _PCM_SCALE[width]
    return planes.reshape(-1, channels).T


#: FFmpeg's sample formats (planar ones end in "p") as NumPy types, and their full scale.
_FFMPEG_TYPES: Final = {"u8": ("u1", 128.0), "s16": ("<i2", 32768.0),
                        "s32": ("<i4", 2147483648.0), "s64": ("<i8", 9223372036854775808.0),
                        "flt": ("<f4", 1.0), "dbl": ("<f8", 1.0)}


def _from_ffmpeg(source: Path, field: str) -> _Reducer:
    reducer = _Reducer()
    try:
        with av.open(str(source)) as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                raise InputError(f"{source.name} holds no sound to draw a waveform of",
                                 field=field)
            for frame in container.decode(stream):
                if reducer.sample_rate == 0:
                    reducer.start(len(frame.layout.channels), frame.sample_rate)
                reducer.add(_planes(frame, source, field))
    except av.FFmpegError as exc:
        raise InputError(f"{source.name} cannot be decoded for a waveform ({exc})",
                         field=field) from exc
    return reducer


def _planes(frame: av.AudioFrame, source: Path, field: str) -> np.ndarray:
    """A decoded frame's samples as float planes, read from its buffers (a resampler or
    `to_ndarray` costs more per frame than the reduction itself)."""
    name, planar = frame.format.name.rstrip("p"), frame.format.is_planar
    if name not in _FFMPEG_TYPES:
        raise InputError(f"{source.name} decodes to {frame.format.name} samples, which "
                         "have no waveform here", field=field)
    dtype, scale = _FFMPEG_TYPES[name]
    channels, samples = len(frame.layout.channels), frame.samples
    if planar:
        planes = np.stack([np.frombuffer(p, dtype, samples) for p in frame.planes[:channels]])
    else:
        planes = np.frombuffer(frame.planes[0], dtype, samples * channels).reshape(
            samples, channels).T
    if name == "u8":
        return (planes.astype(np.float32) - 128) / scale
    return planes.astype(np.float32) / scale if scale != 1.0 else planes


class _Reducer:
    """Min and max over channels per block of LEVELS[0] samples, fed frame by frame."""

    def __init__(self) -> None:
        self.channels, self.sample_rate, self.length = 0, 0, 0
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_samples = 0
        self._mins: list[np.ndarray] = []
        self._maxs: list[np.ndarray] = []

    def start(self, channels: int, sample_rate: int) -> None:
        self.channels, self.sample_rate = channels, sample_rate

    def add(self, planes: np.ndarray) -> None:
        if planes.size == 0:
            return
        self._pending.append((planes.min(axis=0), planes.max(axis=0)))
        self._pending_samples += planes.shape[1]
        self.length += planes.shape[1]
        if self._pending_samples >= _CHUNK:
            self._reduce(final=False)

    def _reduce(self, final: bool) -> None:
        low = np.concatenate([lo for lo, _ in self._pending])
        high = np.concatenate([hi for _, hi in self._pending])
        block = LEVELS[0]
        whole = len(low) if final else len(low) // block * block
        if whole:
            starts = np.arange(0, whole, block)
            self._mins.append(_quantise(np.minimum.reduceat(low[:whole], starts), up=False))
            self._maxs.append(_quantise(np.maximum.reduceat(high[:whole], starts), up=True))
        self._pending = [(low[whole:], high[whole:])] if whole < len(low) else []
        self._pending_samples = len(low) - whole

    def finish(self) -> Peaks:
        if self._pending_samples:
            self._reduce(final=True)
        fine = Level(LEVELS[0], np.concatenate(self._mins), np.concatenate(self._maxs))
        levels = [fine]
        for size in LEVELS[1:]:
            starts = np.arange(0, len(fine.min), size // LEVELS[0])
            levels.append(Level(size, np.minimum.reduceat(fine.min, starts),
                                np.maximum.reduceat(fine.max, starts)))
        return Peaks(self.channels, self.sample_rate, self.length, tuple(levels))


def _quantise(values: np.ndarray, up: bool) -> np.ndarray:
    """Full scale (±1.0) to ±127, rounded outwards: maxima up, minima down. NaN (a float
    file's broken samples) counts as silence."""
    scaled = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0) * 127
    return np.clip(np.ceil(scaled) if up else np.floor(scaled), -127, 127).astype(np.int8)


def encode(peaks: Peaks) -> bytes:
    parts = [_HEADER.pack(MAGIC, FORMAT, peaks.channels, peaks.sample_rate, peaks.length,
                          len(peaks.levels))]
    parts += [_LEVEL.pack(level.block, len(level.min)) for level in peaks.levels]
    for level in peaks.levels:
        parts += [level.min.tobytes(), level.max.tobytes()]
    return b"".join(parts)


def decode(body: bytes) -> Peaks:
    """The inverse of `encode` (what the browser reads), checking the layout as it goes."""
    if len(body) < _HEADER.size:
        raise ValueError(f"a peaks answer is at least {_HEADER.size} bytes; got {len(body)}")
    magic, version, channels, rate, length, count = _HEADER.unpack_from(body)
    if magic != MAGIC or version != FORMAT:
        raise ValueError(f"not a version {FORMAT} peaks answer (starts {body[:6]!r})")
    sizes = [_LEVEL.unpack_from(body, _HEADER.size + i * _LEVEL.size) for i in range(count)]
    at = _HEADER.size + count * _LEVEL.size
    if len(body) != at + sum(2 * blocks for _, blocks in sizes):
        raise ValueError("a peaks answer's length does not match its levels")
    levels = []
    for block, blocks in sizes:
        low = np.frombuffer(body, np.int8, blocks, at)
        high = np.frombuffer(body, np.int8, blocks, at + blocks)
        levels.append(Level(block, low, high))
        at += 2 * blocks
    return Peaks(channels, rate, length, tuple(levels))
