"""Majority and weighted votes over categorical labels, with an explicit tie policy.

Input is what `accord.core.agreement` takes: a reliability matrix (one row per annotator, one
column per unit, None or NaN where no label was given), `(unit, annotator, label)` records or
a `LongForm` (the records as three columns, read with NumPy: the fastest for a large, sparse
pool of annotators); the same labels give the same result in any of the three.
Each unit's consensus is the category with the most votes (or the largest sum of annotator
weights); its **support** is that category's share of the unit's votes (or weight), so a
workflow can accept units above a threshold and escalate the rest.

Ties are never broken silently; `ties=` says how:

- `"undecided"`: no label (None), with the tied categories in `undefined_because`;
- `"first"`: the tied category that comes first in the category order (numeric or sorted
  labels, or `categories=`); this is what crowd-kit's `MajorityVote` does (`idxmax`);
- `"random"`: one of the tied categories, uniformly, from `numpy.random.default_rng(seed)`.

>>> result = majority_vote([("q1", "ann", "cat"), ("q1", "bob", "cat"), ("q1", "eve", "dog"),
...                         ("q2", "ann", "cat"), ("q2", "bob", "dog")])
>>> result.labels, [round(s, 3) for s in result.support]
(('cat', None), [0.667, 0.5])
>>> result.undefined_because[1]
"tie between 'cat' and 'dog'"
>>> majority_vote([["cat", "dog"], ["cat", "dog"]], ties="first").labels
('cat', 'dog')
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.consensus._labels import Labels, read_labels
from accord.core.consensus._ties import TiePolicy, check_ties, decode, resolve
from accord.core.errors import InputError

__all__ = [
    "UnitConsensus",
    "VoteConsensus",
    "majority_vote",
    "wawa_vote",
    "weighted_vote",
]

# Weighted sums are tied when they differ by less than this share of the unit's total weight
# (0.1 + 0.2 and 0.3 are a tie); counts of votes are compared exactly.
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class UnitConsensus:
    """One unit's consensus: the label (None when undecided, with the reason), its support
    (the winner's share of the unit's votes or weight; for a tie, each tied category's share;
    None without votes) and how many labels the unit received."""

    unit: Hashable
    label: Hashable | None
    support: float | None
    n_votes: int
    undefined_because: str | None = None


@dataclass(frozen=True, slots=True)
class VoteConsensus:
    """A vote over every unit, aligned with `units`.

    `codes[u]` is the index in `categories` of unit u's label (-1 when it has none);
    `scores[u, k]` the votes (or weight) category k received on unit u; `weights` the weight
    of each annotator (1.0 each for a majority vote).
    """

    units: tuple[Hashable, ...]
    categories: tuple[Hashable, ...]
    labels: tuple[Hashable | None, ...]
    support: tuple[float | None, ...]
    n_votes: np.ndarray  # (units,) int64
    undefined_because: tuple[str | None, ...]
    codes: np.ndarray  # (units,) int64
    scores: np.ndarray  # (units, categories) float64
    weights: Mapping[Hashable, float]

    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self) -> Iterator[UnitConsensus]:
        for i, unit in enumerate(self.units):
            yield UnitConsensus(unit, self.labels[i], self.support[i], int(self.n_votes[i]),
                                self.undefined_because[i])


def majority_vote(data: Any, *, ties: TiePolicy = "undecided", seed: int | None = None,
                  categories: Iterable[Hashable] | None = None) -> VoteConsensus:
    """The most frequent label of each unit, ties resolved by `ties` (see the module).

    Support is the winner's share of the unit's labels; a unit nobody labelled has no label
    and no support ("no votes").
    """
    check_ties(ties)
    return _vote(read_labels(data, categories), None, ties, seed)


def weighted_vote(data: Any, weights: Mapping[Hashable, float] | Sequence[float],
                  *, ties: TiePolicy = "undecided", seed: int | None = None,
                  categories: Iterable[Hashable] | None = None) -> VoteConsensus:
    """The label with the largest sum of annotator weights on each unit (crowd-kit's
    `MajorityVote().fit(data, skills=...)`).

    `weights` maps every annotator to a finite weight ≥ 0, such as their accuracy on gold
    items or their agreement with the majority (`wawa_vote`); for a reliability matrix it may
    be a sequence, one weight per row. Support is the winner's share of the unit's total
    weight; a unit whose annotators all weigh 0 has no label ("total weight is 0").
    """
    check_ties(ties)
    labels = read_labels(data, categories).by_annotator()  # float sums in one order
    return _vote(labels, _weight_array(weights, labels), ties, seed)


def wawa_vote(data: Any, *, ties: TiePolicy = "undecided", seed: int | None = None,
              categories: Iterable[Hashable] | None = None) -> VoteConsensus:
    """Worker Agreement With Aggregate (Wawa, as in crowd-kit): a majority vote, then each
    annotator weighted by the share of their labels that agree with it, then a weighted vote.

    Both votes use `ties`. Units the majority leaves undecided do not count towards the
    weights; an annotator who labelled only such units weighs 0. With `ties="first"` this
    reproduces crowd-kit's `Wawa`.
    """
    check_ties(ties)
    labels = read_labels(data, categories).by_annotator()  # float sums in one order
    majority = _vote(labels, None, ties, seed)
    winner = majority.codes[labels.unit]
    decided = winner >= 0
    n_annotators = len(labels.annotators)
    counted = np.bincount(labels.annotator[decided], minlength=n_annotators)
    agreed = np.bincount(labels.annotator[decided & (labels.code == winner)],
                         minlength=n_annotators)
    weights = np.zeros(n_annotators)
    np.divide(agreed, counted, out=weights, where=counted > 0)
    return _vote(labels, weights, ties, seed)


def _weight_array(weights: Any, labels: Labels) -> np.ndarray:
    annotators = labels.annotators
    if isinstance(weights, Mapping):
        absent = [a for a in annotators if a not in weights]
        if absent:
            raise InputError(f"weights has no weight for annotator {absent[0]!r}; give one "
                             "for every annotator")
        values = [weights[a] for a in annotators]
    elif isinstance(weights, (Sequence, np.ndarray)) and not isinstance(weights, str):
        if not labels.from_matrix:
            raise InputError("weights for records must be a mapping from annotator to weight; "
                             f"got a {type(weights).__name__}")
        if len(weights) != len(annotators):
            raise InputError(f"weights has {len(weights)} entries but the matrix has "
                             f"{len(annotators)} annotator rows; give one weight per row")
        values = list(weights)
    else:
        raise InputError("weights must map each annotator to a number (or be a sequence, one "
                         f"per matrix row); got {type(weights).__name__}")
    for annotator, value in zip(annotators, values, strict=True):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not (
                math.isfinite(value) and value >= 0):
            raise InputError(f"the weight of annotator {annotator!r} must be a finite number "
                             f"≥ 0; got {value!r}")
    return np.asarray(values, dtype=float)


def _vote(labels: Labels, weights: np.ndarray | None, ties: TiePolicy,
          seed: int | None) -> VoteConsensus:
    """Scores per unit and category: counts of votes (weights None: 1 each, exact in any
    order) or sums of the annotators' weights."""
    n_units, k = labels.n_units, labels.n_categories
    if weights is None:  # counted class-major: resolve reduces over classes along rows
        weights = np.ones(len(labels.annotators))
        counts = np.bincount(labels.code * n_units + labels.unit, minlength=k * n_units)
        by_class = counts.reshape(k, n_units)
        n_votes = by_class.sum(axis=0)
        scores, total = by_class.astype(float).T, n_votes.astype(float)
    else:
        n_votes = labels.n_votes()
        scores = np.bincount(labels.unit * k + labels.code, weights=weights[labels.annotator],
                             minlength=n_units * k).reshape(n_units, k)
        total = scores.sum(axis=1)
    codes, support, reasons = resolve(scores, total, n_votes, ties, seed, labels.categories,
                                      TIE_TOLERANCE)
    return VoteConsensus(
        units=labels.units, categories=labels.categories,
        labels=decode(codes, labels.categories), support=support, n_votes=n_votes,
        undefined_because=reasons, codes=codes, scores=scores,
        weights=dict(zip(labels.annotators, weights.tolist(), strict=True)))
