"""Deciding a unit from its scores: the winner, ties by an explicit policy, and why a unit
has no winner. Shared by the votes and Dawid–Skene."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

import numpy as np

from accord.core.errors import InputError

TiePolicy = Literal["undecided", "first", "random"]
TIE_POLICIES: tuple[str, ...] = ("undecided", "first", "random")
_MASK_CLASSES = 62  # up to this many classes, a unit's tied classes are an int64 bitmask


def check_ties(ties: str) -> None:
    if ties not in TIE_POLICIES:
        raise InputError(f"ties must be one of {', '.join(map(repr, TIE_POLICIES))}; got "
                         f"{ties!r}")


def resolve(scores: np.ndarray, total: np.ndarray, n_votes: np.ndarray, ties: TiePolicy,
            seed: int | None, categories: tuple[Hashable, ...], tolerance: float
            ) -> tuple[np.ndarray, tuple[float | None, ...], tuple[str | None, ...]]:
    """Each unit's winning category code (-1 for none), the winner's share of `total` (None
    where total is 0) and why a unit has no winner. Categories whose score is within
    `tolerance` × total of the top score are tied."""
    n_units, k = scores.shape
    by_class = np.ascontiguousarray(scores.T)  # reductions over classes along rows: faster
    top = by_class.max(axis=0, initial=0.0)
    tied = by_class >= top - tolerance * total  # (classes, units)
    has_weight = total > 0
    masks = _tie_masks(tied) if k <= _MASK_CLASSES else None
    if not k:
        codes = np.zeros(n_units, dtype=np.int64)
    elif ties == "random":
        keys = np.where(tied, np.random.default_rng(seed).random(tied.shape), -1.0)
        codes = keys.argmax(axis=0)
    elif masks is not None:
        codes = np.bitwise_count((masks & -masks) - 1).astype(np.int64)  # lowest bit: first
    else:
        codes = tied.argmax(axis=0)
    n_tied = np.bitwise_count(masks) if masks is not None else tied.sum(axis=0)
    decided = has_weight & ((n_tied == 1) | (ties != "undecided"))
    codes = np.where(decided, codes, -1).astype(np.int64)
    share = np.zeros(n_units)
    np.divide(top, total, out=share, where=has_weight)
    support: list[float | None] = share.tolist()
    for unit in np.flatnonzero(~has_weight).tolist():
        support[unit] = None
    return codes, tuple(support), _reasons(decided, n_votes, has_weight, tied, masks,
                                           categories)


def _tie_masks(tied: np.ndarray) -> np.ndarray:
    """Each unit's tied classes as a bitmask (bit c: class c), from (classes, units)."""
    masks = np.zeros(tied.shape[1], dtype=np.int64)
    for c, row in enumerate(tied):  # few classes: one pass over the units each
        masks |= row.astype(np.int64) << c
    return masks


def decode(codes: np.ndarray, categories: tuple[Hashable, ...]) -> tuple[Hashable | None, ...]:
    table = np.empty(len(categories) + 1, dtype=object)
    table[:-1] = list(categories) if categories else []
    table[-1] = None  # code -1
    return tuple(table[codes].tolist())


def _reasons(decided: np.ndarray, n_votes: np.ndarray, has_weight: np.ndarray,
             tied: np.ndarray, masks: np.ndarray | None,
             categories: tuple[Hashable, ...]) -> tuple[str | None, ...]:
    """Why each undecided unit has no label; None for decided units. One message per
    distinct set of tied categories, so the work does not grow with the number of units."""
    if decided.all():
        return (None,) * decided.size
    reason = np.zeros(len(decided), dtype=np.int64)  # index into `table` below; 0: None
    reason[n_votes == 0] = 1
    reason[(n_votes > 0) & ~has_weight] = 2
    table: list[str | None] = [None, "no votes",
                               "total weight is 0: every annotator of the unit weighs 0"]
    is_tie = ~decided & has_weight
    if is_tie.any():
        patterns, which = _tie_patterns(tied[:, is_tie],
                                        None if masks is None else masks[is_tie])
        for pattern in patterns:
            names = [repr(categories[c]) for c in np.flatnonzero(pattern).tolist()]
            table.append("tie between " + ", ".join(names[:-1]) + " and " + names[-1])
        reason[is_tie] = 3 + which.ravel()
    reasons: list[str | None] = [None] * decided.size
    undecided = np.flatnonzero(~decided)
    for unit, which_reason in zip(undecided.tolist(), reason[undecided].tolist(), strict=True):
        reasons[unit] = table[which_reason]
    return tuple(reasons)


def _tie_patterns(tied: np.ndarray, masks: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of a (classes, units) boolean array, and which one each unit
    has; by their bitmasks when there are few classes (no sorting of rows)."""
    k = tied.shape[0]
    if masks is None:
        patterns, which = np.unique(tied.T, axis=0, return_inverse=True)
        return patterns, which.ravel()
    distinct, which = np.unique(masks, return_inverse=True)
    return (distinct[:, None] >> np.arange(k)) & 1 == 1, which.ravel()
