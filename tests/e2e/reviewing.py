"""Set-up for the review and adjudication browser tests: a label-stream project (see
`labeling.py`) whose workflow sends answers to review or to adjudication, annotators who
submit through the SDK, and a reviewer who logs in to the browser."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page

from accord.client import Client
from e2e.labeling import PASSWORD, Labeling, make_labeling, token_by_login


@dataclass
class Reviewing:
    """A project with submitted work waiting: `answers[i]` is what `annotators[i]` submitted
    to the first task, and `reviewer` may review and adjudicate it."""

    base: Labeling
    reviewer: str
    reviewer_client: Client
    annotators: list[tuple[str, Client]]
    answers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.base.url

    @property
    def project_id(self) -> int:
        return self.base.project_id

    @property
    def task_id(self) -> int:
        return self.answers[0]["task_id"]

    @property
    def manager(self) -> Client:
        return self.base.manager

    def close(self) -> None:
        self.base.close()
        self.reviewer_client.close()
        for _, client in self.annotators[1:]:
            client.close()


def box(region_id: str, cls: str, x: float, y: float, w: float, h: float) -> dict[str, Any]:
    return {"id": region_id, "label": "objects", "type": "bbox",
            "value": {"class": cls, "x": x, "y": y, "width": w, "height": h, "rotation": 0}}


def scene(region_id: str, cls: str) -> dict[str, Any]:
    return {"id": region_id, "label": "scene", "type": "classification", "value": {"class": cls}}


def make_reviewing(url: str, data_dir, answers: list[list[dict[str, Any]]], *,  # type: ignore[no-untyped-def]
                   name: str = "Reviewed scenes", consensus_threshold: float = 0.8,
                   review_sample: float = 1.0) -> Reviewing:
    """One task answered by `len(answers)` annotators (overlap = that many), each submitting
    the regions given; with `review_sample` 1 an accepted task goes to review, and with two
    answers that disagree under `consensus_threshold` it goes to adjudication."""
    return reviewing_of(url, make_labeling(url, data_dir, name=name, tasks=1), answers,
                        consensus_threshold=consensus_threshold, review_sample=review_sample)


def reviewing_of(url: str, base: Labeling, answers: list[list[dict[str, Any]]], *,
                 consensus_threshold: float, review_sample: float) -> Reviewing:
    """`base`'s one task (of any medium) answered as `make_reviewing` describes, and a
    reviewer who may review and adjudicate."""
    manager = base.manager
    tag = secrets.token_hex(4)
    reviewer = f"rev-{tag}@example.org"
    manager.create_user(reviewer, password=PASSWORD)
    manager.add_member(base.project_id, reviewer, "reviewer")
    annotators: list[tuple[str, Client]] = [(base.annotator, base.annotator_client)]
    for i in range(1, len(answers)):
        email = f"ann{i}-{tag}@example.org"
        manager.create_user(email, password=PASSWORD)
        manager.add_member(base.project_id, email, "annotator")
        annotators.append((email, Client(url, token=token_by_login(url, email))))
    manager.set_workflow(base.project_id, overlap=len(answers), review_sample=review_sample,
                         consensus_threshold=consensus_threshold)
    made = Reviewing(base, reviewer, Client(url, token=token_by_login(url, reviewer)),
                     annotators)
    for (_, client), regions in zip(annotators, answers, strict=True):
        offer = client.next_task(base.project_id, "label")
        assert offer["task"] is not None, offer
        made.answers.append(client.submit_annotation(base.project_id, offer["task"]["id"],
                                                     regions, lead_time_s=5.0))
    return made


def log_in_as(page: Page, url: str, email: str, path: str = "/") -> None:
    page.goto(f"{url}/login?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
