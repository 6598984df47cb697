"""The review stream in a real headless Chromium against a real `accord serve`: what the
reviewer decides in the page is exactly what the API holds, the annotator sees a rejection
where they work, a fix is a new version whose diff the page shows as the API computes it,
and the page passes an accessibility audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.reviewing import Reviewing, box, log_in_as, make_reviewing, scene
from e2e.test_accessibility import violations
from e2e.test_shell import watch_errors

pytestmark = pytest.mark.e2e

ANSWER = [box("r1", "car", 100, 120, 160, 180), box("r2", "person", 380, 60, 180, 160),
          scene("r3", "day")]


@pytest.fixture
def reviewing(live_server):  # type: ignore[no-untyped-def]
    made: list[Reviewing] = []

    def make(answers: list[list[dict[str, Any]]], **kwargs: Any) -> Reviewing:
        made.append(make_reviewing(live_server.url, live_server.data_dir, answers, **kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


def reviews_of(r: Reviewing, annotation_id: int) -> list[dict[str, Any]]:
    response = r.manager._http.get(
        f"/api/projects/{r.project_id}/annotations/{annotation_id}/reviews")
    assert response.status_code == 200, response.text
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


def open_review(page: Page, r: Reviewing) -> None:
    log_in_as(page, r.url, r.reviewer, f"/projects/{r.project_id}/review")
    expect(page.get_by_role("application", name="Image canvas")).to_be_visible()
    expect(page.locator("image.stage__image")).to_have_count(1)


def region_button(page: Page, region_id: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Regions", exact=True).get_by_role(
        "button", name=re.compile(rf"^\S+ \S+ {region_id}\b"))


def test_a_rejection_with_a_category_a_comment_and_a_pinned_note_reaches_the_annotator(
        page: Page, reviewing, screenshot):
    r = reviewing([ANSWER])
    category = r.manager.workflow(r.project_id)["review_categories"][0]["name"]
    errors = watch_errors(page)
    open_review(page, r)
    expect(page.get_by_role("list", name="Regions", exact=True).get_by_role("listitem")).to_have_count(2)

    page.keyboard.press("r")
    form = page.get_by_role("form", name="Reject this answer")
    expect(form).to_be_visible()
    form.get_by_role("group", name="Error categories").get_by_role(
        "checkbox", name=re.compile(rf"^{re.escape(category)}\b")).check()
    form.get_by_label("Comment").fill("The person box is far too loose.")
    region_button(page, "r2").click()
    form.get_by_label("Note on r2").fill("Tighten this one to the person's outline.")
    form.get_by_role("button", name="Pin to r2").click()
    expect(form.get_by_role("list", name="Pinned notes").get_by_role("listitem")).to_have_count(1)
    expect(region_button(page, "r2")).to_contain_text("1 note")
    form.get_by_role("button", name="Send rejection").click()
    expect(page.get_by_role("heading", name="Every answer is judged")).to_be_visible()

    [review] = reviews_of(r, r.answers[0]["id"])
    assert review["verdict"] == "reject"
    assert review["error_categories"] == [category]
    assert review["comment"] == "The person box is far too loose."
    assert [(c["region_id"], c["body"]) for c in review["region_comments"]] == [
        ("r2", "Tighten this one to the person's outline.")]

    # The annotator logs in: the home page says the work came back, the stream shows why.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Email")).to_be_visible()
    log_in_as(page, r.url, r.base.annotator, "/")
    queues = page.get_by_role("list", name="Your queues in Reviewed scenes")
    expect(queues).to_contain_text("1 sent back to you")
    queues.get_by_role("link", name=re.compile("labeling Reviewed scenes")).click()
    panel = page.get_by_role("region", name="Sent back to you")
    expect(panel).to_contain_text(category)
    expect(panel).to_contain_text("The person box is far too loose.")
    expect(panel).to_contain_text("Tighten this one to the person's outline.")
    # It starts from the rejected regions, and a pinned note selects its region.
    expect(page.get_by_role("list", name="Regions", exact=True).get_by_role("listitem")).to_have_count(2)
    expect(region_button(page, "r2")).to_have_attribute("aria-pressed", "false")
    panel.get_by_role("button", name="r2").click()
    expect(region_button(page, "r2")).to_have_attribute("aria-pressed", "true")
    expect(region_button(page, "r2")).to_contain_text("1 reviewer note")
    assert errors == []


def test_a_fix_is_a_new_version_and_the_page_shows_the_same_diff_as_the_api(
        page: Page, reviewing, screenshot):
    r = reviewing([ANSWER])
    errors = watch_errors(page)
    open_review(page, r)
    page.keyboard.press("e")
    expect(page.get_by_role("button", name="Accept with fix")).to_be_visible()
    page.get_by_role("button", name="Delete r1").click()
    region_button(page, "r2").click()
    page.keyboard.press("1")  # in the select tool a class key relabels: person -> car
    expect(region_button(page, "r2")).to_contain_text("car")
    page.get_by_role("button", name="Accept with fix").click()
    expect(page.get_by_role("heading", name="Every answer is judged")).to_be_visible()
    expect(page.locator("[data-diff=removed]").first).to_be_visible()

    versions = list(r.manager.list_annotations(r.project_id, r.task_id))
    [fixed] = [a for a in versions if a["parent_id"] == r.answers[0]["id"]]
    assert fixed["stage"] == "review"
    assert [x["id"] for x in fixed["regions"]] == ["r2", "r3"]
    assert fixed["regions"][0]["value"]["class"] == "car"
    diff = r.manager.annotation_diff(r.project_id, fixed["id"])
    assert diff["removed"] == ["r1"] and diff["added"] == []
    assert page.locator("[data-diff=removed]").first.text_content() == ", ".join(diff["removed"])
    assert page.locator("[data-diff=changed]").first.text_content() == "; ".join(
        f"{c['id']} ({', '.join(c['fields'])})" for c in diff["changed"])
    assert page.locator("[data-diff=added]").count() == 0
    assert errors == []


def test_the_reviewer_accepts_by_keyboard_and_the_help_lists_the_verdict_keys(
        page: Page, reviewing, screenshot):
    r = reviewing([ANSWER])
    errors = watch_errors(page)
    open_review(page, r)
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    for text in ("Accept this answer", "Reject this answer…", "Fix this answer (edit, then accept)"):
        expect(help_dialog.get_by_role("row", name=re.compile(re.escape(text)))).to_be_visible()
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    page.keyboard.press("a")
    expect(page.get_by_role("heading", name="Every answer is judged")).to_be_visible()
    [review] = reviews_of(r, r.answers[0]["id"])
    assert review["verdict"] == "accept" and review["error_categories"] == []
    assert r.manager.get_task(r.project_id, r.task_id)["state"] == "done"
    page.keyboard.press("n")
    expect(page.get_by_role("status").filter(has_text="Nothing to review")).to_be_visible()
    assert errors == []


def test_two_answers_are_overlaid_matched_and_the_page_passes_an_accessibility_audit(
        page: Page, reviewing, screenshot):
    other = [box("a", "car", 104, 118, 158, 184), box("b", "person", 20, 300, 90, 90),
             scene("c", "day")]
    r = reviewing([ANSWER, other], consensus_threshold=0.0)
    errors = watch_errors(page)
    open_review(page, r)
    # The other answer is drawn over this one in its author's colour, and can be hidden.
    overlay = page.locator(f"[data-overlay='{r.answers[1]['id']}'] [data-region]")
    expect(overlay).to_have_count(2)
    matched = page.get_by_role("list", name="Matched objects").get_by_role("listitem")
    # car with car; each person alone; the scene answers agree.
    expect(matched).to_have_count(4)
    expect(matched.filter(has_text="100%")).to_have_count(2)
    assert violations(page) == []
    toggle = page.get_by_role("checkbox", name=re.compile("Show .*'s regions"))
    toggle.uncheck()
    expect(overlay).to_have_count(0)
    page.keyboard.press("o")
    expect(page.get_by_role("group", name="Answers side by side").get_by_role("img")).to_have_count(3)
    assert violations(page) == []
    page.keyboard.press("r")
    expect(page.get_by_role("form", name="Reject this answer")).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    expect(page.get_by_role("heading", name=re.compile(r"answer 2 of 2"))).to_be_visible()
    assert errors == []


def test_a_review_someone_else_sent_first_reloads_the_task_with_a_message(
        page: Page, reviewing, screenshot):
    r = reviewing([ANSWER])
    errors = watch_errors(page)
    open_review(page, r)
    r.manager.review(r.project_id, r.answers[0]["id"], "accept")  # another reviewer, first
    page.keyboard.press("a")
    expect(page.get_by_role("status").filter(has_text="Someone else reviewed this answer first")
           ).to_be_visible()
    # The task moved on: nothing is left to review, and the queue says why.
    expect(page.get_by_role("status").filter(has_text="Nothing to review")).to_be_visible()
    assert [x["verdict"] for x in reviews_of(r, r.answers[0]["id"])] == ["accept"]
    assert errors == [] or all("409" in e for e in errors)
