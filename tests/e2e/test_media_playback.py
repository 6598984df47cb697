"""The sample media, served by Accord's media route, plays and seeks in Debian's Chromium:
a <video>/<audio> needs byte ranges to seek, a known duration, and a frame rate that puts
frame n at n / fps. No web build is needed: the browser opens the media URL itself."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from accord.client import Client
from accord.media import sample_projects, synthetic_audio, synthetic_video
from e2e.conftest import LiveServer
from e2e.labeling import admin_token

pytestmark = pytest.mark.e2e

SEEK = """(t) => new Promise((done, failed) => {
  const media = document.querySelector("video, audio");
  media.pause();  // a media document starts playing by itself
  media.addEventListener("seeked", () => done(media.currentTime), {once: true});
  media.addEventListener("error", () => failed(String(media.error?.message)), {once: true});
  media.currentTime = t;
})"""
#: Plays to the end, counting the frames the compositor presents and the last one's time.
PLAY_ALL = """() => new Promise((done) => {
  const video = document.querySelector("video");
  let frames = 0, last = -1;
  const count = (_, meta) => { frames++; last = meta.mediaTime;
                               if (!video.ended) video.requestVideoFrameCallback(count); };
  video.requestVideoFrameCallback(count);
  video.addEventListener("ended", () => done([frames, last]), {once: true});
  video.muted = true; video.playbackRate = 2; video.currentTime = 0; video.play();
})"""


def media_task(live_server: LiveServer, schema: dict[str, Any], field: str, key: str,
               data: dict[str, Any]) -> tuple[str, str]:
    """A project with one task naming `key`; (the task's media URL, an admin token)."""
    token = admin_token(live_server.url, live_server.data_dir)
    with Client(live_server.url, token=token) as manager:
        project = manager.create_project(f"Media {secrets.token_hex(3)}")
        manager.publish_schema(project["id"], schema)
        manager.create_tasks(project["id"], [{"data": {field: key, **data}}])
        [task] = manager.list_tasks(project["id"])
    return f"{live_server.url}/api/projects/{project['id']}/tasks/{task['id']}/media/{field}", token


def open_media(page: Page, url: str, token: str) -> None:
    page.context.set_extra_http_headers({"Authorization": f"Bearer {token}"})
    page.goto(url)
    page.wait_for_function("document.querySelector('video, audio')?.readyState >= 1")


def test_a_sample_video_has_its_duration_seeks_and_shows_every_frame(page: Page,
                                                                     live_server: LiveServer):
    folder = f"e2e-{secrets.token_hex(3)}"
    [video] = synthetic_video.generate(live_server.data_dir / "media" / folder, 1, seed=2,
                                       frame_count=50)
    url, token = media_task(live_server, sample_projects.VIDEO_SCHEMA, "video",
                            f"{folder}/{video.filename}", {"frame_count": video.frame_count})
    open_media(page, url, token)
    assert page.evaluate("document.querySelector('video').duration") == pytest.approx(
        video.duration_s, abs=1e-3)
    assert page.evaluate("document.querySelector('video').videoWidth") == synthetic_video.WIDTH
    for frame in (37, 5, 49):  # frame n starts at n / fps
        assert page.evaluate(SEEK, frame / video.fps) == pytest.approx(frame / video.fps)
    frames, last_time = page.evaluate(PLAY_ALL)
    assert last_time == pytest.approx((video.frame_count - 1) / video.fps, abs=1e-3)
    assert frames >= video.frame_count // 3  # at double speed some frames may be skipped


def test_sample_speech_has_its_duration_and_seeks(page: Page, live_server: LiveServer,
                                                  tmp_path: Path):
    folder = f"e2e-{secrets.token_hex(3)}"
    [clip] = synthetic_audio.generate(live_server.data_dir / "media" / folder, 1, turns=2)
    url, token = media_task(live_server, sample_projects.AUDIO_SCHEMA, "audio",
                            f"{folder}/{clip.filename}", {"duration": clip.duration_s})
    open_media(page, url, token)
    assert page.evaluate("document.querySelector('video, audio').duration") == pytest.approx(
        clip.duration_s, abs=1e-3)
    second = clip.utterances[1].start_s
    assert page.evaluate(SEEK, second) == pytest.approx(second, abs=1e-3)
