"""Label editor benchmark, text case (`bench/ui_render.py --case text`): a 100,000-character
document with many spans in headless Chromium.

Set-up: a fresh data dir, `accord serve` on 127.0.0.1, an admin and an annotator, a project
with a span label (three classes, overlapping allowed), a relation label and a document
classification; one task whose text is ~100,000 characters of generated sentences (with
some emoji, so code points and UTF-16 differ), and the annotator's draft holding `--spans`
spans on whole words (10 % nested in a longer one) and a relation for every tenth span,
saved through the API. Debian's chromium at 1440×900 logs in and opens the label stream.

Load to interactive: the `accord:editor-ready` mark (LabelEditor sets it two frames after
the text stage reported its page and the work on screen) over `--repeats` reloads; the
pieces of text in the DOM once ready, and the spans drawn on the first page.

Frames (bench/_ui_frames.py's probe, ~`--duration` s each): **select** (the mouse pressed on
the text and moved over it, the browser extending a live selection across lines; let go
after the recording, which makes one span), **scroll** (wheel steps down and up over the
page), **page** (Alt+PageDown held for six pages, then Alt+PageUp for six, and again: each a new
page of ~3,000 characters and its spans), **next span** (Tab held: selects the next span,
the stage follows it to its page and scrolls it into view), and **idle**. Keys are held as a
keyboard repeats them, 30 a second (bench/_ui_interactions.py hold_keys). "Frames under 16 ms" as in
ui_render.py: work p95 < 16 ms and interval p95 < 25 ms.

Server: the CPU time of `accord serve` per next-task answer (the task and its draft, as a
reload asks for it), read from /proc for the server process over `SERVER_ASKS` requests.

`--profile DIR`: a reload and each interaction but idle once more with the front end built
unminified, under the CDP CPU profiler and a Chromium trace (bench/_ui_profile.py); the
summaries are printed, the .cpuprofile and trace files written to DIR.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _ui_frames as frames
import httpx
from _results import machine, write_block
from _ui_interactions import hold_keys
from _ui_stream import TIMEOUT_MS, VIEWPORT, open_stream
from playwright.sync_api import Browser, Page, Route, sync_playwright

from accord.client import Client
from e2e.labeling import PASSWORD
from servers import AccordProcess

SECTION = "## Label stream: a 100,000-character text in the browser"
READY_MARK = "accord:editor-ready"
TARGET_READY_MS = 1000.0
SERVER_ASKS = 40
CHARS = 100_000
CLASSES = ["PER", "LOC", "ORG"]
SCHEMA: dict[str, Any] = {
    "data": [{"name": "text", "type": "text"}],
    "labels": [
        {"name": "entities", "type": "span", "source": "text",
         "classes": [{"name": c, "hotkey": str(i + 1)} for i, c in enumerate(CLASSES)],
         "rules": {"allow_overlap": True}},
        {"name": "links", "type": "relation", "source": "text",
         "classes": [{"name": "works_for"}, {"name": "located_in"}]},
        {"name": "topic", "type": "classification", "source": "text",
         "classes": [{"name": "news"}, {"name": "other"}]},
    ],
}
WORDS = ("the of and to in a is that for it as was with be by on not he this are or his "
         "from at which but have an they you were her she there been one all we can "
         "Berlin Paris Oslo Siemens Merkel Macron Lagos Kyoto Nairobi Unilever Zoë Ünal "
         "report market council river station ministry harbour festival").split()


def document(rng: random.Random, chars: int) -> str:
    """Sentences of random words, a paragraph every few, an emoji now and then."""
    parts: list[str] = []
    size = 0
    while size < chars:
        words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
        if rng.random() < 0.05:
            words.insert(rng.randrange(len(words)), "😀")
        sentence = " ".join(words).capitalize() + ". "
        if rng.random() < 0.15:
            sentence += "\n\n"
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:chars]


def spans(text: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """`count` spans on whole words (code point offsets), 10 % of them nested in a longer
    span, and a relation from every tenth span to the next."""
    words = [(i, i + len(w)) for i, w in _words(text)]
    picked = sorted(rng.sample(range(len(words) - 3), count))
    regions: list[dict[str, Any]] = []
    for n, w in enumerate(picked):
        start, end = words[w]
        if n % 10 == 5:  # a two-word span around this word, and the word inside it
            end2 = words[w + 1][1]
            regions.append(_span(len(regions) + 1, "ORG", start, end2))
        regions.append(_span(len(regions) + 1, CLASSES[n % 3], start, end))
    spans_only = list(regions)
    for n in range(0, len(spans_only) - 1, 10):
        regions.append({"id": f"r{len(regions) + 1}", "label": "links", "type": "relation",
                        "value": {"from": spans_only[n]["id"], "to": spans_only[n + 1]["id"],
                                  "class": "located_in"}})
    return regions


def _words(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for word in text.split(" "):
        if word.isalpha():
            out.append((at, word))
        at += len(word) + 1
    return out


def _span(n: int, cls: str, start: int, end: int) -> dict[str, Any]:
    return {"id": f"r{n}", "label": "entities", "type": "span",
            "value": {"class": cls, "start": start, "end": end}}


@dataclass(frozen=True, slots=True)
class Load:
    ready_ms: float
    task_ms: float
    pieces: int
    marked: int


def cli(data_dir: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "accord", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def seed(server: AccordProcess, data_dir: Path, count: int) -> tuple[int, int, int]:
    """The project and the one task with the annotator's draft: (project, task, regions)."""
    admin, annotator = "lead@example.org", "annotator@example.org"
    cli(data_dir, "user", "add", admin, "--role", "admin", "--password", PASSWORD)
    cli(data_dir, "user", "add", annotator, "--password", PASSWORD)
    manager = Client(server.url, token=cli(data_dir, "token", "create", admin).split()[-1])
    worker = Client(server.url, token=cli(data_dir, "token", "create", annotator).split()[-1])
    try:
        project = manager.create_project("A long text")
        manager.publish_schema(project["id"], SCHEMA)
        manager.add_member(project["id"], annotator, "annotator")
        rng = random.Random(100_000)
        text = document(rng, CHARS)
        regions = spans(text, count, rng)
        manager.create_tasks(project["id"], [{"data": {"text": text}}])
        task_id = worker.next_task(project["id"])["task"]["id"]
        worker.save_draft(project["id"], task_id, regions)
        saved = len(worker.get_draft(project["id"], task_id)["regions"])
        if saved != len(regions):
            raise RuntimeError(f"the draft holds {saved} regions, expected {len(regions)}")
        return project["id"], task_id, len(regions)
    finally:
        manager.close()
        worker.close()


def server_cpu_ms(server: AccordProcess, data_dir: Path, project_id: int) -> float:
    """The server's CPU ms per next-task answer to the annotator holding the task (what a
    reload of the label stream asks for), from the process's utime + stime."""
    assert server.process is not None
    token = cli(data_dir, "token", "create", "annotator@example.org").split()[-1]
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"},
                      timeout=60) as client:
        url = f"/api/projects/{project_id}/queues/label/next"
        for _ in range(3):
            client.post(url).raise_for_status()
        before = process_cpu_s(server.process.pid)
        for _ in range(SERVER_ASKS):
            client.post(url).raise_for_status()
        return (process_cpu_s(server.process.pid) - before) * 1000 / SERVER_ASKS


def process_cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_ready(page: Page) -> Load:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not page.evaluate("(mark) => performance.getEntriesByName(mark).length", READY_MARK):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {READY_MARK} mark within {TIMEOUT_MS / 1000:g} s")
        time.sleep(0.05)
    read = page.evaluate("""(mark) => {
      const task = performance.getEntriesByType("resource")
        .find((e) => e.name.includes("/queues/label/next")) ?? { responseEnd: NaN };
      return [performance.getEntriesByName(mark)[0].startTime, task.responseEnd,
              document.querySelectorAll("[data-at]").length,
              document.querySelectorAll("[data-spans]").length];
    }""", READY_MARK)
    load = Load(*read)
    if load.marked == 0:
        raise RuntimeError("the text stage shows no spans on its first page")
    return load


def text_box(page: Page) -> dict[str, float]:
    box = page.locator(".text-stage__scroller").bounding_box()
    assert box is not None
    return box


def select(page: Page, duration_s: float, record: Any) -> Any:
    page.keyboard.press("Escape")
    box = text_box(page)
    x0, y0 = box["x"] + 200, box["y"] + 60
    page.mouse.move(x0, y0)
    record.start(page)
    page.mouse.down()
    started, leg = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        leg += 1
        angle = 2 * math.pi * leg / 24
        page.mouse.move(x0 + 250 + 220 * math.sin(angle), y0 + 180 + 150 * math.sin(2 * angle),
                        steps=6)
    result = record.stop(page, "select")
    page.keyboard.down("Alt")  # let go exactly: one span, not snapped, no matter
    page.mouse.up()
    page.keyboard.up("Alt")
    return result


def scroll(page: Page, duration_s: float, record: Any) -> Any:
    box = text_box(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    record.start(page)
    started, step = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        page.mouse.wheel(0, 120 if (step // 20) % 2 == 0 else -120)
        step += 1
    return record.stop(page, "scroll")


def flip(page: Page, duration_s: float, record: Any) -> Any:
    record.start(page)
    hold_keys(page, lambda n: "Alt+PageDown" if (n // 6) % 2 == 0 else "Alt+PageUp", duration_s)
    return record.stop(page, "page")


def next_span(page: Page, duration_s: float, record: Any) -> Any:
    page.locator(".text-stage__scroller").click(position={"x": 5, "y": 5})
    record.start(page)
    hold_keys(page, lambda _: "Tab", duration_s)
    return record.stop(page, "next span")


def idle(page: Page, duration_s: float, record: Any) -> Any:
    record.start(page)
    page.wait_for_timeout(duration_s * 1000)
    return record.stop(page, "idle")


INTERACTIONS = (select, scroll, flip, next_span, idle)

TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline"]


def main_thread_cpu_ms(browser: Browser, page: Page, act: Callable[[], None]) -> float:
    """The renderer main thread's CPU time (ms) while `act` runs: the `tdur` (thread time)
    of its top-level tasks in a Chromium trace. Unlike frame intervals it does not grow
    when other processes take the cores, so it compares runs on a shared machine."""
    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    act()
    page.wait_for_timeout(200)
    events = json.loads(browser.stop_tracing())["traceEvents"]
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    spent: dict[tuple[int, int], float] = {}
    for e in events:
        if e.get("ph") == "X" and e.get("name") == "RunTask" and (e["pid"], e["tid"]) in mains:
            spent[(e["pid"], e["tid"])] = spent.get((e["pid"], e["tid"]), 0.0) + e.get("tdur", 0)
    return max(spent.values(), default=0.0) / 1000


def actions_cpu(browser: Browser, page: Page, presses: int) -> dict[str, float]:
    """Main-thread CPU ms per action: a page turned, a span stepped to, a reload."""
    def turn() -> None:
        for i in range(presses):
            page.keyboard.press("Alt+PageDown" if i < presses // 2 else "Alt+PageUp")

    def step() -> None:
        for _ in range(presses):
            page.keyboard.press("Tab")

    def reload() -> None:
        page.reload()
        wait_until_ready(page)

    page.keyboard.press("Escape")
    out = {"page turned": main_thread_cpu_ms(browser, page, turn) / presses,
           "next span (Tab)": main_thread_cpu_ms(browser, page, step) / presses,
           "load (reload to interactive)": main_thread_cpu_ms(browser, page, reload)}
    return out


@dataclass(frozen=True, slots=True)
class Figures:
    cold: Load
    loads: list[Load]
    measured: list[frames.Frames]
    regions: int
    cpu: dict[str, float]      # renderer main-thread ms per action
    server_ms: float           # server CPU ms per next-task answer
    profile: str               # the --profile summaries, or ""


def measure(browser: Browser, args: Namespace) -> Figures:
    with tempfile.TemporaryDirectory(prefix="accord-bench-text-") as tmp:
        data_dir = Path(tmp) / "data"
        server = AccordProcess(data_dir, Path(tmp) / "server.log")
        server.start()
        try:
            project_id, _, regions = seed(server, data_dir, args.spans)
            server_ms = server_cpu_ms(server, data_dir, project_id)
            page = open_stream(browser, server.url, project_id)
            cold = wait_until_ready(page)
            loads = []
            for _ in range(args.repeats):
                page.reload()
                loads.append(wait_until_ready(page))
            probe = frames.Probe()
            measured = [how(page, args.duration, probe) for how in INTERACTIONS]
            cpu = actions_cpu(browser, page, 10)
            page.close()
            summary = profile(browser, server.url, project_id, args) if args.profile else ""
            return Figures(cold, loads, measured, regions, cpu, server_ms, summary)
        finally:
            server.stop()


def profile(browser: Browser, url: str, project_id: int, args: Namespace) -> str:
    """A reload and each interaction but idle under the CPU profiler and a trace, with the
    unminified front end (bench/_ui_profile.py); the files go to `args.profile`."""
    import _ui_profile

    def opened(b: Browser, serve: Callable[[Route], None]) -> Page:
        page = open_stream(b, url, project_id, serve)
        wait_until_ready(page)
        return page

    return _ui_profile.profile(browser, opened, {how.__name__: how for how in INTERACTIONS},
                               args.duration, args.profile, ready=wait_until_ready)


def report(figures: Figures, args: Namespace, chromium: str) -> str:
    cold, loads, measured, regions, cpu = (figures.cold, figures.loads, figures.measured,
                                           figures.regions, figures.cpu)
    ready = [load.ready_ms for load in loads]
    lines = frames.load_table(cold, loads, f"`{READY_MARK}` (interactive)")
    rows, verdicts = frames.frames_table(measured, ready, TARGET_READY_MS)
    versions = [f"Chromium {chromium} (headless, software rendering)"]
    return (f"Measured {time.strftime('%Y-%m-%d')} on {machine(*versions)}; load average "
            f"{os.getloadavg()[0]:.1f} at the end (the machine is shared). "
            f"`bench/ui_render.py --case text --spans {args.spans}`: one text task of "
            f"{CHARS:,} characters with {regions:,} regions in the draft ({args.spans:,} "
            f"spans on words, one in ten nested, relations), viewport "
            f"{VIEWPORT['width']}×{VIEWPORT['height']}; {cold.pieces:,} text pieces and "
            f"{cold.marked:,} marked ones on the first page once ready.\n\n"
            f"Load to interactive, {len(loads)} reloads:\n\n" + "\n".join(lines)
            + f"\n\nThe server's CPU per next-task answer (the task and the {regions:,}-region "
            f"draft, {SERVER_ASKS} asked in a row, from /proc): {figures.server_ms:.1f} ms."
            + f"\n\nFrames over {args.duration:g} s of input each (ms, as in the image case):"
            "\n\n" + "\n".join(rows) + "\n\nRenderer main-thread CPU per action (thread "
            "time from a Chromium trace: less inflated by other processes than frame times, "
            "though on a shared machine it still varies between runs): "
            + "; ".join(f"{k} {v:.1f} ms" for k, v in cpu.items())
            + ".\n\nTargets (work p95 < 16 ms and interval p95 < "
            "25 ms): " + "; ".join(verdicts) + ".\n")


def main(args: Namespace) -> None:
    """Run the case; `args` are ui_render.py's (repeats, duration, write, spans)."""
    from ui_render import launch  # Debian's chromium, with the image case's flags

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            figures = measure(browser, args)
            block = report(figures, args, browser.version)
        finally:
            browser.close()
    print(block)
    if figures.profile:
        print(f"\nProfiles (unminified build; files in {args.profile}):\n\n{figures.profile}")
    for f in figures.measured:
        for what, ms, times in frames.top_scripts(f):
            print(f"  {f.name}: {ms:.0f} ms in {times} long frame script(s): {what}")
    if args.write:
        write_block("ui_render.py --case text", SECTION, block)
