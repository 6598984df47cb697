"""Frame times measured inside the page, for bench/ui_render.py.

A `requestAnimationFrame` loop records each frame's start (the rAF timestamp: the frame's
begin time, before that frame's input events are dispatched) and posts a MessageChannel
message, which runs once the frame's style, layout and paint are done and the tasks queued
before it have run, such as the render React schedules from a pointer or wheel handler.
So per frame:

    interval  rAF timestamp minus the previous one: the frame cadence (16.7 ms at 60 Hz
              when nothing is dropped; 33.3 ms when one vsync was missed)
    work      message time minus the frame's start, at most the interval: the main
              thread's time for that frame (input handlers, React's render and commit, rAF
              callbacks, style, layout, paint) until it was first free again

The cap: Chromium runs rendering and input before posted messages, so while the main thread
stays busy the message of frame N may run after frame N+1 began; frame N then counts as
busy for its whole interval. With a cheap page, work is the 2–4 ms of the probe's own frame.

Long animation frames (> 50 ms, with the scripts that ran in them) are read from a
PerformanceObserver when this Chromium supports them (it does since 123); they supersede
`longtask` entries, which say less.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from playwright.sync_api import Page

FRAME_MS = 1000 / 60
BUDGET_MS = 16.0             # the "frames under 16 ms"
LATE_MS = 1.5 * FRAME_MS     # an interval this long means at least one vsync was missed

PROBE = """
(() => {
  if (window.__accordFrames) return;
  const probe = { frames: [], longFrames: [], running: false, since: 0 };
  const open = [];  // frames whose rendering has not ended yet, oldest first
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const frame = open.shift();
    if (frame) { frame.end = performance.now(); probe.frames.push(frame); }
  };
  let last = null, inputs = 0;
  for (const type of ["pointerdown", "pointermove", "pointerup", "wheel", "keydown"]) {
    window.addEventListener(type, () => { inputs += 1; }, { capture: true, passive: true });
  }
  // One loop per recording: a start soon after a stop must not leave the last one running
  // beside it (two ticks a frame, intervals of 0).
  let loop = 0;
  const tick = (ts, mine) => {
    if (!probe.running || mine !== loop) return;
    open.push({ start: ts, interval: last === null ? null : ts - last, inputs });
    inputs = 0;
    last = ts;
    channel.port2.postMessage(null);
    requestAnimationFrame((t) => tick(t, mine));
  };
  const types = PerformanceObserver.supportedEntryTypes;
  probe.supported = { loaf: types.includes("long-animation-frame") };
  if (probe.supported.loaf) {
    new PerformanceObserver((list) => {
      if (!probe.running) return;
      for (const e of list.getEntries()) probe.longFrames.push({
        start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
        render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
        layout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
        scripts: e.scripts.map((s) => ({ invoker: s.invoker, type: s.invokerType,
          duration: s.duration, layout: s.forcedStyleAndLayoutDuration,
          source: `${s.sourceFunctionName || "?"}@${(s.sourceURL || "").split("/").pop()}:${s.sourceCharPosition}` })),
      });
    }).observe({ type: "long-animation-frame", buffered: false });
  }
  probe.start = () => {
    probe.frames = []; probe.longFrames = []; open.length = 0;
    last = null; probe.running = true; probe.since = performance.now();
    loop += 1;
    const mine = loop;
    requestAnimationFrame((t) => tick(t, mine));
  };
  probe.stop = () => new Promise((resolve) => {
    // two more frames, so that the last frame's message has run and observers reported
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
      probe.running = false;
      // A frame's work ends when its message ran, or at the latest when the next frame
      // began: the message waits behind rendering and input, which Chromium runs first.
      const rows = probe.frames.map((f, i) => {
        const next = probe.frames[i + 1];
        return [f.interval, Math.min(f.end, next ? next.start : f.end) - f.start, f.inputs];
      });
      resolve({ frames: rows.filter((row) => row[0] !== null),
                longFrames: probe.longFrames,
                supported: probe.supported, elapsed: performance.now() - probe.since });
    }, 50)));
  });
  window.__accordFrames = probe;
})();
"""


class Recorder(Protocol):
    """What an interaction calls around its input: this probe, or bench/_ui_profile.py's."""

    def start(self, page: Page) -> None: ...

    def stop(self, page: Page, name: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class Frames:
    """One interaction's frames: intervals and work in ms, and the long frames seen."""

    name: str
    intervals_ms: np.ndarray
    work_ms: np.ndarray
    events: np.ndarray               # input events dispatched in each frame
    elapsed_ms: float
    long_frames: list[dict[str, Any]]
    supported: dict[str, bool]

    def p(self, values: np.ndarray, q: float) -> float:
        if values.size == 0:
            return float("nan")
        return float(np.percentile(values, q, method="inverted_cdf"))

    @property
    def rate(self) -> float:
        """Pointer, wheel and keydown events per second that the page took."""
        return float(self.events.sum()) / (self.elapsed_ms / 1000)

    @property
    def with_input(self) -> int:
        """Frames in which at least one pointer, wheel or keydown event was dispatched."""
        return int((self.events > 0).sum())

    @property
    def over_budget(self) -> int:
        """Frames whose main-thread work took 16 ms or more (the issue's figure)."""
        return int((self.work_ms >= BUDGET_MS).sum())

    @property
    def late(self) -> int:
        """Frames that came one vsync or more late (interval ≥ 25 ms)."""
        return int((self.intervals_ms >= LATE_MS).sum())


class Probe:
    """The in-page recorder: `start` before an interaction's input, `stop` after it."""

    def start(self, page: Page) -> None:
        page.evaluate(PROBE)
        page.evaluate("window.__accordFrames.start()")

    def stop(self, page: Page, name: str) -> Frames:
        result = page.evaluate("window.__accordFrames.stop()")
        rows = np.asarray(result["frames"], dtype=float).reshape(-1, 3)
        return Frames(name, rows[:, 0], rows[:, 1], rows[:, 2].astype(int),
                      float(result["elapsed"]), result["longFrames"], result["supported"])


def load_table(cold: Any, loads: Sequence[Any], ready: str) -> list[str]:
    """The load-to-interactive table of a media case: `cold` (the first open) and `loads`
    (the reloads) carry `task_ms` and `ready_ms`; `ready` names what the ready mark means."""
    ready_ms = [load.ready_ms for load in loads]
    return [
        "| from navigation start to | runs | median (ms) | max (ms) | first open (ms) |",
        "|---|--:|--:|--:|--:|",
        f"| next-task answer received (task and draft) | {len(loads)} "
        f"| {statistics.median(x.task_ms for x in loads):.1f} "
        f"| {max(x.task_ms for x in loads):.1f} | {cold.task_ms:.1f} |",
        f"| {ready} | {len(loads)} | {statistics.median(ready_ms):.1f} "
        f"| {max(ready_ms):.1f} | {cold.ready_ms:.1f} |",
    ]


def frames_table(measured: Sequence[Frames], ready_ms: Sequence[float],
                 target_ready_ms: float) -> tuple[list[str], list[str]]:
    """The frames table of a media case and its verdicts against the targets (the median
    load to interactive first, then each interaction but idle)."""
    rows = ["| interaction | s | input events/s | frames | interval p50 | p95 | max | work p50 "
            "| p95 | max | work ≥ 16 ms | late (≥ 25 ms) |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    median = statistics.median(ready_ms)
    verdicts = [f"interactive (median) {median:,.0f} ms: "
                f"{'PASS' if median < target_ready_ms else 'MISS'} (< {target_ready_ms:,.0f} ms)"]
    for f in measured:
        stats = " | ".join(f"{f.p(v, q):.1f}" for v in (f.intervals_ms, f.work_ms)
                           for q in (50, 95, 100))
        rows.append(f"| {f.name} | {f.elapsed_ms / 1000:.1f} | {f.rate:.0f} "
                    f"| {f.intervals_ms.size} | {stats} | {f.over_budget} | {f.late} |")
        if f.name != "idle":
            work, interval = f.p(f.work_ms, 95), f.p(f.intervals_ms, 95)
            met = work < BUDGET_MS and interval < LATE_MS
            verdicts.append(f"{f.name}: work p95 {work:.1f} ms, interval p95 {interval:.1f} ms: "
                            f"{'PASS' if met else 'MISS'}")
    return rows, verdicts


def top_scripts(frames: Frames, n: int = 5) -> list[tuple[str, float, int]]:
    """The scripts that took longest in the long animation frames: (what, ms, times)."""
    total: dict[str, list[float]] = {}
    for frame in frames.long_frames:
        for script in frame["scripts"]:
            key = f"{script['type']} {script['invoker']} ({script['source']})"
            total.setdefault(key, []).append(script["duration"])
    ranked = sorted(total.items(), key=lambda kv: -sum(kv[1]))[:n]
    return [(key, sum(values), len(values)) for key, values in ranked]
