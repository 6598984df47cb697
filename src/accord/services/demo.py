"""`accord demo`: a ready project of synthetic shapes, users of each role, and a simulated crowd
that has worked through the workflow, so the QA report means something from the first login;
beside it a text, a rich-text, an audio and a video project with a few tasks each and a
model's pre-labels (`accord.media.sample_projects`).

Four simulated annotators with known error rates (`ANNOTATORS`) take work from the real queue
(`queue.next_task` → `annotations.submit`, with skips and flags), a simulated reviewer works
the review queue and an expert the adjudication queue, all in-process through the same
services as the API. The pilot batch is labeled and approved first; then the crowd stops
part-way, leaving work in every queue for whoever logs in.

Deterministic: one seeded generator draws every answer, and the workflow's own draws are
hashes of the tasks. Idempotent: the first run records what it made in `<data_dir>/demo.json`
(mode 0600, it holds the demo passwords); later runs reuse it. Passwords are random per data
dir, so a demo install has no default credentials either.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from accord.core.quality import classify_errors
from accord.core.records import FlagStatus, Role, Stage, Tier, Verdict
from accord.db.engine import make_engine, write_session
from accord.db.tables import Project, Task, User
from accord.media import sample_projects, synthetic_shapes
from accord.services import (
    annotations,
    discussions,
    projects,
    queue,
    reviews,
    tasks,
    users,
    versions,
    workflow,
)
from accord.services.caller import Caller
from accord.settings import Settings

_T = TypeVar("_T")

IMAGES = 200
PILOT_TASKS = 20
GOLD_TASKS = 20
#: Gold tasks are busy scenes: with several shapes to get right, one slip moves an
#: annotator's gold accuracy less, and a dozen gold answers rank them reliably.
GOLD_MIN_SHAPES = 3
#: Seeds of the predictions and of the simulated crowd: the same demo every time.
PREDICTION_SEED, CROWD_SEED = 11, 13
STATE_FILE = "demo.json"
MEDIA_FOLDER = "demo/shapes"
GUIDELINES = """# Shapes: labeling guidelines

1. Draw a **tight box** around every shape; the box touches the shape on all four sides.
2. Outline every **triangle** with a polygon of its three corners as well.
3. Classify the scene: **sparse** for one or two shapes, **busy** for three or more.
4. Unsure? Use *Flag as ambiguous* with a note instead of guessing.
"""
OVERLAP_RULE = ("5. Shapes that **overlap** get one box each, drawn as if the other shape "
                "were not there.\n")
#: The demo's workflow (docs/workflow.md): three answers on half the tasks, a fifth of the
#: accepted ones reviewed, and all work of an annotator whose gold accuracy falls below 0.8.
#: Gold is a fifth of what is handed out, so that in a few hundred answers each annotator's
#: gold accuracy stands on a dozen gold answers. Consensus needs 0.8: in these scenes one
#: wrong scene class among three answers brings agreement to about 0.78.
POLICY: dict[str, Any] = {
    "overlap": 3, "overlap_sample": 0.5, "consensus_threshold": 0.8, "review_sample": 0.2,
    "review_below_gold_accuracy": 0.8, "min_gold_answers": 4, "gold_rate": 0.2,
    "reject_to": "author", "pilot_batch": "pilot", "stage_tiers": {"adjudicate": ["expert"]}}


@dataclass(frozen=True, slots=True)
class Persona:
    """A simulated annotator: their planted `error_rate` (each shape missed or misclassified,
    the scene class wrong, at about this rate) and their typical seconds per task."""

    email: str
    error_rate: float
    tier: Tier
    seconds_per_task: float


#: As in the README; the QA report's gold accuracy ranks them by error rate, best first:
#: annotator3, annotator1, annotator4, annotator2.
ANNOTATORS = (Persona("annotator1@accord.demo", 0.10, Tier.SENIOR, 24.0),
              Persona("annotator2@accord.demo", 0.45, Tier.JUNIOR, 9.0),
              Persona("annotator3@accord.demo", 0.02, Tier.SENIOR, 33.0),
              Persona("annotator4@accord.demo", 0.25, Tier.JUNIOR, 15.0))
MANAGER, REVIEWER, EXPERT = "manager@accord.demo", "reviewer@accord.demo", "expert@accord.demo"
STAFF = (("admin@accord.demo", None, None), (MANAGER, Role.MANAGER, Tier.EXPERT),
         (REVIEWER, Role.REVIEWER, Tier.SENIOR), (EXPERT, Role.REVIEWER, Tier.EXPERT))
#: Rounds of the main phase after the pilot: in each, every annotator takes one task and the
#: reviewer one, but for the last REVIEWER_AWAY rounds; the expert takes one every
#: ADJUDICATE_EVERY rounds up to EXPERT_UNTIL. So every queue still holds work at the end.
MAIN_ROUNDS, REVIEWER_AWAY, ADJUDICATE_EVERY, EXPERT_UNTIL = 75, 10, 4, 40
SKIP_RATE = 0.03
#: Share of wrong answers the reviewer fixes instead of rejecting.
FIX_SHARE = 0.25
#: (annotator, the n-th task of the main phase handed to them): the note they flag it with.
FLAGS = {("annotator4@accord.demo", 6): "Two shapes overlap here: one box each, or one "
                                        "box around both?",
         ("annotator1@accord.demo", 30): "A shape almost touches the border; should "
                                         "touching_edge be set?"}
#: Review categories the simulated reviewer uses; geometry within jitter is not an error.
JUDGED = ("missed_object", "extra_object", "wrong_class", "wrong_label")


@dataclass(frozen=True, slots=True)
class DemoReport:
    project_id: int
    credentials: dict[str, str]
    created: bool
    #: the text, rich-text, audio and video projects by key (`sample_projects.BUILDERS`)
    projects: dict[str, int] = field(default_factory=dict)

    def describe(self, url: str) -> str:
        rates = {p.email: p for p in ANNOTATORS}
        lines = [f"Demo project {self.project_id} {'created' if self.created else 'ready'}: "
                 f"{url}/"]
        if self.projects:
            lines.append("Also: " + ", ".join(f"{key} project {project_id}" for key, project_id
                                              in self.projects.items()))
        lines.append("Log in as:")
        for email, password in self.credentials.items():
            line = f"  {email:28} password: {password}"
            if (persona := rates.get(email)) is not None:
                line += f"   simulated, {persona.error_rate:.0%} errors, {persona.tier.value}"
            lines.append(line)
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
                exists = session.get(Project, state["project_id"]) is not None
            if exists:
                made = _ensure_sample_projects(engine, settings, state.get("projects", {}),
                                               progress)
                if made != state.get("projects"):  # a data dir from before they existed
                    _write_state(state_path, {**state, "projects": made})
                return DemoReport(state["project_id"], state["credentials"], False, made)
        progress(f"drawing {IMAGES} synthetic images…")
        images = synthetic_shapes.generate(settings.data_dir / "media" / MEDIA_FOLDER, IMAGES)
        with write_session(engine) as session:
            credentials = _ensure_users(session)
            project_id = _make_project(session, images, progress)
        progress(f"simulating {len(ANNOTATORS)} annotators, a reviewer and an expert…")
        _Crowd(engine, project_id, images).work()
        made = _ensure_sample_projects(engine, settings, {}, progress)
        _write_state(state_path, {"project_id": project_id, "credentials": credentials,
                                  "projects": made})
        return DemoReport(project_id, credentials, True, made)
    finally:
        engine.dispose()


def _ensure_sample_projects(engine: Engine, settings: Settings, known: dict[str, int],
                            progress: Callable[[str], None]) -> dict[str, int]:
    """The text, rich-text, audio and video projects, each made (media and all) only when
    it is not there yet: a later `accord demo` reuses them and their media files."""
    made: dict[str, int] = {}
    for key in sample_projects.BUILDERS:
        with write_session(engine) as session:
            if key in known and session.get(Project, known[key]) is not None:
                made[key] = known[key]
                continue
        progress(f"making the {key} demo project…")
        sample = sample_projects.sample_project(key, settings.data_dir / "media")
        with write_session(engine) as session:
            made[key] = _make_sample_project(session, sample)
    return made


def _make_sample_project(session: Session, sample: sample_projects.SampleProject) -> int:
    """A sample project with every demo user a member, its guidelines and its tasks."""
    admin = _caller(session, "admin@accord.demo")
    project_id = projects.create_project(session, admin, sample.name, sample.description,
                                         sample.schema)["id"]
    versions.add_guideline_version(session, admin, project_id, sample.guidelines,
                                   "first version")
    for email, role, tier in STAFF[1:]:
        assert role is not None and tier is not None
        projects.add_member(session, admin, project_id, email, role, tier)
    for persona in ANNOTATORS:
        projects.add_member(session, admin, project_id, persona.email, Role.ANNOTATOR,
                            persona.tier)
    tasks.import_records(session, admin, project_id, sample.records)
    return int(project_id)


def _ensure_users(session: Session) -> dict[str, str]:
    credentials = {}
    for email in (*(s[0] for s in STAFF), *(p.email for p in ANNOTATORS)):
        password = secrets.token_urlsafe(9)
        existing = session.scalar(select(User).where(User.email == email))
        if existing is None:
            users.create_user(session, None, email, password=password,
                              is_admin=email.startswith("admin@"))
        else:
            users.update_user(session, None, existing.id, {"password": password})
        credentials[email] = password
    return credentials


def _caller(session: Session, email: str, role: Role | None = None) -> Caller:
    return users.caller_for(session, email).in_project(role)


def _make_project(session: Session, images: list[synthetic_shapes.ShapeImage],
                  progress: Callable[[str], None]) -> int:
    """The project, its members and workflow, and its tasks: the first PILOT_TASKS in the
    pilot batch, GOLD_TASKS of them with their ground truth as the gold answer."""
    admin = _caller(session, "admin@accord.demo")
    project_id = projects.create_project(
        session, admin, "Shapes demo", "Boxes, triangle outlines and a scene class on "
        "synthetic images with known ground truth.", synthetic_shapes.SCHEMA)["id"]
    versions.add_guideline_version(session, admin, project_id, GUIDELINES, "first version")
    workflow.update_workflow(session, admin, project_id, POLICY)
    for email, role, tier in STAFF[1:]:
        assert role is not None and tier is not None
        projects.add_member(session, admin, project_id, email, role, tier)
    for persona in ANNOTATORS:
        projects.add_member(session, admin, project_id, persona.email, Role.ANNOTATOR,
                            persona.tier)
    progress("importing tasks…")
    rng = random.Random(PREDICTION_SEED)
    gold = _gold_images(images)
    records = []
    for i, image in enumerate(images):
        record: dict[str, Any] = {
            "data": {"image": f"{MEDIA_FOLDER}/{image.filename}", "width":
                     synthetic_shapes.WIDTH, "height": synthetic_shapes.HEIGHT},
            "batch": "pilot" if i < PILOT_TASKS else "main",
            "predictions": [{"model_version": "shape-detector-0.1", "score": 0.8,
                             "regions": synthetic_shapes.perturb(rng, image.regions, 0.15)}]}
        if i in gold:
            record["gold"] = image.regions
        records.append((f"demo image {image.filename}", record))
    tasks.import_records(session, admin, project_id, records)
    return project_id


def _gold_images(images: list[synthetic_shapes.ShapeImage]) -> set[int]:
    """GOLD_TASKS images spread over the busy ones (GOLD_MIN_SHAPES shapes or more)."""
    busy = [i for i, image in enumerate(images)
            if sum(r["type"] == "bbox" for r in image.regions) >= GOLD_MIN_SHAPES]
    return set(busy[::max(1, len(busy) // GOLD_TASKS)][:GOLD_TASKS])


@dataclass(slots=True)
class ErrorBudget:
    """A simulated annotator's mistakes, spread evenly (error diffusion): each chance of a
    kind of mistake adds its probability to what is owed, and the mistake is made as soon as
    half a mistake or more is owed. Of n chances at rate p, round(n·p) are mistakes.

    Independent draws would give the same rate on average, but over the ten-odd gold tasks
    each annotator sees, their spread would hide the differences the demo is there to show."""

    owed: dict[str, float] = field(default_factory=dict)

    def __call__(self, kind: str, probability: float) -> bool:
        owed = self.owed.get(kind, 0.0) + probability
        made = owed >= 0.5
        self.owed[kind] = owed - made
        return made


def mistakes(answer: list[dict[str, Any]], truth: list[dict[str, Any]]) -> list[str]:
    """The JUDGED error categories of `answer` against the ground truth, each once."""
    return sorted({f.category.value for f in classify_errors(answer, truth)
                   if f.category.value in JUDGED})


class _Crowd:
    """The simulated members of one demo project, taking work from its queues in turn. Each
    service call runs in its own session, as each request to the API does: one long session
    would keep in its identity map rows that the services' bulk deletes have removed."""

    def __init__(self, engine: Engine, project_id: int,
                 images: list[synthetic_shapes.ShapeImage]) -> None:
        self.engine, self.project_id = engine, project_id
        self.rng = random.Random(CROWD_SEED)
        by_image = {f"{MEDIA_FOLDER}/{image.filename}": image.regions for image in images}
        self.truth: dict[int, list[dict[str, Any]]] = {}
        self.gold: set[int] = set()
        with write_session(engine) as session:
            for task_id, data, is_gold in session.execute(select(
                    Task.id, Task.data, Task.is_gold).where(Task.project_id == project_id)):
                self.truth[task_id] = by_image[data["image"]]
                if is_gold:
                    self.gold.add(task_id)
            self.annotators = {p.email: _caller(session, p.email, Role.ANNOTATOR)
                               for p in ANNOTATORS}
            self.manager = _caller(session, MANAGER, Role.MANAGER)
            self.reviewer = _caller(session, REVIEWER, Role.REVIEWER)
            self.expert = _caller(session, EXPERT, Role.REVIEWER)
        # Gold and other work keep separate budgets, so the gold scores show the planted rate.
        self.budgets = {(p.email, on_gold): ErrorBudget()
                        for p in ANNOTATORS for on_gold in (False, True)}
        self.handed: dict[str, int] = dict.fromkeys(self.annotators, 0)
        self.main = False  # past the pilot

    def request(self, service: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """One service call in its own session and transaction, as one API request is."""
        with write_session(self.engine) as session:
            return service(session, *args, **kwargs)

    def work(self) -> None:
        """The pilot until nobody is handed a task, its approval, then MAIN_ROUNDS rounds."""
        while any([self.label(p) for p in ANNOTATORS]):  # a list: everyone takes a turn
            self.review()
            self.adjudicate()
        self.request(workflow.approve_pilot, self.manager, self.project_id)
        self.handed, self.main = dict.fromkeys(self.annotators, 0), True
        for round_ in range(1, MAIN_ROUNDS + 1):
            for persona in ANNOTATORS:
                self.label(persona)
            if round_ <= MAIN_ROUNDS - REVIEWER_AWAY:
                self.review()
            if round_ <= EXPERT_UNTIL and round_ % ADJUDICATE_EVERY == 0:
                self.adjudicate()
            if round_ == MAIN_ROUNDS // 2:
                self.resolve_first_flag()

    def label(self, persona: Persona) -> bool:
        """One task from the persona's label queue: flagged, skipped, or answered with their
        error rate. False when the queue has nothing for them."""
        caller, project_id = self.annotators[persona.email], self.project_id
        offer = self.request(queue.next_task, caller, project_id, Stage.LABEL)
        if offer["task"] is None:
            return False
        task_id = offer["task"]["id"]
        self.handed[persona.email] += 1
        note = FLAGS.get((persona.email, self.handed[persona.email])) if self.main else None
        if note is not None:
            self.request(discussions.add_flag, caller, project_id, task_id, note)
        if note is not None or (offer["lease"]["kind"] == "lease"
                                and self.rng.random() < SKIP_RATE):
            self.request(queue.skip, caller, project_id, task_id)
            return True
        budget = self.budgets[(persona.email, task_id in self.gold)]
        answer = synthetic_shapes.perturb(self.rng, self.truth[task_id], persona.error_rate,
                                          budget)
        seconds = persona.seconds_per_task * self.rng.lognormvariate(0, 0.35)
        self.request(annotations.submit, caller, project_id, task_id, answer,
                     lead_time_s=round(seconds, 1))
        return True

    def review(self) -> bool:
        """One task from the review queue: each pending answer accepted when right, else
        rejected with its error categories or, now and then, fixed."""
        offer = self.request(queue.next_task, self.reviewer, self.project_id, Stage.REVIEW)
        if offer["task"] is None:
            return False
        truth = self.truth[offer["task"]["id"]]
        for answer in offer["answers"]:
            if answer["status"] == "submitted":
                verdict, categories, comment, fix = self._judge(answer["regions"], truth)
                self.request(reviews.submit_review, self.reviewer, self.project_id,
                             answer["id"], verdict, categories, comment, fix)
        return True

    def _judge(self, answer: list[dict[str, Any]], truth: list[dict[str, Any]]
               ) -> tuple[Verdict, list[str], str, list[dict[str, Any]] | None]:
        """The reviewer's verdict on one answer: (verdict, categories, comment, fixed regions)."""
        found = mistakes(answer, truth)
        if not found:
            return Verdict.ACCEPT, [], "", None
        named = ", ".join(category.replace("_", " ") for category in found)
        if self.rng.random() < FIX_SHARE:
            return Verdict.FIX, found, f"fixed: {named}", self._redraw(truth)
        return Verdict.REJECT, found, f"{named}; please check against the guidelines", None

    def adjudicate(self) -> bool:
        """One escalated task: the expert submits the first candidate without a mistake,
        or draws the answer themselves when every candidate has one."""
        offer = self.request(queue.next_task, self.expert, self.project_id, Stage.ADJUDICATE)
        if offer["task"] is None:
            return False
        task_id = offer["task"]["id"]
        truth = self.truth[task_id]
        right = [a["regions"] for a in offer["answers"] if not mistakes(a["regions"], truth)]
        self.request(annotations.submit, self.expert, self.project_id, task_id,
                     right[0] if right else self._redraw(truth),
                     lead_time_s=round(self.rng.uniform(30, 90), 1))
        return True

    def resolve_first_flag(self) -> None:
        """The manager answers the first flag with a new guideline version; any other flag
        stays open for whoever logs in as the manager."""
        flags, _ = self.request(discussions.list_flags, self.project_id, FlagStatus.OPEN,
                                None, 1)
        if flags:
            self.request(discussions.resolve_flag, self.manager, self.project_id,
                         flags[0]["id"], "One box per shape, overlapping or not.",
                         GUIDELINES + OVERLAP_RULE)

    def _redraw(self, truth: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A careful person's own answer: the ground truth with their hand's jitter."""
        return synthetic_shapes.perturb(self.rng, truth, 0.0)
