"""Label editor benchmark, audio case (`bench/ui_render.py --case audio`): a 10-minute
recording with many segments in headless Chromium.

Set-up: a fresh data dir, `accord serve` on 127.0.0.1, an admin and an annotator, a project
with a segment label (three classes), a transcription label and a clip tag; one task whose
recording is a 10-minute 16 kHz mono WAV (tone bursts of varied pitch and length between
silences and quiet noise, generated with NumPy, 19 MB), and the annotator's draft holding
`--segments` segments (one in five overlapping the one before, so lanes stack) each with a
transcription, saved through the API. Debian's chromium at 1440×900 logs in and opens the
label stream.

Load to interactive: the `accord:editor-ready` mark (LabelEditor sets it two frames after the
audio stage reported the waveform drawn from the server's peaks, `…/media/audio?peaks=true`,
and the segments on screen) over `--repeats` reloads. The first open also has the server
make the peaks (decoding the file once); the reloads find them made.

Frames (bench/_ui_frames.py's probe, ~`--duration` s each): **zoom** (wheel steps in and out
over the waveform: every step a new zoom level, its peaks computed), **scroll** (Shift+wheel
through the recording with about 30 s in view: 12 wheel steps in from the whole recording,
whatever zoom the zoom case ended at), **drag** (a segment's body dragged back and forth in
its band), **play** (playback with the playhead following, turning pages) and **idle**.
"Frames under 16 ms" as in ui_render.py: work p95 < 16 ms and interval p95 < 25 ms.

Then the renderer main thread's CPU per action (`actions_cpu`: thread time from a Chromium
trace, which a loaded machine inflates far less than frame times): a zoom step, a scroll
step, a drag's pointer move, each waited for until drawn, and a reload.

`--profile DIR` then repeats a reload and each interaction under the CPU profiler and a
Chromium trace with an unminified build (bench/_ui_profile.py) and prints where the time goes.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
import wave
from argparse import Namespace
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _ui_frames as frames
import numpy as np
from _results import machine, write_block
from _ui_stream import TIMEOUT_MS, VIEWPORT, open_stream
from _ui_text import main_thread_cpu_ms
from playwright.sync_api import Browser, Page, sync_playwright

from accord.client import Client
from e2e.labeling import PASSWORD
from servers import AccordProcess

SECTION = "## Label stream: a 10-minute recording in the browser"
READY_MARK = "accord:editor-ready"
TARGET_READY_MS = 1000.0
SECONDS = 600
RATE = 16000
CLASSES = ["speech", "music", "noise"]
SCHEMA: dict[str, Any] = {
    "data": [{"name": "audio", "type": "audio"}],
    "labels": [
        {"name": "sounds", "type": "audio_segment", "source": "audio",
         "classes": [{"name": c, "hotkey": str(i + 1)} for i, c in enumerate(CLASSES)]},
        {"name": "words", "type": "transcription", "source": "audio"},
        {"name": "tags", "type": "multilabel", "source": "audio",
         "classes": [{"name": "outdoor"}, {"name": "phone"}]},
    ],
}


@dataclass(frozen=True)
class Load:
    ready_ms: float
    task_ms: float


def write_recording(path: Path, seed: int) -> None:
    """Tone bursts (0.2-3 s, 120-2,000 Hz) between silences and quiet noise, 16-bit mono."""
    rng = np.random.default_rng(seed)
    samples = np.zeros(SECONDS * RATE, dtype=np.float32)
    at = 0
    while at < samples.size:
        length = int(rng.uniform(0.2, 3.0) * RATE)
        t = np.arange(min(length, samples.size - at)) / RATE
        samples[at:at + t.size] = 0.5 * np.sin(2 * np.pi * rng.uniform(120, 2000) * t)
        at += t.size + int(rng.uniform(0.1, 1.5) * RATE)
    samples += rng.normal(0, 0.01, samples.size).astype(np.float32)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def segments(count: int, rng: random.Random) -> list[dict[str, Any]]:
    regions: list[dict[str, Any]] = []
    step = SECONDS / count
    for i in range(count):
        start = round(i * step + (-step / 2 if i % 5 == 4 else 0.0) + step / 2, 3)
        end = round(start + step * rng.uniform(0.4, 0.9), 3)
        regions.append({"id": f"s{i}", "label": "sounds", "type": "audio_segment",
                        "value": {"class": rng.choice(CLASSES), "start": start, "end": end}})
        regions.append({"id": f"t{i}", "label": "words", "type": "transcription",
                        "value": {"text": f"segment {i} words", "region": f"s{i}"}})
    return regions


def cli(data_dir: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "accord", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def seed(server: AccordProcess, data_dir: Path, count: int) -> tuple[int, int]:
    """The project and the one task with the annotator's draft: (project, regions)."""
    admin, annotator = "lead@example.org", "annotator@example.org"
    cli(data_dir, "user", "add", admin, "--role", "admin", "--password", PASSWORD)
    cli(data_dir, "user", "add", annotator, "--password", PASSWORD)
    manager = Client(server.url, token=cli(data_dir, "token", "create", admin).split()[-1])
    worker = Client(server.url, token=cli(data_dir, "token", "create", annotator).split()[-1])
    try:
        project = manager.create_project("A long recording")
        manager.publish_schema(project["id"], SCHEMA)
        manager.add_member(project["id"], annotator, "annotator")
        (data_dir / "media" / "bench").mkdir(parents=True, exist_ok=True)
        write_recording(data_dir / "media" / "bench" / "long.wav", 600)
        manager.create_tasks(project["id"], [{"data": {"audio": "bench/long.wav"}}])
        regions = segments(count, random.Random(600))
        task_id = worker.next_task(project["id"])["task"]["id"]
        worker.save_draft(project["id"], task_id, regions)
        saved = len(worker.get_draft(project["id"], task_id)["regions"])
        if saved != len(regions):
            raise RuntimeError(f"the draft holds {saved} regions, expected {len(regions)}")
        return project["id"], len(regions)
    finally:
        manager.close()
        worker.close()


#: Resolves once the page has drawn two frames: what an action changed is then on screen.
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def wait_until_ready(page: Page) -> Load:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not page.evaluate("(mark) => performance.getEntriesByName(mark).length", READY_MARK):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {READY_MARK} mark within {TIMEOUT_MS / 1000:g} s")
        time.sleep(0.05)
    if page.get_by_text("The waveform could not be drawn").count():
        raise RuntimeError("the audio stage could not draw the waveform")
    return Load(*page.evaluate("""(mark) => {
      const task = performance.getEntriesByType("resource")
        .find((e) => e.name.includes("/queues/label/next")) ?? { responseEnd: NaN };
      return [performance.getEntriesByName(mark)[0].startTime, task.responseEnd];
    }""", READY_MARK))


def wave_box(page: Page) -> dict[str, float]:
    box = page.get_by_role("application", name="Waveform").bounding_box()
    assert box is not None
    return box


def zoom(page: Page, duration_s: float, record: Any) -> Any:
    box = wave_box(page)
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] / 2)
    record.start(page)
    started, step = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        page.mouse.wheel(0, -120 if (step // 12) % 2 == 0 else 120)
        step += 1
    return record.stop(page, "zoom")


def scroll(page: Page, duration_s: float, record: Any) -> Any:
    box = wave_box(page)
    # From the whole recording, whatever the zoom case left, 12 steps in: about 30 s in view.
    page.get_by_role("button", name="Fit", exact=True).click()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(12):
        page.mouse.wheel(0, -120)
        page.evaluate(TWO_FRAMES)
    page.keyboard.down("Shift")
    record.start(page)
    started, step = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        page.mouse.wheel(0, 200 if (step // 40) % 2 == 0 else -200)
        step += 1
    result = record.stop(page, "scroll")
    page.keyboard.up("Shift")
    return result


def drag(page: Page, duration_s: float, record: Any) -> Any:
    target = page.locator(".audio-band--work .audio-segment").first
    box = target.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    record.start(page)
    started, leg = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        leg += 1
        page.mouse.move(x + (60 if leg % 2 else -60), y, steps=8)
    result = record.stop(page, "drag")
    page.mouse.up()
    page.keyboard.press("Control+z")
    return result


def play(page: Page, duration_s: float, record: Any) -> Any:
    page.get_by_role("application", name="Waveform").click(position={"x": 10, "y": 10})
    page.get_by_label("Playback speed").select_option("2")
    page.get_by_role("button", name="Play", exact=True).click()
    record.start(page)
    page.wait_for_timeout(duration_s * 1000)
    result = record.stop(page, "play")
    page.get_by_role("button", name="Pause", exact=True).click()
    return result


def idle(page: Page, duration_s: float, record: Any) -> Any:
    record.start(page)
    page.wait_for_timeout(duration_s * 1000)
    return record.stop(page, "idle")


INTERACTIONS = (zoom, scroll, drag, play, idle)

def actions_cpu(browser: Browser, page: Page, steps: int) -> dict[str, float]:
    """Renderer main-thread CPU ms per action (thread time from a Chromium trace, as the
    text case measures it), each action waited for until drawn (two frames) so that none is
    merged with the next: a wheel step of zoom from the whole recording in and out again, a
    Shift+wheel step of scroll at ~30 s in view, a pointer move dragging a segment, the two
    frames alone (in every other row too), and a reload to interactive."""
    box = wave_box(page)
    x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] / 2

    def zoom_steps() -> None:
        page.mouse.move(x, y)
        for i in range(steps):
            page.mouse.wheel(0, -120 if i < steps // 2 else 120)
            page.evaluate(TWO_FRAMES)

    def scroll_steps() -> None:
        page.keyboard.down("Shift")
        for i in range(steps):
            page.mouse.wheel(0, 200 if i < steps // 2 else -200)
            page.evaluate(TWO_FRAMES)
        page.keyboard.up("Shift")

    def frames_alone() -> None:
        for _ in range(steps):
            page.evaluate(TWO_FRAMES)

    def reload() -> None:
        page.reload()
        wait_until_ready(page)

    page.get_by_role("button", name="Fit", exact=True).click()
    page.mouse.move(x, y)
    out = {"zoom (a wheel step)": main_thread_cpu_ms(browser, page, zoom_steps) / steps}
    for _ in range(12):  # about 30 s in view, as the scroll interaction
        page.mouse.wheel(0, -120)
        page.evaluate(TWO_FRAMES)
    out["scroll (a Shift+wheel step)"] = main_thread_cpu_ms(browser, page, scroll_steps) / steps
    target = page.locator(".audio-band--work .audio-segment").first.bounding_box()
    assert target is not None
    sx, sy = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    page.mouse.move(sx, sy)
    page.mouse.down()

    def drag_moves() -> None:
        for i in range(steps):
            page.mouse.move(sx + (30 if i % 2 == 0 else 0), sy)
            page.evaluate(TWO_FRAMES)

    out["drag (a pointer move)"] = main_thread_cpu_ms(browser, page, drag_moves) / steps
    page.mouse.up()
    page.keyboard.press("Control+z")
    out["two frames, no input (in every row above)"] = (
        main_thread_cpu_ms(browser, page, frames_alone) / steps)
    out["load (reload to interactive)"] = main_thread_cpu_ms(browser, page, reload)
    return out


def measure(browser: Browser, args: Namespace
            ) -> tuple[Load, list[Load], list[frames.Frames], int, dict[str, float], str]:
    with tempfile.TemporaryDirectory(prefix="accord-bench-audio-") as tmp:
        data_dir = Path(tmp) / "data"
        server = AccordProcess(data_dir, Path(tmp) / "server.log")
        server.start()
        try:
            project_id, regions = seed(server, data_dir, args.segments)
            page = open_stream(browser, server.url, project_id)
            cold = wait_until_ready(page)
            loads = []
            for _ in range(args.repeats):
                page.reload()
                loads.append(wait_until_ready(page))
            probe = frames.Probe()
            measured = [how(page, args.duration, probe) for how in INTERACTIONS]
            cpu = actions_cpu(browser, page, 24)
            page.close()
            summary = ""
            if args.profile:
                import _ui_profile

                def profiled(b: Browser, serve: Any) -> Page:
                    opened = open_stream(b, server.url, project_id, serve)
                    wait_until_ready(opened)
                    return opened

                summary = _ui_profile.profile(browser, profiled,
                                              {how.__name__: how for how in INTERACTIONS},
                                              args.duration, args.profile)
            return cold, loads, measured, regions, cpu, summary
        finally:
            server.stop()


def report(cold: Load, loads: list[Load], measured: list[frames.Frames], regions: int,
           cpu: dict[str, float], args: Namespace, chromium: str) -> str:
    ready = [load.ready_ms for load in loads]
    lines = frames.load_table(cold, loads, f"`{READY_MARK}` (waveform drawn)")
    rows, verdicts = frames.frames_table(measured, ready, TARGET_READY_MS)
    versions = [f"Chromium {chromium} (headless, software rendering)"]
    return (f"Measured {time.strftime('%Y-%m-%d')} on {machine(*versions)}; load average "
            f"{os.getloadavg()[0]:.1f} at the end (the machine is shared). "
            f"`bench/ui_render.py --case audio --segments {args.segments}`: one recording of "
            f"{SECONDS // 60} minutes (16 kHz mono WAV, {SECONDS * RATE * 2 / 1e6:.0f} MB) with "
            f"{regions:,} regions in the draft ({args.segments:,} segments, one in five "
            f"overlapping, each transcribed), viewport {VIEWPORT['width']}×{VIEWPORT['height']}."
            f"\n\nLoad to interactive, {len(loads)} reloads:\n\n" + "\n".join(lines)
            + f"\n\nFrames over {args.duration:g} s of input each (ms, as in the image case):"
            "\n\n" + "\n".join(rows) + "\n\nTargets (work p95 < 16 ms and interval p95 < "
            "25 ms): " + "; ".join(verdicts) + ".\n\nRenderer main-thread CPU per action "
            "(thread time from a Chromium trace; unlike the frame figures it does not grow "
            "when other processes take the cores):\n\n| action | CPU ms |\n|---|--:|\n"
            + "\n".join(f"| {name} | {ms:.1f} |" for name, ms in cpu.items()) + "\n")


def main(args: Namespace) -> None:
    """Run the case; `args` are ui_render.py's (repeats, duration, write, segments)."""
    from ui_render import launch  # Debian's chromium, with the image case's flags

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            cold, loads, measured, regions, cpu, summary = measure(browser, args)
            block = report(cold, loads, measured, regions, cpu, args, browser.version)
        finally:
            browser.close()
    print(block)
    if summary:
        print(f"\nProfiles (unminified build; files in {args.profile}):\n\n{summary}")
    for f in measured:
        for what, ms, times in frames.top_scripts(f):
            print(f"  {f.name}: {ms:.0f} ms in {times} long frame script(s): {what}")
    if args.write:
        write_block("ui_render.py --case audio", SECTION, block)
