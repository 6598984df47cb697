"""CVAT for video 1.1: one XML per video, its box tracks our `video_track` regions.

An import takes a track's attributes from its first box. An export writes on each box the
attributes in force on its frame: the track's, changed by the per-frame attributes of each
keyframe at or before it (docs/regions.md).

CVAT lists a track's box on every frame (keyframe="1" where drawn, "0" where interpolated);
we keep the keyframes, the outside frames and any box the interpolation does not give back
within CVAT's 2-decimal rounding (`TOLERANCE_PX`), so nothing is lost (_cvat_tracks.py).
Frame numbers are the video's, as CVAT writes them (from `start_frame`). Frame `<tag>`s are
our `video_segment` regions, runs of consecutive frames (_cvat_frame_tags.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from accord.core.errors import InputError
from accord.formats._cvat_frame_tags import FrameTags, read_tag, tags_xml
from accord.formats._cvat_read import read_attributes, span, xml_paths
from accord.formats._cvat_tracks import Frame, keyframes_from_frames, per_frame
from accord.formats._cvat_write import attributes_xml, escape, labels_xml, num, q
from accord.formats._cvat_xml import attr_flag, attr_float, attr_int, top_level
from accord.formats.base import EntryNames, Export, ReadContext, check_box_inside, fail
from accord.formats.source import Source
from accord.formats.zipstream import ZipStream

#: CVAT writes coordinates with 2 decimals; an interpolated box within this is interpolated
TOLERANCE_PX = 0.01
#: the label types whose classes `<meta>` lists, without and with frame tags
_TYPES = {False: ("video_track",), True: ("video_track", "video_segment")}
OTHER_SHAPES = ("polygon", "polyline", "points", "mask", "skeleton", "ellipse", "cuboid")


def read_video(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """One task per XML file: the video named by `<source>` (else the task's name)."""
    for path in xml_paths(source):
        where = source.where(path)
        with source.open(path) as stream:
            yield where, _video(top_level(stream, where), where, path, context)


def _video(elements: Iterator[Any], where: str, path: str, context: ReadContext
           ) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    regions: list[dict[str, Any]] = []
    skip_unlabelled = context.setting("unlabelled", "error", ("error", "skip")) == "skip"
    skip_shapes = context.setting("shape_tracks", "error", ("error", "skip")) == "skip"
    tags = FrameTags()
    for item in elements:
        element: ET.Element = item.element
        at = f"{where}, line {item.line(element)}"
        if element.tag == "meta":
            meta = _meta(element, at)
        elif element.tag == "image":
            raise fail(at, "an <image> in a CVAT for video file; import it as cvat_images")
        elif element.tag == "tag":
            if skip_unlabelled and not element.get("label"):
                continue
            read_tag(element, f"{at}, tag {element.get('label')!r} on frame "
                              f"{element.get('frame')}", meta.get("frame_count"), context, tags)
        elif element.tag == "track":
            number = attr_int(element, "id", at)
            at = f"{where}, track {number} (line {item.line(element)})"
            class_name = element.get("label") or ""
            if not class_name:
                if skip_unlabelled:
                    continue
                raise fail(at, "the track has no label; give it one in CVAT, or import with "
                               "the setting unlabelled=skip")
            other = [c.tag for c in element if c.tag in OTHER_SHAPES]
            if other:
                if skip_shapes:
                    continue
                raise fail(at, f"a track of {other[0]} shapes; Accord's video tracks are "
                               "boxes. Import with the setting shape_tracks=skip to leave "
                               "such tracks out")
            regions.append(_track(element, at, number, class_name, meta, context))
    regions += tags.regions()
    name = meta.get("source") or meta.get("name") or PurePosixPath(path).stem
    data: dict[str, Any] = {context.binding.data_key("video"): context.media(name)}
    for key in ("width", "height", "frame_count"):
        if meta.get(key) is not None:
            data[key] = meta[key]
    record: dict[str, Any] = {"data": data}
    if regions:
        record["annotations"] = [{"regions": regions}]
    return record


def _meta(element: ET.Element, where: str) -> dict[str, Any]:
    task = element.find("task")
    if task is None:
        raise fail(where, "<meta> has no <task>; a CVAT for video file is a task export")
    out: dict[str, Any] = {"name": (task.findtext("name") or "").strip(),
                           "source": (element.findtext("source") or "").strip()}
    size = task.find("original_size")
    if size is not None:
        for key in ("width", "height"):
            value = (size.findtext(key) or "").strip()
            if not (value.isascii() and value.isdigit()) or int(value) <= 0:
                raise fail(where, f"original_size {key} {value!r} is not a positive integer")
            out[key] = int(value)
    for key in ("stop_frame", "size"):
        value = (task.findtext(key) or "").strip()
        if value:
            if not (value.isascii() and value.isdigit()):
                raise fail(where, f"{key} {value!r} is not a whole number")
            out["frame_count"] = int(value) + (1 if key == "stop_frame" else 0)
            break
    return out


def _track(element: ET.Element, where: str, number: int, class_name: str,
           meta: dict[str, Any], context: ReadContext) -> dict[str, Any]:
    label_name = context.binding.label("video_track", class_name, where)
    label = context.schema.label(label_name) if context.schema else None
    frames: list[Frame] = []
    attributes: dict[str, Any] | None = None
    for index, box in enumerate(element.findall("box"), start=1):
        at = f"{where}, box {index}"
        frame = attr_int(box, "frame", at)
        xtl, ytl = attr_float(box, "xtl", at), attr_float(box, "ytl", at)
        xbr, ybr = attr_float(box, "xbr", at), attr_float(box, "ybr", at)
        if "rotation" in box.attrib and attr_float(box, "rotation", at) != 0:
            raise fail(at, "a rotated box; Accord's video tracks hold upright boxes")
        check_box_inside(at, xtl, ytl, xbr - xtl, ybr - ytl, meta.get("width"),
                         meta.get("height"))
        if frame < 0 or (meta.get("frame_count") is not None and frame >= meta["frame_count"]):
            raise fail(at, f"frame {frame} is outside the video's frames 0–"
                           f"{meta.get('frame_count', 0) - 1}")
        if frames and frame <= frames[-1].frame:
            raise fail(at, f"frame {frame} comes after frame {frames[-1].frame}; a track's "
                           "boxes go in increasing frame order")
        frames.append(Frame(frame, (xtl, ytl, span(xtl, xbr), span(ytl, ybr)),
                            attr_flag(box, "outside", at), attr_flag(box, "keyframe", at)))
        if attributes is None:  # a track's attributes: those of its first box
            attributes = read_attributes(box, label, at)
            if label is not None and label.attribute_named("occluded") is not None:
                attributes.setdefault("occluded", attr_flag(box, "occluded", at))
    if not frames:
        raise fail(where, "the track has no boxes")
    keyframes = []
    for key in keyframes_from_frames(frames, TOLERANCE_PX):
        x, y, w, h = key.box
        keyframe: dict[str, Any] = {"frame": key.frame, "x": x, "y": y, "width": w,
                                    "height": h}
        if key.outside:
            keyframe["outside"] = True
        keyframes.append(keyframe)
    region: dict[str, Any] = {"id": str(number), "label": label_name, "type": "video_track",
                              "value": {"class": class_name, "track_id": number,
                                        "keyframes": keyframes}}
    if attributes:
        region["attributes"] = attributes
    return region


def write_video(export: Export) -> Iterator[bytes]:
    """A zip of one XML per video task, every frame of each track written out. Segments
    become frame tags only when asked (`segments=tags`): CVAT's importer and Datumaro's
    reader do not take tags in a video file, and the file is made for them."""
    segments = export.options.settings.get("segments", "skip")
    if segments not in ("tags", "skip"):
        raise InputError(f"setting 'segments': expected tags or skip, got {segments!r}",
                         field="settings.segments")
    archive, names = ZipStream(), EntryNames()
    for item in export.items():
        video = item.data.get(_video_key(export)) if item.data else None
        name = video if isinstance(video, str) else item.media
        entry = names.name(name, item.task_id, ".xml")
        yield from archive.add(entry, _document(export, item, name or str(item.task_id),
                                                segments == "tags"))
    yield from archive.close()


def _video_key(export: Export) -> str:
    if export.schema is not None:
        for data in export.schema.data:
            if data.type.value == "video":
                return data.source or data.name
    return "video"


def _document(export: Export, item: Any, name: str, with_tags: bool) -> Iterator[bytes]:
    frame_count = item.data.get("frame_count")
    frame_count = frame_count if isinstance(frame_count, int) and frame_count > 0 else None
    size = (f"      <original_size>\n        <width>{item.width}</width>\n"
            f"        <height>{item.height}</height>\n      </original_size>\n"
            if item.width is not None and item.height is not None else "")
    frames = (f"      <size>{frame_count}</size>\n      <start_frame>0</start_frame>\n"
              f"      <stop_frame>{frame_count - 1}</stop_frame>\n" if frame_count else "")
    yield ('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n'
           f"  <meta>\n    <task>\n      <name>{escape(name)}</name>\n{frames}"
           f"      <mode>interpolation</mode>\n"
           f"{labels_xml(export.schema, _TYPES[with_tags], '      ')}{size}    </task>\n"
           f"    <source>{escape(name)}</source>\n  </meta>\n").encode()
    tracks = [r for r in item.regions if r.get("type") == "video_track"]
    given = [r["value"]["track_id"] for r in tracks]
    used, spare = set(), max(given, default=-1) + 1
    for region, track_id in zip(tracks, given, strict=True):
        if track_id in used:  # CVAT track ids are unique in a file: a repeat gets a new one
            track_id, spare = spare, spare + 1
        used.add(track_id)
        yield _track_xml(region, track_id, frame_count).encode()
    if with_tags:
        yield tags_xml(item.regions).encode()
    yield b"</annotations>\n"


def _track_xml(region: dict[str, Any], track_id: int, frame_count: int | None) -> str:
    value = region["value"]
    in_force = dict(region.get("attributes") or {})
    changes = [(k["frame"], k["attributes"]) for k in value["keyframes"] if k.get("attributes")]
    keys = [Frame(k["frame"], (k["x"], k["y"], k["width"], k["height"]),
                  bool(k.get("outside")), True) for k in value["keyframes"]]
    out = [f"  <track id={q(track_id)} label={q(value['class'])} source=\"manual\">\n"]
    for frame in per_frame(keys, frame_count):
        while changes and changes[0][0] <= frame.frame:  # per-frame attributes from here on
            in_force.update(changes.pop(0)[1])
        flag = "1" if in_force.get("occluded") is True else "0"
        children = attributes_xml(in_force, "      ")
        x, y, w, h = frame.box
        out.append(f"    <box frame=\"{frame.frame}\" outside=\"{int(frame.outside)}\" "
                   f"occluded=\"{flag}\" keyframe=\"{int(frame.keyframe)}\" "
                   f"xtl={q(num(x))} ytl={q(num(y))} xbr={q(num(x + w))} "
                   f"ybr={q(num(y + h))} z_order=\"0\">\n{children}    </box>\n")
    out.append("  </track>\n")
    return "".join(out)
