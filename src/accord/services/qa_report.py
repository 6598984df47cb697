"""A project's QA report: agreement per label, the annotator matrix, gold accuracy, errors,
drift and throughput, computed from its answers (see `qa_data`) by the pure QA engine.

Every section is JSON (`qa_json.to_json` of core results), so the API, the CLI and the SDK
show the same figures. Coefficients that do not apply to the data (Fleiss' kappa when the
number of labels per task varies, Cohen's kappa with more than two annotators) are reported
as undefined with the reason, never left out silently.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import cached_property, partial
from typing import Any

from sqlalchemy.orm import Session

from accord.core.agreement import (
    AgreementScore,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from accord.core.agreement.multilabel import per_class_agreement, set_alpha
from accord.core.agreement.regions import RegionAgreement, region_agreement
from accord.core.agreement.relations import RelationAgreement, relation_agreement
from accord.core.agreement.segments import segment_transcript_agreement, temporal_iou
from accord.core.agreement.span_alpha import span_alpha
from accord.core.agreement.spans import SpanAgreement, span_agreement
from accord.core.agreement.tracks import TrackAgreement, track_agreement
from accord.core.agreement.transcripts import TranscriptAgreement, transcript_agreement
from accord.core.errors import InputError
from accord.core.matching import Similarity
from accord.core.overlap import region_similarity
from accord.core.regions import Region, TranscriptionValue
from accord.core.schema import LabelDef, LabelType
from accord.core.validation import MediaInfo
from accord.services import projects
from accord.services.caller import Caller
from accord.services.qa_data import (
    ProjectWork,
    label_records,
    load_media_info,
    load_project_work,
    load_task_data,
    of_label,
)
from accord.services.qa_json import to_json
from accord.services.qa_overlaps import Overlaps, answer_overlaps
from accord.services.qa_quality import (
    Scored,
    annotators_section,
    consensus_section,
    consensus_tasks,
    drift_section,
    errors_section,
    gold_section,
    score_work,
)
from accord.services.qa_throughput import throughput_section

#: Label types whose regions are compared by matching them one-to-one by overlap.
MATCHED = frozenset({LabelType.BBOX, LabelType.POLYGON, LabelType.POLYLINE, LabelType.MASK,
                     LabelType.KEYPOINTS, LabelType.SPAN, LabelType.AUDIO_SEGMENT})
#: The overlap (IoU, OKS, line similarity) at which two regions count as the same object.
MATCH_THRESHOLD = 0.5
#: Labels whose agreement needs to know the tasks' media: text lengths, frame counts.
NEEDS_MEDIA = frozenset({LabelType.SPAN, LabelType.VIDEO_TRACK, LabelType.VIDEO_SEGMENT})
#: The headline coefficient of each label comes with its interval and breakdowns.
HEADLINE: dict[str, Any] = {"confidence": 0.95, "resamples": 1000, "seed": 0, "breakdown": "all"}


def project_report(session: Session, caller: Caller, project_id: int,
                   sections: Iterable[str] | None = None) -> dict[str, Any]:
    """The report's `sections` (default: all of `SECTIONS`), with the counts it stands on."""
    projects.get_project(session, project_id)
    report = _Report(session, project_id, load_project_work(session, project_id))
    names = tuple(SECTIONS) if sections is None else tuple(sections)
    return {"project_id": project_id, "counts": _counts(report.work),
            **{name: SECTIONS[name](report) for name in names}}


class _Report:
    """What the sections share, each part computed once, when a section first needs it."""

    def __init__(self, session: Session, project_id: int, work: ProjectWork) -> None:
        self.session, self.project_id, self.work = session, project_id, work

    @cached_property
    def overlaps(self) -> Overlaps:
        return answer_overlaps(self.work)

    @cached_property
    def scored(self) -> list[Scored]:
        return score_work(self.work, self.overlaps)

    def consensus_data(self) -> dict[int, dict[str, Any]]:
        return load_task_data(self.session, self.project_id, consensus_tasks(self.work))

    @cached_property
    def media(self) -> dict[int, MediaInfo]:
        """Text lengths and frame counts of the tasks answered with spans or tracks."""
        schema = self.work.schema
        if schema is None or not any(label.type in NEEDS_MEDIA for label in schema.labels):
            return {}
        tasks = {w.task_id for w in self.work.work if any(r.type in NEEDS_MEDIA
                                                           for r in w.regions)}
        return load_media_info(self.session, self.project_id, schema, tasks)


def _counts(work: ProjectWork) -> dict[str, int]:
    return {"tasks": work.tasks, "annotations": len(work.work),
            "labelled_tasks": len({w.task_id for w in work.work}),
            "annotators": len(work.annotators), "gold_tasks": len(work.gold),
            "reviews": len(work.reviews), "unreadable_regions": work.unreadable_regions}


def agreement_sections(work: ProjectWork, similarity: Similarity | None = None,
                       media: Mapping[int, MediaInfo] | None = None) -> list[dict[str, Any]]:
    """Agreement per label; `similarity` (as in `region_agreement`) for region labels,
    `media` (per task) for the text lengths of spans and the frame counts of videos."""
    if work.schema is None:
        return []
    return [section for label in work.schema.labels
            if (section := label_agreement(work, label, similarity, media)) is not None]


def label_agreement(work: ProjectWork, label: LabelDef, similarity: Similarity | None = None,
                    media: Mapping[int, MediaInfo] | None = None) -> dict[str, Any] | None:
    if label.type in (LabelType.CLASSIFICATION, LabelType.RATING):
        return _categorical(work, label)
    if label.type is LabelType.MULTILABEL:
        return _multilabel(work, label)
    if label.type is LabelType.SPAN:
        return _spans(work, label, media or {})
    if label.type in MATCHED:
        return _matched(work, label, similarity)
    if label.type is LabelType.TRANSCRIPTION:
        return _transcripts(work, label, similarity)
    if label.type is LabelType.VIDEO_TRACK:
        return _tracks(work, label, media or {})
    if label.type is LabelType.VIDEO_SEGMENT:
        return _video_segments(work, label, media or {})
    if label.type is LabelType.RELATION:
        return _relations(work, label, similarity)
    return None


def _measure(name: str, value: Any, n_units: int | None, undefined_because: str | None,
             pairs: dict[str, Any] | None = None, **figures: Any) -> dict[str, Any]:
    """One more measure of a label beside its headline, in one shape for every label."""
    return {"name": name, "value": value, "n_units": n_units,
            "undefined_because": None if value is not None else undefined_because,
            "pairs": pairs, **figures}


def _pairs(annotators: Iterable[Hashable], metric: str, values: Any) -> dict[str, Any]:
    return {"annotators": list(annotators), "metric": metric, "values": to_json(values)}


def _error_view(words: TranscriptAgreement, characters: TranscriptAgreement
                ) -> dict[str, Any]:
    return {"agreement": {**to_json(words.overall), "n_units": words.n_units,
                          "cer": characters.overall.value},
            "pairs": _pairs(words.annotators, "wer", words.rate)}


def _transcripts(work: ProjectWork, label: LabelDef, similarity: Similarity | None
                 ) -> dict[str, Any]:
    """Word and character error rates between annotators' whole-item transcriptions, and
    between the transcriptions of matched regions (segments, boxes) per transcribed label.
    The headline is the whole-item WER, or without whole-item transcriptions the first
    transcribed label's."""
    data: dict[int, dict[str, str]] = {}
    for w in work.work:
        texts = [r.value.text for r in w.regions  # type: ignore[union-attr]
                 if r.label == label.name and r.value.region is None]  # type: ignore[union-attr]
        if texts:
            data.setdefault(w.task_id, {})[w.author] = " ".join(texts)
    words = transcript_agreement(data, unit="word", annotators=work.annotators)
    characters = transcript_agreement(data, unit="character", annotators=work.annotators)
    regions = _region_transcripts(work, label, similarity)
    view = _error_view(words, characters)
    if words.n_units == 0 and regions:
        view = {"agreement": dict(next(iter(regions.values()))["agreement"]),
                "pairs": next(iter(regions.values()))["pairs"]}
    measures = [_measure(f"wer of {target}", r["agreement"]["value"], r["agreement"]["n_units"],
                         r["agreement"]["undefined_because"], r["pairs"],
                         cer=r["agreement"]["cer"], matched=r["matched"])
                for target, r in regions.items()]
    return {"label": label.name, "type": str(label.type), "primary": "wer", **view,
            "regions": regions, "measures": measures}


def _region_transcripts(work: ProjectWork, label: LabelDef, similarity: Similarity | None
                        ) -> dict[str, dict[str, Any]]:
    """Per label whose regions this label transcribes: the regions matched one-to-one
    (IoU >= 0.5, same class, as for their own agreement) and the error rates between the
    transcriptions of matched pairs both annotators transcribed."""
    by_target: dict[str, dict[int, dict[str, list[tuple[Region, str | None]]]]] = {}
    for w in work.work:
        ids = {r.id: r for r in w.regions}
        said: dict[str, str] = {}
        for r in w.regions:
            value = r.value
            if (r.label == label.name and isinstance(value, TranscriptionValue)
                    and value.region is not None and value.region in ids):
                said[value.region] = f"{said[value.region]} {value.text}" if (
                    value.region in said) else value.text
        targets = {ids[i].label for i in said}
        for target in targets:
            by_target.setdefault(target, {}).setdefault(w.task_id, {})[w.author] = [
                (r, said.get(r.id)) for r in w.regions if r.label == target]
    for target, data in by_target.items():  # who answered without this label: nothing
        for w in work.work:
            if w.task_id in data:
                data[w.task_id].setdefault(w.author, [
                    (r, None) for r in w.regions if r.label == target])
    found = {}
    for target, data in sorted(by_target.items()):
        try:
            words = segment_transcript_agreement(
                data, threshold=MATCH_THRESHOLD, annotators=work.annotators,
                similarity=similarity or region_similarity)
        except InputError as exc:  # regions without an overlap measure
            found[target] = {"agreement": {**to_json(AgreementScore(None, 0, exc.message)),
                                           "cer": None}, "pairs": None, "matched": 0}
            continue
        characters = transcript_agreement(words.compared, unit="character",
                                          annotators=work.annotators)
        found[target] = {**_error_view(words.errors, characters), "matched": words.n_matched}
    return found


def _spans(work: ProjectWork, label: LabelDef, media: Mapping[int, MediaInfo]
           ) -> dict[str, Any]:
    """Spans: F1 by exact boundaries (the headline) and by overlap, and Krippendorff's
    alpha for unitizing over the texts' characters."""
    data = regions_by_task(work, label)
    exact = span_agreement(data, match="exact", annotators=work.annotators)
    overlap = span_agreement(data, match="overlap", annotators=work.annotators)
    lengths = {task: info.text_lengths[label.source] for task, info in media.items()
               if label.source in info.text_lengths}
    overall, classes = _unitized(data, lengths, work.annotators)
    measures = [
        _measure("overlap_f1", overlap.overall.f1, overlap.n_units,
                 overlap.overall.undefined_because,
                 _pairs(overlap.annotators, "overlap_f1", overlap.pair_f1)),
        _measure("span_alpha", overall["value"], overall["n_units"],
                 overall["undefined_because"], overall.pop("pairs"))]
    return {"label": label.name, "type": str(label.type), "primary": "exact_f1",
            **_detection_view(exact), "overlap": _detection_view(overlap),
            "alpha": {"agreement": overall, "classes": classes},
            "measures": measures}


def _video_segments(work: ProjectWork, label: LabelDef, media: Mapping[int, MediaInfo]
                    ) -> dict[str, Any]:
    """Frame ranges (and one-frame classifications): F1 of ranges matched one-to-one at
    temporal IoU >= 0.5 with the same class (the headline), and Krippendorff's alpha for
    unitizing over the video's frames."""
    data = regions_by_task(work, label)
    result = region_agreement(data, threshold=MATCH_THRESHOLD, annotators=work.annotators,
                              similarity=temporal_iou)
    view = _detection_view(result)
    view["agreement"]["threshold"] = result.threshold
    ranges = {task: {who: [{"class": r.value.class_name, "start": r.value.start,  # type: ignore[union-attr]
                            "end": r.value.end} for r in regions]  # type: ignore[union-attr]
                     for who, regions in by_annotator.items()}
              for task, by_annotator in data.items()}
    lengths = {task: info.video_frame_count for task, info in media.items()
               if info.video_frame_count is not None}
    overall, classes = _unitized(ranges, lengths, work.annotators)
    measure = _measure("segment_alpha", overall["value"], overall["n_units"],
                       overall["undefined_because"], overall.pop("pairs"))
    return {"label": label.name, "type": str(label.type), "primary": "f1", **view,
            "alpha": {"agreement": overall, "classes": classes}, "measures": [measure]}


def _unitized(data: Any, lengths: Mapping[int, int], annotators: tuple[str, ...]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Unitizing alpha with its pair matrix, and per class; undefined with the reason when a
    stored range cannot be a unit (an empty one, say: validation flags it, QA passes it by)."""
    try:
        alpha = span_alpha(data, lengths=lengths, annotators=annotators, pairs=True)
    except InputError as exc:
        return {**to_json(AgreementScore(None, 0, exc.message)), "pairs": None}, {}
    return to_json(alpha.overall), to_json(alpha.per_class)


def _relations(work: ProjectWork, label: LabelDef, similarity: Similarity | None
               ) -> dict[str, Any]:
    """Relations: F1 of relations whose two ends are matched regions (IoU >= 0.5, same class,
    as for the ends' own agreement), with the same class and direction."""
    data: dict[int, dict[str, tuple[Region, ...]]] = {}
    for w in work.work:
        data.setdefault(w.task_id, {})[w.author] = w.regions
    try:
        result = relation_agreement(data, label=label.name, threshold=MATCH_THRESHOLD,
                                    similarity=similarity, annotators=work.annotators)
    except InputError as exc:  # ends without an overlap measure
        return {"label": label.name, "type": str(label.type), "primary": "f1",
                "agreement": to_json(AgreementScore(None, 0, exc.message))}
    return {"label": label.name, "type": str(label.type), "primary": "f1",
            **_detection_view(result)}


def _tracks(work: ProjectWork, label: LabelDef, media: Mapping[int, MediaInfo]
            ) -> dict[str, Any]:
    """Video tracks: MOTA (both ways pooled; the matrix row is the reference), IDF1 and
    per-frame F1 and mean IoU."""
    data = regions_by_task(work, label)
    frame_counts = {task: info.video_frame_count for task, info in media.items()
                    if info.video_frame_count is not None}
    try:
        result = track_agreement(data, threshold=MATCH_THRESHOLD, annotators=work.annotators,
                                 frame_counts=frame_counts)
    except InputError as exc:
        return {"label": label.name, "type": str(label.type), "primary": "mota",
                "agreement": to_json(AgreementScore(None, 0, exc.message)), "measures": []}
    overall = result.overall
    why = None if result.n_units else "no video was annotated by two annotators"
    return {"label": label.name, "type": str(label.type), "primary": "mota",
            "agreement": {**_track_figures(overall, why), "n_units": result.n_units,
                          "n_frames": result.n_frames, "threshold": result.threshold},
            "classes": {str(name): _track_figures(score, None)
                        for name, score in result.per_class.items()},
            "pairs": _pairs(result.annotators, "mota", result.mota),
            "per_pair": to_json(result.per_pair),
            "measures": _track_measures(result, why)}


def _track_figures(score: Any, why: str | None) -> dict[str, Any]:
    return {"value": score.mota, "idf1": score.idf1, "frame_f1": score.frames.f1,
            "mean_iou": score.frames.mean_iou,
            "undefined_because": why or (None if score.mota is not None
                                         else "neither annotator marked a box"),
            "frames": to_json(score.frames), "first_reference": to_json(score.first_reference),
            "second_reference": to_json(score.second_reference)}


def _track_measures(result: TrackAgreement, why: str | None) -> list[dict[str, Any]]:
    n = len(result.annotators)
    frame_f1: list[list[float | None]] = [[None] * n for _ in range(n)]
    for (a, b), score in result.per_pair.items():
        x, y = result.annotators.index(a), result.annotators.index(b)
        frame_f1[x][y] = frame_f1[y][x] = score.frames.f1
    overall = result.overall
    reason = why or "neither annotator marked a box"
    return [_measure("idf1", overall.idf1, result.n_units, reason,
                     _pairs(result.annotators, "idf1", result.idf1)),
            _measure("frame_f1", overall.frames.f1, result.n_units, reason,
                     _pairs(result.annotators, "frame_f1", frame_f1)),
            _measure("mean_iou", overall.frames.mean_iou, result.n_units,
                     why or "no box was matched")]


def regions_by_task(work: ProjectWork, label: LabelDef
                    ) -> dict[int, dict[str, tuple[Region, ...]]]:
    """{task: {annotator: the label's regions}} for every answer (an empty
    tuple where the annotator marked nothing of this label)."""
    data: dict[int, dict[str, tuple[Region, ...]]] = {}
    for w in work.work:
        data.setdefault(w.task_id, {})[w.author] = of_label(label, w.regions)
    return data


def _matched(work: ProjectWork, label: LabelDef, similarity: Similarity | None
             ) -> dict[str, Any]:
    """Detection-style agreement: regions matched one-to-one by overlap (IoU, OKS, temporal
    IoU for audio segments, similarity along the line for polylines), class-aware."""
    data = regions_by_task(work, label)
    result = region_agreement(data, threshold=MATCH_THRESHOLD, annotators=work.annotators,
                              similarity=similarity)
    view = _detection_view(result)
    view["agreement"]["threshold"] = result.threshold
    return {"label": label.name, "type": str(label.type), "primary": "f1", **view}


def _detection_view(result: RegionAgreement | SpanAgreement | RelationAgreement
                    ) -> dict[str, Any]:
    overall = result.overall
    return {"agreement": {**to_json(overall), "value": overall.f1, "n_units": result.n_units,
                          "macro_f1": result.macro_f1},
            "classes": to_json(result.per_class),
            "pairs": {"annotators": list(result.annotators), "metric": "f1",
                      "values": to_json(result.pair_f1)}}


def _categorical(work: ProjectWork, label: LabelDef) -> dict[str, Any]:
    records = label_records(work.work, label)
    if label.type is LabelType.RATING:
        scale = label.scale
        categories = list(range(scale.min, scale.max + 1)) if scale else None
        primary = "krippendorff_ordinal"
        coefficients: dict[str, Callable[..., AgreementScore]] = {
            "krippendorff_ordinal": partial(krippendorff_alpha, level="ordinal",
                                            categories=categories),
            "krippendorff_interval": partial(krippendorff_alpha, level="interval"),
            "percent": percent_agreement,
        }
    else:
        primary = "krippendorff_nominal"
        coefficients = {"krippendorff_nominal": krippendorff_alpha, "percent": percent_agreement,
                        "fleiss": fleiss_kappa, "gwet_ac1": gwet_ac1}
    results = {name: _defined_or_reason(compute, records) for name, compute in
               coefficients.items() if name != primary}
    results[primary] = _defined_or_reason(partial(coefficients[primary], **HEADLINE), records)
    return {"label": label.name, "type": str(label.type), "primary": primary,
            "agreement": results[primary], "coefficients": results}


def _multilabel(work: ProjectWork, label: LabelDef) -> dict[str, Any]:
    """Krippendorff's alpha on the class sets with the MASI distance, and per class (each
    class present or absent) nominal alpha."""
    records = label_records(work.work, label)
    return {"label": label.name, "type": str(label.type), "primary": "set_alpha_masi",
            "agreement": _defined_or_reason(partial(set_alpha, confidence=0.95), records),
            "classes": _per_class(records, [c.name for c in label.classes])}


def _per_class(records: list[tuple[int, str, Hashable]], classes: list[str]) -> Any:
    try:
        found = per_class_agreement(records, classes=classes)
    except InputError as exc:
        return {"undefined_because": exc.message}
    return {name: to_json(score) for name, score in zip(found.classes, found.scores,
                                                         strict=True)}


def _defined_or_reason(compute: Callable[..., AgreementScore],
                       records: list[tuple[int, str, Hashable]]) -> dict[str, Any]:
    """A coefficient, or undefined with the reason when it does not apply to these data."""
    try:
        return to_json(compute(records))
    except InputError as exc:
        return to_json(AgreementScore(None, 0, exc.message))


SECTIONS: dict[str, Callable[[_Report], Any]] = {
    "annotators": lambda r: annotators_section(r.work, r.scored),
    "agreement": lambda r: agreement_sections(r.work, r.overlaps, r.media),
    "consensus": lambda r: consensus_section(r.work),
    "gold": lambda r: gold_section(r.work),
    "errors": lambda r: errors_section(r.work, r.consensus_data(), r.overlaps),
    "drift": lambda r: drift_section(r.scored),
    "throughput": lambda r: throughput_section(r.session, r.project_id),
}
