"""Set-up for the audio browser tests: a WAV of tones and silences made with `wave`, a
project of audio tasks under the server's media root, and the waveform's own arithmetic
(seconds ↔ page pixels, as frontend/src/editor/audio/timeline.ts computes them) so a test
knows exactly which times a drag stores."""

from __future__ import annotations

import math
import secrets
import struct
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from accord.client import Client
from e2e.labeling import PASSWORD, Labeling, admin_token, token_by_login
from e2e.reviewing import Reviewing, reviewing_of

RATE = 16000
#: (seconds, tone in Hz or None for silence): 4 s in all.
LAYOUT: tuple[tuple[float, float | None], ...] = (
    (1.0, None), (1.0, 440.0), (0.5, None), (1.0, 880.0), (0.5, None))

SCHEMA: dict[str, Any] = {
    "data": [{"name": "audio", "type": "audio"}],
    "labels": [
        {"name": "sounds", "type": "audio_segment", "source": "audio",
         "classes": [{"name": "speech", "hotkey": "1", "color": "#e6194b"},
                     {"name": "noise", "hotkey": "2", "color": "#3cb44b"}]},
        {"name": "words", "type": "transcription", "source": "audio"},
        {"name": "tags", "type": "multilabel", "source": "audio",
         "classes": [{"name": "music"}, {"name": "outdoor"}]},
        {"name": "quality", "type": "classification", "source": "audio",
         "classes": [{"name": "clean"}, {"name": "noisy"}]},
    ],
}


def write_tones(path: Path, layout: tuple[tuple[float, float | None], ...] = LAYOUT) -> float:
    """A 16-bit mono WAV of `layout`; returns its length in seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for seconds, pitch in layout:
        for i in range(round(seconds * RATE)):
            value = 0.0 if pitch is None else 0.6 * math.sin(2 * math.pi * pitch * i / RATE)
            frames += struct.pack("<h", round(value * 32767))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return len(frames) / 2 / RATE


def make_audio_labeling(url: str, data_dir: Path, *, tasks: int = 1,
                        schema: dict[str, Any] | None = None,
                        media: list[str] | None = None) -> Labeling:
    """A fresh project of `tasks` recordings (tones written here), or of the files `media`
    names under the media root, with its own annotator."""
    tag = secrets.token_hex(4)
    annotator = f"ann-{tag}@example.org"
    manager = Client(url, token=admin_token(url, data_dir))
    manager.create_user(annotator, password=PASSWORD)
    project = manager.create_project("Recordings")
    manager.publish_schema(project["id"], schema or SCHEMA)
    manager.add_member(project["id"], annotator, "annotator")
    keys = media if media is not None else [f"e2e-{tag}/clip-{i}.wav" for i in range(tasks)]
    records = []
    for i, key in enumerate(keys):
        if media is None:
            write_tones(data_dir / "media" / key)
        records.append({"data": {"audio": key}, "priority": len(keys) - i})
    if records:
        manager.create_tasks(project["id"], records)
    ids = sorted(t["id"] for t in manager.list_tasks(project["id"]))
    return Labeling(url, data_dir, project["id"], ids, manager, annotator,
                    Client(url, token=token_by_login(url, annotator)))


def wait_for_waveform(page: Page) -> None:
    """The stage is up: the recording's length is known and its waveform drawn."""
    wave_area = page.get_by_role("application", name="Waveform")
    expect(wave_area).to_be_visible()
    expect(wave_area).not_to_have_attribute("data-duration", "0")
    expect(page.get_by_text("Drawing the waveform…")).to_have_count(0, timeout=15_000)
    expect(page.get_by_text("The waveform could not be drawn")).to_have_count(0)


def round_ms(seconds: float) -> float:
    """JavaScript's Math.round(t * 1000) / 1000 (half up, where Python's round is half even)."""
    return math.floor(seconds * 1000 + 0.5) / 1000


@dataclass
class Waveform:
    """Seconds → whole page pixels and back, from the stage's data attributes."""

    page: Page

    def _view(self) -> tuple[float, float, float, float]:
        area = self.page.get_by_role("application", name="Waveform")
        box = area.bounding_box()
        assert box is not None
        start = float(area.get_attribute("data-start") or "nan")
        px_per_s = float(area.get_attribute("data-px-per-s") or "nan")
        return box["x"], box["y"] + box["height"] / 2, start, px_per_s

    def x(self, t: float) -> int:
        left, _, start, px_per_s = self._view()
        return round(left + (t - start) * px_per_s)

    def time(self, page_x: float) -> float:
        """What the stage reads for a pointer at page x, unrounded (timeline.ts timeAt)."""
        left, _, start, px_per_s = self._view()
        return start + (page_x - left) / px_per_s

    def drag(self, t0: float, t1: float) -> tuple[float, float]:
        """Drag across the waveform from t0 to t1; returns the (start, end) the stage stores."""
        _, y, _, _ = self._view()
        a, b = self.x(t0), self.x(t1)
        stored = sorted((round_ms(self.time(a)), round_ms(self.time(b))))
        mouse = self.page.mouse
        mouse.move(a, y)
        mouse.down()
        mouse.move((a + b) / 2, y, steps=3)
        mouse.move(b, y, steps=3)
        mouse.up()
        return stored[0], stored[1]

    def click(self, t: float) -> float:
        """Click the waveform at t; returns the time the stage seeks to."""
        _, y, _, _ = self._view()
        x = self.x(t)
        self.page.mouse.click(x, y)
        return self.time(x)


def segment(page: Page, region_id: str):  # type: ignore[no-untyped-def]
    """The work's segment `region_id` in the bands under the waveform."""
    return page.locator(f'.audio-band--work [data-region="{region_id}"]')


def segment_of(region_id: str, cls: str, start: float, end: float) -> dict[str, Any]:
    return {"id": region_id, "label": "sounds", "type": "audio_segment",
            "value": {"class": cls, "start": start, "end": end}}


def words_of(region_id: str, of: str, text: str) -> dict[str, Any]:
    return {"id": region_id, "label": "words", "type": "transcription",
            "value": {"text": text, "region": of}}


def make_audio_reviewing(url: str, data_dir: Path, answers: list[list[dict[str, Any]]], *,
                         consensus_threshold: float = 0.8, review_sample: float = 1.0
                         ) -> Reviewing:
    """One recording answered through the SDK by `len(answers)` annotators, as
    reviewing.make_reviewing does for an image, and a reviewer who may review and adjudicate."""
    return reviewing_of(url, make_audio_labeling(url, data_dir), answers,
                        consensus_threshold=consensus_threshold, review_sample=review_sample)
