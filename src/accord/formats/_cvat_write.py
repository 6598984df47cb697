"""Writing CVAT for images 1.1: the XML CVAT and Datumaro import, streamed image by image.

Labels in `<meta>` are our class names (a CVAT label is a class) with the attributes of
the schema labels holding them. Tasks with batches are written as a CVAT project export,
one subset per batch (Datumaro reads each subset it lists), others as a task export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape as _escape

import numpy as np

from accord.core.rle import decode_rle_counts
from accord.core.schema import AttributeType, LabelDef, Schema
from accord.formats.base import EntryNames, Export, ExportItem
from accord.formats.zipstream import ZipStream

IMAGE_TYPES = ("bbox", "polygon", "polyline", "keypoints", "mask", "classification",
               "multilabel")
NO_BATCH = "default"
#: characters XML 1.0 cannot hold at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """Element text, escaped; characters XML cannot hold are dropped."""
    return _escape(_NOT_XML.sub("", text), entities or {})


def q(value: Any) -> str:
    """An attribute value, quoted and escaped."""
    return '"' + escape(str(value), {'"': "&quot;", "\n": "&#10;", "\t": "&#9;"}) + '"'


def num(value: float) -> str:
    """Shortest text that reads back as the same float."""
    return repr(float(value))


def labels_xml(schema: Schema | None, types: Iterable[str], indent: str) -> str:
    """`<labels>`: one CVAT label per class of our labels of `types`, with the attributes
    of every schema label holding the class (first definition of a name wins)."""
    if schema is None:
        return f"{indent}<labels></labels>\n"
    classes: dict[str, dict[str, Any]] = {}
    for label in schema.labels:
        if label.type.value not in types:
            continue
        for cls in label.classes:
            known = classes.setdefault(cls.name, {})
            for attribute in label.attributes:
                if attribute.name != "occluded":
                    known.setdefault(attribute.name, attribute)
    out = [f"{indent}<labels>\n"]
    for name, attributes in classes.items():
        out.append(f"{indent}  <label>\n{indent}    <name>{escape(name)}</name>\n"
                   f"{indent}    <attributes>\n")
        for attribute in attributes.values():
            kind, default, values = _cvat_attribute(attribute)
            out.append(f"{indent}      <attribute>\n"
                       f"{indent}        <name>{escape(attribute.name)}</name>\n"
                       f"{indent}        <mutable>False</mutable>\n"
                       f"{indent}        <input_type>{kind}</input_type>\n"
                       f"{indent}        <default_value>{escape(default)}</default_value>\n"
                       f"{indent}        <values>{escape(values)}</values>\n"
                       f"{indent}      </attribute>\n")
        out.append(f"{indent}    </attributes>\n{indent}  </label>\n")
    out.append(f"{indent}</labels>\n")
    return "".join(out)


def _cvat_attribute(attribute: Any) -> tuple[str, str, str]:
    if attribute.type is AttributeType.BOOL:
        return "checkbox", "true" if attribute.default else "false", "false\ntrue"
    if attribute.type is AttributeType.ENUM:
        default = attribute.default if attribute.default is not None else attribute.values[0]
        return "select", str(default), "\n".join(attribute.values)
    if attribute.type is AttributeType.NUMBER:
        low = attribute.min if attribute.min is not None else -1e9
        high = attribute.max if attribute.max is not None else 1e9
        default = attribute.default if attribute.default is not None else max(low, 0)
        return "number", f"{default:g}", f"{low:g}\n{high:g}\n1"
    return "text", str(attribute.default or ""), ""


def attributes_xml(attributes: dict[str, Any], indent: str) -> str:
    out = []
    for name, value in attributes.items():
        if name == "occluded":
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else (
            num(value) if isinstance(value, int | float) else str(value))
        out.append(f"{indent}<attribute name={q(name)}>{escape(text)}</attribute>\n")
    return "".join(out)


def occluded(region: dict[str, Any]) -> str:
    return "1" if (region.get("attributes") or {}).get("occluded") is True else "0"


def write_images(export: Export) -> Iterator[bytes]:
    """The XML alone, or with `include_media` a zip of `annotations.xml` and `images/`."""
    batches = sorted({item.batch or NO_BATCH for item in export.items()})
    project = batches != [NO_BATCH] and bool(batches)
    if not export.options.include_media:
        yield from _document(export, project, batches, None)
        return
    archive, names = ZipStream(), EntryNames()
    given: dict[int, str] = {}
    yield from archive.add("annotations.xml", _document(export, project, batches,
                                                        (names, given)))
    for item in export.items():
        if item.media and (path := export.media_file(item.media)) is not None:
            yield from archive.add_file(f"images/{given[item.task_id]}", path)
    yield from archive.close()


def _document(export: Export, project: bool, batches: list[str],
              entries: tuple[EntryNames, dict[int, str]] | None) -> Iterator[bytes]:
    yield _header(export, project, batches).encode()
    for number, item in enumerate(export.items()):
        if entries is not None:
            name = entries[0].name(item.media, item.task_id)
            entries[1][item.task_id] = name
        else:
            name = item.media or str(item.task_id)
        yield _image(export.schema, item, number, name,
                     (item.batch or NO_BATCH) if project else "").encode()
    yield b"</annotations>\n"


def _header(export: Export, project: bool, batches: list[str]) -> str:
    labels = labels_xml(export.schema, IMAGE_TYPES, "      ")
    name = escape(export.project_name)
    if not project:
        return ('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n'
                "  <version>1.1</version>\n  <meta>\n    <task>\n"
                f"      <name>{name}</name>\n      <mode>annotation</mode>\n{labels}"
                "    </task>\n  </meta>\n")
    tasks = "".join(f"        <task>\n          <name>{escape(b)}</name>\n"
                    f"          <subset>{escape(b)}</subset>\n        </task>\n"
                    for b in batches)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n'
            "  <version>1.1</version>\n  <meta>\n    <project>\n"
            f"      <name>{name}</name>\n      <tasks>\n{tasks}      </tasks>\n{labels}"
            "    </project>\n  </meta>\n")


def _image(schema: Schema | None, item: ExportItem, number: int, name: str,
           subset: str) -> str:
    size = (f" width={q(item.width)} height={q(item.height)}"
            if item.width is not None and item.height is not None else "")
    batch = f" subset={q(subset)}" if subset else ""
    out = [f"  <image id={q(number)} name={q(name)}{size}{batch}>\n"]
    for region in item.regions:
        out.append(_shape(schema, region))
    out.append("  </image>\n")
    return "".join(out)


def _shape(schema: Schema | None, region: dict[str, Any]) -> str:
    kind, value = region.get("type"), region.get("value") or {}
    attributes = attributes_xml(region.get("attributes") or {}, "      ")
    common = f'occluded="{occluded(region)}" source="manual" z_order="0"'
    if kind == "bbox":
        rotation = value.get("rotation") or 0
        turn = f" rotation={q(num(rotation))}" if rotation else ""
        x, y, w, h = value["x"], value["y"], value["width"], value["height"]
        head = (f"    <box label={q(value['class'])} {common} xtl={q(num(x))} "
                f"ytl={q(num(y))} xbr={q(num(x + w))} ybr={q(num(y + h))}{turn}")
    elif kind in ("polygon", "polyline"):
        head = f"    <{kind} label={q(value['class'])} {common} points={q(_points(value))}"
    elif kind == "keypoints":
        return _keypoints(schema, region, value, common, attributes)
    elif kind == "mask":
        head = f"    <mask label={q(value['class'])} {common} {_mask(value['rle'])}"
        kind = "mask"
    elif kind == "classification":
        return f"    <tag label={q(value['class'])} source=\"manual\">\n{attributes}    </tag>\n"
    elif kind == "multilabel":
        return "".join(f"    <tag label={q(c)} source=\"manual\">\n{attributes}    </tag>\n"
                       for c in value.get("classes", []))
    else:
        return ""  # spans, relations, transcriptions and tracks have no CVAT image shape
    tag = "box" if kind == "bbox" else kind
    return f"{head}>\n{attributes}    </{tag}>\n"


def _points(value: dict[str, Any]) -> str:
    return ";".join(f"{num(p[0])},{num(p[1])}" for p in value["points"])


def _keypoints(schema: Schema | None, region: dict[str, Any], value: dict[str, Any],
               common: str, attributes: str) -> str:
    """All visible: `<points>` (what Datumaro reads); otherwise a `<skeleton>` of named
    points, which keeps hidden (occluded) and unlabelled (outside) ones."""
    points = value["points"]
    if all(p[2] == 2 for p in points):
        return (f"    <points label={q(value['class'])} {common} points={q(_points(value))}>"
                f"\n{attributes}    </points>\n")
    names = _keypoint_names(schema, region.get("label"), value["class"], len(points))
    out = [f"    <skeleton label={q(value['class'])} {common}>\n"]
    for name, (x, y, v) in zip(names, points, strict=True):
        out.append(f"      <points label={q(name)} outside=\"{int(v == 0)}\" "
                   f"occluded=\"{int(v == 1)}\" points={q(f'{num(x)},{num(y)}')}>\n"
                   "      </points>\n")
    out.append(f"{attributes}    </skeleton>\n")
    return "".join(out)


def _keypoint_names(schema: Schema | None, label_name: Any, class_name: str,
                    count: int) -> list[str]:
    label: LabelDef | None = schema.label(label_name) if schema is not None else None
    cls = label.class_named(class_name) if label is not None else None
    if cls is not None and len(cls.keypoints) == count:
        return list(cls.keypoints)
    return [str(i + 1) for i in range(count)]


def _mask(rle: dict[str, Any]) -> str:
    """CVAT's mask: row-major runs (background first) inside the foreground's rectangle."""
    height, width = (int(s) for s in rle["size"])
    counts = rle["counts"]
    runs = decode_rle_counts(counts) if isinstance(counts, str) else np.asarray(counts)
    values = np.repeat(np.arange(len(runs)) % 2 == 1, runs)
    bitmap = values.reshape(width, height).T  # column-major
    rows, columns = np.flatnonzero(bitmap.any(axis=1)), np.flatnonzero(bitmap.any(axis=0))
    if rows.size == 0:
        return 'rle="1" left="0" top="0" width="1" height="1"'
    top, left = int(rows[0]), int(columns[0])
    crop = bitmap[top:rows[-1] + 1, left:columns[-1] + 1].ravel()
    changes = np.flatnonzero(crop[1:] != crop[:-1]) + 1
    cvat_runs = np.diff(np.concatenate([[0], changes, [crop.size]])).tolist()
    if crop[0]:
        cvat_runs = [0, *cvat_runs]
    h, w = int(rows[-1] + 1 - top), int(columns[-1] + 1 - left)
    return (f'rle="{", ".join(str(r) for r in cvat_runs)}" left="{left}" top="{top}" '
            f'width="{w}" height="{h}"')
