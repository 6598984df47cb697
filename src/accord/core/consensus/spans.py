"""Consensus of text spans by token voting: one unit's text, N annotators' spans of it.

The text is cut into tokens by a documented rule (`tokens=`):

- `"words"` (default): runs of word characters (`\\w+`, Unicode) and every other
  non-space character on its own (`[^\\w\\s]`), so "New York." is "New", "York", ".";
- `"non-space"`: runs of non-whitespace (`\\S+`).

An annotator's span marks a token with its class when it covers at least half of the token's
characters. On each token, a class wins when **more than `quorum`** of the unit's annotators
(all of them, including those who marked nothing) gave it that class; with the default 0.5
that is a strict majority. Classes tied for the most annotators are resolved by `ties`:
`"undecided"` leaves the token out (listed in `tied_tokens`), `"first"` takes the first class
in sorted order. Runs of consecutive winning tokens of one class become one consensus span
from the first token's start to the last one's end, so boundaries snap to tokens; two
adjacent spans of one class merge (token voting has no B/I tags). A span's **support** is
the mean, over its tokens, of the share of annotators who gave the token that class.

Offsets are character offsets (Python `str` indices), `end` exclusive, as in docs/regions.md.

>>> text = "Ada Lovelace met Charles Babbage in London."
>>> ann = [SpanValue("person", 0, 12), SpanValue("person", 17, 32)]
>>> bob = [SpanValue("person", 0, 3), SpanValue("person", 17, 32), SpanValue("place", 36, 42)]
>>> eve = [SpanValue("person", 0, 12), SpanValue("place", 36, 42)]
>>> for span in span_consensus(text, [ann, bob, eve]).spans:
...     print(span.class_name, repr(text[span.start:span.end]), round(span.support, 2))
person 'Ada Lovelace' 0.83
person 'Charles Babbage' 0.67
place 'London' 0.67
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from accord.core.errors import InputError
from accord.core.regions import Region, SpanValue

__all__ = ["ConsensusSpan", "SpanConsensus", "span_consensus", "text_tokens"]

Tokens = Literal["words", "non-space"]
TOKEN_PATTERNS: Final = {"words": re.compile(r"\w+|[^\w\s]"), "non-space": re.compile(r"\S+")}


@dataclass(frozen=True, slots=True)
class ConsensusSpan:
    """A consensus span: character offsets snapped to tokens, its support in (quorum, 1]."""

    class_name: str
    start: int
    end: int
    support: float
    n_tokens: int

    @property
    def value(self) -> SpanValue:
        return SpanValue(self.class_name, self.start, self.end)


@dataclass(frozen=True, slots=True)
class SpanConsensus:
    """The consensus spans of one text, in order; `tokens` are the (start, end) offsets the
    vote ran on and `tied_tokens` those left out by a tie (with `ties="undecided"`)."""

    spans: tuple[ConsensusSpan, ...]
    n_annotators: int
    tokens: tuple[tuple[int, int], ...]
    tied_tokens: tuple[tuple[int, int], ...]
    undefined_because: str | None = None


def text_tokens(text: str, tokens: Tokens = "words") -> np.ndarray:
    """(n, 2) int64 array of the tokens' (start, end) offsets, by the rule `tokens`."""
    if tokens not in TOKEN_PATTERNS:
        raise InputError(f"tokens must be 'words' or 'non-space'; got {tokens!r}")
    offsets = [match.span() for match in TOKEN_PATTERNS[tokens].finditer(text)]
    return np.asarray(offsets, dtype=np.int64).reshape(-1, 2)


def span_consensus(text: str, annotations: Sequence[Sequence[Region | SpanValue]], *,
                   quorum: float = 0.5, ties: Literal["undecided", "first"] = "undecided",
                   tokens: Tokens = "words") -> SpanConsensus:
    """Token-voting consensus (see the module) of `annotations`: one sequence of spans
    (`SpanValue`s, or `Region`s holding them) per annotator, an empty one for an annotator
    who marked nothing. `quorum` is a share in [0, 1). Undefined without annotators."""
    if isinstance(quorum, bool) or not isinstance(quorum, (int, float)) or not 0 <= quorum < 1:
        raise InputError(f"quorum must be a share of annotators in [0, 1); got {quorum!r}")
    if ties not in ("undecided", "first"):
        raise InputError(f"ties must be 'undecided' or 'first'; got {ties!r}")
    offsets = text_tokens(text, tokens)
    spans = _read_spans(text, annotations)
    token_list = tuple((int(s), int(e)) for s, e in offsets.tolist())
    if not annotations:
        return SpanConsensus((), 0, token_list, (), "no annotators")
    classes = sorted({span[1] for span in spans})
    votes = _token_votes(offsets, spans, classes, len(annotations))  # (classes, tokens)
    share = votes / len(annotations)
    top = votes.max(axis=0, initial=0)
    n_top = (votes == top).sum(axis=0) if classes else np.zeros(len(offsets), dtype=np.int64)
    wins = (share.max(axis=0, initial=0.0) > quorum) & (top > 0)
    tied = wins & (n_top > 1) & (ties == "undecided")
    winner = np.where(wins & ~tied, votes.argmax(axis=0) if classes else 0, -1)
    return SpanConsensus(_runs(offsets, winner, share, classes), len(annotations),
                         token_list, tuple(token_list[i] for i in np.flatnonzero(tied)))


def _read_spans(text: str, annotations: Sequence[Sequence[Region | SpanValue]]
                ) -> list[tuple[int, str, int, int]]:
    """(annotator, class, start, end) of every span, checked against the text."""
    if isinstance(annotations, (str, bytes)) or not isinstance(annotations, Sequence):
        raise InputError("annotations must be a sequence with one list of spans per "
                         f"annotator; got {type(annotations).__name__}")
    spans = []
    for a, regions in enumerate(annotations):
        for i, region in enumerate(regions):
            value = region.value if isinstance(region, Region) else region
            if not isinstance(value, SpanValue):
                raise InputError(f"annotations[{a}][{i}] should be a span (a SpanValue or a "
                                 f"Region of type span); got {value!r}")
            if not 0 <= value.start < value.end <= len(text):
                raise InputError(
                    f"annotations[{a}][{i}] covers [{value.start}, {value.end}) but a span "
                    f"needs 0 <= start < end <= {len(text)} (the text's length)")
            spans.append((a, value.class_name, value.start, value.end))
    return spans


def _token_votes(offsets: np.ndarray, spans: list[tuple[int, str, int, int]],
                 classes: list[str], n_annotators: int) -> np.ndarray:
    """(classes, tokens): how many annotators marked each token with each class (an
    annotator's overlapping spans of one class count once)."""
    n_tokens = len(offsets)
    if not spans or not n_tokens:
        return np.zeros((len(classes), n_tokens), dtype=np.int64)
    index = {name: i for i, name in enumerate(classes)}
    annotator = np.array([s[0] for s in spans])
    klass = np.array([index[s[1]] for s in spans])
    start, end = np.array([s[2] for s in spans]), np.array([s[3] for s in spans])
    first = np.searchsorted(offsets[:, 1], start, side="right")  # first token ending after
    stop = np.searchsorted(offsets[:, 0], end, side="left")  # tokens starting before end
    first, stop = _half_covered(offsets, start, end, first, stop)
    keep = first < stop
    diff = np.zeros((n_annotators, len(classes), n_tokens + 1), dtype=np.int64)
    np.add.at(diff, (annotator[keep], klass[keep], first[keep]), 1)
    np.add.at(diff, (annotator[keep], klass[keep], stop[keep]), -1)
    marked = np.cumsum(diff, axis=2)[:, :, :n_tokens] > 0
    return marked.sum(axis=0)


def _half_covered(offsets: np.ndarray, start: np.ndarray, end: np.ndarray, first: np.ndarray,
                  stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the first and last overlapped token when the span covers less than half of it."""
    n = len(offsets)  # tokens strictly between the first and the last are wholly covered
    i = np.minimum(first, n - 1)
    covered = np.minimum(end, offsets[i, 1]) - np.maximum(start, offsets[i, 0])
    first = np.where((first < stop) & (2 * covered < offsets[i, 1] - offsets[i, 0]),
                     first + 1, first)
    j = np.clip(stop - 1, 0, n - 1)
    covered = np.minimum(end, offsets[j, 1]) - np.maximum(start, offsets[j, 0])
    stop = np.where((first < stop) & (2 * covered < offsets[j, 1] - offsets[j, 0]),
                    stop - 1, stop)
    return first, stop


def _runs(offsets: np.ndarray, winner: np.ndarray, share: np.ndarray,
          classes: list[str]) -> tuple[ConsensusSpan, ...]:
    """Consecutive tokens with the same winning class, as spans with their mean support."""
    change = np.flatnonzero(np.r_[True, winner[1:] != winner[:-1]]) if winner.size else []
    bounds = np.r_[change, winner.size].astype(np.int64)
    spans = []
    for begin, finish in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        k = int(winner[begin])
        if k >= 0:
            support = float(share[k, begin:finish].mean())
            spans.append(ConsensusSpan(classes[k], int(offsets[begin, 0]),
                                       int(offsets[finish - 1, 1]), support, finish - begin))
    return tuple(spans)
