"""Moving tasks through their stages when work arrives: gold scoring, consensus routing,
the outcome of a review, adjudication (docs/workflow.md, "The life of a task").

The decisions are `accord.core.workflow`'s; this module loads the facts they need, stores
the outcome on the task, and writes each move to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from accord.core.quality.annotation_score import annotation_score
from accord.core.records import AnnotationStatus, AssignmentKind, Stage, TaskState, Verdict
from accord.core.regions import Region
from accord.core.schema import Schema
from accord.core.workflow import (
    Outcome,
    RejectTo,
    WorkflowPolicy,
    is_trusted,
    overlap_for,
    push_score,
    route_answers,
    task_agreement,
)
from accord.db.engine import run
from accord.db.tables import Annotation, AnnotatorStats, Assignment, Review, Task
from accord.db.types import utcnow
from accord.services import audit, queue, versions, workflow
from accord.services.caller import Caller
from accord.services.consensus import consensus_of_task
from accord.services.qa_data import Work, read_regions

OUTCOME_STATE = {Outcome.DONE: TaskState.DONE, Outcome.REVIEW: TaskState.REVIEW,
                 Outcome.ADJUDICATE: TaskState.ADJUDICATE}


def regions_of(raw: Any) -> tuple[Region, ...]:
    return read_regions(raw)[0]


def move(session: Session, task: Task, state: TaskState, caller: Caller | None, reason: str,
         **details: Any) -> None:
    """Put the task in `state`: its leases of the stage it leaves go, the slot count
    restarts, and the move is audited."""
    leaving = task.state
    # first: the DELETE's flush then writes the task's whole change in one UPDATE
    task.state, task.state_at, task.taken = state, utcnow(), 0
    if leaving is not TaskState.DONE:
        queue.drop_leases(session, task.id, Stage(leaving.value))
    audit.record(session, caller, "task.route", "task", task.id, task.project_id,
                 **{"from": leaving.value, "to": state.value, "reason": reason, **details})


def after_label_answer(session: Session, caller: Caller, task: Task, answer: Annotation,
                       replaced: bool) -> None:
    """A labeling-stage answer arrived: score it if the task is gold, adapt the overlap on a
    first answer, and route the task when its last answer is in."""
    policy = workflow.get_policy(session, task.project_id)
    if task.is_gold:
        _score_gold(session, task, answer, replaced)
        return
    if not queue.counts_slots(task, session):  # calibration: everyone answers, no routing
        return
    answers = queue.current_answers(session, task.id)
    if not replaced and len(answers) == 1 and policy.adaptive_overlap is not None:
        trusted = is_trusted(_window(session, task.project_id, answer.author_id),
                             policy.adaptive_overlap)
        task.overlap = max(overlap_for(policy, task.overlap, trusted, task.content_hash),
                           task.taken)
    if len(answers) >= task.overlap and task.taken <= len(answers):
        route(session, caller, task, policy, answers)


def route(session: Session, caller: Caller | None, task: Task, policy: WorkflowPolicy,
          answers: Sequence[Annotation]) -> None:
    _, schema = versions.current_schema(session, task.project_id)
    agreement, result, scores, why = None, None, {}, ""
    if len(answers) == 1:
        result, source = answers[0].regions, "single"
    else:
        agreement, result, scores, why = _consensus(schema, task, answers)
        source = "consensus"
    gold_accuracy = _gold_accuracies(session, task.project_id, [a.author_id for a in answers],
                                     policy.min_gold_answers)
    decision = route_answers(policy, task_key=task.content_hash, round_=task.round,
                             answers=len(answers), agreement=agreement,
                             author_gold_accuracy=gold_accuracy)
    if policy.adaptive_overlap is not None:
        for author_id, score in scores.items():
            _push_agreement(session, task.project_id, author_id, score,
                            policy.adaptive_overlap.window)
    task.agreement = agreement
    accepted = decision.outcome is not Outcome.ADJUDICATE
    task.result, task.result_source = (result, source) if accepted else (None, None)
    move(session, task, OUTCOME_STATE[decision.outcome], caller,
         decision.reason + (f"; {why}" if why else ""), agreement=agreement)


def _consensus(schema: Schema | None, task: Task, answers: Sequence[Annotation]
               ) -> tuple[float | None, list[Any] | None, dict[int, float], str]:
    """(agreement, consensus regions, each author's score against it, a note). A label that
    some answer uses but that has no consensus rule leaves nothing comparable."""
    if schema is None:
        return None, None, {}, "no schema"
    work = [Work(a.id, task.id, str(a.author_id), regions_of(a.regions), a.guideline_version,
                 a.submitted_at, a.lead_time_s) for a in answers]
    found = consensus_of_task(schema, work, task.data)
    ruled = {c.label.name for c in found}
    unruled = sorted({r.label for w in work for r in w.regions} - ruled)
    if unruled:
        return None, None, {}, f"no consensus rule for {', '.join(unruled)}"
    consensus = tuple(r for c in found for r in c.regions)
    scores = {a.author_id: score for a, w in zip(answers, work, strict=True)
              if (score := annotation_score(w.regions, consensus)) is not None}
    agreement = task_agreement([scores.get(a.author_id) for a in answers])
    return agreement, [r.to_dict() for r in consensus], scores, ""


def gold_score(task: Task, regions: list[Any]) -> float | None:
    """An answer's score against the task's gold answer, stored with the answer; None
    unless the task is gold. Nothing comparable scores 0: nothing in it is right."""
    if not task.is_gold:
        return None
    score = annotation_score(regions_of(regions), regions_of(task.gold or []))
    return 0.0 if score is None else score


def _score_gold(session: Session, task: Task, answer: Annotation, replaced: bool) -> None:
    """Add the answer's gold score to the author's gold accuracy; an answer that replaces
    the author's earlier one on this task replaces its score too (one task, one gold
    answer)."""
    assert answer.gold_score is not None, "submit stores a gold answer with its score"
    earlier = session.get(Annotation, answer.parent_id) if replaced and answer.parent_id \
        else None
    earlier_score = earlier.gold_score if earlier is not None else None
    queue.add_gold_score(session, task.project_id, answer.author_id,
                         1 if earlier_score is None else 0,
                         answer.gold_score - (earlier_score or 0.0))


def _gold_accuracies(session: Session, project_id: int, user_ids: list[int], minimum: int
                     ) -> dict[str, float | None]:
    """Each author's gold accuracy (None below `minimum` gold answers), keyed by their id
    as text; one read for all of them."""
    found = {row.user_id: row for row in run(session, _GOLD_STATS, project_id=project_id,
                                             user_ids=user_ids)}
    accuracy: dict[str, float | None] = {}
    for user_id in user_ids:
        row = found.get(user_id)
        accuracy[str(user_id)] = row.gold_score_sum / row.gold_answers \
            if row is not None and row.gold_answers >= minimum and row.gold_answers else None
    return accuracy


_GOLD_STATS = select(AnnotatorStats.user_id, AnnotatorStats.gold_answers,
                     AnnotatorStats.gold_score_sum).where(
    AnnotatorStats.project_id == bindparam("project_id"),
    AnnotatorStats.user_id.in_(bindparam("user_ids", expanding=True)))


def _window(session: Session, project_id: int, user_id: int) -> list[float]:
    stats = session.get(AnnotatorStats, (project_id, user_id))
    return list(stats.agreement_window) if stats else []


def _push_agreement(session: Session, project_id: int, user_id: int, score: float,
                    size: int) -> None:
    queue.ensure_stats(session, project_id, user_id)
    stats = session.get(AnnotatorStats, (project_id, user_id), populate_existing=True)
    assert stats is not None
    stats.agreement_window = list(push_score(stats.agreement_window, score, size))


def after_review(session: Session, caller: Caller, task: Task) -> None:
    """Once every pending answer of a task in review has a verdict: back to labeling if any
    was rejected (to its author or to the queue, by policy), else done."""
    if task.state is TaskState.LABEL:
        if queue.counts_slots(task, session):
            _recount_slots(session, task)
        return
    if task.state is not TaskState.REVIEW:
        return
    answers = queue.current_answers(session, task.id)
    if any(a.status is AnnotationStatus.SUBMITTED for a in answers):
        return
    policy = workflow.get_policy(session, task.project_id)
    verdicts = list(session.execute(
        select(Review.verdict, Annotation.author_id, Review.fixed_annotation_id)
        .join(Annotation, Annotation.id == Review.annotation_id)
        .where(Annotation.task_id == task.id, Review.created_at >= task.state_at)
        .order_by(Review.id)))
    rejected = [author for verdict, author, _ in verdicts if verdict is Verdict.REJECT]
    if rejected:
        task.round += 1
        task.result, task.result_source = None, None
        move(session, task, TaskState.LABEL, caller,
             f"{len(rejected)} answer(s) rejected; back to "
             f"{'their authors' if policy.reject_to is RejectTo.AUTHOR else 'the queue'}")
        _recount_slots(session, task)
        if policy.reject_to is RejectTo.AUTHOR:
            for author_id in dict.fromkeys(rejected):
                direct(session, caller, task, author_id, Stage.LABEL)
        return
    fixes = [fixed for verdict, _, fixed in verdicts if verdict is Verdict.FIX and fixed]
    if fixes:
        fixed = session.get(Annotation, fixes[-1])
        assert fixed is not None
        task.result, task.result_source = fixed.regions, "fix"
    move(session, task, TaskState.DONE, caller, "review passed"
         + (" with a fix" if fixes else ""))


def _recount_slots(session: Session, task: Task) -> None:
    """Slots from what still holds one: the answers that count and the live leases. After a
    rejection or fix an answer no longer counts, so its slot goes back to the queue (else
    the task would wait, full, for an answer that never comes)."""
    task.taken = len(queue.current_answers(session, task.id)) + queue.live_leases(
        session, task.id, Stage.LABEL)


def after_adjudication(session: Session, caller: Caller, task: Task, final: Annotation
                       ) -> None:
    task.result, task.result_source = final.regions, "adjudication"
    move(session, task, TaskState.DONE, caller, "adjudicated", annotation_id=final.id)


def direct(session: Session, caller: Caller | None, task: Task, user_id: int, stage: Stage
           ) -> Assignment:
    """Reserve the task for `user_id` at `stage`, ahead of their queue, taking a slot (their
    own lease or skip of it is replaced)."""
    existing = session.scalar(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.user_id == user_id,
        Assignment.stage == stage))
    if existing is not None:
        if existing.kind is AssignmentKind.LEASE:
            task.taken -= 1
        session.delete(existing)
        session.flush()
    assignment = Assignment(project_id=task.project_id, task_id=task.id, user_id=user_id,
                            stage=stage, kind=AssignmentKind.DIRECTED,
                            assigned_by=caller.user_id if caller else None)
    session.add(assignment)
    task.taken += 1
    session.flush()
    audit.record(session, caller, "task.assign", "task", task.id, task.project_id,
                 user_id=user_id, stage=stage.value)
    return assignment
