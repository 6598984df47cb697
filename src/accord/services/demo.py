"""`accord demo`: a ready project of synthetic shapes, users of each role, and some work done.

Idempotent: the first run records what it made in `<data_dir>/demo.json` (mode 0600, it holds
the demo passwords); later runs reuse it. Passwords are random per data dir, so a demo
install has no default credentials either.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from accord.core.records import Role, Tier, Verdict
from accord.db.engine import make_engine, write_session
from accord.db.tables import Project, User
from accord.media import synthetic_shapes
from accord.services import annotations, projects, reviews, tasks, users, versions, workflow
from accord.services.caller import Caller
from accord.settings import Settings

IMAGES = 200
STATE_FILE = "demo.json"
MEDIA_FOLDER = "demo/shapes"
GUIDELINES = """# Shapes: labeling guidelines

1. Draw a **tight box** around every shape; the box touches the shape on all four sides.
2. Outline every **triangle** with a polygon of its three corners as well.
3. Classify the scene: **sparse** for one or two shapes, **busy** for three or more.
4. Unsure? Use *Flag as ambiguous* with a note instead of guessing.
"""
#: Simulated annotators and their error rates, so the QA numbers mean something.
ANNOTATORS = (("annotator1@accord.demo", 0.03, Tier.SENIOR),
              ("annotator2@accord.demo", 0.20, Tier.JUNIOR))
STAFF = (("admin@accord.demo", None, None), ("manager@accord.demo", Role.MANAGER, Tier.EXPERT),
         ("reviewer@accord.demo", Role.REVIEWER, Tier.EXPERT))
LABELED_TASKS = 40


@dataclass(frozen=True, slots=True)
class DemoReport:
    project_id: int
    credentials: dict[str, str]
    created: bool

    def describe(self, url: str) -> str:
        lines = [f"Demo project {self.project_id} {'created' if self.created else 'ready'}: "
                 f"{url}/", "Log in as:"]
        lines += [f"  {email:28} password: {password}"
                  for email, password in self.credentials.items()]
        return "\n".join(lines)


def _write_state(path: Path, state: dict[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(state, handle, indent=2)


def ensure_demo(settings: Settings, progress: Callable[[str], None] = lambda _: None
                ) -> DemoReport:
    state_path = settings.data_dir / STATE_FILE
    engine = make_engine(settings.resolved_database_url)
    try:
        if state_path.exists():
            state = json.loads(state_path.read_text())
            with write_session(engine) as session:
                if session.get(Project, state["project_id"]) is not None:
                    return DemoReport(state["project_id"], state["credentials"], False)
        progress(f"drawing {IMAGES} synthetic images…")
        images = synthetic_shapes.generate(settings.data_dir / "media" / MEDIA_FOLDER, IMAGES)
        with write_session(engine) as session:
            credentials = _ensure_users(session)
            project_id = _make_project(session, images, progress)
        _write_state(state_path, {"project_id": project_id, "credentials": credentials})
        return DemoReport(project_id, credentials, True)
    finally:
        engine.dispose()


def _ensure_users(session: Any) -> dict[str, str]:
    credentials = {}
    for email, *_ in (*STAFF, *ANNOTATORS):
        password = secrets.token_urlsafe(9)
        existing = session.scalar(select(User).where(User.email == email))
        if existing is None:
            users.create_user(session, None, email, password=password,
                              is_admin=email.startswith("admin@"))
        else:
            users.update_user(session, None, existing.id, {"password": password})
        credentials[email] = password
    return credentials


def _caller(session: Any, email: str, role: Role | None = None) -> Caller:
    return users.caller_for(session, email).in_project(role)


def _make_project(session: Any, images: list[synthetic_shapes.ShapeImage],
                  progress: Callable[[str], None]) -> int:
    admin = _caller(session, "admin@accord.demo")
    project_id = projects.create_project(
        session, admin, "Shapes demo", "Boxes, triangle outlines and a scene class on "
        "synthetic images with known ground truth.", synthetic_shapes.SCHEMA)["id"]
    versions.add_guideline_version(session, admin, project_id, GUIDELINES, "first version")
    workflow.update_workflow(session, admin, project_id, {"overlap": len(ANNOTATORS)})
    for email, role, tier in STAFF[1:]:
        projects.add_member(session, admin, project_id, email, role, tier)
    for email, _, tier in ANNOTATORS:
        projects.add_member(session, admin, project_id, email, Role.ANNOTATOR, tier)
    progress("importing tasks…")
    rng = random.Random(11)
    records = []
    for i, image in enumerate(images):
        record: dict[str, Any] = {
            "data": {"image": f"{MEDIA_FOLDER}/{image.filename}", "width":
                     synthetic_shapes.WIDTH, "height": synthetic_shapes.HEIGHT},
            "batch": "pilot" if i < 20 else "main",
            "predictions": [{"model_version": "shape-detector-0.1", "score": 0.8,
                             "regions": synthetic_shapes.perturb(rng, image.regions, 0.15)}]}
        if i % 10 == 0:
            record["gold"] = image.regions
        records.append((f"demo image {image.filename}", record))
    tasks.import_records(session, admin, project_id, records)
    _simulate_work(session, project_id, images, rng)
    return project_id


def _simulate_work(session: Any, project_id: int,
                   images: list[synthetic_shapes.ShapeImage], rng: random.Random) -> None:
    """Both simulated annotators label the first tasks; the reviewer checks their work."""
    manager = _caller(session, "manager@accord.demo", Role.MANAGER)
    task_ids = [t["id"] for t in tasks.list_tasks(session, manager, project_id, {}, None,
                                                 LABELED_TASKS)[0]]
    reviewer = _caller(session, "reviewer@accord.demo", Role.REVIEWER)
    for email, error_rate, _ in ANNOTATORS:
        annotator = _caller(session, email, Role.ANNOTATOR)
        for task_id, image in zip(task_ids, images, strict=False):
            answer = synthetic_shapes.perturb(rng, image.regions, error_rate)
            view, _ = annotations.submit(session, annotator, project_id, task_id, answer,
                                         lead_time_s=round(rng.uniform(8, 40), 1))
            if rng.random() < 0.5:
                correct = answer == image.regions or error_rate < 0.1
                reviews.submit_review(
                    session, reviewer, project_id, view["id"],
                    Verdict.ACCEPT if correct else Verdict.REJECT,
                    [] if correct else ["wrong class"], "" if correct else "check the classes")
