"""The job runner: a small thread pool in each server process that runs queued jobs.

A loop thread polls for queued jobs (and is woken at once when this process queues one),
claims each with a compare-and-set (services/jobs.py) and hands it to a worker thread. Every
~30 s it also fails jobs whose runner stopped reporting (another replica that crashed) and
removes files no job needs. On start it fails the jobs a previous run of the server left
running: on SQLite all of them (one server process per database), on PostgreSQL those
whose heartbeat is older than `job_stale_after_s` (other replicas may be running the rest).

Interrupted jobs are failed, not re-run: their cause (a crash, a kill, a deploy) may recur,
and a user who sees "interrupted" can start the job again; an import run again skips tasks
already stored, so doing so is always safe.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from accord import formats
from accord.core.errors import DomainError, InputError
from accord.db.engine import WRITE, read_session, write_session
from accord.db.tables import Job, JobKind, JobState, Task, User
from accord.db.types import utcnow
from accord.formats.base import export_options, import_options
from accord.formats.source import open_source
from accord.services import datasets, jobs
from accord.services.caller import Caller
from accord.settings import Settings

log = logging.getLogger("accord.jobs")

PROGRESS_INTERVAL_S = 0.5
POLL_INTERVAL_S = 1.0
SWEEP_INTERVAL_S = 30.0


class JobStopped(Exception):
    """The job may not go on: cancelled, given up by a sweep, or the server is stopping."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # cancelled | lost | shutdown


@dataclass
class Sessions:
    """Where a job's database work happens. The runner opens sessions on the engine; a test
    may hand in one session for everything (`concurrent=False`: progress is then not written
    while an import's transaction is open).

    `atomic` is one transaction in which the session's own commits are savepoints: an import
    (whose service commits) and the job's move to done are committed together, or neither.
    """

    read: Callable[[], AbstractContextManager[Session]]
    write: Callable[[], AbstractContextManager[Session]]
    atomic: Callable[[], AbstractContextManager[Session]]
    concurrent: bool

    @classmethod
    def on(cls, engine: Engine) -> Sessions:
        @contextmanager
        def atomic() -> Iterator[Session]:
            with engine.connect() as connection:
                connection.execution_options(**WRITE)
                with connection.begin(), Session(
                        connection, join_transaction_mode="create_savepoint",
                        expire_on_commit=False) as session:
                    yield session

        # SQLite has one write lock, which an import's transaction holds: progress written
        # from another connection meanwhile would wait for it
        return cls(lambda: read_session(engine), lambda: write_session(engine), atomic,
                   concurrent=engine.dialect.name != "sqlite")

    @classmethod
    def single(cls, session: Session) -> Sessions:
        @contextmanager
        def same() -> Iterator[Session]:
            yield session
        return cls(same, same, same, concurrent=False)


class Progress:
    """Writes a job's progress (and heartbeat) at most every PROGRESS_INTERVAL_S; raises
    JobStopped when the job was cancelled or the server is stopping."""

    def __init__(self, sessions: Sessions, job_id: int, runner_id: str,
                 stopping: threading.Event) -> None:
        self.sessions, self.job_id, self.runner_id = sessions, job_id, runner_id
        self.stopping = stopping
        self.last = 0.0
        self.writable = True

    def __call__(self, done: int, total: int | None, phase: str, force: bool = False) -> None:
        if self.stopping.is_set():
            raise JobStopped("shutdown")
        now = time.monotonic()
        if not self.writable or (not force and now - self.last < PROGRESS_INTERVAL_S):
            return
        self.last = now
        with self.sessions.write() as session:
            if jobs.report_progress(session, self.job_id, self.runner_id, done, total, phase):
                return
            state = session.scalar(select(Job.state).where(Job.id == self.job_id))
            session.rollback()
        raise JobStopped("cancelled" if state == JobState.CANCELLED else "lost")


def run_job(job_id: int, runner_id: str, sessions: Sessions, settings: Settings,
            stopping: threading.Event | None = None) -> None:
    """Run a job this runner has claimed, to done, failed or (seen) cancelled."""
    stopping = stopping or threading.Event()
    progress = Progress(sessions, job_id, runner_id, stopping)
    with sessions.read() as session:
        job = session.get(Job, job_id)
        if job is None:  # its project was deleted since the claim
            return
        assert job.claimed_by == runner_id, "run only jobs you claimed"
        kind, file_path = job.kind, job.file_path
        session.expunge(job)
        session.rollback()
    try:
        if kind == JobKind.IMPORT:
            _run_import(job, sessions, settings, progress)
        else:
            _run_export(job, sessions, settings, progress)
    except JobStopped as stop:
        if stop.reason == "shutdown":
            _fail(sessions, job, runner_id, "interrupted: the server was stopped while this "
                  "job ran; nothing of it was kept — start it again", {"reason": "interrupted"})
        log.info("job %d stopped: %s", job_id, stop.reason)
    except DomainError as exc:
        _fail(sessions, job, runner_id, exc.message, exc.details)
    except Exception as exc:
        log.exception("job %d failed", job_id)
        _fail(sessions, job, runner_id, f"internal error ({type(exc).__name__}); the server "
              "log has the details", {"reason": "internal"})
    finally:
        if kind == JobKind.IMPORT and file_path:
            (jobs.jobs_dir(settings.data_dir) / file_path).unlink(missing_ok=True)


def _fail(sessions: Sessions, job: Job, runner_id: str, message: str,
          details: dict[str, Any]) -> None:
    with sessions.write() as session:
        jobs.finish(session, job.id, runner_id, JobState.FAILED, error=message,
                    error_details=details)


def _caller(session: Session, job: Job) -> Caller:
    user = session.get(User, job.created_by) if job.created_by is not None else None
    if user is None or not user.is_active:
        raise InputError(f"the user who started job {job.id} no longer exists or is "
                         "disabled; start the import again as another manager")
    return Caller(user_id=user.id, email=user.email, is_admin=user.is_admin)


def _run_import(job: Job, sessions: Sessions, settings: Settings, progress: Progress) -> None:
    """Two passes over the upload: a check of every record (no write lock; progress and the
    first error with its position), then the import in one transaction, all or nothing."""
    path = jobs.jobs_dir(settings.data_dir) / (job.file_path or "")
    if not job.file_path or not path.is_file():
        raise InputError(f"the upload of job {job.id} is missing from the server's data dir; "
                         "upload the file again")
    options = import_options(job.options)
    formats.reader(job.format)
    with sessions.read() as session:
        caller = _caller(session, job)
        context = datasets.read_context(session, job.project_id, options)
        session.rollback()
    progress(0, None, "checking", force=True)
    with open_source(path, job.file_name or "upload") as source:
        media_root = settings.data_dir / "media"
        checked = datasets.check_records(source, job.format, context,
                                         lambda n: progress(n, None, "checking"), media_root)
        progress(0, checked, "writing", force=True)
        progress.writable = sessions.concurrent
        with sessions.atomic() as session:
            written = [0]

            def advance(count: int) -> None:
                written[0] += count
                progress(written[0], checked, "writing")

            copied: list[Path] = []
            try:
                result = datasets.import_source(session, caller, job.project_id, source,
                                                job.format, options, progress=advance,
                                                media_root=media_root, copied=copied)
                # in the import's own transaction: cancelled meanwhile means nothing is kept
                if not jobs.finish(session, job.id, job.claimed_by or "", JobState.DONE,
                                   commit=False, items_done=checked, items_total=checked,
                                   result=result):
                    raise JobStopped("cancelled")
                session.commit()
            except BaseException:
                for path in copied:
                    path.unlink(missing_ok=True)
                raise


def _run_export(job: Job, sessions: Sessions, settings: Settings, progress: Progress) -> None:
    """Write the export to a file of its own under the jobs dir, hashing it on the way; the
    file is renamed into place only when complete, and removed if the job does not finish."""
    root = jobs.jobs_dir(settings.data_dir)
    name = jobs.new_file_name(f"export-{job.id}", formats.get(job.format, "export").export_name(
        export_options(job.options))[0])
    with sessions.write() as session:  # so a crash leaves a name the sweep can remove
        session.execute(Job.__table__.update().where(Job.id == job.id).values(file_path=name))
        session.commit()
    final, partial = root / name, root / f"{name}.partial"
    digest, size = hashlib.sha256(), 0
    try:
        with sessions.read() as session:
            if session.get_bind().dialect.name == "postgresql" and sessions.concurrent:
                # one snapshot for the whole export, as SQLite's read transaction is
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            total = session.scalar(select(func.count(Task.id)).where(
                Task.project_id == job.project_id)) or 0
            progress(0, total, "writing", force=True)
            with partial.open("wb") as out:
                for chunk in datasets.export_chunks(
                        session, job.project_id, job.format, export_options(job.options),
                        media_root=settings.data_dir / "media",
                        on_record=lambda n: progress(n, total, "writing")):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            session.rollback()
        partial.replace(final)
        with sessions.write() as session:
            if not jobs.finish(session, job.id, job.claimed_by or "", JobState.DONE,
                               items_done=total, items_total=total, file_size=size,
                               file_sha256=digest.hexdigest(),
                               expires_at=jobs.retention_end(settings.job_file_ttl_s)):
                raise JobStopped("cancelled")
    except BaseException:
        final.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
        raise


class JobRunner:
    """One per server process: `start()` with the app, `stop()` when it shuts down."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
        self.id = uuid.uuid4().hex
        self.sessions = Sessions.on(engine)
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.slots = threading.Semaphore(settings.job_workers)
        self.pool = ThreadPoolExecutor(max(1, settings.job_workers),
                                       thread_name_prefix="accord-job")
        self.loop: threading.Thread | None = None

    def start(self) -> None:
        self.recover(at_start=True)
        self.loop = threading.Thread(target=self._loop, name="accord-jobs", daemon=True)
        self.loop.start()

    def notify(self) -> None:
        """A job was queued here: look now instead of at the next poll."""
        self.wake.set()

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop claiming; running jobs stop at their next progress report (failed as
        interrupted, nothing kept) and are waited for."""
        self.stopping.set()
        self.wake.set()
        if self.loop is not None:
            self.loop.join(timeout_s)
        self.pool.shutdown(wait=True, cancel_futures=True)

    def recover(self, at_start: bool = False) -> None:
        """Fail interrupted jobs and remove spent files. Reads first: with nothing to do it
        takes no write lock (SQLite has one)."""
        stale_before = None if (at_start and self.engine.dialect.name == "sqlite") else (
            utcnow() - timedelta(seconds=self.settings.job_stale_after_s))
        with read_session(self.engine) as session:
            stale = jobs.interrupted_job_ids(session, self.id, stale_before)
            spent = jobs.spent_files(session)
        if not stale and not spent:
            return
        with write_session(self.engine) as session:
            for job_id in stale:
                if jobs.fail_interrupted(session, job_id, stale_before):
                    log.warning("job %d was interrupted (its server stopped); marked failed",
                                job_id)
            for job_id, name in spent:
                jobs.remove_file(session, self.settings.data_dir, job_id, name)

    def _loop(self) -> None:
        last_sweep = time.monotonic()
        while not self.stopping.is_set():
            try:
                self._claim_what_fits()
                if time.monotonic() - last_sweep >= SWEEP_INTERVAL_S:
                    last_sweep = time.monotonic()
                    self.recover()
            except OperationalError as exc:  # e.g. SQLite's lock held by a long import
                log.info("the job runner's poll waited too long for the database (%s); "
                         "trying again", exc.orig)
            except Exception:  # the database may be briefly away; try again next round
                log.exception("the job runner's poll failed")
            self.wake.wait(POLL_INTERVAL_S)
            self.wake.clear()

    def _claim_what_fits(self) -> None:
        while not self.stopping.is_set():
            with read_session(self.engine) as session:
                candidates = jobs.queued_job_ids(session)
            if not candidates:
                return
            for job_id in candidates:
                if not self.slots.acquire(blocking=False):
                    return
                with write_session(self.engine) as session:
                    claimed = jobs.claim(session, job_id, self.id)
                if not claimed:
                    self.slots.release()
                    continue
                log.info("running job %d", job_id)
                self.pool.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        try:
            run_job(job_id, self.id, self.sessions, self.settings, self.stopping)
        finally:
            self.slots.release()
            self.wake.set()  # a slot is free
