"""The error taxonomy: what kind of mistake each disagreement with gold or consensus is.

`classify_errors(candidate, reference)` compares one annotation's regions with the reference
(a gold answer or the consensus), label by label, and returns one `ErrorFinding` per
mistake. Regions with overlap (boxes, polygons, masks, keypoints, spans, audio segments)
are first matched one-to-one ignoring class (`accord.core.matching.match_regions` at
`match_threshold`, IoU; OKS for keypoints), so that a wrong class is told apart from a miss.

| category | when |
| --- | --- |
| `missed_object` | a reference region has no candidate region of its label with similarity >= `match_threshold`; or the reference answers a classification, multilabel, rating or whole-item transcription label that the candidate left unanswered |
| `extra_object` | the converse: a candidate region or answer with no reference counterpart |
| `wrong_class` | a matched pair whose classes differ |
| `loose_geometry` | a matched box, polygon or mask with similarity < `geometry_threshold` and area ratio (candidate / reference) > 1 + `area_tolerance` |
| `tight_geometry` | as loose, with area ratio < 1 / (1 + `area_tolerance`) |
| `shifted_geometry` | similarity < `geometry_threshold` with the area ratio in between (the right size in the wrong place or shape); for keypoints, OKS < `geometry_threshold` |
| `span_boundary` | a matched span (characters) or audio segment (seconds) whose start or end differs by more than `boundary_tolerance` |
| `wrong_attribute` | a matched pair, one attribute whose value differs or is set on one side only (one finding per attribute) |
| `wrong_label` | a classification or rating answer that differs, a multilabel answer with other classes |
| `wrong_transcription` | a transcription whose text differs from the reference's for the same target: the whole item, or the region matched to the one transcribed |
| `wrong_relation` | a reference relation with no candidate relation of its class between the matched counterparts of its ends (reference ids in the finding), or a candidate relation with none in the reference (candidate ids) |
| `custom` | a reviewer's category outside this list, kept under its own name (`error_counts.review_finding`) |

Findings of a wrong class, geometry, boundaries and attributes are independent: a matched pair
can have several. Polylines and video tracks are not compared (no overlap measure yet).

>>> from accord.core.regions import parse_regions
>>> def box(rid, cls, x, width=10):
...     return {"id": rid, "label": "obj", "type": "bbox",
...             "value": {"class": cls, "x": x, "y": 0, "width": width, "height": 10}}
>>> gold = parse_regions([box("g1", "car", 0), box("g2", "car", 50)])
>>> mine = parse_regions([box("m1", "bus", 0, width=13), box("m2", "car", 200)])
>>> [(f.category.value, f.candidate_id, f.reference_id) for f in classify_errors(mine, gold)]
[('wrong_class', 'm1', 'g1'), ('loose_geometry', 'm1', 'g1'), ('missed_object', None, 'g2'), \
('extra_object', 'm2', None)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from accord.core.errors import InputError
from accord.core.geometry import polygon_area
from accord.core.matching import Matching, Similarity, match_regions
from accord.core.overlap import region_similarity
from accord.core.regions import (
    MaskValue,
    MultilabelValue,
    Region,
    RelationValue,
    TranscriptionValue,
    parse_regions,
)
from accord.core.rle import decode_rle_counts

__all__ = ["ErrorCategory", "ErrorFinding", "classify_errors"]


class ErrorCategory(StrEnum):
    MISSED_OBJECT = "missed_object"
    EXTRA_OBJECT = "extra_object"
    WRONG_CLASS = "wrong_class"
    LOOSE_GEOMETRY = "loose_geometry"
    TIGHT_GEOMETRY = "tight_geometry"
    SHIFTED_GEOMETRY = "shifted_geometry"
    SPAN_BOUNDARY = "span_boundary"
    WRONG_ATTRIBUTE = "wrong_attribute"
    WRONG_LABEL = "wrong_label"
    WRONG_TRANSCRIPTION = "wrong_transcription"
    WRONG_RELATION = "wrong_relation"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class ErrorFinding:
    """One mistake. `class_name` is the reference's class when there is a reference region,
    else the candidate's; `detail` says what differs, in the region's units;
    `custom_category` is the reviewer's own name for a `custom` finding. `name` is what
    counts group by: the category, or the custom name."""

    category: ErrorCategory
    label: str | None
    class_name: str | None
    candidate_id: str | None
    reference_id: str | None
    detail: str = ""
    custom_category: str | None = None

    @property
    def name(self) -> str:
        if self.category is ErrorCategory.CUSTOM and self.custom_category:
            return self.custom_category
        return self.category.value


_OVERLAP_TYPES = frozenset({"bbox", "polygon", "mask", "keypoints", "span", "audio_segment"})
_AREA_TYPES = frozenset({"bbox", "polygon", "mask"})
_ANSWER_TYPES = frozenset({"classification", "multilabel", "rating"})


@dataclass(frozen=True, slots=True)
class _Rules:
    match_threshold: float
    geometry_threshold: float
    area_tolerance: float
    boundary_tolerance: float
    similarity: Callable[[Sequence[Region], Sequence[Region]], np.ndarray]


def classify_errors(candidate: Any, reference: Any, *, match_threshold: float = 0.5,
                    geometry_threshold: float = 0.85, area_tolerance: float = 0.1,
                    boundary_tolerance: float = 0.0,
                    keypoint_sigmas: Sequence[float] | None = None,
                    similarity: Similarity | None = None) -> tuple[ErrorFinding, ...]:
    """Every mistake of `candidate` against `reference` (gold or consensus), by the table in
    the module docstring. Both are region lists: parsed `Region`s or their JSON form.
    Findings come label by label (in name order; transcription and relation labels last, as
    they refer to matched regions), each in the order of the table's checks. A
    classification, multilabel or rating label's answer is its first region.
    `keypoint_sigmas` are the per-point OKS constants (COCO's person sigmas by default).
    `similarity(reference, candidate)` replaces `overlap.region_similarity` (and so
    `keypoint_sigmas`), for a caller that has the overlaps already."""
    for name, value in (("match_threshold", match_threshold),
                        ("geometry_threshold", geometry_threshold)):
        if not 0 < value <= 1:
            raise InputError(f"{name} must be in (0, 1]; got {value!r}")
    if area_tolerance < 0 or boundary_tolerance < 0:
        raise InputError(f"area_tolerance and boundary_tolerance must be >= 0; got "
                         f"{area_tolerance!r} and {boundary_tolerance!r}")
    mine, theirs = _regions(candidate, "candidate"), _regions(reference, "reference")
    rules = _Rules(match_threshold, geometry_threshold, area_tolerance, boundary_tolerance,
                   similarity or (lambda a, b: region_similarity(
                       a, b, keypoint_sigmas=keypoint_sigmas)))
    findings: list[ErrorFinding] = []
    counterpart: dict[str, str] = {}  # candidate id → matched reference id
    later: list[tuple[list[Region], list[Region]]] = []
    for label in sorted({r.label for r in (*mine, *theirs)}):
        ours = [r for r in mine if r.label == label]
        gold = [r for r in theirs if r.label == label]
        kind = str((ours or gold)[0].type)
        if kind in _OVERLAP_TYPES:
            findings += _compare_matched(ours, gold, rules, counterpart)
        elif kind in _ANSWER_TYPES:
            findings += _compare_answers(ours, gold)
        elif kind in ("transcription", "relation"):
            later.append((ours, gold))  # they refer to regions: compare once all are matched
    for ours, gold in later:
        findings += (_compare_transcriptions(ours, gold, counterpart)
                     if str((ours or gold)[0].type) == "transcription"
                     else _compare_relations(ours, gold, counterpart))
    return tuple(findings)


def _regions(raw: Any, name: str) -> tuple[Region, ...]:
    if isinstance(raw, tuple | list) and all(isinstance(r, Region) for r in raw):
        return tuple(raw)
    try:
        return parse_regions(raw)
    except InputError as error:
        raise InputError(f"the {name} regions cannot be read: {error}",
                         **error.details) from None


def _class(region: Region | None) -> str | None:
    return None if region is None else getattr(region.value, "class_name", None)


def _finding(category: ErrorCategory, mine: Region | None, gold: Region | None,
             detail: str = "") -> ErrorFinding:
    label = (gold or mine).label if (gold or mine) else None
    return ErrorFinding(category, label, _class(gold) or _class(mine),
                        None if mine is None else mine.id, None if gold is None else gold.id,
                        detail)


def _compare_matched(ours: list[Region], gold: list[Region], rules: _Rules,
                     counterpart: dict[str, str]) -> list[ErrorFinding]:
    matching: Matching = match_regions(gold, ours, threshold=rules.match_threshold,
                                       classes="ignore", similarity=rules.similarity)
    findings = []
    for pair in matching.pairs:
        reference, candidate = gold[pair.a], ours[pair.b]
        counterpart[candidate.id] = reference.id
        if not pair.same_class:
            findings.append(_finding(ErrorCategory.WRONG_CLASS, candidate, reference,
                                     f"{_class(candidate)!r} instead of {_class(reference)!r}"))
        geometry = _geometry(candidate, reference, pair.similarity, rules)
        if geometry is not None:
            findings.append(geometry)
        findings += _attributes(candidate, reference)
    findings += [_finding(ErrorCategory.MISSED_OBJECT, None, gold[a]) for a in matching.unmatched_a]
    findings += [_finding(ErrorCategory.EXTRA_OBJECT, ours[b], None) for b in matching.unmatched_b]
    return findings


def _geometry(candidate: Region, reference: Region, similarity: float,
              rules: _Rules) -> ErrorFinding | None:
    kind = str(reference.type)
    if kind in ("span", "audio_segment"):
        start = candidate.value.start - reference.value.start
        end = candidate.value.end - reference.value.end
        if max(abs(start), abs(end)) <= rules.boundary_tolerance:
            return None
        return _finding(ErrorCategory.SPAN_BOUNDARY, candidate, reference,
                        f"start {reference.value.start} → {candidate.value.start}, end "
                        f"{reference.value.end} → {candidate.value.end}")
    if similarity >= rules.geometry_threshold:
        return None
    detail = f"similarity {similarity:.3f} < {rules.geometry_threshold}"
    if kind not in _AREA_TYPES:
        return _finding(ErrorCategory.SHIFTED_GEOMETRY, candidate, reference, detail)
    mine, theirs = _area(candidate), _area(reference)
    ratio = mine / theirs if theirs > 0 else float("inf")
    category = (ErrorCategory.LOOSE_GEOMETRY if ratio > 1 + rules.area_tolerance
                else ErrorCategory.TIGHT_GEOMETRY if ratio < 1 / (1 + rules.area_tolerance)
                else ErrorCategory.SHIFTED_GEOMETRY)
    return _finding(category, candidate, reference, f"{detail}, area ratio {ratio:.3f}")


def _area(region: Region) -> float:
    """Area in pixels of a box, polygon or mask."""
    value = region.value
    if isinstance(value, MaskValue):
        runs = decode_rle_counts(value.counts) if isinstance(value.counts, str) \
            else np.asarray(value.counts)
        return float(runs[1::2].sum())
    if str(region.type) == "bbox":
        return float(value.width * value.height)
    return polygon_area(value.points)


def _attributes(candidate: Region, reference: Region) -> list[ErrorFinding]:
    if not candidate.attributes and not reference.attributes:
        return []  # the usual case, without sorting
    names = sorted(set(candidate.attributes) | set(reference.attributes))
    missing = "(not set)"
    return [_finding(ErrorCategory.WRONG_ATTRIBUTE, candidate, reference,
                     f"{name}: {candidate.attributes.get(name, missing)!r} instead of "
                     f"{reference.attributes.get(name, missing)!r}")
            for name in names
            if (name in candidate.attributes) != (name in reference.attributes)
            or candidate.attributes.get(name) != reference.attributes.get(name)]


def _answer(region: Region) -> Any:
    value = region.value
    if isinstance(value, MultilabelValue):
        return frozenset(value.classes)
    return getattr(value, "class_name", getattr(value, "rating", None))


def _compare_answers(ours: list[Region], gold: list[Region]) -> list[ErrorFinding]:
    """One answer per label: the first region of each side is the answer."""
    if not gold:
        return [_finding(ErrorCategory.EXTRA_OBJECT, ours[0], None)]
    if not ours:
        return [_finding(ErrorCategory.MISSED_OBJECT, None, gold[0])]
    mine, theirs = _answer(ours[0]), _answer(gold[0])
    findings = _attributes(ours[0], gold[0])
    if mine == theirs:
        return findings
    if isinstance(mine, frozenset):
        detail = (f"missing {sorted(theirs - mine)!r}, extra {sorted(mine - theirs)!r}")
    else:
        detail = f"{mine!r} instead of {theirs!r}"
    return [_finding(ErrorCategory.WRONG_LABEL, ours[0], gold[0], detail), *findings]


def _compare_transcriptions(ours: list[Region], gold: list[Region],
                            counterpart: dict[str, str]) -> list[ErrorFinding]:
    def target(region: Region, mapping: dict[str, str] | None) -> str | None:
        value: TranscriptionValue = region.value  # type: ignore[assignment]
        if value.region is None or mapping is None:
            return value.region
        return mapping.get(value.region, f"unmatched:{value.region}")

    reference = {target(r, None): r for r in gold}
    findings, seen = [], set()
    for region in ours:
        key = target(region, counterpart)
        expected = reference.get(key)
        seen.add(key)
        if expected is None:
            findings.append(_finding(ErrorCategory.EXTRA_OBJECT, region, None))
        elif region.value.text != expected.value.text:  # type: ignore[union-attr]
            findings.append(_finding(ErrorCategory.WRONG_TRANSCRIPTION, region, expected,
                                     f"{region.value.text!r} instead of "  # type: ignore[union-attr]
                                     f"{expected.value.text!r}"))  # type: ignore[union-attr]
    findings += [_finding(ErrorCategory.MISSED_OBJECT, None, r) for key, r in reference.items()
                 if key not in seen]
    return findings


def _compare_relations(ours: list[Region], gold: list[Region],
                       counterpart: dict[str, str]) -> list[ErrorFinding]:
    def ends(region: Region, mapping: dict[str, str] | None) -> tuple[Any, ...]:
        value: RelationValue = region.value  # type: ignore[assignment]
        if mapping is None:
            return (value.from_id, value.to_id, value.class_name)
        return (mapping.get(value.from_id), mapping.get(value.to_id), value.class_name)

    reference = [(ends(r, None), r) for r in gold]
    mapped = [(ends(r, counterpart), r) for r in ours]
    given, expected = {key for key, _ in mapped}, {key for key, _ in reference}
    return ([_finding(ErrorCategory.WRONG_RELATION, None, r, "no such relation given")
             for key, r in reference if key not in given]
            + [_finding(ErrorCategory.WRONG_RELATION, r, None, "not in the reference")
               for key, r in mapped if key not in expected])
