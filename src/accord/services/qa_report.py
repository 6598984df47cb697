"""A project's QA report: agreement per label, the annotator matrix, gold accuracy, errors,
drift and throughput, computed from its answers (see `qa_data`) by the pure QA engine.

Every section is JSON (`qa_json.to_json` of core results), so the API, the CLI and the SDK
show the same figures. Coefficients that do not apply to the data (Fleiss' kappa when the
number of labels per task varies, Cohen's kappa with more than two annotators) are reported
as undefined with the reason, never left out silently.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
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
from accord.core.agreement.spans import SpanAgreement, span_agreement
from accord.core.agreement.transcripts import transcript_agreement
from accord.core.errors import InputError
from accord.core.matching import Similarity
from accord.core.regions import Region
from accord.core.schema import LabelDef, LabelType
from accord.services import projects
from accord.services.caller import Caller
from accord.services.qa_data import (
    ProjectWork,
    label_records,
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
MATCHED = frozenset({LabelType.BBOX, LabelType.POLYGON, LabelType.MASK, LabelType.KEYPOINTS,
                     LabelType.SPAN, LabelType.AUDIO_SEGMENT})
#: The overlap (IoU, OKS) at which two regions count as the same object.
MATCH_THRESHOLD = 0.5
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


def _counts(work: ProjectWork) -> dict[str, int]:
    return {"tasks": work.tasks, "annotations": len(work.work),
            "labelled_tasks": len({w.task_id for w in work.work}),
            "annotators": len(work.annotators), "gold_tasks": len(work.gold),
            "reviews": len(work.reviews), "unreadable_regions": work.unreadable_regions}


def agreement_sections(work: ProjectWork, similarity: Similarity | None = None
                       ) -> list[dict[str, Any]]:
    """Agreement per label; `similarity` (as in `region_agreement`) for region labels."""
    if work.schema is None:
        return []
    return [section for label in work.schema.labels
            if (section := label_agreement(work, label, similarity)) is not None]


def label_agreement(work: ProjectWork, label: LabelDef,
                    similarity: Similarity | None = None) -> dict[str, Any] | None:
    if label.type in (LabelType.CLASSIFICATION, LabelType.RATING):
        return _categorical(work, label)
    if label.type is LabelType.MULTILABEL:
        return _multilabel(work, label)
    if label.type in MATCHED:
        return _matched(work, label, similarity)
    if label.type is LabelType.TRANSCRIPTION:
        return _transcripts(work, label)
    return None


def _transcripts(work: ProjectWork, label: LabelDef) -> dict[str, Any]:
    """Word and character error rates between annotators' whole-item transcriptions
    (transcriptions of regions need the regions matched first: not compared)."""
    data: dict[int, dict[str, str]] = {}
    for w in work.work:
        texts = [r.value.text for r in w.regions  # type: ignore[union-attr]
                 if r.label == label.name and r.value.region is None]  # type: ignore[union-attr]
        if texts:
            data.setdefault(w.task_id, {})[w.author] = " ".join(texts)
    words = transcript_agreement(data, unit="word", annotators=work.annotators)
    characters = transcript_agreement(data, unit="character", annotators=work.annotators)
    return {"label": label.name, "type": str(label.type), "primary": "wer",
            "agreement": {**to_json(words.overall), "n_units": words.n_units,
                          "cer": characters.overall.value},
            "pairs": {"annotators": list(words.annotators), "metric": "wer",
                      "values": to_json(words.rate)}}


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
    """Detection-style agreement: regions matched one-to-one by overlap, class-aware; spans
    by exact boundaries (the headline) and by overlap."""
    data = regions_by_task(work, label)
    if label.type is LabelType.SPAN:
        exact = span_agreement(data, match="exact", annotators=work.annotators)
        overlap = span_agreement(data, match="overlap", annotators=work.annotators)
        return {"label": label.name, "type": str(label.type), "primary": "exact_f1",
                **_detection_view(exact), "overlap": _detection_view(overlap)}
    result = region_agreement(data, threshold=MATCH_THRESHOLD, annotators=work.annotators,
                              similarity=similarity)
    view = _detection_view(result)
    view["agreement"]["threshold"] = result.threshold
    return {"label": label.name, "type": str(label.type), "primary": "f1", **view}


def _detection_view(result: RegionAgreement | SpanAgreement) -> dict[str, Any]:
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
    "agreement": lambda r: agreement_sections(r.work, r.overlaps),
    "consensus": lambda r: consensus_section(r.work),
    "gold": lambda r: gold_section(r.work),
    "errors": lambda r: errors_section(r.work, r.consensus_data(), r.overlaps),
    "drift": lambda r: drift_section(r.scored),
    "throughput": lambda r: throughput_section(r.session, r.project_id),
}
