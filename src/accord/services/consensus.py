"""Consensus per task and label from its answers (see `qa_data`): what a workflow accepts when the
support is high enough and escalates otherwise, and the reference that work without a gold
answer is checked against.

| label type | rule |
| --- | --- |
| classification, rating | majority vote, ties undecided |
| bbox, polygon, polyline, mask, audio segment, video segment | matched clusters fused into one region (IoU ≥ 0.5, temporal for segments, similarity along the line for polylines; same class, one region per annotator); clusters drawn by fewer than half the annotators are dropped |
| span | token voting, a token's class needs more than half the annotators |
| video track | tracks matched by their IDF1 (per-frame IoU ≥ 0.5 over the frames both are in view; same class, one track per annotator), clusters drawn by more than half the annotators fused: per frame the mean box of the members in view, out of view where at most half the annotators' tracks are, keyframes only where the fused box bends; per-frame attributes by majority |
| transcription | per consensus region transcribed (the members' regions linked to it) and for the whole item: the medoid transcript (least total word edits to the others), kept when more than half the annotators transcribed the target; support: mean 1 - WER against it |
| relation | between consensus regions (each annotator's ends linked to them: cluster members, or spans matched to the consensus spans at IoU ≥ 0.5): kept when more than half the annotators drew it with that class and direction |

Consensus regions are named `consensus-{label}-{i}` (i from 0 in the consensus's order), unique
in the task, so transcriptions and relations of the consensus point at the right one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from accord.core.consensus import (
    ConsensusRegion,
    ConsensusTrack,
    UnitConsensus,
    majority_vote,
    region_consensus,
    relation_consensus,
    span_consensus,
    track_consensus,
    transcription_consensus,
)
from accord.core.consensus.links import Links, region_links, span_links
from accord.core.errors import InputError
from accord.core.matching import Similarity
from accord.core.quality.annotation_score import annotation_score
from accord.core.regions import ClassificationValue, RatingValue, Region
from accord.core.schema import LabelDef, LabelType, Schema
from accord.core.validation import media_info
from accord.services import tasks, versions
from accord.services.caller import Caller
from accord.services.qa_data import Work, answer_of, load_answers, of_label
from accord.services.qa_json import to_json

VOTED = frozenset({LabelType.CLASSIFICATION, LabelType.RATING})
FUSED = frozenset({LabelType.BBOX, LabelType.POLYGON, LabelType.POLYLINE, LabelType.MASK,
                   LabelType.AUDIO_SEGMENT, LabelType.VIDEO_SEGMENT})
#: labels whose regions point at other regions by id: their consensus follows the links
REFERRING = frozenset({LabelType.TRANSCRIPTION, LabelType.RELATION})
QUORUM = 0.5


@dataclass(frozen=True, slots=True)
class LabelConsensus:
    """One label's consensus on one task: the regions it amounts to (empty when undecided)
    and the engine's full result (`detail`), which carries the support."""

    label: LabelDef
    method: str
    regions: tuple[Region, ...]
    detail: Any
    #: (annotator index, the annotator's region id) -> the consensus region it became
    links: Links = field(default_factory=dict)


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
    """The consensus of every label of the schema that has a rule, on one task's work, in
    the schema's order (`similarity` as in `region_consensus`; `votes`: the task's majority
    votes by label, when `task_votes` computed them for many tasks at once). Transcriptions
    and relations are decided last, through the links of the regions decided before."""
    votes = votes or {}
    annotators = [w.author for w in work]
    frame_count = media_info(schema, data).video_frame_count if any(
        label.type is LabelType.VIDEO_TRACK for label in schema.labels) else None
    links: Links = {}
    linked = any(label.type in REFERRING for label in schema.labels)
    found: dict[str, LabelConsensus] = {}
    for label in sorted(schema.labels, key=lambda label: label.type in REFERRING):
        consensus = label_consensus(label, [of_label(label, w.regions) for w in work],
                                    annotators, field_data(schema, label, data), similarity,
                                    votes.get(label.name), links=links,
                                    frame_count=frame_count, with_links=linked)
        if consensus is not None:
            found[label.name] = consensus
            links.update(consensus.links)
    return [found[label.name] for label in schema.labels if label.name in found]


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
                    vote: UnitConsensus | None = None, *, links: Links | None = None,
                    frame_count: int | None = None, with_links: bool = True
                    ) -> LabelConsensus | None:
    """One label's consensus from each annotator's regions of it, or None when the label
    type has no rule (or, for spans, the task has no text). `vote`: the majority vote of a
    voted label, if computed already; `links`: which consensus region each annotator's
    region of the task's other labels became (`LabelConsensus.links`), which transcriptions
    and relations follow; `frame_count`: the video's frames, for tracks. `with_links=False`
    leaves this label's own links out (no label of the task refers to its regions)."""
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
            regions = (Region(consensus_id(label, 0), label.name, label.type, value),)
        return LabelConsensus(label, "majority_vote", regions, vote)
    if label.type in FUSED:
        fused = region_consensus(annotations, quorum=QUORUM, similarity=similarity)
        return _clusters(label, "fused_clusters", fused.regions, fused, annotations,
                         with_links)
    if label.type is LabelType.VIDEO_TRACK:
        tracks = track_consensus(annotations, quorum=QUORUM, frame_count=frame_count)
        return _clusters(label, "fused_tracks", tracks.tracks, tracks, annotations,
                         with_links)
    if label.type is LabelType.SPAN and isinstance(source, str):
        spans = span_consensus(source, annotations, quorum=QUORUM)
        ids = [consensus_id(label, i) for i in range(len(spans.spans))]
        return LabelConsensus(label, "token_vote", tuple(
            Region(i, label.name, label.type, s.value)
            for i, s in zip(ids, spans.spans, strict=True)), spans,
            span_links(annotations, [s.value for s in spans.spans], ids)
            if with_links else {})
    if label.type is LabelType.TRANSCRIPTION:
        said = transcription_consensus(annotations, links, quorum=QUORUM)
        return LabelConsensus(label, "medoid_transcript", tuple(
            Region(consensus_id(label, i), label.name, label.type, t.value)
            for i, t in enumerate(said.transcriptions)), said)
    if label.type is LabelType.RELATION:
        related = relation_consensus(annotations, links or {}, quorum=QUORUM)
        return LabelConsensus(label, "relation_vote", tuple(
            Region(consensus_id(label, i), label.name, label.type, r.value)
            for i, r in enumerate(related.relations)), related)
    return None


def _clusters(label: LabelDef, method: str, fused: Sequence[ConsensusRegion | ConsensusTrack],
              detail: Any, annotations: Sequence[Sequence[Region]], with_links: bool
              ) -> LabelConsensus:
    """A label's fused clusters (regions or tracks) as consensus regions, with the links of
    their members when `with_links`."""
    ids = [consensus_id(label, i) for i in range(len(fused))]
    return LabelConsensus(label, method, tuple(
        Region(i, label.name, label.type, c.value, c.attributes)
        for i, c in zip(ids, fused, strict=True)), detail,
        region_links(annotations, [c.members for c in fused], ids) if with_links else {})


def consensus_id(label: LabelDef, index: int) -> str:
    """The id of a label's index-th consensus region: `consensus-{label}-{index}`, unique in
    a task (label names are unique, and the index has no dash)."""
    return f"consensus-{label.name}-{index}"
