"""Consensus cases for `bench/qa_metrics.py`: Dawid–Skene and majority vote on 100,000 items
× 5 labels each from a pool of 100 annotators (at `scale` 1.0), Accord against crowd-kit.

The data come from the Dawid–Skene model itself: 4 classes with skewed priors; each annotator
has a known confusion matrix (right 55–95 % of the time, errors spread by a Dirichlet draw);
each item is labelled by 5 distinct annotators drawn at random from the pool. `setup` builds
the labels once, untimed, as a `task, worker, label` DataFrame (500,000 rows); crowd-kit
takes the frame, Accord a `LongForm` of its three columns, built inside the timed call. (The
same labels as a float reliability matrix, 100 annotators × 100,000 items and 95 % NaN, take
Accord about 0.13 s for the majority vote, most of it coding the 10 million cells: a sparse
pool is long form by nature.) Every runner returns the share of items whose consensus label
is the true class, so equal values show the libraries agree.

Both Dawid–Skene runs use crowd-kit's defaults, at most 100 iterations and tolerance 1e-5,
and the same stopping rule (Accord's `stopping="crowd-kit"`). Majority vote is scored on
the items without a tie: crowd-kit's `idxmax` gives a tie to the first class in its own
column order (the order labels come out of `value_counts`), which no tie policy can mirror.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _qa_harness import Case  # type: ignore[import-not-found]

ITEMS = 100_000
LABELS_PER_ITEM = 5
POOL = 100
CLASSES = 4
PRIORS = (0.4, 0.3, 0.2, 0.1)
MAX_ITERATIONS = 100
TOLERANCE = 1e-5
SEED = 20_261_201


def confusion_matrices(rng: np.random.Generator) -> np.ndarray:
    """(annotators, true class, answer): right with probability 0.55–0.95, else a
    Dirichlet-spread error."""
    accuracy = rng.uniform(0.55, 0.95, POOL)
    errors = rng.dirichlet(np.ones(CLASSES - 1), (POOL, CLASSES))
    confusion = np.empty((POOL, CLASSES, CLASSES))
    for c in range(CLASSES):  # classes, not items
        others = [k for k in range(CLASSES) if k != c]
        confusion[:, c, c] = accuracy
        confusion[:, c, others] = (1 - accuracy)[:, None] * errors[:, c]
    return confusion


def labelled_items(n_items: int) -> dict[str, Any]:
    import pandas as pd

    rng = np.random.default_rng(SEED)
    confusion = confusion_matrices(rng)
    truth = rng.choice(CLASSES, n_items, p=PRIORS)
    workers = np.argpartition(rng.random((n_items, POOL)), LABELS_PER_ITEM, axis=1)
    workers = workers[:, :LABELS_PER_ITEM].ravel()
    items = np.repeat(np.arange(n_items), LABELS_PER_ITEM)
    cumulative = confusion.cumsum(axis=2)[workers, truth[items]]
    answers = (rng.random(items.size)[:, None] > cumulative[:, :-1]).sum(axis=1)
    frame = pd.DataFrame({"task": items, "worker": workers, "label": answers})
    return {"frame": frame, "truth": truth}


def _long_form(frame: Any) -> Any:
    """The frame's columns for Accord; units are numbered in order of first appearance, so
    results come out in item order (the frame lists items 0, 1, …)."""
    from accord.core.agreement import LongForm

    return LongForm(frame["task"], frame["worker"], frame["label"])


def _accuracy(labels: Any, truth: np.ndarray) -> float:
    return float(np.mean(np.asarray(labels, dtype=float) == truth))


def _crowdkit_accuracy(labels: Any, truth: np.ndarray) -> float:
    return _accuracy(labels.sort_index().to_numpy(), truth)


def dawid_skene_case(n_items: int) -> Case:
    from crowdkit.aggregation import DawidSkene

    from accord.core.consensus import dawid_skene

    def accord(data: dict[str, Any]) -> float:
        result = dawid_skene(_long_form(data["frame"]), max_iterations=MAX_ITERATIONS,
                             tolerance=TOLERANCE, stopping="crowd-kit")
        return _accuracy(result.labels, data["truth"])

    def crowdkit(data: dict[str, Any]) -> float:
        labels = DawidSkene(n_iter=MAX_ITERATIONS, tol=TOLERANCE).fit_predict(data["frame"])
        return _crowdkit_accuracy(labels, data["truth"])

    return Case(name="Dawid–Skene EM, crowd-kit stopping rule",
                size=f"{n_items:,} items × {LABELS_PER_ITEM} labels, pool of {POOL} "
                     f"annotators, {CLASSES} classes",
                setup=lambda: labelled_items(n_items), accord=accord,
                references={"crowd-kit": crowdkit})


def majority_vote_case(n_items: int) -> Case:
    """Ties are left undecided on our side and found by their equal shares on crowd-kit's,
    so both runners score the same untied items."""
    from crowdkit.aggregation import MajorityVote

    from accord.core.consensus import majority_vote

    def accord(data: dict[str, Any]) -> float:
        result = majority_vote(_long_form(data["frame"]), ties="undecided")
        decided = result.codes >= 0
        return _accuracy(result.codes[decided], data["truth"][decided])

    def crowdkit(data: dict[str, Any]) -> float:
        vote = MajorityVote().fit(data["frame"])
        probas = vote.probas_.sort_index()  # type: ignore[union-attr]
        shares = probas.to_numpy()
        untied = (shares == shares.max(axis=1, keepdims=True)).sum(axis=1) == 1
        labels = vote.labels_.sort_index().to_numpy()  # type: ignore[union-attr]
        return _accuracy(labels[untied], data["truth"][probas.index.to_numpy()[untied]])

    return Case(name="Majority vote, accuracy on untied items",
                size=f"{n_items:,} items × {LABELS_PER_ITEM} labels, pool of {POOL} "
                     f"annotators, {CLASSES} classes",
                setup=lambda: labelled_items(n_items), accord=accord,
                references={"crowd-kit": crowdkit})


def cases(scale: float) -> list[Case]:
    n_items = max(10, round(ITEMS * scale))
    return [dawid_skene_case(n_items), majority_vote_case(n_items)]
