"""Audio in a real headless Chromium against a real `accord serve`: segments dragged on the
waveform, their transcriptions and the recording's tags are exactly what the API stores and
what the segments JSONL export gives back; the <audio> element seeks through the media route
(range requests), plays and pauses by key, at the speed chosen."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accord.media import synthetic_audio
from e2e.audio_support import (
    Waveform,
    make_audio_labeling,
    make_audio_reviewing,
    round_ms,
    segment,
    segment_of,
    wait_for_waveform,
    words_of,
    write_tones,
)
from e2e.labeling import log_in, shown_task_id
from e2e.reviewing import log_in_as
from e2e.test_accessibility import violations
from e2e.test_shell import watch_errors

pytestmark = pytest.mark.e2e


def open_recording(page: Page, project) -> int:  # type: ignore[no-untyped-def]
    log_in(page, project, f"/projects/{project.project_id}/label")
    wait_for_waveform(page)
    return shown_task_id(page)


def audio_state(page: Page) -> dict:
    return page.evaluate("""() => { const a = document.querySelector('.audio-stage audio');
        return {paused: a.paused, time: a.currentTime, rate: a.playbackRate, duration: a.duration,
                seekable: a.seekable.length ? [a.seekable.start(0), a.seekable.end(0)] : []}; }""")


def until(page: Page, condition: Callable[[dict], bool], attempts: int = 200) -> dict:
    """The <audio> element's state once `condition` holds (polled in the page: the CSP
    forbids the string evaluation wait_for_function uses)."""
    for _ in range(attempts):
        state = audio_state(page)
        if condition(state):
            return state
        page.wait_for_timeout(50)
    raise AssertionError(f"the recording never got there; it is {audio_state(page)}")


def test_segments_dragged_on_the_waveform_with_their_text_and_tags_are_what_the_api_holds(
        page: Page, live_server, screenshot):
    project = make_audio_labeling(live_server.url, live_server.data_dir)
    try:
        errors = watch_errors(page)
        task_id = open_recording(page, project)
        wave = Waveform(page)
        # The first class is picked: a drag over the first tone makes a speech segment.
        speech = wave.drag(1.0, 2.0)
        expect(segment(page, "r1")).to_have_count(1)
        words = page.locator(".audio-stage__transcript textarea")
        expect(words).to_have_count(1)
        words.fill("hello there")
        # With a segment selected a class relabels it: Escape lets it go, then the second
        # class is picked, and a drag that overlaps the first segment goes on a lane below.
        words.press("Escape")
        expect(words).to_have_count(0)
        page.get_by_role("button", name="noise").click()
        noise = wave.drag(1.5, 3.4)
        expect(segment(page, "r3")).to_have_count(1)
        first, second = segment(page, "r1").bounding_box(), segment(page, "r3").bounding_box()
        assert first is not None and second is not None and second["y"] > first["y"]
        # Its end edge dragged 30 px later.
        right = second["x"] + second["width"] - 1
        middle = second["y"] + second["height"] / 2
        page.mouse.move(right, middle)
        page.mouse.down()
        page.mouse.move(right + 15, middle, steps=2)
        page.mouse.move(right + 30, middle, steps=2)
        page.mouse.up()
        noise = (noise[0], round_ms(wave.time(right + 30)))
        page.locator(".audio-stage__transcript textarea").fill("static")
        page.get_by_role("checkbox", name="music").check()
        page.get_by_role("radio", name="clean").check()
        # A pixel is 1/pxPerS seconds: the drags must land within a pixel of where they aimed.
        px = 1 / float(page.get_by_role("application", name="Waveform").get_attribute("data-px-per-s") or "nan")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("1 submitted this session")).to_be_visible()

        [annotation] = project.annotations(task_id)
        regions = sorted(annotation["regions"], key=lambda r: int(r["id"][1:]))
        assert regions == [
            {"id": "r1", "label": "sounds", "type": "audio_segment",
             "value": {"class": "speech", "start": speech[0], "end": speech[1]}},
            {"id": "r2", "label": "words", "type": "transcription",
             "value": {"text": "hello there", "region": "r1"}},
            {"id": "r3", "label": "sounds", "type": "audio_segment",
             "value": {"class": "noise", "start": noise[0], "end": noise[1]}},
            {"id": "r4", "label": "words", "type": "transcription",
             "value": {"text": "static", "region": "r3"}},
            {"id": "r5", "label": "tags", "type": "multilabel", "value": {"classes": ["music"]}},
            {"id": "r6", "label": "quality", "type": "classification", "value": {"class": "clean"}},
        ]
        assert abs(speech[0] - 1.0) <= px and abs(speech[1] - 2.0) <= px and abs(noise[0] - 1.5) <= px

        out = io.BytesIO()
        project.manager.export(project.project_id, out, format="segments_jsonl")
        [line] = [json.loads(x) for x in out.getvalue().decode().splitlines() if x.strip()]
        assert line["segments"] == [
            {"start": speech[0], "end": speech[1], "label": "speech", "text": "hello there"},
            {"start": noise[0], "end": noise[1], "label": "noise", "text": "static"},
        ]
        assert errors == []
    finally:
        project.close()


def test_the_export_reads_back_into_a_project_as_the_same_segments(page: Page, live_server,
                                                                  tmp_path, screenshot):
    project = make_audio_labeling(live_server.url, live_server.data_dir)
    copy = make_audio_labeling(live_server.url, live_server.data_dir, tasks=0)
    try:
        task_id = open_recording(page, project)
        wave = Waveform(page)
        spans = [wave.drag(0.9, 2.1), wave.drag(2.45, 3.55)]
        page.locator(".audio-stage__transcript textarea").fill("second tone")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("1 submitted this session")).to_be_visible()

        path = tmp_path / "segments.jsonl"
        with path.open("wb") as out:
            project.manager.export(project.project_id, out, format="segments_jsonl")
        project.manager.import_file(copy.project_id, path, format="segments_jsonl")
        [task] = list(copy.manager.list_tasks(copy.project_id))
        [imported] = copy.annotations(task["id"])
        [original] = project.annotations(task_id)

        def content(regions: list[dict]) -> list[tuple]:
            by_id = {r["id"]: r for r in regions}
            return sorted((r["type"], json.dumps(r["value"] if r["type"] != "transcription" else {
                "text": r["value"]["text"], "of": by_id[r["value"]["region"]]["value"]},
                sort_keys=True)) for r in regions)

        assert content(imported["regions"]) == content(original["regions"])
        assert [(r["value"]["start"], r["value"]["end"]) for r in original["regions"]
                if r["type"] == "audio_segment"] == spans
    finally:
        project.close()
        copy.close()


def test_the_recording_seeks_through_the_media_route_plays_by_key_at_the_chosen_speed(
        page: Page, live_server, screenshot):
    project = make_audio_labeling(live_server.url, live_server.data_dir)
    try:
        errors = watch_errors(page)
        open_recording(page, project)
        wave = Waveform(page)
        assert audio_state(page)["duration"] == pytest.approx(4.0, abs=1e-3)
        page.get_by_label("Playback speed").select_option("1.5")
        assert audio_state(page)["rate"] == 1.5
        # A click seeks (and takes the keys back from the speed box); Chromium seeks a
        # streamed file only when the server answers range requests.
        target = wave.click(3.0)
        until(page, lambda a: abs(a["time"] - target) < 0.01)
        state = audio_state(page)
        assert state["seekable"] == [0, pytest.approx(4.0, abs=1e-3)]
        assert state["paused"]
        page.keyboard.press("]")
        assert audio_state(page)["rate"] == 2
        page.keyboard.press("Space")
        until(page, lambda a: not a["paused"] and a["time"] > target + 0.1)
        page.keyboard.press("Space")
        until(page, lambda a: a["paused"])
        expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
        # The help overlay lists the stage's keys.
        page.get_by_role("button", name="Keyboard shortcuts").click()
        expect(page.get_by_text("Play or pause")).to_be_visible()
        assert errors == []
    finally:
        project.close()


FIRST = [segment_of("r1", "speech", 1.0, 2.0), words_of("r2", "r1", "low tone"),
         segment_of("r3", "noise", 2.5, 3.5)]
SECOND = [segment_of("s1", "speech", 0.95, 2.05), segment_of("s2", "speech", 2.5, 3.5),
          words_of("s3", "s2", "high tone")]


def test_an_adjudicator_takes_segments_with_their_text_from_two_candidates(
        page: Page, live_server, screenshot):
    r = make_audio_reviewing(live_server.url, live_server.data_dir, [FIRST, SECOND],
                             consensus_threshold=0.99, review_sample=0.0)
    try:
        assert r.manager.get_task(r.project_id, r.task_id)["state"] == "adjudicate"
        errors = watch_errors(page)
        log_in_as(page, r.url, r.reviewer, f"/projects/{r.project_id}/adjudicate")
        wait_for_waveform(page)
        regions = page.get_by_role("list", name="Regions", exact=True).get_by_role("listitem")
        page.get_by_role("button", name="Clear").click()
        expect(regions).to_have_count(0)
        # Each candidate has its band, in its colour, named after its author.
        first, second = r.annotators[0][0], r.annotators[1][0]
        bands = page.locator(".audio-band--overlay")
        expect(bands).to_have_count(2)
        expect(page.get_by_role("group", name=first, exact=True)).to_have_count(1)
        # The first candidate's speech segment comes with its text; the second's later speech
        # with its own.
        page.get_by_role("group", name=first, exact=True).locator('[data-region="r1"]').click()
        page.get_by_role("group", name=second, exact=True).locator('[data-region="s2"]').click()
        expect(regions).to_have_count(2)
        assert violations(page) == []
        page.get_by_role("application", name="Waveform").click(position={"x": 5, "y": 5})
        page.keyboard.press("Control+Enter")
        expect(page.get_by_role("status").filter(has_text="adjudicated")).to_be_visible()

        [final] = [a for a in r.manager.list_annotations(r.project_id, r.task_id)
                   if a["stage"] == "adjudicate"]
        by_id = {x["id"]: x for x in final["regions"]}
        taken = sorted((x["value"]["start"], x["value"]["end"], x["value"]["class"],
                        [t["value"]["text"] for t in final["regions"]
                         if t["type"] == "transcription" and t["value"]["region"] == x["id"]])
                       for x in final["regions"] if x["type"] == "audio_segment")
        assert taken == [(1.0, 2.0, "speech", ["low tone"]), (2.5, 3.5, "speech", ["high tone"])]
        assert len(by_id) == 4
        assert errors == []
    finally:
        r.close()


def test_a_reviewer_sees_the_answer_read_only_and_reads_a_segments_text(
        page: Page, live_server, screenshot):
    r = make_audio_reviewing(live_server.url, live_server.data_dir, [FIRST], review_sample=1.0)
    try:
        task = r.manager.get_task(r.project_id, r.task_id)
        assert task["state"] == "review", task
        errors = watch_errors(page)
        log_in_as(page, r.url, r.reviewer, f"/projects/{r.project_id}/review")
        wait_for_waveform(page)
        expect(page.locator(".audio-stage--readonly")).to_have_count(1)
        expect(page.locator(".audio-band--work .audio-segment")).to_have_count(2)
        # Selecting the answer's segment shows its text, which cannot be edited.
        segment(page, "r1").click()
        words = page.locator(".audio-stage__transcript textarea")
        expect(words).to_have_value("low tone")
        expect(words).to_have_attribute("readonly", "")
        assert violations(page) == []
        assert errors == []
    finally:
        r.close()


def test_a_spoken_clip_gets_its_first_sentence_segmented_and_transcribed(
        page: Page, live_server, screenshot):
    """The sample speech (espeak-ng, or tone bursts without it), as the demo makes it."""
    folder = live_server.data_dir / "media" / f"speech-{secrets.token_hex(4)}"
    [clip] = synthetic_audio.generate(folder, 1, seed=8)
    key = f"{folder.name}/{clip.filename}"
    project = make_audio_labeling(live_server.url, live_server.data_dir, media=[key])
    try:
        errors = watch_errors(page)
        task_id = open_recording(page, project)
        assert audio_state(page)["duration"] == pytest.approx(clip.duration_s, abs=1e-3)
        first = clip.utterances[0]
        spoken = Waveform(page).drag(first.start_s, first.end_s)
        page.locator(".audio-stage__transcript textarea").fill(first.text)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("1 submitted this session")).to_be_visible()
        [annotation] = project.annotations(task_id)
        assert annotation["regions"] == [
            {"id": "r1", "label": "sounds", "type": "audio_segment",
             "value": {"class": "speech", "start": spoken[0], "end": spoken[1]}},
            {"id": "r2", "label": "words", "type": "transcription",
             "value": {"text": first.text, "region": "r1"}}]
        assert errors == []
    finally:
        project.close()


def test_the_waveform_comes_from_the_servers_peaks_and_the_fine_ones_only_for_close_zoom(
        page: Page, live_server, screenshot):
    """A minute of recording fits the view at under 30 px a second, coarser than the
    summary's 256-sample blocks (62.5 px a second at 16 kHz): the page fetches the summary,
    and the fine peaks only once zoomed closer; never the file itself (the <audio> element
    streams that for playback)."""
    key = f"e2e-{secrets.token_hex(4)}/long.wav"
    write_tones(live_server.data_dir / "media" / key, ((10.0, None), (20.0, 440.0),
                                                       (30.0, None)))
    project = make_audio_labeling(live_server.url, live_server.data_dir, media=[key])
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.resource_type == "fetch" else None)
    try:
        errors = watch_errors(page)
        open_recording(page, project)
        media = [u for u in fetched if "/media/audio" in u]
        assert media and all(u.endswith("/media/audio?peaks=true") for u in media), media
        wave_area = page.get_by_role("application", name="Waveform")
        assert float(wave_area.get_attribute("data-px-per-s") or "nan") < 16000 / 256
        zoom_in = page.get_by_role("button", name="Zoom in")
        while float(wave_area.get_attribute("data-px-per-s") or "nan") <= 16000 / 256:
            zoom_in.click()
        expect(page.get_by_text("Fetching the fine peaks for close zoom…")).to_have_count(0)
        media = [u.rsplit("/", 1)[1] for u in fetched if "/media/audio" in u]
        assert media == ["audio?peaks=true", "audio?peaks=fine"], media
        assert errors == []
    finally:
        project.close()


def test_without_the_servers_peaks_the_browser_decodes_the_file_and_says_why(
        page: Page, live_server, screenshot):
    project = make_audio_labeling(live_server.url, live_server.data_dir)
    page.route("**/media/audio?peaks=true", lambda route: route.fulfill(
        status=422, json={"message": "the summary is off for this test"}))
    try:
        open_recording(page, project)
        expect(page.get_by_text("Waveform drawn from the file in the browser, as the server "
                                "could not summarise it: the summary is off for this test."
                                )).to_be_visible()
        wave = Waveform(page)
        speech = wave.drag(1.0, 2.0)
        expect(segment(page, "r1")).to_have_count(1)
        assert speech[0] == pytest.approx(1.0, abs=0.01)
    finally:
        project.close()
