"""Agreement on relations between regions (e.g. "works for" from one entity span to another):
F1 of relations matched through their matched ends.

For every unit and pair of annotators who both annotated it, the regions the relations
connect are first matched one-to-one, label by label, as regions are for their own agreement
(`matching.match_regions`: same class, overlap >= `threshold`, maximum total overlap; spans by
character IoU). A relation of the first annotator, from region f to region t with class c,
agrees with one of the second's from f' to t' with class c when f is matched to f' and t to
t' (the direction counts); relations are paired one-to-one. With m such pairs out of n_first
and n_second relations, F1 = 2 m / (n_first + n_second), precision = m / n_second, recall =
m / n_first, summed over units (micro) overall, per relation class and per annotator pair;
`macro_f1` is the mean of the per-class F1s.

>>> from accord.core.regions import parse_regions
>>> def answer(*spans, relations=()):
...     return parse_regions(
...         [{"id": i, "label": "ner", "type": "span",
...           "value": {"class": c, "start": s, "end": e}} for i, c, s, e in spans]
...         + [{"id": f"r{k}", "label": "rel", "type": "relation",
...             "value": {"from": a, "to": b, "class": c}} for k, (a, b, c) in enumerate(relations)])
>>> ann = answer(("p", "PER", 0, 3), ("o", "ORG", 10, 14), relations=[("p", "o", "works_for")])
>>> bob = answer(("x", "PER", 0, 3), ("y", "ORG", 10, 15), relations=[("x", "y", "works_for")])
>>> relation_agreement({"doc": {"ann": ann, "bob": bob}}, label="rel").overall.f1
1.0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np

from accord.core.agreement._units import AnnotatorOrder, units_of
from accord.core.agreement.regions import DetectionScore
from accord.core.errors import InputError
from accord.core.matching import Similarity, match_regions
from accord.core.regions import Region, RelationValue

__all__ = ["RelationAgreement", "relation_agreement"]


@dataclass(frozen=True, slots=True)
class RelationAgreement:
    """Relation agreement summed over units and annotator pairs; `pair_f1[x][y]` as in
    `RegionAgreement` (None on the diagonal)."""

    overall: DetectionScore
    per_class: Mapping[Hashable, DetectionScore]
    per_pair: Mapping[tuple[Hashable, Hashable], DetectionScore]
    macro_f1: float | None  # the mean of the per-class F1s
    annotators: tuple[Hashable, ...]
    pair_f1: tuple[tuple[float | None, ...], ...]
    n_units: int


def _relations(regions: Sequence[Region], label: str | None, where: str
               ) -> tuple[list[tuple[str, str, Hashable]], dict[str, list[Region]]]:
    """The relations (of `label`, or all) as (from, to, class), and the regions they connect
    grouped by label."""
    for r in regions:
        if not isinstance(r, Region):
            raise InputError(f"{where} must hold parsed regions; got {r!r:.80}")
    ids = {r.id: r for r in regions}
    found: list[tuple[str, str, Hashable]] = []
    for r in regions:
        if isinstance(r.value, RelationValue) and (label is None or r.label == label):
            found.append((r.value.from_id, r.value.to_id, r.value.class_name))
    ends = {end for f, t, _ in found for end in (f, t) if end in ids}
    by_label: dict[str, list[Region]] = {}
    for end in sorted(ends):
        by_label.setdefault(ids[end].label, []).append(ids[end])
    return found, by_label


def _end_matching(a: dict[str, list[Region]], b: dict[str, list[Region]], threshold: float,
                  similarity: Similarity | None) -> dict[str, str]:
    """The first annotator's relation ends matched to the second's, label by label."""
    partner: dict[str, str] = {}
    for name in a.keys() & b.keys():
        matching = match_regions(a[name], b[name], threshold=threshold, similarity=similarity)
        partner.update((a[name][p.a].id, b[name][p.b].id) for p in matching.pairs)
    return partner


def relation_agreement(data: Mapping[Hashable, Mapping[Hashable, Sequence[Region]]], *,
                       label: str | None = None, threshold: float = 0.5,
                       similarity: Similarity | None = None,
                       annotators: Sequence[Hashable] | None = None) -> RelationAgreement:
    """Pairwise agreement on relations (see the module docstring).

    `data` maps each unit to `{annotator: the answer's regions}` (the relations and the
    regions they connect); `label` picks one relation label (default: every relation).
    `similarity(a, b)` replaces the overlap of `overlap.region_similarity` for the ends.
    """
    order = AnnotatorOrder(annotators)
    read = []
    for unit, by_annotator in units_of(data, "relation_agreement", "regions"):
        for name in by_annotator:
            order.position(name, f"unit {unit!r}", "regions")
        read.append({name: _relations(regions, label, f"unit {unit!r}, annotator {name!r}")
                     for name, regions in by_annotator.items()})
    names = order.names
    pairs = tuple(combinations(range(len(names)), 2))
    counts: dict[tuple[int, Hashable], np.ndarray] = {}
    n_units = 0
    for answers in read:
        compared = False
        for p, (x, y) in enumerate(pairs):
            if names[x] not in answers or names[y] not in answers:
                continue
            compared = True
            (first, first_ends), (second, second_ends) = answers[names[x]], answers[names[y]]
            partner = _end_matching(first_ends, second_ends, threshold, similarity)
            moved = Counter((partner.get(f), partner.get(t), c) for f, t, c in first)
            agreed = moved & Counter(second)
            for column, counter in ((0, Counter(c for _, _, c in agreed.elements())),
                                    (1, Counter(c for _, _, c in first)),
                                    (2, Counter(c for _, _, c in second))):
                for cls, k in counter.items():
                    counts.setdefault((p, cls), np.zeros(4))[column] += k
        n_units += compared
    return _summarise(counts, names, pairs, n_units)


def _score(row: np.ndarray) -> DetectionScore:
    score = DetectionScore.from_counts(int(row[0]), int(row[1]), int(row[2]), 0.0)
    return replace(score, mean_iou=None)


def _summarise(counts: Mapping[tuple[int, Hashable], np.ndarray], names: tuple[Hashable, ...],
               pairs: tuple[tuple[int, int], ...], n_units: int) -> RelationAgreement:
    by_pair = {p: np.zeros(4) for p in range(len(pairs))}
    by_class: dict[Hashable, np.ndarray] = {}
    for (p, cls), row in counts.items():
        by_pair[p] += row
        by_class.setdefault(cls, np.zeros(4))[:] += row
    per_pair = {(names[x], names[y]): _score(by_pair[p]) for p, (x, y) in enumerate(pairs)}
    matrix: list[list[float | None]] = [[None] * len(names) for _ in names]
    for (x, y), s in zip(pairs, per_pair.values(), strict=True):
        matrix[x][y] = matrix[y][x] = s.f1
    overall = _score(sum(by_pair.values(), np.zeros(4)))
    if n_units == 0:
        overall = replace(overall, undefined_because="no unit was annotated by two annotators")
    per_class = {c: _score(r) for c, r in by_class.items()}
    f1s = [s.f1 for s in per_class.values() if s.f1 is not None]
    return RelationAgreement(overall, per_class, per_pair, sum(f1s) / len(f1s) if f1s else None,
                             names, tuple(tuple(row) for row in matrix), n_units)
