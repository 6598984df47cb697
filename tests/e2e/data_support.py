"""Set-up for the import & export browser tests: a manager of a label-stream project who logs
in, and a record of the browser's console errors."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import orjson
from playwright.sync_api import Page

from e2e.labeling import PASSWORD, Labeling


def add_manager(project: Labeling) -> str:
    """A new user who manages `project`; returns their email (password: PASSWORD)."""
    email = f"mgr-{secrets.token_hex(4)}@example.org"
    project.manager.create_user(email, password=PASSWORD)
    project.manager.add_member(project.project_id, email, "manager")
    return email


def log_in_as(page: Page, url: str, email: str, path: str) -> None:
    page.goto(f"{url}/login?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def console_errors(page: Page) -> list[str]:
    """Errors the page logs or throws from now on (the list fills as they happen)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path
