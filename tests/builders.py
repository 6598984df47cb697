"""Builders for test data, made through the services so they obey the same rules as users."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from accord.core.credentials import hash_password
from accord.core.records import Role
from accord.db.tables import User
from accord.services import projects, tasks, users
from accord.services.caller import Caller

SECRET = "test-secret-" + "x" * 40

SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [
        {"name": "objects", "type": "bbox", "source": "image",
         "classes": [{"name": "car", "hotkey": "1"}, {"name": "person", "hotkey": "2"}],
         "attributes": [{"name": "occluded", "type": "bool"}]},
        {"name": "scene", "type": "classification", "source": "image",
         "classes": [{"name": "day"}, {"name": "night"}]},
    ],
}


def box(region_id: str = "r1", cls: str = "car", x: float = 10, y: float = 10,
        w: float = 20, h: float = 20) -> dict[str, Any]:
    return {"id": region_id, "label": "objects", "type": "bbox",
            "value": {"class": cls, "x": x, "y": y, "width": w, "height": h}}


def caller_of(user: dict[str, Any]) -> Caller:
    return Caller(user_id=user["id"], email=user["email"], is_admin=user["is_admin"])


def make_user(session: Session, email: str, *, is_admin: bool = False,
              password: str | None = "correct-horse") -> dict[str, Any]:
    """A user made by users.create_user, whose password hash is the one `password_hash`
    made for that password: scrypt is slow by design (nine tenths of a World's making), and
    one hash verifies the password for every user who has it."""
    view = users.create_user(session, None, email, is_admin=is_admin)
    if password is not None:
        session.get_one(User, view["id"]).password_hash = password_hash(password)
        session.commit()
    return view


@functools.cache
def password_hash(password: str) -> str:
    users.check_password_strength(password)
    return hash_password(password)


@dataclass
class World:
    """One project with a member of each role, an outsider and an admin, each with a token."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    project_id: int = 0
    other_project_id: int = 0
    task_ids: list[int] = field(default_factory=list)
    gold_task_id: int = 0
    annotation_id: int = 0
    flag_id: int = 0
    spare_tokens: dict[str, int] = field(default_factory=dict)
    comments: dict[str, int] = field(default_factory=dict)
    prediction_id: int = 0


def allow_overlap(session: Session, project_id: int, overlap: int = 50) -> None:
    """Let that many annotators answer each task without routing it: for tests that plant
    several answers per task directly."""
    from accord.services import workflow
    admin = Caller(user_id=0, email="admin", is_admin=True)
    workflow.update_workflow(session, admin, project_id, {"overlap": overlap})


def make_world(session: Session) -> World:
    world = World()
    for name in ("admin", "manager", "reviewer", "annotator", "outsider"):
        world.users[name] = make_user(session, f"{name}@example.org", is_admin=name == "admin")
        world.tokens[name] = users.create_token(session, None, world.users[name]["id"],
                                                SECRET)["token"]
    manager = caller_of(world.users["manager"])
    world.project_id = projects.create_project(session, manager, "Streets", schema=SCHEMA)["id"]
    for role in ("reviewer", "annotator"):
        projects.add_member(session, manager, world.project_id, f"{role}@example.org",
                            Role(role))
    allow_overlap(session, world.project_id)  # the QA tests plant many answers per task
    outsider = caller_of(world.users["outsider"])
    world.other_project_id = projects.create_project(session, outsider, "Elsewhere",
                                                     schema=SCHEMA)["id"]
    tasks.import_records(session, manager, world.project_id, [
        ("t0", {"data": {"image": "a.png"}}),
        ("t1", {"data": {"image": "b.png"}}),
        ("t2", {"data": {"image": "gold.png"}, "gold": [box("g1", "person")]}),
    ])
    items, _ = tasks.list_tasks(session, manager.in_project(Role.MANAGER), world.project_id,
                                {}, None, 10)
    world.task_ids = [t["id"] for t in items]
    world.gold_task_id = world.task_ids[2]
    from accord.services import annotations
    annotator = caller_of(world.users["annotator"]).in_project(Role.ANNOTATOR)
    view, _ = annotations.submit(session, annotator, world.project_id, world.task_ids[0],
                                 [box()])
    world.annotation_id = view["id"]
    return world


def media_tasks(session: Session, world: World, media: Path, files: dict[str, bytes]
                ) -> dict[str, int]:
    """Write `files` ({key: bytes}) under the data dir's `media` folder and import a task
    per file (its key as the image field); returns {key: task id}."""
    for key, content in files.items():
        (media / key).parent.mkdir(parents=True, exist_ok=True)
        (media / key).write_bytes(content)
    manager = caller_of(world.users["manager"])
    tasks.import_records(session, manager, world.project_id,
                         [(k, {"data": {"image": k}}) for k in files])
    items, _ = tasks.list_tasks(session, manager.in_project("manager"), world.project_id,
                                {}, None, 100)
    return {t["data"]["image"]: t["id"] for t in items if t["data"]["image"] in files}
