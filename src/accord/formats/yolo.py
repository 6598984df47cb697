"""YOLO: one text file of normalized label lines per image, in the Ultralytics layout
(`data.yaml`, `images/<subset>/`, `labels/<subset>/`, or Roboflow's `<subset>/images/`)
or darknet's (`obj.data`, `obj.names`, `obj_<subset>_data/` with labels beside images);
also Roboflow's / DOTA's oriented boxes (`labelTxt/`, pixel corners and class names).

Every image of the source becomes a task; its label file, if any, gives its regions.
docs/formats/yolo.md says how lines are read and what the export writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from accord.formats import _yolo_lines
from accord.formats._yolo_config import Config, find_config
from accord.formats._yolo_images import image_size, is_image
from accord.formats._yolo_write import write
from accord.formats.base import Format, ReadContext, fail
from accord.formats.source import Source

MAX_LINE_BYTES = 1024 * 1024
IMAGE_DIRS = ("images", "jpegimages")
LABEL_DIRS = ("labels", "Labels", "annotations", "Annotations", "labelTxt")
DARKNET_DIR = re.compile(r"obj_(.+)_data")


def _label_file(image: str, texts: set[str]) -> str | None:
    """The label file of `image`: beside it, or where `images` is `labels` in its path."""
    path = PurePosixPath(image)
    dirs = list(path.parent.parts) if str(path.parent) != "." else []
    candidates = [str(path.with_suffix(".txt"))]
    for at in range(len(dirs) - 1, -1, -1):
        if dirs[at].lower() in IMAGE_DIRS:
            candidates += [str(PurePosixPath(*dirs[:at], name, *dirs[at + 1:],
                                             f"{path.stem}.txt")) for name in LABEL_DIRS]
    return next((c for c in candidates if c in texts), None)


def _is_label_path(path: str) -> bool:
    dirs = path.split("/")[:-1]
    return any(d.lower() in ("labels", "annotations", "labeltxt") or DARKNET_DIR.fullmatch(d)
               for d in dirs)


def _is_dota(path: str) -> bool:
    """Roboflow's OBB export and DOTA keep pixel corners and class names in `labelTxt/`."""
    return "labelTxt" in path.split("/")[:-1]


def _batch(image: str) -> str:
    """The subset: the folder after `images` (Ultralytics), before it (Roboflow), or
    darknet's `obj_<subset>_data`."""
    dirs = image.split("/")[:-1]
    for at in range(len(dirs) - 1, -1, -1):
        if dirs[at].lower() in IMAGE_DIRS:
            return dirs[at + 1] if at + 1 < len(dirs) else dirs[at - 1] if at else ""
    for folder in reversed(dirs):
        if match := DARKNET_DIR.fullmatch(folder):
            return match.group(1)
    return ""


def _lines(source: Source, path: str) -> Iterator[tuple[int, str, list[str]]]:
    with source.open(path) as stream:
        for number, raw in enumerate(stream, start=1):
            where = f"{source.where(path)}, line {number}"
            if len(raw) > MAX_LINE_BYTES:
                raise fail(where, f"the line is longer than {MAX_LINE_BYTES} bytes")
            try:
                words = raw.decode("utf-8").split()
            except UnicodeDecodeError as exc:
                raise fail(where, "not UTF-8 text") from exc
            if words:
                yield number, where, words


class _Names:
    """The class names, read when the first index line needs them: DOTA lines name their
    classes, so an OBB upload needs no names file."""

    def __init__(self, source: Source, paths: list[str]) -> None:
        self.source, self.paths = source, paths
        self._config: Config | None = None

    def __call__(self) -> Config:
        if self._config is None:
            self._config = find_config(self.source, self.paths)
        return self._config


def _regions(source: Source, label: str, names: _Names, task: str, size: tuple[int, int],
             context: ReadContext) -> list[dict[str, Any]]:
    lines: Iterator[tuple[int, str, list[str]]] = _lines(source, label)
    if not _is_dota(label):
        return [_yolo_lines.region(words, count, where, names(), task, size, context)
                for count, (_, where, words) in enumerate(lines, start=1)]
    lines = (line for line in lines if not line[2][0].startswith(_yolo_lines.DOTA_HEADERS))
    return [_yolo_lines.dota_region(words, count, where, size, context)
            for count, (_, where, words) in enumerate(lines, start=1)]


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    task = context.setting("task", "auto", _yolo_lines.TASKS)
    paths = source.paths()
    texts = {p for p in paths if p.lower().endswith(".txt")}
    names = _Names(source, paths)
    if not any(_is_dota(p) for p in texts if _is_label_path(p)):
        names()  # a missing or broken names file is the first error, whatever the images
    image_key = context.binding.data_key("image")
    used: set[str] = set()
    for image in (p for p in paths if is_image(p)):
        label = _label_file(image, texts)
        size = image_size(source, image)
        regions = []
        if label is not None:
            used.add(label)
            regions = _regions(source, label, names, task, size, context)
        record: dict[str, Any] = {"data": {image_key: context.media(image), "width": size[0],
                                           "height": size[1]},
                                  "annotations": [{"regions": regions}]}
        if batch := _batch(image):
            record["batch"] = batch
        yield source.where(label or image), record
    for orphan in sorted(p for p in texts - used if _is_label_path(p)):
        stem = PurePosixPath(orphan).stem
        raise fail(source.where(orphan), f"no image {stem}.* for this label file in the "
                   "dataset; YOLO coordinates are fractions of the image size, so add the "
                   f"image (e.g. images/<subset>/{stem}.jpg beside labels/<subset>/) to the "
                   "folder or archive")


FORMAT = Format(
    name="yolo", title="YOLO",
    description="Normalized label lines per image (boxes, polygons or keypoints) in the "
                "Ultralytics layout (data.yaml, images/, labels/) or darknet's (obj.data, "
                "obj.names); exports the Ultralytics layout as a zip.",
    extension=".zip", media_type="application/zip", read=read, write=write,
    layout="folder", modality="image", carries=("tasks", "annotations"),
    settings={"task": "auto (default), detect, segment, pose or obb: how label lines are "
                      "read and which regions an export writes (auto: by the number of "
                      "values and data.yaml's kpt_shape; on export, by the regions' type)",
              "layout": "export: ultralytics (default; data.yaml, images/, labels/) or "
                        "darknet (obj.data, obj.names, obj_<subset>_data/; boxes only)"})
