"""Reading agreement input: a reliability matrix, records or `LongForm` columns, into codes.

Every shape ends as `Ratings`: an annotators × units array of category codes (-1 where an
annotator gave no label), the categories in order, and their numeric values when every
label is a number. The metrics then work on codes only, with NumPy. `LongForm` (three
equal-length columns: unit, annotator, label) is read with NumPy, not row by row, into
`Triples`, which consensus uses as they are, without the dense annotators × units array.
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


@dataclass(frozen=True, slots=True)
class LongForm:
    """Labels as three equal-length columns: annotator `annotators[i]` gave unit `units[i]`
    the label `labels[i]` (None or NaN: no label), e.g. a data frame's columns. The same
    data as `(unit, annotator, label)` records, with the same results, read with NumPy
    instead of row by row: integer or text ids and numbers or text labels are coded without
    a Python loop. Units and annotators are numbered in order of first appearance.

    >>> from accord.core.agreement import LongForm, krippendorff_alpha
    >>> data = LongForm(units=[1, 1, 2, 2], annotators=["ann", "bob", "ann", "bob"],
    ...                 labels=[0, 0, 1, 0])
    >>> krippendorff_alpha(data).n_units
    2
    """

    units: Any
    annotators: Any
    labels: Any

    def __post_init__(self) -> None:
        columns = {name: _column(getattr(self, name), name)
                   for name in ("units", "annotators", "labels")}
        lengths = {name: column.size for name, column in columns.items()}
        if len(set(lengths.values())) > 1:
            raise InputError("LongForm columns must have one entry per label; got "
                             + ", ".join(f"{n} {name}" for name, n in lengths.items()))
        for name, column in columns.items():
            object.__setattr__(self, name, column)


@dataclass(frozen=True, slots=True)
class Triples:
    """Long-form labels coded: label i is category `code[i]`, given by annotator
    `annotator[i]` to unit `unit[i]`; only the given labels, in input order."""

    unit: np.ndarray  # (labels,) int64 index into units
    annotator: np.ndarray  # (labels,) int64 index into annotators
    code: np.ndarray  # (labels,) int64 index into categories
    units: tuple[Hashable, ...]
    annotators: tuple[Hashable, ...]
    categories: tuple[Hashable, ...]
    values: np.ndarray | None
    ordered: bool

    def ratings(self) -> Ratings:
        """The annotators × units codes, as records with these labels are read."""
        codes = np.full((len(self.annotators), len(self.units)), MISSING, dtype=np.int64)
        codes[self.annotator, self.unit] = self.code
        return Ratings(codes, self.categories, self.values, self.ordered, units=self.units,
                       annotators=self.annotators)


def read_long_form(data: LongForm, categories: Iterable[Hashable] | None = None) -> Triples:
    """Code a `LongForm`'s ids (first-appearance order) and labels (as records are coded);
    an annotator who labelled a unit twice is refused, as in records."""
    unit, units = _first_appearance(data.units, "unit")
    annotator, annotators = _first_appearance(data.annotators, "annotator")
    present, code, table = _label_codes(data.labels, categories)
    if not present.all():
        unit, annotator = unit[present], annotator[present]
    _refuse_twice_labelled(unit, annotator, units, annotators)
    return Triples(unit, annotator, code, units, annotators, *table)


def _column(values: Any, name: str) -> np.ndarray:
    """A 1-D array of the column; object dtype unless NumPy keeps every value as it is."""
    if isinstance(values, (str, bytes, Mapping)) or not (
            isinstance(values, (Iterable, np.ndarray))):
        raise InputError(f"LongForm {name} must be a sequence or 1-D array; got "
                         f"{type(values).__name__}")
    if hasattr(values, "__array__"):  # arrays, data frame columns: their own dtype
        values = np.asarray(values)
    else:
        values = values if isinstance(values, Sequence) else list(values)
        try:
            array = np.asarray(values)
        except ValueError:  # sequences of different lengths among the values
            array = np.zeros((0, 0))  # read one by one below
        kept = _KEPT_AS.get(array.dtype.kind)
        if array.ndim != 1 or kept is None or not all(
                isinstance(v, kept) and (kept is _BOOLS or not isinstance(v, _BOOLS))
                for v in values):  # NumPy would turn 1 into 1.0 or "1", None into nan
            array = np.fromiter(values, dtype=object, count=len(values))
        values = array
    if values.ndim != 1:
        raise InputError(f"LongForm {name} must be 1-D; got shape {values.shape}")
    return values


_BOOLS = (bool, np.bool_)
_KEPT_AS: dict[str, Any] = {"b": _BOOLS, "i": (int, np.integer), "u": (int, np.integer),
                            "f": (float, np.floating), "U": str, "S": bytes}


def _first_appearance(values: np.ndarray, what: str) -> tuple[np.ndarray, tuple[Hashable, ...]]:
    """Each value's index among the distinct values in order of first appearance, and those
    values; integers in a small span without sorting them, text by np.unique."""
    n = values.size
    if values.dtype.kind in "iu" and n:
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * n + 1024 and -(1 << 62) < low and high < 1 << 62:
            offset = np.subtract(values, low, dtype=np.int64)
            if np.all(values[1:] >= values[:-1]):  # sorted ids: they first appear in order
                used = np.bincount(offset, minlength=high - low + 1) > 0
                codes = offset if used.all() else (np.cumsum(used) - 1)[offset]
                return codes, tuple((np.flatnonzero(used) + low).tolist())
            first = np.full(high - low + 1, n, dtype=np.int64)
            np.minimum.at(first, offset, np.arange(n))
            return _renumbered(first, offset, np.arange(low, high + 1))
    if values.dtype.kind in "iubUS":
        distinct, first, inverse = np.unique(values, return_index=True, return_inverse=True)
        return _renumbered(first, inverse.reshape(-1), distinct)
    index: dict[Hashable, int] = {}
    try:
        codes = np.fromiter((index.setdefault(v, len(index)) for v in values.tolist()),
                            dtype=np.int64, count=n)
    except TypeError:
        raise InputError(f"every {what} id must be hashable (a string, number, …)") from None
    return codes, tuple(index)


def _renumbered(first: np.ndarray, slot: np.ndarray, ids: np.ndarray
                ) -> tuple[np.ndarray, tuple[Hashable, ...]]:
    """Codes by first appearance, given where each slot first occurs (`first`, the number
    of values where it never does), each value's slot and each slot's id."""
    used = np.flatnonzero(first < slot.size)
    firsts = first[used]
    if firsts.size > 1 and not np.all(firsts[1:] > firsts[:-1]):  # often in order already
        used = used[np.argsort(firsts, kind="stable")]
    order = used
    rank = np.empty(first.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank[slot], tuple(ids[order].tolist())


def _label_codes(labels: np.ndarray, categories: Iterable[Hashable] | None
                 ) -> tuple[np.ndarray, np.ndarray,
                            tuple[tuple[Hashable, ...], np.ndarray | None, bool]]:
    """Which labels are given, their codes and the category table, as records would have
    them: numbers and text with NumPy, anything else (or with `categories=`) one by one."""
    kind = labels.dtype.kind
    if categories is None and (kind in "iuf" or labels.size == 0):
        present = ~np.isnan(labels) if kind == "f" else np.ones(labels.size, dtype=bool)
        given = labels[present] if kind == "f" else labels
        small = (_small_integer_codes(given) if kind == "f"
                 else _small_integer_span_codes(given)) if given.size else None
        if small is not None:
            code, distinct = small
        else:
            distinct, code = np.unique(given, return_inverse=True)
        order, values = tuple(distinct.tolist()), distinct.astype(float)
        return present, code.reshape(-1), (order, values, True)
    if categories is None and kind in "US":
        order_array, code = np.unique(labels, return_inverse=True)
        return (np.ones(labels.size, dtype=bool), code.reshape(-1),
                (tuple(order_array.tolist()), None, False))
    flat = labels.tolist()
    present = np.fromiter((not _is_missing(label) for label in flat), dtype=bool,
                          count=len(flat))
    given_labels = [label for label, keep in zip(flat, present.tolist(), strict=True) if keep]
    table = _categories(given_labels, categories)
    return present, _encode(given_labels, table[0]), table


def _small_integer_span_codes(ints: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes of an integer array by subtraction (gaps renumbered) and the distinct values,
    as np.unique would give them without sorting; None for a wide span."""
    low, high = int(ints.min()), int(ints.max())
    if high - low >= _SMALL_INTEGER_SPAN:
        return None
    codes = ints.astype(np.int64) - low
    used = np.bincount(codes, minlength=high - low + 1) > 0
    if not used.all():
        codes = (np.cumsum(used) - 1)[codes]
    return codes, low + np.flatnonzero(used).astype(ints.dtype)


def _refuse_twice_labelled(unit: np.ndarray, annotator: np.ndarray,
                           units: tuple[Hashable, ...], annotators: tuple[Hashable, ...]) -> None:
    """The records' check and message: the first twice-labelled cell in annotator-major
    order, named at its first label. Checked on a bitmap of cells when it is small."""
    cells = annotator * max(len(units), 1) + unit
    n_cells = len(annotators) * max(len(units), 1)
    if n_cells <= max(1 << 26, 16 * cells.size):
        seen = np.zeros(n_cells, dtype=bool)
        seen[cells] = True
        if np.count_nonzero(seen) == cells.size:
            return
    _, first, counts = np.unique(cells, return_index=True, return_counts=True)
    if np.any(counts > 1):
        twice = int(first[np.argmax(counts > 1)])
        raise InputError(f"annotator {annotators[annotator[twice]]!r} labelled unit "
                         f"{units[unit[twice]]!r} more than once; give one label per "
                         "annotator and unit")


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
    one column per unit), records (any other rows: `(unit, annotator, label)` triples) or a
    `LongForm` (the records as three columns)."""
    if isinstance(data, LongForm):
        return read_long_form(data, categories).ratings()
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
    try:
        distinct = dict.fromkeys(labels)
    except TypeError:
        raise InputError("every label must be hashable (a string, number, …)") from None
    if given is not None:
        order = tuple(given)
        if len(set(order)) != len(order):
            raise InputError(f"categories must not repeat; got {list(order)!r}")
        known = set(order)
        unknown = [label for label in distinct if label not in known]
        if unknown:
            raise InputError(f"labels {unknown[:5]!r} are not among the given categories "
                             f"{list(order)!r}")
        ordered = True
    else:
        order = tuple(distinct)
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
