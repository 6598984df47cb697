"""The QA report's `throughput` section: submissions per day, time per task and pre-label
acceptance, computed by `accord.core.quality.throughput` from every labeling submission.

A submission here is each labeling-stage annotation handed in (submitted, accepted,
rejected or superseded: a resubmission after a rejection counts again, as the work it is);
drafts, reviewers' fixes and adjudications are not. Each is compared with the latest
prediction (highest id) of its task, when the task has one. Rows are read in keyset pages,
as for the rest of the report.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.core.quality.throughput import Acceptance, DayCount, Submission, summarize
from accord.core.records import Stage
from accord.core.regions import Region
from accord.db.tables import Annotation, Prediction, User
from accord.services.qa_data import PAGE, SUBMITTED, read_regions
from accord.services.qa_json import to_json


def latest_predictions(session: Session, project_id: int) -> dict[int, tuple[Region, ...]]:
    """{task id: the regions of its latest prediction} for the project's predicted tasks."""
    latest = select(func.max(Prediction.id)).where(Prediction.project_id == project_id) \
        .group_by(Prediction.task_id).scalar_subquery()
    found: dict[int, tuple[Region, ...]] = {}
    last = 0
    while True:
        rows = session.execute(select(Prediction.id, Prediction.task_id, Prediction.regions)
                               .where(Prediction.id.in_(latest), Prediction.id > last)
                               .order_by(Prediction.id).limit(PAGE)).all()
        if not rows:
            return found
        for row in rows:
            found[row.task_id] = read_regions(row.regions)[0]
        last = rows[-1].id


def load_submissions(session: Session, project_id: int
                     ) -> tuple[list[Submission], dict[str, int]]:
    """Every labeling submission of the project, in id order, and each author's user id."""
    predicted = latest_predictions(session, project_id)
    submissions: list[Submission] = []
    user_ids: dict[str, int] = {}
    stmt = select(Annotation.id, Annotation.task_id, Annotation.author_id, User.email,
                  Annotation.submitted_at, Annotation.lead_time_s, Annotation.regions
                  ).join(User, User.id == Annotation.author_id).where(
        Annotation.project_id == project_id, Annotation.stage == Stage.LABEL,
        Annotation.status.in_(SUBMITTED))
    last = 0
    while True:
        rows = session.execute(stmt.where(Annotation.id > last).order_by(Annotation.id)
                               .limit(PAGE)).all()
        if not rows:
            return submissions, user_ids
        for row in rows:
            prediction = predicted.get(row.task_id)
            regions = read_regions(row.regions)[0] if prediction is not None else ()
            submissions.append(Submission(row.email, row.submitted_at, row.lead_time_s,
                                          regions, prediction))
            user_ids[row.email] = row.author_id
        last = rows[-1].id


def _days(days: tuple[DayCount, ...]) -> list[dict[str, Any]]:
    return [{"date": d.date, "submitted": d.submitted} for d in days]


def _prelabel(found: Acceptance) -> dict[str, Any]:
    return {"predicted_regions": found.predicted_regions, "accepted": found.accepted,
            "rate": found.rate}


def throughput_section(session: Session, project_id: int) -> dict[str, Any]:
    """`{"per_day", "annotators": [{"annotator", "user_id", "submitted", "time_per_task_s",
    "per_day", "prelabel"}], "prelabel"}` (docs/qa.md, "Throughput")."""
    submissions, user_ids = load_submissions(session, project_id)
    found = summarize(submissions)
    return {"per_day": _days(found.per_day),
            "annotators": [{"annotator": row.annotator,
                            "user_id": user_ids.get(str(row.annotator)),
                            "submitted": row.submitted,
                            "time_per_task_s": to_json(row.time_per_task_s),
                            "per_day": _days(row.per_day),
                            "prelabel": _prelabel(row.prelabel)} for row in found.annotators],
            "prelabel": _prelabel(found.prelabel)}
