"""Set-up for the text browser tests: a project whose tasks are texts (or HTML), its
annotator, and selecting words in the text stage with the real mouse, located by the
document offsets the stage puts on its text pieces (`data-at`, UTF-16 like the DOM)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from accord.client import Client
from e2e.labeling import PASSWORD, Labeling, admin_token, log_in, token_by_login
from e2e.reviewing import Reviewing, reviewing_of

FIELD = "text"
SCHEMA: dict[str, Any] = {
    "data": [{"name": FIELD, "type": "text"}],
    "labels": [
        {"name": "entities", "type": "span", "source": FIELD,
         "classes": [{"name": "PER", "hotkey": "1", "color": "#e6194b"},
                     {"name": "LOC", "hotkey": "2", "color": "#3cb44b"},
                     {"name": "ORG", "hotkey": "3", "color": "#4363d8"}],
         "rules": {"allow_overlap": True}},
        {"name": "links", "type": "relation", "source": FIELD, "between": ["entities"],
         "classes": [{"name": "visited"}, {"name": "works_for"}]},
        {"name": "topic", "type": "classification", "source": FIELD,
         "classes": [{"name": "politics", "hotkey": "p"}, {"name": "sport", "hotkey": "s"}]},
        {"name": "tone", "type": "rating", "source": FIELD,
         "scale": {"min": 1, "max": 3, "anchors": [
             {"value": 1, "description": "hostile"}, {"value": 2, "description": "neutral"},
             {"value": 3, "description": "friendly"}]}},
    ],
}


def make_text_project(url: str, data_dir: Path, texts: list[str], *,
                      schema: dict[str, Any] | None = None,
                      field: str = FIELD) -> Labeling:
    """A fresh project with one task per text and its own annotator."""
    tag = secrets.token_hex(4)
    annotator = f"ann-{tag}@example.org"
    manager = Client(url, token=admin_token(url, data_dir))
    manager.create_user(annotator, password=PASSWORD)
    project = manager.create_project(f"Texts {tag}")
    manager.publish_schema(project["id"], schema or SCHEMA)
    manager.add_member(project["id"], annotator, "annotator")
    if texts:
        manager.create_tasks(project["id"], [{"data": {field: text}, "priority": len(texts) - i}
                                             for i, text in enumerate(texts)])
    ids = sorted(t["id"] for t in manager.list_tasks(project["id"]))
    return Labeling(url, data_dir, project["id"], ids, manager, annotator,
                    Client(url, token=token_by_login(url, annotator)))


def text_region(page: Page) -> Locator:
    return page.get_by_role("region", name="Text")


def open_text_stream(page: Page, labeling: Labeling) -> None:
    log_in(page, labeling, f"/projects/{labeling.project_id}/label")
    expect(text_region(page)).to_be_visible()


_CHAR_BOX = """([root, at]) => {
  const pieces = Array.from(root.querySelectorAll("[data-at]"));
  const piece = pieces.find((p) => +p.dataset.at <= at && at < +p.dataset.end);
  if (!piece) return null;
  const node = piece.firstChild, range = document.createRange();
  const offset = at - +piece.dataset.at;
  const code = node.data.codePointAt(offset);
  range.setStart(node, offset);
  range.setEnd(node, offset + (code > 0xffff ? 2 : 1));
  // The character to the middle of the scrolling text (a piece may be a whole page).
  const scroller = root.closest(".text-stage__scroller");
  const view = scroller.getBoundingClientRect(), at0 = range.getBoundingClientRect();
  scroller.scrollTop += at0.y - view.y - view.height / 2;
  const box = range.getBoundingClientRect();
  return {x: box.x, y: box.y, width: box.width, height: box.height};
}"""


def char_box(page: Page, at: int) -> dict[str, float]:
    """The screen box of the character at UTF-16 offset `at` of the document."""
    root = text_region(page).element_handle()
    box = page.evaluate(_CHAR_BOX, [root, at])
    assert box is not None, f"no character at offset {at} on this page"
    return box


def select_with_mouse(page: Page, start: int, end: int, *, exact: bool = False) -> None:
    """Press on the middle of the character at `start`, drag to the middle of the one
    before `end` (UTF-16 offsets), let go: a selection that cuts both words, as a hurried
    hand makes one; the stage snaps it (with `exact`, Alt is held and it does not)."""
    first, last = char_box(page, start), char_box(page, end - 1)
    mouse = page.mouse
    if exact:
        page.keyboard.down("Alt")
    mouse.move(first["x"] + 1, first["y"] + first["height"] / 2)
    mouse.down()
    mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] / 2, steps=4)
    mouse.move(last["x"] + last["width"] - 1, last["y"] + last["height"] / 2, steps=2)
    mouse.up()
    if exact:
        page.keyboard.up("Alt")


def click_char(page: Page, at: int) -> None:
    box = char_box(page, at)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def utf16(text: str, code_point: int) -> int:
    """The UTF-16 offset of a code point offset (what the DOM counts)."""
    return len(text[:code_point].encode("utf-16-le")) // 2


def make_text_reviewing(url: str, data_dir: Path, text: str,
                        answers: list[list[dict[str, Any]]], *,
                        consensus_threshold: float = 0.99) -> Reviewing:
    """One text task answered by `len(answers)` annotators through the SDK, each submitting
    the regions given; answers that disagree under `consensus_threshold` go to
    adjudication, where `reviewer` may merge them."""
    return reviewing_of(url, make_text_project(url, data_dir, [text]), answers,
                        consensus_threshold=consensus_threshold, review_sample=0.0)


def span(region_id: str, cls: str, start: int, end: int) -> dict[str, Any]:
    return {"id": region_id, "label": "entities", "type": "span",
            "value": {"class": cls, "start": start, "end": end}}
