"""Consensus per task and label from its answers (see `qa_data`): what a workflow accepts when the
support is high enough and escalates otherwise, and the reference that work without a gold
answer is checked against.

| label type | rule |
| --- | --- |
| classification, rating | majority vote, ties undecided |
| bbox, polygon, mask, audio segment, video segment | matched clusters fused into one region (IoU ≥ 0.5, temporal for segments; same class, one region per annotator); clusters drawn by fewer than half the annotators are dropped |
| span | token voting, a token's class needs more than half the annotators |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from accord.core.consensus import UnitConsensus, majority_vote, span_consensus
from accord.core.consensus.regions import region_consensus
from accord.core.errors import InputError
from accord.core.matching import Similarity
from accord.core.quality.annotation_score import annotation_score
from accord.core.regions import ClassificationValue, RatingValue, Region
from accord.core.schema import LabelDef, LabelType, Schema
from accord.services import tasks, versions
from accord.services.caller import Caller
from accord.services.qa_data import Work, answer_of, load_answers, of_label
from accord.services.qa_json import to_json

VOTED = frozenset({LabelType.CLASSIFICATION, LabelType.RATING})
FUSED = frozenset({LabelType.BBOX, LabelType.POLYGON, LabelType.MASK, LabelType.AUDIO_SEGMENT,
                   LabelType.VIDEO_SEGMENT})
QUORUM = 0.5


@dataclass(frozen=True, slots=True)
class LabelConsensus:
    """One label's consensus on one task: the regions it amounts to (empty when undecided)
    and the engine's full result (`detail`), which carries the support."""

    label: LabelDef
    method: str
    regions: tuple[Region, ...]
    detail: Any


def task_consensus(session: Session, caller: Caller, project_id: int, task_id: int
                   ) -> dict[str, Any]:
    task = tasks.get_task(session, project_id, task_id)
    _, schema = versions.current_schema(session, project_id)
    work, unreadable = load_answers(session, project_id, task_id)
    found = [] if schema is None else consensus_of_task(schema, work, task.data)
    proposed = tuple(r for c in found for r in c.regions)
    return {"task_id": task_id, "annotators": [w.author for w in work],
            "unreadable_regions": unreadable,
            # each answer against the proposed consensus, as routing scores it
            "scores": [{"annotation_id": w.annotation_id, "annotator": w.author,
                        "score": annotation_score(w.regions, proposed) if found else None}
                       for w in work],
            "labels": [{"label": c.label.name, "type": str(c.label.type), "method": c.method,
                        "regions": [r.to_dict() for r in c.regions],
                        "consensus": to_json(c.detail)} for c in found]}


def consensus_of_task(schema: Schema, work: Sequence[Work], data: dict[str, Any],
                      similarity: Similarity | None = None,
                      votes: Mapping[str, UnitConsensus] | None = None) -> list[LabelConsensus]:
    """The consensus of every label of the schema that has a rule, on one task's work
    (`similarity` as in `region_consensus`; `votes`: the task's majority votes by label,
    when `task_votes` computed them for many tasks at once)."""
    votes = votes or {}
    return [found for label in schema.labels
            if (found := label_consensus(label, [of_label(label, w.regions) for w in work],
                                         [w.author for w in work],
                                         field_data(schema, label, data),
                                         similarity, votes.get(label.name))) is not None]


def task_votes(schema: Schema, tasks: Mapping[int, Sequence[Work]]
               ) -> dict[str, dict[int, UnitConsensus]]:
    """{label: {task: majority vote}} of every voted label: one `majority_vote` over all
    the tasks, which decides each task as a call for it alone would (ties stay undecided)."""
    votes = {}
    for label in schema.labels:
        if label.type in VOTED:
            records = [(task, w.author, answer_of(label, w.regions))
                       for task, work in tasks.items() for w in work]
            try:
                votes[label.name] = {unit.unit: unit for unit in majority_vote(records)}
            except InputError:  # labels one vote cannot mix (numbers and text): task by task
                continue
    return votes


def field_data(schema: Schema, label: LabelDef, data: dict[str, Any]) -> Any:
    """The task data the label marks: its data field's value (its `source` key, if set)."""
    field = schema.data_field(label.source)
    return data.get(field.source or field.name) if field is not None else None


def label_consensus(label: LabelDef, annotations: Sequence[Sequence[Region]],
                    annotators: Sequence[str], source: Any,
                    similarity: Similarity | None = None,
                    vote: UnitConsensus | None = None) -> LabelConsensus | None:
    """One label's consensus from each annotator's regions of it, or None when the label
    type has no rule (or, for spans, the task has no text). `vote`: the majority vote of a
    voted label, if computed already."""
    if not annotations:
        return None
    if label.type in VOTED:
        vote = vote or next(iter(majority_vote(
            [(0, who, answer_of(label, regions))
             for who, regions in zip(annotators, annotations, strict=True)])))
        regions: tuple[Region, ...] = ()
        if vote.label is not None:
            value = (ClassificationValue(vote.label) if label.type is LabelType.CLASSIFICATION
                     else RatingValue(vote.label))  # type: ignore[arg-type]
            regions = (Region("consensus", label.name, label.type, value),)
        return LabelConsensus(label, "majority_vote", regions, vote)
    if label.type in FUSED:
        fused = region_consensus(annotations, quorum=QUORUM, similarity=similarity)
        return LabelConsensus(label, "fused_clusters", tuple(
            Region(f"consensus-{i}", label.name, label.type, r.value, r.attributes)
            for i, r in enumerate(fused.regions)), fused)
    if label.type is LabelType.SPAN and isinstance(source, str):
        spans = span_consensus(source, annotations, quorum=QUORUM)
        return LabelConsensus(label, "token_vote", tuple(
            Region(f"consensus-{i}", label.name, label.type, s.value)
            for i, s in enumerate(spans.spans)), spans)
    return None
