"""Deciding a unit from its scores: the winner, ties by an explicit policy, and why a unit
has no winner. Shared by the votes and Dawid–Skene."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

import numpy as np

from accord.core.errors import InputError

TiePolicy = Literal["undecided", "first", "random"]
TIE_POLICIES: tuple[str, ...] = ("undecided", "first", "random")


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
    if not k:
        codes = np.zeros(n_units, dtype=np.int64)
    elif ties == "random":
        keys = np.where(tied, np.random.default_rng(seed).random(tied.shape), -1.0)
        codes = keys.argmax(axis=0)
    else:
        codes = tied.argmax(axis=0)
    decided = has_weight & ((tied.sum(axis=0) == 1) | (ties != "undecided"))
    codes = np.where(decided, codes, -1).astype(np.int64)
    share = np.zeros(n_units)
    np.divide(top, total, out=share, where=has_weight)
    support = tuple(np.where(has_weight, share.astype(object), None).tolist())
    return codes, support, _reasons(decided, n_votes, has_weight, tied, categories)


def decode(codes: np.ndarray, categories: tuple[Hashable, ...]) -> tuple[Hashable | None, ...]:
    table = np.empty(len(categories) + 1, dtype=object)
    table[:-1] = list(categories) if categories else []
    table[-1] = None  # code -1
    return tuple(table[codes].tolist())


def _reasons(decided: np.ndarray, n_votes: np.ndarray, has_weight: np.ndarray,
             tied: np.ndarray, categories: tuple[Hashable, ...]) -> tuple[str | None, ...]:
    """Why each undecided unit has no label; None for decided units. One message per
    distinct set of tied categories, so the work does not grow with the number of units."""
    reasons = np.full(len(decided), None, dtype=object)
    reasons[n_votes == 0] = "no votes"
    reasons[(n_votes > 0) & ~has_weight] = ("total weight is 0: every annotator of the unit "
                                            "weighs 0")
    is_tie = ~decided & has_weight
    if is_tie.any():
        patterns, which = _tie_patterns(tied[:, is_tie])
        messages = np.empty(len(patterns), dtype=object)
        for i, pattern in enumerate(patterns):
            names = [repr(categories[c]) for c in np.flatnonzero(pattern).tolist()]
            messages[i] = "tie between " + ", ".join(names[:-1]) + " and " + names[-1]
        reasons[is_tie] = messages[which.ravel()]
    return tuple(reasons.tolist())


def _tie_patterns(tied: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of a (classes, units) boolean array, and which one each unit
    has; by bitmask when there are few classes (no sorting of rows)."""
    k = tied.shape[0]
    if k > 62:
        patterns, which = np.unique(tied.T, axis=0, return_inverse=True)
        return patterns, which.ravel()
    masks = (tied.astype(np.int64) << np.arange(k)[:, None]).sum(axis=0)
    distinct, which = np.unique(masks, return_inverse=True)
    return (distinct[:, None] >> np.arange(k)) & 1 == 1, which.ravel()
