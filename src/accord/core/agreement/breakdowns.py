"""Agreement broken down per category (one against the rest) and per annotator pair (the
agreement matrix), vectorised over categories and over pairs.

Asked for with `breakdown="classes" | "pairs" | "all"` on any coefficient:

>>> from accord.core.agreement.categorical import cohen_kappa
>>> score = cohen_kappa([["a", "a", "b", "b"], ["a", "b", "b", "b"]], breakdown="classes")
>>> [(c.category, round(c.specific_agreement, 3)) for c in score.classes]
[('a', 0.667), ('b', 0.8)]
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np

from accord.core.agreement._data import MISSING, Ratings
from accord.core.agreement._statistics import Statistic, Triple, totals
from accord.core.agreement.results import ClassAgreement, PairwiseAgreement
from accord.core.errors import InputError

__all__ = ["classes_from_counts", "classes_from_table", "pairwise"]

_MAX_PAIR_CELLS = 1 << 26  # annotators² × categories² cells of the pair tables
_FEW_ANNOTATORS = 12  # up to this many, pairs are tabled one by one over all units
_UNDEFINED_CLASS = "every compared label is this category, or none is"


def classes_from_counts(binary: Statistic, rows: np.ndarray, frequency: np.ndarray,
                        categories: Sequence[Hashable]) -> tuple[ClassAgreement, ...]:
    """Per category c, `binary` (the coefficient for two categories) on the count rows
    binarised to (m_u - n_uc, n_uc); `rows` are the distinct count rows of the units the
    coefficient uses, `frequency` how many units have each."""
    k = rows.shape[1]
    m = rows.sum(axis=1)
    weights = frequency[None, :].astype(float)
    per_class = np.concatenate([  # one pass per category keeps memory at one count table
        totals(binary, np.stack([m - rows[:, c], rows[:, c]], axis=1), weights)
        for c in range(k)])
    values = binary.coefficient(per_class)[0]
    weight = frequency * (m >= 2)
    agreeing = weight @ (rows * (rows - 1))
    compared = weight @ (rows * (m - 1)[:, None])
    return tuple(_class_entry(categories[c], values[c], agreeing[c], compared[c],
                              int(frequency @ rows[:, c]), int(frequency @ (rows[:, c] > 0)))
                 for c in range(k))


def classes_from_table(coefficient: Callable[[np.ndarray], Triple], table: np.ndarray,
                       categories: Sequence[Hashable]) -> tuple[ClassAgreement, ...]:
    """Per category c, the two-annotator `coefficient` of the 2 × 2 table (c or not) made
    from the k × k contingency table: a both c, b only the first, c' only the second."""
    n = table.sum()
    both = np.diag(table).astype(float)
    only_first, only_second = table.sum(axis=1) - both, table.sum(axis=0) - both
    binary = np.empty((len(both), 2, 2))
    binary[:, 1, 1], binary[:, 1, 0], binary[:, 0, 1] = both, only_first, only_second
    binary[:, 0, 0] = n - both - only_first - only_second
    values = coefficient(binary)[0]
    return tuple(_class_entry(categories[c], values[c], 2 * both[c],
                              2 * both[c] + only_first[c] + only_second[c],
                              int(2 * both[c] + only_first[c] + only_second[c]),
                              int(both[c] + only_first[c] + only_second[c]))
                 for c in range(len(both)))


def _class_entry(category: Hashable, value: float, agreeing: float, compared: float,
                 n_labels: int, n_units: int) -> ClassAgreement:
    specific = float(agreeing) / float(compared) if compared > 0 else None
    if np.isnan(value):
        return ClassAgreement(category, None, _UNDEFINED_CLASS, specific, n_labels, n_units)
    return ClassAgreement(category, float(value), None, specific, n_labels, n_units)


def pair_tables(codes: np.ndarray, k: int) -> np.ndarray:
    """(annotators, annotators, k, k) float: tables[a, b, c, d] counts the units on which
    annotator a said c and annotator b said d, for a < b (zero elsewhere). With many
    annotators the labels are taken unit by unit (sparse data: each unit's labels side by
    side), every pair within a unit visited once per offset between their positions."""
    n_annotators = codes.shape[0]
    cells = n_annotators * n_annotators * k * k
    if cells > _MAX_PAIR_CELLS:
        raise InputError(
            f"the pair breakdown for {n_annotators} annotators and {k} categories needs "
            f"{cells:,} table cells, more than {_MAX_PAIR_CELLS:,}; ask for "
            "breakdown='classes' or compute pairs on a subset of annotators")
    if n_annotators <= _FEW_ANNOTATORS:
        return _dense_pair_tables(codes, k)
    unit, annotator = np.nonzero(codes.T != MISSING)  # unit-major, annotators ascending
    code = codes[annotator, unit]
    flat = np.zeros(cells, dtype=np.int64)
    for offset in range(1, n_annotators):
        same = unit[:-offset] == unit[offset:]
        if not same.any():
            break
        first, second = annotator[:-offset][same], annotator[offset:][same]
        key = ((first * n_annotators + second) * k + code[:-offset][same]) * k + code[
            offset:][same]
        flat += np.bincount(key, minlength=cells)
    return flat.reshape(n_annotators, n_annotators, k, k).astype(float)


def _dense_pair_tables(codes: np.ndarray, k: int) -> np.ndarray:
    """pair_tables for a few annotators: one bincount per pair over all units."""
    n_annotators = codes.shape[0]
    tables = np.zeros((n_annotators, n_annotators, k, k))
    for a in range(n_annotators):
        for b in range(a + 1, n_annotators):
            both = (codes[a] != MISSING) & (codes[b] != MISSING)
            key = np.where(both, codes[a] * k + codes[b], k * k)
            tables[a, b] = np.bincount(key, minlength=k * k + 1)[:-1].reshape(k, k)
    return tables


def pairwise(ratings: Ratings, metric: str,
             coefficient: Callable[[np.ndarray], Triple]) -> PairwiseAgreement:
    """The agreement matrix: `coefficient` (of contingency tables (..., k, k)) for every
    pair of annotators on the units both labelled, vectorised over the pairs."""
    n_annotators, k = ratings.n_annotators, len(ratings.categories)
    tables = pair_tables(ratings.codes, k)
    first, second = np.triu_indices(n_annotators, 1)
    upper = tables[first, second]
    values = coefficient(upper)[0] if k else np.full(first.size, np.nan)
    matrix = np.full((n_annotators, n_annotators), np.nan)
    matrix[first, second] = matrix[second, first] = values
    shared = np.zeros((n_annotators, n_annotators), dtype=np.int64)
    shared[first, second] = shared[second, first] = upper.sum(axis=(-2, -1))
    np.fill_diagonal(shared, np.count_nonzero(ratings.codes != MISSING, axis=1))
    return PairwiseAgreement(
        ratings.annotator_ids, metric,
        tuple(tuple(None if np.isnan(v) else float(v) for v in row) for row in matrix),
        tuple(tuple(int(c) for c in row) for row in shared))
