"""Consensus input: what `accord.core.agreement` reads, plus who the annotators are.

`read_ratings` gives the annotators × units codes; consensus also needs the annotators'
names (for weights and confusion matrices) and the labels as flat (unit, annotator, code)
triples, which is what the vectorised algorithms work on.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.agreement._data import MISSING, Ratings, read_ratings


@dataclass(frozen=True, slots=True)
class Labels:
    ratings: Ratings
    annotators: tuple[Hashable, ...]  # row i of ratings.codes is annotators[i]
    unit: np.ndarray  # (n_labels,) int64 unit index; triples in annotator-major order
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
    ratings = read_ratings(data, categories)
    flat = np.flatnonzero(ratings.codes != MISSING)  # faster than a 2-D nonzero
    annotator, unit = np.divmod(flat, max(ratings.n_units, 1))
    code = ratings.codes.reshape(-1)[flat]
    return Labels(ratings, ratings.annotator_ids, unit, annotator, code,
                  ratings.annotators is None)
