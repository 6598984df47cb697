"""Krippendorff's alpha for unitizing (uα) on text spans: how far annotators agree on where
the spans of each class begin and end, beyond chance.

Krippendorff (1995, "On the reliability of unitizing continuous data", Sociological
Methodology 25; 2004, *Content Analysis*, 2nd ed., sec. 12.4). For a class c, each annotator
cuts a text of L characters into units of c and the gaps between them. Between a segment of
annotator i (start b_i, length l_i) and one of annotator j that overlap, the squared difference
is

    (b_i - b_j)² + (b_i + l_i - b_j - l_j)²   both units of c,
    l_i²                                       a unit of i lying inside a gap of j (and the
                                               other way round),
    0                                          otherwise (two gaps, or a unit only partly
                                               in a gap),

and with m annotators, N_c units of c in all, and n = mL:

    cDo = Σ_i Σ_j≠i Σ δ² / (m (m - 1) L²)
    cDe = (2 / L) Σ_units u [ (N_c - 1)(2l_u³ - 3l_u² + l_u) / 3
                              + l_u² Σ_gaps g with l_g >= l_u (l_g - l_u + 1) ]
          / (n (n - 1) - Σ_u l_u (l_u - 1))
    cuα = 1 - cDo / cDe,    uα = 1 - Σ_c cDo / Σ_c cDe.

The expected disagreement places every unit at every position of every gap it fits in.
Checked against Krippendorff's (2004, p. 254) worked example: uα = 0.8591, c: Do = 0.0144,
De = 0.0532, α = 0.7286; k: α = 1.

Several texts are lined up as one continuum (L = Σ L_t) whose gaps end at each text's end
(no unit can be placed across two texts). The formula above needs the same m annotators on
every text; where the number varies, each text's pairs count 1 / (m_t - 1) and n = Σ m_t L_t,
as alpha weighs units with missing values: exactly the formula above when every m_t is
equal. Texts annotated once are left out. Spans of one class that one annotator made overlap
are merged into one unit (uα needs an annotator's units of a class not to overlap). A text's
length is given by `lengths`; without it, the text ends where its last span ends (a span past
the given length extends it).

>>> text = {"t": {"ann": [{"class": "PER", "start": 0, "end": 4}],
...               "bob": [{"class": "PER", "start": 0, "end": 4}]}}
>>> span_alpha(text, lengths={"t": 20}).overall.value
1.0
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np

from accord.core.agreement._units import AnnotatorOrder, units_of
from accord.core.agreement.results import AgreementScore, PairwiseAgreement
from accord.core.agreement.spans import _read_span
from accord.core.errors import InputError

__all__ = ["SpanAlpha", "span_alpha"]


@dataclass(frozen=True, slots=True)
class SpanAlpha:
    """uα over every class (`overall`, with the annotator matrix in `overall.pairs` when
    asked for) and per class; `n_units` counts the texts annotated at least twice."""

    overall: AgreementScore
    per_class: Mapping[Hashable, AgreementScore]


@dataclass(frozen=True, slots=True)
class _Units:
    """Every unit of every (text, annotator), merged per class: columns of equal length."""

    text: np.ndarray
    annotator: np.ndarray
    code: np.ndarray
    start: np.ndarray
    end: np.ndarray
    length: np.ndarray  # (texts,) characters
    raters: np.ndarray  # (texts, annotators) bool: who annotated each text


def _read(data: Any, lengths: Mapping[Hashable, int] | None,
          annotators: Sequence[Hashable] | None
          ) -> tuple[_Units, tuple[Hashable, ...], tuple[Hashable, ...]]:
    order = AnnotatorOrder(annotators)
    classes: dict[Hashable, int] = {}
    rows: list[tuple[int, int, int, int, int]] = []
    who: list[list[int]] = []
    text_lengths = []
    units = units_of(data, "span_alpha", "spans", lists="span lists", unit="text")
    for t, (unit, by_annotator) in enumerate(units):
        last = 0
        who.append([])
        for annotator, spans in by_annotator.items():
            a = order.position(annotator, f"text {unit!r}", "spans")
            who[-1].append(a)
            for i, span in enumerate(spans):
                cls, start, end = _read_span(span, f"text {unit!r}, annotator "
                                                   f"{annotator!r}, span {i}")
                rows.append((t, a, classes.setdefault(cls, len(classes)), start, end))
                last = max(last, end)
        given = (lengths or {}).get(unit)
        if given is not None and (isinstance(given, bool) or not isinstance(
                given, int | np.integer) or given < 0):
            raise InputError(f"the length of text {unit!r} must be a non-negative integer; "
                             f"got {given!r}")
        text_lengths.append(max(last, int(given)) if given is not None else last)
    raters = np.zeros((len(text_lengths), len(order.names)), dtype=bool)
    for t, names in enumerate(who):
        raters[t, names] = True
    columns = np.array(rows, dtype=np.int64).reshape(-1, 5).T
    return (_merged(*columns, np.array(text_lengths, dtype=np.int64), raters), order.names,
            tuple(classes))


def _merged(text: np.ndarray, annotator: np.ndarray, code: np.ndarray, start: np.ndarray,
            end: np.ndarray, length: np.ndarray, raters: np.ndarray) -> _Units:
    """Units sorted by (class, text, annotator, start), overlapping ones of one group merged."""
    order = np.lexsort((start, annotator, text, code))
    text, annotator, code, start, end = (v[order] for v in (text, annotator, code, start, end))
    group = np.zeros(text.size, dtype=np.int64)
    if text.size:
        changed = ((text[1:] != text[:-1]) | (annotator[1:] != annotator[:-1])
                   | (code[1:] != code[:-1]))
        group = np.concatenate([[0], np.cumsum(changed)])
    big = int(end.max(initial=0)) + 1
    reach = np.maximum.accumulate(group * big + end) - group * big  # furthest end so far
    fresh = np.ones(text.size, dtype=bool)
    fresh[1:] = (group[1:] != group[:-1]) | (start[1:] >= reach[:-1])
    first = np.flatnonzero(fresh)
    if first.size == 0:
        return _Units(text, annotator, code, start, end, length, raters)
    stop = np.append(first[1:], text.size).astype(np.int64) - 1
    return _Units(text[first], annotator[first], code[first], start[first], reach[stop],
                  length, raters)


def _of(units: _Units, keep: np.ndarray) -> _Units:
    return _Units(units.text[keep], units.annotator[keep], units.code[keep],
                  units.start[keep], units.end[keep], units.length, units.raters)


def _pair_disagreement(first: _Units, second: _Units, weight: np.ndarray) -> float:
    """Σ over texts of weight[text] × Σ δ² between two annotators' units of one class
    (units sorted by text, then start; non-overlapping within a text)."""
    big = int(max(first.end.max(initial=0), second.end.max(initial=0))) + 1
    a_start, a_end = first.text * big + first.start, first.text * big + first.end
    b_start, b_end = second.text * big + second.start, second.text * big + second.end
    low = np.searchsorted(b_end, a_start, side="right")
    high = np.searchsorted(b_start, a_end, side="left")
    count = np.maximum(high - low, 0)
    a_index = np.repeat(np.arange(a_start.size), count)
    b_index = np.repeat(low, count) + (np.arange(int(count.sum()))
                                       - np.repeat(np.cumsum(count) - count, count))
    overlapping = ((first.start[a_index] - second.start[b_index]) ** 2
                   + (first.end[a_index] - second.end[b_index]) ** 2)
    total = float(weight[first.text[a_index]] @ overlapping)
    alone_a = count == 0
    alone_b = np.ones(b_start.size, dtype=bool)
    alone_b[b_index] = False
    for units, alone in ((first, alone_a), (second, alone_b)):
        sizes = (units.end - units.start)[alone]
        total += float(weight[units.text[alone]] @ (sizes * sizes))
    return total


def _gaps(units: _Units, pairable: np.ndarray) -> np.ndarray:
    """The lengths of the gaps between one class's units of every annotator on every
    pairable text (units sorted by text, annotator, start), zero-length ones left out."""
    cell = units.text * units.raters.shape[1] + units.annotator
    first = np.ones(cell.size, dtype=bool)
    first[1:] = cell[1:] != cell[:-1]
    previous_end = np.where(first, 0, np.roll(units.end, 1))
    inner = units.start - previous_end
    last = np.append(first[1:], True)
    trailing = units.length[units.text[last]] - units.end[last]
    rated = pairable[:, None] & units.raters
    empty = rated.copy()
    empty.reshape(-1)[cell] = False
    untouched = np.repeat(units.length, units.raters.shape[1])[empty.reshape(-1)]
    gaps = np.concatenate([inner, trailing, untouched])
    return np.sort(gaps[gaps > 0])


def _alpha(units: _Units, n_classes: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Each class's observed and expected disagreement, and how many texts are pairable."""
    m = units.raters.sum(axis=1)
    pairable = m >= 2
    weight = np.where(pairable, 1.0 / np.maximum(m - 1, 1), 0.0)
    total_length = int(units.length[pairable].sum())
    n = int((m * units.length)[pairable].sum())
    usable = _of(units, pairable[units.text])
    observed, expected = np.zeros(n_classes), np.zeros(n_classes)
    if total_length == 0:
        return observed, expected, int(pairable.sum())
    n_annotators = units.raters.shape[1]
    for c in range(n_classes):
        of_class = _of(usable, usable.code == c)
        by_annotator = [_of(of_class, of_class.annotator == a) for a in range(n_annotators)]
        pairs_sum = sum(  # over the texts both annotated
            _pair_disagreement(by_annotator[x], by_annotator[y],
                               weight * (units.raters[:, x] & units.raters[:, y]))
            for x, y in combinations(range(n_annotators), 2)
            if by_annotator[x].start.size or by_annotator[y].start.size)
        observed[c] = 2 * pairs_sum / (n * total_length)
        sizes = (of_class.end - of_class.start).astype(float)
        if sizes.size == 0:
            continue
        gaps = _gaps(of_class, pairable).astype(float)
        above = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])  # Σ of gaps from k on
        at = np.searchsorted(gaps, sizes, side="left")
        fits = above[at] - (sizes - 1) * (gaps.size - at)
        spread = ((sizes.size - 1) * (2 * sizes**3 - 3 * sizes**2 + sizes) / 3
                  + sizes**2 * fits).sum()
        expected[c] = 2 / total_length * spread / (n * (n - 1) - float(sizes @ (sizes - 1)))
    return observed, expected, int(pairable.sum())


def _score(observed: float, expected: float, n_texts: int) -> AgreementScore:
    if n_texts == 0:
        return AgreementScore(None, 0, "no text was annotated by two annotators")
    if expected <= 0:
        return AgreementScore(None, n_texts, "no span was marked", observed, expected)
    return AgreementScore(1 - observed / expected, n_texts, None, observed, expected)


def span_alpha(data: Mapping[Hashable, Mapping[Hashable, Sequence[Any]]], *,
               lengths: Mapping[Hashable, int] | None = None,
               annotators: Sequence[Hashable] | None = None,
               pairs: bool = False) -> SpanAlpha:
    """Krippendorff's uα on spans (see the module docstring), over all classes and per class.

    `data` maps each text to `{annotator: spans}` (spans as `span_agreement` takes them; an
    empty list: annotated, nothing marked); `lengths` each text's length in characters.
    With `pairs=True`, `overall.pairs` holds uα of every pair of annotators on the texts
    both annotated.
    """
    units, names, class_names = _read(data, lengths, annotators)
    observed, expected, n_texts = _alpha(units, len(class_names))
    overall = _score(float(observed.sum()), float(expected.sum()), n_texts)
    per_class = {name: _score(float(observed[c]), float(expected[c]), n_texts)
                 for c, name in enumerate(class_names)}
    if pairs:
        overall = replace(overall, pairs=_pairwise(units, names, len(class_names)))
    return SpanAlpha(overall, per_class)


def _pairwise(units: _Units, names: tuple[Hashable, ...], n_classes: int) -> PairwiseAgreement:
    k = len(names)
    values: list[list[float | None]] = [[None] * k for _ in range(k)]
    shared = [[0] * k for _ in range(k)]
    for x, y in combinations(range(k), 2):
        both = units.raters[:, x] & units.raters[:, y]
        raters = np.zeros_like(units.raters)
        raters[:, [x, y]] = both[:, None]
        keep = both[units.text] & ((units.annotator == x) | (units.annotator == y))
        pair = replace(_of(units, keep), raters=raters)
        observed, expected, n_texts = _alpha(pair, n_classes)
        values[x][y] = values[y][x] = _score(float(observed.sum()), float(expected.sum()),
                                             n_texts).value
        shared[x][y] = shared[y][x] = n_texts
    for x in range(k):
        shared[x][x] = int(units.raters[:, x].sum())
    return PairwiseAgreement(names, "span_alpha", tuple(tuple(r) for r in values),
                             tuple(tuple(r) for r in shared))
