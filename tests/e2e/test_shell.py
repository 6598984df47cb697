"""The browser shell against a real server: it loads under the CSP with no console errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_the_login_page_loads_without_console_errors_under_the_csp(page: Page, live_server,
                                                                    screenshot):
    errors = watch_errors(page)
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    expect(page).to_have_url(re.compile(r"/login(\?next=%2F)?$"))
    expect(page.get_by_label("Email")).to_be_visible()
    assert errors == []


def test_a_user_logs_in_and_sees_their_projects_rendered_inert(page: Page, live_server,
                                                               screenshot):
    live_server.accord("user", "add", "lead@example.org", "--role", "admin", "--password",
                       "correct-horse")
    live_server.accord("project", "create", '<img src=x onerror="window.__pwned=1">Birds',
                       "--as", "lead@example.org")
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Password").fill("correct-horse")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text('<img src=x onerror="window.__pwned=1">Birds')).to_be_visible()
    assert page.evaluate("window.__pwned") is None
    assert errors == []
