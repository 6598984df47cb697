"""Writing Pascal VOC: a zip of `Annotations/<id>.xml`, `ImageSets/Main/<subset>.txt`,
`ImageSets/Main/<class>_<subset>.txt` (image-level classes), `SegmentationClass/` and
`SegmentationObject/<id>.png` with `ImageSets/Segmentation/<subset>.txt` (masks),
`labelmap.txt` and, with `include_media`, `JPEGImages/<id><ext>`.

Streams: each task's XML goes out as it is read; the subset lists are spooled to one
temporary file per subset and appended at the end.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import PurePosixPath
from typing import IO, Any
from xml.sax.saxutils import escape

from accord.formats._voc_masks import palette, pngs
from accord.formats._voc_xml import FLAGS
from accord.formats.base import EntryNames, Export, ExportItem, fail
from accord.formats.zipstream import ZipStream

IMAGE_LEVEL = ("classification", "multilabel")


def _num(value: float) -> str:
    """A number as VOC text: whole numbers without a point, others exactly (no exponent)."""
    exact = Decimal(repr(float(value)))
    return str(int(exact)) if exact == exact.to_integral_value() else format(exact, "f")


def _corners(x: float, y: float, w: float, h: float) -> tuple[str, str, str, str]:
    """xmin, ymin, xmax, ymax in VOC's 1-based inclusive pixels, in decimal arithmetic so
    the reader's decimal subtraction gives back exactly x, y, w, h."""
    dx, dy = Decimal(repr(float(x))), Decimal(repr(float(y)))
    dw, dh = Decimal(repr(float(w))), Decimal(repr(float(h)))
    return tuple(_decimal_text(d) for d in (dx + 1, dy + 1, dx + dw, dy + dh))  # type: ignore[return-value]


def _decimal_text(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else format(value, "f")


def _attribute_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return _num(value)
    return str(value)


def _object(region: dict[str, Any], where: str) -> str:
    value = region.get("value") or {}
    if value.get("rotation"):
        raise fail(where, f"the box is rotated by {value['rotation']:g}°; VOC boxes are "
                          "axis-aligned, so rotated boxes are not exported (straighten them, "
                          "or export to a format that keeps rotation, such as Accord JSONL)")
    attributes = dict(region.get("attributes") or {})
    lines = [f"  <object>\n    <name>{escape(str(value.get('class', '')))}</name>"]
    for flag in ("pose", *FLAGS):
        if flag in attributes:
            lines.append(f"    <{flag}>{escape(_attribute_text(attributes.pop(flag)))}</{flag}>")
    xmin, ymin, xmax, ymax = _corners(value["x"], value["y"], value["width"], value["height"])
    lines.append(f"    <bndbox>\n      <xmin>{xmin}</xmin>\n      <ymin>{ymin}</ymin>\n"
                 f"      <xmax>{xmax}</xmax>\n      <ymax>{ymax}</ymax>\n    </bndbox>")
    if attributes:
        lines.append("    <attributes>")
        for name, raw in sorted(attributes.items()):
            lines.append(f"      <attribute>\n        <name>{escape(name)}</name>\n"
                         f"        <value>{escape(_attribute_text(raw))}</value>\n"
                         "      </attribute>")
        lines.append("    </attributes>")
    lines.append("  </object>")
    return "\n".join(lines)


def _xml(item: ExportItem, filename: str) -> tuple[bytes, list[str]]:
    """The task's annotation file and its image-level classes."""
    parts = ["<annotation>", "  <folder>VOC</folder>",
             f"  <filename>{escape(filename)}</filename>"]
    if item.width and item.height:
        parts.append(f"  <size>\n    <width>{item.width}</width>\n    <height>{item.height}"
                     "</height>\n    <depth>3</depth>\n  </size>")
    parts.append("  <segmented>0</segmented>")
    classes: list[str] = []
    for index, region in enumerate(item.regions, start=1):
        where = f"task {item.task_id}, region {region.get('id', index)}"
        kind = region.get("type")
        if kind == "bbox":
            parts.append(_object(region, where))
        elif kind == "classification":
            classes.append(str(region["value"]["class"]))
        elif kind == "multilabel":
            classes += [str(c) for c in region["value"]["classes"]]
    parts.append("</annotation>\n")
    return "\n".join(parts).encode(), classes


def _subset(batch: str) -> str:
    """A subset file name from a batch: `default` when none, unsafe characters replaced
    (`_` too: in ImageSets/Main it separates a class from its subset)."""
    cleaned = re.sub(r"[^\w.-]|_", "-", batch).strip(".")
    return cleaned or "default"


def _media_name(media: str | None) -> str | None:
    """The media's last path part: VOC ids are flat file names."""
    if not media:
        return None
    return media.split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2] or None


def _labelmap(export: Export) -> tuple[bytes, list[str], dict[str, int]]:
    """labelmap.txt (background, then the schema's box, mask and image-level classes, in
    VOC palette colours), the image-level classes, and each class's index (its PNG value)."""
    names, image_level = ["background"], []
    schema = export.schema
    for label in schema.labels if schema is not None else ():
        kind = label.type.value
        if kind in ("bbox", "mask", *IMAGE_LEVEL):
            names += [c.name for c in label.classes if c.name not in names]
        if kind in IMAGE_LEVEL:
            image_level += [c.name for c in label.classes if c.name not in image_level]
    lines = ["# label:color_rgb:parts:actions"]
    lines += [f"{name}:{','.join(str(c) for c in palette(i))}::" for i, name in enumerate(names)]
    return ("\n".join(lines) + "\n").encode(), image_level, {n: i for i, n in enumerate(names)}


def _masks(item: ExportItem, positions: dict[str, int]) -> tuple[bytes, bytes] | None:
    masks = [(f"task {item.task_id}, region {r.get('id', i)}", r["value"])
             for i, r in enumerate(item.regions, start=1) if r.get("type") == "mask"]
    if not masks:
        return None
    if not (item.width and item.height):
        raise fail(masks[0][0], "the image size is unknown, so its masks cannot be drawn")
    unknown = next((w for w, v in masks if str(v.get("class")) not in positions), None)
    if unknown is not None:
        raise fail(unknown, "the mask's class is not one of the schema's mask classes")
    return pngs(masks, positions, (item.width, item.height))


def write(export: Export) -> Iterator[bytes]:
    archive, names = ZipStream(), EntryNames()
    labelmap, image_level, positions = _labelmap(export)
    spools: dict[str, IO[str]] = {}
    try:
        for item in export.items():
            media = _media_name(item.media)
            name = names.name(media, item.task_id, "")
            suffix = PurePosixPath(media or "").suffix.lower() or ".jpg"
            xml, classes = _xml(item, f"{PurePosixPath(name).name}{suffix}")
            yield from archive.add(f"Annotations/{name}.xml", xml)
            path = export.media_file(item.media) if (
                export.options.include_media and item.media) else None
            if path is not None:
                yield from archive.add_file(f"JPEGImages/{name}{suffix}", path)
            masks = _masks(item, positions)
            if masks is not None:
                yield from archive.add(f"SegmentationClass/{name}.png", masks[0])
                yield from archive.add(f"SegmentationObject/{name}.png", masks[1])
            subset = _subset(item.batch)
            if subset not in spools:
                spools[subset] = tempfile.TemporaryFile("w+", encoding="utf-8")
            spools[subset].write(f"{name}\t{chr(31).join(classes)}\t{'S' if masks else ''}\n")
        for subset in sorted(spools):
            yield from _lists(archive, subset, spools[subset], image_level)
        yield from archive.add("labelmap.txt", labelmap)
        yield from archive.close()
    finally:
        for spool in spools.values():
            spool.close()


def _lists(archive: ZipStream, subset: str, spool: IO[str], image_level: list[str]
           ) -> Iterator[bytes]:
    def lines(class_name: str | None, segmented: bool = False) -> Iterator[bytes]:
        spool.seek(0)
        for line in spool:
            name, classes, masks = line.rstrip("\n").split("\t")
            if segmented:
                if masks:
                    yield f"{name}\n".encode()
            elif class_name is None:
                yield f"{name}\n".encode()
            else:
                present = class_name in classes.split(chr(31))
                yield f"{name} {' 1' if present else '-1'}\n".encode()

    yield from archive.add(f"ImageSets/Main/{subset}.txt", lines(None))
    spool.seek(0)
    if any(line.rstrip("\n").endswith("\tS") for line in spool):
        yield from archive.add(f"ImageSets/Segmentation/{subset}.txt", lines(None, True))
    for class_name in image_level:
        safe = re.sub(r"[^\w.-]", "_", class_name)
        yield from archive.add(f"ImageSets/Main/{safe}_{subset}.txt", lines(class_name))
