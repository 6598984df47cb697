"""A simulated annotator crowd: who they are, what is true, and how they work the queues.

Shared by tests/load/test_workflow_load.py (correctness under load) and bench/workflow.py
(latency and throughput). Every task's true class follows from its data (`animal-<key>.png`),
so the simulation needs no table of answers even at a million tasks; every tenth task is gold.

Annotators come in groups with a planted error rate. Errors are spread evenly over each
group's answers (a shared counter per group, kept apart for gold and other tasks) rather than
drawn at random: with a few hundred answers per group, random draws would misorder two groups
0.1 apart often enough to make the test a roll of the dice, while an even spread makes every
group's share of wrong answers its planted rate, up to one answer. Which wrong class an error
picks is random. The crowd talks to the server only over HTTP (on loopback, through the lean
client of `http_client`) and logs
every response; `Log` is what the test checks and the bench measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson
from sqlalchemy.orm import Session

from accord.core.records import Role
from accord.services import projects, tasks, users
from accord.services.caller import Caller
from load.http_client import Connection, Response, TransportError

CLASSES = ("cat", "dog", "bird", "fish")
LABEL = "animal"
SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [{"name": LABEL, "type": "classification", "source": "image",
                "classes": [{"name": c} for c in CLASSES]}],
}
GOLD_EVERY = 10
GROUP_ERROR_RATES = (0.02, 0.10, 0.20, 0.30, 0.45)
PER_GROUP = 10
REVIEWERS = 2
ERROR_CATEGORY = "wrong_class"


def truth_of(key: int) -> str:
    """The true class of task `key`: a fixed hash, so any process can tell it.

    >>> [truth_of(k) for k in range(4)] == [truth_of(k) for k in range(4)]
    True
    >>> {truth_of(k) for k in range(100)} == set(CLASSES)
    True
    """
    digest = hashlib.blake2b(str(key).encode(), digest_size=4).digest()
    return CLASSES[int.from_bytes(digest, "big") % len(CLASSES)]


def is_gold(key: int) -> bool:
    return key % GOLD_EVERY == 0


def image_of(key: int) -> str:
    return f"animal-{key:07d}.png"


def key_of(data: dict[str, Any]) -> int:
    """The task key back from the data an annotator is shown.

    >>> key_of({"image": image_of(42)})
    42
    """
    return int(str(data["image"]).removeprefix("animal-").removesuffix(".png"))


def regions_for(cls: str) -> list[dict[str, Any]]:
    return [{"id": "a", "label": LABEL, "type": "classification", "value": {"class": cls}}]


def class_of(regions: Sequence[dict[str, Any]]) -> str | None:
    """The class an answer gives, or None when it has no classification."""
    return next((r["value"]["class"] for r in regions if r.get("label") == LABEL), None)


def regions_digest(regions: Any) -> str:
    """A content hash of regions, independent of key order: what 'not lost' is checked by."""
    return hashlib.sha256(orjson.dumps(regions, option=orjson.OPT_SORT_KEYS)).hexdigest()


def task_record(key: int) -> dict[str, Any]:
    record: dict[str, Any] = {"data": {"image": image_of(key)}}
    if is_gold(key):
        record["gold"] = regions_for(truth_of(key))
    return record


@dataclass(frozen=True, slots=True)
class Member:
    email: str
    user_id: int
    token: str
    role: str
    error_rate: float = 0.0  # annotators only


@dataclass(frozen=True, slots=True)
class Crowd:
    project_id: int
    manager: Member
    annotators: tuple[Member, ...]
    reviewers: tuple[Member, ...]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Crowd:
        raw = json.loads(text)
        return cls(raw["project_id"], Member(**raw["manager"]),
                   tuple(Member(**m) for m in raw["annotators"]),
                   tuple(Member(**m) for m in raw["reviewers"]))


def seed_crowd(session: Session, secret: str, *, error_rates: Sequence[float] = GROUP_ERROR_RATES,
               per_group: int = PER_GROUP, reviewers: int = REVIEWERS) -> Crowd:
    """A manager's project with the animal schema, its annotators and reviewers, with tokens.

    `secret` must be the server's (its data dir's secret_key), or the tokens will not verify.
    """
    manager = _member(session, secret, "manager@load.example", "manager")
    caller = Caller(user_id=manager.user_id, email=manager.email)
    project_id = projects.create_project(session, caller, "Animals under load",
                                         schema=SCHEMA)["id"]
    annotators = tuple(
        _member(session, secret, f"ann-{g}-{i:02d}@load.example", "annotator", rate)
        for g, rate in enumerate(error_rates) for i in range(per_group))
    staff = tuple(_member(session, secret, f"reviewer-{i}@load.example", "reviewer")
                  for i in range(reviewers))
    for member in (*annotators, *staff):
        projects.add_member(session, caller, project_id, member.email, Role(member.role))
    return Crowd(project_id, manager, annotators, staff)


def _member(session: Session, secret: str, email: str, role: str, rate: float = 0.0) -> Member:
    user = users.create_user(session, None, email, password=None)
    token = users.create_token(session, None, user["id"], secret, name="load")["token"]
    return Member(email, user["id"], token, role, rate)


def seed_tasks(session: Session, crowd: Crowd, count: int,
               progress: Callable[[int], None] | None = None) -> None:
    """`count` tasks (keys 0..count-1) through the bulk import, in one transaction."""
    caller = Caller(user_id=crowd.manager.user_id, email=crowd.manager.email,
                    role=Role.MANAGER)
    records = ((f"task {key}", task_record(key)) for key in range(count))
    tasks.import_records(session, caller, crowd.project_id, records, progress)


class ErrorSchedule:
    """A group's errors spread evenly: after n answers, round(n × rate) of them were wrong.

    >>> schedule = ErrorSchedule(0.25)
    >>> [schedule.is_error(gold=False) for _ in range(8)]
    [False, True, False, False, False, True, False, False]
    """

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.answers = {False: 0, True: 0}
        self.errors = {False: 0, True: 0}

    def is_error(self, *, gold: bool) -> bool:
        self.answers[gold] += 1
        due = math.floor(self.answers[gold] * self.rate + 0.5)
        if due > self.errors[gold]:
            self.errors[gold] += 1
            return True
        return False


@dataclass(frozen=True, slots=True)
class Plan:
    """How the crowd works, and the bounds that keep a run finite whatever the server does."""

    deadline_s: float = 60.0            # wall time of the whole run
    max_iterations: int = 1000          # queue calls per worker
    skip_rate: float = 0.03             # share of label tasks skipped instead of answered
    replay_rate: float = 0.05           # share of submissions sent twice with one key
    pace_s: float = 0.0                 # 0: back to back; else one task per pace_s per client
    idle_sleep_s: float = 0.2           # wait after an empty queue before asking again
    idle_limit_s: float = 2.0           # stop after the queue stayed empty this long
    request_timeout_s: float = 30.0
    with_staff: bool = True             # reviewers review, the manager adjudicates
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Handout:
    user_id: int
    task_id: int
    stage: str
    at: float  # when the response arrived (perf_counter)


@dataclass(frozen=True, slots=True)
class Release:
    user_id: int
    task_id: int
    at: float  # when the skip (or the rejection) was sent


@dataclass(frozen=True, slots=True)
class Submission:
    user_id: int
    task_id: int
    annotation_id: int
    digest: str  # regions_digest of what was sent
    stage: str
    at: float  # when the 201 arrived (perf_counter)


@dataclass
class Log:
    """Everything the crowd saw: per-kind statuses and latencies, and what it was handed."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    handouts: list[Handout] = field(default_factory=list)
    skips: list[Release] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    replays: list[tuple[int, int]] = field(default_factory=list)  # (first id, replayed id)
    rejections: list[Release] = field(default_factory=list)  # (author, task, sent at)
    unexpected: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def count(self, kind: str, status: int | None = None) -> int:
        return sum(n for (k, s), n in self.statuses.items()
                   if k == kind and (status is None or s == status))

    def server_errors(self) -> dict[tuple[str, int], int]:
        return {key: n for key, n in self.statuses.items() if key[1] >= 500 or key[1] == 0}


class Worker:
    """One member's HTTP session: every call is timed, counted and checked against what the
    workflow says it should answer; anything else goes to `log.unexpected`."""

    def __init__(self, client: Connection, log: Log, crowd: Crowd, member: Member,
                 plan: Plan, index: int, started: float) -> None:
        self.client, self.log, self.member, self.plan = client, log, member, plan
        self.started = started  # the run's start (perf_counter), for the log's messages
        self.base = f"/api/projects/{crowd.project_id}"
        self.headers = {"Authorization": f"Bearer {member.token}"}
        self.rng = random.Random(plan.seed * 1000 + index)
        self.stop_at = time.monotonic() + plan.deadline_s

    async def call(self, kind: str, path: str, expected: Iterable[int], *,
                   json: Any = None, key: str | None = None) -> Response | None:
        headers = self.headers if key is None else {**self.headers, "Idempotency-Key": key}
        started = time.perf_counter()
        try:
            response = await self.client.post(self.base + path, json=json, headers=headers)
        except TransportError as exc:
            self.log.statuses[(kind, 0)] += 1
            self.log.unexpected.append(f"{self.since_start()} {kind} POST {path} as "
                                       f"{self.member.email}: {type(exc).__name__} {exc}")
            return None
        self.log.latencies[kind].append(time.perf_counter() - started)
        self.log.statuses[(kind, response.status_code)] += 1
        if response.status_code not in expected:
            self.log.unexpected.append(f"{self.since_start()} {kind} POST {path} as "
                                       f"{self.member.email}: {response.status_code} "
                                       f"{response.text[:400]}")
        return response

    async def next_task(self, stage: str) -> dict[str, Any] | None:
        """The queue's answer, or None when it failed (already logged)."""
        response = await self.call(f"next_{stage}", f"/queues/{stage}/next", {200})
        if response is None or response.status_code != 200:
            return None
        body: dict[str, Any] = response.json()
        if body.get("task") is not None:
            self.log.handouts.append(Handout(self.member.user_id, body["task"]["id"], stage,
                                             time.perf_counter()))
            # gold is drawn before the queue is searched: its latency is worth seeing apart
            served = "gold" if is_gold(key_of(body["task"]["data"])) else "queue"
            self.log.latencies[f"next_{stage}_{served}"].append(
                self.log.latencies[f"next_{stage}"][-1])
        return body

    async def submit(self, kind: str, task_id: int, regions: list[dict[str, Any]],
                     stage: str) -> int | None:
        """Submit with a fresh Idempotency-Key (sometimes twice); the annotation id if stored."""
        key, path = uuid.uuid4().hex, f"/tasks/{task_id}/annotations"
        response = await self.call(kind, path, {201}, json={"regions": regions}, key=key)
        if response is None or response.status_code != 201:
            return None
        annotation_id = int(response.json()["id"])
        self.log.submissions.append(Submission(self.member.user_id, task_id, annotation_id,
                                               regions_digest(regions), stage,
                                               time.perf_counter()))
        if self.rng.random() < self.plan.replay_rate:
            again = await self.call(f"{kind}_replay", path, {200}, json={"regions": regions},
                                    key=key)
            if again is not None and again.status_code == 200:
                self.log.replays.append((annotation_id, int(again.json()["id"])))
        return annotation_id

    def since_start(self) -> str:
        return f"[{time.perf_counter() - self.started:.1f} s]"

    def out_of_time(self) -> bool:
        return time.monotonic() > self.stop_at

    async def wait_idle(self, idle_since: float | None) -> float | None:
        """Sleep after an empty queue; the time it has been empty since, None once past the
        idle limit (the worker stops)."""
        now = time.monotonic()
        since = now if idle_since is None else idle_since
        if now - since > self.plan.idle_limit_s:
            return None
        await asyncio.sleep(self.plan.idle_sleep_s)
        return since

    async def pace(self, cycle_started: float) -> None:
        if self.plan.pace_s > 0:
            await asyncio.sleep(max(0.0, cycle_started + self.plan.pace_s - time.monotonic()))


async def annotate(worker: Worker, schedule: ErrorSchedule) -> None:
    """next → submit (or skip) until the label queue stays empty, the deadline or the cap."""
    idle_since: float | None = None
    if worker.plan.pace_s > 0:  # clients start spread over one period, not all at once
        await asyncio.sleep(worker.rng.uniform(0, worker.plan.pace_s))
    for _ in range(worker.plan.max_iterations):
        if worker.out_of_time():
            return
        cycle_started = time.monotonic()
        body = await worker.next_task("label")
        if body is None or body["task"] is None:
            idle_since = await worker.wait_idle(idle_since)
            if idle_since is None:
                return
            continue
        idle_since = None
        task = body["task"]
        if worker.rng.random() < worker.plan.skip_rate:
            sent = time.perf_counter()
            skipped = await worker.call("skip", f"/tasks/{task['id']}/skip", {200, 204})
            if skipped is not None and skipped.status_code in (200, 204):
                worker.log.skips.append(Release(worker.member.user_id, task["id"], sent))
        else:
            await worker.submit("submit", task["id"], answer(worker, schedule, task), "label")
        await worker.pace(cycle_started)


def answer(worker: Worker, schedule: ErrorSchedule, task: dict[str, Any]) -> list[Any]:
    key = key_of(task["data"])
    truth = truth_of(key)
    if schedule.is_error(gold=is_gold(key)):
        return regions_for(worker.rng.choice([c for c in CLASSES if c != truth]))
    return regions_for(truth)


async def review(worker: Worker, labelling_done: asyncio.Event) -> None:
    """Judge every answer handed with a review task: accept the true class, reject others."""
    idle_since: float | None = None
    for _ in range(worker.plan.max_iterations):
        if worker.out_of_time():
            return
        body = await worker.next_task("review")
        if body is None or body["task"] is None:
            idle_since = await worker.wait_idle(idle_since if labelling_done.is_set() else None)
            if idle_since is None:
                return
            continue
        idle_since = None
        truth = truth_of(key_of(body["task"]["data"]))
        for judged in body["answers"]:
            await judge(worker, body["task"]["id"], judged, truth)


async def judge(worker: Worker, task_id: int, judged: dict[str, Any], truth: str) -> None:
    if class_of(judged["regions"]) == truth:
        verdict: dict[str, Any] = {"verdict": "accept"}
    else:
        verdict = {"verdict": "reject", "error_categories": [ERROR_CATEGORY],
                   "comment": f"this is a {truth}"}
    sent = time.perf_counter()
    response = await worker.call(f"review_{verdict['verdict']}",
                                 f"/annotations/{judged['id']}/reviews", {201}, json=verdict)
    if verdict["verdict"] == "reject" and response is not None and response.status_code == 201:
        worker.log.rejections.append(Release(int(judged["author_id"]), task_id, sent))


async def adjudicate(worker: Worker, labelling_done: asyncio.Event) -> None:
    """The manager settles every task whose answers disagree by submitting the true class."""
    idle_since: float | None = None
    for _ in range(worker.plan.max_iterations):
        if worker.out_of_time():
            return
        body = await worker.next_task("adjudicate")
        if body is None or body["task"] is None:
            idle_since = await worker.wait_idle(idle_since if labelling_done.is_set() else None)
            if idle_since is None:
                return
            continue
        idle_since = None
        task = body["task"]
        await worker.submit("adjudicate_submit", task["id"],
                            regions_for(truth_of(key_of(task["data"]))), "adjudicate")


async def run_crowd(base_url: str, crowd: Crowd, plan: Plan) -> Log:
    """Every annotator (and, with `plan.with_staff`, reviewers and the manager) at once.

    Each member has their own client with one connection, as each person has their own
    browser: a shared pool would leave some connections idle past the server's keep-alive
    timeout and lose requests to the close race, an artefact of the harness, not the server.
    """
    log = Log()
    schedules = {rate: ErrorSchedule(rate) for rate in {m.error_rate for m in crowd.annotators}}
    labelling_done = asyncio.Event()
    started = time.perf_counter()
    async with contextlib.AsyncExitStack() as stack:
        async def worker(member: Member, index: int) -> Worker:
            client = await stack.enter_async_context(
                Connection(base_url, plan.request_timeout_s))
            return Worker(client, log, crowd, member, plan, index, started)
        crew = []
        if plan.with_staff:
            crew = [asyncio.create_task(review(await worker(m, 1000 + i), labelling_done))
                    for i, m in enumerate(crowd.reviewers)]
            crew.append(asyncio.create_task(adjudicate(await worker(crowd.manager, 2000),
                                                       labelling_done)))
        await asyncio.gather(*[annotate(await worker(m, i), schedules[m.error_rate])
                               for i, m in enumerate(crowd.annotators)])
        labelling_done.set()
        await asyncio.gather(*crew)
    log.elapsed_s = time.perf_counter() - started
    return log
