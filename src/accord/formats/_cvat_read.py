"""Reading CVAT for images 1.1: each `<image>` a task, its shapes our regions.

Shapes keep CVAT's coordinates (pixels, boxes rotated about their centre like ours);
`<points>` and `<skeleton>` become keypoints of the class's named points, `<mask>` (CVAT's
row-major runs inside a rectangle) a COCO RLE mask over the whole image, `<tag>` a
classification. Attributes are typed by the schema; `occluded` becomes the attribute of
that name when the label defines it. docs/formats/cvat.md has the full mapping.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import numpy as np

from accord.core.rle import rle_from_bitmap
from accord.core.schema import AttributeType, LabelDef
from accord.formats._attributes import attribute_value
from accord.formats._cvat_xml import (
    attr_flag,
    attr_float,
    attr_int,
    parse_points,
    top_level,
)
from accord.formats.base import ReadContext, check_box_inside, fail
from accord.formats.source import Source

#: largest image a mask is decoded over (a bitmap of this many bytes)
MAX_MASK_PIXELS = 2**28
UNSUPPORTED = ("ellipse", "cuboid")
SHAPES = ("box", "polygon", "polyline", "points", "mask", "skeleton", "tag")


def xml_paths(source: Source) -> list[str]:
    paths = source.paths() if len(source.paths()) == 1 else source.only(".xml")
    if not paths:
        raise fail(source.name, "no .xml file in it; a CVAT export holds annotations.xml")
    return paths


def read_images(source: Source, context: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every `<image>` of every XML file of the source, in path and document order."""
    images = {p for p in source.paths() if "images/" in p}
    for path in xml_paths(source):
        where = source.where(path)
        folder = PurePosixPath(path).parent
        prefix = "" if str(folder) == "." else f"{folder}/"
        with source.open(path) as stream:
            for item in top_level(stream, where):
                element = item.element
                if element.tag == "track":
                    raise fail(f"{where}, line {item.line(element)}, track "
                               f"{element.get('id')}", "a track in a CVAT for images file; "
                               "CVAT writes tracks as shapes per image there, import this "
                               "file as cvat_video")
                if element.tag != "image":
                    continue
                yield _image(item, where, context, images, prefix)


def _image(item: Any, where: str, context: ReadContext, images: set[str],
           prefix: str) -> tuple[str, dict[str, Any]]:
    element: ET.Element = item.element
    at = f"{where}, line {item.line(element)}"
    number = attr_int(element, "id", at)
    name = element.get("name") or ""
    if not name:
        raise fail(f"{at}, image {number}", "the image has no name")
    at = f"{where}, image {number} ({name})"
    width = height = None
    if "width" in element.attrib or "height" in element.attrib:
        width, height = attr_int(element, "width", at), attr_int(element, "height", at)
        if width <= 0 or height <= 0:
            raise fail(at, f"the image size {width} × {height} is not positive")
    subset = element.get("subset") or ""
    shapes = _Shapes(context, at, width, height)
    counts: Counter[str] = Counter()
    for child in element:
        if child.tag in UNSUPPORTED:
            raise fail(f"{at}, line {item.line(child)}", f"an {child.tag}; Accord has no "
                       f"{child.tag} region (boxes, polygons, polylines, points, skeletons, "
                       "masks and tags are read)")
        if child.tag not in SHAPES:
            continue
        counts[child.tag] += 1
        shapes.add(child, f"{at}, {child.tag} {counts[child.tag]} (line {item.line(child)})")
    data: dict[str, Any] = {context.binding.data_key("image"):
                            context.media(_media_name(name, subset, images, prefix))}
    if width is not None:
        data.update(width=width, height=height)
    record: dict[str, Any] = {"data": data}
    if subset:
        record["batch"] = subset
    if shapes.regions:
        record["annotations"] = [{"regions": shapes.regions}]
    return at, record


def _media_name(name: str, subset: str, images: set[str], prefix: str) -> str:
    """The image's path below `images/` where the export holds it (a project export puts
    each subset's images in `images/<subset>/`), else its name."""
    if subset and f"{prefix}images/{name}" not in images \
            and f"{prefix}images/{subset}/{name}" in images:
        return f"{subset}/{name}"
    return name


class _Shapes:
    """The regions of one image, shape by shape."""

    def __init__(self, context: ReadContext, at: str, width: int | None,
                 height: int | None) -> None:
        self.context, self.at, self.width, self.height = context, at, width, height
        self.regions: list[dict[str, Any]] = []
        self.tags: dict[str, dict[str, Any]] = {}  # multilabel regions by label
        kinds = {label.type.value for label in context.schema.labels} if context.schema \
            else set()
        self.tag_kind = "multilabel" if "multilabel" in kinds \
            and "classification" not in kinds else "classification"
        self.skip_unlabelled = context.setting("unlabelled", "error",
                                               ("error", "skip")) == "skip"

    def add(self, element: ET.Element, where: str) -> None:
        class_name = element.get("label") or ""
        if not class_name:
            if self.skip_unlabelled:
                return
            raise fail(where, "the shape has no label; give it one in CVAT, or import with "
                              "the setting unlabelled=skip to leave such shapes out")
        kind, value = _SHAPE_READERS[element.tag](self, element, where, class_name)
        label_name = self.context.binding.label(kind, class_name, where)
        label = self.context.schema.label(label_name) if self.context.schema else None
        if kind == "multilabel" and label_name in self.tags:
            self.tags[label_name]["value"]["classes"].append(class_name)
            return
        if kind == "keypoints":
            value = _keypoints(element, where, class_name, label, value)
        region: dict[str, Any] = {"id": str(len(self.regions) + 1), "label": label_name,
                                  "type": kind, "value": value}
        attributes = read_attributes(element, label, where)
        if kind not in ("classification", "multilabel") and label is not None \
                and label.attribute_named("occluded") is not None:
            attributes.setdefault("occluded", attr_flag(element, "occluded", where))
        if attributes:
            region["attributes"] = attributes
        if kind == "multilabel":
            self.tags[label_name] = region
        self.regions.append(region)

    def box(self, element: ET.Element, where: str, class_name: str) -> tuple[str, Any]:
        xtl, ytl = attr_float(element, "xtl", where), attr_float(element, "ytl", where)
        xbr, ybr = attr_float(element, "xbr", where), attr_float(element, "ybr", where)
        rotation = attr_float(element, "rotation", where) if "rotation" in element.attrib \
            else 0.0
        if rotation == 0:
            check_box_inside(where, xtl, ytl, xbr - xtl, ybr - ytl, self.width, self.height)
        elif xbr < xtl or ybr < ytl:
            raise fail(where, "the box has a negative size")
        value = {"class": class_name, "x": xtl, "y": ytl, "width": span(xtl, xbr),
                 "height": span(ytl, ybr)}
        if rotation:
            value["rotation"] = rotation
        return "bbox", value

    def polygon(self, element: ET.Element, where: str, class_name: str) -> tuple[str, Any]:
        points = parse_points(element, where)
        if len(points) > 3 and points[0] == points[-1]:
            points = points[:-1]  # a closed ring written with its first point again
        if len(points) < 3:
            raise fail(where, f"a polygon needs at least 3 points, got {len(points)}")
        return "polygon", {"class": class_name, "points": points}

    def polyline(self, element: ET.Element, where: str, class_name: str) -> tuple[str, Any]:
        points = parse_points(element, where)
        if len(points) < 2:
            raise fail(where, f"a polyline needs at least 2 points, got {len(points)}")
        return "polyline", {"class": class_name, "points": points}

    def points(self, element: ET.Element, where: str, class_name: str) -> tuple[str, Any]:
        return "keypoints", [[x, y, 2] for x, y in parse_points(element, where)]

    def skeleton(self, element: ET.Element, where: str, class_name: str) -> tuple[str, Any]:
        found: dict[str, list[float]] = {}
        for child in element.findall("points"):
            name = child.get("label") or ""
            x, y = parse_points(child, f"{where}, point {name!r}")[0]
            visibility = 0 if attr_flag(child, "outside", where) else (
                1 if attr_flag(child, "occluded", where) else 2)
            found[name] = [x, y, visibility]
        return "keypoints", found

    def mask(self, element: ET.Element, where: str, class_name: str) -> tuple[str, Any]:
        left, top = attr_int(element, "left", where), attr_int(element, "top", where)
        w, h = attr_int(element, "width", where), attr_int(element, "height", where)
        if self.width is None or self.height is None:
            raise fail(where, "a mask on an image without width and height")
        if w <= 0 or h <= 0 or left < 0 or top < 0 or left + w > self.width \
                or top + h > self.height:
            raise fail(where, f"the mask's rectangle ({left}, {top}, {w} × {h}) lies outside "
                              f"the {self.width} × {self.height} image")
        if self.width * self.height > MAX_MASK_PIXELS:
            raise fail(where, f"a mask over a {self.width} × {self.height} image is larger "
                              f"than the {MAX_MASK_PIXELS} pixels Accord decodes")
        try:
            runs = [int(r) for r in (element.get("rle") or "").split(",")]
        except ValueError:
            raise fail(where, "rle: expected comma-separated run lengths") from None
        if any(r < 0 for r in runs) or sum(runs) != w * h:
            raise fail(where, f"rle: the runs add up to {sum(runs)}, expected width × height "
                              f"= {w * h}")
        values = np.repeat(np.arange(len(runs)) % 2 == 1, runs)
        bitmap = np.zeros((self.height, self.width), dtype=bool)
        bitmap[top:top + h, left:left + w] = values.reshape(h, w)
        return "mask", {"class": class_name, "rle": rle_from_bitmap(bitmap)}

    def tag(self, element: ET.Element, where: str, class_name: str) -> tuple[str, Any]:
        """A classification, or a multilabel's classes when the schema has only those."""
        if self.tag_kind == "multilabel":
            return "multilabel", {"classes": [class_name]}
        return "classification", {"class": class_name}


_SHAPE_READERS = {"box": _Shapes.box, "polygon": _Shapes.polygon,
                  "polyline": _Shapes.polyline, "points": _Shapes.points,
                  "skeleton": _Shapes.skeleton, "mask": _Shapes.mask, "tag": _Shapes.tag}


def _keypoints(element: ET.Element, where: str, class_name: str, label: LabelDef | None,
               found: Any) -> dict[str, Any]:
    """Points in the order of the class's keypoint names (a skeleton's by name)."""
    names = ()
    if label is not None and (definition := label.class_named(class_name)) is not None:
        names = definition.keypoints
    if isinstance(found, list):
        if names and len(found) != len(names):
            label_name = label.name if label is not None else ""
            raise fail(where, f"{len(found)} points, but class {class_name!r} of label "
                              f"{label_name!r} has {len(names)} keypoints "
                              f"({', '.join(names)})")
        return {"class": class_name, "points": found}
    unknown = sorted(set(found) - set(names)) if names else []
    if unknown:
        raise fail(where, f"skeleton point {unknown[0]!r} is not a keypoint of class "
                          f"{class_name!r}; its keypoints: {', '.join(names)}")
    order = names or tuple(found)
    return {"class": class_name, "points": [found.get(n, [0.0, 0.0, 0]) for n in order]}


def span(low: float, high: float) -> float:
    """A box side from its edges: the shortest decimal that adds back to `high`, so a
    width written out as x + width reads back as itself (high - low drifts in the last
    digit: 0.30000000000000004 - 0.1 is not 0.2)."""
    raw = high - low
    for digits in range(17):
        candidate = round(raw, digits)
        if low + candidate == high:
            return candidate
    return raw


def read_attributes(element: ET.Element, label: LabelDef | None, where: str
                    ) -> dict[str, Any]:
    """`<attribute name="…">value</attribute>` children, typed by the label's attributes."""
    out: dict[str, Any] = {}
    for child in element.findall("attribute"):
        name = child.get("name") or ""
        text = (child.text or "").strip()
        definition = label.attribute_named(name) if label is not None else None
        if definition is None:
            out[name] = text
        elif definition.type in (AttributeType.BOOL, AttributeType.NUMBER):
            out[name] = attribute_value(definition, text, where)
        else:
            out[name] = child.text or ""
    return out
