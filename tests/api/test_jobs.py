"""Background imports and exports through the API, run by the app's own job runner.

Jobs run on the runner's threads with their own sessions, so these tests use a database of
their own per test (a SQLite file, or a new PostgreSQL database) where the set-up commits,
instead of the rolled-back transaction other API tests share.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, func, select, update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from accord.api.app import create_app
from accord.cli.main import cli
from accord.client import Client
from accord.db.engine import make_engine, read_session, write_session
from accord.db.migrate import migrate
from accord.db.tables import AuditEntry, Job, JobState, Task
from accord.db.types import utcnow
from accord.services import jobs
from accord.services.job_runner import JobRunner, Sessions, run_job
from accord.settings import Settings
from builders import SECRET, World, box, make_world
from servers import fresh_database


@dataclass
class Live:
    """A committed world, the app over it (its runner running) and the settings."""

    engine: Engine
    url: str
    settings: Settings
    world: World
    client: TestClient

    def as_(self, principal: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.world.tokens[principal]}"}

    def post(self, principal: str, path: str, **kwargs: Any) -> Any:
        return self.client.post(self.path(path), headers=self.as_(principal), **kwargs)

    def get(self, principal: str, path: str, **kwargs: Any) -> Any:
        return self.client.get(self.path(path), headers=self.as_(principal), **kwargs)

    def path(self, rest: str) -> str:
        return f"/api/projects/{self.world.project_id}{rest}"

    def wait(self, job_id: int, timeout_s: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            job = self.get("manager", f"/jobs/{job_id}").json()
            if job["state"] not in ("queued", "running") or time.monotonic() > deadline:
                return job
            time.sleep(0.05)

    def task_count(self) -> int:
        with read_session(self.engine) as session:
            return session.scalar(select(func.count(Task.id)).where(
                Task.project_id == self.world.project_id)) or 0

    def jobs_files(self) -> list[str]:
        root = self.settings.data_dir / "jobs"
        return sorted(p.name for p in root.iterdir()) if root.exists() else []


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'accord.db'}"
        return
    with fresh_database(request.getfixturevalue("postgres_url"), "accord_jobs") as url:
        yield url


@contextmanager
def start_live(url: str, tmp_path: Path, **overrides: Any) -> Iterator[Live]:
    settings = Settings(data_dir=tmp_path / "data", database_url=url, secret_key=SECRET,
                        anonymous_requests_per_minute=10_000, **overrides)
    engine = make_engine(url)
    migrate(engine, "head")
    with write_session(engine) as session:
        world = make_world(session)
    app = create_app(settings, engine, web_root=tmp_path / "no-web")
    try:
        with TestClient(app, base_url="http://testserver") as client:
            yield Live(engine, url, settings, world, client)
    finally:
        engine.dispose()


@pytest.fixture
def live(database: str, tmp_path: Path) -> Iterator[Live]:
    with start_live(database, tmp_path) as live:
        yield live


@pytest.fixture
def idle(database: str, tmp_path: Path) -> Iterator[Live]:
    """The same without a runner in the app: jobs stay queued until a test runs them."""
    with start_live(database, tmp_path, job_workers=0) as idle:
        yield idle


def jsonl(*records: dict[str, Any]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def upload(live: Live, content: bytes, principal: str = "manager",
           name: str = "tasks.jsonl") -> Any:
    return live.post(principal, "/imports", files={"file": (name, io.BytesIO(content))})


def cli_export(live: Live, tmp_path: Path) -> bytes:
    out = tmp_path / "cli-export.jsonl"
    result = CliRunner().invoke(cli, ["export", str(live.world.project_id), "-o", str(out),
                                      "--data-dir", str(live.settings.data_dir)],
                                env={"ACCORD_DATABASE_URL": live.url})
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_an_export_job_downloads_exactly_the_bytes_of_accord_export(live, tmp_path):
    started = live.post("reviewer", "/exports", json={"format": "jsonl"})
    assert started.status_code == 202, started.text
    assert started.json()["state"] in ("queued", "running")
    job = live.wait(started.json()["id"])
    assert job["state"] == "done", job
    assert job["progress"] == {"done": 3, "total": 3}
    download = live.get("reviewer", job["download_url"].split(live.path(""))[1])
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment")
    assert f'project-{live.world.project_id}.jsonl' in download.headers["content-disposition"]
    assert download.content == cli_export(live, tmp_path)
    assert job["file_size"] == len(download.content)
    assert job["file_sha256"] == hashlib.sha256(download.content).hexdigest()
    assert len(download.content.splitlines()) == 3


def test_an_import_job_stores_every_task_and_reports_what_it_did(live):
    before = live.task_count()
    content = jsonl(*({"data": {"image": f"new-{i}.png"}} for i in range(25)),
                    {"data": {"image": "a.png"}},  # already in the project: skipped
                    {"data": {"image": "labelled.png"}, "annotations": [{"regions": [box()]}]})
    started = upload(live, content)
    assert started.status_code == 202, started.text
    assert started.json()["file_size"] == len(content)
    job = live.wait(started.json()["id"])
    assert job["state"] == "done", job
    assert job["result"] == {"created": 26, "skipped_duplicates": 1, "annotations": 1,
                             "predictions": 0}
    assert job["progress"] == {"done": 27, "total": 27}
    assert live.task_count() == before + 26
    assert live.jobs_files() == []  # the upload is removed once imported


@pytest.mark.parametrize("content, line, text", [
    (b'{"data": {"image": "x1.png"}}\n{"data": {"image": "x2.png"}}\n{"data": \n', 3,
     "not valid JSON"),
    (b'{"data": {"image": "x1.png"}}\n{"data": {"image": "x2.png"}, "gold": '
     b'[{"id": "g", "label": "objects", "type": "bbox", "value": {"class": "unicorn", '
     b'"x": 1, "y": 1, "width": 2, "height": 2}}]}\n', 2, "unicorn"),
    (b'{"data": {"image": "x1.png"}, "annotations": [{"author": "nobody@example.org", '
     b'"regions": []}]}\n', 1, "not a user"),
])
def test_a_malformed_import_fails_naming_the_line_and_stores_nothing(live, content, line,
                                                                     text):
    before = live.task_count()
    job = live.wait(upload(live, content, name="bad.jsonl").json()["id"])
    assert job["state"] == "failed"
    assert f"bad.jsonl, line {line}" in job["error"]
    assert text in job["error"]
    assert job["error_details"]["where"].startswith(f"bad.jsonl, line {line}")
    assert live.task_count() == before
    assert live.jobs_files() == []


def test_an_unknown_format_or_a_missing_file_part_is_refused_at_once(live):
    refused = live.post("reviewer", "/exports", json={"format": "parquet"})
    assert refused.status_code == 422 and "unknown export format" in refused.json()["message"]
    refused = live.post("manager", "/imports", data={"other": "x"})
    assert refused.status_code == 422
    refused = live.post("manager", "/imports", files={"other": ("a", io.BytesIO(b"x"))})
    assert refused.status_code == 422 and "`file`" in refused.json()["message"]
    refused = live.client.post(live.path("/imports"), content=b"not multipart at all",
                               headers={**live.as_("manager"), "Content-Type":
                                        "multipart/form-data; boundary=xyz"})
    assert refused.status_code == 422 and "not valid multipart" in refused.json()["message"]
    refused = live.client.post(live.path("/imports?format=xml"), headers=live.as_("manager"),
                               files={"file": ("a", io.BytesIO(b"x"))})
    assert refused.status_code == 422 and "unknown import format" in refused.json()["message"]
    assert live.jobs_files() == []


def test_an_upload_over_the_limit_is_a_413_and_leaves_no_file(database, tmp_path):
    with start_live(database, tmp_path, max_import_bytes=1000, job_workers=0) as live:
        refused = upload(live, jsonl(*({"data": {"image": f"{i}.png"}} for i in range(100))))
        assert refused.status_code == 413, refused.text
        assert "ACCORD_MAX_IMPORT_BYTES" in refused.json()["message"]
        assert live.jobs_files() == []
        assert live.get("manager", "/jobs").json()["items"] == []


def test_a_queued_job_can_be_cancelled_by_its_starter_or_a_manager_only(idle):
    job = idle.post("reviewer", "/exports", json={}).json()
    other = idle.post("manager", "/exports", json={}).json()
    refused = idle.post("reviewer", f"/jobs/{other['id']}/cancel")
    assert refused.status_code == 403
    assert idle.post("annotator", f"/jobs/{job['id']}/cancel").status_code == 403
    cancelled = idle.post("reviewer", f"/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert "reviewer@example.org" in cancelled.json()["error"]
    again = idle.post("manager", f"/jobs/{job['id']}/cancel")
    assert again.status_code == 409 and "already cancelled" in again.json()["message"]
    assert idle.post("manager", f"/jobs/{other['id']}/cancel").status_code == 200
    with write_session(idle.engine) as session:  # a runner now finds nothing to claim
        assert jobs.claim_next(session, "runner") is None
        actions = list(session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "job").order_by(AuditEntry.id)))
    assert actions == ["job.start", "job.start", "job.cancel", "job.cancel"]


def test_a_job_cancelled_while_running_keeps_nothing(idle):
    before = idle.task_count()
    imported = upload(idle, jsonl(*({"data": {"image": f"c{i}.png"}} for i in range(5))))
    exported = idle.post("manager", "/exports", json={"format": "jsonl"})
    sessions = Sessions.on(idle.engine)
    for job in (imported.json(), exported.json()):
        with write_session(idle.engine) as session:
            assert jobs.claim_next(session, "runner-1") == job["id"]
        assert idle.get("manager", f"/jobs/{job['id']}").json()["state"] == "running"
        assert idle.post("manager", f"/jobs/{job['id']}/cancel").status_code == 200
        run_job(job["id"], "runner-1", sessions, idle.settings)
        assert idle.get("manager", f"/jobs/{job['id']}").json()["state"] == "cancelled"
    assert idle.task_count() == before
    assert idle.jobs_files() == []


def test_jobs_are_listed_newest_first_a_page_at_a_time(idle):
    made = [idle.post("reviewer", "/exports", json={}).json()["id"] for _ in range(5)]
    first = idle.get("reviewer", "/jobs", params={"limit": 2}).json()
    assert [j["id"] for j in first["items"]] == made[::-1][:2]
    rest = idle.get("reviewer", "/jobs", params={"limit": 10,
                                                  "cursor": first["next_cursor"]}).json()
    assert [j["id"] for j in rest["items"]] == made[::-1][2:]
    assert rest["next_cursor"] is None


def test_a_job_of_another_project_is_not_found(idle):
    job = idle.post("manager", "/exports", json={}).json()
    other = f"/api/projects/{idle.world.other_project_id}/jobs/{job['id']}"
    headers = idle.as_("outsider")  # the manager of the other project
    for method, path in (("GET", other), ("GET", other + "/download"),
                         ("POST", other + "/cancel")):
        response = idle.client.request(method, path, headers=headers)
        assert response.status_code == 404, (method, path, response.text)
    assert idle.get("outsider", f"/jobs/{job['id']}").status_code == 404  # not a member


def test_the_download_waits_for_the_export_and_its_file_expires(idle):
    job = idle.post("manager", "/exports", json={}).json()
    early = idle.get("manager", f"/jobs/{job['id']}/download")
    assert early.status_code == 409 and "queued" in early.json()["message"]
    with write_session(idle.engine) as session:
        jobs.claim_next(session, "runner-1")
    run_job(job["id"], "runner-1", Sessions.on(idle.engine), idle.settings)
    assert idle.get("manager", f"/jobs/{job['id']}/download").status_code == 200
    assert len(idle.jobs_files()) == 1
    with write_session(idle.engine) as session:
        jobs.remove_spent_files(session, idle.settings.data_dir,
                                now=utcnow() + timedelta(seconds=idle.settings.job_file_ttl_s
                                                         + 1))
    assert idle.jobs_files() == []
    gone = idle.get("manager", f"/jobs/{job['id']}/download")
    assert gone.status_code == 404 and "retention" in gone.json()["message"]
    assert idle.get("manager", f"/jobs/{job['id']}").json()["download_url"] is None


def test_a_job_interrupted_by_a_crash_is_failed_when_the_server_starts_again(database,
                                                                              tmp_path):
    with start_live(database, tmp_path, job_workers=0) as first:
        job = first.post("manager", "/exports", json={}).json()
        with write_session(first.engine) as session:
            jobs.claim_next(session, "a-runner-that-crashed")
            session.execute(update(Job).where(Job.id == job["id"]).values(
                heartbeat_at=utcnow() - timedelta(minutes=10)))
            session.commit()
        url = first.url
    settings = Settings(data_dir=tmp_path / "data", database_url=url, secret_key=SECRET)
    engine = make_engine(url)
    try:
        with TestClient(create_app(settings, engine, web_root=tmp_path / "no-web")):
            with read_session(engine) as session:
                row = session.get(Job, job["id"])
                assert row is not None and row.state == JobState.FAILED
                assert row.error is not None and row.error.startswith("interrupted")
    finally:
        engine.dispose()


def test_on_postgresql_a_job_another_live_replica_runs_is_left_alone(postgres_url,
                                                                     tmp_path):
    """Replicas share PostgreSQL (a SQLite database has one server process): a starting
    replica fails only the jobs whose runner stopped reporting."""
    with fresh_database(postgres_url, "accord_jobs") as url:
        with start_live(url, tmp_path, job_workers=0) as live:
            alive = live.post("manager", "/exports", json={}).json()
            dead = live.post("manager", "/exports", json={}).json()
            with write_session(live.engine) as session:
                jobs.claim_next(session, "a-live-replica")
                jobs.claim_next(session, "a-dead-replica")
                session.execute(update(Job).where(Job.id == dead["id"]).values(
                    heartbeat_at=utcnow() - timedelta(seconds=live.settings.job_stale_after_s
                                                      + 1)))
                session.commit()
            JobRunner(live.engine, live.settings).recover(at_start=True)
            assert live.get("manager", f"/jobs/{alive['id']}").json()["state"] == "running"
            assert live.get("manager", f"/jobs/{dead['id']}").json()["state"] == "failed"


def test_the_sdk_and_the_cli_follow_jobs_to_the_same_file(live, tmp_path):
    sdk = Client(token=live.world.tokens["manager"], http=live.client)
    job = sdk.wait_for_job(live.world.project_id,
                   sdk.start_export(live.world.project_id, "jsonl")["id"], timeout_s=30)
    assert job["state"] == "done"
    out = io.BytesIO()
    assert sdk.download_job(live.world.project_id, job["id"], out) == job["file_size"]
    assert out.getvalue() == cli_export(live, tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"data": {"image": "ok.png"}}\n{oops}\n')
    failed = sdk.wait_for_job(live.world.project_id,
                              sdk.start_import(live.world.project_id, bad)["id"], timeout_s=30)
    assert failed["state"] == "failed" and "bad.jsonl, line 2, column 2" in failed["error"]
    assert [j["id"] for j in sdk.list_jobs(live.world.project_id)] == [failed["id"], job["id"]]

    env = {"ACCORD_DATABASE_URL": live.url}
    data_dir = ["--data-dir", str(live.settings.data_dir)]
    listed = CliRunner().invoke(cli, ["jobs", "list", str(live.world.project_id), "--json",
                                      *data_dir], env=env)
    assert listed.exit_code == 0, listed.output
    assert [j["state"] for j in orjson.loads(listed.stdout)] == ["failed", "done"]
    shown = CliRunner().invoke(cli, ["jobs", "show", str(live.world.project_id),
                                     str(failed["id"]), *data_dir], env=env)
    assert shown.exit_code == 0, shown.output
    assert "import (jsonl), failed" in shown.stdout
    assert "bad.jsonl, line 2, column 2" in shown.stdout
    missing = CliRunner().invoke(cli, ["jobs", "show", str(live.world.project_id), "999",
                                       *data_dir], env=env)
    assert missing.exit_code == 1 and "job 999 not found" in missing.output


def test_a_server_stopping_mid_job_fails_it_as_interrupted_and_keeps_nothing(idle):
    import threading

    before = idle.task_count()
    imported = upload(idle, jsonl(*({"data": {"image": f"s{i}.png"}} for i in range(5))))
    exported = idle.post("manager", "/exports", json={})
    stopping = threading.Event()
    stopping.set()  # as JobRunner.stop() sets it while the jobs run
    for job in (imported.json(), exported.json()):
        with write_session(idle.engine) as session:
            assert jobs.claim_next(session, "runner-1") == job["id"]
        run_job(job["id"], "runner-1", Sessions.on(idle.engine), idle.settings, stopping)
        stopped = idle.get("manager", f"/jobs/{job['id']}").json()
        assert stopped["state"] == "failed"
        assert stopped["error"].startswith("interrupted: the server was stopped")
    assert idle.task_count() == before
    assert idle.jobs_files() == []


def test_on_postgresql_a_cancel_during_the_write_pass_rolls_the_whole_import_back(
        postgres_url, tmp_path, monkeypatch):
    """PostgreSQL lets a cancel in while the import's transaction is open (SQLite's write
    lock makes it wait for the commit): the job's own final update, in that transaction,
    then finds the job cancelled and nothing is committed."""
    from accord.core.records import Role
    from accord.services import tasks
    from accord.services.caller import Caller

    with fresh_database(postgres_url, "accord_jobs") as url:
        with start_live(url, tmp_path, job_workers=0) as idle:
            before = idle.task_count()
            job = upload(idle, jsonl(*({"data": {"image": f"w{i}.png"}} for i in range(9))))
            job_id = job.json()["id"]
            manager = idle.world.users["manager"]
            original = tasks.import_records

            def cancelled_midway(session, caller, project_id, records, progress=None,
                                 before_commit=None):
                def then_cancel(count: int) -> None:
                    with write_session(idle.engine) as other:
                        jobs.cancel_job(other, Caller(manager["id"], manager["email"],
                                                      role=Role.MANAGER),
                                        idle.world.project_id, job_id)
                    assert progress is not None
                    progress(count)
                return original(session, caller, project_id, records, progress=then_cancel,
                                before_commit=before_commit)

            monkeypatch.setattr(tasks, "import_records", cancelled_midway)
            with write_session(idle.engine) as session:
                jobs.claim_next(session, "runner-1")
            run_job(job_id, "runner-1", Sessions.on(idle.engine), idle.settings)
            assert idle.get("manager", f"/jobs/{job_id}").json()["state"] == "cancelled"
            assert idle.task_count() == before


def test_an_import_killed_with_its_server_stores_nothing_and_shows_interrupted(tmp_path):
    """`kill -9` of a real `accord serve` (SQLite) while it runs an import job: after the
    restart the job is failed as interrupted, no task of it is stored, and the same upload
    then imports in full."""
    import subprocess
    import sys

    import httpx

    from servers import AccordProcess

    data_dir = tmp_path / "data"

    def accord(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "accord", *args, "--data-dir",
                               str(data_dir)], check=True, capture_output=True,
                              text=True).stdout.strip()

    accord("user", "add", "root@example.org", "--role", "admin", "--password",
           "correct-horse-battery")
    token = accord("token", "create", "root@example.org")
    project = accord("project", "create", "Killed")
    count = 20_000
    content = jsonl(*({"data": {"text": f"sentence {i}"}} for i in range(count)))
    server = AccordProcess(data_dir, tmp_path / "server.log")

    def client() -> httpx.Client:
        return httpx.Client(base_url=server.url, timeout=30,
                            headers={"Authorization": f"Bearer {token}"})

    def state_of(http: httpx.Client, job_id: int) -> dict[str, Any]:
        return http.get(f"/api/projects/{project}/jobs/{job_id}").json()

    server.start()
    try:
        with client() as http:
            job = http.post(f"/api/projects/{project}/imports",
                            files={"file": ("big.jsonl", content)}).json()
            deadline = time.monotonic() + 60
            while state_of(http, job["id"])["state"] == "queued" and \
                    time.monotonic() < deadline:
                time.sleep(0.02)
            assert state_of(http, job["id"])["state"] == "running"
        server.stop(kill=True)
        server.start()
        with client() as http:
            after = state_of(http, job["id"])
            assert after["state"] == "failed", after
            assert after["error"].startswith("interrupted")
            assert http.get(f"/api/projects/{project}").json()["task_count"] == 0
            again = http.post(f"/api/projects/{project}/imports",
                              files={"file": ("big.jsonl", content)}).json()
            deadline = time.monotonic() + 120
            while (state := state_of(http, again["id"]))["state"] in ("queued", "running") \
                    and time.monotonic() < deadline:
                time.sleep(0.2)
            assert state["state"] == "done", state
            assert http.get(f"/api/projects/{project}").json()["task_count"] == count
        listed = orjson.loads(accord("jobs", "list", project, "--json", "--url", server.url,
                                     "--token", token))  # the CLI over the API
        assert [(j["id"], j["state"]) for j in listed] == [(again["id"], "done"),
                                                           (job["id"], "failed")]
    finally:
        server.stop()
