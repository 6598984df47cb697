"""Adaptive overlap: trust earned from a rolling window of agreement scores.

An annotator's window holds their latest scores against the consensus on overlapped tasks
(the per-answer score of docs/quality.md). While its mean stays at or above
`stable_agreement` they are trusted and the tasks they start need fewer answers; one low
stretch drags the mean down and the full overlap is back. The window is plain data the caller
stores, so trust is recomputed, never cached.

>>> adaptive = AdaptiveOverlap(window=3, stable_agreement=0.8)
>>> window = ()
>>> for score in (0.9, 0.9, 0.9):
...     window = push_score(window, score, adaptive.window)
>>> is_trusted(window, adaptive)
True
>>> is_trusted(push_score(window, 0.3, adaptive.window), adaptive)
False
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from accord.core.errors import InputError
from accord.core.workflow.policy import AdaptiveOverlap, WorkflowPolicy
from accord.core.workflow.routing import draw

__all__ = ["is_trusted", "overlap_for", "push_score"]


def push_score(window: Sequence[float], score: float, size: int) -> tuple[float, ...]:
    """`window` with `score` appended, keeping the last `size` scores."""
    if size < 1:
        raise InputError(f"a score window holds at least one score; got size {size}")
    return (*window, score)[-size:]


def is_trusted(window: Sequence[float], adaptive: AdaptiveOverlap) -> bool:
    """Whether the last `adaptive.window` scores are all there and average at least
    `adaptive.stable_agreement`; a short window is never trusted."""
    if len(window) < adaptive.window:
        return False
    recent = window[len(window) - adaptive.window:]
    return math.fsum(recent) / len(recent) >= adaptive.stable_agreement


def overlap_for(policy: WorkflowPolicy, base_overlap: int, trusted: bool,
                task_key: int | str) -> int:
    """The overlap a task gets when its first answer comes from an annotator who is (or is
    not) `trusted`: `base_overlap` (the task's initial overlap), lowered to `min_overlap` for a
    trusted author unless the task is drawn for a recheck."""
    adaptive = policy.adaptive_overlap
    if adaptive is None or not trusted or draw(adaptive.recheck, "recheck", task_key):
        return base_overlap
    return min(base_overlap, adaptive.min_overlap)
