"""One number for how well one annotation matches a reference (a gold answer, or another
annotator's work): the per-annotation score that drift series and rankings are made of.

Each label that either side uses is scored in [0, 1], and the annotation's score is the mean
over those labels (None when no label could be compared):

| label type | score |
| --- | --- |
| classification, rating | 1 when the answers are equal, else 0 (an answer on one side only: 0) |
| multilabel | Jaccard index of the two class sets |
| bbox, polygon, polyline, mask, keypoints, span, audio and video segments | F1 of a one-to-one matching at `threshold` (IoU, OKS for keypoints, `line_similarity` for polylines; same class required): 2m / (n_candidate + n_reference) |
| video_track | IDF1 of the two sides' tracks (`agreement.tracks`: per-frame IoU >= `threshold`, same class, tracks matched one-to-one for the whole video) |
| transcription | per target (the whole item, or a region): 1 - min(1, CER) of the two transcripts of it (`normalize="whitespace"`), summed over the targets both transcribed, as an F1: 2 Σ / (n_candidate + n_reference) targets |
| relation | F1 of the relations whose two ends are matched regions, with the same class and direction: 2m / (n_candidate + n_reference) |

A transcription's target and a relation's ends are regions of the answer, and the two sides
name their regions differently: a candidate's region stands for the reference region it is
matched to in its own label's matching above (one-to-one at `threshold`, same class), so a
transcription of a segment is compared with the reference's transcription of the matched
segment; tracks are matched one-to-one by their IDF1 (`consensus.tracks.track_similarity`)
for this, and a region without a match transcribes nothing the reference has.
`label_score`, which sees one label only, compares transcriptions by the region ids as
given, and relations not at all. A label neither side
marked is not compared.

>>> from accord.core.regions import parse_regions
>>> def box(i, x, cls="car"):
...     return {"id": i, "label": "obj", "type": "bbox",
...             "value": {"class": cls, "x": x, "y": 0, "width": 10, "height": 10}}
>>> day = {"id": "s", "label": "scene", "type": "classification", "value": {"class": "day"}}
>>> mine = parse_regions([box("a", 0), box("b", 100), day])
>>> gold = parse_regions([box("g", 1), day])
>>> annotation_score(mine, gold)  # obj: F1 = 2·1 / 3; scene: 1
0.8333333333333333
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence

import numpy as np

from accord.core.agreement.tracks import track_agreement
from accord.core.agreement.transcripts import edit_operations, normalize_text, token_codes
from accord.core.errors import InputError
from accord.core.matching import Similarity, match_regions
from accord.core.regions import Region

__all__ = ["annotation_score", "label_score"]

_ANSWERS = frozenset({"classification", "rating"})
_MATCHED = frozenset({"bbox", "polygon", "polyline", "mask", "keypoints", "span",
                      "audio_segment", "video_segment"})
_REFERRING = frozenset({"transcription", "relation"})  # point at the answer's regions
_LINKED = _MATCHED | {"video_track"}  # regions a transcription or relation may point at


def annotation_score(candidate: Sequence[Region], reference: Sequence[Region], *,
                     labels: Collection[str] | None = None, threshold: float = 0.5,
                     similarity: Similarity | None = None) -> float | None:
    """Mean of the label scores (the module's table) over the labels either side uses (only
    those in `labels`, when given); None when no label could be compared. `similarity` as in
    `label_score`."""
    by_label: dict[str, tuple[list[Region], list[Region]]] = {}
    for side, regions in ((1, reference), (0, candidate)):
        for r in regions:
            by_label.setdefault(r.label, ([], []))[side].append(r)
    kinds = {name: _kind(*pair) for name, pair in by_label.items()}
    wanted = {name for name in by_label if labels is None or name in labels}
    linked = any(kinds[name] in _REFERRING for name in wanted)
    counterpart: dict[str, str] = {}  # candidate region id -> matched reference region id
    scores = []
    for name, (mine, theirs) in by_label.items():
        kind = kinds[name]
        if kind in _REFERRING or (name not in wanted and not (linked and kind in _LINKED)):
            continue
        if kind in _MATCHED:
            matching = match_regions(mine, theirs, threshold=threshold, similarity=similarity)
            if linked:
                counterpart.update((mine[p.a].id, theirs[p.b].id) for p in matching.pairs)
            score: float | None = 2 * matching.n_matched / (len(mine) + len(theirs))
        else:
            score = label_score(mine, theirs, threshold=threshold, similarity=similarity)
            if linked and kind == "video_track":  # tracks matched by IDF1 (track_similarity)
                counterpart.update((mine[p.a].id, theirs[p.b].id) for p in match_regions(
                    mine, theirs, threshold=threshold, similarity=similarity).pairs)
        if name in wanted and score is not None:
            scores.append(score)
    for name in wanted:
        mine, theirs = by_label[name]
        if kinds[name] == "transcription":
            scores.append(_transcription_score(mine, theirs, counterpart))
        elif kinds[name] == "relation":
            scores.append(_relation_score(mine, theirs, counterpart))
    return sum(scores) / len(scores) if scores else None


def label_score(candidate: Sequence[Region], reference: Sequence[Region], *,
                threshold: float = 0.5, similarity: Similarity | None = None) -> float | None:
    """The score of one label's regions (all of one label and type) by the module's table;
    None for a type without a score (relations), or when neither side has a
    region. `similarity(a, b)` replaces `overlap.region_similarity` in the matching (to
    reuse overlaps already computed)."""
    if not candidate and not reference:
        return None
    kind = _kind(candidate, reference)
    if kind in _ANSWERS or kind == "multilabel":
        if not candidate or not reference:
            return 0.0
        return _answer_score(candidate[0], reference[0])
    if kind in _MATCHED:
        matching = match_regions(candidate, reference, threshold=threshold,
                                 similarity=similarity)
        return 2 * matching.n_matched / (len(candidate) + len(reference))
    if kind == "transcription":
        return _transcription_score(candidate, reference, None)
    if kind == "video_track":
        return track_agreement({0: {"candidate": list(candidate),
                                    "reference": list(reference)}},
                               threshold=threshold).overall.idf1
    return None


def _kind(candidate: Sequence[Region], reference: Sequence[Region]) -> str:
    kinds = {r.type for r in (*candidate, *reference)}  # str() once, not per region
    if len(kinds) != 1:
        raise InputError("the regions of one label must share a type; got "
                         f"{sorted(map(str, kinds))}")
    return str(kinds.pop())


def _transcription_score(candidate: Sequence[Region], reference: Sequence[Region],
                         counterpart: Mapping[str, str] | None) -> float:
    """2 Σ (1 - min(1, CER)) over the targets both sides transcribed / (targets of each):
    a target is None (the whole item) or the reference region transcribed; a candidate's
    region counts as its `counterpart` (None: as named)."""
    def texts(regions: Sequence[Region], mapping: Mapping[str, str] | None
              ) -> dict[Hashable, str]:
        found: dict[Hashable, list[str]] = {}
        for r in regions:
            region = r.value.region  # type: ignore[union-attr]
            target = region if region is None or mapping is None else mapping.get(
                region, ("unmatched", region))
            found.setdefault(target, []).append(r.value.text)  # type: ignore[union-attr]
        return {target: " ".join(said) for target, said in found.items()}

    mine, theirs = texts(candidate, counterpart), texts(reference, None)
    both = [t for t in theirs if t in mine]
    total = float(_text_scores([theirs[t] for t in both], [mine[t] for t in both]).sum())
    return 2 * total / (len(mine) + len(theirs))


def _text_scores(references: list[str], candidates: list[str]) -> np.ndarray:
    """1 - min(1, CER) of each pair (an empty reference: 1 for an empty candidate, else 0),
    every pair in one run of the edit distance (a recording has hundreds of segments)."""
    refs = [normalize_text(t, "whitespace") for t in references]
    hyps = [normalize_text(t, "whitespace") for t in candidates]
    codes = token_codes(refs + hyps, "character")
    edits = edit_operations(codes[:len(refs)], codes[len(refs):]).sum(axis=1)
    length = np.array([len(r) for r in refs], dtype=float)
    empty = np.array([not h for h in hyps], dtype=float)
    rate = np.divide(edits, length, out=np.zeros(len(refs)), where=length > 0)
    return np.where(length > 0, 1.0 - np.minimum(1.0, rate), empty)


def _relation_score(candidate: Sequence[Region], reference: Sequence[Region],
                    counterpart: Mapping[str, str]) -> float:
    """F1 of the candidate's relations carried to the reference's regions by `counterpart`
    (an end without a match carries nowhere) against the reference's relations."""
    def key(r: Region, mapping: Mapping[str, str] | None) -> tuple[str | None, ...]:
        value = r.value
        if mapping is None:
            return value.from_id, value.to_id, value.class_name  # type: ignore[union-attr]
        return (mapping.get(value.from_id), mapping.get(value.to_id),  # type: ignore[union-attr]
                value.class_name)  # type: ignore[union-attr]

    agreed = Counter(key(r, counterpart) for r in candidate) & Counter(
        key(r, None) for r in reference)
    return 2 * sum(agreed.values()) / (len(candidate) + len(reference))


def _answer_score(candidate: Region, reference: Region) -> float:
    if str(reference.type) == "multilabel":
        mine = set(candidate.value.classes)  # type: ignore[union-attr]
        theirs = set(reference.value.classes)  # type: ignore[union-attr]
        return len(mine & theirs) / len(mine | theirs) if mine | theirs else 1.0
    return 1.0 if candidate.value == reference.value else 0.0
