"""Accuracy against gold answers, per annotator and per class, for labels and for regions.

**Categorical labels** (`categorical_gold_accuracy`): each annotator's label of a gold item
is compared with its gold answer. Per class k: precision = TP / (labelled k), recall = TP /
(gold k), which is also the class's accuracy (the share of gold-k items labelled k), F1 =
2 TP / (2 TP + FP + FN), support = gold k. Accuracy is the share of labels equal to gold.
Macro averages are the mean over the classes where the measure is defined; micro averages
pool the counts (for one label per item, micro precision = recall = F1 = accuracy). These
are scikit-learn's `accuracy_score` and `precision_recall_fscore_support(...,
zero_division=np.nan)`, with None (and the reason) where scikit-learn has NaN.

**Regions** (`region_gold_accuracy`): per item and label, the annotator's regions are
matched one-to-one with the gold regions (`accord.core.matching.match_regions`, IoU for
boxes, polygons, masks, spans and segments, OKS for keypoints, `line_similarity` for
polylines, at `threshold`). A matched
pair of the same class is a true positive of that class; an unmatched gold region is a false
negative, an unmatched annotator region a false positive; with `classes="ignore"` a matched
pair of different classes is a false positive of the annotator's class and a false negative
of the gold class. Mean IoU is over the true positives. Precision, recall and F1 as above.

>>> gold = {"t1": "cat", "t2": "dog", "t3": "dog"}
>>> result = categorical_gold_accuracy(
...     [("t1", "ann", "cat"), ("t2", "ann", "cat"), ("t3", "ann", "dog")], gold)
>>> round(result.overall.accuracy, 3), [(c.label, c.precision) for c in result.overall.per_class]
(0.667, [('cat', 0.5), ('dog', 1.0)])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.errors import InputError
from accord.core.matching import ClassRule, Matching, match_regions
from accord.core.overlap import region_similarity
from accord.core.regions import Region

__all__ = [
    "ClassScores",
    "GoldAccuracy",
    "GoldScores",
    "categorical_gold_accuracy",
    "region_gold_accuracy",
]


@dataclass(frozen=True, slots=True)
class ClassScores:
    """One class: `support` gold instances, `predicted` by the annotator(s), `true_positives`.
    Precision is None when the class was never given, recall when it is never the gold answer;
    F1 when neither. `mean_iou` is the mean similarity of the true positives (regions only;
    None for categorical labels or with no true positive)."""

    label: Hashable
    support: int
    predicted: int
    true_positives: int
    precision: float | None
    recall: float | None
    f1: float | None
    mean_iou: float | None = None
    undefined_because: str | None = None


@dataclass(frozen=True, slots=True)
class GoldScores:
    """Scores of one annotator (or all pooled) on the gold items they labelled.

    `n_compared` counts labels (categorical) or regions, gold and given (regions) compared;
    `accuracy` is None for regions (precision and recall say it) and when nothing was
    compared. `mean_iou` pools all true positives (regions only)."""

    n_items: int
    n_compared: int
    accuracy: float | None
    per_class: tuple[ClassScores, ...]
    macro_precision: float | None
    macro_recall: float | None
    macro_f1: float | None
    micro_precision: float | None
    micro_recall: float | None
    micro_f1: float | None
    mean_iou: float | None = None
    undefined_because: str | None = None

    def of_class(self, label: Hashable) -> ClassScores:
        """The scores of one class; InputError naming the classes when it has none."""
        for scores in self.per_class:
            if scores.label == label:
                return scores
        raise InputError(f"no scores for class {label!r}; classes are "
                         f"{[s.label for s in self.per_class]!r}")


@dataclass(frozen=True, slots=True)
class GoldAccuracy:
    """Pooled over all annotators, and per annotator (in order of first appearance)."""

    overall: GoldScores
    per_annotator: Mapping[Hashable, GoldScores]


def categorical_gold_accuracy(records: Iterable[Any], gold: Mapping[Hashable, Hashable], *,
                              classes: Sequence[Hashable] | None = None) -> GoldAccuracy:
    """Accuracy, per-class precision, recall and F1 of labels against gold answers.

    `records` are `(item, annotator, label)` triples (a label of None is no answer and is left
    out); `gold` maps an item to its gold label. Items without a gold answer are left out.
    Classes are `classes` in that order, else every label given or gold, sorted when they
    can be. An InputError names a label not among `classes`, or an annotator who labelled
    an item twice.
    """
    rows = _read_records(records, gold)
    order = _class_order([label for *_, label in rows] + [g for _, _, g, _ in rows], classes)
    index = {label: i for i, label in enumerate(order)}
    k = len(order)
    annotators: dict[Hashable, int] = {}
    codes = np.array([(annotators.setdefault(annotator, len(annotators)), index[truth],
                       index[label]) for _, annotator, truth, label in rows],
                     dtype=np.int64).reshape(-1, 3)
    flat = np.bincount((codes[:, 0] * k + codes[:, 1]) * k + codes[:, 2],
                       minlength=len(annotators) * k * k)
    tables = flat.reshape(len(annotators), k, k)  # annotator × gold × given
    # one label per annotator and item, so an annotator's items are their labels
    per_annotator = {annotator: _categorical_scores(tables[a], order, int(tables[a].sum()))
                     for annotator, a in annotators.items()}
    overall = _categorical_scores(tables.sum(axis=0), order, len({item for item, *_ in rows}))
    return GoldAccuracy(overall, per_annotator)


def region_gold_accuracy(annotations: Iterable[Any], gold: Mapping[Hashable, Sequence[Region]],
                         *, threshold: float = 0.5, classes: ClassRule = "must_match",
                         keypoint_sigmas: Sequence[float] | None = None) -> GoldAccuracy:
    """Per-class detection precision, recall, F1 and mean IoU of regions against gold.

    `annotations` are `(item, annotator, regions)` triples, `regions` parsed `Region`s
    (`accord.core.regions.parse_regions`); `gold` maps an item to its gold regions. Regions are
    matched per item and label (all regions of a label have one type); items without gold
    are left out. A class is a region's `class` value. `keypoint_sigmas` are the per-point
    OKS constants for keypoints (COCO's person sigmas, for 17 points, by default).
    """
    def match(reference: list[Region], candidate: list[Region]) -> Matching:
        return match_regions(reference, candidate, threshold=threshold, classes=classes,
                             similarity=lambda a, b: region_similarity(
                                 a, b, keypoint_sigmas=keypoint_sigmas))

    counts: dict[Hashable, dict[Hashable, np.ndarray]] = {}  # annotator → class → counts
    items: dict[Hashable, set[Hashable]] = {}
    for i, annotation in enumerate(annotations):
        item, annotator, regions = _unpack_annotation(annotation, i)
        if item not in gold:
            continue
        if item in items.get(annotator, ()):
            raise InputError(f"annotator {annotator!r} has two annotations of item {item!r}; "
                             "give one per annotator and item")
        items.setdefault(annotator, set()).add(item)
        tally = counts.setdefault(annotator, {})
        for label in sorted({r.label for r in (*regions, *gold[item])}):
            reference = [r for r in gold[item] if r.label == label]
            candidate = [r for r in regions if r.label == label]
            _tally_matching(match(reference, candidate), reference, candidate, tally)
    pooled: dict[Hashable, np.ndarray] = {}
    for tally in counts.values():
        for label, row in tally.items():
            pooled[label] = pooled.get(label, np.zeros(4)) + row
    per_annotator = {a: _region_scores(tally, len(items[a])) for a, tally in counts.items()}
    n_items = len(set().union(*items.values())) if items else 0
    return GoldAccuracy(_region_scores(pooled, n_items), per_annotator)


def _tally_matching(matching: Matching, reference: list[Region], candidate: list[Region],
                    tally: dict[Hashable, np.ndarray]) -> None:
    """Add [TP, FP, FN, sum of TP IoU] per class for one item and label."""

    def add(region: Region, column: int, value: float = 1.0) -> None:
        label = getattr(region.value, "class_name", None)
        tally.setdefault(label, np.zeros(4))[column] += value

    for pair in matching.pairs:
        if pair.same_class:
            add(reference[pair.a], 0)
            add(reference[pair.a], 3, pair.similarity)
        else:
            add(candidate[pair.b], 1)
            add(reference[pair.a], 2)
    for b in matching.unmatched_b:
        add(candidate[b], 1)
    for a in matching.unmatched_a:
        add(reference[a], 2)


def _region_scores(tally: Mapping[Hashable, np.ndarray], n_items: int) -> GoldScores:
    order = _class_order(list(tally), None)
    table = np.array([tally[label] for label in order]).reshape(-1, 4)
    tp, fp, fn, iou = table.T
    per_class = tuple(_class_scores(label, int(t + m), int(t + f), int(t),
                                    float(s / t) if t else None)
                      for label, t, f, m, s in zip(order, tp, fp, fn, iou, strict=True))
    total = table.sum(axis=0)
    scores = _averages(per_class, int(total[0]), int(total[0] + total[1]),
                       int(total[0] + total[2]))
    n_compared = int(total[0] * 2 + total[1] + total[2])
    return GoldScores(n_items, n_compared, None, per_class, *scores,
                      mean_iou=float(total[3] / total[0]) if total[0] else None,
                      undefined_because=None if n_compared else "no regions, given or gold")


def _categorical_scores(table: np.ndarray, order: tuple[Hashable, ...],
                        n_items: int) -> GoldScores:
    tp = np.diagonal(table)
    per_class = tuple(_class_scores(label, int(s), int(p), int(t))
                      for label, s, p, t in zip(order, table.sum(axis=1), table.sum(axis=0), tp,
                                                strict=True))
    n = int(table.sum())
    correct = int(tp.sum())
    return GoldScores(n_items, n, correct / n if n else None, per_class,
                      *_averages(per_class, correct, n, n),
                      undefined_because=None if n else "no label of a gold item")


def _class_scores(label: Hashable, support: int, predicted: int, true_positives: int,
                  mean_iou: float | None = None) -> ClassScores:
    precision = true_positives / predicted if predicted else None
    recall = true_positives / support if support else None
    denominator = support + predicted  # 2 TP + FP + FN
    f1 = 2 * true_positives / denominator if denominator else None
    reasons = [why for why, undefined in (("never given: no precision", precision is None),
                                          ("never the gold answer: no recall", recall is None))
               if undefined]
    return ClassScores(label, support, predicted, true_positives, precision, recall, f1,
                       mean_iou, "; ".join(reasons) or None)


def _averages(per_class: tuple[ClassScores, ...], tp: int, predicted: int, support: int
              ) -> tuple[float | None, ...]:
    def mean(values: list[float | None]) -> float | None:
        defined = [v for v in values if v is not None]
        return sum(defined) / len(defined) if defined else None

    micro_p = tp / predicted if predicted else None
    micro_r = tp / support if support else None
    micro_f = 2 * tp / (predicted + support) if predicted + support else None
    return (mean([c.precision for c in per_class]), mean([c.recall for c in per_class]),
            mean([c.f1 for c in per_class]), micro_p, micro_r, micro_f)


def _read_records(records: Iterable[Any], gold: Mapping[Hashable, Hashable]
                  ) -> list[tuple[Hashable, Hashable, Hashable, Hashable]]:
    """(item, annotator, gold label, label) for the labelled gold items."""
    if not isinstance(gold, Mapping):
        raise InputError(f"gold must map each gold item to its answer; got {type(gold).__name__}")
    rows, seen = [], set()
    for i, record in enumerate(records):
        if isinstance(record, str | bytes) or not isinstance(record, tuple | list) \
                or len(record) != 3:
            raise InputError(f"record {i} should be an (item, annotator, label) triple; got "
                             f"{record!r}")
        item, annotator, label = record
        if label is None or item not in gold or gold[item] is None:
            continue
        if (item, annotator) in seen:
            raise InputError(f"annotator {annotator!r} labelled item {item!r} more than once; "
                             "give one label per annotator and item")
        seen.add((item, annotator))
        rows.append((item, annotator, gold[item], label))
    return rows


def _class_order(labels: list[Hashable], given: Sequence[Hashable] | None
                 ) -> tuple[Hashable, ...]:
    if given is not None:
        order = tuple(given)
        unknown = [label for label in dict.fromkeys(labels) if label not in set(order)]
        if unknown:
            raise InputError(f"labels {unknown[:5]!r} are not among the given classes "
                             f"{list(order)!r}")
        return order
    try:
        order = tuple(dict.fromkeys(labels))
    except TypeError:
        raise InputError("every label must be hashable (a string, number, …); got "
                         f"{next(x for x in labels if not isinstance(x, Hashable))!r}") from None
    try:
        return tuple(sorted(order))  # type: ignore[type-var]
    except TypeError:
        return order  # labels of mixed types: first-appearance order


def _unpack_annotation(annotation: Any, i: int) -> tuple[Hashable, Hashable, Sequence[Region]]:
    regions = annotation[2] if isinstance(annotation, tuple | list) and len(annotation) == 3 \
        else None
    if not isinstance(regions, tuple | list) or not all(isinstance(r, Region) for r in regions):
        raise InputError(f"annotation {i} should be an (item, annotator, regions) triple with "
                         "parsed Regions (accord.core.regions.parse_regions); got "
                         f"{annotation!r:.200}")
    return annotation[0], annotation[1], annotation[2]
