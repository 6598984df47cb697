"""The division every IoU ends with: 0 where the union is empty, never NaN."""

from __future__ import annotations

import numpy as np


def iou_ratio(intersection: np.ndarray, union: np.ndarray) -> np.ndarray:
    """intersection / union, 0 where the union is empty, clipped to [0, 1]."""
    out = np.zeros(np.broadcast_shapes(intersection.shape, union.shape))
    np.divide(intersection, union, out=out, where=union > 0)
    return out.clip(0.0, 1.0, out=out)
