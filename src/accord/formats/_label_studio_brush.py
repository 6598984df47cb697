"""Label Studio's brush RLE, to and from our COCO RLE masks.

Label Studio stores a brush stroke as a bit stream over the image's RGBA bytes in row-major
order: a 32-bit value count, the word size less one (5 bits), four run-length field widths
less one (4 bits each), then records. A record is a 1-bit kind, a 2-bit index into the
widths, a run length less one in that width, then one value repeated over the run (kind 1)
or that many literal values (kind 0). A pixel belongs to the mask when its alpha byte is not
zero. We write every channel of a mask pixel as 255 (as `label_studio_converter.brush
.mask2rle` does), with widths 3, 4, 8 and 16 bits.

>>> rle = bitmap_to_brush(np.array([[0, 1, 1], [1, 0, 0]], dtype=bool))
>>> brush_to_bitmap(rle, 3, 2).astype(int).tolist()
[[0, 1, 1], [1, 0, 0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from accord.core.rle import decode_rle_counts, rle_from_bitmap

_WIDTHS = (3, 4, 8, 16)
#: the largest brush image decoded (its RGBA bytes are held while decoding)
MAX_PIXELS = 64 * 1024 * 1024


class BrushError(ValueError):
    """A brush RLE that cannot be decoded; the reader names the task and result."""


class _Bits:
    def __init__(self, data: bytes) -> None:
        self.bits = bin(int.from_bytes(data, "big") | (1 << (8 * len(data))))[3:]
        self.at = 0

    def read(self, n: int) -> int:
        end = self.at + n
        if end > len(self.bits):
            raise BrushError("the brush RLE ends in the middle of a record")
        value = int(self.bits[self.at:end], 2) if n else 0
        self.at = end
        return value


def brush_to_bitmap(rle: Sequence[Any], width: int, height: int) -> np.ndarray:
    """The (height, width) boolean mask of a Label Studio brush RLE (a list of byte values)."""
    if not all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b < 256 for b in rle):
        raise BrushError("the brush RLE must be a list of byte values (0-255)")
    if width * height > MAX_PIXELS:
        raise BrushError(f"a {width} × {height} brush image is larger than {MAX_PIXELS} pixels")
    bits = _Bits(bytes(rle))
    count = bits.read(32)
    if count != width * height * 4:
        raise BrushError(f"the brush RLE holds {count} values, but a {width} × {height} RGBA "
                         f"image has {width * height * 4}")
    word = bits.read(5) + 1
    widths = [bits.read(4) + 1 for _ in range(4)]
    values = np.zeros(count, dtype=np.uint8)
    i = 0
    while i < count:
        repeated = bits.read(1)
        end = min(i + 1 + bits.read(widths[bits.read(2)]), count)
        if repeated:
            values[i:end] = bits.read(word) & 0xFF
            i = end
        else:
            while i < end:
                values[i] = bits.read(word) & 0xFF
                i += 1
    return values.reshape(height, width, 4)[:, :, 3] > 0


def bitmap_to_brush(bitmap: np.ndarray) -> list[int]:
    """The Label Studio brush RLE of a (height, width) boolean mask."""
    values = np.repeat(np.asarray(bitmap, dtype=bool).ravel() * np.uint8(255), 4)
    parts = [f"{values.size:032b}", f"{8 - 1:05b}", *(f"{w - 1:04b}" for w in _WIDTHS)]
    if values.size:
        changes = np.flatnonzero(values[1:] != values[:-1]) + 1
        starts = np.concatenate([[0], changes])
        lengths = np.diff(np.concatenate([starts, [values.size]]))
        for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
            value = f"{int(values[start]):08b}"
            while length > 0:
                run = min(length, 1 << 16)
                index = next(k for k, w in enumerate(_WIDTHS) if run <= 1 << w)
                parts.append(f"{int(run > 1)}{index:02b}{run - 1:0{_WIDTHS[index]}b}{value}")
                length -= run
    bits = "".join(parts)
    bits += "0" * (-len(bits) % 8)
    return list(int(bits, 2).to_bytes(len(bits) // 8, "big"))


def mask_bitmap(rle: dict[str, Any]) -> np.ndarray:
    """The boolean bitmap of one of our COCO RLE masks (compressed string or run list)."""
    height, width = rle["size"]
    counts = rle["counts"]
    runs = decode_rle_counts(counts) if isinstance(counts, str) else np.asarray(counts)
    flat = np.zeros(height * width, dtype=bool)
    position = 0
    for k, run in enumerate(runs.tolist()):
        if k % 2:
            flat[position:position + run] = True
        position += run
    if position != height * width:
        raise BrushError(f"the mask's runs add up to {position}, not {height} × {width}")
    return flat.reshape((height, width), order="F")


def brush_to_mask(rle: Sequence[Any], width: int, height: int) -> dict[str, Any]:
    """Our mask `rle` value for a Label Studio brush RLE."""
    return rle_from_bitmap(brush_to_bitmap(rle, width, height))
