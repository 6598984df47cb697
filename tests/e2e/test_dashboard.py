"""The QA dashboard in the browser: it shows exactly the figures `accord qa report --json`
prints, every chart opens the tasks behind it, a manager resolves a flag, under the CSP with
no console errors and no serious accessibility violations."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Page, expect

from e2e.labeling import PASSWORD
from e2e.qa_project import (
    GUIDELINES,
    PERSON,
    QaProject,
    make_drift_project,
    make_qa_project,
    rounded,
)
from e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def qa(live_server) -> Iterator[QaProject]:  # type: ignore[no-untyped-def]
    project = make_qa_project(live_server.url, live_server.data_dir)
    yield project
    project.close()


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def open_dashboard(page: Page, qa: QaProject, email: str | None = None) -> None:
    page.goto(f"{qa.url}/login?next=/projects/{qa.project_id}/dashboard")
    page.get_by_label("Email").fill(email or qa.manager_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="QA dashboard · Street QA")).to_be_visible()
    expect(page.get_by_role("heading", name="Drift over time")).to_be_visible()


def query_of(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query)


def expect_tasks_link(page: Page, qa: QaProject, query: list[tuple[str, str]]) -> None:
    page.wait_for_url(re.compile(rf"/projects/{qa.project_id}/tasks\?"))
    assert query_of(page.url) == (f"/projects/{qa.project_id}/tasks", query)


def chart(page: Page, title: str):  # type: ignore[no-untyped-def]
    """A chart, scrolled to: charts are drawn when they come near the viewport."""
    figure = page.locator("figure.dash-figure").filter(
        has=page.locator("figcaption").filter(has_text=title))
    figure.scroll_into_view_if_needed()
    expect(figure.locator(".dash-chart")).to_have_attribute("data-drawn", "true")
    return figure


def pairs_of(label: dict[str, Any]) -> dict[str, Any]:
    return label.get("pairs") or label["agreement"]["pairs"]


def test_the_dashboard_shows_the_reports_figures_and_opens_the_tasks_behind_them(
        page: Page, live_server, qa: QaProject, screenshot):  # type: ignore[no-untyped-def]
    report = json.loads(live_server.accord("qa", "report", str(qa.project_id), "--json"))
    errors = watch_errors(page)
    open_dashboard(page, qa)
    counts = report["counts"]
    expect(page.get_by_test_id("report-counts")).to_have_text(
        f"{counts['tasks']} tasks ({counts['labelled_tasks']} labelled, {counts['gold_tasks']} gold), "
        f"{counts['annotations']} answers by {counts['annotators']} annotators, "
        f"{counts['reviews']} reviews.")

    # Agreement: every cell of every label's annotator matrix, and each label's headline.
    assert [a["label"] for a in report["agreement"]] == ["scene", "objects"]
    for label in report["agreement"]:
        page.get_by_label("Matrix", exact=True).select_option(label["label"])
        pairs = pairs_of(label)
        assert len(pairs["annotators"]) == 3
        for i, first in enumerate(pairs["annotators"]):
            for j, second in enumerate(pairs["annotators"]):
                cell = page.locator(f'td[data-label="{label["label"]}"][data-row="{first}"]'
                                    f'[data-column="{second}"]')
                if i == j:
                    expect(cell).to_have_text("")
                else:
                    expect(cell.get_by_role("link")).to_have_text(rounded(pairs["values"][i][j]))
        expect(page.locator(f'[data-figure="{label["label"]}"]')).to_have_text(
            rounded(label["agreement"]["value"]))
    interval = report["agreement"][0]["agreement"]["interval"]
    expect(page.locator('[data-figure="scene"] + td')).to_have_text(
        f"{rounded(interval['low'])}–{rounded(interval['high'])}")

    # Gold accuracy per annotator and label (micro F1 for boxes), and the annotators' table.
    for label in report["gold"]:
        assert set(label["per_annotator"]) == set(qa.annotators)
        for who, scores in label["per_annotator"].items():
            shown = scores["accuracy"] if scores["accuracy"] is not None else scores["micro_f1"]
            expect(page.locator(f'[data-gold="{label["label"]}|{who}"]')).to_have_text(rounded(shown))
    for row in report["annotators"]:
        expect(page.locator(f'[data-annotator-gold="{row["annotator"]}"]')).to_have_text(
            rounded(row["mean_gold_score"]))
        expect(page.locator(f'[data-annotator-agreement="{row["annotator"]}"]')).to_have_text(
            rounded(row["mean_agreement"]))

    # Throughput: submissions per day, time per task and pre-label acceptance.
    throughput = report["throughput"]
    assert sum(day["submitted"] for day in throughput["per_day"]) == 3 * 16
    for day in throughput["per_day"]:
        expect(page.locator(f'[data-day="{day["date"]}"]')).to_have_text(str(day["submitted"]))
    assert throughput["prelabel"]["predicted_regions"] > 0
    assert {a["annotator"] for a in throughput["annotators"]} == set(qa.annotators)
    for row in throughput["annotators"]:
        for key, seconds in row["time_per_task_s"].items():
            expect(page.locator(f'[data-pace="{row["annotator"]}|{key}"]')).to_have_text(
                f"{rounded(seconds, 1)} s")
        expect(page.locator(f'[data-rate="{row["annotator"]}"]')).to_have_text(
            rounded(row["prelabel"]["rate"]))

    # a class name with markup is shown as text, in the class chart and the error tables
    classes = chart(page, "Agreement per class of objects").locator("rect.dash-mark")
    expect(classes).to_have_count(2)
    assert classes.nth(1).get_attribute("data-name") == PERSON
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    expect(page.get_by_role("link", name=PERSON, exact=True).first).to_be_visible()
    assert violations(page) == []
    assert errors == []
    assert page.evaluate("window.__pwned") is None

    careful, hasty = (next(e for e in qa.annotators if e.startswith(p)) for p in ("careful", "hasty"))
    marks = [
        # a bar of gold accuracy: the annotator's gold tasks
        ("Gold accuracy on scene", f'rect.dash-mark[data-name="{careful}"]',
         [("annotator", str(qa.annotators[careful])), ("gold", "true")]),
        # a segment of an error category: the annotator's tasks reviewed with it
        ("Errors by annotator", f'rect.dash-mark[data-name="{hasty}"][data-series="wrong_class"]',
         [("annotator", str(qa.annotators[hasty])), ("error_category", "wrong_class")]),
        # a class's agreement: its tasks, least agreed first
        ("Agreement per class of objects", 'rect.dash-mark[data-name="car"]',
         [("label", "objects"), ("class", "car"), ("sort", "agreement")]),
        # an annotator's time per task: their tasks
        ("Time per task per annotator", f'rect.dash-mark[data-name="{hasty}"][data-series="p90"]',
         [("annotator", str(qa.annotators[hasty]))]),
    ]
    for title, selector, query in marks:
        chart(page, title).locator(selector).click()
        expect_tasks_link(page, qa, query)
        page.go_back()
        expect(page.get_by_role("heading", name="Drift over time")).to_be_visible()

    # a matrix cell: the row annotator's tasks by agreement
    page.get_by_label("Matrix", exact=True).select_option("scene")
    page.locator(f'td[data-label="scene"][data-row="{hasty}"][data-column="{careful}"]'
                 ).get_by_role("link").click()
    expect_tasks_link(page, qa, [("annotator", str(qa.annotators[hasty])), ("sort", "agreement")])
    page.go_back()

    # a point of the drift chart: the annotator's tasks submitted that week
    point = chart(page, "Gold score per week").locator(f'circle.dash-mark[data-name="{careful}"]')
    week = report["drift"]["gold"]["annotator"]
    assert any(series["key"] == careful for series in week)
    point.first.click()
    page.wait_for_url(re.compile(r"/tasks\?"))
    path, query = query_of(page.url)
    assert [name for name, _ in query] == ["annotator", "submitted_from", "submitted_to"]
    assert query[0] == ("annotator", str(qa.annotators[careful]))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", query[1][1])
    page.go_back()  # the screenshot shows the dashboard, every chart drawn
    expect(page.get_by_role("heading", name="Drift over time")).to_be_visible()
    for figure in page.locator("figure.dash-figure").all():
        figure.scroll_into_view_if_needed()
        expect(figure.locator(".dash-chart")).to_have_attribute("data-drawn", "true")


def test_a_reviewer_sees_the_flags_queue_and_cannot_resolve(
        page: Page, qa: QaProject, screenshot):  # type: ignore[no-untyped-def]
    note = "Reviewer view: is a van a car?"
    qa.flag(note)
    open_dashboard(page, qa, qa.reviewer_email)
    flags = page.get_by_role("list", name="Open flags")
    expect(flags.get_by_role("listitem").filter(has_text=note)).to_have_count(1)
    expect(flags.get_by_role("button")).to_have_count(0)


def test_a_manager_resolves_a_flag_and_publishes_new_guidelines(
        page: Page, qa: QaProject, screenshot):  # type: ignore[no-untyped-def]
    note = "Is a parked bicycle a person? <b>unsure</b>"
    flag = qa.flag(note)
    errors = watch_errors(page)
    open_dashboard(page, qa)
    flags = page.get_by_role("list", name="Open flags")
    item = flags.get_by_role("listitem").filter(has_text=note)
    expect(item).to_have_count(1)  # the note is shown as text, markup and all
    name = f"Resolve the flag on task {flag['task_id']}"
    item.get_by_role("button", name=name).click()
    form = page.get_by_role("form", name=name)
    form.get_by_label("Resolution note").fill("Bicycles are not persons; leave them out.")
    form.get_by_label("Publish new guidelines with it").check()
    guidelines = form.get_by_label("New guidelines (Markdown)")
    expect(guidelines).to_have_value(GUIDELINES)
    guidelines.fill(GUIDELINES + "\nA parked bicycle is not a person.\n")
    form.get_by_role("button", name="Resolve flag").click()
    expect(page.get_by_role("status").filter(has_text="resolved")).to_have_text(
        f"Flag on task {flag['task_id']} resolved; guidelines version 2 published.")
    expect(item).to_have_count(0)

    [resolved] = [f for f in qa.clients[0].list_flags(qa.project_id, status="resolved")
                  if f["id"] == flag["id"]]
    assert (resolved["resolution"], resolved["guideline_version"]) == (
        "Bicycles are not persons; leave them out.", 2)
    current = qa.clients[0].get_guidelines(qa.project_id)
    assert (current["version"], current["body"]) == (
        2, GUIDELINES + "\nA parked bicycle is not a person.\n")
    assert errors == []


def test_a_shift_in_an_annotators_gold_accuracy_is_marked_and_opens_the_tasks_after_it(
        page: Page, live_server, screenshot):  # type: ignore[no-untyped-def]
    """25 right gold answers, then 25 wrong: the report finds the change and the chart
    marks it with a diamond that opens the annotator's tasks from the change on."""
    drifting = make_drift_project(live_server.url, live_server.data_dir, right=25, wrong=25)
    try:
        errors = watch_errors(page)
        report = json.loads(live_server.accord("qa", "report", str(drifting.project_id),
                                               "--json"))
        series = [s for s in report["drift"]["gold"]["annotator"]
                  if s["key"] == drifting.annotator]
        assert len(series) == 1 and len(series[0]["change_points"]) == 1
        change = series[0]["change_points"][0]
        assert (change["index"], change["mean_before"], change["mean_after"]) == (25, 1.0, 0.0)

        page.goto(f"{drifting.url}/login?next=/projects/{drifting.project_id}/dashboard")
        page.get_by_label("Email").fill(drifting.manager_email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Drift over time")).to_be_visible()
        diamond = chart(page, "Gold score per week").locator(
            f'path.dash-mark[data-name="{drifting.annotator}"][data-change]')
        expect(diamond).to_have_count(1)
        assert diamond.get_attribute("data-change") == change["time"][:10]
        diamond.click()
        page.wait_for_url(re.compile(r"/tasks\?"))
        path, query = query_of(page.url)
        assert path == f"/projects/{drifting.project_id}/tasks"
        assert [name for name, _ in query] == ["annotator", "submitted_from", "submitted_to"]
        assert query[0] == ("annotator", str(drifting.annotator_id))
        assert errors == []
    finally:
        drifting.close()
