"""Set-up for the QA dashboard's browser tests: a project with overlap, gold tasks, reviews
and a model's pre-labels, built through the SDK. Three annotators with known error rates
answer every task (as the demo's simulated crowd does, services/demo.py): each drawn mistake
flips the scene class, mislabels a box or drops one, from one seeded generator, so the
figures are the same on every run."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from accord.client import Client
from e2e.labeling import PASSWORD, admin_token, token_by_login, write_image
from xss import PAYLOADS

#: A class name that would run script if the dashboard rendered it as markup.
PERSON = PAYLOADS[1]

SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [
        {"name": "scene", "type": "classification", "source": "image",
         "classes": [{"name": "day"}, {"name": "night"}]},
        {"name": "objects", "type": "bbox", "source": "image",
         "classes": [{"name": "car"}, {"name": PERSON}]},
    ],
}
#: Each annotator's chance of a mistake per answer part, and seconds per task.
CROWD = (("careful", 0.05, 30.0), ("hasty", 0.35, 9.0), ("steady", 0.15, 18.0))
TASKS, GOLD_EVERY = 16, 4
GUIDELINES = "# Streets\n\nDraw a box around every car and person; classify the scene.\n"


@dataclass
class QaProject:
    url: str
    data_dir: Path
    project_id: int
    manager_email: str
    reviewer_email: str
    annotators: dict[str, int]  # email -> user id
    clients: list[Client] = field(default_factory=list)

    def flag(self, note: str) -> dict[str, Any]:
        """The first annotator flags the last task with this note."""
        task_id = max(t["id"] for t in self.clients[0].list_tasks(self.project_id))
        return self.clients[1].flag_task(self.project_id, task_id, note)

    def close(self) -> None:
        for client in self.clients:
            client.close()


def rounded(value: float | None, digits: int = 3) -> str:
    """A figure as the dashboard shows it (docs/dashboard.md): 3 decimals (seconds: 1), half
    away from zero, of the exact value; "—" when undefined."""
    if value is None:
        return "—"
    text = str(Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _truth(i: int) -> tuple[str, list[tuple[str, float]]]:
    scene = "night" if i % 3 == 0 else "day"
    boxes = [("car" if k % 2 == 0 else PERSON, 40.0 + 150 * k) for k in range(1 + i % 3)]
    return scene, boxes


def _regions(scene: str, boxes: list[tuple[str, float]], tag: str) -> list[dict[str, Any]]:
    regions: list[dict[str, Any]] = [{"id": f"{tag}-s", "label": "scene", "type": "classification",
                                      "value": {"class": scene}}]
    regions += [{"id": f"{tag}-b{k}", "label": "objects", "type": "bbox",
                 "value": {"class": cls, "x": x, "y": 100, "width": 100, "height": 80}}
                for k, (cls, x) in enumerate(boxes)]
    return regions


def _answer(i: int, error_rate: float, rng: random.Random, tag: str) -> tuple[list[dict[str, Any]], bool]:
    """An annotator's answer to task i, and whether it holds a mistake."""
    scene, boxes = _truth(i)
    wrong = False
    if rng.random() < error_rate:
        scene, wrong = ("day" if scene == "night" else "night"), True
    if rng.random() < error_rate:
        cls, x = boxes[0]
        boxes[0], wrong = (PERSON if cls == "car" else "car", x), True
    if len(boxes) > 1 and rng.random() < error_rate:
        boxes, wrong = boxes[:-1], True
    return _regions(scene, boxes, tag), wrong


def make_qa_project(url: str, data_dir: Path, name: str = "Street QA") -> QaProject:
    tag = secrets.token_hex(4)
    admin = Client(url, token=admin_token(url, data_dir))
    manager_email, reviewer_email = f"lead-{tag}@example.org", f"rev-{tag}@example.org"
    for email in (manager_email, reviewer_email):
        admin.create_user(email, password=PASSWORD)
    project = admin.create_project(name)
    pid = project["id"]
    admin.publish_schema(pid, SCHEMA)
    admin.publish_guidelines(pid, GUIDELINES)
    admin.add_member(pid, manager_email, "manager")
    admin.add_member(pid, reviewer_email, "reviewer")
    admin.set_workflow(pid, overlap=len(CROWD))
    records = []
    for i in range(TASKS):
        key = f"qa-{tag}/{i}.png"
        write_image(data_dir / "media" / key, i)
        record: dict[str, Any] = {"data": {"image": key}}
        if i % GOLD_EVERY == 0:
            record["gold"] = _regions(*_truth(i), f"gold{i}")
        records.append(record)
    admin.create_tasks(pid, records)
    task_ids = sorted(t["id"] for t in admin.list_tasks(pid))
    # a model's pre-labels (the true answer) on half the tasks, for pre-label acceptance
    admin.create_predictions(pid, [
        {"task_id": task_id, "regions": _regions(*_truth(i), f"model{i}"), "score": 0.9,
         "model_version": "m1"} for i, task_id in enumerate(task_ids) if i % 2 == 1])

    annotators: dict[str, int] = {}
    clients = [admin]
    rng = random.Random(7)
    mistakes: list[tuple[Client, int]] = []  # (author, annotation id) with a mistake
    for persona, error_rate, seconds in CROWD:
        email = f"{persona}-{tag}@example.org"
        annotators[email] = admin.create_user(email, password=PASSWORD)["id"]
        admin.add_member(pid, email, "annotator")
        client = Client(url, token=token_by_login(url, email))
        clients.append(client)
        for i, task_id in enumerate(task_ids):
            regions, wrong = _answer(i, error_rate, rng, f"{persona}{i}")
            made = client.submit_annotation(pid, task_id, regions,
                                            lead_time_s=seconds + rng.random() * seconds)
            if wrong:
                mistakes.append((client, made["id"]))
    reviewer = Client(url, token=token_by_login(url, reviewer_email))
    clients.append(reviewer)
    for _, annotation_id in mistakes[:4]:
        reviewer.review(pid, annotation_id, "reject", error_categories=["wrong_class"],
                        comment="the first box has the wrong class")
    return QaProject(url, data_dir, pid, manager_email, reviewer_email, annotators, clients)


@dataclass
class DriftProject:
    url: str
    project_id: int
    manager_email: str
    annotator: str
    annotator_id: int
    clients: list[Client]

    def close(self) -> None:
        for client in self.clients:
            client.close()


def make_drift_project(url: str, data_dir: Path, *, right: int, wrong: int) -> DriftProject:
    """One annotator answers `right + wrong` gold tasks in order: the first `right` as the
    gold says, the rest with the other class — a planted shift in gold accuracy."""
    tag = secrets.token_hex(4)
    admin = Client(url, token=admin_token(url, data_dir))
    manager_email, annotator = f"lead-{tag}@example.org", f"drifter-{tag}@example.org"
    admin.create_user(manager_email, password=PASSWORD)
    annotator_id = admin.create_user(annotator, password=PASSWORD)["id"]
    pid = admin.create_project("Drifting scenes")["id"]
    admin.publish_schema(pid, {"data": [{"name": "image", "type": "image"}], "labels": [
        {"name": "scene", "type": "classification", "source": "image",
         "classes": [{"name": "day"}, {"name": "night"}]}]})
    admin.add_member(pid, manager_email, "manager")
    admin.add_member(pid, annotator, "annotator")

    def scene(cls: str, rid: str) -> list[dict[str, Any]]:
        return [{"id": rid, "label": "scene", "type": "classification", "value": {"class": cls}}]

    admin.create_tasks(pid, [{"data": {"image": f"drift-{tag}/{i}.png"}, "gold": scene("day", "g")}
                             for i in range(right + wrong)])
    client = Client(url, token=token_by_login(url, annotator))
    for i, task in enumerate(sorted(admin.list_tasks(pid), key=lambda t: t["id"])):
        client.submit_annotation(pid, task["id"], scene("day" if i < right else "night", "a"))
    return DriftProject(url, pid, manager_email, annotator, annotator_id, [admin, client])
