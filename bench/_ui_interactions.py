"""The interactions bench/ui_render.py measures, each ~`duration_s` of continuous input
from Playwright's mouse (or keyboard, for the media cases' keys) between `record.start` and `record.stop` (set-up and checks stay
outside, so that a profile holds only the input's work).

Each mouse leg goes as STEPS moves within one Playwright call, so no round trip to the
benchmark's process comes between them; a move still waits until Chromium has taken it,
which it does at most once a frame and only when the main thread is free for it. So the
input events per second an interaction reaches are themselves a measure: the *empty page*
row is what the driver delivers when the page costs nothing.

Keys (the video and text cases' key-driven rows) go as a held key does, at KEY_REPEAT_HZ
(`hold_keys`): keydown after keydown on a fixed clock, then one keyup. Sent back to back
instead (`press_back_to_back`, kept for rows without a target), each press waits only for the
renderer to take it, so the driver keeps the main thread busy every frame however cheap a
key is: a bare `<video>` stepped that way (the video case's browser floor, 1.5 ms of CPU a
step) shows a work p95 of 16.7 ms too. That row measures the driver; the repeat rate
measures what a user holding the key gets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from _ui_frames import Recorder
from playwright.sync_api import Page

from e2e.labeling import Stage

#: A held key's auto-repeat rate, per second: the top of a PC keyboard's typematic rates
#: (30.0 characters a second, kbdrate(8)) and Windows' fastest keyboard-speed setting
#: (SPI_SETKEYBOARDSPEED 31, "approximately 30 repetitions per second"); X servers default
#: to 25. What a user who holds → to step through a video sends at most.
KEY_REPEAT_HZ = 30.0
EMPTY = (0.0, 0.0, 280.0, 200.0)  # image px kept free of boxes: where the pan starts
LEGS, STEPS = 24, 6  # a figure of eight in 24 legs of 6 mouse moves


def wiggle(page: Page, x0: float, y0: float, rx: float, ry: float, duration_s: float) -> None:
    """Mouse moves along figures of eight through (x0, y0) for `duration_s`."""
    started, leg = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        leg += 1
        angle = 2 * math.pi * leg / LEGS
        page.mouse.move(x0 + rx * math.sin(angle), y0 + ry * math.sin(2 * angle), steps=STEPS)


def _split(key: str) -> tuple[list[str], str]:
    """"Shift+ArrowRight" -> (["Shift"], "ArrowRight"), as Playwright names keys."""
    *modifiers, main = key.split("+")
    return modifiers, main


def hold_keys(page: Page, key_at: Callable[[int], str], duration_s: float,
              rate_hz: float = KEY_REPEAT_HZ) -> int:
    """Hold keys for `duration_s` as a keyboard auto-repeats them: keydown number n (from 0)
    of `key_at(n)` (e.g. "Shift+ArrowRight") at n / `rate_hz` s on a fixed clock, `repeat`
    set on each after the first of a key (Playwright sets it for a key already down); a new
    key releases the one held, and all are released at the end. A press the page is slow to
    take delays the next ones, which then go as soon as it has (a keyboard's repeats queue
    too). Returns the keydowns sent."""
    held: str | None = None

    def release() -> None:
        if held is None:
            return
        modifiers, main = _split(held)
        page.keyboard.up(main)
        for modifier in reversed(modifiers):
            page.keyboard.up(modifier)

    started, sent = time.monotonic(), 0
    try:
        while True:
            due = sent / rate_hz
            if due >= duration_s:
                break
            wait = due - (time.monotonic() - started)
            if wait > 0:
                time.sleep(wait)
            key = key_at(sent)
            if key != held:
                release()
                held = key
                for modifier in _split(key)[0]:
                    page.keyboard.down(modifier)
            page.keyboard.down(_split(key)[1])
            sent += 1
    finally:
        release()
    return sent


def press_back_to_back(page: Page, key_at: Callable[[int], str], duration_s: float) -> int:
    """Press (down and up) `key_at(n)` for the n-th press, each as soon as the renderer has
    taken the one before, for `duration_s`: the driver's ceiling, not a user's rate (see the
    module's docstring). Returns the presses sent."""
    started, sent = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        page.keyboard.press(key_at(sent))
        sent += 1
    return sent


def fit(page: Page) -> None:
    page.get_by_role("button", name="Fit").click()
    page.keyboard.press("v")  # the select tool
    page.wait_for_timeout(300)


def idle(page: Page, duration_s: float, record: Recorder) -> Any:
    record.start(page)
    page.wait_for_timeout(duration_s * 1000)
    return record.stop(page, "idle")


def pan(page: Page, duration_s: float, record: Recorder) -> Any:
    fit(page)
    x, y = Stage(page).screen((EMPTY[0] + EMPTY[2]) / 2, (EMPTY[1] + EMPTY[3]) / 2)
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('[data-region]')"
                        " ? 'region' : 'background'", [x, y])
    if hit != "background":
        raise RuntimeError(f"the pan would start on a region at ({x}, {y})")
    before = Stage(page).transform()
    page.mouse.move(x, y)
    record.start(page)
    page.mouse.down()
    wiggle(page, x, y, 200, 120, duration_s)
    page.mouse.move(x + 40, y + 30)
    page.mouse.up()
    result = record.stop(page, "pan")
    if Stage(page).transform() == before:
        raise RuntimeError("panning did not move the view")
    return result


def zoom(page: Page, duration_s: float, record: Recorder) -> Any:
    fit(page)
    box = page.get_by_role("application", name="Image canvas").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    record.start(page)
    started, step = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        page.mouse.wheel(0, -40 if (step // 15) % 2 == 0 else 40)  # 15 steps in, 15 out
        step += 1
    return record.stop(page, "zoom")


PICK_BOX = """() => {
  const canvas = document.querySelector("[role=application]").getBoundingClientRect();
  const cx = canvas.left + canvas.width / 2, cy = canvas.top + canvas.height / 2;
  let best = null;
  for (const el of document.querySelectorAll("[data-region]")) {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2, d = Math.hypot(x - cx, y - cy);
    if (r.width < 20 || r.height < 20 || d > 250 || (best && d > best.d)) continue;
    if (document.elementFromPoint(x, y) === el) best = { id: el.dataset.region, x, y, d };
  }
  return best;
}"""


def drag_box(page: Page, duration_s: float, record: Recorder) -> Any:
    fit(page)
    target = page.evaluate(PICK_BOX)
    if target is None:
        raise RuntimeError("no box near the canvas centre to press on")
    shape = page.locator(f'[data-region="{target["id"]}"]')
    before = shape.get_attribute("points")
    page.mouse.move(target["x"], target["y"])
    record.start(page)
    page.mouse.down()
    wiggle(page, target["x"], target["y"], 60, 40, duration_s)
    page.mouse.move(target["x"] + 30, target["y"] + 20)
    page.mouse.up()
    result = record.stop(page, "drag box")
    if shape.get_attribute("points") == before:
        raise RuntimeError(f"box {target['id']} did not move")
    return result


def empty_page(page: Page, duration_s: float, record: Recorder) -> Any:
    """The pan's mouse moves over a blank page of the same browser: the driver's ceiling."""
    blank = page.context.browser.new_page(viewport=page.viewport_size)  # type: ignore[union-attr]
    try:
        blank.set_content("<div style='height: 100vh'></div>")
        blank.mouse.move(400, 300)
        record.start(blank)
        blank.mouse.down()
        wiggle(blank, 400, 300, 200, 120, duration_s)
        blank.mouse.up()
        return record.stop(blank, "empty page (mouse only)")
    finally:
        blank.close()


TRANSFORM_ONLY = """(duration) => new Promise((resolve) => {
  const g = document.querySelector(".stage svg > g");
  const before = g.getAttribute("transform");
  const [s, , , , x, y] = before.match(/-?[\\d.]+(?:e-?\\d+)?/g).map(Number);
  const t0 = performance.now();
  const step = (now) => {
    if (now - t0 > duration) { g.setAttribute("transform", before); resolve(); return; }
    const a = ((now - t0) / duration) * 2 * Math.PI;
    g.setAttribute("transform", `matrix(${s} 0 0 ${s} ${x + 200 * Math.sin(a)} ${y + 120 * Math.sin(2 * a)})`);
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""


def pan_transform_only(page: Page, duration_s: float, record: Recorder) -> Any:
    """The pan's motion as a new `<g transform>` every frame, set from the page without
    React or input: what redrawing the 2,000 regions each frame costs the browser, which
    the editor avoids by moving them as one composited layer (not a target)."""
    fit(page)
    record.start(page)
    page.evaluate(TRANSFORM_ONLY, duration_s * 1000)
    return record.stop(page, "pan, transform only (no React)")


LAYER_FLOOR = """(count) => {
  const shapes = [];
  for (let i = 0; i < count; i++) {
    const x = (i * 397) % 1200, y = (i * 613) % 650;
    shapes.push(`<polygon points="${x},${y} ${x + 40},${y} ${x + 40},${y + 30} ${x},${y + 30}" `
      + `fill="#e6194b" fill-opacity="0.15" stroke="#e6194b" vector-effect="non-scaling-stroke"/>`);
  }
  document.body.innerHTML = `<div style="position:relative;width:1000px;height:700px;`
    + `overflow:hidden"><svg id="layer" width="1250" height="700" style="position:absolute;`
    + `will-change:transform;transform-origin:0 0">${shapes.join("")}</svg></div>`;
}"""

MOVE_LAYER = """(duration) => new Promise((resolve) => {
  const layer = document.getElementById("layer"), t0 = performance.now();
  const step = (now) => {
    if (now - t0 > duration) { resolve(); return; }
    const a = ((now - t0) / duration) * 2 * Math.PI;
    layer.style.transform = `translate(${200 * Math.sin(a)}px, ${120 * Math.sin(2 * a)}px)`;
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""


def layer_floor(page: Page, duration_s: float, record: Recorder) -> Any:
    """The same number of polygons as one composited layer moved by a CSS transform every
    frame, on a blank page with no app code and no input: this browser's own floor for what
    the editor's pan does (not a target)."""
    count = page.locator("[data-region]").count()
    blank = page.context.browser.new_page(viewport=page.viewport_size)  # type: ignore[union-attr]
    try:
        blank.evaluate(LAYER_FLOOR, count)
        record.start(blank)
        blank.evaluate(MOVE_LAYER, duration_s * 1000)
        return record.stop(blank, "browser floor: moving layer (blank page)")
    finally:
        blank.close()


INTERACTIONS = {"idle": idle, "empty page": empty_page, "layer floor": layer_floor, "pan": pan,
                "pan, transform only": pan_transform_only, "zoom": zoom, "drag box": drag_box}
# Rows (by the name they record) that locate costs and have no target.
DIAGNOSTIC = {"idle", "empty page (mouse only)", "browser floor: moving layer (blank page)",
              "pan, transform only (no React)"}


