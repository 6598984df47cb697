"""The labeling schema: the data fields a task has and the labels annotators put on them.

A schema is a JSON document (see docs/schema.md). `parse_schema` checks all of it and
reports every problem at once, with its path, so a lead fixing a schema sees the whole
list in one round trip instead of one error per save. The parsed `Schema` is immutable and
`schema_to_dict` writes it back in the same shape.

>>> schema = parse_schema({
...     "data": [{"name": "image", "type": "image"}],
...     "labels": [{"name": "objects", "type": "bbox", "source": "image",
...                 "classes": [{"name": "car", "hotkey": "1"}]}]})
>>> schema.label("objects").class_named("car").hotkey
'1'
>>> parse_schema(schema_to_dict(schema)) == schema
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from enum import StrEnum
from typing import Any, Final

from accord.core._json_reader import DocumentReader, describe, index_path, join_path
from accord.core._schema_model import (
    RULES_BY_TYPE,
    SOURCE_TYPES,
    AttributeDef,
    AttributeType,
    AttributeValue,
    ClassDef,
    DataField,
    DataType,
    LabelDef,
    LabelType,
    RatingAnchor,
    RatingScale,
    Rules,
    Schema,
    attribute_value_problem,
)

__all__ = [
    "RULES_BY_TYPE",
    "SOURCE_TYPES",
    "AttributeDef",
    "AttributeType",
    "AttributeValue",
    "ClassDef",
    "DataField",
    "DataType",
    "LabelDef",
    "LabelType",
    "RatingAnchor",
    "RatingScale",
    "Rules",
    "Schema",
    "attribute_value_problem",
    "parse_schema",
    "schema_to_dict",
]

_RULE_KINDS: Final[Mapping[str, str]] = {
    "required": "a boolean", "inside_image": "a boolean", "allow_overlap": "a boolean",
    "min_instances": "an integer", "max_instances": "an integer", "min_points": "an integer",
    "max_length": "an integer", "min_width": "a number", "min_height": "a number",
    "min_area": "a number",
}
_NEEDS_CLASSES: Final = frozenset(LabelType) - {
    LabelType.RELATION, LabelType.TRANSCRIPTION, LabelType.RATING}
_NO_CLASSES: Final = frozenset({LabelType.TRANSCRIPTION, LabelType.RATING})
_ATTRIBUTE_KEYS: Final[Mapping[AttributeType, frozenset[str]]] = {
    AttributeType.BOOL: frozenset({"default"}),
    AttributeType.ENUM: frozenset({"values", "default"}),
    AttributeType.NUMBER: frozenset({"min", "max", "default"}),
    AttributeType.TEXT: frozenset({"max_length", "default"}),
}
_HOTKEY: Final = re.compile(r"((?:(?:ctrl|alt|shift|meta)\+)*)([!-~])")
_COLOR: Final = re.compile(r"#[0-9a-fA-F]{6}")


def parse_schema(doc: Mapping[str, Any]) -> Schema:
    """Check a schema document and build the `Schema`; one InputError lists every problem.

    The error's `details["problems"]` is `[{"path": "labels[0].type", "message": ...}]`.
    """
    reader = DocumentReader()
    schema = _read_schema(reader, doc)
    if schema is None or reader.problems:
        raise reader.error("labeling schema")
    return schema


def _read_schema(reader: DocumentReader, doc: Any) -> Schema | None:
    root = reader.object(doc, "schema")
    if root is None:
        return None
    reader.keys(root, "", {"data", "labels"}, {"data", "labels"})
    data_raw = reader.get(root, "data", "", "a list") or []
    labels_raw = reader.get(root, "labels", "", "a list") or []
    data = [_read_data_field(reader, raw, index_path("data", i)) for i, raw in enumerate(data_raw)]
    labels = [_read_label(reader, raw, index_path("labels", i)) for i, raw in enumerate(labels_raw)]
    # Cross-checks read the raw items, so a broken label still gets its name and source checked.
    _check_unique_names(reader, "data", [_text(d, "name") for d in data_raw])
    _check_unique_names(reader, "labels", [_text(lab, "name") for lab in labels_raw])
    _check_sources(reader, data_raw, labels_raw)
    _check_hotkeys(reader, labels_raw)
    _check_between(reader, labels)
    if None in data or None in labels:
        return None
    return Schema(tuple(d for d in data if d), tuple(lab for lab in labels if lab))


def _read_data_field(reader: DocumentReader, raw: Any, path: str) -> DataField | None:
    obj = reader.object(raw, path)
    if obj is None:
        return None
    reader.keys(obj, path, {"name", "type", "source"}, {"name", "type"})
    name = reader.name(obj, path)
    data_type = reader.choice(obj, "type", path, DataType)
    source = reader.name(obj, path, "source")
    if name is None or data_type is None:
        return None
    return DataField(name, data_type, source)


def _read_label(reader: DocumentReader, raw: Any, path: str) -> LabelDef | None:
    obj = reader.object(raw, path)
    if obj is None:
        return None
    allowed = {"name", "type", "source", "description", "classes", "attributes", "rules"}
    label_type = reader.choice(obj, "type", path, LabelType)
    allowed |= {"between"} if label_type is LabelType.RELATION else set()
    allowed |= {"scale"} if label_type is LabelType.RATING else set()
    reader.keys(obj, path, allowed, {"name", "type", "source"})
    name, source = reader.name(obj, path), reader.name(obj, path, "source")
    description = reader.get(obj, "description", path, "a string", default="")
    attributes = _read_attributes(reader, obj, path)
    if label_type is None:
        return None
    classes = _read_classes(reader, obj, path, label_type)
    rules = _read_rules(reader, obj.get("rules"), join_path(path, "rules"), label_type)
    between = _read_between(reader, obj, path) if label_type is LabelType.RELATION else ()
    scale = _read_scale(reader, obj, path) if label_type is LabelType.RATING else None
    if name is None or source is None or None in (classes, attributes, rules, between):
        return None
    return LabelDef(name, label_type, source, description, classes, attributes, rules,
                    between, scale)


def _read_classes(reader: DocumentReader, obj: Mapping[str, Any], path: str,
                  label_type: LabelType) -> tuple[ClassDef, ...] | None:
    raw = reader.get(obj, "classes", path, "a list")
    where = join_path(path, "classes")
    if label_type in _NO_CLASSES and raw is not None:
        reader.add(where, f"a {label_type} label takes no classes; remove 'classes'")
        return None
    if label_type in _NEEDS_CLASSES and not raw and ("classes" not in obj or raw is not None):
        reader.add(where, f"a {label_type} label needs at least one class, got none")
        return None
    classes = [_read_class(reader, item, index_path(where, i), label_type)
               for i, item in enumerate(raw or [])]
    _check_unique_names(reader, where, [c.name if c else None for c in classes])
    return None if None in classes else tuple(c for c in classes if c)


def _read_class(reader: DocumentReader, raw: Any, path: str,
                label_type: LabelType) -> ClassDef | None:
    obj = reader.object(raw, path)
    if obj is None:
        return None
    is_keypoints = label_type is LabelType.KEYPOINTS
    allowed = {"name", "hotkey", "color"} | ({"keypoints", "skeleton"} if is_keypoints else set())
    reader.keys(obj, path, allowed, {"name", "keypoints"} if is_keypoints else {"name"})
    name = reader.name(obj, path)
    hotkey = reader.get(obj, "hotkey", path, "a string")
    if hotkey is not None and not _HOTKEY.fullmatch(hotkey):
        reader.add(join_path(path, "hotkey"), "expected one printable key, optionally after "
                   f"ctrl+, alt+, shift+ or meta+ (like '1' or 'ctrl+1'), {describe(hotkey)}")
    color = reader.get(obj, "color", path, "a string")
    if color is not None and not _COLOR.fullmatch(color):
        reader.add(join_path(path, "color"), f"expected a colour like '#e6194b', {describe(color)}")
    keypoints = _read_keypoint_names(reader, obj, path) if is_keypoints else ()
    skeleton = _read_skeleton(reader, obj, path, keypoints or ()) if is_keypoints else ()
    if name is None or keypoints is None or skeleton is None:
        return None
    return ClassDef(name, hotkey, color, keypoints, skeleton)


def _read_keypoint_names(reader: DocumentReader, obj: Mapping[str, Any],
                         path: str) -> tuple[str, ...] | None:
    raw = reader.get(obj, "keypoints", path, "a list")
    where = join_path(path, "keypoints")
    if not raw:
        if raw is not None:
            reader.add(where, "a keypoints class needs at least one keypoint name, got none")
        return None
    names = [reader.name_value(item, index_path(where, i)) for i, item in enumerate(raw)]
    _check_unique_names(reader, where, names, suffix="")
    return None if None in names else tuple(n for n in names if n)


def _read_skeleton(reader: DocumentReader, obj: Mapping[str, Any], path: str,
                   keypoints: tuple[str, ...]) -> tuple[tuple[str, str], ...] | None:
    raw = reader.get(obj, "skeleton", path, "a list") or []
    where, edges, ok = join_path(path, "skeleton"), [], True
    for i, edge in enumerate(raw):
        at = index_path(where, i)
        if (not isinstance(edge, list | tuple) or len(edge) != 2
                or not all(isinstance(end, str) and end in keypoints for end in edge)
                or edge[0] == edge[1]):
            reader.add(at, "expected a pair of two different keypoint names from "
                       f"{', '.join(keypoints) or '(none)'}, {describe(edge)}")
            ok = False
        else:
            edges.append((edge[0], edge[1]))
    return tuple(edges) if ok else None


def _read_attributes(reader: DocumentReader, obj: Mapping[str, Any],
                     path: str) -> tuple[AttributeDef, ...] | None:
    raw = reader.get(obj, "attributes", path, "a list") or []
    where = join_path(path, "attributes")
    attributes = [_read_attribute(reader, item, index_path(where, i)) for i, item in enumerate(raw)]
    _check_unique_names(reader, where, [a.name if a else None for a in attributes])
    return None if None in attributes else tuple(a for a in attributes if a)


def _read_attribute(reader: DocumentReader, raw: Any, path: str) -> AttributeDef | None:
    obj = reader.object(raw, path)
    if obj is None:
        return None
    kind = reader.choice(obj, "type", path, AttributeType)
    extra = _ATTRIBUTE_KEYS[kind] if kind else frozenset(obj) - {"name", "type", "required"}
    reader.keys(obj, path, {"name", "type", "required"} | extra,
                {"name", "type", "values"} if kind is AttributeType.ENUM else {"name", "type"})
    name = reader.name(obj, path)
    required = reader.get(obj, "required", path, "a boolean", default=False)
    if kind is None or name is None:
        return None
    values = _read_enum_values(reader, obj, path) if kind is AttributeType.ENUM else ()
    low = reader.get(obj, "min", path, "a number") if kind is AttributeType.NUMBER else None
    high = reader.get(obj, "max", path, "a number") if kind is AttributeType.NUMBER else None
    if low is not None and high is not None and low > high:
        reader.add(join_path(path, "max"), f"max {high} is below min {low}")
    max_length = (reader.non_negative(obj, "max_length", path, "an integer")
                  if kind is AttributeType.TEXT else None)
    attribute = AttributeDef(name, kind, required, obj.get("default"), values or (), low, high,
                             max_length)
    problem = attribute_value_problem(attribute, obj["default"]) if "default" in obj else None
    if problem:
        reader.add(join_path(path, "default"), problem)
    return attribute if values is not None else None


def _read_enum_values(reader: DocumentReader, obj: Mapping[str, Any],
                      path: str) -> tuple[str, ...] | None:
    where = join_path(path, "values")
    raw = reader.get(obj, "values", path, "a list")
    if raw is not None and not raw:
        reader.add(where, "an enum attribute needs at least one value, got none")
    values = [reader.name_value(v, index_path(where, i)) for i, v in enumerate(raw or [])]
    _check_unique_names(reader, where, values, suffix="")
    return None if None in values or not values else tuple(v for v in values if v)


def _read_rules(reader: DocumentReader, raw: Any, path: str, label_type: LabelType) -> Rules | None:
    if raw is None:
        return Rules()
    obj = reader.object(raw, path)
    if obj is None:
        return None
    allowed, values = RULES_BY_TYPE[label_type], {}
    for key in obj:
        if key not in _RULE_KINDS:
            reader.add(join_path(path, str(key)), f"unknown rule {key!r}; a {label_type} label "
                       f"takes {', '.join(sorted(allowed))}")
        elif key not in allowed:
            reader.add(join_path(path, key), f"rule {key!r} does not apply to {label_type} "
                       f"labels; they take {', '.join(sorted(allowed))}")
        else:
            values[key] = reader.non_negative(obj, key, path, _RULE_KINDS[key])
    low, high = values.get("min_instances"), values.get("max_instances")
    if low is not None and high is not None and low > high:
        reader.add(join_path(path, "max_instances"), f"max_instances {high} is below "
                   f"min_instances {low}")
    return Rules(**{k: v for k, v in values.items() if v is not None})


def _read_between(reader: DocumentReader, obj: Mapping[str, Any],
                  path: str) -> tuple[str, ...] | None:
    raw = reader.get(obj, "between", path, "a list") or []
    where = join_path(path, "between")
    names = [reader.name_value(item, index_path(where, i)) for i, item in enumerate(raw)]
    _check_unique_names(reader, where, names, suffix="")
    return None if None in names else tuple(n for n in names if n)


def _read_scale(reader: DocumentReader, obj: Mapping[str, Any], path: str) -> RatingScale:
    raw = reader.get(obj, "scale", path, "an object")
    if raw is None:
        return RatingScale()
    where = join_path(path, "scale")
    reader.keys(raw, where, {"min", "max", "anchors"}, {"min", "max"})
    low = reader.get(raw, "min", where, "an integer", default=1)
    high = reader.get(raw, "max", where, "an integer", default=5)
    if low >= high:
        reader.add(join_path(where, "max"), f"max {high} must be above min {low}")
    anchors, seen = [], set()
    for i, item in enumerate(reader.get(raw, "anchors", where, "a list") or []):
        at = index_path(join_path(where, "anchors"), i)
        anchor = reader.object(item, at)
        if anchor is None:
            continue
        reader.keys(anchor, at, {"value", "description"}, {"value", "description"})
        value = reader.get(anchor, "value", at, "an integer")
        text = reader.get(anchor, "description", at, "a string")
        if value is not None and (not low <= value <= high or value in seen):
            reader.add(join_path(at, "value"), f"expected a value from {low} to {high} not "
                       f"described already, got {value}")
        if value is not None and text is not None:
            anchors.append(RatingAnchor(value, text))
            seen.add(value)
    return RatingScale(low, high, tuple(anchors))


def _check_unique_names(reader: DocumentReader, path: str, names: list[str | None],
                        suffix: str = ".name") -> None:
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        if name is None:
            continue
        if name in first:
            reader.add(index_path(path, i) + suffix, f"duplicate name {name!r}; "
                       f"{index_path(path, first[name])} already uses it")
        else:
            first[name] = i


def _text(item: Any, key: str) -> str | None:
    value = item.get(key) if isinstance(item, Mapping) else None
    return value if isinstance(value, str) else None


def _check_sources(reader: DocumentReader, data: list[Any], labels: list[Any]) -> None:
    types: dict[str, DataType | None] = {}
    for item in data:
        name, kind = _text(item, "name"), _text(item, "type")
        if name is not None:
            types.setdefault(name, DataType(kind) if kind in set(DataType) else None)
    for i, item in enumerate(labels):
        source, kind = _text(item, "source"), _text(item, "type")
        label_type = LabelType(kind) if kind in set(LabelType) else None
        path = index_path("labels", i) + ".source"
        if source is None:
            continue
        if source not in types:
            reader.add(path, f"no data field is named {source!r}; data fields: "
                       f"{', '.join(types) or '(none)'}")
        elif label_type and types[source] and types[source] not in SOURCE_TYPES[label_type]:
            fits = " or ".join(sorted(SOURCE_TYPES[label_type]))
            reader.add(path, f"a {label_type} label annotates {fits} fields, got "
                       f"{source!r} which is {types[source]}")


def _check_hotkeys(reader: DocumentReader, labels: list[Any]) -> None:
    used: dict[tuple[frozenset[str], str], str] = {}
    for i, label in enumerate(labels):
        classes = label.get("classes") if isinstance(label, Mapping) else None
        for j, cls in enumerate(classes if isinstance(classes, list | tuple) else ()):
            hotkey = _text(cls, "hotkey")
            match = _HOTKEY.fullmatch(hotkey or "")
            if match is None:
                continue
            identity = (frozenset(match[1].split("+")) - {""}, match[2].lower())
            path = f"labels[{i}].classes[{j}]"
            if identity in used:
                reader.add(path + ".hotkey", f"hotkey {hotkey!r} is already used by "
                           f"{used[identity]}; hotkeys must be unique across the schema")
            else:
                used[identity] = path


def _check_between(reader: DocumentReader, labels: list[LabelDef | None]) -> None:
    types = {label.name: label.type for label in labels if label}
    for i, label in enumerate(labels):
        for j, name in enumerate(label.between if label else ()):
            if types.get(name, LabelType.RELATION) is LabelType.RELATION:
                others = ", ".join(n for n, t in types.items() if t is not LabelType.RELATION)
                reader.add(f"labels[{i}].between[{j}]", f"expected the name of a non-relation "
                           f"label ({others or 'none defined'}), got {name!r}")


def schema_to_dict(schema: Schema) -> dict[str, Any]:
    """The JSON document for `schema`; defaults are left out, so it is also the shortest."""
    return {"data": [_data_field_to_dict(d) for d in schema.data],
            "labels": [_label_to_dict(label) for label in schema.labels]}


def _data_field_to_dict(data: DataField) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": data.name, "type": str(data.type)}
    return doc | ({"source": data.source} if data.source is not None else {})


def _label_to_dict(label: LabelDef) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": label.name, "type": str(label.type), "source": label.source}
    if label.description:
        doc["description"] = label.description
    if label.classes:
        doc["classes"] = [_non_empty(c) for c in label.classes]
    if label.attributes:
        doc["attributes"] = [_non_empty(a) for a in label.attributes]
    rules = {f.name: getattr(label.rules, f.name) for f in fields(Rules)
             if getattr(label.rules, f.name) != getattr(Rules(), f.name)}
    if rules:
        doc["rules"] = rules
    if label.between:
        doc["between"] = list(label.between)
    if label.scale is not None:
        doc["scale"] = {"min": label.scale.min, "max": label.scale.max}
        if label.scale.anchors:
            doc["scale"]["anchors"] = [{"value": a.value, "description": a.description}
                                       for a in label.scale.anchors]
    return doc


def _non_empty(item: ClassDef | AttributeDef) -> dict[str, Any]:
    """Only the fields that are set, with tuples as lists, as a JSON document has them."""
    doc: dict[str, Any] = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if value is None or value == () or (f.name == "required" and value is False):
            continue
        if isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        doc[f.name] = str(value) if isinstance(value, StrEnum) else value
    return doc
