"""The workflow's decisions, each a pure function of the policy and the facts it names.

Every chance decision (which tasks get the full overlap, which accepted tasks are reviewed,
when a gold task is served, which trusted work is rechecked) is a `draw` from a hash of what
it is about, not a call to a random generator. The same task in the same round is always
decided the same way, on every replica and when a routing is replayed from the audit log,
while across many keys the share drawn is the rate asked for.

>>> policy = WorkflowPolicy(overlap=3, consensus_threshold=0.8)
>>> route_answers(policy, task_key=7, round_=1, answers=3, agreement=0.42,
...               author_gold_accuracy={})
Route(outcome=<Outcome.ADJUDICATE: 'adjudicate'>, reason='agreement 0.42 < 0.8')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from accord.core.errors import InputError
from accord.core.workflow.policy import WorkflowPolicy

__all__ = ["Outcome", "Route", "draw", "initial_overlap", "route_answers", "serve_gold",
           "task_agreement"]

_SEPARATOR = "\x00"  # never inside a repr, so distinct keys never join to the same text


def _plain(part: int | str) -> int | str:
    if isinstance(part, str):
        return str(part)
    if isinstance(part, int):
        return int(part)
    raise InputError(f"a draw's key is made of integers and strings, got {part!r}")


def _unit(*key: int | str) -> float:
    """A uniform number in [0, 1) from `key`; str and int subclasses (enums) hash as their
    plain values, so `Stage.LABEL` and `"label"` are the same key."""
    text = _SEPARATOR.join(repr(_plain(part)) for part in key)
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 11) * 2.0**-53  # 53 bits: exact in a float


def draw(rate: float, *key: int | str) -> bool:
    """True with probability `rate` (in [0, 1]), reproducibly for the same `key`.

    Rate 0 never draws and rate 1 always does. Callers start the key with what the draw is
    for ("review", "gold", …), so one task's draws for different purposes are independent.

    >>> draw(0.5, "review", 42, 1) == draw(0.5, "review", 42, 1)
    True
    >>> draw(0.0, "x"), draw(1.0, "x")
    (False, True)
    """
    if not 0 <= rate <= 1:
        raise InputError(f"a draw's rate is from 0 to 1, got {rate!r}")
    return _unit(*key) < rate


def initial_overlap(policy: WorkflowPolicy, task_key: int | str) -> int:
    """How many answers a new task needs: `overlap` for the `overlap_sample` share of tasks,
    one for the others."""
    return policy.overlap if draw(policy.overlap_sample, "overlap", task_key) else 1


def task_agreement(scores: Sequence[float | None]) -> float | None:
    """A task's agreement: the mean of its answers' scores against the consensus, leaving out
    answers that could not be compared (None); None when none could.

    >>> task_agreement([1.0, 0.5, None])
    0.75
    """
    known = [score for score in scores if score is not None]
    return sum(known) / len(known) if known else None


class Outcome(StrEnum):
    """Where a task goes when its last answer arrives."""

    DONE = "done"
    REVIEW = "review"
    ADJUDICATE = "adjudicate"


@dataclass(frozen=True, slots=True)
class Route:
    """A routing decision and why, in a few words for the task's history."""

    outcome: Outcome
    reason: str


def _shown(value: float, threshold: float) -> str:
    """`value` rounded as far as keeps its comparison with `threshold` true when read back
    (0.7996 is "0.7996 < 0.8", not "0.80 < 0.8")."""
    for digits in range(2, 17):
        text = f"{value:.{digits}f}"
        if (float(text) < threshold) == (value < threshold):
            return text
    return repr(value)


def _review_reasons(policy: WorkflowPolicy, task_key: int | str, round_: int,
                    author_gold_accuracy: Mapping[str, float | None]) -> list[str]:
    reasons = ["QC sample"] if draw(policy.review_sample, "review", task_key, round_) else []
    limit = policy.review_below_gold_accuracy
    if limit is not None:
        reasons += [f"author {author} gold accuracy {_shown(accuracy, limit)} < {limit:g}"
                    for author, accuracy in sorted(author_gold_accuracy.items())
                    if accuracy is not None and accuracy < limit]
    return reasons


def route_answers(policy: WorkflowPolicy, *, task_key: int | str, round_: int, answers: int,
                  agreement: float | None,
                  author_gold_accuracy: Mapping[str, float | None]) -> Route:
    """Route a task whose last answer has arrived (docs/workflow.md, "Routing").

    One answer is accepted as the result. Several are accepted when their `agreement` is at
    least `consensus_threshold`, and adjudicated when it is below or None (nothing could be
    compared). An accepted task is reviewed when the QC draw for this task and round picks it,
    or when an author's gold accuracy is below `review_below_gold_accuracy` (None in
    `author_gold_accuracy`: too few gold answers yet, never counts); otherwise it is done.
    """
    if answers < 1:
        raise InputError(f"a task is routed once it has answers; got {answers}")
    threshold = policy.consensus_threshold
    if answers == 1:
        accepted = "single answer"
    elif agreement is None:
        return Route(Outcome.ADJUDICATE, f"{answers} answers with nothing comparable")
    elif agreement < threshold:
        return Route(Outcome.ADJUDICATE,
                     f"agreement {_shown(agreement, threshold)} < {threshold:g}")
    else:
        accepted = f"consensus {_shown(agreement, threshold)} ≥ {threshold:g}"
    reasons = _review_reasons(policy, task_key, round_, author_gold_accuracy)
    return Route(Outcome.REVIEW if reasons else Outcome.DONE, "; ".join([accepted, *reasons]))


def serve_gold(policy: WorkflowPolicy, user_id: int, served: int) -> bool:
    """Whether the next label task handed to `user_id` is gold; `served` is how many label
    tasks they were handed so far, so their gold share tends to `gold_rate` with no pattern
    they could learn."""
    return draw(policy.gold_rate, "gold", user_id, served)
