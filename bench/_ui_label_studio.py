"""The peer for bench/ui_render.py --peer: the same task in Label Studio 1.x.

Label Studio is installed and started by bench/_label_studio.py. The project has a
RectangleLabels config with the same three classes; the image is uploaded through its import
API and the 2,000 boxes become one annotation (percentages; Label Studio rotates a box about
its top-left corner, so that corner is placed where Accord's rotation about the centre puts
it).

Its editor (Konva canvases, no DOM element per region) sets no mark, so *ready* is the
frame two rAFs after its store holds all regions and the task's image (the one large <img>,
from a blob URL) has loaded, the same moment Accord marks. Pan is its hand tool (H), zoom is Ctrl + wheel (a plain wheel scrolls),
and a box is dragged with the select tool (V): a click selects the topmost box at the
canvas centre, then the measured press and move drag it (Accord's drag starts unselected, so
its figures include the selection).
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from _label_studio import PASSWORD, TOKEN, USER, VERSION, running
from _ui_frames import Frames, Probe, Recorder
from _ui_interactions import wiggle
from playwright.sync_api import Browser, Page

from servers import free_port

CLASSES = {"car": "#e6194b", "person": "#3cb44b", "bike": "#4363d8"}
CONFIG = ("<View><Image name=\"image\" value=\"$image\"/>"
          "<RectangleLabels name=\"label\" toName=\"image\">"
          + "".join(f"<Label value=\"{n}\" background=\"{c}\"/>" for n, c in CLASSES.items())
          + "</RectangleLabels></View>")
READY = """(count) => {
  const ready = () => {
    const regions = window.Htx?.annotationStore?.selected?.regions?.length ?? 0;
    const image = [...document.images].find((i) => i.width > 300);
    if (regions >= count && image?.complete && image.naturalWidth > 0) {
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark("bench:peer-ready")));
    } else requestAnimationFrame(ready);
  };
  requestAnimationFrame(ready);
}"""


@dataclass(frozen=True, slots=True)
class Peer:
    url: str
    project_id: int
    task_id: int

    @property
    def editor(self) -> str:
        return f"{self.url}/projects/{self.project_id}/data?task={self.task_id}"


def result(box: dict[str, Any], width: int, height: int) -> dict[str, Any]:
    """One of bench/ui_render.py's boxes as a Label Studio rectangle (percent of the image)."""
    v = box["value"]
    angle = math.radians(v["rotation"])
    cx, cy = v["x"] + v["width"] / 2, v["y"] + v["height"] / 2
    x = cx - v["width"] / 2 * math.cos(angle) + v["height"] / 2 * math.sin(angle)
    y = cy - v["width"] / 2 * math.sin(angle) - v["height"] / 2 * math.cos(angle)
    return {"id": box["id"], "from_name": "label", "to_name": "image",
            "type": "rectanglelabels", "original_width": width, "original_height": height,
            "image_rotation": 0,
            "value": {"x": x / width * 100, "y": y / height * 100,
                      "width": v["width"] / width * 100, "height": v["height"] / height * 100,
                      "rotation": v["rotation"], "rectanglelabels": [v["class"]]}}


def seed(url: str, image: Path, boxes: list[dict[str, Any]], size: tuple[int, int]) -> Peer:
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {TOKEN}"},
                      timeout=300) as api:
        project = api.post("/api/projects", json={"title": "2,000 boxes",
                                                  "label_config": CONFIG})
        project.raise_for_status()
        project_id = project.json()["id"]
        with image.open("rb") as file:
            api.post(f"/api/projects/{project_id}/import",
                     files={"file": (image.name, file, "image/png")}).raise_for_status()
        task_id = api.get("/api/tasks", params={"project": project_id}).json()["tasks"][0]["id"]
        api.post(f"/api/tasks/{task_id}/annotations/",
                 json={"result": [result(b, *size) for b in boxes]}).raise_for_status()
    return Peer(url, project_id, task_id)


def ready_ms(page: Page, timeout_s: float = 120) -> float:
    deadline = time.monotonic() + timeout_s
    while not page.evaluate("performance.getEntriesByName('bench:peer-ready').length"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"Label Studio's editor was not ready within {timeout_s:g} s")
        time.sleep(0.05)
    return float(page.evaluate("performance.getEntriesByName('bench:peer-ready')[0].startTime"))


def open_editor(browser: Browser, peer: Peer, viewport: dict[str, int], boxes: int
                ) -> tuple[Page, float]:
    """Log in and open the task; returns the page and the first open's ready time (ms)."""
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(120_000)
    page.goto(f"{peer.url}/user/login/")
    page.fill("input[name=email]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/user/login" not in u)
    page.add_init_script(f"({READY})({boxes})")
    page.goto(peer.editor)
    return page, ready_ms(page)


def reloads(page: Page, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        page.reload()
        out.append(ready_ms(page))
    return out


def canvas(page: Page) -> dict[str, float]:
    box = page.evaluate("""() => {
      const image = [...document.images].find((i) => i.width > 300);
      const r = image.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    }""")
    return box


def tool(page: Page, key: str) -> None:
    page.mouse.click(10, 880)  # focus the page, off the canvas and the region list
    page.keyboard.press(key)
    page.wait_for_timeout(300)


def pan(page: Page, duration_s: float, record: Recorder) -> Any:
    tool(page, "h")
    box = canvas(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    record.start(page)
    page.mouse.down()
    wiggle(page, x, y, 200, 120, duration_s)
    page.mouse.up()
    return record.stop(page, "pan")


def zoom(page: Page, duration_s: float, record: Recorder) -> Any:
    box = canvas(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    record.start(page)
    started, step = time.monotonic(), 0
    while time.monotonic() - started < duration_s:
        page.mouse.wheel(0, -40 if (step // 15) % 2 == 0 else 40)
        step += 1
    result = record.stop(page, "zoom")
    page.keyboard.up("Control")
    return result


SELECTED = """() => {
  const region = window.Htx.annotationStore.selected.selectedRegions?.[0];
  return region ? { id: region.id, x: region.x } : null;
}"""


def drag_box(page: Page, duration_s: float, record: Recorder) -> Any:
    tool(page, "v")
    box = canvas(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)  # selects the topmost box there (its own z-order, not the list's)
    page.wait_for_timeout(300)
    target = page.evaluate(SELECTED)
    if target is None:
        raise RuntimeError("no Label Studio box under the canvas centre")
    record.start(page)
    page.mouse.down()
    wiggle(page, x, y, 60, 40, duration_s)
    page.mouse.move(x + 30, y + 20)
    page.mouse.up()
    result = record.stop(page, "drag box")
    moved = page.evaluate("(id) => window.Htx.annotationStore.selected.regions"
                          ".find((r) => r.id === id).x", target["id"])
    if moved == target["x"]:
        raise RuntimeError(f"Label Studio's box {target['id']} did not move")
    return result


INTERACTIONS = {"pan": pan, "zoom": zoom, "drag box": drag_box}


@dataclass(frozen=True, slots=True)
class PeerFigures:
    version: str
    cold_ms: float
    loads_ms: list[float]
    measured: list[Frames]


def measure(browser: Browser, tmp: Path, image: Path, boxes: list[dict[str, Any]],
            size: tuple[int, int], viewport: dict[str, int], repeats: int, duration_s: float
            ) -> PeerFigures:
    """The whole peer run: start, seed, load `repeats` times, each interaction."""
    with running(tmp / "data", free_port(), tmp / "label-studio.log") as url:
        peer = seed(url, image, boxes, size)
        page, cold = open_editor(browser, peer, viewport, len(boxes))
        loads = reloads(page, repeats)
        probe = Probe()
        measured = []
        for how in INTERACTIONS.values():
            page.reload()  # each from the fitted view, as Accord's start from "Fit"
            ready_ms(page)
            measured.append(how(page, duration_s, probe))
        page.close()
    return PeerFigures(VERSION, cold, loads, measured)


def comparison(peer: PeerFigures, loads: list[Any], measured: list[Frames]) -> str:
    """The peer's figures beside Accord's (the same task, boxes, browser and input)."""
    ours = {f.name: f for f in measured}
    rows = [("interactive, median of reloads (ms)",
             statistics.median(load.ready_ms for load in loads),
             statistics.median(peer.loads_ms)),
            ("interactive, first open (ms)", None, peer.cold_ms)]
    for theirs in peer.measured:
        f = ours[theirs.name]
        rows += [(f"{f.name}: input events/s taken", f.rate, theirs.rate),
                 (f"{f.name}: interval p95 (ms)", f.p(f.intervals_ms, 95),
                  theirs.p(theirs.intervals_ms, 95)),
                 (f"{f.name}: work p95 (ms)", f.p(f.work_ms, 95), theirs.p(theirs.work_ms, 95))]
    lines = [f"Label Studio {peer.version} (`label-studio start`: Django's development server, "
             "SQLite), the same task, boxes, browser and input; ready = two frames after its "
             "store holds every region and the image has loaded; zoom is Ctrl + wheel there:",
             "", "| measure | Accord | Label Studio | Label Studio ÷ Accord |",
             "|---|--:|--:|--:|"]
    for name, accord, theirs in rows:
        ratio = f"{theirs / accord:.2f}" if accord else "—"
        lines.append(f"| {name} | {'—' if accord is None else f'{accord:,.1f}'} "
                     f"| {theirs:,.1f} | {ratio} |")
    return "\n".join(lines)

