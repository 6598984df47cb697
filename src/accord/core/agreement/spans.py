"""Agreement between annotators on text spans (named entities and the like): exact and overlap F1.

A span is `{"class", "start", "end"}` in character offsets, `end` exclusive (docs/regions.md):
a parsed `Region` of type span, a `SpanValue`, or a mapping with those keys. For every text
and every pair of annotators who both annotated it, spans of one class are paired one-to-one:

- `match="exact"`: a pair needs the same class, start and end (MUC/CoNLL "exact match",
  Tjong Kim Sang and De Meulder 2003);
- `match="overlap"`: a pair needs the same class and at least one shared character; among
  the one-to-one pairings the one with the most pairs is taken, and among those the one with
  the largest total character IoU (an optimal assignment). This is the "partial"/"overlap"
  match of SemEval-2013 task 9.1 (Segura-Bedmar et al. 2013) with the class required, as a
  one-to-one matching, so a long span overlapping two short ones counts once.

With `m` pairs out of `n_first` and `n_second` spans, precision = m / n_second, recall =
m / n_first (the pair's first annotator as the reference), F1 = 2 m / (n_first + n_second).
Counts are summed over texts and pairs (micro) overall, per class and per annotator pair;
`macro_f1` is the mean of the per-class F1s. Undefined (None) cases as in
`agreement.regions`: F1 when nobody marked anything, mean IoU when nothing matched.

>>> data = {"t1": {"ann": [{"class": "PER", "start": 0, "end": 5}],
...                "bob": [{"class": "PER", "start": 0, "end": 4}]}}
>>> span_agreement(data).overall.f1, span_agreement(data, match="overlap").overall.f1
(0.0, 1.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any, Literal

import numpy as np

from accord.core.agreement._units import AnnotatorOrder, units_of
from accord.core.agreement.regions import DetectionScore
from accord.core.errors import InputError
from accord.core.regions import Region, SpanValue

__all__ = ["SpanAgreement", "SpanMatch", "span_agreement"]

SpanMatch = Literal["exact", "overlap"]
Span = tuple[Hashable, int, int]  # class, start, end


@dataclass(frozen=True, slots=True)
class SpanAgreement:
    """Span agreement summed over texts and annotator pairs; `pair_f1[x][y]` as in
    `RegionAgreement` (None on the diagonal)."""

    match: SpanMatch
    overall: DetectionScore
    per_class: Mapping[Hashable, DetectionScore]
    per_pair: Mapping[tuple[Hashable, Hashable], DetectionScore]
    macro_f1: float | None
    annotators: tuple[Hashable, ...]
    pair_f1: tuple[tuple[float | None, ...], ...]
    n_units: int


def _read_span(span: Any, where: str) -> Span:
    value = span.value if isinstance(span, Region) else span
    if isinstance(value, SpanValue):
        cls, start, end = value.class_name, value.start, value.end
    elif isinstance(value, Mapping) and {"class", "start", "end"} <= set(value):
        cls, start, end = value["class"], value["start"], value["end"]
    else:
        raise InputError(f"{where} must be a span {{'class', 'start', 'end'}} or a span "
                         f"region; got {span!r:.80}")
    if not all(isinstance(v, int | np.integer) and not isinstance(v, bool)
               for v in (start, end)) or end <= start or start < 0:
        raise InputError(f"{where} must have integer offsets 0 <= start < end; got start "
                         f"{start!r}, end {end!r}")
    return (cls, int(start), int(end))


def _exact_pairs(a: list[Span], b: list[Span]) -> tuple[Counter[Hashable], Counter[Hashable]]:
    """Matched spans per class, and their IoU sums (1 each)."""
    matched: Counter[Hashable] = Counter()
    for (cls, _, _), k in (Counter(a) & Counter(b)).items():
        matched[cls] += k
    return matched, Counter(matched)


def _overlap_pairs(a: list[Span], b: list[Span]) -> tuple[Counter[Hashable], Counter[Hashable]]:
    """Per class, the most one-to-one overlapping pairs (ties by total character IoU), and
    the sum of their IoUs."""
    matched: Counter[Hashable] = Counter()
    iou_sum: Counter[Hashable] = Counter()
    for cls in {s[0] for s in a} & {s[0] for s in b}:
        first = np.array([s[1:] for s in a if s[0] == cls], dtype=float)
        second = np.array([s[1:] for s in b if s[0] == cls], dtype=float)
        inter = np.maximum(np.minimum(first[:, None, 1], second[None, :, 1])
                           - np.maximum(first[:, None, 0], second[None, :, 0]), 0.0)
        union = ((first[:, 1] - first[:, 0])[:, None] + (second[:, 1] - second[:, 0])[None]
                 - inter)
        iou = inter / union  # spans are non-empty, so union > 0
        # A pair is worth more than any sum of IoUs: the most pairs first, then IoU.
        weight = np.where(inter > 0, min(iou.shape) + 1.0 + iou, 0.0)
        from scipy.optimize import linear_sum_assignment  # slow to import: see matching

        rows, cols = linear_sum_assignment(weight, maximize=True)
        keep = inter[rows, cols] > 0
        matched[cls] += int(keep.sum())
        iou_sum[cls] += float(iou[rows[keep], cols[keep]].sum())
    return matched, iou_sum


def _read_units(data: Any, annotators: Sequence[Hashable] | None
                ) -> tuple[list[dict[Hashable, list[Span]]], tuple[Hashable, ...]]:
    order = AnnotatorOrder(annotators)
    units = []
    for unit, by_annotator in units_of(data, "span_agreement", "spans", lists="span lists"):
        read = {}
        for annotator, spans in by_annotator.items():
            order.position(annotator, f"unit {unit!r}", "spans")
            read[annotator] = [_read_span(s, f"unit {unit!r}, annotator {annotator!r}, "
                                             f"span {i}") for i, s in enumerate(spans)]
        units.append(read)
    return units, order.names


def span_agreement(data: Mapping[Hashable, Mapping[Hashable, Sequence[Any]]], *,
                   match: SpanMatch = "exact",
                   annotators: Sequence[Hashable] | None = None) -> SpanAgreement:
    """Pairwise span agreement, exact or overlap (see the module docstring).

    `data` maps each text to `{annotator: spans}` for the annotators who annotated it (an
    empty list: annotated, nothing marked). `annotators` fixes their order, else the order
    of first appearance.
    """
    if match not in ("exact", "overlap"):
        raise InputError(f"match must be 'exact' or 'overlap'; got {match!r}")
    units, names = _read_units(data, annotators)
    pair_match = _exact_pairs if match == "exact" else _overlap_pairs
    pairs = tuple(combinations(range(len(names)), 2))
    # Per (pair, class): matched, first, second, IoU sum of the matched.
    counts: dict[tuple[int, Hashable], np.ndarray] = {}
    n_units = 0
    for spans in units:
        compared = False
        for p, (x, y) in enumerate(pairs):
            if names[x] not in spans or names[y] not in spans:
                continue
            compared = True
            a, b = spans[names[x]], spans[names[y]]
            matched, iou_sum = pair_match(a, b)
            for column, counter in ((1, Counter(s[0] for s in a)),
                                    (2, Counter(s[0] for s in b)), (0, matched), (3, iou_sum)):
                for cls, k in counter.items():
                    counts.setdefault((p, cls), np.zeros(4))[column] += k
        n_units += compared
    return _summarise(match, counts, names, pairs, n_units)


def _score(row: np.ndarray) -> DetectionScore:
    return DetectionScore.from_counts(int(row[0]), int(row[1]), int(row[2]), float(row[3]))


def _summarise(match: SpanMatch, counts: Mapping[tuple[int, Hashable], np.ndarray],
               names: tuple[Hashable, ...], pairs: tuple[tuple[int, int], ...],
               n_units: int) -> SpanAgreement:
    by_pair = {p: np.zeros(4) for p in range(len(pairs))}
    by_class: dict[Hashable, np.ndarray] = {}
    for (p, cls), row in counts.items():
        by_pair[p] += row
        by_class.setdefault(cls, np.zeros(4))[:] += row
    per_pair = {(names[x], names[y]): _score(by_pair[p]) for p, (x, y) in enumerate(pairs)}
    per_class = {cls: _score(row) for cls, row in by_class.items()}
    f1s = [s.f1 for s in per_class.values() if s.f1 is not None]
    matrix: list[list[float | None]] = [[None] * len(names) for _ in names]
    for (x, y), s in zip(pairs, per_pair.values(), strict=True):
        matrix[x][y] = matrix[y][x] = s.f1
    overall = _score(sum(by_pair.values(), np.zeros(4)))
    if n_units == 0:
        overall = replace(overall, undefined_because="no text was annotated by two annotators")
    return SpanAgreement(match, overall, per_class, per_pair,
                         sum(f1s) / len(f1s) if f1s else None, names,
                         tuple(tuple(row) for row in matrix), n_units)
