"""The video stage in a real headless Chromium against a real `accord serve`: a generated
WebM stepped frame by frame, a track drawn on one frame and moved on another (the frames
between show the interpolated box), a keyframe's attribute, the object leaving the view,
day and night segments; the API holds exactly those keyframes and segments, and the MOT and
CVAT video exports read back to the same tracks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from accord.client import Client
from accord.core.regions import Keyframe
from accord.core.tracks import boxes_at
from e2e.conftest import ARTIFACTS
from e2e.labeling import PASSWORD, log_in, shown_task_id, token_by_login
from e2e.reviewing import log_in_as
from e2e.test_accessibility import violations
from e2e.test_shell import watch_errors
from e2e.video_support import FRAMES, VideoCanvas, drawn_box, make_video_labeling, round2

pytestmark = pytest.mark.e2e

REFERENCE = (Path(__file__).resolve().parents[2] / "frontend" / "src" / "editor" / "video"
             / "tracks.reference.json")


def open_video(page: Page, project) -> tuple[int, VideoCanvas]:  # type: ignore[no-untyped-def]
    log_in(page, project, f"/projects/{project.project_id}/label")
    canvas = VideoCanvas(page)
    canvas.wait_ready()
    return shown_task_id(page), canvas


def track_boxes(keyframes: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Every frame's box and visibility, as core/tracks.py defines them."""
    keys = [Keyframe(k["frame"], k["x"], k["y"], k["width"], k["height"],
                     bool(k.get("outside"))) for k in keyframes]
    return boxes_at(keys, np.arange(FRAMES))


def test_the_stage_interpolates_as_the_server_does():
    """The vitest reference of frontend/src/editor/video/tracks.test.ts is what
    core/tracks.py computes today (so the two cannot drift apart unnoticed)."""
    reference = json.loads(REFERENCE.read_text())
    for name, track in reference["tracks"].items():
        boxes, visible = boxes_at([Keyframe(**k) for k in track["keyframes"]], np.arange(17))
        expected = [list(b) if v else None for b, v in zip(boxes.tolist(), visible, strict=True)]
        assert expected == track["boxes"], name


def test_a_track_across_two_keyframes_is_stored_exactly_and_exports_read_back(
        page: Page, live_server, tmp_path, screenshot):
    project = make_video_labeling(live_server.url, live_server.data_dir)
    errors = watch_errors(page)
    try:
        task_id, canvas = open_video(page, project)
        keyboard = page.keyboard

        page.get_by_role("button", name="car").click()
        canvas.go_to(10)
        a, b = canvas.drag((40, 50), (100, 110))
        first = drawn_box(a, b)
        expect(canvas.box("r1")).to_have_attribute("data-keyframe", "true")

        canvas.view.focus()
        for _ in range(3):
            keyboard.press("Shift+ArrowRight")  # 10 frames forward
        canvas.wait_frame(40)
        expect(canvas.box("r1")).to_have_attribute("data-keyframe", "false")  # held after its only keyframe
        grab = (first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
        c, d = canvas.drag(grab, (grab[0] + 100, grab[1] + 40))
        second = {"x": round2(first["x"] + d[0] - c[0]), "y": round2(first["y"] + d[1] - c[1]),
                  "width": first["width"], "height": first["height"]}
        expect(canvas.box("r1")).to_have_attribute("data-keyframe", "true")
        panel = page.get_by_role("group", name="Selected track or segment")
        panel.get_by_label("occluded").check()  # from frame 40 on

        # Between the keyframes the box is interpolated: frame 25 is half way.
        keyboard.press("ArrowLeft")
        canvas.wait_frame(39)
        canvas.go_to(25)
        expect(canvas.box("r1")).to_have_attribute("data-keyframe", "false")
        halfway = [round((first[k] + second[k]) / 2, 6) for k in ("x", "y", "width", "height")]
        assert [round(v, 6) for v in canvas.box_value("r1")] == halfway
        page.screenshot(path=str(ARTIFACTS / "video-interpolated-frame.png"))

        canvas.go_to(60)
        keyboard.press("o")  # the car leaves the view here
        expect(canvas.box("r1")).to_have_count(0)
        keyboard.press("ArrowRight")
        canvas.wait_frame(61)
        expect(canvas.box("r1")).to_have_count(0)

        # Day for frames 0-29 (a range), night for frame 30 (one frame, by key).
        page.get_by_role("button", name="day").click()
        canvas.go_to(0)
        panel.get_by_role("button", name="Start range").click()
        canvas.go_to(29)
        panel.get_by_role("button", name="End range (from frame 0)").click()
        keyboard.press("Escape")  # else picking night would relabel the selected day segment
        page.get_by_role("button", name="night").click()
        canvas.go_to(30)
        canvas.view.focus()
        keyboard.press("m")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("1 submitted this session")).to_be_visible()

        [annotation] = project.annotations(task_id)
        regions = sorted(annotation["regions"], key=lambda r: r["id"])
        [track] = [r for r in regions if r["type"] == "video_track"]
        assert track["value"]["class"] == "car" and track["value"]["track_id"] == 1
        assert track["attributes"] == {"occluded": False}
        assert [{k: v for k, v in kf.items() if v is not False} for kf in track["value"]["keyframes"]] == [
            {"frame": 10, **first},
            {"frame": 40, **second, "attributes": {"occluded": True}},
            {"frame": 60, **second, "outside": True},
        ]
        assert sorted((r["value"]["class"], r["value"]["start"], r["value"]["end"])
                      for r in regions if r["type"] == "video_segment") == [
            ("day", 0, 30), ("night", 30, 31)]

        for fmt in ("mot", "cvat_video"):
            copy = make_video_labeling(live_server.url, live_server.data_dir, tasks=0)
            try:
                path = tmp_path / f"export-{fmt}.zip"
                with path.open("wb") as out:
                    project.manager.export(project.project_id, out, format=fmt)
                copy.manager.import_file(copy.project_id, path, format=fmt)
                [task] = list(copy.manager.list_tasks(copy.project_id))
                [imported] = copy.annotations(task["id"])
                [back] = [r for r in imported["regions"] if r["type"] == "video_track"]
                assert (back["value"]["class"], back["value"]["track_id"]) == ("car", 1), fmt
                assert [(k["frame"], bool(k.get("outside"))) for k in back["value"]["keyframes"]] == [
                    (10, False), (40, False), (60, True)], fmt
                theirs, ours = track_boxes(back["value"]["keyframes"]), track_boxes(track["value"]["keyframes"])
                assert np.array_equal(theirs[1], ours[1]), fmt
                assert np.allclose(theirs[0], ours[0], atol=1e-6), fmt
            finally:
                copy.close()
        assert errors == []
    finally:
        project.close()


def test_stepping_by_key_shows_each_frame_the_video_presents(page: Page, live_server, screenshot):
    project = make_video_labeling(live_server.url, live_server.data_dir)
    try:
        _, canvas = open_video(page, project)
        canvas.view.focus()
        keyboard = page.keyboard
        for key, frame in [("ArrowRight", 1), ("ArrowRight", 2), ("Shift+ArrowRight", 12),
                           ("ArrowLeft", 11), ("End", FRAMES - 1), ("Shift+ArrowLeft", FRAMES - 11),
                           ("Home", 0), ("ArrowLeft", 0)]:
            keyboard.press(key)
            canvas.wait_frame(frame)
        expect(page.get_by_label("Current frame")).to_have_text("0")
        keyboard.press("Space")
        expect(canvas.view).to_have_attribute("data-playing", "true")
        expect(canvas.view).not_to_have_attribute("data-frame", "0")  # playback moves the frame
        keyboard.press("Space")
        expect(canvas.view).to_have_attribute("data-playing", "false")
        played = canvas.frame()
        assert played > 0
        canvas.wait_frame(played)  # paused on a whole frame, presented
    finally:
        project.close()


def track(region_id: str, cls: str, track_id: int, *keyframes: tuple[int, float, float]) -> dict:
    return {"id": region_id, "label": "objects", "type": "video_track",
            "value": {"class": cls, "track_id": track_id, "keyframes": [
                {"frame": f, "x": x, "y": y, "width": 40, "height": 30} for f, x, y in keyframes]}}


def plain(value: dict) -> dict:
    """A track's value without the `outside: false` the server may spell out."""
    return {**value, "keyframes": [{k: v for k, v in kf.items() if v is not False}
                                   for kf in value["keyframes"]]}


def test_an_adjudicator_takes_one_annotators_track_by_a_click_on_its_box(page: Page, live_server,
                                                                          screenshot):
    """Two annotators disagree on the car's path; the adjudicator sees both tracks on the
    video in their colours and takes the second one's by clicking its box on a frame between
    its keyframes (an interpolated box)."""
    project = make_video_labeling(live_server.url, live_server.data_dir)
    first = [track("r1", "car", 1, (0, 10, 10), (40, 200, 150))]
    second = [track("r1", "car", 1, (0, 10, 10), (40, 10, 150))]
    reviewer, other = f"rev-{project.annotator}", f"ann2-{project.annotator}"
    clients = [project.annotator_client]
    try:
        manager = project.manager
        for email, role in ((reviewer, "reviewer"), (other, "annotator")):
            manager.create_user(email, password=PASSWORD)
            manager.add_member(project.project_id, email, role)
        clients.append(Client(project.url, token=token_by_login(project.url, other)))
        manager.set_workflow(project.project_id, overlap=2, review_sample=0.0,
                             consensus_threshold=0.99)
        answers = []
        for client, regions in zip(clients, (first, second), strict=True):
            offer = client.next_task(project.project_id, "label")
            answers.append(client.submit_annotation(project.project_id, offer["task"]["id"],
                                                    regions, lead_time_s=5.0))
        task_id = answers[0]["task_id"]
        assert manager.get_task(project.project_id, task_id)["state"] == "adjudicate"

        errors = watch_errors(page)
        log_in_as(page, project.url, reviewer, f"/projects/{project.project_id}/adjudicate")
        canvas = VideoCanvas(page)
        canvas.wait_ready()
        clear = page.get_by_role("button", name="Clear")
        if clear.is_enabled():
            clear.click()
        expect(canvas.view.locator("rect[data-region]")).to_have_count(0)
        canvas.go_to(20)
        source = answers[1]["id"]
        theirs = canvas.view.locator(f'rect.video-box--overlay[data-source="{source}"]')
        expect(theirs).to_have_attribute("data-keyframe", "false")
        assert [theirs.get_attribute(k) for k in ("x", "y")] == ["10", "80"]  # half way down
        page.mouse.click(*canvas.screen(30, 95))
        expect(canvas.view.locator("rect[data-region]")).to_have_count(1)
        canvas.view.click(position={"x": 5, "y": 5})
        page.keyboard.press("Control+Enter")
        expect(page.get_by_role("status").filter(has_text="adjudicated")).to_be_visible()

        [final] = [a for a in manager.list_annotations(project.project_id, task_id)
                   if a["stage"] == "adjudicate"]
        assert [plain(r["value"]) for r in final["regions"]] == [second[0]["value"]]
        assert errors == []
    finally:
        project.close()
        for client in clients[1:]:
            client.close()


def test_a_reviewer_steps_through_a_track_read_only_and_accepts_it(page: Page, live_server,
                                                                    screenshot):
    """The review shows the answer on the same stage, read-only: the interpolated box on each
    frame, the playback keys in the help, no box drawn by a drag; no accessibility violation
    there or in the label stream."""
    project = make_video_labeling(live_server.url, live_server.data_dir, tasks=2)
    reviewer = f"rev-{project.annotator}"
    try:
        manager = project.manager
        manager.create_user(reviewer, password=PASSWORD)
        manager.add_member(project.project_id, reviewer, "reviewer")
        manager.set_workflow(project.project_id, overlap=1, review_sample=1.0)
        client = project.annotator_client
        offer = client.next_task(project.project_id, "label")
        answer = client.submit_annotation(project.project_id, offer["task"]["id"],
                                          [track("r1", "car", 4, (0, 10, 10), (40, 200, 150))],
                                          lead_time_s=5.0)
        errors = watch_errors(page)
        _, canvas = open_video(page, project)  # the annotator's next task, for axe
        assert violations(page) == []
        page.context.clear_cookies()

        log_in_as(page, project.url, reviewer, f"/projects/{project.project_id}/review")
        canvas.wait_ready()
        canvas.go_to(20)
        expect(canvas.box("r1")).to_have_attribute("data-keyframe", "false")
        assert [canvas.box("r1").get_attribute(k) for k in ("x", "y")] == ["105", "80"]
        canvas.drag((250, 20), (300, 60))  # an empty spot: nothing is drawn
        expect(canvas.view.locator("rect[data-region]")).to_have_count(1)
        canvas.view.focus()
        page.keyboard.press("ArrowRight")
        canvas.wait_frame(21)
        assert violations(page) == []
        page.keyboard.press("?")
        help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
        for text in ("Play or pause", "Next frame", "10 frames forward", "Next keyframe"):
            expect(help_dialog.get_by_role("row", name=re.compile(re.escape(text)))).to_be_visible()
        expect(help_dialog.get_by_role("row", name=re.compile("leaves or re-enters"))).to_have_count(0)
        page.keyboard.press("Escape")
        page.keyboard.press("a")
        expect(page.get_by_role("heading", name="Every answer is judged")).to_be_visible()
        task = manager.get_task(project.project_id, answer["task_id"])
        assert task["state"] == "done"
        assert errors == []
    finally:
        project.close()


def test_a_models_track_and_segment_are_taken_in_by_a_click(page: Page, live_server, screenshot):
    """Pre-labels: the model's box on the frame (dashed, apart from the work) and its segment
    on the timeline; a click on each takes it into the work, unchanged."""
    predicted_track = track("p1", "person", 7, (0, 30, 40), (50, 90, 40))
    predicted_scene = {"id": "p2", "label": "scene", "type": "video_segment",
                       "value": {"class": "night", "start": 20, "end": 45}}
    project = make_video_labeling(live_server.url, live_server.data_dir,
                                  predictions=[predicted_track, predicted_scene])
    try:
        errors = watch_errors(page)
        task_id, canvas = open_video(page, project)
        suggestion = canvas.view.locator("rect.video-box--prediction")
        expect(suggestion).to_have_count(1)
        canvas.go_to(25)
        assert [suggestion.get_attribute(k) for k in ("x", "y")] == ["60", "40"]
        page.mouse.click(*canvas.screen(80, 55))
        expect(canvas.view.locator("rect[data-region]")).to_have_count(1)
        expect(suggestion).to_have_count(0)
        canvas.click_timeline(0, 30)
        expect(page.get_by_role("list", name="Regions", exact=True).get_by_role("listitem")).to_have_count(2)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("1 submitted this session")).to_be_visible()
        [annotation] = project.annotations(task_id)
        values = sorted((r["type"], json.dumps(plain(r["value"]) if r["type"] == "video_track"
                                              else r["value"], sort_keys=True))
                        for r in annotation["regions"])
        assert values == sorted([("video_track", json.dumps(predicted_track["value"], sort_keys=True)),
                                 ("video_segment", json.dumps(predicted_scene["value"], sort_keys=True))])
        assert errors == []
    finally:
        project.close()


def test_a_models_track_taken_in_gets_a_free_track_id_when_the_work_has_its_id(
        page: Page, live_server, screenshot):
    """The model numbers its tracks from 1 as the editor does: its track 1, taken in after
    the annotator drew track 1, becomes track 2 (one more than the highest), so the stored
    answer holds two objects, not one id for both."""
    predicted = track("p1", "person", 1, (0, 30, 40), (50, 90, 40))
    project = make_video_labeling(live_server.url, live_server.data_dir, predictions=[predicted])
    try:
        errors = watch_errors(page)
        task_id, canvas = open_video(page, project)
        page.get_by_role("button", name="car").click()
        canvas.go_to(25)
        a, b = canvas.drag((200, 150), (260, 200))
        drawn = drawn_box(a, b)
        expect(canvas.box("r1")).to_have_attribute("data-track-id", "1")
        page.mouse.click(*canvas.screen(80, 55))  # the model's box on frame 25
        expect(canvas.view.locator("rect[data-region]")).to_have_count(2)
        expect(canvas.view.locator('rect[data-region="r2"]')).to_have_attribute("data-track-id", "2")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("1 submitted this session")).to_be_visible()
        [annotation] = project.annotations(task_id)
        tracks = sorted((plain(r["value"]) for r in annotation["regions"]),
                        key=lambda v: v["track_id"])
        assert [(v["class"], v["track_id"]) for v in tracks] == [("car", 1), ("person", 2)]
        assert tracks[0]["keyframes"] == [{"frame": 25, **drawn}]
        assert tracks[1] == {**predicted["value"], "track_id": 2}
        assert errors == []
    finally:
        project.close()
