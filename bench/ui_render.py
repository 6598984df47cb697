"""Label editor benchmark: an image task with 2,000 boxes in headless Chromium.

Run from the repository root, after `make web` (the issue's targets: interactive in under
1 s, frames under 16 ms while panning, zooming and dragging a box):

    .venv/bin/python bench/ui_render.py --quick          # a smoke run
    .venv/bin/python bench/ui_render.py --write          # 5 loads, 2.5 s per interaction
    .venv/bin/python bench/ui_render.py --profile DIR    # also CPU profiles of each one
    .venv/bin/python bench/ui_render.py --write --peer   # and Label Studio beside it

Set-up: a fresh data dir, `accord serve` on 127.0.0.1, an admin and an annotator, a project
with one bbox label (three coloured classes, a bool attribute, the size and inside-image
rules), one task whose image is a generated 1920×1080 PNG, and the annotator's draft on it
holding `--boxes` random boxes inside the image (5 % rotated), saved through the API. Then
Debian's chromium (never a downloaded one) at 1440×900 logs in and opens the label stream.

Load to interactive: the page is reloaded `--repeats` times; each time the editor's User
Timing mark `accord:editor-ready` (set two frames after its image and regions are on screen)
is read, with DOMContentLoaded and when the first `[data-region]` entered the DOM, all in ms
since navigation start. The first open after logging in (cold HTTP cache) is shown apart.

Frames: bench/_ui_frames.py's in-page probe (rAF intervals, per-frame main-thread work, long
animation frames) over ~2.5 s of continuous input from Playwright's mouse each
(bench/_ui_interactions.py): **pan** (select tool, drag on an empty spot of the image),
**zoom** (wheel steps in and out at the canvas centre), **drag box** (select tool, press on a
box and move it); and rows without a target that locate the cost: **idle** (no input),
**empty page** (the same mouse moves on a blank page: what the driver delivers when a page
costs nothing), **browser floor** (as many polygons as one composited layer moved by a CSS
transform each frame on a blank page: the browser's own cost of what the editor's pan does)
and **pan, transform only** (the pan's motion set on the `<g transform>` each frame, without
React or input: what redrawing every region per frame would cost). A mouse move waits
until Chromium has taken it, and Chromium takes the next one only when the main thread is
free, so the input events per second an interaction reaches is itself a measure: how many
new positions the editor shows per second.

Headless Chromium's frame clock is 60 Hz: an interval of 16.7 ms is a frame on time, 33 ms
one vsync missed. "Frames under 16 ms" is read as: the 95th percentile of per-frame work is
under 16 ms and the 95th percentile interval under 25 ms (frames come on the next vsync).
Rendering here is software (no GPU in headless Chromium with --disable-gpu): raster runs on
the same two cores as the main thread, so pan and zoom cost more than on a laptop's GPU.

`--write` replaces this script's block in bench/RESULTS.md. `--profile DIR` repeats a load
and each interaction under the CDP CPU profiler and a Chromium trace, with an unminified
build of the same front end (bench/_ui_profile.py), and prints where the time goes.
`--peer` then measures the same task, boxes and input in Label Studio 1.x, installed from
PyPI into its own virtualenv under ~/.cache/accord-bench on first use
(bench/_ui_label_studio.py; about 10 more minutes, most of it Label Studio's loads), and adds
a table with the ratios.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, Route, sync_playwright

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(BENCH))
import _ui_frames as frames  # noqa: E402
from _results import RESULTS, machine, write_block  # noqa: E402
from _ui_interactions import DIAGNOSTIC, EMPTY, INTERACTIONS  # noqa: E402

from accord.client import Client  # noqa: E402
from e2e.labeling import PASSWORD, Labeling, log_in  # noqa: E402
from servers import AccordProcess  # noqa: E402

SECTION = "## Label stream: 2,000 boxes in the browser"
WEB_INDEX = ROOT / "src" / "accord" / "web" / "index.html"
READY_MARK = "accord:editor-ready"
TARGET_READY_MS = 1000.0
IMAGE_SIZE = (1920, 1080)
VIEWPORT = {"width": 1440, "height": 900}
ROTATED_SHARE = 0.05
CLASSES = [("car", "#e6194b"), ("person", "#3cb44b"), ("bike", "#4363d8")]
SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}],
    "labels": [{"name": "objects", "type": "bbox", "source": "image",
                "classes": [{"name": n, "hotkey": str(i + 1), "color": c}
                            for i, (n, c) in enumerate(CLASSES)],
                "attributes": [{"name": "occluded", "type": "bool", "default": False}],
                "rules": {"min_width": 4, "min_height": 4, "inside_image": True}}],
}
# As tests/conftest.py's browser_type_launch_args launch Debian's chromium.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
TIMEOUT_MS = 60_000
FIRST_REGION = """(() => {
  const observer = new MutationObserver(() => {
    if (!document.querySelector("[data-region]")) return;
    performance.mark("bench:first-region");
    observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
})();"""


@dataclass(frozen=True, slots=True)
class Load:
    """One page load, in ms since navigation start."""

    ready_ms: float
    dom_content_loaded_ms: float
    task_ms: float              # the next-task answer (task and 2,000-region draft) received
    image_requested_ms: float
    image_ms: float             # the image received
    first_region_ms: float
    regions: int


def make_boxes(count: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Random boxes inside the image, outside EMPTY; rotated ones keep all corners inside."""
    width, height = IMAGE_SIZE
    boxes: list[dict[str, Any]] = []
    while len(boxes) < count:
        w, h = rng.uniform(12, 140, 2)
        rotated = rng.random() < ROTATED_SHARE
        half_w, half_h = (math.hypot(w, h) / 2,) * 2 if rotated else (w / 2, h / 2)
        cx, cy = rng.uniform(half_w, width - half_w), rng.uniform(half_h, height - half_h)
        if cx - half_w < EMPTY[2] and cy - half_h < EMPTY[3]:
            continue
        value = {"class": CLASSES[int(rng.integers(len(CLASSES)))][0],
                 "x": round(cx - w / 2, 2), "y": round(cy - h / 2, 2),
                 "width": round(w, 2), "height": round(h, 2),
                 "rotation": round(float(rng.uniform(5, 40)), 2) if rotated else 0}
        boxes.append({"id": f"r{len(boxes) + 1}", "label": "objects", "type": "bbox",
                      "value": value, "attributes": {"occluded": bool(rng.random() < 0.2)}})
    return boxes


def write_image(path: Path, rng: np.random.Generator) -> None:
    """A street-like scene: a gradient sky, a road and blocks of colour (a few hundred kB)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = IMAGE_SIZE
    rows = np.linspace(0, 1, height)[:, None, None]
    pixels = (np.array([90, 140, 200]) * (1 - rows) + np.array([60, 60, 64]) * rows)
    image = Image.fromarray(np.broadcast_to(pixels, (height, width, 3)).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        w, h = rng.uniform(20, 200, 2)
        draw.rectangle((x, y, x + w, y + h), fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
    image.save(path)


def cli(data_dir: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "accord", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def scene(image: Path, count: int) -> list[dict[str, Any]]:
    """Write the task's image to `image` and return its boxes: the same on every call."""
    rng = np.random.default_rng(2000)
    write_image(image, rng)
    return make_boxes(count, rng)


def seed(url: str, data_dir: Path, boxes: int) -> Labeling:
    """The project, its two users and the one task with the annotator's draft."""
    admin, annotator = "lead@example.org", "annotator@example.org"
    cli(data_dir, "user", "add", admin, "--role", "admin", "--password", PASSWORD)
    cli(data_dir, "user", "add", annotator, "--password", PASSWORD)
    manager = Client(url, token=cli(data_dir, "token", "create", admin).split()[-1])
    worker = Client(url, token=cli(data_dir, "token", "create", annotator).split()[-1])
    project = manager.create_project("2,000 boxes")
    manager.publish_schema(project["id"], SCHEMA)
    manager.add_member(project["id"], annotator, "annotator")
    regions = scene(data_dir / "media" / "bench" / "street.png", boxes)
    manager.create_tasks(project["id"], [{"data": {"image": "bench/street.png"}}])
    # Leased first, as the editor would have it: the queue hands out no task the annotator
    # already has work on, except the one they hold.
    task_id = worker.next_task(project["id"])["task"]["id"]
    worker.save_draft(project["id"], task_id, regions)
    saved = len(worker.get_draft(project["id"], task_id)["regions"])
    if saved != boxes:
        raise RuntimeError(f"the draft holds {saved} regions, expected {boxes}")
    return Labeling(url, data_dir, project["id"], [task_id], manager, annotator, worker)


def wait_until_ready(page: Page, boxes: int) -> Load:
    # Polled from here: the page's CSP (script-src 'self') refuses wait_for_function's eval.
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not page.evaluate("(mark) => performance.getEntriesByName(mark).length", READY_MARK):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {READY_MARK} mark within {TIMEOUT_MS / 1000:g} s")
        time.sleep(0.05)
    read = page.evaluate("""(mark) => {
      const first = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      const resource = (part) => performance.getEntriesByType("resource")
        .find((e) => e.name.includes(part)) ?? { startTime: NaN, responseEnd: NaN };
      const task = resource("/queues/label/next"), image = resource("/media/image");
      return [first(mark), performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
              task.responseEnd, image.startTime, image.responseEnd, first("bench:first-region"),
              document.querySelectorAll("[data-region]").length];
    }""", READY_MARK)
    load = Load(*read)
    if load.regions != boxes:
        raise RuntimeError(f"the editor shows {load.regions} regions, expected {boxes}")
    return load


def open_editor(browser: Browser, labeling: Labeling, boxes: int,
                bundle: Callable[[Route], None] | None = None) -> tuple[Page, Load]:
    """Log in (a fresh browser context) and open the label stream; `bundle` serves the
    front end's script instead of the server (bench/_ui_profile.py's unminified build)."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(FIRST_REGION)
    if bundle is not None:
        page.route("**/assets/index-*.js", bundle)
    log_in(page, labeling, f"/projects/{labeling.project_id}/label")
    return page, wait_until_ready(page, boxes)


def reloads(page: Page, boxes: int, repeats: int) -> list[Load]:
    loads = []
    for _ in range(repeats):
        page.reload()
        loads.append(wait_until_ready(page, boxes))
    return loads


def launch(playwright: Any) -> Browser:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is missing: apt-get install chromium")
    return playwright.chromium.launch(executable_path=chromium, headless=True,
                                      args=CHROMIUM_ARGS)


@dataclass(frozen=True, slots=True)
class Figures:
    cold: Load
    loads: list[Load]
    measured: list[frames.Frames]
    chromium: str
    profile: str                        # the --profile summary, or ""
    peer: Any = None                    # _ui_label_studio.PeerFigures with --peer


def run(args: argparse.Namespace) -> Figures:
    """Accord, then (with --peer) Label Studio, in one browser."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            figures = measure_accord(browser, args)
            if args.peer:
                import _ui_label_studio

                with tempfile.TemporaryDirectory(prefix="accord-bench-ui-peer-") as tmp:
                    image = Path(tmp) / "street.png"
                    figures = replace(figures, peer=_ui_label_studio.measure(
                        browser, Path(tmp), image, scene(image, args.boxes), IMAGE_SIZE,
                        VIEWPORT, args.repeats, args.duration))
            return figures
        finally:
            browser.close()


def measure_accord(browser: Browser, args: argparse.Namespace) -> Figures:
    with tempfile.TemporaryDirectory(prefix="accord-bench-ui-") as tmp:
        server = AccordProcess(Path(tmp) / "data", Path(tmp) / "server.log")
        server.start()
        labeling = seed(server.url, Path(tmp) / "data", args.boxes)
        try:
            page, cold = open_editor(browser, labeling, args.boxes)
            loads = reloads(page, args.boxes, args.repeats)
            probe = frames.Probe()
            measured = [how(page, args.duration, probe) for how in INTERACTIONS.values()]
            page.close()
            summary = ""
            if args.profile:
                import _ui_profile

                summary = _ui_profile.profile(
                    browser, lambda b, serve: open_editor(b, labeling, args.boxes, serve)[0],
                    INTERACTIONS, args.duration, args.profile)
            return Figures(cold, loads, measured, browser.version, summary)
        finally:
            labeling.close()
            server.stop()


def front_end() -> tuple[str, str]:
    """Which build is served: (the bundle and when it was built, the same with the
    checkout's commit and whether frontend/src has uncommitted changes)."""
    bundle = re.search(r'src="/assets/([^"]+\.js)"', WEB_INDEX.read_text())
    built = datetime.datetime.fromtimestamp(WEB_INDEX.stat().st_mtime).strftime("%H:%M")
    served = f"`{bundle.group(1) if bundle else '?'}` built at {built}"
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "frontend/src"],
                           capture_output=True, text=True).stdout.strip()
    return served, (f"front end {served}, checkout at `{head}`"
                    + (" with uncommitted changes in frontend/src" if dirty else ""))


def cell(value: float) -> str:
    return "—" if value != value else f"{value:.1f}"


def load_table(cold: Load, loads: list[Load]) -> str:
    lines = ["| from navigation start to | runs | median (ms) | max (ms) | first open (ms) |",
             "|---|--:|--:|--:|--:|"]
    for name, field in [("DOMContentLoaded", "dom_content_loaded_ms"),
                        ("next-task answer received (task and draft)", "task_ms"),
                        ("image requested", "image_requested_ms"),
                        ("image received", "image_ms"),
                        ("first `[data-region]` in the DOM", "first_region_ms"),
                        (f"`{READY_MARK}` (interactive)", "ready_ms")]:
        values = [getattr(load, field) for load in loads]
        lines.append(f"| {name} | {len(values)} | {cell(statistics.median(values))} "
                     f"| {cell(max(values))} | {cell(getattr(cold, field))} |")
    return "\n".join(lines)



def frame_table(measured: list[frames.Frames]) -> str:
    lines = ["| interaction | s | input events/s | frames | with input | interval p50 | p95 "
             "| max | work p50 | p95 | max | work ≥ 16 ms | late (interval ≥ 25 ms) "
             "| long frames (> 50 ms) |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for f in measured:
        seconds = f.elapsed_ms / 1000
        stats = " | ".join(cell(f.p(values, q)) for values in (f.intervals_ms, f.work_ms)
                           for q in (50, 95, 100))
        lines.append(f"| {f.name} | {seconds:.1f} | {f.rate:.0f} "
                     f"| {f.intervals_ms.size} | {f.with_input} | {stats} | {f.over_budget} "
                     f"| {f.late} | {len(f.long_frames)} |")
    return "\n".join(lines)


def verdicts(loads: list[Load], measured: list[frames.Frames]) -> list[str]:
    ceiling = next((f.rate for f in measured if f.name.startswith("empty page")), float("nan"))
    ready = statistics.median(load.ready_ms for load in loads)
    out = [f"interactive (median `{READY_MARK}`) {ready:,.0f} ms: "
           f"{'PASS' if ready < TARGET_READY_MS else 'MISS'} (< {TARGET_READY_MS:,.0f} ms)"]
    for f in measured:
        if f.name in DIAGNOSTIC:
            continue
        work, interval = f.p(f.work_ms, 95), f.p(f.intervals_ms, 95)
        met = work < frames.BUDGET_MS and interval < frames.LATE_MS
        out.append(f"{f.name}: work p95 {work:.1f} ms, interval p95 {interval:.1f} ms, "
                   f"{f.rate:.0f} input events/s taken (empty page {ceiling:.0f}): "
                   f"{'PASS' if met else 'MISS'}")
    return out


def report(figures: Figures, build: str, args: argparse.Namespace) -> str:
    command = " ".join(["bench/ui_render.py", *sys.argv[1:]])
    versions = [f"Chromium {figures.chromium} (headless, software rendering)",
                f"Playwright {version('playwright')}"]
    loads, measured = figures.loads, figures.measured
    observer = ("long-animation-frame entries" if measured[0].supported.get("loaf")
                else "none: this Chromium has no long-animation-frame entries")
    text = (f"Measured {datetime.date.today().isoformat()} on {machine(*versions)}; load "
            f"average {os.getloadavg()[0]:.1f} at the end (the machine is shared). `{command}`: "
            f"one image task (1920×1080) with {args.boxes:,} boxes in the annotator's draft, "
            f"viewport {VIEWPORT['width']}×{VIEWPORT['height']}; {build}.\n\n"
            f"Load to interactive, {len(loads)} reloads (warm HTTP cache; *first open* = right "
            f"after logging in):\n\n{load_table(figures.cold, loads)}\n\nFrames over "
            f"{args.duration:g} s of input each (ms; *interval* = rAF to rAF, 16.7 at 60 Hz; "
            "*work* = the frame's main-thread time from its start until the main thread was "
            "free again, at most the interval; *with input* = frames in which a pointer or "
            f"wheel event was dispatched; long frames: {observer}):\n\n"
            f"{frame_table(measured)}\n\nTargets "
            "(frames: work p95 < 16 ms and interval p95 < 25 ms, i.e. no dropped vsync): "
            + "; ".join(verdicts(loads, measured)) + ".\n")
    if figures.peer is not None:
        import _ui_label_studio

        text += "\n" + _ui_label_studio.comparison(figures.peer, loads, measured) + "\n"
    return text


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=2000, help="boxes in the draft")
    parser.add_argument("--repeats", type=int, default=5, help="page reloads measured")
    parser.add_argument("--duration", type=float, default=2.5, help="s of input each")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 reloads, 1 s")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="also CPU-profile each interaction; .cpuprofile files go here")
    parser.add_argument("--peer", action="store_true",
                        help="also measure Label Studio (installed from PyPI on first use)")
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    parser.add_argument("--case", choices=["boxes", *CASES], default="boxes",
                        help="boxes: the image task above; others: their module's docstring")
    parser.add_argument("--tracks", type=int, default=60, help="video case: tracks in the draft")
    parser.add_argument("--spans", type=int, default=2000, help="text case: spans in the draft")
    parser.add_argument("--segments", type=int, default=500,
                        help="audio case: segments in the draft")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.duration = 2, 1.0
    if args.boxes < 1 or args.repeats < 1 or not 0 < args.duration <= 30:
        parser.error("--boxes and --repeats must be positive, --duration within 0–30 s")
    if not WEB_INDEX.exists():
        parser.error(f"no built web UI at {WEB_INDEX.relative_to(ROOT)}: run `make web`")
    return args


#: Further cases, each a module with main(args): `--case video` runs bench/_ui_video.py.
CASES = {"video": "_ui_video", "text": "_ui_text", "audio": "_ui_audio"}


def main() -> None:
    args = parse_args()
    if args.case in CASES:
        __import__(CASES[args.case]).main(args)
        return
    served, build = front_end()
    figures = run(args)
    if front_end()[0] != served:  # someone ran `make web` meanwhile
        build += " (rebuilt during the run: the figures may mix two builds)"
    block = report(figures, build, args)
    print(block)
    if figures.profile:
        print(f"\nProfiles (unminified build; files in {args.profile}):\n\n{figures.profile}")
    for f in figures.measured:
        for what, ms, times in frames.top_scripts(f):
            print(f"  {f.name}: {ms:.0f} ms in {times} long frame script(s): {what}",
                  file=sys.stderr)
    if args.write:
        write_block("ui_render.py", SECTION, block)
        print(f"updated {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
