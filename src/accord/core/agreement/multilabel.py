"""Agreement on multi-label items: each annotator gives a unit a set of classes.

Input is a reliability matrix whose cells are sets (a set, frozenset, list or tuple of
classes; None or NaN where the annotator gave no answer; an empty set is an answer: none of
the classes), or records `(unit, annotator, classes)` given as tuples. Two views:

- `per_class_agreement`: every class becomes a binary label, present or absent, for each
  unit and annotator who answered, and any categorical coefficient is computed per class;
- `set_alpha`: Krippendorff's alpha on the sets themselves with a set distance, MASI
  (Passonneau 2006, "Measuring Agreement on Set-valued Items (MASI) for Semantic and
  Pragmatic Annotation") or Jaccard, used as the difference function delta.

>>> data = [[{"a"}, {"b"}], [{"a", "b"}, {"b"}]]
>>> round(set_alpha(data).value, 6)
0.5
>>> per_class_agreement(data, metric="percent").score("a").value
1.0
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from accord.core.agreement import _statistics as st
from accord.core.agreement._bootstrap import check_interval_options, percentile_interval
from accord.core.agreement._data import read_ratings
from accord.core.agreement.categorical import COEFFICIENTS, Metric
from accord.core.agreement.results import AgreementScore
from accord.core.errors import InputError

__all__ = [
    "MultiLabelAgreement",
    "jaccard_distance",
    "masi_distance",
    "per_class_agreement",
    "set_alpha",
]

SetDistance = Literal["masi", "jaccard"]


@dataclass(frozen=True, slots=True)
class MultiLabelAgreement:
    """One binary (present / absent) coefficient per class, in class order."""

    metric: str
    classes: tuple[Hashable, ...]
    scores: tuple[AgreementScore, ...]

    def score(self, name: Hashable) -> AgreementScore:
        """The agreement on one class."""
        if name not in self.classes:
            raise InputError(f"class {name!r} is not among {list(self.classes)!r}")
        return self.scores[self.classes.index(name)]


def masi_distance(first: Iterable[Hashable], second: Iterable[Hashable]) -> float:
    """1 - J * M (Passonneau 2006): J = |A & B| / |A | B|, M = 1 if A = B, 2/3 if one
    contains the other, 1/3 if they only overlap, 0 if disjoint; 0 for two empty sets."""
    a, b = frozenset(first), frozenset(second)
    return float(_set_distances(np.array([[len(a & b)]]), np.array([len(a)]),
                                np.array([len(b)]), "masi")[0, 0])


def jaccard_distance(first: Iterable[Hashable], second: Iterable[Hashable]) -> float:
    """1 - |A & B| / |A | B|; 0 for two empty sets."""
    a, b = frozenset(first), frozenset(second)
    return float(_set_distances(np.array([[len(a & b)]]), np.array([len(a)]),
                                np.array([len(b)]), "jaccard")[0, 0])


def _set_distances(shared: np.ndarray, sizes_a: np.ndarray, sizes_b: np.ndarray,
                   distance: SetDistance) -> np.ndarray:
    """Distances between every set of one list and every set of another, from the sizes of
    their intersections `shared` (a × b) and their own sizes."""
    small, large = np.minimum.outer(sizes_a, sizes_b), np.maximum.outer(sizes_a, sizes_b)
    union = small + large - shared
    jaccard = np.where(union > 0, shared / np.where(union > 0, union, 1), 1.0)
    if distance == "jaccard":
        return 1.0 - jaccard
    monotonicity = np.select([(shared == small) & (small == large), shared == small,
                              shared > 0], [1.0, 2.0 / 3.0, 1.0 / 3.0], 0.0)
    return 1.0 - jaccard * monotonicity


def _as_set(value: Any, where: str) -> frozenset[Hashable] | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (set, frozenset, list, tuple)):
        try:
            return frozenset(value)
        except TypeError:
            raise InputError(f"{where}: every class must be hashable; got {value!r}") from None
    raise InputError(f"{where}: a multi-label answer must be a set, list or tuple of classes "
                     f"(None where there is no answer); got {value!r}")


def _read_sets(data: Any) -> list[Any]:
    """Records with frozenset labels, or matrix rows of frozensets, for `read_ratings`."""
    if isinstance(data, np.ndarray):
        data = data.tolist()
    if isinstance(data, (str, bytes, Mapping)) or not isinstance(data, Iterable):
        raise InputError("multi-label input must be a reliability matrix of sets or records "
                         f"(unit, annotator, classes); got {type(data).__name__}")
    rows = list(data)
    if rows and all(isinstance(row, list) for row in rows):
        return [[_as_set(cell, f"annotator row {a}, unit {u}") for u, cell in enumerate(row)]
                for a, row in enumerate(rows)]
    records = []
    for i, record in enumerate(rows):
        if not isinstance(record, tuple) or len(record) != 3:
            raise InputError(f"record {i} should be a (unit, annotator, classes) tuple; got "
                             f"{record!r}")
        records.append((record[0], record[1], _as_set(record[2], f"record {i}")))
    return records


def _set_order(answers: Iterable[frozenset[Hashable]]) -> list[frozenset[Hashable]]:
    """Distinct sets in a stable order: by size, then by their classes' text."""
    return sorted(set(answers), key=lambda s: (len(s), sorted(map(repr, s))))


def _answers(data: list[Any]) -> list[frozenset[Hashable]]:
    if data and isinstance(data[0], list):
        return [cell for row in data for cell in row if cell is not None]
    return [label for _, _, label in data if label is not None]


def per_class_agreement(data: Any, *, metric: Metric = "krippendorff",
                        classes: Iterable[Hashable] | None = None,
                        **options: Any) -> MultiLabelAgreement:
    """Agreement per class: for each class, every answer becomes 1.0 (the class is in the
    set) or 0.0 (it is not), missing answers stay missing, and `metric` is computed on that
    binary matrix (`krippendorff` is nominal alpha). `classes` fixes the classes and their
    order (default: those that occur, sorted when they can be); a class nobody chose gets the
    undefined score its metric gives to a single category. `options` go to the metric
    (e.g. `confidence=0.95`, `breakdown="pairs"`)."""
    if metric not in COEFFICIENTS:
        raise InputError(f"metric must be one of {sorted(COEFFICIENTS)}; got {metric!r}")
    records = _read_sets(data)
    ratings = read_ratings(records, _set_order(_answers(records)))
    sets = [frozenset(s) for s in ratings.categories]  # type: ignore[arg-type]
    present = sorted({c for s in sets for c in s}, key=repr) if classes is None else list(
        classes)
    if classes is None:
        try:
            present = sorted(present)
        except TypeError:
            pass
    codes = ratings.codes
    scores = []
    for name in present:
        has = np.array([name in s for s in sets] + [False], dtype=float)  # [-1]: missing
        binary = np.where(codes >= 0, has[codes], np.nan)
        score = COEFFICIENTS[metric](binary, **options)
        if score.pairs is not None:  # the binary matrix numbers annotators; name them back
            score = replace(score, pairs=replace(score.pairs, annotators=ratings.annotator_ids))
        scores.append(score)
    return MultiLabelAgreement(metric, tuple(present), tuple(scores))


def set_alpha(data: Any, *, distance: SetDistance = "masi", confidence: float | None = None,
              resamples: int = 1000, seed: int | None = 0) -> AgreementScore:
    """Krippendorff's alpha on set-valued answers with `distance` ("masi" or "jaccard") as
    the difference function: alpha = 1 - Do / De from the coincidences of the distinct sets
    over pairable units, Do = sum o[A, B] d(A, B) / n, De = sum n_A n_B d(A, B) / (n (n - 1)),
    as Passonneau (2006) and NLTK's `AnnotationTask(distance=masi_distance).alpha()` do.
    Undefined with no unit answered twice, or when every pairable answer is the same set
    (NLTK returns 1.0 there). With singletons only, it is nominal alpha. `confidence` as for
    the categorical coefficients (a percentile bootstrap over pairable units)."""
    if distance not in ("masi", "jaccard"):
        raise InputError(f"distance must be 'masi' or 'jaccard'; got {distance!r}")
    check_interval_options(confidence, resamples, seed)
    records = _read_sets(data)
    ratings = read_ratings(records, _set_order(_answers(records)))
    rows, frequency = ratings.unit_profiles()
    pairable = rows.sum(axis=1) >= 2
    rows, frequency = rows[pairable], frequency[pairable]
    if frequency.size == 0:
        return AgreementScore(None, 0, "no unit has two or more answers to pair")
    sets = [frozenset(s) for s in ratings.categories]  # type: ignore[arg-type]
    statistic = st.distance_statistic(_distance_matrix(sets, distance), len(sets))
    total = st.totals(statistic, rows, frequency[None, :].astype(float))[0]
    value, observed, expected = (float(x) for x in statistic.coefficient(total))
    n_units = int(frequency.sum())
    if math.isnan(value):
        return AgreementScore(None, n_units, "all pairable answers are the same set")
    interval = None if confidence is None else percentile_interval(
        statistic, rows, frequency, confidence, resamples, seed)
    return AgreementScore(value, n_units, None, observed, expected, interval=interval)


def _distance_matrix(sets: list[frozenset[Hashable]], distance: SetDistance) -> np.ndarray:
    """d(A, B) between the distinct sets, vectorised over a sets × classes incidence."""
    classes = {c: i for i, c in enumerate({c for s in sets for c in s})}
    incidence = np.zeros((len(sets), max(len(classes), 1)))
    for i, s in enumerate(sets):
        incidence[i, [classes[c] for c in s]] = 1.0
    sizes = incidence.sum(axis=1)
    return _set_distances(incidence @ incidence.T, sizes, sizes, distance)
