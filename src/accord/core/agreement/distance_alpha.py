"""Krippendorff's alpha with any difference function: agreement on values that are not
categories, such as the set of boxes an annotator drew on an image, or a transcript.

In the general form (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability",
section C; Krippendorff 2004, Content Analysis, ch. 11), with one value per annotator per
unit, the units with two or more values ("pairable"), n the number of their values and m_u
the number in unit u:

    Do = (1 / n) Σ_u 1 / (m_u - 1) Σ_{i ≠ j in u} δ(v_i, v_j)
    De = 1 / (n (n - 1)) Σ_{i ≠ j, any units} δ(v_i, v_j)
    alpha = 1 - Do / De

where δ is the difference function (Krippendorff's δ², e.g. (a - b)² for interval data),
so this equals the categorical alpha when δ is a level's difference. Where the theory allows
it: δ must be a difference, δ(v, v) = 0, δ(a, b) = δ(b, a) >= 0; it need not be a metric
(the interval level's squared difference is not). Distances in [0, 1] such as 1 − F1 of two
region sets or a normalised edit distance qualify; an asymmetric one such as WER against one
side's length does not, so `transcript_distance` divides by the longer text. Units with a
single value are not pairable and drop out. Unitizing alpha (Krippendorff 1995, 2004: for
annotators who segment a continuum, e.g. audio or text, into their own units) is a different
coefficient and is not computed here; on fixed units (an image, a recording) this alpha
applies to whatever value each annotator gives the unit.

De needs every pair of pairable values: n (n - 1) / 2 distances. With a scalar `distance`
they are computed one by one (moderate n, say up to a few thousand values); a vectorised
`distance_matrix` is called on blocks of rows against all values, exact, memory bounded by
the block, time still quadratic in n.

>>> score = distance_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], lambda a, b: (a - b) ** 2)
>>> round(score.value, 3)  # the interval alpha of the same data
0.889
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Final, Literal

import numpy as np

from accord.core.agreement.categorical import AgreementScore
from accord.core.agreement.transcripts import (
    Normalization,
    TokenUnit,
    edit_operations,
    normalize_text,
    token_codes,
)
from accord.core.errors import InputError
from accord.core.matching import match_regions
from accord.core.regions import Region

__all__ = ["distance_alpha", "region_set_distance", "transcript_distance"]

Distance = Callable[[Any, Any], float]
DistanceMatrix = Callable[[Sequence[Any], Sequence[Any]], Any]
# Distances computed per call of a `distance_matrix` (block rows × all values).
_PAIRS_PER_BLOCK: Final = 1 << 16


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _pairable(data: Any) -> tuple[list[Any], np.ndarray]:
    """The values of units with two or more, and the unit (0, 1, ...) each belongs to."""
    if isinstance(data, Mapping):
        units = [[v for v in by_annotator.values() if not _is_missing(v)]
                 for by_annotator in data.values()]
    elif isinstance(data, Sequence | np.ndarray) and not isinstance(data, str):
        rows = [list(row) for row in data]
        if len({len(row) for row in rows}) > 1:
            raise InputError("a reliability matrix needs one value per unit in every row; got "
                             f"rows of lengths {sorted({len(row) for row in rows})}")
        units = [[row[u] for row in rows if not _is_missing(row[u])]
                 for u in range(len(rows[0]) if rows else 0)]
    else:
        raise InputError("distance_alpha needs {unit: {annotator: value}} or a reliability "
                         f"matrix (annotators × units, None for missing); got "
                         f"{type(data).__name__}")
    units = [values for values in units if len(values) >= 2]
    owner = np.repeat(np.arange(len(units)), [len(v) for v in units])
    return [v for values in units for v in values], owner


def _checked(d: Any, where: str) -> np.ndarray:
    d = np.asarray(d, dtype=float)
    if not np.all(np.isfinite(d)) or np.any(d < 0):
        raise InputError(f"the distance must be finite and non-negative; got "
                         f"{d[~(np.isfinite(d) & (d >= 0))].ravel()[:3].tolist()} {where}")
    return d


def _sums_scalar(values: list[Any], owner: np.ndarray, weight: np.ndarray,
                 distance: Distance) -> tuple[float, float]:
    within = total = 0.0
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            d = float(_checked(distance(values[i], values[j]), f"for values {i} and {j}"))
            total += 2 * d
            if owner[i] == owner[j]:
                within += 2 * d * float(weight[owner[i]])
    return within, total


def _sums_matrix(values: list[Any], owner: np.ndarray, weight: np.ndarray,
                 distance_matrix: DistanceMatrix) -> tuple[float, float]:
    n = len(values)
    within = total = 0.0
    rows = max(1, _PAIRS_PER_BLOCK // n)
    for start in range(0, n, rows):
        block = slice(start, min(start + rows, n))
        d = _checked(distance_matrix(values[block], values), f"in rows {start}..")
        if d.shape != (block.stop - start, n):
            raise InputError(f"distance_matrix must return shape {(block.stop - start, n)}; "
                             f"got {d.shape}")
        off_diagonal = np.arange(start, block.stop)[:, None] != np.arange(n)[None, :]
        same = (owner[block][:, None] == owner[None, :]) & off_diagonal
        total += float(d[off_diagonal].sum())
        within += float((d * same).sum(axis=1) @ weight[owner[block]])
    return within, total


def distance_alpha(data: Any, distance: Distance | None = None, *,
                   distance_matrix: DistanceMatrix | None = None) -> AgreementScore:
    """Krippendorff's alpha with the difference `distance(a, b)`, or a vectorised
    `distance_matrix(values_a, values_b) -> (len_a, len_b)`; give exactly one.

    `data` is `{unit: {annotator: value}}` or a reliability matrix (one row per annotator,
    one column per unit); None (or NaN) marks a missing value. Values can be anything the
    distance takes. Undefined with no pairable unit, or when De = 0 (every pair of values
    at distance 0, e.g. all equal).
    """
    if (distance is None) == (distance_matrix is None):
        raise InputError("give exactly one of distance (a function of two values) or "
                         "distance_matrix (of two sequences, returning their pairwise matrix)")
    values, owner = _pairable(data)
    n_units = int(owner[-1]) + 1 if owner.size else 0
    if n_units == 0:
        return AgreementScore(None, 0, "no unit has two or more values to pair")
    weight = 1.0 / (np.bincount(owner) - 1)
    within, total = (_sums_scalar(values, owner, weight, distance) if distance is not None
                     else _sums_matrix(values, owner, weight, distance_matrix))
    n = len(values)
    observed, expected = float(within) / n, float(total) / (n * (n - 1))
    if expected == 0:
        return AgreementScore(None, n_units, "every pair of pairable values is at distance 0",
                              observed, expected)
    return AgreementScore(1.0 - observed / expected, n_units, None, observed, expected)


def region_set_distance(*, kind: Literal["f1", "iou_f1"] = "f1",
                        threshold: float = 0.5) -> Distance:
    """A difference of two region sets (lists of parsed regions of one type), in [0, 1].

    "f1": 1 − F1 of their class-aware optimal matching at `threshold`
    (`matching.match_regions`); "iou_f1": 1 − 2 Σ IoU(matched) / (n_a + n_b), the F1 with
    each match weighted by its IoU, so loose boxes count too (1 − mean IoU of the matches
    alone would ignore missed regions). Two empty sets are at distance 0.
    """
    if kind not in ("f1", "iou_f1"):
        raise InputError(f"kind must be 'f1' or 'iou_f1'; got {kind!r}")

    def difference(a: Sequence[Region], b: Sequence[Region]) -> float:
        if not a and not b:
            return 0.0
        matching = match_regions(a, b, threshold=threshold)
        agreed = (matching.n_matched if kind == "f1"
                  else sum(p.similarity for p in matching.pairs))
        return 1.0 - 2.0 * agreed / (len(a) + len(b))

    return difference


def transcript_distance(*, unit: TokenUnit = "word",
                        normalize: Normalization = "whitespace") -> DistanceMatrix:
    """A `distance_matrix` for transcripts: edits / max(length), a symmetric error rate.

    The Levenshtein distance between the token sequences (words or characters, after
    `normalize`, as in `agreement.transcripts`) over the longer one's length, so in [0, 1]
    (WER or CER capped at 1, against the longer text); two empty texts are at distance 0.
    All pairs of a block go through one batched dynamic programme.
    """
    if unit not in ("character", "word"):
        raise InputError(f"unit must be 'character' or 'word'; got {unit!r}")

    def matrix(first: Sequence[Hashable], second: Sequence[Hashable]) -> np.ndarray:
        for name, texts in (("first", first), ("second", second)):
            if not all(isinstance(t, str) for t in texts):
                raise InputError(f"transcript_distance compares strings; the {name} values "
                                 "hold something else")
        tokens = token_codes([normalize_text(t, normalize) for t in (*first, *second)], unit)
        a, b = tokens[:len(first)], tokens[len(first):]
        refs = [a[i] for i in range(len(a)) for _ in range(len(b))]
        hyps = [b[j] for _ in range(len(a)) for j in range(len(b))]
        edits = edit_operations(refs, hyps).sum(axis=1).astype(float)
        longest = np.maximum.outer([len(t) for t in a], [len(t) for t in b]).reshape(-1)
        out = np.divide(edits, longest, out=np.zeros_like(edits), where=longest > 0)
        return out.reshape(len(a), len(b))

    return matrix
