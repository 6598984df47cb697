"""Runners claim queued jobs with a compare-and-set: however many race, each job is claimed
once. Runs on a SQLite file and on PostgreSQL, with every claimant on its own connection."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import Engine, insert, select

from accord.db.engine import write_session
from accord.db.tables import Job, JobKind, JobState, Project
from accord.db.types import utcnow
from accord.services import jobs

JOBS = 40
RUNNERS = 6


def queue_jobs(engine: Engine, count: int) -> list[int]:
    with engine.begin() as connection:
        project_id = connection.execute(insert(Project).values(
            name="p", description="", schema_version=0, guideline_version=0, workflow={},
            created_at=utcnow(), updated_at=utcnow()).returning(Project.id)).scalar_one()
        connection.execute(insert(Job), [
            {"project_id": project_id, "kind": JobKind.EXPORT, "format": "jsonl",
             "options": {}, "state": JobState.QUEUED, "items_done": 0,
             "created_at": utcnow()} for _ in range(count)])
        return list(connection.scalars(select(Job.id).order_by(Job.id)))


def test_racing_runners_claim_every_job_exactly_once(committing_engine: Engine):
    queued = queue_jobs(committing_engine, JOBS)
    claims: dict[str, list[int]] = {f"runner-{i}": [] for i in range(RUNNERS)}
    start = threading.Barrier(RUNNERS)
    errors: list[BaseException] = []

    def claim_all(runner_id: str) -> None:
        try:
            start.wait()
            while True:
                with write_session(committing_engine) as session:
                    job_id = jobs.claim_next(session, runner_id)
                if job_id is None:
                    return
                claims[runner_id].append(job_id)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=claim_all, args=(r,)) for r in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    counted = Counter(job_id for ids in claims.values() for job_id in ids)
    assert sorted(counted) == queued
    assert set(counted.values()) == {1}
    with committing_engine.connect() as connection:
        rows = connection.execute(select(Job.id, Job.state, Job.claimed_by)).all()
    owner = {job_id: runner for runner, ids in claims.items() for job_id in ids}
    assert all(state == JobState.RUNNING and claimed_by == owner[job_id]
               for job_id, state, claimed_by in rows)


def test_progress_and_finish_belong_to_the_claiming_runner_only(committing_engine: Engine):
    (job_id,) = queue_jobs(committing_engine, 1)
    with write_session(committing_engine) as session:
        assert jobs.claim_next(session, "mine") == job_id
        assert jobs.claim_next(session, "theirs") is None
        assert not jobs.report_progress(session, job_id, "theirs", 5, 10, "writing")
        assert not jobs.finish(session, job_id, "theirs", JobState.DONE)
        assert jobs.report_progress(session, job_id, "mine", 5, 10, "writing")
        assert jobs.finish(session, job_id, "mine", JobState.DONE)
        assert not jobs.report_progress(session, job_id, "mine", 6, 10, "writing")
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.state, job.items_done, job.items_total) == (JobState.DONE, 5, 10)
