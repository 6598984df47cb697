"""Writing YOLO in the Ultralytics layout: a zip of `labels/<subset>/<stem>.txt` per task
(empty for a task without regions), `images/<subset>/<stem><ext>` with `include_media`,
and `data.yaml` (names in schema class order, `kpt_shape` for pose).

The task follows the regions: boxes → detect, polygons → segment, keypoints → pose. With
`task=auto` the first such region decides and a task holding another of these types is an
error naming it; a forced `task` writes its type and leaves the others out; `task=obb`
writes boxes as Ultralytics oriented boxes (class and four normalized corners).
`layout=darknet` writes darknet's layout instead (`obj.names`, `obj.data`, `<subset>.txt`,
`obj_<subset>_data/` with labels beside images), boxes only.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any

import yaml

from accord.core.errors import InputError
from accord.core.geometry import rotated_box_corners
from accord.formats._yolo_lines import TASKS
from accord.formats.base import EntryNames, Export, ExportItem, fail
from accord.formats.binding import Binding
from accord.formats.zipstream import ZipStream

KIND_OF_TASK = {"detect": "bbox", "segment": "polygon", "pose": "keypoints", "obb": "bbox"}
TASK_OF_KIND = {"bbox": "detect", "polygon": "segment", "keypoints": "pose"}


def _number(value: float) -> str:
    return repr(float(value))


class _Classes:
    """Class indices: the schema's classes of the written type, in schema order."""

    def __init__(self, export: Export) -> None:
        self.binding = Binding(export.schema)
        self.by_kind: dict[str, list[str]] = {}
        self.free = export.schema is None  # no schema: classes in order of appearance

    def index(self, kind: str, name: str, where: str) -> int:
        names = self.by_kind.setdefault(kind, self.binding.classes(kind))
        if name not in names:
            if not self.free:
                raise fail(where, f"class {name!r} is not a class of the schema's {kind} "
                                  "labels")
            names.append(name)
        return names.index(name)


def _keypoint_count(export: Export) -> int:
    counts = {len(c.keypoints) for label in (export.schema.labels if export.schema else ())
              if label.type.value == "keypoints" for c in label.classes}
    if len(counts) > 1:
        raise InputError(f"YOLO pose needs one number of keypoints for every class; the "
                         f"schema's keypoints classes have {sorted(counts)}")
    return counts.pop() if counts else 0


def _line(region: dict[str, Any], index: int, item: ExportItem, where: str,
          oriented: bool) -> str:
    value = region["value"]
    width, height = item.width, item.height
    assert width and height
    kind = region["type"]
    if kind == "bbox" and oriented:
        corners = rotated_box_corners(value["x"], value["y"], value["width"],
                                      value["height"], value.get("rotation", 0.0))
        numbers = [c / size for x, y in corners for c, size in ((x, width), (y, height))]
    elif kind == "bbox":
        if value.get("rotation"):
            raise fail(where, f"the box is rotated by {value['rotation']:g}°; YOLO detect "
                              "boxes are axis-aligned: export oriented boxes with "
                              "settings.task=obb")
        numbers = [(value["x"] + value["width"] / 2) / width,
                   (value["y"] + value["height"] / 2) / height,
                   value["width"] / width, value["height"] / height]
    elif kind == "polygon":
        numbers = [c / size for x, y in value["points"] for c, size in ((x, width),
                                                                        (y, height))]
    else:  # pose: the box around the labelled points, then every point
        points = value["points"]
        shown = [p for p in points if p[2] > 0] or points
        xs, ys = [p[0] for p in shown], [p[1] for p in shown]
        box = [(min(xs) + max(xs)) / 2 / width, (min(ys) + max(ys)) / 2 / height,
               (max(xs) - min(xs)) / width, (max(ys) - min(ys)) / height]
        return " ".join([str(index), *(_number(n) for n in box),
                         *_pose_points(points, width, height)])
    return " ".join([str(index), *(_number(n) for n in numbers)])


def _pose_points(points: list[list[float]], width: int, height: int) -> list[str]:
    return [word for x, y, visible in points
            for word in (_number(x / width), _number(y / height), str(int(visible)))]


def _subset(batch: str) -> str:
    return re.sub(r"[^\w.-]", "_", batch).strip(".") or "train"


def _media_name(media: str | None) -> str | None:
    if not media:
        return None
    return media.split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2] or None


LAYOUTS = ("ultralytics", "darknet")


def _setting(export: Export, key: str, allowed: tuple[str, ...]) -> str:
    value = export.options.settings.get(key, allowed[0])
    if value not in allowed:
        raise InputError(f"setting {key!r}: expected one of {', '.join(allowed)}, got "
                         f"{value!r}", field=f"settings.{key}")
    return value


def _chosen(item: ExportItem, kind: str | None, forced: str
            ) -> tuple[str | None, list[tuple[str, dict[str, Any]]]]:
    """The task's regions of the exported type, and that type (the first region's in
    auto mode)."""
    chosen = []
    for position, region in enumerate(item.regions, start=1):
        where = f"task {item.task_id}, region {region.get('id', position)}"
        if region.get("type") not in TASK_OF_KIND:
            continue
        kind = kind or region["type"]
        if region["type"] != kind:
            if forced != "auto":
                continue
            raise fail(where, f"a {region['type']} region in a YOLO {TASK_OF_KIND[kind]} "
                              f"export (set by the first {kind} region); export one type at "
                              "a time with settings.task")
        chosen.append((where, region))
    if chosen and not (item.width and item.height):
        raise fail(f"task {item.task_id}", "the image size is unknown (no width and height "
                   "in the task's data, no local image to read it from); YOLO coordinates "
                   "are fractions of it")
    return kind, chosen


def write(export: Export) -> Iterator[bytes]:
    forced = _setting(export, "task", TASKS)
    darknet = _setting(export, "layout", LAYOUTS) == "darknet"
    if darknet and forced not in ("auto", "detect"):
        raise InputError("setting 'layout': darknet holds boxes only; export "
                         f"task={forced} in the ultralytics layout", field="settings.layout")
    kind = "bbox" if darknet else KIND_OF_TASK.get(forced)
    archive, classes = ZipStream(), _Classes(export)
    names: dict[str, EntryNames] = {}  # per subset: stems are unique within a folder
    lists: dict[str, IO[str]] = {}  # darknet: per subset, the image paths
    try:
        for item in export.items():
            kind, chosen = _chosen(item, kind, forced)
            subset = _subset(item.batch)
            if subset not in lists:
                lists[subset] = tempfile.TemporaryFile("w+", encoding="utf-8")
            media = _media_name(item.media)
            stem = PurePosixPath(names.setdefault(subset, EntryNames()).name(
                media, item.task_id, "")).name
            suffix = PurePosixPath(media or "").suffix.lower() or ".jpg"
            folder = f"obj_{subset}_data" if darknet else f"labels/{subset}"
            lines = [_line(region, classes.index(kind or "bbox", str(region["value"]["class"]),
                                                 where), item, where, forced == "obb") + "\n"
                     for where, region in chosen]
            yield from archive.add(f"{folder}/{stem}.txt", "".join(lines).encode())
            image = f"obj_{subset}_data/{stem}{suffix}" if darknet else \
                f"images/{subset}/{stem}{suffix}"
            lists[subset].write(f"data/{image}\n")
            path = export.media_file(item.media) if (
                export.options.include_media and item.media) else None
            if path is not None:
                yield from archive.add_file(image, path)
        if darknet:
            yield from _darknet_files(archive, lists, classes)
        else:
            yield from archive.add("data.yaml", _data_yaml(export, kind or "bbox",
                                                           sorted(lists), classes))
        yield from archive.close()
    finally:
        for spool in lists.values():
            spool.close()


def _darknet_files(archive: ZipStream, lists: dict[str, IO[str]], classes: _Classes
                   ) -> Iterator[bytes]:
    """obj.names, obj.data and a `<subset>.txt` list of images per subset, paths starting
    at darknet's `data/` folder as darknet expects."""
    names = classes.by_kind.get("bbox") or classes.binding.classes("bbox")
    yield from archive.add("obj.names", "".join(f"{n}\n" for n in names).encode())
    config = [f"classes = {len(names)}"]
    config += [f"{subset} = data/{subset}.txt" for subset in sorted(lists)]
    config += ["names = data/obj.names", "backup = backup/"]
    yield from archive.add("obj.data", ("\n".join(config) + "\n").encode())
    for subset in sorted(lists):
        spool = lists[subset]
        spool.seek(0)
        yield from archive.add(f"{subset}.txt", (line.encode() for line in spool))


def _data_yaml(export: Export, kind: str, subsets: list[str], classes: _Classes) -> bytes:
    document: dict[str, Any] = {"path": "."}
    for subset in sorted(subsets) or ["train"]:
        document[subset] = f"images/{subset}"
    document.setdefault("val", document.get("valid", document.get("train", "images/train")))
    names = classes.by_kind.get(kind) or classes.binding.classes(kind)
    if kind == "keypoints":
        document["kpt_shape"] = [_keypoint_count(export), 3]
    document["nc"] = len(names)
    document["names"] = dict(enumerate(names))
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()
