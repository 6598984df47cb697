"""Background jobs: imports and exports that run outside the request (docs/data.md).

A job row moves queued → running → done | failed | cancelled. Runners (services/job_runner.py,
one per server process) claim a queued job with a compare-and-set on its state, so of several
replicas exactly one runs it; while running it writes its progress and a heartbeat, and every
later change to a running job is conditional on `state = 'running'` and its runner's id, so a
cancel (or a recovery sweep) and the runner never both win.

Files live under `<data_dir>/jobs/` with names Accord makes: the upload an import reads, and
the file an export wrote (kept `job_file_ttl_s`, then removed).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from accord import formats
from accord.core.errors import Conflict, InputError, NotFound, PermissionDenied
from accord.core.records import Role, role_at_least
from accord.db.tables import Job, JobKind, JobState
from accord.db.types import utcnow
from accord.formats.base import ExportOptions, ImportOptions, export_options, options_json
from accord.services import audit, datasets, pagination, projects
from accord.services.caller import Caller

JOBS_DIR = "jobs"
ACTIVE = (JobState.QUEUED, JobState.RUNNING)
FINISHED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


def jobs_dir(data_dir: Path) -> Path:
    path = data_dir / JOBS_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_file_name(prefix: str, suffix: str) -> str:
    """A fresh name under the jobs dir: never derived from anything a user sent."""
    return f"{prefix}-{secrets.token_hex(12)}{suffix}"


def job_view(job: Job) -> dict[str, Any]:
    done = job.state == JobState.DONE
    has_file = job.kind == JobKind.EXPORT and done and job.file_path is not None
    return {
        "id": job.id, "project_id": job.project_id, "kind": job.kind.value,
        "format": job.format, "options": job.options, "state": job.state.value,
        "phase": job.phase,
        "progress": {"done": job.items_done, "total": job.items_total},
        "result": job.result, "error": job.error, "error_details": job.error_details,
        "file_name": job.file_name, "file_size": job.file_size,
        "file_sha256": job.file_sha256, "expires_at": job.expires_at,
        "file_available": has_file,
        "download_url": (f"/api/projects/{job.project_id}/jobs/{job.id}/download"
                         if has_file else None),
        "created_by": job.created_by, "created_at": job.created_at,
        "started_at": job.started_at, "finished_at": job.finished_at,
    }


def get_job(session: Session, project_id: int, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.project_id != project_id:
        raise NotFound(f"job {job_id} not found in project {project_id}", job_id=job_id)
    return job


def read_job(session: Session, project_id: int, job_id: int) -> dict[str, Any]:
    return job_view(get_job(session, project_id, job_id))


def list_jobs(session: Session, project_id: int, cursor: str | None, limit: int
              ) -> tuple[list[dict[str, Any]], str | None]:
    """The project's jobs, newest first, a keyset page at a time."""
    if not 1 <= limit <= pagination.MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {pagination.MAX_LIMIT}; got {limit}",
                         field="limit")
    stmt = select(Job).where(Job.project_id == project_id)
    if cursor:
        stmt = stmt.where(Job.id < pagination.decode_cursor(cursor))
    rows = list(session.scalars(stmt.order_by(Job.id.desc()).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = pagination.encode_cursor(rows[-1].id)
    return [job_view(j) for j in rows], next_cursor


def start_export(session: Session, caller: Caller, project_id: int, format: str,
                 options: ExportOptions | None = None) -> dict[str, Any]:
    """Queue an export of the project in `format`; a runner writes the file."""
    formats.writer(format)  # an unknown format is refused now, not by the runner
    projects.get_project(session, project_id)
    job = Job(project_id=project_id, kind=JobKind.EXPORT, format=format,
              options=options_json(options or ExportOptions()),
              state=JobState.QUEUED, items_done=0, created_by=caller.user_id,
              file_name=datasets.export_filename(project_id, format, options),
              created_at=utcnow())
    session.add(job)
    session.flush()
    audit.record(session, caller, "job.start", "job", job.id, project_id, kind="export",
                 format=format)
    session.commit()
    return job_view(job)


def start_import(session: Session, caller: Caller, project_id: int, format: str, *,
                 stored_as: str, file_name: str, file_size: int, file_sha256: str,
                 options: ImportOptions | None = None) -> dict[str, Any]:
    """Queue the import of an upload already stored under the jobs dir as `stored_as`."""
    formats.reader(format)
    projects.get_project(session, project_id)
    job = Job(project_id=project_id, kind=JobKind.IMPORT, format=format,
              options=options_json(options or ImportOptions()),
              state=JobState.QUEUED, items_done=0, created_by=caller.user_id,
              file_path=stored_as, file_name=file_name, file_size=file_size,
              file_sha256=file_sha256, created_at=utcnow())
    session.add(job)
    session.flush()
    audit.record(session, caller, "job.start", "job", job.id, project_id, kind="import",
                 format=format, file_name=file_name, file_size=file_size)
    session.commit()
    return job_view(job)


def may_cancel(caller: Caller, job: Job) -> bool:
    """The one who started the job, a manager of its project, or an admin."""
    return (caller.is_admin or job.created_by == caller.user_id
            or role_at_least(caller.role, Role.MANAGER))


def cancel_job(session: Session, caller: Caller, project_id: int, job_id: int
               ) -> dict[str, Any]:
    """Cancel a queued or running job. A running one stops at its next progress report and
    keeps nothing: an import's transaction is rolled back, an export's file removed."""
    job = get_job(session, project_id, job_id)
    if not may_cancel(caller, job):
        raise PermissionDenied(f"job {job_id} was started by someone else; only they or a "
                               "manager of the project may cancel it")
    now = utcnow()
    changed = session.execute(
        update(Job).where(Job.id == job_id, Job.state.in_(ACTIVE)).values(
            state=JobState.CANCELLED, finished_at=now, phase=None,
            error=f"cancelled by {caller.email}")).rowcount
    if not changed:
        session.rollback()
        job = get_job(session, project_id, job_id)
        raise Conflict(f"job {job_id} is already {job.state.value}; only queued or running "
                       "jobs can be cancelled", state=job.state.value)
    audit.record(session, caller, "job.cancel", "job", job_id, project_id,
                 kind=job.kind.value)
    session.commit()
    session.refresh(job)
    return job_view(job)


def download_path(session: Session, data_dir: Path, project_id: int, job_id: int
                  ) -> tuple[Path, str, str]:
    """The finished export's file, its download name and media type."""
    job = get_job(session, project_id, job_id)
    if job.kind != JobKind.EXPORT:
        raise NotFound(f"job {job_id} is an {job.kind.value}; only exports have a file to "
                       "download", job_id=job_id)
    if job.state != JobState.DONE:
        raise Conflict(f"job {job_id} is {job.state.value}; its file can be downloaded once "
                       "it is done", state=job.state.value)
    path = (jobs_dir(data_dir) / job.file_path) if job.file_path else None
    if path is None or not path.is_file():
        raise NotFound(f"the file of export job {job_id} was removed after its retention "
                       "time (ACCORD_JOB_FILE_TTL_S); start a new export", job_id=job_id,
                       code="expired")
    return path, job.file_name or path.name, datasets.media_type(
        job.format, export_options(job.options))


# -- what runners do (services/job_runner.py): every change is a compare-and-set

def queued_job_ids(session: Session, limit: int = 5) -> list[int]:
    """The oldest queued jobs: a read, so an idle poll takes no write lock."""
    ids = list(session.scalars(select(Job.id).where(Job.state == JobState.QUEUED)
                               .order_by(Job.id).limit(limit)))
    session.rollback()
    return ids


def claim(session: Session, job_id: int, runner_id: str) -> bool:
    """Claim a queued job for `runner_id`: False when another runner (or a cancel) was first."""
    now = utcnow()
    claimed = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED).values(
            state=JobState.RUNNING, claimed_by=runner_id, started_at=now,
            heartbeat_at=now)).rowcount
    session.commit()
    return claimed == 1


def claim_next(session: Session, runner_id: str) -> int | None:
    """Claim the oldest queued job one can; None when none is left."""
    while candidates := queued_job_ids(session):
        for job_id in candidates:
            if claim(session, job_id, runner_id):
                return job_id
    return None


def report_progress(session: Session, job_id: int, runner_id: str, done: int,
                    total: int | None, phase: str | None) -> bool:
    """Write progress and the heartbeat; False when the job is no longer this runner's to
    run (cancelled, or given up by a recovery sweep)."""
    changed = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING,
                          Job.claimed_by == runner_id).values(
            items_done=done, items_total=total, phase=phase,
            heartbeat_at=utcnow())).rowcount
    session.commit()
    return changed == 1


def finish(session: Session, job_id: int, runner_id: str, state: JobState,
           commit: bool = True, **values: Any) -> bool:
    """Move a running job of this runner to its end state; False if it no longer was."""
    changed = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING,
                          Job.claimed_by == runner_id).values(
            state=state, finished_at=utcnow(), phase=None, **values)).rowcount
    if commit:
        session.commit()
    return changed == 1


def interrupted_job_ids(session: Session, runner_id: str, stale_before: datetime | None
                        ) -> list[int]:
    """Running jobs of other runners that stopped reporting (heartbeat before
    `stale_before`), or all of them when `stale_before` is None (a restarted single-process
    server: nobody else runs jobs on its database). A read."""
    stmt = select(Job.id).where(Job.state == JobState.RUNNING,
                                func.coalesce(Job.claimed_by, "") != runner_id)
    if stale_before is not None:
        stmt = stmt.where(Job.heartbeat_at < stale_before)
    ids = list(session.scalars(stmt))
    session.rollback()
    return ids


def fail_interrupted(session: Session, job_id: int, stale_before: datetime | None) -> bool:
    """Mark an interrupted job failed, unless it reported meanwhile. Nothing of an
    interrupted import was committed (it is one transaction); an export's half-written file
    is removed with the other spent files."""
    condition = [Job.id == job_id, Job.state == JobState.RUNNING]
    if stale_before is not None:
        condition.append(Job.heartbeat_at < stale_before)
    changed = session.execute(update(Job).where(*condition).values(
        state=JobState.FAILED, finished_at=utcnow(), phase=None,
        error="interrupted: the server running this job stopped before it finished; "
              "nothing of it was kept — start it again",
        error_details={"reason": "interrupted"})).rowcount
    session.commit()
    return changed == 1


def spent_files(session: Session, now: datetime | None = None) -> list[tuple[int, str]]:
    """(job id, file) for files no job needs any more: uploads of finished imports, files of
    failed or cancelled jobs, and exports past their retention. A read."""
    now = now or utcnow()
    spent = [(job_id, name) for job_id, name in session.execute(select(Job.id, Job.file_path)
             .where(Job.file_path.is_not(None),
                    (Job.state.in_((JobState.FAILED, JobState.CANCELLED)))
                    | ((Job.state == JobState.DONE) & (Job.kind == JobKind.IMPORT))
                    | ((Job.state == JobState.DONE) & (Job.expires_at < now))))]
    session.rollback()
    return spent


def remove_file(session: Session, data_dir: Path, job_id: int, name: str) -> None:
    """Delete a spent file (and its partial, if any) and forget it."""
    root = jobs_dir(data_dir)
    for path in (root / name, root / f"{name}.partial"):
        path.unlink(missing_ok=True)
    session.execute(update(Job).where(Job.id == job_id).values(file_path=None))
    session.commit()


def remove_spent_files(session: Session, data_dir: Path, now: datetime | None = None
                       ) -> int:
    """`remove_file` for each of `spent_files`; returns how many were removed."""
    spent = spent_files(session, now)
    for job_id, name in spent:
        remove_file(session, data_dir, job_id, name)
    return len(spent)


def retention_end(settings_ttl_s: int) -> datetime:
    return utcnow() + timedelta(seconds=settings_ttl_s)
