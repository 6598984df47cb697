"""How alike two polylines are: the Gaussian of their distance, averaged along the lines.

Lines have no area, so IoU does not apply. As CVAT's quality control compares polylines
(`quality_reports._LineMatcher`: an OKS-like Gaussian of the distance between points at the
same relative position along each line, the better of the two directions), the similarity
of lines p and q is

    s(p, q) = max over q and reversed q of  ∫₀¹ exp(-|p(t) - q(t)|² / (2 σ²)) dt,
    σ = sigma × (length(p) + length(q)) / 2,

where p(t) is the point at fraction t of p's length. It is in [0, 1], 1 for the same line
drawn either way, symmetric, and independent of the image's scale (σ grows with the lines;
CVAT scales by the image instead, which our regions do not carry). With the default
`sigma=0.1`, two parallel lines 100 px long are matched at the usual 0.5 while they lie
within about 12 px of each other. The integral is the trapezoid rule on every vertex of
either line and 64 equal steps of t. Two lines of length 0 are 1 when they are the same
point, else 0.

>>> import numpy as np
>>> float(polyline_similarity([[(0, 0), (100, 0)]], [[(100, 0), (50, 0), (0, 0)]])[0, 0])
1.0
>>> round(float(polyline_similarity([[(0, 0), (100, 0)]], [[(0, 10), (100, 10)]])[0, 0]), 3)
0.607
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from accord.core.errors import InputError

__all__ = ["polyline_similarity"]

_STEPS: Final = np.linspace(0.0, 1.0, 65)


def polyline_similarity(a: Sequence[Any], b: Sequence[Any], *, sigma: float = 0.1
                        ) -> np.ndarray:
    """(n, m) similarity of every line `a[i]` with every `b[j]` (see the module); a line is a
    sequence of at least two (x, y) points. `sigma` > 0 is the Gaussian's width as a share
    of the two lines' mean length."""
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not sigma > 0:
        raise InputError(f"sigma must be a number above 0; got {sigma!r}")
    first = [_line(line, f"a[{i}]") for i, line in enumerate(a)]
    second = [_line(line, f"b[{j}]") for j, line in enumerate(b)]
    out = np.zeros((len(first), len(second)))
    for i, p in enumerate(first):
        for j, q in enumerate(second):
            out[i, j] = max(_along(p, q, sigma), _along(p, q[::-1], sigma))
    return out


def _line(points: Any, name: str) -> np.ndarray:
    try:
        line = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} should be a list of (x, y) points; got {points!r:.80}"
                         ) from None
    if line.ndim != 2 or line.shape[1] != 2 or len(line) < 2 or not np.isfinite(line).all():
        raise InputError(f"{name} should be at least two finite (x, y) points; got "
                         f"{points!r:.80}")
    return line


def _fractions(line: np.ndarray) -> tuple[np.ndarray, float]:
    """Each vertex's fraction of the line's length (0 to 1), and the length."""
    steps = np.hypot(*np.diff(line, axis=0).T)
    total = float(steps.sum())
    along = np.concatenate([[0.0], np.cumsum(steps)])
    return (along / total if total > 0 else np.linspace(0.0, 1.0, len(line))), total


def _at(line: np.ndarray, fractions: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.stack([np.interp(t, fractions, line[:, 0]), np.interp(t, fractions, line[:, 1])],
                    axis=1)


def _along(p: np.ndarray, q: np.ndarray, sigma: float) -> float:
    """The mean over t of the Gaussian of |p(t) - q(t)|."""
    fp, length_p = _fractions(p)
    fq, length_q = _fractions(q)
    scale = sigma * (length_p + length_q) / 2
    if scale == 0:  # two points
        return 1.0 if np.array_equal(p[0], q[0]) else 0.0
    t = np.unique(np.concatenate([fp, fq, _STEPS]))
    distance = np.hypot(*(_at(p, fp, t) - _at(q, fq, t)).T)
    gauss = np.exp(-(distance ** 2) / (2 * scale ** 2))
    return float(np.sum((gauss[1:] + gauss[:-1]) / 2 * np.diff(t)))
