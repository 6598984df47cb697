"""Label editor benchmark, video case (`bench/ui_render.py --case video`): a 10-minute video
with many tracks in headless Chromium.

Set-up: a 15,000-frame WebM at 25 fps (320×240, VP8; drawn with Pillow and encoded with
PyAV by accord.media.synthetic_video, made once and kept under ~/.cache/accord-bench), one
task naming it (`fps` and `frame_count` in its data), and the annotator's draft holding
`--tracks` tracks: the video's own moving shapes, tracks with a keyframe every 25-250 frames
over a random stretch of the video, two tracks with a keyframe on every frame (as a MOT
import gives them: 30,000 keyframes), and the day/night segments. Then Debian's chromium
at 1440×900 logs in and opens the label stream.

Load to interactive: the `accord:editor-ready` mark (LabelEditor sets it two frames after
the stage reported its first frame presented with the work drawn), over `--repeats`
reloads. DOM size: elements in the page once ready, and the boxes drawn (only the current
frame's; the timeline is one canvas).

Frames (bench/_ui_frames.py's probe, ~`--duration` s each): **step** (ArrowRight held: a
keydown at a keyboard's auto-repeat rate, 30 a second, bench/_ui_interactions.py
KEY_REPEAT_HZ; one frame per key, each a seek), **step 10** (Shift+ArrowRight held),
**scrub** (the mouse drags the frame slider to and fro across the whole video), **play**
(Space, playback at 1×, Space), and **idle**. "Frames under 16 ms" as in ui_render.py: work
p95 < 16 ms and interval p95 < 25 ms. The *keys back to back* rows (no target) press the
same keys as fast as the driver sends them: each waits only for the renderer to take the
last, so they keep the main thread busy every frame whatever a step costs, as the bare
`<video>` shows (below); they say how many steps a second the page can take, not what a
user holding a key sees. Then the renderer main thread's CPU per action (a step held and
back to back, a step of 10, a slider move, a frame played, a reload), from the thread time
of a Chromium trace: the figure that stays comparable when the shared machine is loaded.

**browser floor** rows (no target): a bare page of the same origin holding only a `<video>`
of the same file at the editor's size, stepped by the same keys (held and back to back) with the editor's seek (the
middle of the frame, one seek in flight, the latest target waiting): what the browser's
seek, decode and paint cost any web page, with no app code. `--profile DIR`: a reload, each
interaction but idle and the floor's step once more with the front end built unminified,
under the CDP CPU profiler and a Chromium trace (bench/_ui_profile.py).
"""

from __future__ import annotations

import math
import os
import random
import shutil
import statistics
import tempfile
import time
from argparse import Namespace
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _ui_frames as frames
from _results import machine, write_block
from _ui_interactions import KEY_REPEAT_HZ, hold_keys, press_back_to_back
from playwright.sync_api import Browser, Page, Route, sync_playwright

from accord.client import Client
from accord.media import synthetic_video
from e2e.labeling import PASSWORD
from servers import AccordProcess

SECTION = "## Label stream: a 10-minute video in the browser"
READY_MARK = "accord:editor-ready"
TARGET_READY_MS = 1000.0
FRAMES, FPS, OBJECTS, DENSE = 15_000, 25, 8, 2
VIEWPORT = {"width": 1440, "height": 900}
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "accord-bench"
TIMEOUT_MS = 60_000
SCHEMA: dict[str, Any] = {
    "data": [{"name": "video", "type": "video"}],
    "labels": [
        {"name": "objects", "type": "video_track", "source": "video",
         "classes": [{"name": s, "hotkey": str(i + 1)}
                     for i, s in enumerate(synthetic_video.SHAPES)],
         "attributes": [{"name": "occluded", "type": "bool", "default": False}]},
        {"name": "scene", "type": "video_segment", "source": "video",
         "classes": [{"name": "day", "hotkey": "d"}, {"name": "night", "hotkey": "n"}]},
    ],
}


SEED = 11


def long_video() -> tuple[Path, synthetic_video.Video]:
    """The 10-minute video (as synthetic_video.generate makes its first one), encoded once
    (about a minute of CPU) and kept in the cache; its tracks are known without decoding."""
    rng = random.Random(SEED)
    video = synthetic_video.Video("video-001.webm", FRAMES, FPS,
                                  synthetic_video.plan(rng, FRAMES, OBJECTS),
                                  synthetic_video.scenes_for(rng, FRAMES))
    path = CACHE / f"video-{FRAMES}-{OBJECTS}-{SEED}" / video.filename
    if not path.exists():
        partial = path.with_suffix(".partial")
        synthetic_video.encode_webm(synthetic_video.frames(video), partial)
        partial.rename(path)
    return path, video


def work(video: synthetic_video.Video, tracks: int) -> list[dict[str, Any]]:
    """The draft: the video's own tracks and segments, more tracks up to `tracks`, and DENSE
    of them keyed on every frame."""
    rng = random.Random(tracks)
    regions = video.regions()
    w, h = synthetic_video.WIDTH, synthetic_video.HEIGHT
    next_id = len(video.tracks) + 1
    for n in range(max(0, tracks - len(video.tracks))):
        size, turns = rng.uniform(12, 40), rng.uniform(20, 60)
        if n < DENSE:  # a keyframe per frame, circling smoothly
            frames_ = list(range(FRAMES))
        else:
            start = rng.randrange(FRAMES - 500)
            stop = min(FRAMES - 1, start + rng.randrange(500, 6000))
            inner = (stop - start) // rng.randrange(25, 250)
            frames_ = sorted({start, stop, *(rng.randrange(start, stop) for _ in range(inner))})
        keyframes = []
        for f in frames_:
            t = f / FRAMES * 2 * math.pi * turns if n < DENSE else rng.random() * 2 * math.pi
            keyframes.append({"frame": f, "x": round((w - size) * (0.5 + 0.45 * math.sin(t)), 2),
                              "y": round((h - size) * (0.5 + 0.45 * math.cos(t)), 2),
                              "width": round(size, 2), "height": round(size, 2)})
        if frames_[-1] < FRAMES - 1:
            keyframes[-1]["outside"] = True
        regions.append({"id": f"x{next_id}", "label": "objects", "type": "video_track",
                        "value": {"class": rng.choice(synthetic_video.SHAPES),
                                  "track_id": next_id, "keyframes": keyframes}})
        next_id += 1
    return regions


def seed(url: str, data_dir: Path, tracks: int) -> tuple[int, str, int]:
    """The project, its users and the task with the annotator's draft: (project id, the
    annotator's email, keyframes in the draft)."""
    path, video = long_video()
    target = data_dir / "media" / "bench" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    admin, annotator = "lead@example.org", "annotator@example.org"
    from ui_render import cli  # the same CLI helper the image case uses

    cli(data_dir, "user", "add", admin, "--role", "admin", "--password", PASSWORD)
    cli(data_dir, "user", "add", annotator, "--password", PASSWORD)
    manager = Client(url, token=cli(data_dir, "token", "create", admin).split()[-1])
    worker = Client(url, token=cli(data_dir, "token", "create", annotator).split()[-1])
    try:
        project = manager.create_project("A 10-minute video")
        manager.publish_schema(project["id"], SCHEMA)
        manager.add_member(project["id"], annotator, "annotator")
        manager.create_tasks(project["id"], [{"data": {
            "video": f"bench/{path.name}", "fps": FPS, "frame_count": FRAMES,
            "width": synthetic_video.WIDTH, "height": synthetic_video.HEIGHT}}])
        task_id = worker.next_task(project["id"])["task"]["id"]
        regions = work(video, tracks)
        worker.save_draft(project["id"], task_id, regions)
        saved = worker.get_draft(project["id"], task_id)["regions"]
        if len(saved) != len(regions):
            raise RuntimeError(f"the draft holds {len(saved)} regions, expected {len(regions)}")
        keyframes = sum(len(r["value"]["keyframes"]) for r in saved if r["type"] == "video_track")
        return project["id"], annotator, keyframes
    finally:
        manager.close()
        worker.close()


def wait_until_ready(page: Page) -> dict[str, float]:
    """Polled from here: the page's CSP refuses wait_for_function's eval."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not page.evaluate("(mark) => performance.getEntriesByName(mark).length", READY_MARK):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {READY_MARK} mark within {TIMEOUT_MS / 1000:g} s")
        time.sleep(0.05)
    return page.evaluate("""(mark) => ({
      ready: performance.getEntriesByName(mark)[0].startTime,
      dom: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
      elements: document.querySelectorAll("*").length,
      boxes: document.querySelectorAll("rect[data-region]").length,
      canvases: document.querySelectorAll("canvas").length,
    })""", READY_MARK)


def frame_of(page: Page) -> int:
    canvas = page.get_by_role("application", name="Video canvas")
    return int(canvas.get_attribute("data-frame") or -1)


def idle(page: Page, duration_s: float, record: frames.Probe) -> tuple[frames.Frames, int]:
    record.start(page)
    page.wait_for_timeout(duration_s * 1000)
    return record.stop(page, "idle"), 0


def keys(page: Page, key: str, duration_s: float, record: frames.Recorder, name: str,
         held: bool = True) -> tuple[frames.Frames, int]:
    """`key` held (at the keyboard's repeat rate) or pressed back to back for `duration_s`."""
    record.start(page)
    if held:
        sent = hold_keys(page, lambda _: key, duration_s)
    else:
        sent = press_back_to_back(page, lambda _: key, duration_s)
    return record.stop(page, name), sent


def press_for(page: Page, key: str, duration_s: float, record: frames.Recorder, name: str,
              held: bool = True) -> tuple[frames.Frames, int]:
    """The stage's keys (focus on the video canvas): `keys`."""
    page.get_by_role("application", name="Video canvas").focus()
    return keys(page, key, duration_s, record, name, held)


def scrub(page: Page, duration_s: float, record: frames.Probe) -> tuple[frames.Frames, int]:
    slider = page.get_by_role("slider", name="Frame").bounding_box()
    assert slider is not None
    y = slider["y"] + slider["height"] / 2
    left, right = slider["x"] + 8, slider["x"] + slider["width"] - 8
    page.mouse.move(left, y)
    record.start(page)
    page.mouse.down()
    started, legs = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        page.mouse.move(right if legs % 2 == 0 else left, y, steps=60)
        legs += 1
    page.mouse.up()
    return record.stop(page, "scrub"), legs * 60


def play(page: Page, duration_s: float, record: frames.Probe) -> tuple[frames.Frames, int]:
    page.get_by_role("application", name="Video canvas").focus()
    page.keyboard.press("Home")
    before = frame_of(page)
    record.start(page)
    page.keyboard.press("Space")
    page.wait_for_timeout(duration_s * 1000)
    page.keyboard.press("Space")
    result = record.stop(page, "play")
    return result, frame_of(page) - before


FLOOR_PAGE = "/bench-video-floor"
FLOOR_STEPS = """([fps, count]) => {
  const v = document.getElementById("v");
  let frame = 0, pending = null;
  v.addEventListener("seeked", () => {
    if (pending === null) return;
    const t = pending;
    pending = null;
    v.currentTime = t;
  });
  window.addEventListener("keydown", (e) => {
    const by = (e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0) * (e.shiftKey ? 10 : 1);
    if (!by) return;
    frame = Math.min(Math.max(frame + by, 0), count - 1);
    const t = (frame + 0.5) / fps;
    if (v.seeking) pending = t; else v.currentTime = t;
  });
  return new Promise((resolve) => {
    if (v.readyState >= 2) resolve();
    else v.addEventListener("loadeddata", () => resolve(), { once: true });
  });
}"""


def floor_page(page: Page, url: str) -> Page:
    """A bare page of the same origin (so the media route takes the session) holding only a
    `<video>` of the same file at the editor's size and place, stepped by the same keys with
    the editor's seek (the middle of the frame, one seek in flight, the latest target
    waiting): what any web page pays the browser for a frame step, with no app code."""
    info = page.evaluate("""() => {
      const v = document.querySelector("video"), r = v.getBoundingClientRect();
      return { src: v.currentSrc, x: r.left, y: r.top, w: r.width, h: r.height };
    }""")
    html = ('<!doctype html><body style="margin:0;background:#1d2127">'
            f'<video id="v" src="{info["src"]}" preload="auto" muted playsinline style="position:'
            f'absolute;left:{info["x"]}px;top:{info["y"]}px;width:{info["w"]}px;height:'
            f'{info["h"]}px;object-fit:contain;background:#000"></video></body>')
    floor = page.context.new_page()
    floor.set_default_timeout(TIMEOUT_MS)
    floor.route(f"{url}{FLOOR_PAGE}", lambda route: route.fulfill(body=html, content_type="text/html"))
    floor.goto(f"{url}{FLOOR_PAGE}")
    floor.evaluate(FLOOR_STEPS, [FPS, FRAMES])
    return floor


#: The key-driven rows, each (key, name): held at the keyboard's repeat rate (the targets),
#: then pressed back to back (no target: the driver's ceiling, bench/_ui_interactions.py).
STEPS = (("ArrowRight", "step"), ("Shift+ArrowRight", "step 10"))
BACK_TO_BACK = ", keys back to back"


def floor_steps(page: Page, url: str, duration_s: float,
                record: frames.Recorder) -> list[tuple[frames.Frames, int]]:
    """The step and step-10 rows on the bare `<video>` page (floor_page), held and back to back."""
    floor = floor_page(page, url)
    try:
        return [keys(floor, key, duration_s, record, f"browser floor: {name}{suffix}", held)
                for held, suffix in ((True, ""), (False, BACK_TO_BACK)) for key, name in STEPS]
    finally:
        floor.close()


def actions_cpu(browser: Browser, page: Page, url: str, presses: int) -> dict[str, float]:
    """Renderer main-thread CPU ms per action (thread time from a Chromium trace, as
    bench/_ui_text.py reads it: not inflated when other processes take the cores). Keys are
    held for `presses` repeats at the keyboard's rate, and pressed back to back for as long."""
    from _ui_text import main_thread_cpu_ms

    canvas = page.get_by_role("application", name="Video canvas")
    seconds = presses / KEY_REPEAT_HZ

    def per_key(on: Page, key: str, held: bool = True) -> float:
        sent: list[int] = []

        def send() -> None:
            if on is page:
                canvas.focus()
            how = hold_keys if held else press_back_to_back
            sent.append(how(on, lambda _: key, seconds))
        return main_thread_cpu_ms(browser, on, send) / sent[0]

    slider = page.get_by_role("slider", name="Frame").bounding_box()
    assert slider is not None
    y = slider["y"] + slider["height"] / 2

    def drag() -> None:
        page.mouse.move(slider["x"] + 8, y)
        page.mouse.down()
        page.mouse.move(slider["x"] + slider["width"] - 8, y, steps=presses)
        page.mouse.up()

    played: list[int] = []

    def run() -> None:
        canvas.focus()
        page.keyboard.press("Home")
        page.keyboard.press("Space")
        page.wait_for_timeout(2000)
        page.keyboard.press("Space")
        played.append(max(1, frame_of(page)))

    def reload() -> None:
        page.reload()
        wait_until_ready(page)

    rate = f"held, {KEY_REPEAT_HZ:g}/s"
    out = {f"step (→ {rate})": per_key(page, "ArrowRight"),
           f"step 10 (Shift+→ {rate})": per_key(page, "Shift+ArrowRight"),
           "step (→ back to back)": per_key(page, "ArrowRight", held=False),
           "scrub (a slider move)": main_thread_cpu_ms(browser, page, drag) / presses}
    out["play (a frame played)"] = main_thread_cpu_ms(browser, page, run) / played[0]
    out["load (reload to interactive)"] = main_thread_cpu_ms(browser, page, reload)
    floor = floor_page(page, url)
    try:
        out[f"browser floor: step (→ {rate}) on a bare `<video>`"] = per_key(floor, "ArrowRight")
        out["browser floor: step (→ back to back) on a bare `<video>`"] = per_key(floor, "ArrowRight", held=False)
    finally:
        floor.close()
    return out


def open_stream(browser: Browser, url: str, project_id: int, annotator: str,
                bundle: Callable[[Route], None] | None = None) -> Page:
    """Log in (a fresh context, so a bare page of the same origin can share its session)
    and open the label stream; `bundle` serves the front end's script (the unminified one)."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    if bundle is not None:
        page.route("**/assets/index-*.js", bundle)
    page.goto(f"{url}/login?next=/projects/{project_id}/label")
    page.get_by_label("Email").fill(annotator)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def measure(args: Namespace) -> dict[str, Any]:
    from ui_render import launch

    with (tempfile.TemporaryDirectory(prefix="accord-bench-video-") as tmp,
          sync_playwright() as playwright):
        server = AccordProcess(Path(tmp) / "data", Path(tmp) / "server.log")
        server.start()
        browser = launch(playwright)
        try:
            project_id, annotator, keyframes = seed(server.url, Path(tmp) / "data", args.tracks)
            page = open_stream(browser, server.url, project_id, annotator)
            cold = wait_until_ready(page)
            loads = []
            for _ in range(args.repeats):
                page.reload()
                loads.append(wait_until_ready(page))
            probe = frames.Probe()
            measured = [idle(page, args.duration, probe),
                        *(press_for(page, key, args.duration, probe, name) for key, name in STEPS),
                        scrub(page, args.duration, probe), play(page, args.duration, probe),
                        *(press_for(page, key, args.duration, probe, name + BACK_TO_BACK, held=False)
                          for key, name in STEPS),
                        *floor_steps(page, server.url, args.duration, probe)]
            cpu = actions_cpu(browser, page, server.url, 40)
            summary = profile(browser, server.url, project_id, annotator, args) if args.profile else ""
            return {"cold": cold, "loads": loads, "measured": measured, "keyframes": keyframes,
                    "chromium": browser.version, "cpu": cpu, "profile": summary}
        finally:
            browser.close()
            server.stop()


def profile(browser: Browser, url: str, project_id: int, annotator: str, args: Namespace) -> str:
    """A reload and each interaction but idle under the CPU profiler and a trace, with the
    unminified front end (bench/_ui_profile.py), then the bare video's step (the browser
    floor); the files go to `args.profile`."""
    import _ui_profile

    def opened(b: Browser, serve: Callable[[Route], None]) -> Page:
        page = open_stream(b, url, project_id, annotator, serve)
        wait_until_ready(page)
        return page

    def floor_step(page: Page) -> list[str]:
        floor = floor_page(page, url)
        profiler = _ui_profile.Profiler(browser, floor, args.profile)
        try:
            return [keys(floor, "ArrowRight", args.duration, profiler, "browser floor step")[0]]
        finally:
            floor.close()

    interactions = {
        "step": lambda page, s, p: press_for(page, "ArrowRight", s, p, "step")[0],
        "step 10": lambda page, s, p: press_for(page, "Shift+ArrowRight", s, p, "step 10")[0],
        "scrub": lambda page, s, p: scrub(page, s, p)[0],
        "play": lambda page, s, p: play(page, s, p)[0]}
    return _ui_profile.profile(browser, opened, interactions, args.duration, args.profile,
                               ready=wait_until_ready, more=floor_step)


def report(figures: dict[str, Any], args: Namespace, build: str) -> str:
    loads, cold = figures["loads"], figures["cold"]
    ready = statistics.median(load["ready"] for load in loads)
    lines = ["| interaction | s | inputs | frames | interval p50 | p95 | max | work p50 | p95 | max "
             "| work ≥ 16 ms | late (≥ 25 ms) | verdict |", "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    verdicts = []
    for f, inputs in figures["measured"]:
        work, interval = f.p(f.work_ms, 95), f.p(f.intervals_ms, 95)
        met = work < frames.BUDGET_MS and interval < frames.LATE_MS
        cells = " | ".join(f"{f.p(v, q):.1f}" for v in (f.intervals_ms, f.work_ms) for q in (50, 95, 100))
        verdict = "PASS" if met else "MISS"
        diagnostic = f.name == "idle" or f.name.startswith("browser floor") or f.name.endswith(BACK_TO_BACK)
        lines.append(f"| {f.name} | {f.elapsed_ms / 1000:.1f} | {inputs} | {f.intervals_ms.size} | {cells} "
                     f"| {f.over_budget} | {f.late} | {'—' if diagnostic else verdict} |")
        if not diagnostic:
            verdicts.append(f"{f.name} {verdict}")
    versions = [f"Chromium {figures['chromium']} (headless, software rendering)"]
    return (f"Measured {time.strftime('%Y-%m-%d')} on {machine(*versions)}; load average "
            f"{os.getloadavg()[0]:.1f} at the end (the machine is shared). `bench/ui_render.py --case video"
            f"{' --quick' if args.quick else ''}`: one task, a {FRAMES:,}-frame video at {FPS} fps "
            f"(10 minutes, {synthetic_video.WIDTH}×{synthetic_video.HEIGHT} VP8 WebM), "
            f"{args.tracks} tracks with {figures['keyframes']:,} keyframes and the scene segments in the "
            f"annotator's draft, viewport {VIEWPORT['width']}×{VIEWPORT['height']}; {build}.\n\n"
            f"Load to interactive (`{READY_MARK}`), {len(loads)} reloads: median {ready:,.0f} ms "
            f"({'PASS' if ready < TARGET_READY_MS else 'MISS'}, < {TARGET_READY_MS:,.0f} ms), max "
            f"{max(load['ready'] for load in loads):,.0f} ms; first open after logging in (cold "
            f"cache) {cold['ready']:,.0f} ms. Once ready "
            f"the page holds {cold['elements']:,} elements, {cold['boxes']} boxes (the current frame's) "
            f"and {cold['canvases']} canvas (the timeline).\n\nFrames over {args.duration:g} s each (ms; "
            "*inputs* = keys pressed, slider moves or frames played):\n\n" + "\n".join(lines)
            + "\n\nTargets (work p95 < 16 ms and interval p95 < 25 ms): " + "; ".join(verdicts)
            + ".\n\nRenderer main-thread CPU per action (thread time from a Chromium trace; unlike "
            "the frame figures it does not grow when other processes take the cores):\n\n"
            "| action | CPU ms |\n|---|--:|\n"
            + "\n".join(f"| {name} | {ms:.1f} |" for name, ms in figures["cpu"].items()) + "\n")


def main(args: Namespace) -> None:
    """Run the video case; `args` are ui_render.py's (repeats, duration, quick, write) and tracks."""
    from ui_render import front_end

    _, build = front_end()
    figures = measure(args)
    block = report(figures, args, build)
    print(block)
    if figures["profile"]:
        print(f"\nProfiles (unminified build; files in {args.profile}):\n\n{figures['profile']}")
    if args.write:
        write_block("ui_render.py --case video", SECTION, block)
