"""What a manager decides on before the work scales: the pilot batch's baseline (progress,
agreement, time per task) and how annotators agree on the calibration batch."""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.core.agreement import krippendorff_alpha
from accord.core.errors import Conflict, InputError
from accord.core.quality.annotation_score import annotation_score
from accord.core.records import AnnotationStatus, Stage, TaskState
from accord.core.schema import LabelType
from accord.db.tables import Annotation, Task, User
from accord.services import projects, versions, workflow
from accord.services.caller import Caller
from accord.services.consensus import consensus_of_task
from accord.services.qa_data import Work, answer_of, read_regions
from accord.services.qa_json import to_json

VOTED = (LabelType.CLASSIFICATION, LabelType.RATING)


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _batch_answers(session: Session, project_id: int, batch: str) -> list[Work]:
    """Each annotator's latest labeling-stage answer on each task of the batch."""
    latest: dict[tuple[int, str], Work] = {}
    stmt = (select(Annotation.id, Annotation.task_id, User.email, Annotation.regions,
                   Annotation.guideline_version, Annotation.submitted_at,
                   Annotation.lead_time_s)
            .join(Task, Task.id == Annotation.task_id).join(User, User.id == Annotation.author_id)
            .where(Task.project_id == project_id, Task.batch == batch,
                   Annotation.stage == Stage.LABEL, Annotation.status != AnnotationStatus.DRAFT)
            .order_by(Annotation.id))
    for row in session.execute(stmt):
        latest[(row.task_id, row.email)] = Work(row.id, row.task_id, row.email,
                                                read_regions(row.regions)[0],
                                                row.guideline_version, row.submitted_at,
                                                row.lead_time_s)
    return sorted(latest.values(), key=lambda w: w.annotation_id)


def pilot_report(session: Session, caller: Caller, project_id: int) -> dict[str, Any]:
    project = projects.get_project(session, project_id)
    policy = workflow.policy_of(project)
    if policy.pilot_batch is None:
        raise Conflict("this project has no pilot batch; set workflow.pilot_batch first",
                       field="pilot_batch")
    batch = policy.pilot_batch
    states = dict(session.execute(select(Task.state, func.count()).where(
        Task.project_id == project_id, Task.batch == batch, Task.is_gold.is_(False))
        .group_by(Task.state)).all())
    agreements = [a for (a,) in session.execute(select(Task.agreement).where(
        Task.project_id == project_id, Task.batch == batch, Task.agreement.is_not(None)))]
    work = _batch_answers(session, project_id, batch)
    times = [w.lead_time_s for w in work if w.lead_time_s is not None]
    by_author: dict[str, list[Work]] = {}
    for w in work:
        by_author.setdefault(w.author, []).append(w)
    return {
        "batch": batch, "approved": not workflow.pilot_pending(project, policy),
        "tasks": {"total": sum(states.values()),
                  **{state.value: states.get(state, 0) for state in TaskState}},
        "agreement": {"mean": sum(agreements) / len(agreements) if agreements else None,
                      "tasks": len(agreements),
                      "below_threshold": sum(a < policy.consensus_threshold
                                             for a in agreements),
                      "threshold": policy.consensus_threshold},
        "time_per_task_s": {"median": median(times) if times else None,
                            "p90": _quantile(times, 0.9), "answers": len(times)},
        "annotators": [
            {"annotator": author, "answers": len(mine),
             "median_time_s": median(t) if (t := [w.lead_time_s for w in mine
                                                  if w.lead_time_s is not None]) else None}
            for author, mine in sorted(by_author.items())],
    }


def calibration_report(session: Session, caller: Caller, project_id: int) -> dict[str, Any]:
    """Krippendorff's alpha (nominal) of each voted label over the calibration answers, and
    each annotator's mean score against the per-task consensus."""
    policy = workflow.get_policy(session, project_id)
    if policy.calibration_batch is None:
        raise Conflict("this project has no calibration batch; set "
                       "workflow.calibration_batch first", field="calibration_batch")
    _, schema = versions.current_schema(session, project_id)
    batch = policy.calibration_batch
    task_data = dict(session.execute(select(Task.id, Task.data).where(
        Task.project_id == project_id, Task.batch == batch, Task.is_gold.is_(False))).all())
    work = [w for w in _batch_answers(session, project_id, batch) if w.task_id in task_data]
    per_task: dict[int, list[Work]] = {}
    for w in work:
        per_task.setdefault(w.task_id, []).append(w)
    scores: dict[str, list[float]] = {}
    if schema is not None:
        for task_id, answers in per_task.items():
            consensus = tuple(r for c in consensus_of_task(schema, answers, task_data[task_id])
                              for r in c.regions)
            for w in answers:
                if (score := annotation_score(w.regions, consensus)) is not None:
                    scores.setdefault(w.author, []).append(score)
    labels = []
    for label in schema.labels if schema is not None else ():
        if label.type not in VOTED:
            continue
        records = [(w.task_id, w.author, answer) for w in work
                   if (answer := answer_of(label, w.regions)) is not None]
        try:
            alpha = to_json(krippendorff_alpha(records)) if records else None
        except InputError as exc:
            alpha = {"value": None, "reason": exc.message}
        labels.append({"label": label.name, "type": str(label.type), "alpha": alpha})
    authors = sorted({w.author for w in work})
    return {
        "batch": batch, "tasks": len(task_data),
        "annotators": [{"annotator": a, "answered": sum(w.author == a for w in work),
                        "complete": sum(w.author == a for w in work) == len(task_data),
                        "mean_score": sum(s) / len(s) if (s := scores.get(a)) else None}
                       for a in authors],
        "labels": labels,
    }
