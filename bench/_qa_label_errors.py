"""Label-error detection for `bench/qa_metrics.py`: confident learning on 1,000,000 examples
× 10 classes (at `scale` 1.0), Accord against cleanlab.

The data: true classes drawn uniformly; a model's out-of-sample probabilities are a softmax
of noisy logits that favour the true class; 10 % of the given labels are flipped to another
class at random. Both libraries get the same integer labels and float probabilities (untimed)
and use the same method, `prune_by_noise_rate` ranked by self-confidence; each runner
returns the number of issues found, so equal values show the two agree (the issue sets are
compared element by element in tests/unit/test_quality_label_errors.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _qa_harness import Case  # type: ignore[import-not-found]

EXAMPLES = 1_000_000
CLASSES = 10
NOISE = 0.10
SEED = 20_261_201


def noisy_labels(n: int) -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    truth = rng.integers(0, CLASSES, n)
    logits = rng.normal(0.0, 1.0, (n, CLASSES))
    logits[np.arange(n), truth] += 2.5
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    labels = truth.copy()
    flip = rng.random(n) < NOISE
    labels[flip] = (truth[flip] + rng.integers(1, CLASSES, int(flip.sum()))) % CLASSES
    return {"labels": labels, "probabilities": probabilities}


def accord(data: dict[str, Any]) -> float:
    from accord.core.quality import find_label_errors

    return float(len(find_label_errors(data["labels"], data["probabilities"]).indices))


def cleanlab(data: dict[str, Any]) -> float:
    from cleanlab.filter import find_label_issues

    issues = find_label_issues(data["labels"], data["probabilities"],
                               filter_by="prune_by_noise_rate",
                               return_indices_ranked_by="self_confidence")
    return float(len(issues))


def cases(scale: float) -> list[Case]:
    n = max(1_000, int(EXAMPLES * scale))
    return [Case(name="Label errors, confident learning (prune by noise rate)",
                 size=f"{n:,} examples × {CLASSES} classes, {NOISE:.0%} flipped labels",
                 setup=lambda: noisy_labels(n), accord=accord,
                 references={"cleanlab": cleanlab})]
