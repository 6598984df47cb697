"""Set-up for the video browser tests: a project of short WebM videos rendered and encoded
locally (accord.media.synthetic_video: Pillow frames, PyAV's VP8), and the stage's own
arithmetic (video pixels ↔ page pixels, as frontend/src/editor/video/VideoStage.tsx's
toVideo computes them) so a test knows exactly which box a drag stores."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from accord.client import Client
from accord.media import synthetic_video
from e2e.labeling import PASSWORD, Labeling, admin_token, token_by_login

FRAMES = 75
SCHEMA: dict[str, Any] = {
    "data": [{"name": "video", "type": "video"}],
    "labels": [
        {"name": "objects", "type": "video_track", "source": "video",
         "classes": [{"name": "car", "hotkey": "1", "color": "#e6194b"},
                     {"name": "person", "hotkey": "2", "color": "#3cb44b"}],
         "attributes": [{"name": "occluded", "type": "bool", "default": False}]},
        {"name": "scene", "type": "video_segment", "source": "video",
         "classes": [{"name": "day", "hotkey": "d", "color": "#f58231"},
                     {"name": "night", "hotkey": "n", "color": "#4363d8"}]},
    ],
}


def make_video_labeling(url: str, data_dir: Path, *, tasks: int = 1,
                        frame_count: int = FRAMES,
                        predictions: list[dict[str, Any]] | None = None) -> Labeling:
    """A fresh project of `tasks` generated videos (fps and frame count in each task's data)
    with its own annotator."""
    tag = secrets.token_hex(4)
    annotator = f"ann-{tag}@example.org"
    manager = Client(url, token=admin_token(url, data_dir))
    manager.create_user(annotator, password=PASSWORD)
    project = manager.create_project("Videos")
    manager.publish_schema(project["id"], SCHEMA)
    manager.add_member(project["id"], annotator, "annotator")
    videos = synthetic_video.generate(data_dir / "media" / f"e2e-{tag}", tasks, seed=5,
                                      frame_count=frame_count, objects=2) if tasks else []
    records = [{"data": {"video": f"e2e-{tag}/{v.filename}", "fps": v.fps,
                         "frame_count": v.frame_count, "width": synthetic_video.WIDTH,
                         "height": synthetic_video.HEIGHT}, "priority": tasks - i,
                **({"predictions": [{"model_version": "tracker-1", "regions": predictions}]}
                   if predictions else {})}
               for i, v in enumerate(videos)]
    if records:
        manager.create_tasks(project["id"], records)
    ids = sorted(t["id"] for t in manager.list_tasks(project["id"]))
    return Labeling(url, data_dir, project["id"], ids, manager, annotator,
                    Client(url, token=token_by_login(url, annotator)))


def round2(value: float) -> float:
    """precision.ts round2: Math.round(v * 100) / 100 (half up)."""
    return math.floor(value * 100 + 0.5) / 100


@dataclass
class VideoCanvas:
    """The video stage: its frame, and video pixels → whole page pixels and back."""

    page: Page

    @property
    def view(self) -> Locator:
        return self.page.get_by_role("application", name="Video canvas")

    def wait_ready(self) -> None:
        expect(self.view).to_be_visible()
        expect(self.view).not_to_have_attribute("data-fps", "")
        expect(self.view).to_have_attribute("data-shown", str(self.frame()))

    def frame(self) -> int:
        return int(self.view.get_attribute("data-frame") or "-1")

    def wait_frame(self, frame: int) -> None:
        """The stage asked for `frame` and the video presented it (by mediaTime)."""
        expect(self.view).to_have_attribute("data-frame", str(frame))
        expect(self.view).to_have_attribute("data-shown", str(frame))

    def go_to(self, frame: int) -> None:
        self.page.get_by_role("slider", name="Frame").fill(str(frame))
        self.wait_frame(frame)

    def _fit(self) -> tuple[float, float, float]:
        box = self.page.locator("svg.video-stage__boxes").bounding_box()
        assert box is not None
        w, h = synthetic_video.WIDTH, synthetic_video.HEIGHT
        s = min(box["width"] / w, box["height"] / h)
        return box["x"] + (box["width"] - w * s) / 2, box["y"] + (box["height"] - h * s) / 2, s

    def screen(self, x: float, y: float) -> tuple[int, int]:
        left, top, s = self._fit()
        return round(left + x * s), round(top + y * s)

    def video(self, sx: float, sy: float) -> tuple[float, float]:
        """The unrounded video point the stage reads for a pointer at (sx, sy)."""
        left, top, s = self._fit()
        return (sx - left) / s, (sy - top) / s

    def drag(self, a: tuple[float, float], b: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]]:
        """Drag between video points; returns the video points the stage saw."""
        sa, sb = self.screen(*a), self.screen(*b)
        seen = self.video(*sa), self.video(*sb)  # before the drag: what follows may resize the view
        mouse = self.page.mouse
        mouse.move(*sa)
        mouse.down()
        mouse.move((sa[0] + sb[0]) / 2, (sa[1] + sb[1]) / 2, steps=3)
        mouse.move(*sb, steps=3)
        mouse.up()
        return seen

    def click_timeline(self, row: int, frame: int) -> None:
        """Click the timeline's `row` (0: the first segment label's) on `frame`, as
        Timeline.tsx lays it out (a 112 px gutter, 16 px rows, frames across the rest)."""
        box = self.page.locator("canvas.video-timeline__canvas").bounding_box()
        assert box is not None
        frame_count = int(self.view.get_attribute("data-frame-count") or "0")
        span = box["width"] - 112
        self.page.mouse.click(box["x"] + 112 + (frame + 0.5) / frame_count * span,
                              box["y"] + row * 16 + 8)

    def box(self, region_id: str) -> Locator:
        return self.view.locator(f'rect[data-region="{region_id}"]')

    def box_value(self, region_id: str) -> tuple[float, float, float, float]:
        rect = self.box(region_id)
        return tuple(float(rect.get_attribute(k) or "nan")  # type: ignore[return-value]
                     for k in ("x", "y", "width", "height"))


def drawn_box(a: tuple[float, float], b: tuple[float, float]) -> dict[str, float]:
    """The box a drag from a to b stores (rounded to 1/100 px)."""
    return {"x": round2(min(a[0], b[0])), "y": round2(min(a[1], b[1])),
            "width": round2(abs(b[0] - a[0])), "height": round2(abs(b[1] - a[1]))}
