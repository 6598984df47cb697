"""Set-up for the settings browser tests: a label-stream project (e2e.labeling) with its own
manager, a member with the project role `manager` (not a site admin) who logs in through the
browser, and the helpers that read the settings pages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from e2e.labeling import PASSWORD, Labeling


@dataclass
class Managing:
    project: Labeling
    manager_email: str

    @property
    def id(self) -> int:
        return self.project.project_id

    def settings_url(self, section: str) -> str:
        return f"/projects/{self.id}/settings/{section}"


def add_manager(project: Labeling) -> Managing:
    """Give the project a manager of its own, by project role only."""
    email = f"lead-{secrets.token_hex(4)}@example.org"
    project.manager.create_user(email, password=PASSWORD)
    project.manager.add_member(project.project_id, email, "manager")
    return Managing(project, email)


def log_in_as(page: Page, url: str, email: str, path: str) -> None:
    page.goto(f"{url}/login?next={path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_settings(page: Page, managing: Managing, section: str) -> None:
    log_in_as(page, managing.project.url, managing.manager_email, managing.settings_url(section))
    expect(page.get_by_role("navigation", name="Settings sections")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Email")).to_be_visible()


def schema_editor(page: Page) -> Locator:
    return page.get_by_label("Schema (JSON)")


def preview(page: Page) -> Locator:
    return page.locator(".schema-preview")


def wait_until_valid(page: Page) -> None:
    expect(page.get_by_text("The schema is valid.")).to_be_visible(timeout=10_000)
