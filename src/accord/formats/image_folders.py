"""Image classification as a folder per class (`cat/1.jpg`, `train/dog/2.jpg`), the layout
of ImageNet-style datasets, torchvision's ImageFolder and Datumaro's `imagenet`; and
Roboflow's multi-label export, a `_classes.csv` of one-hot columns beside the images.
docs/formats/image-folders.md says what maps to what.

An image's class is the folder holding it; the folders above, if any, are its batch. Images
are found by extension and must be images by their first bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from accord.formats._csv import csv_reader
from accord.formats.base import EntryNames, Export, ExportItem, Format, ReadContext, fail
from accord.formats.source import Source
from accord.formats.zipstream import ZipStream
from accord.media.local import sniff

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")
CLASSES_CSV = "_classes.csv"
NOT_INCLUDED = "not-included.txt"


# -- reading -------------------------------------------------------------------------------

def _skipped(path: str) -> bool:
    """Hidden files and the `__MACOSX` folder a Mac puts into zips are not the dataset's."""
    return any(part.startswith(".") or part == "__MACOSX" for part in path.split("/"))


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = [p for p in source.paths() if not _skipped(p)]
    tables = {PurePosixPath(p).parent.as_posix(): p for p in paths
              if PurePosixPath(p).name == CLASSES_CSV}
    multilabel = {folder: _one_hot(source, path, folder) for folder, path in tables.items()}
    images = [p for p in paths if p.lower().endswith(IMAGE_SUFFIXES)]
    present = set(images)
    for folder, table in multilabel.items():
        for name in table:
            if (name if folder == "." else f"{folder}/{name}") not in present:
                raise fail(source.where(tables[folder]),
                           f"lists {name!r}, which is not in the dataset")
    image_key = context.binding.data_key("image")
    for path in images:
        where = source.where(path)
        _check_image(source, path, where)
        parent = PurePosixPath(path).parent.as_posix()
        record: dict[str, Any] = {"data": {image_key: context.media(path)}}
        regions: list[dict[str, Any]] | None
        if parent in multilabel:
            classes = multilabel[parent].get(PurePosixPath(path).name)
            # not listed: a task without an answer; listed without classes: an empty answer
            regions = None if classes is None else (
                [_multilabel(context, classes, where)] if classes else [])
            batch = "" if parent == "." else parent
        elif parent == ".":
            raise fail(where, "the image is not inside a class folder (expected "
                              "<class>/<image>, or <batch>/<class>/<image>)")
        else:
            batch, _, class_name = parent.rpartition("/")
            regions = [_classification(context, class_name, source.where(parent))]
        if batch:
            record["batch"] = batch
        if regions is not None:
            record["annotations"] = [{"regions": regions}]
        yield where, record


def _check_image(source: Source, path: str, where: str) -> None:
    with source.open(path) as stream:
        head = stream.read(16)
    if not sniff(head).startswith("image/"):
        raise fail(where, "the file is named as an image but its first bytes are not those "
                          "of a PNG, JPEG, GIF, BMP or WebP image")


def _label(context: ReadContext, kind: str, class_name: str, where: str) -> str:
    label = context.binding.label(kind, class_name, where)
    definition = context.schema.label(label) if context.schema is not None else None
    if definition is not None and definition.class_named(class_name) is None:
        raise fail(where, f"class {class_name!r} is not one of label {label!r}'s classes "
                          f"({', '.join(c.name for c in definition.classes)})")
    return label


def _classification(context: ReadContext, class_name: str, where: str) -> dict[str, Any]:
    return {"id": "1", "label": _label(context, "classification", class_name, where),
            "type": "classification", "value": {"class": class_name}}


def _multilabel(context: ReadContext, classes: list[str], where: str) -> dict[str, Any]:
    labels = {_label(context, "multilabel", c, where) for c in classes}
    if len(labels) > 1:
        raise fail(where, f"classes {', '.join(classes)} belong to different labels "
                          f"({', '.join(sorted(labels))}); choose one with labels.multilabel")
    return {"id": "1", "label": labels.pop(), "type": "multilabel",
            "value": {"classes": classes}}


def _one_hot(source: Source, path: str, folder: str) -> dict[str, list[str]]:
    """Roboflow's `_classes.csv`: `filename, class_a, class_b` and a 0/1 per class."""
    name = source.where(path)
    found: dict[str, list[str]] = {}
    with source.open(path) as stream, csv_reader(stream, name) as rows:
        header = [cell.strip() for cell in next(rows, [])]
        if len(header) < 2 or header[0] != "filename" or "" in header[1:]:
            raise fail(f"{name}, line 1", "expected a header `filename, <class>, <class>…`")
        for row in rows:
            where = f"{name}, line {rows.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            cells = [cell.strip() for cell in row]
            if len(cells) != len(header):
                raise fail(where, f"expected {len(header)} columns, got {len(cells)}")
            if any(cell not in ("0", "1") for cell in cells[1:]):
                raise fail(where, "class columns must be 0 or 1")
            file = cells[0]
            if not file or "/" in file or file in found:
                raise fail(where, f"expected a new file name of this folder, got {file!r}")
            found[file] = [c for c, cell in zip(header[1:], cells[1:], strict=True)
                           if cell == "1"]
    return found


# -- writing -------------------------------------------------------------------------------

def write(export: Export) -> Iterator[bytes]:
    """A zip of `<class>/<file>` with each task's local image (media are always included);
    the tasks left out are listed with the reason in `not-included.txt`."""
    label = _export_label(export)
    names = EntryNames()
    archive = ZipStream()
    with tempfile.TemporaryFile() as left_out:  # the list stays on disk, not in memory
        for item in export.items():
            class_name = _class_of(item, label)
            path = export.media_file(item.media) if item.media else None
            if class_name is None or path is None:
                reason = ("no classification" if class_name is None
                          else "its media is not a local file")
                left_out.write(f"task {item.task_id} ({item.media or 'no media'}): "
                               f"{reason}\n".encode())
                continue
            entry = names.name(f"{class_name}/{PurePosixPath(path).name}", item.task_id)
            yield from archive.add_file(entry, path)
        if left_out.tell():
            left_out.seek(0)
            yield from archive.add(NOT_INCLUDED, iter(lambda: left_out.read(1 << 20), b""))
    yield from archive.close()


def _export_label(export: Export) -> str | None:
    """The classification label written: the `label` setting, else the schema's first."""
    chosen = export.options.settings.get("label")
    if chosen or export.schema is None:
        return chosen
    return next((label.name for label in export.schema.labels
                 if label.type.value == "classification"), None)


def _class_of(item: ExportItem, label: str | None) -> str | None:
    for region in item.regions:
        if region.get("type") == "classification" and (label is None
                                                        or region.get("label") == label):
            return region["value"]["class"]
    return None


FORMAT = Format(
    name="image_folders", title="Image folders (a folder per class)",
    description="Classification datasets as <class>/<image> (optionally <batch>/<class>/"
                "<image>), as ImageNet, torchvision's ImageFolder and Datumaro's imagenet "
                "hold them; Roboflow's multi-label _classes.csv beside the images.",
    extension=".zip", media_type="application/zip", read=read, write=write,
    layout="folder", modality="image",
    settings={"label": "export: the classification label written (default: the schema's "
                       "first)"})
