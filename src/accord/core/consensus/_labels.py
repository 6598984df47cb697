"""Consensus input: what `accord.core.agreement` reads, plus who the annotators are.

`read_ratings` gives the annotators × units codes; consensus also needs the annotators'
names (for weights and confusion matrices) and the labels as flat (unit, annotator, code)
triples, sorted by unit, which is what the vectorised algorithms work on.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.agreement._data import MISSING, Ratings, read_ratings


@dataclass(frozen=True, slots=True)
class Labels:
    ratings: Ratings
    annotators: tuple[Hashable, ...]  # row i of ratings.codes is annotators[i]
    unit: np.ndarray  # (n_labels,) int64 unit index, sorted ascending
    annotator: np.ndarray  # (n_labels,) int64 annotator index
    code: np.ndarray  # (n_labels,) int64 category code
    from_matrix: bool  # read from a reliability matrix (else from records)

    @property
    def n_categories(self) -> int:
        return len(self.ratings.categories)

    def votes(self) -> np.ndarray:
        """(units, categories) int64: how many annotators gave each unit each category."""
        return self.ratings.unit_counts()

    def n_votes(self) -> np.ndarray:
        """(units,) int64: how many labels each unit received."""
        return np.bincount(self.unit, minlength=self.ratings.n_units)


def read_labels(data: Any, categories: Iterable[Hashable] | None = None) -> Labels:
    """A reliability matrix (annotators are its rows, named 0, 1, …) or `(unit, annotator,
    label)` records (annotators named as given), read by `agreement._data.read_ratings`."""
    if not isinstance(data, (np.ndarray, str, bytes, Mapping)) and isinstance(data, Iterable):
        data = list(data)  # read twice below: once for the codes, once for the annotators
    ratings = read_ratings(data, categories)
    is_matrix = isinstance(data, np.ndarray) or (
        bool(data) and all(isinstance(row, (list, np.ndarray)) for row in data))
    if is_matrix:
        annotators: tuple[Hashable, ...] = tuple(range(ratings.n_annotators))
    else:  # read_ratings numbers annotators in order of first appearance
        annotators = tuple(dict.fromkeys(record[1] for record in data))
    unit, annotator = np.nonzero(ratings.codes.T != MISSING)  # unit-major: sorted by unit
    code = ratings.codes[annotator, unit]
    return Labels(ratings, annotators, unit.astype(np.int64), annotator.astype(np.int64), code,
                  is_matrix)
