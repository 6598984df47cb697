"""`accord demo` on SQLite and PostgreSQL: made once, with a simulated crowd that has worked
through the workflow, so that the QA report ranks the annotators by their planted error
rates and every queue still holds work for a real user."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_support import Accord, local
from sqlalchemy import Engine, func, select

from accord.core.records import FlagStatus, Role, TaskState
from accord.core.validation import media_info, validate
from accord.db.engine import make_engine, read_session
from accord.db.tables import Base, Flag, Prediction, Project, Task
from accord.media import local as local_media
from accord.media.sample_projects import BUILDERS
from accord.services import queue, users, versions
from accord.services.demo import ANNOTATORS, EXPERT, MANAGER, REVIEWER, STAFF, ErrorBudget
from servers import fresh_database


@dataclass(frozen=True)
class Demo:
    accord: Accord
    data_dir: Path
    engine: Engine


@pytest.fixture(params=["sqlite", "postgresql"])
def demo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Demo]:
    """A fresh data dir; on PostgreSQL with its own fresh database (the demo commits)."""
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{data_dir / 'accord.db'}")
        yield Demo(local(data_dir), data_dir, engine)
        engine.dispose()
        return
    with fresh_database(request.getfixturevalue("postgres_url"), "accord_demo") as url:
        engine = make_engine(url)
        try:
            yield Demo(local(data_dir).with_env(ACCORD_DATABASE_URL=url), data_dir, engine)
        finally:
            engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def test_the_demo_is_made_once_and_prints_the_logins_each_time(demo: Demo) -> None:
    first = demo.accord.ok("demo", "--no-serve")
    before = row_counts(demo.engine)
    second = demo.accord.ok("demo", "--no-serve")
    assert "created" in first and "ready" in second
    assert row_counts(demo.engine) == before  # the second run changed nothing
    assert first.replace("created", "ready") == second  # the same passwords, not new ones
    logins = {line.split()[0]: line for line in first.splitlines() if "password:" in line}
    assert set(logins) == {email for email, *_ in STAFF} | {p.email for p in ANNOTATORS}
    for persona in ANNOTATORS:
        assert f"simulated, {persona.error_rate:.0%} errors" in logins[persona.email]
    state = demo.data_dir / "demo.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    projects = demo.accord.projects()
    project_id = json.loads(state.read_text())["project_id"]
    samples = json.loads(state.read_text())["projects"]
    assert list(samples) == list(BUILDERS)
    assert sorted(projects) == sorted([project_id, *samples.values()])
    assert projects[project_id]["task_count"] == 200
    assert ", ".join(f"{key} project {number}" for key, number in samples.items()) in first
    assert_sample_projects_hold_valid_prelabels_and_their_media(demo, samples)

    report = json.loads(demo.accord.ok("qa", "report", str(project_id), "--json"))
    by_gold = sorted(report["annotators"], key=lambda row: -row["mean_gold_score"])
    assert [row["annotator"] for row in by_gold] == [
        p.email for p in sorted(ANNOTATORS, key=lambda p: p.error_rate)]
    assert all(row["gold_annotations"] >= 5 for row in by_gold)
    assert_work_is_left_in_every_queue(demo.engine, project_id)


#: The media type of each sample project's media field, as the media route will send it.
SAMPLE_MEDIA = {"audio": ("audio", "audio/wav"), "video": ("video", "video/webm")}


def assert_sample_projects_hold_valid_prelabels_and_their_media(demo: Demo,
                                                                 samples: dict[str, int]) -> None:
    """Every sample task has a model's pre-labels (the rich-text pages excepted) that are
    valid for its schema and media, and names a media file that sniffs as audio or video."""
    with read_session(demo.engine) as session:
        for key, project_id in samples.items():
            _, schema = versions.current_schema(session, project_id)
            rows = session.execute(select(Task.id, Task.data).where(
                Task.project_id == project_id)).all()
            assert len(rows) >= 3, key
            for task_id, data in rows:
                found = session.scalars(select(Prediction.regions).where(
                    Prediction.task_id == task_id)).all()
                assert len(found) == (0 if key == "html" else 1), key
                for regions in found:
                    assert validate(schema, regions, media=media_info(schema, data)) == []
                if key in SAMPLE_MEDIA:
                    field, media_type = SAMPLE_MEDIA[key]
                    path = local_media.resolve(demo.data_dir / "media", data[field])
                    assert local_media.sniff(path.read_bytes()[:local_media.SNIFF_BYTES]) == media_type
    with read_session(demo.engine) as session:
        long_text = max(len(data["text"]) for data in session.scalars(select(Task.data).where(
            Task.project_id == samples["text"])))
    assert long_text >= 100_000


def test_a_data_dir_made_before_the_sample_projects_gains_them_once(demo: Demo) -> None:
    demo.accord.ok("demo", "--no-serve")
    state_path = demo.data_dir / "demo.json"
    state = json.loads(state_path.read_text())
    old = {key: value for key, value in state.items() if key != "projects"}
    state_path.write_text(json.dumps(old))  # as `accord demo` wrote it before
    again = demo.accord.ok("demo", "--no-serve")
    assert "ready" in again
    made = json.loads(state_path.read_text())["projects"]
    assert list(made) == list(BUILDERS) and not set(made.values()) & set(
        state["projects"].values())
    before = row_counts(demo.engine)
    assert demo.accord.ok("demo", "--no-serve") == again
    assert row_counts(demo.engine) == before


def assert_work_is_left_in_every_queue(engine: Engine, project_id: int) -> None:
    """Tasks went through every stage, the pilot is approved, one flag was answered with new
    guidelines and one waits; each member who logs in finds work in each queue they may take."""
    with read_session(engine) as session:
        project = session.get(Project, project_id)
        assert project is not None and project.approved_pilot == "pilot"
        assert project.guideline_version == 2
        states = dict(session.execute(select(Task.state, func.count()).where(
            Task.project_id == project_id).group_by(Task.state)).all())
        assert all(states.get(state, 0) > 0 for state in TaskState), states
        flags = dict(session.execute(select(Flag.status, func.count()).where(
            Flag.project_id == project_id).group_by(Flag.status)).all())
        assert flags == {FlagStatus.OPEN: 1, FlagStatus.RESOLVED: 1}
        queues = {(email, stage): counts["available"]
                  for email, role in [*((p.email, Role.ANNOTATOR) for p in ANNOTATORS),
                                      (REVIEWER, Role.REVIEWER), (EXPERT, Role.REVIEWER),
                                      (MANAGER, Role.MANAGER)]
                  for stage, counts in queue.queue_counts(
                      session, users.caller_for(session, email).in_project(role),
                      project_id).items()}
    assert {stage for _, stage in queues} == {"label", "review", "adjudicate"}
    assert all(available > 0 for available in queues.values()), queues


@pytest.mark.parametrize("rate", [0.02, 0.1, 0.25, 0.45])
def test_an_error_budget_keeps_each_kind_of_mistake_within_half_of_its_rate(rate: float) -> None:
    budget, made = ErrorBudget(), {"miss": 0, "scene": 0}
    for chances in range(1, 500):
        made["miss"] += budget("miss", rate / 2)
        made["scene"] += budget("scene", rate)
        assert abs(made["miss"] - chances * rate / 2) <= 0.5 + 1e-9
        assert abs(made["scene"] - chances * rate) <= 0.5 + 1e-9
