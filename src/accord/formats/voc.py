"""Pascal VOC: one XML file per image (`Annotations/<id>.xml`), subsets in
`ImageSets/Main/<subset>.txt`, image-level classes in `ImageSets/Main/<class>_<subset>.txt`.

Reads the standard layout and Roboflow's (each XML beside its image, a folder per subset);
writes the standard layout as a zip. docs/formats/voc.md says what maps to what.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from accord.formats import _voc_masks, _voc_xml
from accord.formats._voc_write import write
from accord.formats._yolo_images import IMAGE_SUFFIXES, image_size
from accord.formats.base import Format, ReadContext, fail
from accord.formats.source import Source

MAX_LIST_LINE = 4096


@dataclass
class _Lists:
    """What ImageSets/Main says about the items of one dataset root."""

    subsets: dict[str, str] = field(default_factory=dict)  # item id -> first subset
    classes: list[tuple[str, tuple[int, int, int]]] = field(default_factory=list)  # labelmap
    positives: dict[str, list[str]] = field(default_factory=dict)  # item id -> classes
    order: list[str] = field(default_factory=list)  # listed ids, first listing order


def _root_of(path: str) -> tuple[str, str] | None:
    """(dataset root with its slash, item id) of a standard-layout XML, else None."""
    parts = path.split("/")
    if "Annotations" not in parts[:-1]:
        return None
    at = len(parts) - 1 - parts[::-1].index("Annotations")
    root = "/".join(parts[:at])
    return (f"{root}/" if root else ""), str(PurePosixPath(*parts[at + 1:]).with_suffix(""))


def _list_lines(source: Source, path: str) -> Iterator[tuple[int, list[str]]]:
    with source.open(path) as stream:
        for number, raw in enumerate(stream, start=1):
            if len(raw) > MAX_LIST_LINE:
                raise fail(f"{source.where(path)}, line {number}", "the line is too long")
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                raise fail(f"{source.where(path)}, line {number}", "not UTF-8 text") from exc
            if line and not line.startswith("#"):
                yield number, line.split()


def _read_lists(source: Source, root: str, context: ReadContext) -> _Lists:
    lists = _Lists()
    if _voc_masks.has_mask_label(context):
        lists.classes = _voc_masks.labelmap(source, root)
    folder = f"{root}ImageSets/Main/"
    files = [p for p in source.only(".txt") if p.startswith(folder) and "/" not in p[len(folder):]]
    for path in files:
        stem = PurePosixPath(path).stem
        class_name = stem.rsplit("_", 1)[0] if "_" in stem else None
        for number, words in _list_lines(source, path):
            item = words[0]
            if item not in lists.subsets and item not in lists.positives:
                lists.order.append(item)
            if class_name is None:
                lists.subsets.setdefault(item, stem)
                continue
            if len(words) != 2 or words[1] not in ("1", "0", "-1"):
                raise fail(f"{source.where(path)}, line {number}",
                           f"expected '<image id> 1|0|-1', got {' '.join(words)!r}")
            positives = lists.positives.setdefault(item, [])
            if words[1] == "1":
                positives.append(class_name)
    return lists


def _find_image(paths: set[str], folder: str, stem: str) -> str | None:
    return next((f"{folder}{stem}{s}" for s in (*IMAGE_SUFFIXES, *(s.upper() for s in
                 IMAGE_SUFFIXES)) if f"{folder}{stem}{s}" in paths), None)


def _classification(context: ReadContext, classes: list[str], where: str,
                    next_id: int) -> list[dict[str, Any]]:
    """Image-level classes as the schema's multilabel (or classification) region."""
    schema = context.schema
    if schema is None or not classes:
        return []
    kinds = [k for k in ("multilabel", "classification")
             if any(label.type.value == k for label in schema.labels)]
    if not kinds:
        return []
    kind = kinds[0]
    name = context.binding.label(kind, classes[0], where)
    if kind == "multilabel":
        label = schema.label(name)
        order = [c.name for c in label.classes] if label is not None else []
        ranked = sorted(set(classes), key=lambda c: (order.index(c) if c in order
                                                     else len(order), c))
        value: dict[str, Any] = {"classes": ranked}
    else:
        if len(set(classes)) > 1:
            raise fail(where, f"marks {len(set(classes))} classes present "
                              f"({', '.join(sorted(set(classes)))}), but {name!r} is a "
                              "single-choice classification label")
        value = {"class": classes[0]}
    return [{"id": str(next_id), "label": name, "type": kind, "value": value}]


def _xml_task(source: Source, context: ReadContext, paths: set[str], path: str,
              lists: _Lists | None, item: str, folder: str, one_based: bool
              ) -> tuple[str, tuple[int, int] | None, list[dict[str, Any]]]:
    """An annotation file's image, size and regions (`lists` is None for Roboflow's)."""
    where = source.where(path)
    with source.open(path) as stream:
        xml = _voc_xml.parse_xml(stream, where)
    filename = _voc_xml.text(xml, "filename")
    image = (f"{folder}{filename}" if filename else
             _find_image(paths, folder, PurePosixPath(item).name) or f"{folder}{item}.jpg")
    size = _voc_xml.image_size(xml, where)
    if size is None and image in paths:
        size = image_size(source, image)
    regions = _voc_xml.regions(xml, where, context, size, one_based)
    if lists is not None:
        root = folder.removesuffix("JPEGImages/")
        if lists.classes:
            regions += _voc_masks.regions(source, paths, root, item, context, size,
                                          len(regions) + 1, lists.classes)
        regions += _classification(context, lists.positives.get(item, []), where,
                                   len(regions) + 1)
    return image, size, regions


def read(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every XML file of the source in path order, then items only the lists name."""
    one_based = context.setting("origin", "one-based", ("one-based", "zero-based")) \
        == "one-based"
    lists: dict[str, _Lists] = {}
    seen: set[tuple[str, str]] = set()
    paths = set(source.paths())
    image_key = context.binding.data_key("image")
    for path in source.only(".xml"):
        standard = _root_of(path)
        if standard is not None:
            root, item = standard
            if root not in lists:
                lists[root] = _read_lists(source, root, context)
            found: _Lists | None = lists[root]
            folder, batch = f"{root}JPEGImages/", lists[root].subsets.get(item, "")
        else:  # Roboflow: the XML beside its image, a folder per subset
            root, item, found = "", PurePosixPath(path).stem, None
            folder = path.rpartition("/")[0] + "/" if "/" in path else ""
            batch = folder.rstrip("/").rpartition("/")[2]
        seen.add((root, item))
        image, size, regions = _xml_task(source, context, paths, path, found, item,
                                         folder, one_based)
        yield source.where(path), _record(context, image_key, image, size, batch, regions)
    for root, listed in lists.items():
        yield from _listed_only(source, context, paths, root, listed, seen, image_key)


def _listed_only(source: Source, context: ReadContext, paths: set[str], root: str,
                 found: _Lists, seen: set[tuple[str, str]], image_key: str
                 ) -> Iterator[tuple[str, dict[str, Any]]]:
    """Tasks for the ids ImageSets/Main lists without an annotation file: image only."""
    for item in found.order:
        if (root, item) in seen:
            continue
        where = f"{source.where(root + 'ImageSets/Main')}, item {item!r}"
        image = _find_image(paths, f"{root}JPEGImages/", item)
        size = image_size(source, image) if image is not None else None
        regions = _voc_masks.regions(source, paths, root, item, context, size, 1,
                                     found.classes) if found.classes else []
        regions += _classification(context, found.positives.get(item, []), where,
                                   len(regions) + 1)
        yield where, _record(context, image_key, image or f"{root}JPEGImages/{item}.jpg",
                             size, found.subsets.get(item, ""), regions)


def _record(context: ReadContext, image_key: str, image: str, size: tuple[int, int] | None,
            batch: str, regions: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {image_key: context.media(image)}
    if size is not None:
        data["width"], data["height"] = size
    record: dict[str, Any] = {"data": data, "annotations": [{"regions": regions}]}
    if batch:
        record["batch"] = batch
    return record


FORMAT = Format(
    name="voc", title="Pascal VOC",
    description="One XML file per image with its boxes (Annotations/), subsets and "
                "image-level classes (ImageSets/Main/), as a folder or a zip.",
    extension=".zip", media_type="application/zip", read=read, write=write,
    layout="folder", modality="image",
    carries=("tasks", "annotations"),
    settings={"origin": "import: one-based (default: VOC's 1-based inclusive pixels) or "
                        "zero-based (numbers taken as they are, as Roboflow writes them)"})
