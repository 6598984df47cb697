"""The label editor's other tools and helpers in a real browser: rotated boxes, polylines,
keypoints and brush masks, pre-labels, copy from the previous task, undo/redo, and work
kept across an expired session."""

from __future__ import annotations

import json
import math

import httpx
import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import ARTIFACTS
from e2e.labeling import (
    PASSWORD,
    Stage,
    box_value,
    open_label_stream,
    shown_task_id,
    wait_for_task_other_than,
)
from e2e.test_shell import watch_errors

pytestmark = pytest.mark.e2e

TOOLS_SCHEMA = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [
        {"name": "objects", "type": "bbox", "source": "image",
         "classes": [{"name": "car", "hotkey": "1"}]},
        {"name": "lanes", "type": "polyline", "source": "image",
         "classes": [{"name": "lane", "hotkey": "2"}]},
        {"name": "pose", "type": "keypoints", "source": "image",
         "classes": [{"name": "person", "hotkey": "3",
                      "keypoints": ["head", "left_hand", "right_hand"],
                      "skeleton": [["head", "left_hand"], ["head", "right_hand"]]}]},
        {"name": "paint", "type": "mask", "source": "image",
         "classes": [{"name": "sky", "hotkey": "4"}]},
    ],
}


def regions_list(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Regions").get_by_role("listitem")


def submitted(page: Page, count: int = 1) -> None:
    expect(page.get_by_text(f"{count} submitted this session")).to_be_visible()


def test_rotated_boxes_polylines_keypoints_and_masks_are_stored_as_drawn(page: Page, labeling,
                                                                         screenshot):
    project = labeling(schema=TOOLS_SCHEMA)
    errors = watch_errors(page)
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    stage = Stage(page)
    keyboard = page.keyboard

    keyboard.press("1")
    car = stage.drag((100, 100), (300, 200))          # centre (200, 150)
    keyboard.press("v")
    knob = page.locator("[data-handle=rotate]").bounding_box()
    assert knob is not None
    centre = stage.screen(200, 150)
    # the knob sits above the top edge; dragging it to the right of the centre turns 90°
    page.mouse.move(knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
    page.mouse.down()
    page.mouse.move(centre[0] + 150, centre[1], steps=5)
    page.mouse.up()

    keyboard.press("2")
    lane = [stage.click(p) for p in [(20, 400), (320, 380), (600, 420)]]
    keyboard.press("Enter")
    keyboard.press("3")
    pose = [stage.click(p) for p in [(500, 100), (460, 160), (540, 160)]]
    keyboard.press("4")
    stage.drag((40, 30), (200, 30))
    expect(regions_list(page)).to_have_count(4)
    keyboard.press("Control+Enter")
    submitted(page)

    [annotation] = project.annotations(task_id)
    by_type = {r["type"]: r for r in annotation["regions"]}
    box = by_type["bbox"]["value"]
    assert {k: box[k] for k in ("x", "y", "width", "height")} == box_value(*car)
    assert box["rotation"] == pytest.approx(90, abs=1)
    assert by_type["polyline"]["value"] == {"class": "lane", "points": [list(p) for p in lane]}
    assert by_type["keypoints"]["value"] == {
        "class": "person", "points": [[x, y, 2] for x, y in pose]}
    mask = by_type["mask"]["value"]
    assert mask["class"] == "sky" and mask["rle"]["size"] == [480, 640]
    counts = mask["rle"]["counts"]
    assert sum(counts) == 480 * 640
    painted = sum(counts[1::2])
    assert 160 * 8 < painted < 200 * 40  # a stroke ~160 px long and a brush some px wide
    # the stroke runs along y = 30 from x = 40: column 100, row 30 is foreground
    assert _pixel(counts, 480, 100, 30) and not _pixel(counts, 480, 100, 200)
    assert errors == []


def _pixel(counts: list[int], height: int, x: int, y: int) -> bool:
    """Whether (x, y) is foreground in column-major runs starting with background."""
    index, position = x * height + y, 0
    for run, length in enumerate(counts):
        if index < position + length:
            return run % 2 == 1
        position += length
    return False


def test_pre_labels_are_shown_and_accepted_into_the_work(page: Page, labeling, screenshot):
    project = labeling(tasks=1)
    [task_id] = project.task_ids
    predicted = [
        {"id": "p1", "label": "objects", "type": "bbox", "score": 0.9,
         "value": {"class": "car", "x": 10, "y": 20, "width": 100, "height": 50, "rotation": 0}},
        {"id": "p2", "label": "areas", "type": "polygon", "score": 0.7,
         "value": {"class": "road", "points": [[0, 400], [300, 350], [640, 400]]}},
    ]
    project.manager.create_predictions(project.project_id, [
        {"task_id": task_id, "regions": predicted, "model_version": "det-1", "score": 0.8}])
    open_label_stream(page, project)
    expect(page.locator(".shape--prediction")).to_have_count(2)
    expect(page.get_by_role("region", name="Pre-labels")).to_be_visible()
    page.keyboard.press("a")
    expect(regions_list(page)).to_have_count(2)
    expect(page.locator(".shape--prediction")).to_have_count(0)
    page.keyboard.press("d")
    page.keyboard.press("Control+Enter")
    submitted(page)
    [annotation] = project.annotations(task_id)
    shapes = [r for r in annotation["regions"] if r["type"] != "classification"]
    assert [(r["label"], r["value"]) for r in shapes] == [
        (p["label"], p["value"]) for p in predicted]
    assert all("score" not in r for r in shapes)


def test_one_pre_label_is_taken_by_a_click_and_the_rest_rejected(page: Page, labeling,
                                                                  screenshot):
    project = labeling(tasks=1)
    [task_id] = project.task_ids
    predicted = [
        {"id": "p1", "label": "objects", "type": "bbox", "score": 0.9,
         "value": {"class": "car", "x": 10, "y": 20, "width": 100, "height": 50, "rotation": 0}},
        {"id": "p2", "label": "objects", "type": "bbox", "score": 0.4,
         "value": {"class": "person", "x": 300, "y": 200, "width": 60, "height": 120,
                   "rotation": 0}},
    ]
    project.manager.create_predictions(project.project_id, [
        {"task_id": task_id, "regions": predicted, "model_version": "det-1"}])
    open_label_stream(page, project)
    expect(page.locator(".shape--prediction")).to_have_count(2)
    page.keyboard.press("v")
    Stage(page).click((330, 260))                      # inside the person pre-label
    expect(regions_list(page)).to_have_count(1)
    expect(page.locator(".shape--prediction")).to_have_count(1)
    page.keyboard.press("x")                           # reject the rest
    expect(page.locator(".shape--prediction")).to_have_count(0)
    page.keyboard.press("Control+Enter")
    submitted(page)
    [annotation] = project.annotations(task_id)
    assert [r["value"] for r in annotation["regions"]] == [predicted[1]["value"]]


def test_copy_previous_undo_and_redo(page: Page, labeling, screenshot):
    project = labeling()
    open_label_stream(page, project)
    first = shown_task_id(page)
    stage = Stage(page)
    keyboard = page.keyboard
    keyboard.press("1")
    car = stage.drag((100, 120), (260, 300))
    keyboard.press("Control+z")
    expect(regions_list(page)).to_have_count(0)
    keyboard.press("Control+Shift+z")
    expect(regions_list(page)).to_have_count(1)
    keyboard.press("Control+Enter")
    second = wait_for_task_other_than(page, first)
    keyboard.press("Control+Shift+v")
    expect(regions_list(page)).to_have_count(1)
    keyboard.press("Control+Enter")
    submitted(page, 2)
    [copied] = project.annotations(second)
    assert [r["value"] for r in copied["regions"]] == [
        {"class": "car", **box_value(*car), "rotation": 0}]


def end_session_on_the_server(page: Page, url: str) -> None:
    """Log the browser's session out from another client: the cookie stays, the session
    is gone, as when it expires."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "accord_session"]
    with httpx.Client(base_url=url, cookies={"accord_session": cookie["value"]}) as client:
        csrf = client.get("/api/auth/session").json()["csrf_token"]
        client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf, "Origin": url})
        assert client.get("/api/auth/session").json()["user"] is None


def test_a_submission_made_after_the_session_expired_is_sent_after_logging_in_in_place(
        page: Page, labeling, screenshot):
    project = labeling()
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    address = page.url
    stage = Stage(page)
    page.keyboard.press("1")
    first = stage.drag((40, 40), (120, 100))
    expect(page.get_by_role("status").filter(has_text="All changes saved")).to_be_visible()

    end_session_on_the_server(page, project.url)
    page.keyboard.press("2")
    second = stage.drag((300, 200), (420, 330))
    page.keyboard.press("Control+Enter")  # before the autosave: the submission meets the 401
    dialog = page.get_by_role("dialog", name="Your session ended")
    expect(dialog).to_be_visible(timeout=15_000)
    assert page.url == address  # nothing navigated away
    pending = page.evaluate(
        "Object.entries(localStorage).filter(([k]) => k.startsWith('accord.pending.'))")
    assert len(pending) == 1 and json.loads(pending[0][1])["kind"] == "submit"
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Log in and continue").click()
    submitted(page)
    [annotation] = project.annotations(task_id)
    assert [r["value"] for r in annotation["regions"]] == [
        {"class": "car", **box_value(*first), "rotation": 0},
        {"class": "person", **box_value(*second), "rotation": 0}]
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('accord.pending.'))") == []


def test_a_draft_is_restored_exactly_in_a_new_browser_context(page: Page, labeling, browser,
                                                               request):
    """A closed tab or another computer: nothing in that browser's storage, all on the server."""
    project = labeling()
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    stage = Stage(page)
    page.keyboard.press("1")
    box = stage.drag((40, 40), (120, 100))
    page.keyboard.press("3")
    outline = [stage.click(p) for p in [(300, 300), (400, 300), (350, 400)]]
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="All changes saved")).to_be_visible()
    page.context.close()

    other = browser.new_context()
    try:
        fresh = other.new_page()
        open_label_stream(fresh, project)
        assert shown_task_id(fresh) == task_id
        expect(regions_list(fresh)).to_have_count(2)
        ARTIFACTS.mkdir(exist_ok=True)
        fresh.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        fresh.keyboard.press("Control+Enter")
        submitted(fresh)
        [annotation] = project.annotations(task_id)
        assert [r["value"] for r in annotation["regions"]] == [
            {"class": "car", **box_value(*box), "rotation": 0},
            {"class": "road", "points": [list(p) for p in outline]}]
        assert not project.has_draft(task_id)  # submitting removed the draft
    finally:
        other.close()


def test_rotation_is_measured_clockwise_from_the_top(page: Page, labeling, screenshot):
    """The knob's angle is the box's: dragging it below the centre turns the box 180°."""
    project = labeling(schema=TOOLS_SCHEMA, tasks=1)
    open_label_stream(page, project)
    stage = Stage(page)
    page.keyboard.press("1")
    stage.drag((200, 200), (300, 260))
    page.keyboard.press("v")
    knob = page.locator("[data-handle=rotate]").bounding_box()
    assert knob is not None
    centre = stage.screen(250, 230)
    page.mouse.move(knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
    page.mouse.down()
    page.mouse.move(centre[0], centre[1] + 200, steps=5)
    page.mouse.up()
    expect(page.get_by_role("status").filter(has_text="All changes saved")).to_be_visible()
    [box] = project.draft(project.task_ids[0])["regions"]
    assert math.isclose(box["value"]["rotation"], 180, abs_tol=1)


def test_regions_are_moved_resized_nudged_and_reshaped_in_the_select_tool(page: Page, labeling,
                                                                        screenshot):
    project = labeling(tasks=1)
    open_label_stream(page, project)
    task_id = shown_task_id(page)
    stage = Stage(page)
    keyboard = page.keyboard
    keyboard.press("1")
    drawn = box_value(*stage.drag((100, 100), (200, 180)))
    keyboard.press("3")
    outline = [stage.click(p) for p in [(300, 300), (500, 300), (400, 420)]]
    keyboard.press("Enter")
    keyboard.press("v")
    page.get_by_role("list", name="Regions").get_by_role("button", name="car bbox r1").click()
    start, end = stage.drag((150, 140), (190, 160))     # move by about (40, 20)
    dx, dy = end[0] - start[0], end[1] - start[1]
    handle = page.locator("[data-handle=se]").bounding_box()
    assert handle is not None
    corner = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    target = stage.screen(300, 250)
    page.mouse.move(*corner)
    page.mouse.down()
    page.mouse.move(*target, steps=4)
    page.mouse.up()
    resized_to = stage.image(*target)
    keyboard.press("ArrowLeft")
    keyboard.press("Shift+ArrowUp")                      # nudge by (-1, -10)

    page.get_by_role("list", name="Regions").get_by_role("button", name="road polygon r2").click()
    vertex = page.locator("[data-handle=v2]").bounding_box()
    assert vertex is not None
    page.mouse.move(vertex["x"] + vertex["width"] / 2, vertex["y"] + vertex["height"] / 2)
    page.mouse.down()
    moved_to = stage.screen(400, 460)
    page.mouse.move(*moved_to, steps=4)
    page.mouse.up()
    top_edge_y = outline[0][1]
    page.mouse.dblclick(*stage.screen(400, top_edge_y))  # a vertex on the top edge
    expect(page.locator("[data-handle=v3]")).to_have_count(1)
    first = page.locator("[data-handle=v0]").bounding_box()
    assert first is not None
    page.keyboard.down("Alt")                            # and remove the first one
    page.mouse.click(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    page.keyboard.up("Alt")
    expect(page.locator("[data-handle=v3]")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="All changes saved")).to_be_visible()

    box, polygon = project.draft(task_id)["regions"]
    left, top = round(drawn["x"] + dx, 2), round(drawn["y"] + dy, 2)
    assert box["value"] == pytest.approx({
        "class": "car", "x": left - 1, "y": top - 10, "width": resized_to[0] - left,
        "height": resized_to[1] - top, "rotation": 0}, abs=0.011)
    [inserted, second, third] = polygon["value"]["points"]
    assert inserted[1] == pytest.approx(top_edge_y, abs=0.011) and 300 < inserted[0] < 500
    assert second == list(outline[1]) and third == list(stage.image(*moved_to))
