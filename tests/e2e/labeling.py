"""Set-up for the label-stream browser tests: a project with an image schema, its users and
tasks (real PNG files under the server's media root), and the drawing helpers that turn
image pixels into screen points through the stage's own zoom/pan transform."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from accord.client import Client

PASSWORD = "correct-horse-battery"
IMAGE_SIZE = (640, 480)

SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [
        {"name": "objects", "type": "bbox", "source": "image",
         "classes": [{"name": "car", "hotkey": "1", "color": "#e6194b"},
                     {"name": "person", "hotkey": "2", "color": "#3cb44b"}],
         "attributes": [{"name": "occluded", "type": "bool", "default": False}],
         "rules": {"min_width": 4, "min_height": 4, "inside_image": True}},
        {"name": "areas", "type": "polygon", "source": "image",
         "classes": [{"name": "road", "hotkey": "3", "color": "#4363d8"}]},
        {"name": "scene", "type": "classification", "source": "image",
         "classes": [{"name": "day", "hotkey": "d"}, {"name": "night", "hotkey": "n"}]},
    ],
}


@dataclass
class Labeling:
    """One test's project: a manager's SDK client and an annotator who logs in."""

    url: str
    data_dir: Path
    project_id: int
    task_ids: list[int]
    manager: Client
    annotator: str
    annotator_client: Client

    def annotations(self, task_id: int) -> list[dict[str, Any]]:
        return list(self.manager.list_annotations(self.project_id, task_id))

    def draft(self, task_id: int) -> dict[str, Any]:
        return self.annotator_client.get_draft(self.project_id, task_id)

    def has_draft(self, task_id: int) -> bool:
        response = self.annotator_client._http.get(
            f"/api/projects/{self.project_id}/tasks/{task_id}/draft")
        assert response.status_code in (200, 404), response.text
        return response.status_code == 200

    def close(self) -> None:
        self.manager.close()
        self.annotator_client.close()


def _accord(data_dir: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "accord", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, check=True).stdout.strip()


_ADMIN_TOKENS: dict[str, str] = {}


def admin_token(url: str, data_dir: Path) -> str:
    """One admin per server, made through the CLI (the only way to the first admin); the
    rest of the set-up goes through the API, which costs no process start per test."""
    if url not in _ADMIN_TOKENS:
        email = f"root-{secrets.token_hex(4)}@example.org"
        _accord(data_dir, "user", "add", email, "--role", "admin", "--password", PASSWORD)
        _ADMIN_TOKENS[url] = _accord(data_dir, "token", "create", email).split()[-1]
    return _ADMIN_TOKENS[url]


def token_by_login(url: str, email: str) -> str:
    with httpx.Client(base_url=url) as http:
        login = http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        made = http.post("/api/auth/tokens", json={"name": "e2e"},
                         headers={"X-CSRF-Token": login.json()["csrf_token"], "Origin": url})
        made.raise_for_status()
        return made.json()["token"]


def write_image(path: Path, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", IMAGE_SIZE, (40 + seed * 20 % 200, 90, 120))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 120, 260, 300), fill=(220, 200, 60))
    draw.ellipse((380, 60, 560, 220), fill=(200, 60, 60))
    image.save(path)


def make_labeling(url: str, data_dir: Path, *, schema: dict[str, Any] | None = None,
                  name: str = "Street scenes", tasks: int = 3,
                  task_data: dict[str, Any] | None = None) -> Labeling:
    """A fresh project with its own annotator, so tests sharing a server never meet."""
    tag = secrets.token_hex(4)
    annotator = f"ann-{tag}@example.org"
    manager = Client(url, token=admin_token(url, data_dir))
    manager.create_user(annotator, password=PASSWORD)
    project = manager.create_project(name)
    manager.publish_schema(project["id"], schema or SCHEMA)
    manager.add_member(project["id"], annotator, "annotator")
    records = []
    for i in range(tasks):
        key = f"e2e-{tag}/{i}.png"
        write_image(data_dir / "media" / key, i)
        records.append({"data": {"image": key, **(task_data or {})}, "priority": tasks - i})
    manager.create_tasks(project["id"], records)
    ids = sorted(t["id"] for t in manager.list_tasks(project["id"]))
    return Labeling(url, data_dir, project["id"], ids, manager, annotator,
                    Client(url, token=token_by_login(url, annotator)))


def log_in(page: Page, labeling: Labeling, path: str = "/") -> None:
    page.goto(f"{labeling.url}/login?next={path}")
    page.get_by_label("Email").fill(labeling.annotator)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_label_stream(page: Page, labeling: Labeling) -> None:
    log_in(page, labeling, f"/projects/{labeling.project_id}/label")
    expect(page.get_by_role("application", name="Image canvas")).to_be_visible()
    expect(page.locator("image.stage__image")).to_have_count(1)


def shown_task_id(page: Page) -> int:
    """The task the editor shows, as its breadcrumbs name it."""
    crumb = page.get_by_role("navigation", name="Breadcrumbs").locator(".breadcrumbs__task")
    expect(crumb).to_have_text(re.compile(r"^Task \d+$"))
    return int((crumb.text_content() or "").split()[-1])


def wait_for_task_other_than(page: Page, *task_ids: int) -> int:
    crumb = page.get_by_role("navigation", name="Breadcrumbs").locator(".breadcrumbs__task")
    pattern = "|".join(str(t) for t in task_ids)
    expect(crumb).not_to_have_text(re.compile(rf"^Task ({pattern})$"))
    expect(page.locator("image.stage__image")).to_have_count(1)
    return shown_task_id(page)


class Stage:
    """Image pixels → page coordinates, read from the stage's SVG transform."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def transform(self) -> tuple[float, float, float, float, float]:
        """The canvas's page position and its viewport (screen = image × scale + offset),
        which the stage exposes as data attributes."""
        canvas = self.page.get_by_role("application", name="Image canvas")
        box = canvas.bounding_box()
        assert box is not None
        scale, x, y = (float(canvas.get_attribute(f"data-{k}") or "nan") for k in "scale x y".split())
        return box["x"], box["y"], scale, x, y

    def screen(self, x: float, y: float) -> tuple[float, float]:
        """Whole page pixels, as a mouse sends them."""
        left, top, scale, dx, dy = self.transform()
        return round(left + x * scale + dx), round(top + y * scale + dy)

    def image(self, sx: float, sy: float) -> tuple[float, float]:
        """What the editor stores for a pointer at (sx, sy): 1/100 px."""
        left, top, scale, dx, dy = self.transform()
        return round((sx - left - dx) / scale, 2), round((sy - top - dy) / scale, 2)

    def drag(self, a: tuple[float, float], b: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]]:
        """Drag between image points; returns the image points the editor saw."""
        sa, sb = self.screen(*a), self.screen(*b)
        mouse = self.page.mouse
        mouse.move(*sa)
        mouse.down()
        mouse.move((sa[0] + sb[0]) / 2, (sa[1] + sb[1]) / 2, steps=3)
        mouse.move(*sb, steps=3)
        mouse.up()
        return self.image(*sa), self.image(*sb)

    def click(self, point: tuple[float, float]) -> tuple[float, float]:
        s = self.screen(*point)
        self.page.mouse.click(*s)
        return self.image(*s)


def box_value(a: tuple[float, float], b: tuple[float, float]) -> dict[str, float]:
    return {"x": min(a[0], b[0]), "y": min(a[1], b[1]), "width": round(abs(b[0] - a[0]), 2),
            "height": round(abs(b[1] - a[1]), 2)}
