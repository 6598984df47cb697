"""Where the label editor's time goes, for bench/ui_render.py --profile.

The page loads the same front end built without minification (so that profiles name the
functions; built from frontend/src into a temporary directory, served in place of the
bundle through a Playwright route). Each interaction runs once more under both the CDP CPU
profiler (JavaScript by function) and a Chromium trace (the main thread's time by task
kind: script, style, layout, paint; and the compositor and raster threads). Profiling
slows the page, so these runs only attribute time; the figures are from the runs without it.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Route

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
TRACE_CATEGORIES = ["-*", "toplevel", "devtools.timeline", "disabled-by-default-devtools.timeline",
                    "disabled-by-default-devtools.timeline.frame", "blink.user_timing"]
MAIN_KINDS = {
    "script": {"FunctionCall", "EventDispatch", "TimerFire", "FireAnimationFrame",
               "EvaluateScript", "v8.compile", "v8.evaluateModule", "RunMicrotasks",
               "v8.callFunction", "ParseHTML", "v8.run", "MajorGC", "MinorGC",
               "V8.GC_SCAVENGER", "BlinkGC.AtomicPhase"},
    "style": {"UpdateLayoutTree", "RecalculateStyles", "ScheduleStyleRecalculation"},
    "layout": {"Layout", "UpdateLayout", "IntersectionObserverController::computeIntersections"},
    "paint": {"PrePaint", "Paint", "PaintImage", "Layerize", "UpdateLayer", "CompositeLayers",
              "Commit", "ProxyMain::BeginMainFrame::commit"},
}
TOP = 12
COUNT_INPUT = """(() => {
  window.__accordInputs = 0;
  if (window.__accordCounting) return;
  window.__accordCounting = true;
  for (const type of ["pointerdown", "pointermove", "pointerup", "wheel"]) {
    window.addEventListener(type, () => { window.__accordInputs += 1; }, { capture: true, passive: true });
  }
})();"""
TOP_LEVEL = {"RunTask", "ThreadControllerImpl::RunTask", "ThreadPool_RunTask"}


def unminified_bundle(tmp: Path) -> Path:
    out = tmp / "web"
    subprocess.run(["npx", "vite", "build", "--minify", "false", "--outDir", str(out),
                    "--emptyOutDir", "--logLevel", "warn"], cwd=FRONTEND, check=True,
                   timeout=300)
    return next((out / "assets").glob("index-*.js"))


class Profiler:
    """A recorder (bench/_ui_frames.py's Recorder) that traces and CPU-profiles the input
    phase of an interaction; `stop` returns the summary and writes the raw files."""

    def __init__(self, browser: Browser, page: Page, out_dir: Path) -> None:
        self.browser, self.out_dir = browser, out_dir
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Profiler.enable")
        self.cdp.send("Profiler.setSamplingInterval", {"interval": 250})  # µs

    def start(self, page: Page) -> None:
        page.evaluate(COUNT_INPUT)
        self.browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        self.cdp.send("Profiler.start")

    def stop(self, page: Page, name: str) -> str:
        cpu = self.cdp.send("Profiler.stop")["profile"]
        trace = json.loads(self.browser.stop_tracing())
        events = page.evaluate("window.__accordInputs")
        stem = name.replace(" ", "-")
        (self.out_dir / f"{stem}.cpuprofile").write_text(json.dumps(cpu))
        (self.out_dir / f"{stem}.trace.json").write_text(json.dumps(trace))
        count = f"{events} pointer and wheel events.\n" if events is not None else ""
        return f"### {name}\n\n{count}{threads(trace)}\n{functions(cpu, events)}"


def profile(browser: Browser, open_editor: Callable[[Browser, Callable[[Route], None]], Page],
            interactions: dict[str, Callable[[Page, float, Profiler], str]],
            duration_s: float, out_dir: Path,
            ready: Callable[[Page], object] | None = None,
            more: Callable[[Page], list[str]] | None = None) -> str:
    """Profile a reload and each interaction but idle; returns the summaries (the .cpuprofile
    files open in Chrome DevTools' Performance panel, the traces in ui.perfetto.dev).
    `ready` waits for the reloaded editor (by default: its first region in the DOM);
    `more` adds a case's own sections, on the editor's page before it closes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="accord-bench-ui-web-") as tmp:
        bundle = unminified_bundle(Path(tmp)).read_bytes()

        def serve(route: Route) -> None:
            route.fulfill(body=bundle, content_type="text/javascript")

        page = open_editor(browser, serve)
        profiler = Profiler(browser, page, out_dir)
        profiler.start(page)
        page.reload()
        if ready is None:
            page.wait_for_selector("[data-region]", state="attached")
        else:
            ready(page)
        page.wait_for_timeout(1000)
        sections = [profiler.stop(page, "load")]
        sections += [how(page, duration_s, profiler) for name, how in interactions.items()
                     if name not in ("idle", "empty page")]
        if more is not None:
            sections += more(page)
        page.context.close()
    return "\n\n".join(sections)


def threads(trace: dict[str, Any]) -> str:
    """Busy ms per thread of the page's renderer (top-level tasks), and the main thread's
    self time by kind."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    mains = {(p, tid) for (p, tid), name in names.items() if name == "CrRendererMain"}
    work = Counter((e["pid"], e["tid"]) for e in events if (e.get("pid"), e.get("tid")) in mains)
    if not work:
        return "(no renderer activity in the trace)"
    pid, main = work.most_common(1)[0][0]  # the page's renderer: the busiest one
    complete = [e for e in events if e.get("ph") == "X" and "dur" in e and e["pid"] == pid]
    busy: Counter[str] = Counter()
    for (p, tid), name in names.items():
        if p == pid:
            busy[name] += outermost_ms([e for e in complete if e["tid"] == tid
                                        and e["name"] in TOP_LEVEL])
    own = self_times([e for e in complete if e["tid"] == main])
    kinds: Counter[str] = Counter()
    for name, ms in own.items():
        kind = next((k for k, members in MAIN_KINDS.items() if name in members), "other")
        kinds[kind] += ms
    window = (max(e["ts"] + e.get("dur", 0) for e in complete)
              - min(e["ts"] for e in complete)) / 1000
    rows = ", ".join(f"{n} {ms:,.0f}" for n, ms in busy.most_common(6))
    split = ", ".join(f"{k} {ms:,.0f}" for k, ms in kinds.most_common())
    top = ", ".join(f"{n} {ms:,.0f}" for n, ms in own.most_common(8))
    return (f"Trace over {window:,.0f} ms. Busy ms by thread: {rows}.\n"
            f"Main thread, self ms by kind: {split}; by event: {top}.")


def outermost_ms(events: list[dict[str, Any]]) -> float:
    """Time covered by events that are not inside another one (ms)."""
    total, until = 0.0, float("-inf")
    for e in sorted(events, key=lambda e: e["ts"]):
        end = e["ts"] + e["dur"]
        if e["ts"] >= until:
            total += e["dur"]
        elif end > until:
            total += end - until
        until = max(until, end)
    return total / 1000


def self_times(events: list[dict[str, Any]]) -> Counter[str]:
    """Self time (ms) by event name of one thread's nested complete events."""
    own: Counter[str] = Counter()
    stack: list[tuple[float, str]] = []  # end, name
    for e in sorted(events, key=lambda e: (e["ts"], -e["dur"])):
        while stack and stack[-1][0] <= e["ts"]:
            stack.pop()
        if stack:
            own[stack[-1][1]] -= e["dur"] / 1000
        own[e["name"]] += e["dur"] / 1000
        stack.append((e["ts"] + e["dur"], e["name"]))
    return own


def functions(cpu: dict[str, Any], events: int | None) -> str:
    """JavaScript self ms by function, and inclusive ms (and per input event) of the front
    end's own functions, from a CDP CPU profile."""
    nodes = {n["id"]: n for n in cpu["nodes"]}
    parent = {child: n["id"] for n in cpu["nodes"] for child in n.get("children", [])}
    self_ms: Counter[str] = Counter()
    total_ms: Counter[str] = Counter()
    for node_id, delta in zip(cpu["samples"], cpu["timeDeltas"][1:] + [0], strict=True):
        ms = delta / 1000
        self_ms[label(nodes[node_id])] += ms
        seen = set()
        at: int | None = node_id
        while at is not None:
            seen.add(label(nodes[at]))
            at = parent.get(at)
        for key in seen:
            total_ms[key] += ms
    skip = {"(root)", "(idle)", "(program)"}
    first = ", ".join(f"{k} {v:,.0f}" for k, v in self_ms.most_common(TOP + 3)
                      if k not in skip)
    mine = app_functions()
    ours = [(k, v) for k, v in total_ms.most_common() if k.split(" ")[0] in mine][:TOP]
    each = (lambda ms: f" ({ms / events:.1f}/event)") if events else (lambda ms: "")
    second = ", ".join(f"{k} {v:,.0f}{each(v)}" for k, v in ours)
    return (f"JS self ms (idle {self_ms['(idle)']:,.0f}): {first}.\n"
            f"Inclusive ms, the front end's own functions: {second or '—'}.")


def label(node: dict[str, Any]) -> str:
    frame = node["callFrame"]
    name = frame["functionName"] or "(anonymous)"
    if not frame["url"]:
        return name
    return f"{name} ({frame['url'].rsplit('/', 1)[-1]}:{frame['lineNumber'] + 1})"


def app_functions() -> set[str]:
    """Names of the functions and components defined in frontend/src (not its libraries)."""
    pattern = re.compile(r"(?:function\s+(\w+)|(?:const|let)\s+(\w+)\s*=\s*(?:memo\(|forwardRef|"
                         r"\(|async\s*\(|function))")
    names = set()
    for path in (FRONTEND / "src").rglob("*.ts*"):
        names |= {a or b for a, b in pattern.findall(path.read_text())}
    return names
