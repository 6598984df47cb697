"""Consensus of transcriptions: one text per transcribed target from N annotators.

A transcription (docs/regions.md: `{text, region?}`) transcribes the whole item, or the
region whose id is its `region`: an audio segment, a box. Annotators draw their own regions,
so their transcriptions point at different ids; the regions' own consensus says which of
them are one thing. `links` carries that: `links[(a, region_id)]` is the id of the consensus
region that annotator a's region `region_id` became (`accord.core.consensus.links`). So the
**target** of a transcription is None (the whole item) or a consensus region's id; a
transcription whose region is in no consensus region (dropped below the quorum, or never
drawn) has no target and is listed in `unmatched`.

Per target, each annotator's transcript is their transcriptions of it joined by a space (in
their order; normally there is one), after `normalize` (`agreement.transcripts`). A target
transcribed by at most `quorum` of the unit's annotators (default: not by a strict majority)
is dropped (`n_dropped`).

**The text** is the **medoid**: the transcript with the least total word-level edit
distance (Levenshtein: substitutions, deletions and insertions, the numerator of WER) to the
other transcripts of the target, its set median string (Kohonen 1985, "Median strings",
Pattern Recognition Letters 3(5)); ties go to the least total character edits, then to the
first text in code-point order, so the result never depends on the annotators' order. It is
chosen over a word-level ROVER vote (Fiscus 1997, "A post-processing system to yield reduced
word error rates: Recognizer Output Voting Error Reduction (ROVER)", IEEE ASRU) because:

- ROVER aligns the hypotheses one after another into a word transition network, and the
  network, so the vote, depends on that order; with the three or so annotators of an
  overlapped task, slots voted 1–1–1 fall to a tie rule, and the result can be a sentence
  nobody wrote (one annotator's half and another's half, casing and punctuation mixed);
- the medoid is a transcript a person wrote, as it was written (casing, punctuation and
  spacing kept; normalisation only measures), which a reviewer can accept as it stands;
- edit distance is a metric, so when a strict majority wrote the same text, that text is the
  medoid (against any other transcript o, its total is at most m·d(T, o) + Σ d(o, o') for the
  m < k others, below o's k·d(o, T) + Σ d(o, o')): outliers cannot move it.

**Support** is agreement measured with WER: the mean over all the unit's annotators (also
those who did not transcribe the target, who count 0) of 1 - min(1, WER) of their transcript
against the consensus text (an empty consensus: 1 for an empty transcript, else 0); in [0, 1],
1 when everyone wrote the consensus. `word_error_rate` pools the edits of the transcripts
against the consensus over its words (None when it has none).

>>> def said(text, region=None):
...     return TranscriptionValue(text, region)
>>> links = {(0, "s1"): "seg-0", (1, "a"): "seg-0", (2, "x"): "seg-0"}
>>> found = transcription_consensus(
...     [[said("the cat sat", "s1")], [said("the cat sat", "a")], [said("a cat sat", "x")]],
...     links)
>>> [(t.region, t.text, round(t.support, 3)) for t in found.transcriptions]
[('seg-0', 'the cat sat', 0.889)]
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from accord.core.agreement.transcripts import (
    ErrorRate,
    Normalization,
    edit_operations,
    normalize_text,
    token_codes,
)
from accord.core.consensus.links import each_value
from accord.core.errors import InputError
from accord.core.regions import Region, TranscriptionValue

__all__ = ["ConsensusTranscription", "TranscriptionConsensus", "transcription_consensus"]

Links = Mapping[tuple[int, str], str]
_UNMATCHED = object()  # the target of a transcription whose region has no consensus


@dataclass(frozen=True, slots=True)
class ConsensusTranscription:
    """The consensus text of one target: `region` is the consensus region's id (None: the
    whole item); `members` the (annotator, index) of every transcription of the target."""

    text: str
    region: str | None
    members: tuple[tuple[int, int], ...]
    support: float
    word_error_rate: ErrorRate
    n_transcripts: int  # annotators who transcribed the target

    @property
    def value(self) -> TranscriptionValue:
        return TranscriptionValue(self.text, self.region)


@dataclass(frozen=True, slots=True)
class TranscriptionConsensus:
    """The consensus transcriptions of one unit: the whole item's first, then the regions'
    in the order their ids first appear in `links`. Undefined without annotators."""

    transcriptions: tuple[ConsensusTranscription, ...]
    n_annotators: int
    n_dropped: int  # targets transcribed by at most `quorum` of the annotators
    unmatched: tuple[tuple[int, int], ...]  # transcriptions of a region with no consensus
    undefined_because: str | None = None


def transcription_consensus(annotations: Sequence[Sequence[Region | TranscriptionValue]],
                            links: Links | None = None, *, quorum: float = 0.5,
                            normalize: Normalization = "whitespace"
                            ) -> TranscriptionConsensus:
    """The medoid transcript of every target transcribed by more than `quorum` of the
    annotators (see the module). `annotations` holds one sequence per annotator of their
    transcriptions of one label (`TranscriptionValue`s or `Region`s holding them), an empty
    one for an annotator who wrote none; `links` maps (annotator index, region id) to the
    consensus region that region became. `quorum` is a share in [0, 1)."""
    if isinstance(quorum, bool) or not isinstance(quorum, (int, float)) or not 0 <= quorum < 1:
        raise InputError(f"quorum must be a share of annotators in [0, 1); got {quorum!r}")
    if normalize not in ("none", "whitespace", "case", "punctuation"):
        raise InputError("normalize must be 'none', 'whitespace', 'case' or 'punctuation'; "
                         f"got {normalize!r}")
    if isinstance(annotations, (str, bytes)) or not isinstance(annotations, Sequence):
        raise InputError("annotations must be a sequence with one list of transcriptions per "
                         f"annotator; got {type(annotations).__name__}")
    links = links or {}
    if not annotations:
        return TranscriptionConsensus((), 0, 0, (), "no annotators")
    targets, unmatched = _targets(annotations, links)
    order = {None: -1} | {target: k for k, target in enumerate(dict.fromkeys(links.values()))}
    n = len(annotations)
    kept: list[_Target] = []
    for target in sorted(targets, key=order.__getitem__):
        by_annotator = targets[target]
        if len(by_annotator) > quorum * n:
            who = sorted(by_annotator)
            raw = [" ".join(text for _, text in by_annotator[a]) for a in who]
            kept.append(_Target(target, tuple((a, i) for a in who for i, _ in by_annotator[a]),
                                raw, [normalize_text(t, normalize) for t in raw]))
    found = _scored(kept, _medoids(kept), n)
    return TranscriptionConsensus(found, n, len(targets) - len(kept), tuple(unmatched))


@dataclass(frozen=True, slots=True)
class _Target:
    """A kept target: its transcriptions, and each annotator's transcript (raw, normalised)
    in annotator order."""

    key: Hashable
    members: tuple[tuple[int, int], ...]
    raw: list[str]
    texts: list[str]


def _targets(annotations: Sequence[Sequence[Region | TranscriptionValue]], links: Links
             ) -> tuple[dict[Hashable, dict[int, list[tuple[int, str]]]], list[tuple[int, int]]]:
    """{target: {annotator: [(index, text)]}} and the transcriptions without a target."""
    targets: dict[Hashable, dict[int, list[tuple[int, str]]]] = {}
    unmatched = []
    for a, i, value in each_value(annotations, TranscriptionValue, "transcription"):
        target = None if value.region is None else links.get((a, value.region), _UNMATCHED)
        if target is _UNMATCHED:
            unmatched.append((a, i))
        else:
            targets.setdefault(target, {}).setdefault(a, []).append((i, value.text))
    return targets, unmatched


def _medoids(targets: list[_Target]) -> list[int]:
    """Each target's medoid (an index into its transcripts): the least total word edits to
    the others; ties by character edits, then by the normalised and the raw text in
    code-point order. The pairs of all targets go through the edit distance together (a
    recording has hundreds of transcribed segments), characters only for targets tied in
    words."""
    word_totals = _pair_totals(targets, range(len(targets)), "word")
    best, tied = [], []
    for t, target in enumerate(targets):
        least = min(word_totals[t])
        top = [j for j, total in enumerate(word_totals[t]) if total == least]
        if len({target.texts[j] for j in top}) > 1:
            tied.append(t)
        best.append(min(top, key=lambda j: (target.texts[j], target.raw[j])))
    char_totals = dict(zip(tied, _pair_totals(targets, tied, "character"), strict=True))
    for t in tied:
        target = targets[t]
        best[t] = min(range(len(target.texts)), key=lambda j: (
            word_totals[t][j], char_totals[t][j], target.texts[j], target.raw[j]))
    return best


def _pair_totals(targets: list[_Target], which: Sequence[int], unit: str) -> list[list[int]]:
    """For the targets `which`, each transcript's total edits (`unit`: words or characters)
    to the other transcripts of its target."""
    texts = [text for t in which for text in targets[t].texts]
    codes = token_codes(texts, unit)  # type: ignore[arg-type]
    starts = np.cumsum([0] + [len(targets[t].texts) for t in which])
    first, second = [], []
    for t, start in zip(which, starts.tolist(), strict=False):
        for p, q in combinations(range(len(targets[t].texts)), 2):
            first.append(start + p)
            second.append(start + q)
    edits = edit_operations([codes[p] for p in first], [codes[q] for q in second]).sum(axis=1)
    total = np.zeros(len(texts), dtype=np.int64)
    np.add.at(total, first, edits)
    np.add.at(total, second, edits)
    return [total[a:b].tolist() for a, b in zip(starts[:-1], starts[1:], strict=True)]


def _scored(targets: list[_Target], best: list[int], n: int
            ) -> tuple[ConsensusTranscription, ...]:
    """Each target's consensus with its support: every transcript against the consensus
    text, all targets at once."""
    texts = [text for target in targets for text in target.texts]
    words = token_codes(texts + [t.texts[b] for t, b in zip(targets, best, strict=True)],
                        "word")
    consensus = words[len(texts):]
    references = [consensus[k] for k, target in enumerate(targets) for _ in target.texts]
    ops = edit_operations(references, words[:len(texts)])
    found, start = [], 0
    for k, target in enumerate(targets):
        mine = ops[start:start + len(target.texts)]
        start += len(target.texts)
        length = len(consensus[k])
        if length:
            accuracy = 1.0 - np.minimum(1.0, mine.sum(axis=1) / length)
        else:
            accuracy = np.array([1.0 if not t else 0.0 for t in target.texts])
        s, d, i = (int(v) for v in mine.sum(axis=0))
        found.append(ConsensusTranscription(
            target.raw[best[k]], target.key, target.members,  # type: ignore[arg-type]
            float(accuracy.sum()) / n, ErrorRate.from_counts(s, d, i, length * len(mine)),
            len(target.texts)))
    return tuple(found)
