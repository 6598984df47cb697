"""Agreement on audio segments: temporal IoU matching, and the word (or character) error
rate between the transcriptions of matched segments.

A segment is `{"class", "start", "end"}` in seconds (`end` after `start`), an
`AudioSegmentValue` or an audio_segment `Region`. Temporal IoU is the length of the
intersection of two segments over the length of their union (`overlap.segment_iou`).

`segment_agreement` is `agreement.regions` on segments: for every recording and pair of
annotators who both annotated it, segments of one class are matched one-to-one at IoU >=
`threshold` (the assignment maximising total IoU), giving F1 = 2 m / (n_first + n_second),
precision, recall and mean IoU, overall, per class and per pair.

`segment_transcript_agreement` compares what was said in the segments both annotators
found: each annotator's segments carry a transcript (or None); the segments are matched as
above, and each matched pair transcribed on both sides is one comparison of
`transcripts.transcript_agreement` (edits and reference lengths summed over them, the pair's
first annotator as the reference, both directions in the matrix). Segments that found no
partner are what F1 measures; they do not count here.

>>> ann = [({"class": "speech", "start": 0.0, "end": 2.0}, "good morning everyone")]
>>> bob = [({"class": "speech", "start": 0.2, "end": 2.0}, "good morning"),
...        ({"class": "speech", "start": 5.0, "end": 6.0}, "thanks")]
>>> result = segment_transcript_agreement({"clip": {"ann": ann, "bob": bob}})
>>> result.n_matched, round(result.errors.per_pair[("ann", "bob")].value, 3)
(1, 0.333)
>>> round(result.errors.overall.value, 3)  # both ways: (1 deletion + 1 insertion) / (3 + 2)
0.4
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from accord.core.agreement.regions import RegionAgreement, region_agreement
from accord.core.agreement.transcripts import (
    Normalization,
    TokenUnit,
    TranscriptAgreement,
    transcript_agreement,
)
from accord.core.errors import InputError
from accord.core.matching import Similarity, match_regions
from accord.core.overlap import segment_iou
from accord.core.regions import AudioSegmentValue, Region
from accord.core.schema import LabelType

__all__ = ["SegmentTranscriptAgreement", "segment_agreement", "segment_transcript_agreement",
           "temporal_iou"]


@dataclass(frozen=True, slots=True)
class SegmentTranscriptAgreement:
    """Error rates between the transcripts of matched segments; `errors.n_units` counts
    the matched pairs transcribed on both sides, `n_matched` all matched pairs. `compared`
    holds those pairs' transcripts as `transcript_agreement` takes them (one unit per pair),
    for another rate on the same matching (CER beside WER)."""

    errors: TranscriptAgreement
    n_matched: int
    n_transcribed: int
    compared: Mapping[Hashable, Mapping[Hashable, str]]


def _segment(segment: Any, where: str) -> Region:
    """A segment as an audio_segment `Region`, checked."""
    if isinstance(segment, Region):
        return segment
    value = segment
    if isinstance(value, Mapping) and {"class", "start", "end"} <= set(value):
        value = AudioSegmentValue(value["class"], value["start"], value["end"])
    if not isinstance(value, AudioSegmentValue):
        raise InputError(f"{where} must be a segment {{'class', 'start', 'end'}} or an "
                         f"audio_segment region; got {segment!r:.80}")
    ok = all(isinstance(v, int | float) and not isinstance(v, bool)
             for v in (value.start, value.end))
    if not ok or not value.start < value.end:
        raise InputError(f"{where} must have numbers start < end (seconds); got start "
                         f"{value.start!r}, end {value.end!r}")
    return Region(where, "segments", LabelType.AUDIO_SEGMENT, value)


def temporal_iou(a: Sequence[Region], b: Sequence[Region]) -> Any:
    """(n, m) temporal IoU of regions with a `start` and an `end`: audio segments (seconds)
    or video segments (frames, `end` exclusive, so a range's length is `end - start`)."""
    return segment_iou([[r.value.start, r.value.end] for r in a],  # type: ignore[union-attr]
                       [[r.value.start, r.value.end] for r in b])  # type: ignore[union-attr]


def _read(data: Any, what: str, read: Any) -> dict[Hashable, dict[Hashable, list[Any]]]:
    if not isinstance(data, Mapping):
        raise InputError(f"{what} needs {{unit: {{annotator: segments}}}}; got "
                         f"{type(data).__name__}")
    units: dict[Hashable, dict[Hashable, list[Any]]] = {}
    for unit, by_annotator in data.items():
        if not isinstance(by_annotator, Mapping):
            raise InputError(f"unit {unit!r} must map annotators to segment lists; got "
                             f"{type(by_annotator).__name__}")
        units[unit] = {annotator: [read(s, f"unit {unit!r}, annotator {annotator!r}, "
                                           f"segment {i}") for i, s in enumerate(segments)]
                       for annotator, segments in by_annotator.items()}
    return units


def segment_agreement(data: Mapping[Hashable, Mapping[Hashable, Sequence[Any]]], *,
                      threshold: float = 0.5,
                      annotators: Sequence[Hashable] | None = None) -> RegionAgreement:
    """Pairwise agreement on segments by temporal IoU (see the module docstring)."""
    units = _read(data, "segment_agreement", _segment)
    return region_agreement(units, threshold=threshold, similarity=temporal_iou,
                            annotators=annotators)


def _transcribed(item: Any, where: str) -> tuple[Region, str | None]:
    try:
        segment, text = item
    except (TypeError, ValueError):
        raise InputError(f"{where} must be a (segment, transcript or None) pair; got "
                         f"{item!r:.80}") from None
    if text is not None and not isinstance(text, str):
        raise InputError(f"{where}: a transcript must be a string or None; got "
                         f"{type(text).__name__}")
    return _segment(segment, where), text


def segment_transcript_agreement(
        data: Mapping[Hashable, Mapping[Hashable, Sequence[tuple[Any, str | None]]]], *,
        threshold: float = 0.5, unit: TokenUnit = "word",
        normalize: Normalization = "whitespace",
        annotators: Sequence[Hashable] | None = None,
        similarity: Similarity | None = None) -> SegmentTranscriptAgreement:
    """WER (`unit="word"`) or CER (`unit="character"`) between the transcripts of matched
    segments. `data` maps each recording to `{annotator: [(segment, transcript or None)]}`;
    `similarity(a, b)` replaces temporal IoU for other transcribed regions (e.g. boxes read
    by OCR, given as `Region`s)."""
    units = _read(data, "segment_transcript_agreement",
                  _transcribed if similarity is None else _region_transcribed)
    order: dict[Hashable, int] = {a: k for k, a in enumerate(annotators or ())}
    for by_annotator in units.values():
        for name in by_annotator:
            if annotators is not None and name not in order:
                raise InputError(f"{name!r} is not among the annotators given: "
                                 f"{list(annotators)}")
            order.setdefault(name, len(order))
    compared: dict[Hashable, dict[Hashable, str]] = {}
    n_matched = 0
    for u, by_annotator in units.items():
        names = sorted(by_annotator, key=order.__getitem__)
        for x, y in combinations(names, 2):
            a, b = by_annotator[x], by_annotator[y]
            matching = match_regions([r for r, _ in a], [r for r, _ in b], threshold=threshold,
                                     similarity=similarity or temporal_iou)
            n_matched += matching.n_matched
            for pair in matching.pairs:
                first, second = a[pair.a][1], b[pair.b][1]
                if first is not None and second is not None:
                    compared[(u, x, y, pair.a, pair.b)] = {x: first, y: second}
    errors = transcript_agreement(compared, unit=unit, normalize=normalize,
                                  annotators=tuple(order))
    return SegmentTranscriptAgreement(errors, n_matched, len(compared), compared)


def _region_transcribed(item: Any, where: str) -> tuple[Region, str | None]:
    try:
        region, text = item
    except (TypeError, ValueError):
        raise InputError(f"{where} must be a (region, transcript or None) pair; got "
                         f"{item!r:.80}") from None
    if not isinstance(region, Region) or (text is not None and not isinstance(text, str)):
        raise InputError(f"{where} must pair a Region with a transcript or None")
    return region, text
