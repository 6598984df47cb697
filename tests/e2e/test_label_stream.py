"""The annotator's label stream in a real headless Chromium against a real `accord serve`:
what is drawn is exactly what the API stores, by mouse or by keyboard, and no reload, crash
or hostile text costs work or runs a script."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

import xss
from e2e.labeling import (
    SCHEMA,
    Stage,
    box_value,
    log_in,
    open_label_stream,
    shown_task_id,
    wait_for_task_other_than,
)
from e2e.test_shell import watch_errors
from servers import AccordProcess
from xss import PAYLOADS

pytestmark = pytest.mark.e2e


def saved(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text="All changes saved")).to_be_visible(timeout=10_000)


def shapes(regions: list[dict]) -> list[dict]:
    return sorted((r for r in regions if r["type"] in ("bbox", "polygon")), key=lambda r: r["id"])


def test_an_annotator_draws_two_boxes_and_a_polygon_and_the_api_holds_exactly_those(
        page: Page, labeling, screenshot):
    project = labeling()
    errors = watch_errors(page)
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    stage = Stage(page)

    page.get_by_role("button", name="car").click()
    car = stage.drag((100, 120), (260, 300))
    page.get_by_role("button", name="person").click()
    person = stage.drag((560, 220), (380, 60))  # drawn from its bottom-right corner
    page.get_by_label("occluded").check()
    page.get_by_role("button", name="road").click()
    road = [stage.click(p) for p in [(20, 460), (300, 330), (620, 460)]]
    page.get_by_role("button", name="Finish shape").click()
    page.get_by_role("radio", name="day").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("1 submitted this session")).to_be_visible()

    [annotation] = project.annotations(task_id)
    regions = annotation["regions"]
    assert shapes(regions) == [
        {"id": "r1", "label": "objects", "type": "bbox",
         "value": {"class": "car", **box_value(*car), "rotation": 0},
         "attributes": {"occluded": False}},
        {"id": "r2", "label": "objects", "type": "bbox",
         "value": {"class": "person", **box_value(*person), "rotation": 0},
         "attributes": {"occluded": True}},
        {"id": "r3", "label": "areas", "type": "polygon",
         "value": {"class": "road", "points": [list(p) for p in road]}},
    ]
    assert [r["value"] for r in regions if r["type"] == "classification"] == [{"class": "day"}]
    assert annotation["lead_time_s"] > 0
    assert not project.has_draft(task_id)  # submitting by button leaves no (blank) draft
    assert errors == []


def test_the_same_work_with_the_keyboard_for_every_choice(page: Page, labeling, screenshot):
    """Tools, classes, the attribute, the image class and submit by key; only the shapes
    themselves are drawn with the pointer."""
    project = labeling()
    errors = watch_errors(page)
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    stage = Stage(page)
    keyboard = page.keyboard

    keyboard.press("1")
    car = stage.drag((100, 120), (260, 300))
    keyboard.press("2")
    person = stage.drag((380, 60), (560, 220))
    keyboard.press("3")
    road = [stage.click(p) for p in [(20, 460), (300, 330), (620, 460)]]
    keyboard.press("Enter")
    keyboard.press("v")             # select tool
    keyboard.press("Tab")           # next region: r1
    keyboard.press("Tab")           # r2, the person
    keyboard.press("1")             # relabel it car …
    keyboard.press("Control+z")     # … and undo that
    page.get_by_label("occluded").focus()
    keyboard.press("Space")
    keyboard.press("n")             # the image is at night
    keyboard.press("Control+Enter")
    expect(page.get_by_text("1 submitted this session")).to_be_visible()

    [annotation] = project.annotations(task_id)
    regions = annotation["regions"]
    assert [(r["value"]["class"], r.get("attributes")) for r in shapes(regions)] == [
        ("car", {"occluded": False}), ("person", {"occluded": True}), ("road", None)]
    assert shapes(regions)[0]["value"] == {"class": "car", **box_value(*car), "rotation": 0}
    assert shapes(regions)[1]["value"] == {"class": "person", **box_value(*person), "rotation": 0}
    assert shapes(regions)[2]["value"]["points"] == [list(p) for p in road]
    assert [r["value"] for r in regions if r["type"] == "classification"] == [{"class": "night"}]
    assert not project.has_draft(task_id)  # nor by hotkey
    assert errors == []


def test_the_help_overlay_lists_a_key_for_every_class_and_tool(page: Page, labeling,
                                                              screenshot):
    project = labeling()
    open_label_stream(page, project)
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for text in ["Class car", "Class person", "Class road", "Class day", "Tool: box",
                 "Tool: polygon", "Undo", "Redo", "Submit"]:
        expect(dialog.get_by_text(text, exact=False).first).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_a_reload_mid_task_restores_the_draft_exactly(page: Page, labeling, screenshot):
    project = labeling()
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    stage = Stage(page)
    page.keyboard.press("1")
    stage.drag((50, 50), (150, 140))
    page.keyboard.press("3")
    for p in [(300, 300), (400, 300), (350, 400)]:
        stage.click(p)
    page.keyboard.press("Enter")
    saved(page)
    before = project.draft(task_id)["regions"]

    page.reload()
    expect(page.locator("image.stage__image")).to_have_count(1)
    expect(page.get_by_role("list", name="Regions").get_by_role("listitem")).to_have_count(2)
    assert shown_task_id(page) == task_id
    page.keyboard.press("2")
    stage.drag((500, 50), (600, 150))
    saved(page)
    after = project.draft(task_id)["regions"]
    assert after[:2] == before and len(after) == 3


def test_killing_and_restarting_the_server_mid_task_loses_nothing(page: Page, labeling,
                                                                  tmp_path,
                                                                  screenshot):
    server = AccordProcess(tmp_path / "data", tmp_path / "server.log")
    server.start()
    try:
        project = labeling(server.url, tmp_path / "data")
        open_label_stream(page, project)
        task_id = shown_task_id(page)
        stage = Stage(page)
        page.keyboard.press("1")
        first = stage.drag((40, 40), (120, 100))
        saved(page)

        server.stop(kill=True)
        page.keyboard.press("2")
        second = stage.drag((300, 200), (420, 330))
        expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible(timeout=15_000)
        # The browser holds the work that the server cannot take now.
        pending = page.evaluate("Object.entries(localStorage).filter(([k]) => k.startsWith('accord.pending.'))")
        assert len(pending) == 1 and len(json.loads(pending[0][1])["regions"]) == 2

        server.start()
        expect(page.get_by_role("status").filter(has_text="All changes saved")).to_be_visible(
            timeout=45_000)  # the retry reached the restarted server on its own
        regions = project.draft(task_id)["regions"]
        assert [r["value"] for r in regions] == [
            {"class": "car", **box_value(*first), "rotation": 0},
            {"class": "person", **box_value(*second), "rotation": 0}]
        page.keyboard.press("Control+Enter")
        expect(page.get_by_text("1 submitted this session")).to_be_visible()
        assert len(project.annotations(task_id)) == 1
    finally:
        server.stop()


def test_script_in_task_text_and_label_names_never_runs(page: Page, labeling, screenshot):
    schema = json.loads(json.dumps(SCHEMA))
    schema["data"].append({"name": "caption", "type": "text"})
    schema["labels"][0]["classes"] += [{"name": f"c{i} {p}"} for i, p in enumerate(PAYLOADS)]
    schema["labels"][0]["description"] = f"Boxes {xss.ALL}"
    schema["labels"][0]["attributes"].append(
        {"name": f"note {PAYLOADS[1]}", "type": "enum", "values": list(PAYLOADS[:3])})
    schema["labels"][2]["classes"][0]["name"] = f"day{PAYLOADS[0]}"
    project = labeling(schema=schema, task_data={"caption": xss.ALL})
    project.manager.publish_guidelines(project.project_id,
                                       f"# Rules {PAYLOADS[1]}\n\n*Be* {xss.ALL}")
    errors = watch_errors(page)
    open_label_stream(page, project)
    expect(page.get_by_role("region", name="Task")).to_contain_text(xss.ALL)
    page.get_by_role("button", name="Guidelines").click()
    expect(page.get_by_role("heading", name=f"Rules {PAYLOADS[1]}")).to_be_visible()
    for i, payload in enumerate(PAYLOADS):
        expect(page.get_by_role("button", name=f"c{i} {payload}")).to_be_visible()
    page.get_by_role("button", name=f"c1 {PAYLOADS[1]}").click()
    Stage(page).drag((100, 100), (200, 200))
    expect(page.get_by_role("list", name="Regions")).to_contain_text(f"c1 {PAYLOADS[1]}")
    page.get_by_label(f"note {PAYLOADS[1]}").select_option(PAYLOADS[2])
    expect(page.get_by_role("status").filter(has_text="All changes saved")).to_be_visible()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script, main img, main iframe, main a[href^=javascript]").count() == 0
    [region] = project.draft(shown_task_id(page))["regions"]
    assert region["value"]["class"] == f"c1 {PAYLOADS[1]}"
    assert region["attributes"][f"note {PAYLOADS[1]}"] == PAYLOADS[2]
    assert errors == []


def test_a_box_below_the_minimum_size_is_marked_before_submit(page: Page, labeling,
                                                              screenshot):
    project = labeling()
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    page.keyboard.press("1")
    stage = Stage(page)
    left, top, scale, dx, dy = stage.transform()
    # 3 image px wide at the fitted zoom: over the 3-screen-pixel click threshold, under the rule
    a = stage.screen(200, 200)
    b = (a[0] + round(3 * scale), a[1] + round(40 * scale))
    page.mouse.move(*a)
    page.mouse.down()
    page.mouse.move(*b, steps=3)
    page.mouse.up()
    problems = page.get_by_role("region", name="To fix before submitting")
    expect(problems).to_contain_text("minimum")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("alert")).to_contain_text("Fix 1 problem")
    assert project.annotations(task_id) == []


def test_skip_and_flag_move_on_to_the_next_task(page: Page, labeling, screenshot):
    project = labeling()
    open_label_stream(page, project)
    first = shown_task_id(page)
    page.get_by_role("button", name="Skip").click()
    second = wait_for_task_other_than(page, first)
    page.get_by_role("button", name="Flag").click()
    page.get_by_label("What makes this task ambiguous?").fill("Is a van a car?")
    page.get_by_role("button", name="Flag and move on").click()
    wait_for_task_other_than(page, first, second)
    [flag] = project.manager.list_flags(project.project_id)
    assert flag["task_id"] == second and flag["note"] == "Is a van a car?"


def test_the_home_page_shows_the_annotators_queues(page: Page, labeling, screenshot):
    project = labeling(name="Queues home")
    log_in(page, project)
    queues = page.get_by_role("list", name="Your queues in Queues home")
    expect(queues).to_contain_text("Label: 3 to take")
    page.get_by_role("link", name="Start labeling Queues home").click()
    expect(page.get_by_role("application", name="Image canvas")).to_be_visible()
