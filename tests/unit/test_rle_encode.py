"""Our RLE encoder writes exactly what pycocotools writes, so masks we export read anywhere."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from pycocotools import mask as coco_mask

from accord.core.rle import decode_rle_counts, rle_from_bitmap
from strategies import EXAMPLES


@EXAMPLES
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 2**32 - 1), st.floats(0, 1))
def test_the_encoding_equals_pycocotools_and_decodes_back(height, width, seed, density):
    bitmap = np.random.default_rng(seed).random((height, width)) < density
    ours = rle_from_bitmap(bitmap)
    theirs = coco_mask.encode(np.asfortranarray(bitmap.astype(np.uint8)))
    assert ours == {"size": [height, width], "counts": theirs["counts"].decode()}
    runs = decode_rle_counts(ours["counts"])
    assert int(runs.sum()) == height * width
