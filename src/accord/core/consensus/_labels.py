"""Consensus input: what `accord.core.agreement` reads, as flat labels with named annotators.

A reliability matrix or records are read by `read_ratings` into the annotators × units codes,
whose given labels become flat (unit, annotator, code) triples in annotator-major order; a
`LongForm` is coded straight into such triples (`read_long_form`), in input order, without
the dense array. The vectorised algorithms work on the triples only; those that add up float
weights take them `by_annotator()`, so that every unit's sums run in the same order (and
round alike) whichever of the three inputs gave them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from accord.core.agreement._data import MISSING, LongForm, read_long_form, read_ratings


@dataclass(frozen=True, slots=True)
class Labels:
    categories: tuple[Hashable, ...]
    units: Sequence[Hashable]  # ids, or range(n) for a matrix
    annotators: tuple[Hashable, ...]  # annotator index i is annotators[i]
    unit: np.ndarray  # (n_labels,) int64 unit index
    annotator: np.ndarray  # (n_labels,) int64 annotator index
    code: np.ndarray  # (n_labels,) int64 category code
    from_matrix: bool  # read from a reliability matrix (else from records or long form)
    annotator_major: bool  # triples ordered by annotator (a unit's labels by annotator)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def by_annotator(self) -> Labels:
        """The triples ordered by annotator, stably (a radix sort of small codes)."""
        if self.annotator_major:
            return self
        small = self.annotator.astype(np.uint16) if len(self.annotators) <= 1 << 16 \
            else self.annotator
        order = np.argsort(small, kind="stable")
        return replace(self, unit=self.unit[order], annotator=self.annotator[order],
                       code=self.code[order], annotator_major=True)

    def n_votes(self) -> np.ndarray:
        """(units,) int64: how many labels each unit received."""
        return np.bincount(self.unit, minlength=self.n_units)


def read_labels(data: Any, categories: Iterable[Hashable] | None = None) -> Labels:
    """A reliability matrix (annotators are its rows, named 0, 1, …), `(unit, annotator,
    label)` records or a `LongForm` (annotators named as given)."""
    if isinstance(data, LongForm):
        t = read_long_form(data, categories)
        return Labels(t.categories, t.units, t.annotators, t.unit, t.annotator, t.code, False,
                      False)
    ratings = read_ratings(data, categories)
    flat = np.flatnonzero(ratings.codes != MISSING)  # faster than a 2-D nonzero
    annotator, unit = np.divmod(flat, max(ratings.n_units, 1))
    code = ratings.codes.reshape(-1)[flat]
    return Labels(ratings.categories, ratings.units, ratings.annotator_ids, unit, annotator,
                  code, ratings.annotators is None, True)
