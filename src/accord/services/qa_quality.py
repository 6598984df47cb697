"""The report's quality sections: gold accuracy, error categories and drift, per annotator.

Each annotation is scored twice (`core.quality.annotation_score`): against the task's gold
answer (gold tasks only) and against each other annotator of the task (the mean over them:
its agreement). Error findings come from three sources, counted together and apart: the
gold answers, the consensus of tasks with at least `CONSENSUS_MIN_ANNOTATORS` annotators
(no gold), and the reviewers' error categories.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

import numpy as np

from accord.core.consensus import dawid_skene, majority_vote
from accord.core.errors import InputError
from accord.core.matching import Similarity
from accord.core.quality.annotation_score import annotation_score
from accord.core.quality.drift import detect_drift
from accord.core.quality.error_counts import ErrorContext, count_errors, review_finding
from accord.core.quality.errors import classify_errors
from accord.core.quality.gold import categorical_gold_accuracy, region_gold_accuracy
from accord.core.regions import Region
from accord.core.schema import LabelDef, LabelType
from accord.services.consensus import VOTED, consensus_of_task, task_votes
from accord.services.qa_data import ProjectWork, Work, answer_of, label_records, of_label
from accord.services.qa_json import to_json
from accord.services.qa_overlaps import Overlaps

#: Consensus is a reference only when more than two annotators stand behind it.
CONSENSUS_MIN_ANNOTATORS = 3
GOLD_MATCHED = frozenset({LabelType.BBOX, LabelType.POLYGON, LabelType.POLYLINE,
                          LabelType.MASK, LabelType.KEYPOINTS, LabelType.SPAN,
                          LabelType.AUDIO_SEGMENT})
#: Drift: a change needs this many annotations on each side, at this level.
DRIFT_MIN_SEGMENT = 20
DRIFT_ALPHA = 0.01


@dataclass(frozen=True, slots=True)
class Scored:
    """One annotation's scores: against gold (None off gold tasks) and its agreement."""

    work: Work
    gold: float | None
    agreement: float | None


def score_work(work: ProjectWork, similarity: Similarity | None = None) -> list[Scored]:
    """Each answer's gold score and agreement; `similarity` as in `annotation_score`."""
    by_task: dict[int, list[Work]] = {}
    for w in work.work:
        by_task.setdefault(w.task_id, []).append(w)
    scored = []
    for w in work.work:
        gold = work.gold.get(w.task_id)
        others = [annotation_score(w.regions, o.regions, similarity=similarity)
                  for o in by_task[w.task_id] if o is not w]
        others = [s for s in others if s is not None]
        scored.append(Scored(w, None if gold is None else annotation_score(
            w.regions, gold, similarity=similarity),
            sum(others) / len(others) if others else None))
    return scored


def annotators_section(work: ProjectWork, scored: list[Scored]) -> list[dict[str, Any]]:
    """Per annotator: how much, how fast, how accurate against gold, how much in agreement."""
    rows = []
    for author in work.annotators:
        mine = [s for s in scored if s.work.author == author]
        gold = [s.gold for s in mine if s.gold is not None]
        agreement = [s.agreement for s in mine if s.agreement is not None]
        times = [s.work.lead_time_s for s in mine if s.work.lead_time_s is not None]
        rows.append({"annotator": author, "annotations": len(mine),
                     "gold_annotations": len(gold),
                     "mean_gold_score": sum(gold) / len(gold) if gold else None,
                     "mean_agreement": sum(agreement) / len(agreement) if agreement else None,
                     "median_lead_time_s": median(times) if times else None})
    return rows


def gold_section(work: ProjectWork) -> list[dict[str, Any]]:
    """Gold accuracy per label of the schema that gold answers use."""
    if work.schema is None or not work.gold:
        return []
    on_gold = [w for w in work.work if w.task_id in work.gold]
    sections = []
    for label in work.schema.labels:
        answers = {task: of_label(label, regions) for task, regions in work.gold.items()}
        answers = {task: regions for task, regions in answers.items() if regions}
        if not answers:
            continue
        result = _gold_accuracy(label, on_gold, answers)
        if result is not None:
            sections.append({"label": label.name, "type": str(label.type),
                             "gold_tasks": len(answers), **to_json(result)})
    return sections


def _gold_accuracy(label: LabelDef, on_gold: list[Work],
                   answers: dict[int, tuple[Region, ...]]) -> Any:
    if label.type in VOTED:
        gold = {task: answer_of(label, regions) for task, regions in answers.items()}
        records = label_records([w for w in on_gold if w.task_id in gold], label)
        classes = [c.name for c in label.classes] if label.classes else None
        return categorical_gold_accuracy(records, gold, classes=classes)
    if label.type in GOLD_MATCHED:
        return region_gold_accuracy(
            [(w.task_id, w.author, of_label(label, w.regions)) for w in on_gold
             if w.task_id in answers], answers)
    return None


def errors_section(work: ProjectWork, data: dict[int, dict[str, Any]],
                   overlaps: Overlaps | None = None) -> dict[str, Any]:
    """Every finding against gold, consensus and review, counted by annotator, class,
    guideline version and ISO week, in total and per source. `data` holds the task data of
    consensus tasks (span consensus needs the text); `overlaps`, those of the answers'
    boxes, if computed already (`qa_overlaps.answer_overlaps`)."""
    overlaps = overlaps or Overlaps()
    findings = {"gold": list(_gold_findings(work, overlaps)),
                "consensus": list(_consensus_findings(work, data, overlaps)),
                "review": list(_review_findings(work))}
    everything = count_errors([entry for entries in findings.values() for entry in entries])
    return {**to_json(_margins(everything)),
            "by_source": {source: dict(Counter(f.name for f, _ in entries))
                          for source, entries in findings.items()}}


def _margins(counts: Any) -> dict[str, Any]:
    return {"totals": counts.totals, "by_annotator": counts.by_annotator,
            "by_class": {"" if k is None else k: v for k, v in counts.by_class.items()},
            "by_guideline_version": counts.by_guideline_version,
            "by_week": {"" if k is None else k: v for k, v in counts.by_week.items()}}


def _context(w: Work, at: datetime | None = None) -> ErrorContext:
    return ErrorContext(w.author, w.guideline_version, at or w.submitted_at)


def _gold_findings(work: ProjectWork, overlaps: Overlaps
                   ) -> Iterator[tuple[Any, ErrorContext]]:
    for w in work.work:
        gold = work.gold.get(w.task_id)
        if gold is not None:
            for finding in classify_errors(w.regions, gold, similarity=overlaps):
                yield finding, _context(w)


def consensus_tasks(work: ProjectWork) -> dict[int, list[Work]]:
    """Tasks without gold with enough annotators for their consensus to be a reference."""
    by_task: dict[int, list[Work]] = {}
    for w in work.work:
        if w.task_id not in work.gold:
            by_task.setdefault(w.task_id, []).append(w)
    return {t: ws for t, ws in by_task.items() if len(ws) >= CONSENSUS_MIN_ANNOTATORS}


def _consensus_findings(work: ProjectWork, data: dict[int, dict[str, Any]],
                        overlaps: Overlaps) -> Iterator[tuple[Any, ErrorContext]]:
    if work.schema is None:
        return
    tasks = consensus_tasks(work)
    votes = task_votes(work.schema, tasks)
    consensus = {task_id: consensus_of_task(
        work.schema, works, data.get(task_id, {}), overlaps,
        {name: by_task[task_id] for name, by_task in votes.items() if task_id in by_task})
        for task_id, works in tasks.items()}
    # each consensus against all its task's answers, every task's in one batch
    overlaps.add_many([(c.regions, [r for w in tasks[task_id] for r in of_label(c.label, w.regions)])
                       for task_id, found in consensus.items() for c in found])
    for task_id, works in tasks.items():
        found = consensus[task_id]
        decided = {c.label.name for c in found if c.regions}
        reference = tuple(r for c in found for r in c.regions)
        for w in works:
            for finding in classify_errors(tuple(r for r in w.regions if r.label in decided),
                                           reference, similarity=overlaps):
                yield finding, _context(w)


def _review_findings(work: ProjectWork) -> Iterator[tuple[Any, ErrorContext]]:
    for review in work.reviews:
        for category in review.categories:
            try:
                finding = review_finding(category)
            except InputError:
                continue  # an empty category carries no finding
            yield finding, ErrorContext(review.author, review.guideline_version, review.at)


def drift_section(scored: list[Scored]) -> dict[str, Any]:
    """Weekly means and change points of gold scores and agreement, per annotator and per
    guideline version."""
    section: dict[str, Any] = {"min_segment": DRIFT_MIN_SEGMENT, "alpha": DRIFT_ALPHA}
    for measure in ("gold", "agreement"):
        events = [(s.work.author, s.work.submitted_at, getattr(s, measure),
                   s.work.guideline_version) for s in scored
                  if getattr(s, measure) is not None and s.work.submitted_at is not None]
        section[measure] = {by: [_drift_view(d) for d in detect_drift(
            events, by=by, min_segment=DRIFT_MIN_SEGMENT, alpha=DRIFT_ALPHA)]
            for by in ("annotator", "guideline_version")} if events else {
            "annotator": [], "guideline_version": []}
    return section


def _drift_view(drift: Any) -> dict[str, Any]:
    test = drift.change_points
    return {"key": drift.key,
            "weeks": [{"week": label, "start": start, "n": n, "mean": mean} for label, start,
                      n, mean in zip(drift.buckets.labels, drift.buckets.starts,
                                     to_json(drift.buckets.n), to_json(drift.buckets.mean),
                                     strict=True)],
            "n": test.n_values, "p_value": test.p_value,
            "undefined_because": test.undefined_because,
            "change_points": to_json(test.change_points)}


#: Consensus support levels the report counts tasks at, to choose an acceptance threshold.
SUPPORT_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def consensus_section(work: ProjectWork) -> list[dict[str, Any]]:
    """Per classification and rating label: how decided the majority vote is (tasks at each
    support level), and Dawid–Skene's estimate of each annotator's accuracy, which needs no
    gold (the sum over classes of prior × the annotator's chance of answering it right)."""
    if work.schema is None:
        return []
    sections = []
    for label in work.schema.labels:
        if label.type not in VOTED:
            continue
        records = [r for r in label_records(work.work, label) if r[2] is not None]
        if not records:
            continue
        vote = majority_vote(records)
        support = [s for s in vote.support if s is not None]
        model = dawid_skene(records)
        correct = np.einsum("c,acc->a", model.priors, model.confusion)
        sections.append({
            "label": label.name, "type": str(label.type), "tasks": len(vote),
            "decided": sum(label is not None for label in vote.labels),
            "tasks_with_support_at_least": {
                f"{level:g}": sum(s >= level - 1e-9 for s in support) for level in SUPPORT_LEVELS},
            "dawid_skene": {
                "iterations": model.iterations, "converged": model.converged,
                "annotator_accuracy": dict(zip(model.annotators, to_json(correct),
                                               strict=True)),
                "priors": dict(zip(map(str, model.categories), to_json(model.priors),
                                   strict=True)),
                "differs_from_majority": sum(
                    mv is not None and ds != mv for mv, ds in zip(
                        vote.labels, _aligned(model, vote.units), strict=True))}})
    return sections


def _aligned(model: Any, units: tuple[Any, ...]) -> list[Any]:
    by_unit = dict(zip(model.units, model.labels, strict=True))
    return [by_unit.get(unit) for unit in units]
