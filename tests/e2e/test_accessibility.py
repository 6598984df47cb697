"""Accessibility of the annotator's pages, checked by axe-core (the engine behind Lighthouse's
and Deque's audits) in the real browser: names for every control, valid roles and ARIA,
labels, contrast. The check is run through the DevTools protocol, which the page's CSP does
not govern, so the page itself stays as strict as in production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.labeling import Stage, log_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_the_login_page_has_no_serious_accessibility_violations(page: Page, live_server,
                                                                 screenshot):
    page.goto(f"{live_server.url}/login")
    expect(page.get_by_label("Email")).to_be_visible()
    assert violations(page) == []


def test_the_home_page_and_the_label_editor_have_no_serious_violations(page: Page, labeling,
                                                                       screenshot):
    project = labeling(name="Accessible scenes")
    log_in(page, project)
    expect(page.get_by_role("list", name="Your queues in Accessible scenes")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("link", name="Start labeling Accessible scenes").click()
    expect(page.locator("image.stage__image")).to_have_count(1)
    page.keyboard.press("1")
    Stage(page).drag((100, 100), (200, 200))
    expect(page.get_by_role("list", name="Regions").get_by_role("listitem")).to_have_count(1)
    assert violations(page) == []
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert violations(page) == []
