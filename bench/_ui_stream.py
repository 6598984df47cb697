"""The label stream opened in the bench's browser, as the text and audio cases open it: one
viewport and timeout for both, and one way to log in and to swap in the unminified build."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from playwright.sync_api import Browser, Page, Route

from e2e.labeling import log_in

VIEWPORT = {"width": 1440, "height": 900}
TIMEOUT_MS = 60_000
ANNOTATOR = "annotator@example.org"


def open_stream(browser: Browser, url: str, project_id: int,
                bundle: Callable[[Route], None] | None = None) -> Page:
    """A fresh browser context logged in as ANNOTATOR on the project's label stream;
    `bundle` serves the front end's script instead of the server (bench/_ui_profile.py's
    unminified build)."""
    who = SimpleNamespace(url=url, annotator=ANNOTATOR)
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    if bundle is not None:
        page.route("**/assets/index-*.js", bundle)
    log_in(page, who, f"/projects/{project_id}/label")  # type: ignore[arg-type]
    return page
