"""Text labeling in a real headless Chromium against a real `accord serve`: spans selected
with the mouse and the keyboard, a relation between two of them, item labels and a rubric,
pre-labels, pages of a long document, and hostile HTML that renders inert. What the API
holds is exactly what was labelled, and the CoNLL, BIO and spans JSONL exports read back
to the same spans."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import xss
from e2e.labeling import Labeling, shown_task_id
from e2e.reviewing import log_in_as
from e2e.test_accessibility import violations
from e2e.test_shell import watch_errors
from e2e.text_support import (
    SCHEMA,
    click_char,
    make_text_project,
    make_text_reviewing,
    open_text_stream,
    select_with_mouse,
    span,
    text_region,
    utf16,
)

pytestmark = pytest.mark.e2e

# CoNLL's layout (single spaces, punctuation its own token), so the tag formats read back
# the very same text; the emoji makes code points and UTF-16 differ.
TEXT = "😀 Angela Merkel visited Paris for Siemens ."


def submitted(page: Page) -> None:
    expect(page.get_by_text("1 submitted this session")).to_be_visible()


def submit_with_item_labels(page: Page, project: Labeling, task_id: int) -> list[dict]:
    """The topic by its key and a rating of 2, submitted: the regions the API then holds."""
    page.keyboard.press("p")
    page.get_by_role("radio", name="2").check()
    page.get_by_role("button", name="Submit").click()
    submitted(page)
    [annotation] = project.annotations(task_id)
    return annotation["regions"]


def spans_of(regions: list[dict]) -> list[tuple[str, int, int]]:
    return sorted((r["value"]["class"], r["value"]["start"], r["value"]["end"])
                  for r in regions if r["type"] == "span")


def test_an_annotator_labels_spans_and_a_relation_and_the_api_and_exports_hold_exactly_those(
        page: Page, live_server, tmp_path: Path, screenshot):
    project = make_text_project(live_server.url, live_server.data_dir, [TEXT])
    errors = watch_errors(page)
    open_text_stream(page, project)
    task_id = shown_task_id(page)
    at = lambda word: utf16(TEXT, TEXT.index(word))  # noqa: E731

    # "gela Mer": the selection cuts both words and snaps out to "Angela Merkel".
    page.get_by_role("button", name="PER").click()
    select_with_mouse(page, at("gela"), at("Merkel") + 3)
    expect(page.locator('[data-spans="r1"]')).to_have_text("Angela Merkel")
    # The class by its key, then "aris" selected exactly… and undone, then the whole word.
    page.keyboard.press("2")
    select_with_mouse(page, at("aris"), at("aris") + 4, exact=True)
    expect(page.locator('[data-spans="r2"]')).to_have_text("aris")
    page.get_by_role("button", name="Undo").click()
    select_with_mouse(page, at("Paris") + 1, at("Paris") + 3)
    expect(page.locator('[data-spans="r2"]')).to_have_text("Paris")
    # A third span with the keyboard cursor: focus the text, → to "Siemens", Enter.
    page.keyboard.press("3")
    text_region(page).focus()
    for _ in range(7):  # 😀 Angela Merkel visited Paris for Siemens
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.locator('[data-spans="r3"]')).to_have_text("Siemens")

    # A relation: select Merkel's span, Relate, click Paris; the class from the menu.
    click_char(page, at("Merkel"))
    page.get_by_role("button", name="Relate").click()
    expect(page.get_by_role("status").filter(has_text="Relating from")).to_be_visible()
    page.get_by_label("Relation class").select_option(label="visited")
    click_char(page, at("Paris") + 2)
    relations = page.get_by_role("list", name="Relations")
    expect(relations).to_contain_text(re.compile(r"“Angela Merkel” → to +“Paris” visited"))
    assert violations(page) == []  # spans, a selected relation and the relation list on screen

    # Whole-item labels: a class by its hotkey and a rating whose rubric is shown.
    page.keyboard.press("p")
    tone = page.get_by_role("group", name="tone")
    expect(tone).to_contain_text("hostile")
    expect(tone).to_contain_text("friendly")
    page.get_by_role("radio", name="3").check()
    page.get_by_role("button", name="Submit").click()
    submitted(page)

    [annotation] = project.annotations(task_id)
    regions = sorted(annotation["regions"], key=lambda r: r["id"])
    assert regions == [
        {"id": "r1", "label": "entities", "type": "span",
         "value": {"class": "PER", "start": 2, "end": 15}},
        {"id": "r2", "label": "entities", "type": "span",
         "value": {"class": "LOC", "start": 24, "end": 29}},
        {"id": "r3", "label": "entities", "type": "span",
         "value": {"class": "ORG", "start": 34, "end": 41}},
        {"id": "r4", "label": "links", "type": "relation",
         "value": {"from": "r1", "to": "r2", "class": "visited"}},
        {"id": "r5", "label": "topic", "type": "classification", "value": {"class": "politics"}},
        {"id": "r6", "label": "tone", "type": "rating", "value": {"rating": 3}},
    ]
    assert [TEXT[s:e] for _, s, e in spans_of(regions)] == ["Paris", "Siemens", "Angela Merkel"]
    assert errors == []

    # Exports: spans JSONL as it is; CoNLL and BIO imported into a fresh project give back
    # the same text and spans.
    out = io.BytesIO()
    project.manager.export(project.project_id, out, format="spans_jsonl")
    [line] = out.getvalue().decode().splitlines()
    assert json.loads(line) == {"text": TEXT, "spans": [
        {"start": 2, "end": 15, "label": "PER"}, {"start": 24, "end": 29, "label": "LOC"},
        {"start": 34, "end": 41, "label": "ORG"}]}
    for fmt in ("conll", "bio"):
        out = io.BytesIO()
        project.manager.export(project.project_id, out, format=fmt)
        assert "B-PER" in out.getvalue().decode() or "I-PER" in out.getvalue().decode()
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(out.getvalue())
        again = make_text_project(live_server.url, live_server.data_dir, [])
        again.manager.import_file(again.project_id, path, format=fmt)
        [task] = again.manager.list_tasks(again.project_id)
        assert task["data"]["text"] == TEXT
        [read] = again.annotations(task["id"])
        assert spans_of(read["regions"]) == spans_of(regions), fmt
        again.close()
    project.close()


def test_pre_labels_are_shown_taken_in_with_a_click_and_edited(page: Page, live_server,
                                                              screenshot):
    project = make_text_project(live_server.url, live_server.data_dir, [TEXT])
    [task_id] = project.task_ids
    project.manager.create_predictions(project.project_id, [{
        "task_id": task_id, "model_version": "ner-1", "score": 0.8, "regions": [
            {"id": "p1", "label": "entities", "type": "span", "score": 0.9,
             "value": {"class": "LOC", "start": 9, "end": 15}},
            {"id": "p2", "label": "entities", "type": "span", "score": 0.7,
             "value": {"class": "LOC", "start": 24, "end": 29}}]}])
    errors = watch_errors(page)
    open_text_stream(page, project)
    expect(page.locator(".text-piece--prediction")).to_have_count(2)
    at = lambda word: utf16(TEXT, TEXT.index(word))  # noqa: E731
    click_char(page, at("Merkel"))  # taken in, then corrected: PER, by its key
    expect(page.locator(".text-piece--prediction")).to_have_count(1)
    expect(page.locator('[data-spans="r1"]')).to_have_text("Merkel")
    click_char(page, at("Merkel"))
    page.keyboard.press("1")
    assert spans_of(submit_with_item_labels(page, project, task_id)) == [("PER", 9, 15)]
    assert errors == []
    project.close()


def test_a_long_document_is_paged_and_offsets_stay_global(page: Page, live_server, screenshot):
    sentences = [f"Sentence {i} mentions Berlin and Oslo ." for i in range(4000)]
    text = "\n".join(sentences)  # about 160,000 characters
    far = text.index("Sentence 3500 ")
    start = far + len("Sentence 3500 mentions ")
    project = make_text_project(live_server.url, live_server.data_dir, [text])
    errors = watch_errors(page)
    open_text_stream(page, project)
    task_id = shown_task_id(page)
    pager = page.get_by_role("navigation", name="Pages of the text")
    expect(pager).to_contain_text("Page 1 of")
    pages = re.search(r"Page 1 of (\d+)", pager.text_content() or "")
    assert pages and int(pages.group(1)) > 20
    # Alt+PageDown until the page holding `start`.
    shown = 1
    while int(text_region(page).get_attribute("data-page-end") or 0) <= start:
        page.keyboard.press("Alt+PageDown")
        shown += 1
        expect(pager).to_contain_text(f"Page {shown} of")
    page.keyboard.press("2")
    select_with_mouse(page, start + 1, start + 4)
    expect(page.locator('[data-spans="r1"]')).to_have_text("Berlin")
    page.keyboard.press("Alt+PageUp")
    expect(page.locator('[data-spans="r1"]')).to_have_count(0)
    page.keyboard.press("Tab")  # the selected span brings its page back
    expect(page.locator('[data-spans="r1"]')).to_have_text("Berlin")
    assert spans_of(submit_with_item_labels(page, project, task_id)) == [("LOC", start, start + 6)]
    assert errors == []
    project.close()


def test_a_selection_over_a_page_break_makes_one_span_in_global_offsets(page: Page, live_server,
                                                                       screenshot):
    text = " ".join(f"word{i}" for i in range(3000))  # no line breaks: pages end after a space
    project = make_text_project(live_server.url, live_server.data_dir, [text])
    errors = watch_errors(page)
    open_text_stream(page, project)
    task_id = shown_task_id(page)
    end = int(text_region(page).get_attribute("data-page-end") or 0)
    assert 0 < end < len(text) and text[end - 1] == " "
    first = text.rindex(" ", 0, end - 1) + 1  # the page's last word…
    stop = text.index(" ", end)  # …to the end of the next page's first, shown in its seam
    expect(page.locator(".text-seam--after")).to_contain_text(text[end:stop])
    page.keyboard.press("2")
    select_with_mouse(page, first + 2, stop - 1)  # cutting both words: snapped out to them
    drawn = page.locator('[data-spans="r1"]')
    expect(drawn).to_have_count(2)  # a piece on the page, one in the seam after it
    assert "".join(drawn.all_text_contents()) == text[first:stop]
    # The next page draws it too, at its top, in the seam from this page.
    page.keyboard.press("Alt+PageDown")
    expect(page.get_by_role("navigation", name="Pages of the text")).to_contain_text("Page 2 of")
    expect(page.locator('.text-seam--before [data-spans="r1"]')).to_have_count(1)
    assert "".join(page.locator('[data-spans="r1"]').all_text_contents()) == text[first:stop]
    assert spans_of(submit_with_item_labels(page, project, task_id)) == [("LOC", first, stop)]
    assert errors == []
    project.close()


def test_a_click_and_a_shift_click_a_page_on_make_one_span_of_thousands_of_characters(
        page: Page, live_server, screenshot):
    text = " ".join(f"word{i}" for i in range(3000))  # ASCII: UTF-16 and code points agree
    project = make_text_project(live_server.url, live_server.data_dir, [text])
    errors = watch_errors(page)
    open_text_stream(page, project)
    task_id = shown_task_id(page)
    end = int(text_region(page).get_attribute("data-page-end") or 0)
    first = text.index(" ", end - 1500) + 1  # a word 1,500 characters before the break…
    stop = text.index(" ", end + 900)  # …to one 900 characters into the next page, past its seam
    page.keyboard.press("2")
    click_char(page, first + 2)  # inside the first word: the span snaps out to its start
    page.keyboard.press("Alt+PageDown")
    expect(page.get_by_role("navigation", name="Pages of the text")).to_contain_text("Page 2 of")
    expect(page.get_by_role("status").filter(has_text="Shift+click marks a span from")) \
        .to_contain_text("on page 1")
    assert int(text_region(page).get_attribute("data-page-start") or 0) == end
    page.keyboard.down("Shift")
    click_char(page, stop - 2)  # inside the last word: snapped out to its end
    page.keyboard.up("Shift")
    # Drawn on this page from the top of its seam (the end of page 1) to the word clicked.
    drawn = page.locator('[data-spans="r1"]')
    expect(drawn.first).to_be_visible()
    shown_from = int(text_region(page).locator("[data-at]").first.get_attribute("data-at") or 0)
    assert first < shown_from < end
    assert "".join(drawn.all_text_contents()) == text[shown_from:stop]
    assert spans_of(submit_with_item_labels(page, project, task_id)) == [("LOC", first, stop)]
    assert stop - first > 2000
    assert errors == []
    project.close()


HTML_SCHEMA = {**SCHEMA, "data": [{"name": "text", "type": "html"}]}


def test_hostile_html_renders_inert_and_spans_count_its_rendered_text(page: Page, live_server,
                                                                      screenshot):
    html = ("<h1>Report</h1><p>Angela <b>Merkel</b> visited <i>Paris</i>.</p>"
            + "".join(f"<p>{p}</p>" for p in xss.PAYLOADS)
            + '<a href="javascript:window.__pwned=99">bad link</a>'
            + '<a href="https://example.org/" onclick="window.__pwned=98">good link</a>')
    project = make_text_project(live_server.url, live_server.data_dir, [html],
                                schema=HTML_SCHEMA)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_text_stream(page, project)
    task_id = shown_task_id(page)
    region = text_region(page)
    expect(region).to_contain_text("Angela Merkel visited Paris.")
    assert region.locator("script, img, svg, iframe, style, object, embed, math").count() == 0
    attributes = page.evaluate("""(root) => Array.from(root.querySelectorAll("*"))
        .flatMap((e) => Array.from(e.attributes, (a) => a.name + "=" + a.value))""",
                               region.element_handle())
    assert not [a for a in attributes if a.startswith(("on", "src=", "srcdoc="))
                or "javascript:" in a.lower()], attributes
    assert region.get_by_role("link", name="good link").get_attribute("href") == \
        "https://example.org/"
    assert region.locator("a", has_text="bad link").get_attribute("href") is None
    region.get_by_text("bad link").click()
    region.get_by_role("heading", name="Report").hover()
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []

    # A span on the rendered text: "Report" is 0–6, so "Merkel" starts at 13.
    rendered = page.evaluate("(root) => root.textContent", region.element_handle())
    start = rendered.index("Merkel")
    assert start == 13
    page.keyboard.press("1")
    select_with_mouse(page, start + 1, start + 3)
    expect(page.locator('[data-spans="r1"]')).to_have_text("Merkel")
    page.keyboard.press("p")
    page.get_by_role("radio", name="1").check()
    page.get_by_role("button", name="Submit").click()
    submitted(page)
    [annotation] = project.annotations(task_id)
    assert spans_of(annotation["regions"]) == [("PER", 13, 19)]
    project.close()


def test_an_adjudicator_takes_spans_from_two_annotators_by_clicking_them(page: Page,
                                                                          live_server,
                                                                          screenshot):
    first = [span("r1", "PER", 2, 15), span("r2", "LOC", 24, 29),
             {"id": "r3", "label": "links", "type": "relation",
              "value": {"from": "r1", "to": "r2", "class": "visited"}}]
    second = [span("r1", "PER", 9, 15), span("r2", "ORG", 34, 41)]
    r = make_text_reviewing(live_server.url, live_server.data_dir, TEXT, [first, second])
    assert r.manager.get_task(r.project_id, r.task_id)["state"] == "adjudicate"
    errors = watch_errors(page)
    log_in_as(page, r.url, r.reviewer, f"/projects/{r.project_id}/adjudicate")
    expect(text_region(page)).to_be_visible()
    # Both candidates' spans are drawn dotted in their colours, their relation listed.
    expect(page.get_by_role("list", name="Relations")).to_contain_text("visited")
    page.get_by_role("button", name="Clear").click()
    regions = page.get_by_role("list", name="Regions", exact=True).get_by_role("listitem")
    expect(regions).to_have_count(0)
    at = lambda word: utf16(TEXT, TEXT.index(word))  # noqa: E731
    click_char(page, at("Angela"))   # only the first annotator marked "Angela Merkel"
    expect(regions).to_have_count(1)
    click_char(page, at("Siemens"))  # only the second marked "Siemens"
    expect(regions).to_have_count(2)
    click_char(page, at("visited"))  # nothing there: a click on plain text
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("status").filter(has_text="adjudicated")).to_be_visible()
    [final] = [a for a in r.manager.list_annotations(r.project_id, r.task_id)
               if a["stage"] == "adjudicate"]
    assert spans_of(final["regions"]) == [("ORG", 34, 41), ("PER", 2, 15)]
    assert errors == []
    r.close()


def test_a_reviewer_sees_the_answer_read_only_on_the_text(page: Page, live_server, screenshot):
    answer = [span("r1", "PER", 2, 15), span("r2", "LOC", 24, 29),
              {"id": "r3", "label": "links", "type": "relation",
               "value": {"from": "r1", "to": "r2", "class": "visited"}}]
    r = make_text_reviewing(live_server.url, live_server.data_dir, TEXT, [answer])
    r.manager.set_workflow(r.project_id, overlap=1, review_sample=1.0)
    again = r.annotators[0][1]
    # The first answer went straight through (review_sample was 0); a second task reviewed.
    r.manager.create_tasks(r.project_id, [{"data": {"text": TEXT + " Again ."}}])
    offer = again.next_task(r.project_id, "label")
    assert offer["task"] is not None
    again.submit_annotation(r.project_id, offer["task"]["id"], answer, lead_time_s=3.0)
    errors = watch_errors(page)
    log_in_as(page, r.url, r.reviewer, f"/projects/{r.project_id}/review")
    expect(text_region(page)).to_be_visible()
    expect(page.locator('[data-spans="r1"]')).to_have_text("Angela Merkel")
    expect(page.get_by_role("list", name="Relations")).to_contain_text(
        re.compile(r"“Angela Merkel” → to +“Paris” visited"))
    # Read-only: a selection makes no span, there is no class picker.
    select_with_mouse(page, utf16(TEXT, TEXT.index("Siemens")) + 1,
                      utf16(TEXT, TEXT.index("Siemens")) + 4)
    expect(page.locator("[data-spans]")).to_have_count(2)
    expect(page.get_by_role("button", name="Relate")).to_have_count(0)
    click_char(page, utf16(TEXT, TEXT.index("Paris")))
    expect(page.locator(".text-piece--selected")).to_have_text("Paris")
    assert errors == []
    r.close()
