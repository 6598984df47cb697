"""One Pascal VOC annotation file: parsed safely, its objects turned into our regions.

The XML goes through expat into an ElementTree builder with any DOCTYPE or entity
declaration refused, as `accord.core.label_studio_config` does: no entity can expand
(billion laughs) or reach a file or URL. One VOC file describes one image, so it is read
whole (at most MAX_XML_BYTES).

Coordinates: VOC numbers pixels from 1 and its `xmax`/`ymax` are the last pixel inside the
box, so pixel `xmin` starts at our `xmin - 1` and the box is `xmax - xmin + 1` wide
(origin `one-based`, the default; Datumaro's `coordinate_mode="voc-one-based"`). Origin
`zero-based` takes the numbers as they are (`x = xmin`, `width = xmax - xmin`), as
Roboflow and Datumaro's default do.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import IO, Any

from accord.core import safe_xml
from accord.core.schema import LabelDef
from accord.formats._attributes import attribute_value
from accord.formats.base import ReadContext, check_box_inside, fail

MAX_XML_BYTES = 16 * 1024 * 1024
#: VOC's own object flags, 0 or 1
FLAGS = ("truncated", "difficult", "occluded")


def parse_xml(stream: IO[bytes], where: str) -> ET.Element:
    content = stream.read(MAX_XML_BYTES + 1)
    if len(content) > MAX_XML_BYTES:
        raise fail(where, f"the file is larger than {MAX_XML_BYTES} bytes")
    root, _ = safe_xml.parse_xml(content, where)
    if root.tag != "annotation":
        raise fail(where, f"the root element is <{root.tag}>, expected <annotation>")
    return root


def text(parent: ET.Element, tag: str) -> str | None:
    found = parent.find(tag)
    return None if found is None or found.text is None else found.text.strip()


def number(parent: ET.Element, tag: str, where: str) -> float:
    raw = text(parent, tag)
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise fail(where, f"<{tag}> is {raw!r}, expected a number")
    return value


def image_size(root: ET.Element, where: str) -> tuple[int, int] | None:
    """`<size>` when it gives a positive width and height (VOC tools write 0 when unknown)."""
    size = root.find("size")
    if size is None or text(size, "width") in (None, "", "0"):
        return None
    width, height = number(size, "width", where), number(size, "height", where)
    if width != int(width) or height != int(height) or width < 0 or height < 0:
        raise fail(where, f"<size> is {width:g} × {height:g}, expected whole pixels")
    return (int(width), int(height)) if width and height else None


def _decimal(parent: ET.Element, tag: str, where: str) -> Decimal:
    number(parent, tag, where)  # finite
    return Decimal(text(parent, tag) or "")


def box(parent: ET.Element, where: str, one_based: bool) -> tuple[float, float, float, float]:
    """(x, y, width, height), computed in decimal so that the numbers our export wrote give
    back exactly the floats it wrote them from."""
    bndbox = parent.find("bndbox")
    if bndbox is None:
        raise fail(where, "has no <bndbox>")
    xmin, ymin = _decimal(bndbox, "xmin", where), _decimal(bndbox, "ymin", where)
    xmax, ymax = _decimal(bndbox, "xmax", where), _decimal(bndbox, "ymax", where)
    if one_based:
        xmin, ymin = xmin - 1, ymin - 1
    if xmax < xmin or ymax < ymin:
        raise fail(where, f"xmax/ymax ({xmax}, {ymax}) come before xmin/ymin")
    return float(xmin), float(ymin), float(xmax - xmin), float(ymax - ymin)


def attributes(obj: ET.Element, label: LabelDef | None, where: str) -> dict[str, Any]:
    """Flags, pose, actions and `<attributes>` the label defines attributes for."""
    if label is None:
        return {}
    raw: dict[str, str] = {}
    for flag in (*FLAGS, "pose"):
        value = text(obj, flag)
        if value:
            raw[flag] = value
    actions = obj.find("actions")
    for action in actions if actions is not None else ():
        raw[action.tag] = (action.text or "").strip()
    extra = obj.find("attributes")
    for item in extra.iter("attribute") if extra is not None else ():
        name, value = text(item, "name"), text(item, "value")
        if name:
            raw[name] = value or ""
    # only what the label defines: VOC files carry flags most schemas do not track
    return {name: attribute_value(definition, value, where) for name, value in raw.items()
            if (definition := label.attribute_named(name)) is not None}


def regions(root: ET.Element, name: str, context: ReadContext, size: tuple[int, int] | None,
            one_based: bool) -> list[dict[str, Any]]:
    """The file's objects as bbox regions "1", "2", … in file order."""
    found = []
    for index, obj in enumerate(root.iterfind("object"), start=1):
        where = f"{name}, object {index}"
        class_name = text(obj, "name")
        if not class_name:
            raise fail(where, "has no <name> (its class)")
        x, y, w, h = box(obj, where, one_based)
        check_box_inside(where, x, y, w, h, *(size or (None, None)))
        label = context.binding.label("bbox", class_name, where)
        schema_label = context.schema.label(label) if context.schema is not None else None
        region: dict[str, Any] = {"id": str(index), "label": label, "type": "bbox",
                                  "value": {"class": class_name, "x": x, "y": y,
                                            "width": w, "height": h}}
        extra = attributes(obj, schema_label, where)
        if extra:
            region["attributes"] = extra
        found.append(region)
    return found
