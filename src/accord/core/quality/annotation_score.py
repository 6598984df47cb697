"""One number for how well one annotation matches a reference (a gold answer, or another
annotator's work): the per-annotation score that drift series and rankings are made of.

Each label that either side uses is scored in [0, 1], and the annotation's score is the mean
over those labels (None when no label could be compared):

| label type | score |
| --- | --- |
| classification, rating | 1 when the answers are equal, else 0 (an answer on one side only: 0) |
| multilabel | Jaccard index of the two class sets |
| bbox, polygon, mask, keypoints, span, audio and video segments | F1 of a one-to-one matching at `threshold` (IoU, OKS for keypoints; same class required): 2m / (n_candidate + n_reference) |
| transcription | 1 - min(1, CER) of the concatenated transcripts (`normalize="whitespace"`) |

Relations, polylines and video tracks are not scored (they have no overlap measure yet).
A label neither side marked is not compared.

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

from collections.abc import Collection, Sequence

from accord.core.agreement.transcripts import character_error_rate
from accord.core.errors import InputError
from accord.core.matching import Similarity, match_regions
from accord.core.regions import Region

__all__ = ["annotation_score", "label_score"]

_ANSWERS = frozenset({"classification", "rating"})
_MATCHED = frozenset({"bbox", "polygon", "mask", "keypoints", "span", "audio_segment",
                      "video_segment"})


def annotation_score(candidate: Sequence[Region], reference: Sequence[Region], *,
                     labels: Collection[str] | None = None, threshold: float = 0.5,
                     similarity: Similarity | None = None) -> float | None:
    """Mean of `label_score` over the labels either side uses (only those in `labels`, when
    given); None when no label could be compared. `similarity` as in `label_score`."""
    names = dict.fromkeys(r.label for r in (*reference, *candidate))
    scores = [score for name in names if labels is None or name in labels
              if (score := label_score(
                  [r for r in candidate if r.label == name],
                  [r for r in reference if r.label == name], threshold=threshold,
                  similarity=similarity)) is not None]
    return sum(scores) / len(scores) if scores else None


def label_score(candidate: Sequence[Region], reference: Sequence[Region], *,
                threshold: float = 0.5, similarity: Similarity | None = None) -> float | None:
    """The score of one label's regions (all of one label and type) by the module's table;
    None for a type without a score, or when neither side has a region. `similarity(a, b)`
    replaces `overlap.region_similarity` in the matching (to reuse overlaps already
    computed)."""
    if not candidate and not reference:
        return None
    kinds = {str(r.type) for r in (*candidate, *reference)}
    if len(kinds) != 1:
        raise InputError(f"the regions of one label must share a type; got {sorted(kinds)}")
    kind = kinds.pop()
    if kind in _ANSWERS or kind == "multilabel":
        if not candidate or not reference:
            return 0.0
        return _answer_score(candidate[0], reference[0])
    if kind in _MATCHED:
        matching = match_regions(candidate, reference, threshold=threshold,
                                 similarity=similarity)
        return 2 * matching.n_matched / (len(candidate) + len(reference))
    if kind == "transcription":
        mine = " ".join(r.value.text for r in candidate)  # type: ignore[union-attr]
        theirs = " ".join(r.value.text for r in reference)  # type: ignore[union-attr]
        if not theirs.strip():
            return 1.0 if not mine.strip() else 0.0
        return 1.0 - min(1.0, character_error_rate(theirs, mine).value or 0.0)
    return None


def _answer_score(candidate: Region, reference: Region) -> float:
    if str(reference.type) == "multilabel":
        mine = set(candidate.value.classes)  # type: ignore[union-attr]
        theirs = set(reference.value.classes)  # type: ignore[union-attr]
        return len(mine & theirs) / len(mine | theirs) if mine | theirs else 1.0
    return 1.0 if candidate.value == reference.value else 0.0
