"""Waveform peaks (`…/media/{field}?peaks=true`): a recording's summary, small, kept by the
browser for a while, and only for recordings a visible task references."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from accord.media import peaks
from builders import media_tasks

RATE = 16000


def wav(seconds: float, amplitude: float) -> bytes:
    out = io.BytesIO()
    t = np.arange(int(seconds * RATE)) / RATE
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((amplitude * np.sin(2 * np.pi * 300 * t) * 32767).astype("<i2").tobytes())
    return out.getvalue()


@pytest.fixture
def recordings(settings, session, world):  # type: ignore[no-untyped-def]
    files = {
        "r/long.wav": wav(60, 0.5),
        "r/photo.png": b"\x89PNG\r\n\x1a\n" + bytes(32),
        "r/broken.wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24),
    }
    return media_tasks(session, world, settings.data_dir / "media", files)


def url(world, task_id: int) -> str:  # type: ignore[no-untyped-def]
    return f"/api/projects/{world.project_id}/tasks/{task_id}/media/image"


def test_a_recording_is_summarised_in_a_small_answer_the_browser_may_keep(
        as_, world, recordings, settings):
    response = as_("annotator").get(url(world, recordings["r/long.wav"]),
                                    params={"peaks": "true"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["cache-control"] == "private, max-age=300"
    assert response.headers["content-disposition"].startswith("attachment")
    assert "content-range" not in response.headers
    summary = peaks.decode(response.content)
    assert (summary.channels, summary.sample_rate, summary.length) == (1, RATE, 60 * RATE)
    assert len(response.content) < 10_000 < 60 * RATE * 2
    fine = summary.levels[0]
    assert fine.max.max() == 64 and fine.min.min() == -64  # ceil / floor of 0.5 * 127
    assert [level.block for level in summary.levels] == [256, 4096]
    # made once, with the fine peaks beside it
    assert len(list((settings.data_dir / "cache" / "peaks").rglob("*.peaks"))) == 2
    again = as_("reviewer").get(url(world, recordings["r/long.wav"]), params={"peaks": "true"})
    assert again.content == response.content
    fine = as_("annotator").get(url(world, recordings["r/long.wav"]), params={"peaks": "fine"})
    assert fine.status_code == 200 and fine.headers["cache-control"] == "private, max-age=300"
    detailed = peaks.decode(fine.content)
    assert [level.block for level in detailed.levels] == [16, 256, 4096]
    assert detailed.levels[1].min.tobytes() == summary.levels[0].min.tobytes()
    assert as_("annotator").get(url(world, recordings["r/long.wav"]),
                                params={"peaks": "all"}).status_code == 422


def test_an_image_or_an_undecodable_file_is_a_422_naming_the_field(as_, world, recordings):
    for key, message in (("r/photo.png", "photo.png is image/png, not a recording"),
                         ("r/broken.wav", "broken.wav")):
        response = as_("annotator").get(url(world, recordings[key]), params={"peaks": "true"})
        assert response.status_code == 422, response.text
        body = response.json()
        assert message in body["message"] and body["details"]["field"] == "image"


def test_peaks_and_a_preview_at_once_are_refused(as_, world, recordings):
    response = as_("annotator").get(url(world, recordings["r/long.wav"]),
                                    params={"peaks": "true", "size": 64})
    assert response.status_code == 422 and response.json()["details"]["field"] == "peaks"


def test_only_a_visible_task_has_peaks(as_, world, recordings):
    task = recordings["r/long.wav"]
    assert as_("outsider").get(url(world, task), params={"peaks": "true"}).status_code == 404
    assert as_("anonymous").get(url(world, task), params={"peaks": "true"}).status_code == 401
    missing = f"/api/projects/{world.project_id}/tasks/{task}/media/nothing"
    assert as_("annotator").get(missing, params={"peaks": "true"}).status_code == 404
