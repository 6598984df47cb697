"""Builders for the workflow API tests (test_workflow_*.py): a fresh project with the policy
under test, a crew of members with their own tokens, and short calls to the queue.

The world's own project (tests/builders.py) is left to the QA tests, as its tasks already
carry answers and an overlap of 50.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from accord.api.deps import db_session
from accord.core.records import Role, Tier
from accord.services import projects, users
from builders import SCHEMA, SECRET, World, caller_of, make_user

Client = Callable[[str], TestClient]


def fresh_requests(app: Any, session: Session) -> Any:
    """Give every request of `app` an empty identity map, as a request's own session has in
    production; otherwise ORM objects loaded by one request (say, a task whose slot count a
    bulk UPDATE then raised) would be served stale to the next. Each module overrides the
    `app` fixture with it."""
    def per_request() -> Iterator[Session]:
        session.expunge_all()
        try:
            yield session
        except Exception:
            session.rollback()
            raise

    app.dependency_overrides[db_session] = per_request
    return app


def scene(cls: str = "day", region_id: str = "s") -> dict[str, Any]:
    """A whole-image classification: two answers agree exactly when their classes do."""
    return {"id": region_id, "label": "scene", "type": "classification",
            "value": {"class": cls}}


def add_members(session: Session, world: World, project_id: int, names: Sequence[str],
                role: str = "annotator", tier: str = "junior") -> None:
    """Users `names` (new ones get a token under their name) become members of the
    project; `as_(name)` then calls as them."""
    manager = caller_of(world.users["manager"])
    for name in names:
        if name not in world.users:
            world.users[name] = make_user(session, f"{name}@example.org", password=None)
            world.tokens[name] = users.create_token(session, None, world.users[name]["id"],
                                                    SECRET)["token"]
        projects.add_member(session, manager, project_id, f"{name}@example.org", Role(role),
                            Tier(tier))


def make_project(session: Session, world: World, as_: Client, policy: dict[str, Any],
                 tasks: Sequence[dict[str, Any]], annotators: Sequence[str] = ("annotator",),
                 reviewers: Sequence[str] = ("reviewer",)) -> tuple[int, list[int]]:
    """A new project of the world's manager with `policy` set before `tasks` are created
    (so they take its overlap and order); returns its id and the task ids in import order."""
    manager = caller_of(world.users["manager"])
    project_id = projects.create_project(session, manager, "Workflow", schema=SCHEMA)["id"]
    add_members(session, world, project_id, annotators)
    add_members(session, world, project_id, reviewers, role="reviewer")
    if policy:
        changed = as_("manager").patch(f"/api/projects/{project_id}/workflow", json=policy)
        assert changed.status_code == 200, changed.text
    created = as_("manager").post(f"/api/projects/{project_id}/tasks",
                                  json={"tasks": list(tasks)})
    assert created.status_code == 201, created.text
    listed = as_("manager").get(f"/api/projects/{project_id}/tasks?limit=500").json()
    return project_id, [t["id"] for t in listed["items"]]


def images(n: int, prefix: str = "img", **fields: Any) -> list[dict[str, Any]]:
    """`n` task records, distinct for each `prefix` (`fields`, e.g. batch or priority, are
    added to each)."""
    return [{"data": {"image": f"{prefix}-{i}.png"}, **fields} for i in range(n)]


def golds(n: int, cls: str = "night") -> list[dict[str, Any]]:
    """`n` gold task records whose hidden answer is the scene class `cls`."""
    return [{"data": {"image": f"honeypot-{i}.png"}, "gold": [scene(cls)]} for i in range(n)]


def take(client: TestClient, project_id: int, stage: str = "label") -> dict[str, Any]:
    """`POST …/queues/{stage}/next`, which must answer 200; its body."""
    response = client.post(f"/api/projects/{project_id}/queues/{stage}/next")
    assert response.status_code == 200, response.text
    return response.json()


def taken_id(client: TestClient, project_id: int, stage: str = "label") -> int | None:
    """The id of the task the caller is handed next, or None when there is none."""
    task = take(client, project_id, stage)["task"]
    return None if task is None else task["id"]


def queue_order(client: TestClient, project_id: int, stage: str = "label") -> list[int]:
    """The caller's queue, in the order it hands tasks out: take each and skip it."""
    order: list[int] = []
    while (task_id := taken_id(client, project_id, stage)) is not None:
        assert task_id not in order, f"task {task_id} was offered again after a skip"
        order.append(task_id)
        skipped = client.post(f"/api/projects/{project_id}/tasks/{task_id}/skip")
        assert skipped.status_code == 204, skipped.text
    return order


def submit(client: TestClient, project_id: int, task_id: int,
           regions: list[dict[str, Any]]) -> Any:
    return client.post(f"/api/projects/{project_id}/tasks/{task_id}/annotations",
                       json={"regions": regions})


def answer(client: TestClient, project_id: int, regions: list[dict[str, Any]]) -> int:
    """Take the next label task and submit `regions` on it (201); the task's id."""
    task_id = taken_id(client, project_id)
    assert task_id is not None, "the queue had no task to answer"
    submitted = submit(client, project_id, task_id, regions)
    assert submitted.status_code == 201, submitted.text
    return task_id


def task_of(as_: Client, project_id: int, task_id: int) -> dict[str, Any]:
    """The task as a manager sees it, with its workflow state."""
    response = as_("manager").get(f"/api/projects/{project_id}/tasks/{task_id}")
    assert response.status_code == 200, response.text
    return response.json()


def audit_actions(as_: Client, project_id: int) -> list[tuple[str, int | None]]:
    """(action, object id) of every audit entry of the project, oldest first."""
    entries = as_("manager").get(f"/api/projects/{project_id}/audit?limit=500").json()
    return [(e["action"], e["object_id"]) for e in entries["items"]]
