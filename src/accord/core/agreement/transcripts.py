"""How far transcriptions differ: character and word error rates (CER, WER).

The error rate of a hypothesis against a reference is (S + D + I) / N: the substitutions,
deletions and insertions of a minimum edit (Levenshtein 1966) turning the reference's N
tokens (characters, or whitespace-separated words) into the hypothesis's. Over a corpus the
edits and the reference lengths are summed before dividing (as jiwer and NIST sclite do),
so long texts weigh more. Of the minimum edits, the one counted prefers a substitution or
match to a deletion, and a deletion to an insertion; the total S + D + I is the same for all.

The distance is computed one row of the dynamic programme at a time, for many pairs at
once (padded, pairs of similar length together): with `t[j] = min(d[j] + 1, d[j-1] + cost)`
from the previous row, the insertions make the new row `j + cummin(t[k] - k)`, a prefix
minimum, so no Python loop runs over characters.

`normalize` is applied to both texts first: "none" leaves them; "whitespace" strips them
and collapses every run of whitespace to one space; "case" also case-folds; "punctuation"
also removes Unicode punctuation (categories P*), then collapses whitespace again.

>>> wer = word_error_rate("the cat sat on the mat", "the cat sit on mat")
>>> (wer.substitutions, wer.deletions, wer.insertions, round(wer.value, 3))
(1, 1, 0, 0.333)
>>> character_error_rate("kitten", "sitting").value * 6
3.0
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Final, Literal

import numpy as np

from accord.core.errors import InputError

__all__ = [
    "ErrorRate",
    "Normalization",
    "TranscriptAgreement",
    "character_error_rate",
    "edit_operations",
    "normalize_text",
    "token_codes",
    "transcript_agreement",
    "word_error_rate",
]

Normalization = Literal["none", "whitespace", "case", "punctuation"]
TokenUnit = Literal["character", "word"]  # what CER and WER count

# Pairs run through the dynamic programme together; sorted by length first, so little padding.
_PAIRS_PER_BATCH: Final = 512
_WHITESPACE: Final = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ErrorRate:
    """(S + D + I) / N, with the counts; None when the reference is empty (N = 0)."""

    value: float | None
    substitutions: int
    deletions: int
    insertions: int
    hits: int
    reference_length: int
    undefined_because: str | None = None

    @classmethod
    def from_counts(cls, s: int, d: int, i: int, n: int) -> ErrorRate:
        if n == 0:
            return cls(None, s, d, i, 0, 0, "the reference is empty")
        return cls((s + d + i) / n, s, d, i, n - s - d, n)


def normalize_text(text: str, normalize: Normalization) -> str:
    """`text` after the `normalize` level (see the module docstring)."""
    if normalize == "none":
        return text
    if normalize in ("case", "punctuation"):
        text = text.casefold()
    if normalize == "punctuation":
        text = "".join(c for c in text if not unicodedata.category(c).startswith("P"))
    return _WHITESPACE.sub(" ", text).strip()


def token_codes(texts: Sequence[str], unit: TokenUnit) -> list[np.ndarray]:
    """Each text as integer tokens: code points, or word numbers shared by all `texts`."""
    if unit == "character":
        return [np.array([ord(c) for c in t], dtype=np.int64) for t in texts]
    vocabulary: dict[str, int] = {}
    return [np.array([vocabulary.setdefault(w, len(vocabulary)) for w in t.split()],
                     dtype=np.int64) for t in texts]


def edit_operations(references: Sequence[np.ndarray],
                    hypotheses: Sequence[np.ndarray]) -> np.ndarray:
    """(pairs, 3) substitutions, deletions, insertions of a minimum edit of each pair of
    integer token arrays, the reference first (see the module docstring)."""
    if len(references) != len(hypotheses):
        raise InputError(f"edit_operations needs one hypothesis per reference; got "
                         f"{len(references)} references and {len(hypotheses)} hypotheses")
    out = np.zeros((len(references), 3), dtype=np.int64)
    order = np.lexsort(([len(h) for h in hypotheses], [len(r) for r in references]))
    for start in range(0, len(order), _PAIRS_PER_BATCH):
        batch = order[start:start + _PAIRS_PER_BATCH]
        out[batch] = _batch_operations([references[k] for k in batch],
                                       [hypotheses[k] for k in batch])
    return out


def _pad(tokens: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.array([len(t) for t in tokens], dtype=np.int64)
    padded = np.full((len(tokens), int(lengths.max(initial=0))), -1, dtype=np.int64)
    for k, t in enumerate(tokens):
        padded[k, :len(t)] = t
    return padded, lengths


def _batch_operations(references: list[np.ndarray], hypotheses: list[np.ndarray]) -> np.ndarray:
    ref, n = _pad(references)
    hyp, m = _pad(hypotheses)
    pairs, width = len(references), hyp.shape[1] + 1
    j = np.arange(width)
    # Row 0: j insertions. Each row carries cost and the (S, D, I) of the edit it took.
    cost = np.broadcast_to(j, (pairs, width)).copy()
    subs, dels, ins = np.zeros_like(cost), np.zeros_like(cost), cost.copy()
    for i in range(ref.shape[1]):
        active = (i < n)[:, None]
        mismatch = np.concatenate([np.zeros((pairs, 1), dtype=np.int64),
                                   (hyp != ref[:, i:i + 1]).astype(np.int64)], axis=1)
        diagonal = np.concatenate([np.full((pairs, 1), np.iinfo(np.int64).max // 2),
                                   cost[:, :-1] + mismatch[:, 1:]], axis=1)
        take_diagonal = diagonal <= cost + 1
        t = np.where(take_diagonal, diagonal, cost + 1)
        t_subs = np.where(take_diagonal, np.pad(subs[:, :-1] + mismatch[:, 1:], ((0, 0), (1, 0))),
                          subs)
        t_dels = np.where(take_diagonal, np.pad(dels[:, :-1], ((0, 0), (1, 0))), dels + 1)
        t_ins = np.where(take_diagonal, np.pad(ins[:, :-1], ((0, 0), (1, 0))), ins)
        # Insertions: d[j] = min_k t[k] + (j - k); the largest minimising k, fewest insertions.
        shifted = t - j
        best = np.minimum.accumulate(shifted, axis=1)
        source = np.maximum.accumulate(np.where(shifted == best, j, 0), axis=1)
        new = (best + j, np.take_along_axis(t_subs, source, axis=1),
               np.take_along_axis(t_dels, source, axis=1),
               np.take_along_axis(t_ins, source, axis=1) + (j - source))
        cost, subs, dels, ins = (np.where(active, fresh, old) for fresh, old in
                                 zip(new, (cost, subs, dels, ins), strict=True))
    at = m[:, None]
    return np.hstack([np.take_along_axis(a, at, axis=1) for a in (subs, dels, ins)])


def _read_texts(value: str | Sequence[str], name: str) -> list[str]:
    texts = [value] if isinstance(value, str) else list(value)
    for k, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"{name}[{k}] must be a string; got {type(text).__name__}")
    return texts


def _check_normalize(normalize: str) -> None:
    if normalize not in ("none", "whitespace", "case", "punctuation"):
        raise InputError("normalize must be 'none', 'whitespace', 'case' or 'punctuation'; "
                         f"got {normalize!r}")


def _error_rate(reference: str | Sequence[str], hypothesis: str | Sequence[str],
                unit: TokenUnit, normalize: Normalization) -> ErrorRate:
    _check_normalize(normalize)
    refs, hyps = _read_texts(reference, "reference"), _read_texts(hypothesis, "hypothesis")
    if len(refs) != len(hyps):
        raise InputError(f"a corpus needs one hypothesis per reference; got {len(refs)} "
                         f"references and {len(hyps)} hypotheses")
    tokens = token_codes([normalize_text(t, normalize) for t in refs + hyps], unit)
    counts = edit_operations(tokens[:len(refs)], tokens[len(refs):]).sum(axis=0)
    n = sum(len(t) for t in tokens[:len(refs)])
    return ErrorRate.from_counts(int(counts[0]), int(counts[1]), int(counts[2]), n)


def character_error_rate(reference: str | Sequence[str], hypothesis: str | Sequence[str], *,
                         normalize: Normalization = "whitespace") -> ErrorRate:
    """CER of a hypothesis against a reference, or of a corpus: two lists, paired in order.

    Characters are Unicode code points; spaces (after normalisation) count as characters.
    """
    return _error_rate(reference, hypothesis, "character", normalize)


def word_error_rate(reference: str | Sequence[str], hypothesis: str | Sequence[str], *,
                    normalize: Normalization = "whitespace") -> ErrorRate:
    """WER of a hypothesis against a reference, or of a corpus; words split on whitespace."""
    return _error_rate(reference, hypothesis, "word", normalize)


@dataclass(frozen=True, slots=True)
class TranscriptAgreement:
    """Error rates between annotators' transcripts of the same units.

    `per_pair[(x, y)]` takes x's transcripts as the reference, over the units both
    transcribed; `rate[x][y]` is its value (None on the diagonal), `rate[y][x]` the same edits
    against y's length. `overall` sums every ordered pair's edits and reference lengths.
    """

    unit: TokenUnit
    overall: ErrorRate
    per_pair: Mapping[tuple[Hashable, Hashable], ErrorRate]
    annotators: tuple[Hashable, ...]
    rate: tuple[tuple[float | None, ...], ...]
    n_units: int


def _transcript_pairs(data: Mapping[Hashable, Mapping[Hashable, str]],
                      normalize: Normalization, annotators: Sequence[Hashable] | None
                      ) -> tuple[dict[Hashable, int], list[str], list[str],
                                 list[tuple[int, int]], int]:
    """Annotator positions, then every pair of transcripts of one unit (normalised), the
    positions of its two annotators, and how many units had a pair."""
    if not isinstance(data, Mapping):
        raise InputError("transcript_agreement needs {unit: {annotator: transcript}}; got "
                         f"{type(data).__name__}")
    order = {a: k for k, a in enumerate(annotators or ())}
    refs, hyps, owners, n_units = [], [], [], 0
    for u, by_annotator in data.items():
        for name, text in by_annotator.items():
            if not isinstance(text, str):
                raise InputError(f"unit {u!r}, annotator {name!r}: a transcript must be a "
                                 f"string; got {type(text).__name__}")
            if annotators is not None and name not in order:
                raise InputError(f"unit {u!r} has a transcript from {name!r}, who is not "
                                 f"among the annotators given: {list(annotators)}")
            order.setdefault(name, len(order))
        for x, y in combinations(sorted(by_annotator, key=order.__getitem__), 2):
            refs.append(normalize_text(by_annotator[x], normalize))
            hyps.append(normalize_text(by_annotator[y], normalize))
            owners.append((order[x], order[y]))
        n_units += len(by_annotator) >= 2
    return order, refs, hyps, owners, n_units


def transcript_agreement(data: Mapping[Hashable, Mapping[Hashable, str]], *,
                         unit: TokenUnit = "word", normalize: Normalization = "whitespace",
                         annotators: Sequence[Hashable] | None = None) -> TranscriptAgreement:
    """Pairwise CER (`unit="character"`) or WER (`unit="word"`) between annotators.

    `data` maps each unit to `{annotator: transcript}`; all pairs of one unit and all units
    go through the dynamic programme together.
    """
    if unit not in ("character", "word"):
        raise InputError(f"unit must be 'character' or 'word'; got {unit!r}")
    _check_normalize(normalize)
    order, refs, hyps, owners, n_units = _transcript_pairs(data, normalize, annotators)
    tokens = token_codes(refs + hyps, unit)
    ops = edit_operations(tokens[:len(refs)], tokens[len(refs):])
    lengths = np.array([[len(tokens[k]), len(tokens[len(refs) + k])] for k in range(len(refs))],
                       dtype=np.int64).reshape(-1, 2)
    names = tuple(order)
    totals = np.zeros((len(names), len(names), 4), dtype=np.int64)  # S, D, I, N
    x, y = np.array(owners, dtype=np.int64).reshape(-1, 2).T
    np.add.at(totals, (x, y), np.column_stack([ops, lengths[:, 0]]))
    # Against y's transcript, x's deletions are insertions and the other way round.
    np.add.at(totals, (y, x), np.column_stack([ops[:, [0, 2, 1]], lengths[:, 1]]))
    rates = {(x, y): ErrorRate.from_counts(*map(int, totals[x, y]))
             for pair in set(owners) for x, y in (pair, pair[::-1])}
    matrix = tuple(tuple(rates[(x, y)].value if (x, y) in rates else None
                         for y in range(len(names))) for x in range(len(names)))
    return TranscriptAgreement(
        unit, ErrorRate.from_counts(*map(int, totals.sum(axis=(0, 1)))),
        {(names[x], names[y]): r for (x, y), r in rates.items() if x < y}, names, matrix,
        n_units)
