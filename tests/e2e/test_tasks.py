"""The task browser and a task's page, against a real server: the rows are exactly what the
API lists for the same filters (so dashboard links land on the right tasks), and a
manager's controls change the task and show in its history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.browsing import Browsing, make_browsing
from e2e.labeling import PASSWORD
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e


def log_in_as_manager(page: Page, browsing: Browsing, path: str) -> None:
    page.goto(f"{browsing.labeling.url}/login?next={path}")
    page.get_by_label("Email").fill(browsing.manager_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def shown_ids(page: Page) -> list[int]:
    """The task ids the list shows once it has loaded (the page may still be starting)."""
    expect(page.locator('section.task-browser__results[aria-busy="false"]')).to_be_visible()
    table = page.get_by_role("table", name="Tasks matching the filters")
    links = table.get_by_role("rowheader").all_text_contents()
    return [int(re.sub(r"\D", "", text)) for text in links]


@pytest.fixture
def browsing(labeling) -> Browsing:
    return make_browsing(labeling)


def test_filters_from_the_form_and_from_links_show_what_the_api_lists(page: Page, browsing,
                                                                       screenshot):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = f"/projects/{browsing.project_id}/tasks"
    log_in_as_manager(page, browsing, base)
    expect(page.get_by_role("heading", name="All tasks")).to_be_visible()
    assert shown_ids(page) == browsing.api_ids() == browsing.labeling.task_ids

    form = page.get_by_role("form", name="Filter tasks")
    form.get_by_label("Batch").fill("late")
    form.get_by_label("Sort by").select_option("-id")
    form.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"batch=late&sort=-id$"))
    assert shown_ids(page) == browsing.api_ids(batch="late", sort="-id") == \
        browsing.labeling.task_ids[3:][::-1]

    first, second = browsing.annotators.values()
    links = {
        f"annotator={first}&sort=-agreement": {"annotator": first, "sort": "-agreement"},
        "state=adjudicate": {"state": "adjudicate"},
        "gold=true": {"gold": "true"},
        "flagged=true": {"flagged": "true"},
        "label=objects&class=person": {"label": "objects", "class": "person"},
        "agreement_min=0.9": {"agreement_min": "0.9"},
    }
    for search, filters in links.items():
        page.goto(f"{browsing.labeling.url}{base}?{search}")
        expected = browsing.api_ids(**filters)
        assert expected, f"the set-up leaves no task for {search}"
        assert shown_ids(page) == expected, search
    # the annotator's filter names them by email
    page.goto(f"{browsing.labeling.url}{base}?annotator={second}")
    expect(page.get_by_role("heading", name=re.compile("annotator: ann2-"))).to_be_visible()
    page.goto(f"{browsing.labeling.url}{base}?state=finished&colour=red")
    expect(page.get_by_role("alert")).to_contain_text("state")
    expect(page.get_by_role("alert")).to_contain_text("colour")
    assert violations(page) == []
    assert errors == []


def test_a_manager_controls_a_task_and_sees_it_in_its_history(page: Page, browsing, screenshot):
    pid = browsing.project_id
    task_id = browsing.labeling.task_ids[0]
    log_in_as_manager(page, browsing, f"/projects/{pid}/tasks")
    page.get_by_role("link", name=f"Task {task_id}", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(f"^Task {task_id}"))).to_be_visible()
    annotations = page.get_by_role("region", name="Annotations").get_by_role("row")
    expect(annotations).to_have_count(3)  # a header and the two answers
    expect(page.get_by_role("region", name="Annotations")).to_contain_text(browsing.labeling.annotator)

    page.get_by_role("button", name="Freeze").click()
    expect(page.get_by_role("button", name="Unfreeze")).to_be_visible()
    expect(page.get_by_label("Task facts")).to_contain_text("(frozen)")
    assert browsing.labeling.manager.get_task(pid, task_id)["frozen"] is True
    expect(page.get_by_role("region", name="History")).to_contain_text("freeze")
    page.get_by_role("button", name="Unfreeze").click()
    expect(page.get_by_role("button", name="Freeze")).to_be_visible()

    assign = page.get_by_role("form", name="Assign the task")
    assign.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("alert")).to_have_text("Choose whom to assign the task to.")
    assert violations(page) == []
