"""Label Studio labeling configs (XML) turned into Accord schema documents.

Teams moving from Label Studio bring their `<View>` configs; converting them keeps their
classes, hotkeys and colours. Whatever has no faithful Accord equivalent is refused with
its tag, name and line, never dropped silently (docs/schema.md lists the mapping).

The XML is parsed with expat feeding an ElementTree builder, so we know each tag's line,
and any DOCTYPE is refused outright: no entity can expand ("billion laughs") or reach out.

>>> doc = schema_from_label_studio('''
... <View>
...   <Image name="image" value="$image"/>
...   <RectangleLabels name="objects" toName="image">
...     <Label value="Car" hotkey="c" background="#FF0000"/>
...   </RectangleLabels>
... </View>''')
>>> doc["labels"][0]["classes"]
[{'name': 'Car', 'hotkey': 'c', 'color': '#ff0000'}]
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from typing import Any, Final

from accord.core.errors import InputError
from accord.core.safe_xml import parse_xml
from accord.core.schema import parse_schema

__all__ = ["SUPPORTED_TAGS", "label_studio_from_schema", "schema_from_label_studio"]

_OBJECTS: Final[Mapping[str, str]] = {"Image": "image", "Text": "text", "HyperText": "html",
                                      "Audio": "audio", "AudioPlus": "audio", "Video": "video"}
_LAYOUT: Final = frozenset({"View", "Header", "Style", "Filter", "Collapse", "Panel"})
_LABELLED_SHAPES: Final[Mapping[str, str]] = {"RectangleLabels": "bbox", "PolygonLabels": "polygon",
                                              "KeyPointLabels": "keypoints", "BrushLabels": "mask",
                                              "TimelineLabels": "video_segment"}
# Shapes whose classes come from a <Labels> on the same object, as Label Studio pairs them.
_BARE_SHAPES: Final[Mapping[str, str]] = {"Rectangle": "bbox", "Polygon": "polygon",
                                          "KeyPoint": "keypoints", "Brush": "mask",
                                          "VideoRectangle": "video_track"}
_CONTROLS: Final = frozenset({"Labels", "Choices", "TextArea", "Rating", "Relations"})
_CHILDREN: Final = frozenset({"Label", "Choice", "Relation"})
SUPPORTED_TAGS: Final = frozenset(_OBJECTS) | _LAYOUT | frozenset(_LABELLED_SHAPES) | frozenset(
    _BARE_SHAPES) | _CONTROLS | _CHILDREN
"""Every Label Studio tag we convert or, for layout, skip."""
_COLOR: Final = re.compile(r"#[0-9a-fA-F]{6}")
_SPAN_TYPES: Final[Mapping[str, str]] = {"text": "span", "html": "span", "audio": "audio_segment"}


class _Config:
    """A parsed config: its elements and the line each starts on."""

    def __init__(self, xml: str) -> None:
        self.root, self._parser = parse_xml(xml, "the Label Studio config")

    def line(self, element: ET.Element) -> int:
        return self._parser.line(element)

    def error(self, element: ET.Element, message: str) -> InputError:
        name, line = element.get("name"), self.line(element)
        named = f' name="{name}"' if name else ""
        return InputError(f"<{element.tag}{named}> on line {line}: {message}",
                          tag=element.tag, name=name, line=line)

    def tags(self, element: ET.Element | None = None) -> Iterator[ET.Element]:
        """Objects and controls in document order; layout is looked through, the rest refused."""
        for child in ([self.root] if element is None else list(element)):
            if child.tag in _LAYOUT:
                yield from self.tags(child)
            elif child.tag in SUPPORTED_TAGS and child.tag not in _CHILDREN:
                yield child
            else:
                raise self.error(child, f"the tag {child.tag} is not supported; Accord converts "
                                 f"{', '.join(sorted(SUPPORTED_TAGS))}")

    def attribute(self, element: ET.Element, key: str) -> str:
        value = element.get(key)
        if not value:
            raise self.error(element, f"the {key!r} attribute is missing")
        return value


def schema_from_label_studio(xml: str) -> dict[str, Any]:
    """The Accord schema document for a Label Studio labeling config.

    Raises InputError for malformed XML (with line and column), a DOCTYPE, a tag we do not
    convert (with its name and line), or a config that makes an invalid Accord schema.
    """
    config = _Config(xml)
    tags = list(config.tags())
    objects = [tag for tag in tags if tag.tag in _OBJECTS]
    data = [_data_field(config, tag) for tag in objects]
    types = {field["name"]: field["type"] for field in data}
    controls = [tag for tag in tags if tag.tag not in _OBJECTS]
    converted = [(label, tag) for tag in controls
                 for label in _labels(config, tag, types, controls, data)]
    doc = {"data": data, "labels": [label for label, _ in converted]}
    try:
        parse_schema(doc)
    except InputError as error:
        origins = {"data": objects, "labels": [tag for _, tag in converted]}
        raise _schema_error(config, error, origins) from None
    return doc


def _schema_error(config: _Config, error: InputError,
                  origins: Mapping[str, list[ET.Element]]) -> InputError:
    """The schema's problems, each traced back to the tag (and line) it came from."""
    problems = []
    for problem in error.details.get("problems", []):
        found = re.match(r"(data|labels)\[(\d+)\]", problem["path"])
        if found:
            tag = origins[found[1]][int(found[2])]
            origin = f'<{tag.tag} name="{tag.get("name", "")}"> on line {config.line(tag)}'
            problem = {**problem, "message": f"{origin}: {problem['message']}"}
        problems.append(problem)
    lines = "".join(f"\n- {p['path']}: {p['message']}" for p in problems)
    return InputError(f"the Label Studio config converts to an Accord schema with "
                      f"{len(problems)} problem(s):{lines}", problems=problems)


def _data_field(config: _Config, element: ET.Element) -> dict[str, Any]:
    name = config.attribute(element, "name")
    value = config.attribute(element, "value")
    if not value.startswith("$") or len(value) == 1:
        raise config.error(element, f"expected value=\"$field\" naming the task data field, "
                           f"got {value!r}")
    field: dict[str, Any] = {"name": name, "type": _OBJECTS[element.tag]}
    return field | ({"source": value[1:]} if value[1:] != name else {})


def _labels(config: _Config, element: ET.Element, objects: Mapping[str, str],
            controls: list[ET.Element], data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Accord labels one control becomes: usually one, none for a <Labels> lent to shapes."""
    if element.tag == "Relations":
        return [_relations(config, element, data)]
    source = _target(config, element, objects)
    kind = element.tag
    if kind in _LABELLED_SHAPES:
        label_type = _LABELLED_SHAPES[kind]
        return [_label(config, element, label_type, source,
                       _classes(config, element, "Label", keypoints=label_type == "keypoints"))]
    if kind in _BARE_SHAPES:
        return [_bare_shape(config, element, source, controls)]
    if kind == "Labels":
        return _labels_tag(config, element, source, objects, controls)
    if kind == "Choices":
        return [_choices(config, element, source)]
    if kind == "Rating":
        return [_rating(config, element, source)]
    return [_label(config, element, "transcription", source, [])]  # TextArea


def _target(config: _Config, element: ET.Element, objects: Mapping[str, str]) -> str:
    target = config.attribute(element, "toName")
    if "," in target:
        raise config.error(element, f"toName={target!r} names several objects; Accord labels "
                           "annotate one data field each, split the control")
    if target not in objects:
        raise config.error(element, f"toName={target!r} is not an object in this config; "
                           f"objects: {', '.join(objects) or 'none'}")
    if element.get("perRegion") == "true" and element.tag != "TextArea":
        raise config.error(element, "per-region controls have no Accord label; model them as "
                           "attributes of the region's label")
    return target


def _label(config: _Config, element: ET.Element, label_type: str, source: str,
           classes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    label: dict[str, Any] = {"name": config.attribute(element, "name"), "type": label_type,
                             "source": source}
    if classes:
        label["classes"] = classes
    if element.get("required") == "true":
        label["rules"] = {"required": True}
    return label | extra


def _classes(config: _Config, element: ET.Element, child_tag: str, *,
             keypoints: bool = False, hotkeys: bool = True) -> list[dict[str, Any]]:
    classes = []
    for child in element.iter(child_tag):
        name = config.attribute(child, "value")
        cls: dict[str, Any] = {"name": name}
        if hotkeys and child.get("hotkey"):
            cls["hotkey"] = child.get("hotkey")
        if _COLOR.fullmatch(child.get("background", "")):
            cls["color"] = child.get("background", "").lower()
        if keypoints:  # Label Studio points are single and labelled: one keypoint per class
            cls["keypoints"] = [name]
        classes.append(cls)
    return classes


def _bare_shape(config: _Config, element: ET.Element, source: str,
                controls: list[ET.Element]) -> dict[str, Any]:
    """A shape drawn with the classes of the <Labels> on its object, as Label Studio pairs them.

    When several shapes share those classes only the first keeps their hotkeys, since
    Accord hotkeys pick one class of one label.
    """
    label_type = _BARE_SHAPES[element.tag]
    lenders = [c for c in controls if c.tag == "Labels" and c.get("toName") == source]
    shapes = [c for c in controls if c.tag in _BARE_SHAPES and c.get("toName") == source]
    first = shapes.index(element) == 0
    classes = [cls for lender in lenders for cls in _classes(
        config, lender, "Label", keypoints=label_type == "keypoints", hotkeys=first)]
    if not classes:
        classes = [{"name": config.attribute(element, "name")}]
        if label_type == "keypoints":
            classes[0]["keypoints"] = [classes[0]["name"]]
    label = _label(config, element, label_type, source, classes)
    if any(lender.get("required") == "true" for lender in lenders):
        label["rules"] = {"required": True}
    return label


def _labels_tag(config: _Config, element: ET.Element, source: str, objects: Mapping[str, str],
                controls: list[ET.Element]) -> list[dict[str, Any]]:
    object_type = objects[source]
    if object_type in _SPAN_TYPES:
        return [_label(config, element, _SPAN_TYPES[object_type], source,
                       _classes(config, element, "Label"))]
    if any(c.tag in _BARE_SHAPES and c.get("toName") == source for c in controls):
        return []  # its classes go to those shapes
    raise config.error(element, f"<Labels> on the {object_type} {source!r} needs a shape tag "
                       f"on it ({', '.join(sorted(_BARE_SHAPES))}), or use a *Labels tag such as "
                       "RectangleLabels")


def _choices(config: _Config, element: ET.Element, source: str) -> dict[str, Any]:
    choice = element.get("choice", "single")
    kinds = {"single": "classification", "single-radio": "classification",
             "multiple": "multilabel"}
    if choice not in kinds:
        raise config.error(element, f"expected choice=\"single\", \"single-radio\" or "
                           f"\"multiple\", got {choice!r}")
    return _label(config, element, kinds[choice], source, _classes(config, element, "Choice"))


def _rating(config: _Config, element: ET.Element, source: str) -> dict[str, Any]:
    top = element.get("maxRating", "5")
    if not top.isdigit() or int(top) < 2:
        raise config.error(element, f"expected maxRating to be a whole number of at least 2, "
                           f"got {top!r}")
    return _label(config, element, "rating", source, [], scale={"min": 1, "max": int(top)})


def _relations(config: _Config, element: ET.Element, data: list[dict[str, Any]]) -> dict[str, Any]:
    """Relations in Label Studio have no target; ours sit on the first data field."""
    if not data:
        raise config.error(element, "relations need an object (Image, Text...) in the config")
    label: dict[str, Any] = {"name": element.get("name") or "relations", "type": "relation",
                             "source": data[0]["name"]}
    classes = _classes(config, element, "Relation")
    return label | ({"classes": classes} if classes else {})


_OBJECT_TAGS: Final[Mapping[str, str]] = {"image": "Image", "text": "Text", "html": "HyperText",
                                          "audio": "Audio", "video": "Video"}
_CONTROL_TAGS: Final[Mapping[str, str]] = {
    "bbox": "RectangleLabels", "polygon": "PolygonLabels", "keypoints": "KeyPointLabels",
    "mask": "BrushLabels", "span": "Labels", "audio_segment": "Labels",
    "classification": "Choices", "multilabel": "Choices", "rating": "Rating",
    "transcription": "TextArea", "relation": "Relations", "video_track": "VideoRectangle",
    "video_segment": "TimelineLabels"}


def label_studio_from_schema(doc: Mapping[str, Any]) -> str:
    """A Label Studio `<View>` config for an Accord schema document, the inverse of
    `schema_from_label_studio` for the labels it converts: importing our Label Studio JSON
    export into a project with this config shows every region under its label.

    Classes keep their hotkeys and colours, `rules.required` becomes `required="true"`.
    Attributes, descriptions and the other rules have no config form and are left out;
    `polyline` labels, keypoint classes of more than one point, a rating scale not starting
    at 1 and `metadata` fields aimed at by a label are refused with an InputError.

    >>> print(label_studio_from_schema({"data": [{"name": "image", "type": "image"}],
    ...     "labels": [{"name": "objects", "type": "bbox", "source": "image",
    ...                 "classes": [{"name": "car", "hotkey": "c"}]}]}))
    <View><Image name="image" value="$image" /><RectangleLabels name="objects" toName="image"><Label value="car" hotkey="c" /></RectangleLabels></View>
    """
    schema_doc = dict(doc)
    parse_schema(schema_doc)  # an invalid schema is refused with its problems
    view = ET.Element("View")
    for field in schema_doc["data"]:
        if field["type"] in _OBJECT_TAGS:
            ET.SubElement(view, _OBJECT_TAGS[field["type"]], name=field["name"],
                          value=f"${field.get('source') or field['name']}")
    objects = {f["name"] for f in schema_doc["data"] if f["type"] in _OBJECT_TAGS}
    for label in schema_doc["labels"]:
        if label["type"] != "relation" and label["source"] not in objects:
            raise InputError(f"label {label['name']!r}: its field {label['source']!r} is "
                             "metadata, which Label Studio cannot label", label=label["name"])
        _control(view, label)
    return ET.tostring(view, encoding="unicode")


def _control(view: ET.Element, label: Mapping[str, Any]) -> None:
    kind, name = label["type"], label["name"]
    if kind not in _CONTROL_TAGS:
        raise InputError(f"label {name!r}: Label Studio has no control for {kind} labels",
                         label=name)
    attributes = {"name": name, "toName": label["source"]}
    if kind == "relation":
        attributes = {"name": name}
    elif kind in ("classification", "multilabel"):
        attributes["choice"] = "multiple" if kind == "multilabel" else "single"
    elif kind == "rating":
        scale = label.get("scale") or {}
        if scale.get("min", 1) != 1:
            raise InputError(f"label {name!r}: Label Studio ratings start at 1, this scale at "
                             f"{scale['min']}", label=name)
        attributes["maxRating"] = str(scale.get("max", 5))
    if (label.get("rules") or {}).get("required"):
        attributes["required"] = "true"
    control = ET.SubElement(view, _CONTROL_TAGS[kind], attributes)
    child = {"classification": "Choice", "multilabel": "Choice", "relation": "Relation"}.get(
        kind, "Label")
    parent = control
    if kind == "video_track":  # a VideoRectangle takes its classes from a <Labels>
        parent = ET.SubElement(view, "Labels", name=f"{name}_labels", toName=label["source"])
    for cls in label.get("classes", []):
        if kind == "keypoints" and list(cls.get("keypoints", [])) != [cls["name"]]:
            raise InputError(f"label {name!r}, class {cls['name']!r}: Label Studio keypoints "
                             "are single points, so a class needs one keypoint of its own name",
                             label=name)
        item = ET.SubElement(parent, child, value=cls["name"])
        if cls.get("hotkey"):
            item.set("hotkey", cls["hotkey"])
        if cls.get("color"):
            item.set("background", cls["color"])
