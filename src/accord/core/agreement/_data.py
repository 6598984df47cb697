"""Reading agreement input: a reliability matrix or long-form records, into integer codes.

Both shapes end as `Ratings`: an annotators × units array of category codes (-1 where an
annotator gave no label), the categories in order, and their numeric values when every
label is a number. The metrics then work on codes only, with NumPy.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.errors import InputError

MISSING = -1
_FEW_CATEGORIES = 16  # below both, unit_counts compares codes instead of bincounting
_FEW_ANNOTATORS = 32
_SMALL_INTEGER_SPAN = 4096  # integral labels within this span are coded by subtraction
_CHUNK_CELLS = 1 << 15  # matrix cells coded at once: a few hundred kB, in cache
_BINCOUNT_KEYS = 1 << 24  # profile keys below this are counted with bincount, not sorted


@dataclass(frozen=True, slots=True)
class Ratings:
    codes: np.ndarray  # (annotators, units) int64; MISSING where no label was given
    categories: tuple[Hashable, ...]  # in order: numeric order, or as given by `categories=`
    values: np.ndarray | None  # float value of each category, when all are numbers
    ordered: bool  # categories have a meaningful order (numbers, or an explicit order)
    units: Sequence[Hashable]  # how to name a unit in messages: ids, or range(n) for a matrix
    annotators: tuple[Hashable, ...] | None = None  # row names; None: the row indices

    @property
    def n_annotators(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[1])

    @property
    def annotator_ids(self) -> tuple[Hashable, ...]:
        """How to name each row: the annotators as given in records, else row indices."""
        return self.annotators if self.annotators is not None else tuple(
            range(self.n_annotators))

    def unit_profiles(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct rows of `unit_counts()` (in key order) and how many units have each.

        With few annotators and categories a unit's row is keyed as sum_a base**code_a
        (base = annotators + 1), straight from the codes, and the keys are bincounted."""
        k, base = len(self.categories), self.n_annotators + 1
        if 0 in (self.n_units, self.n_annotators, k) or base**k > _BINCOUNT_KEYS:
            return count_profiles(self.unit_counts())
        powers = base ** np.arange(k, dtype=np.int64)
        lookup = np.append(powers, 0)  # code -1 (missing) adds nothing
        keys = lookup[self.codes[0]]
        for row in self.codes[1:]:
            keys += lookup[row]
        tally = np.bincount(keys)
        used = np.flatnonzero(tally)
        return (used[:, None] // powers[None, :]) % base, tally[used].astype(np.int64)

    def unit_counts(self) -> np.ndarray:
        """(units, categories) array: how many annotators gave each unit each category."""
        n_units, n_categories = self.n_units, len(self.categories)
        if n_categories <= _FEW_CATEGORIES and self.n_annotators <= _FEW_ANNOTATORS:
            # one comparison per annotator and category beats sorting or bincounting 5M cells
            counts = np.zeros((n_categories, n_units), dtype=np.int32)
            for row in self.codes:
                for category in range(n_categories):
                    counts[category] += row == category
            return counts.T
        valid = self.codes != MISSING
        unit_index = np.broadcast_to(np.arange(n_units), self.codes.shape)[valid]
        flat = np.bincount(unit_index * n_categories + self.codes[valid],
                           minlength=n_units * n_categories)
        return flat.reshape(n_units, n_categories)


def count_profiles(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a (units, k) count table, in key order, and how many units have
    each; small tables are keyed arithmetically (base max+1) and counted without a sort."""
    n, k = counts.shape
    if n == 0 or k == 0:
        return np.zeros((0, k), dtype=np.int64), np.zeros(0, dtype=np.int64)
    base = int(counts.max()) + 1
    if base**k >= 1 << 62:
        rows, frequency = np.unique(counts, axis=0, return_counts=True)
        return rows.astype(np.int64), frequency
    powers = base ** np.arange(k, dtype=np.int64)
    keys = counts @ powers
    if base**k <= _BINCOUNT_KEYS:
        tally = np.bincount(keys)
        used = np.flatnonzero(tally)
        used_keys, frequency = used, tally[used]
    else:
        used_keys, frequency = np.unique(keys, return_counts=True)
    rows = (used_keys[:, None] // powers[None, :]) % base
    return rows, frequency.astype(np.int64)


def _is_missing(label: Any) -> bool:
    return label is None or (isinstance(label, float) and math.isnan(label))


def _is_number(label: Any) -> bool:
    return isinstance(label, numbers.Real)


def read_ratings(data: Any, categories: Iterable[Hashable] | None = None) -> Ratings:
    """A reliability matrix (rows are lists or arrays, or a 2-D ndarray: one row per annotator,
    one column per unit) or records (any other rows: `(unit, annotator, label)` triples)."""
    if isinstance(data, np.ndarray):
        return _read_matrix(data, categories)
    if isinstance(data, (str, bytes, Mapping)) or not isinstance(data, Iterable):
        raise InputError(
            "agreement input must be a reliability matrix (a list of lists or a 2-D array, one "
            "row per annotator) or records ((unit, annotator, label) tuples); got "
            f"{type(data).__name__}")
    rows = list(data)
    is_row = [isinstance(row, (list, np.ndarray)) for row in rows]
    if rows and all(is_row):
        return _read_matrix(rows, categories)
    if any(is_row):
        raise InputError(
            "agreement input mixes matrix rows (lists) with records; give either a reliability "
            "matrix (every row a list) or records (every row a (unit, annotator, label) tuple)")
    return _read_records(rows, categories)


def _read_matrix(data: Any, categories: Iterable[Hashable] | None) -> Ratings:
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise InputError(f"a reliability matrix must be 2-D (annotators × units); got "
                             f"{data.ndim}-D")
        if data.dtype.kind in "iuf" and categories is None:
            return _from_numeric_array(np.asarray(data, dtype=float))
        rows = [list(row) for row in data]
    else:
        rows = []
        for i, row in enumerate(data):
            rows.append(list(row))
            if len(rows[-1]) != len(rows[0]):
                raise InputError(
                    f"the reliability matrix is ragged: annotator row {i} has {len(rows[-1])} "
                    f"entries but row 0 has {len(rows[0])}; every row needs one entry per unit "
                    "(None or NaN where the annotator gave no label)")
    n_units = len(rows[0]) if rows else 0
    flat = [label for row in rows for label in row]
    present = [not _is_missing(label) for label in flat]
    labels = [label for label, keep in zip(flat, present, strict=True) if keep]
    table = _categories(labels, categories)
    codes = np.full(len(flat), MISSING, dtype=np.int64)
    codes[np.asarray(present, dtype=bool)] = _encode(labels, table[0])
    return Ratings(codes.reshape(len(rows), n_units), *table, units=range(n_units))


def _from_numeric_array(array: np.ndarray) -> Ratings:
    small = _small_integer_codes(array)
    if small is not None:
        codes, values = small
    else:
        present = ~np.isnan(array)
        values, inverse = np.unique(array[present], return_inverse=True)
        codes = np.full(array.shape, MISSING, dtype=np.int64)
        codes[present] = inverse
    return Ratings(codes, tuple(float(v) for v in values), values, True,
                   range(array.shape[1]))


def _small_integer_codes(array: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes by subtraction when every label is an integer in a small span (the common case:
    classes 0..K-1), as np.unique would give them but without sorting; else None. The cells
    are cast and checked in cache-sized chunks: one pass over the matrix instead of five."""
    flat = np.ascontiguousarray(array).reshape(-1)
    codes = np.empty(flat.size, dtype=np.int64)
    present = np.empty(flat.size, dtype=bool)
    low, high = math.inf, -math.inf
    for start in range(0, flat.size, _CHUNK_CELLS):
        part, stop = flat[start:start + _CHUNK_CELLS], min(start + _CHUNK_CELLS, flat.size)
        missing = np.isnan(part)
        with np.errstate(invalid="ignore"):  # NaN cells cast to garbage, overwritten below
            ints = part.astype(np.int64)
        if not np.all((ints == part) | missing):
            return None  # fractions, infinities or huge values: np.unique will sort them
        np.copyto(ints, MISSING, where=missing)
        codes[start:stop], present[start:stop] = ints, ~missing
        low = min(low, float(np.fmin.reduce(part)))  # NaN only if the chunk is all NaN,
        high = max(high, float(np.fmax.reduce(part)))  # and min/max ignore a NaN here
    if not math.isfinite(low) or high - low >= _SMALL_INTEGER_SPAN:
        return None
    if low != 0:
        np.subtract(codes, int(low), out=codes, where=present)
    span = int(high - low) + 1
    used = np.ones(span, dtype=bool)
    if span > 2:  # the lowest and highest occur by construction; look for the others
        small = codes.astype(np.int8 if span < 127 else np.int16)
        for value in range(1, span - 1):
            used[value] = bool(np.any(small == value))
    if not used.all():  # gaps, e.g. labels {0, 1, 3}: renumber the used values 0..K-1
        codes = np.append(np.cumsum(used) - 1, MISSING)[codes]
    return codes.reshape(array.shape), low + np.flatnonzero(used).astype(float)


def _read_records(records: list[Any], categories: Iterable[Hashable] | None) -> Ratings:
    units: dict[Hashable, int] = {}
    annotators: dict[Hashable, int] = {}
    rows, columns, labels = [], [], []
    for i, record in enumerate(records):
        if isinstance(record, (str, bytes)):
            raise InputError(f"record {i} should be a (unit, annotator, label) triple; got "
                             f"{record!r}")
        try:
            unit, annotator, label = record
            column = units.setdefault(unit, len(units))
            row = annotators.setdefault(annotator, len(annotators))
        except (TypeError, ValueError):
            raise InputError(f"record {i} should be a (unit, annotator, label) triple of which "
                             f"the unit and annotator are hashable; got {record!r}") from None
        if not _is_missing(label):
            rows.append(row)
            columns.append(column)
            labels.append(label)
    row_index, column_index = np.asarray(rows, dtype=np.int64), np.asarray(columns, np.int64)
    cells, first, counts = np.unique(row_index * max(len(units), 1) + column_index,
                                     return_index=True, return_counts=True)
    if np.any(counts > 1):
        twice = int(first[np.argmax(counts > 1)])
        annotator = list(annotators)[rows[twice]]
        unit = list(units)[columns[twice]]
        raise InputError(f"annotator {annotator!r} labelled unit {unit!r} more than once; give "
                         "one label per annotator and unit")
    table = _categories(labels, categories)
    codes = np.full((len(annotators), len(units)), MISSING, dtype=np.int64)
    codes[row_index, column_index] = _encode(labels, table[0])
    return Ratings(codes, *table, units=tuple(units), annotators=tuple(annotators))


def _categories(labels: Sequence[Any], given: Iterable[Hashable] | None
                ) -> tuple[tuple[Hashable, ...], np.ndarray | None, bool]:
    """The category order, numeric values (or None) and whether the order means anything."""
    if given is not None:
        order = tuple(given)
        if len(set(order)) != len(order):
            raise InputError(f"categories must not repeat; got {list(order)!r}")
        known = set(order)
        unknown = [label for label in dict.fromkeys(labels) if label not in known]
        if unknown:
            raise InputError(f"labels {unknown[:5]!r} are not among the given categories "
                             f"{list(order)!r}")
        ordered = True
    else:
        order = tuple(dict.fromkeys(labels))
        ordered = all(_is_number(label) for label in order)
        if ordered:
            order = tuple(sorted(order))
        else:
            try:
                order = tuple(sorted(order))  # type: ignore[type-var]
            except TypeError:
                pass  # labels of mixed types: first-appearance order, fine for nominal data
    numeric = all(_is_number(c) and not _is_missing(c) for c in order)
    values = np.asarray(order, dtype=float) if numeric else None
    return order, values, ordered


def _encode(labels: Sequence[Any], order: tuple[Hashable, ...]) -> np.ndarray:
    index = {category: i for i, category in enumerate(order)}
    try:
        return np.fromiter((index[label] for label in labels), dtype=np.int64,
                           count=len(labels))
    except TypeError:
        raise InputError("every label must be hashable (a string, number, …)") from None
