"""CVAT for video frame tags ↔ our `video_segment` regions.

A frame-level classification in a CVAT video file is a `<tag>` at the top level of
`<annotations>`, one per frame: `<tag label="night" frame="12" source="manual">` with
`<attribute name="…">` children. Our schema's frame-level and segment classification is
the `video_segment` (`[start, end)` in frames; one frame is `end = start + 1`,
docs/regions.md).

Tags are read into **segments of consecutive frames**: tags of one class with the same
attributes on frames 12, 13, 14 are one segment `[12, 15)`. That is what our video editor
makes of frames marked one after another (*Mark frame* grows the neighbouring segment of the
class), so a CVAT file and our segments go back and forth unchanged, and a range tagged on
every frame does not become a region per frame. The export writes each segment as a tag on
each of its frames (CVAT has no ranges); segments of one class that touch or overlap come
back as one.

>>> tags = FrameTags()
>>> for frame in (3, 4, 5, 9):
...     tags.add("scene", "night", frame, {})
>>> [(r["value"]["start"], r["value"]["end"]) for r in tags.regions()]
[(3, 6), (9, 10)]
>>> print(tags_xml([{"type": "video_segment", "value": {"class": "night", "start": 3,
...                                                      "end": 5}}]), end="")
  <tag label="night" frame="3" source="manual">
  </tag>
  <tag label="night" frame="4" source="manual">
  </tag>
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from accord.formats._cvat_read import read_attributes
from accord.formats._cvat_write import escape, num, q
from accord.formats._cvat_xml import attr_int
from accord.formats.base import ReadContext, fail

Key = tuple[str, str, tuple[tuple[str, Any], ...]]  # label, class, attributes


class FrameTags:
    """The frame tags of one video file, gathered as the file is read."""

    def __init__(self) -> None:
        self._frames: dict[Key, set[int]] = {}

    def add(self, label: str, class_name: str, frame: int, attributes: Mapping[str, Any]
            ) -> None:
        key = (label, class_name, tuple(sorted(attributes.items())))
        self._frames.setdefault(key, set()).add(frame)

    def regions(self) -> list[dict[str, Any]]:
        """One `video_segment` region per run of consecutive frames, by first frame, ids
        `segment-1`, `segment-2`, …"""
        runs: list[tuple[int, int, Key]] = []
        for key, frames in self._frames.items():
            ordered = sorted(frames)
            start = previous = ordered[0]
            for frame in ordered[1:]:
                if frame != previous + 1:
                    runs.append((start, previous + 1, key))
                    start = frame
                previous = frame
            runs.append((start, previous + 1, key))
        regions = []
        for number, (start, end, (label, class_name, attributes)) in enumerate(
                sorted(runs, key=lambda run: (run[0], run[2][1], run[1])), start=1):
            region: dict[str, Any] = {"id": f"segment-{number}", "label": label,
                                      "type": "video_segment",
                                      "value": {"class": class_name, "start": start,
                                                "end": end}}
            if attributes:
                region["attributes"] = dict(attributes)
            regions.append(region)
        return regions


def read_tag(element: ET.Element, where: str, frame_count: int | None,
             context: ReadContext, tags: FrameTags) -> None:
    """One top-level `<tag>` into `tags`: its class goes to the schema's video_segment
    label (by class, as tracks go to video_track labels), its attributes typed by it."""
    class_name = element.get("label") or ""
    if not class_name:
        raise fail(where, "the frame tag has no label; give it one in CVAT, or import with "
                          "the setting unlabelled=skip")
    frame = attr_int(element, "frame", where)
    if frame < 0 or (frame_count is not None and frame >= frame_count):
        raise fail(where, f"frame {frame} is outside the video's frames 0–"
                          f"{(frame_count or 0) - 1}")
    label_name = context.binding.label("video_segment", class_name, where)
    label = context.schema.label(label_name) if context.schema else None
    if label is not None and label.class_named(class_name) is None:
        raise fail(where, f"label {label_name!r} has no class {class_name!r}; its classes: "
                          f"{', '.join(c.name for c in label.classes)}")
    tags.add(label_name, class_name, frame, read_attributes(element, label, where))


def tags_xml(regions: Iterable[Mapping[str, Any]]) -> str:
    """A `<tag>` for each frame of each `video_segment` region, in frame order (a frame
    two segments of one class and attributes share is tagged once)."""
    tags: set[tuple[int, str, tuple[tuple[str, Any], ...]]] = set()
    for region in regions:
        if region.get("type") != "video_segment":
            continue
        value = region["value"]
        attributes = tuple(sorted((region.get("attributes") or {}).items()))
        tags.update((frame, value["class"], attributes)
                    for frame in range(value["start"], value["end"]))
    out = []
    for frame, class_name, attributes in sorted(tags, key=lambda t: (t[0], t[1], repr(t[2]))):
        out.append(f"  <tag label={q(class_name)} frame=\"{frame}\" source=\"manual\">\n")
        for name, raw in attributes:
            text = ("true" if raw else "false") if isinstance(raw, bool) else (
                num(raw) if isinstance(raw, int | float) else str(raw))
            out.append(f"    <attribute name={q(name)}>{escape(text)}</attribute>\n")
        out.append("  </tag>\n")
    return "".join(out)
