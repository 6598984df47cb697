"""YOLO class names and keypoint shape: Ultralytics' `data.yaml` or darknet's `obj.data` /
`obj.names`.

`data.yaml` is parsed with `yaml.safe_load` (plain data only: no tags, no code), at most
MAX_CONFIG_BYTES. `names` is a list (index = position) or a mapping `{index: name}`;
`kpt_shape: [K, D]` (D 2 or 3) marks a pose dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from accord.formats.base import fail
from accord.formats.source import Source

MAX_CONFIG_BYTES = 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Config:
    names: dict[int, str]
    kpt_shape: tuple[int, int] | None
    where: str


def _read_text(source: Source, path: str) -> str:
    where = source.where(path)
    with source.open(path) as stream:
        content = stream.read(MAX_CONFIG_BYTES + 1)
    if len(content) > MAX_CONFIG_BYTES:
        raise fail(where, f"the file is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(where, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _depth(path: str) -> tuple[int, str]:
    return path.count("/"), path


def _names(raw: Any, where: str) -> dict[int, str]:
    if isinstance(raw, list):
        items = list(enumerate(raw))
    elif isinstance(raw, dict):
        items = list(raw.items())
    else:
        raise fail(where, f"names is {raw!r}, expected a list of class names or a mapping "
                          "{index: name}")
    names: dict[int, str] = {}
    for index, name in items:
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise fail(where, f"names: index {index!r} is not a whole number ≥ 0")
        if isinstance(name, bool) or not isinstance(name, str | int | float) or name == "":
            raise fail(where, f"names[{index}] is {name!r}, expected a class name")
        names[index] = str(name)
    if not names:
        raise fail(where, "names is empty; a YOLO dataset needs at least one class")
    return names


def _kpt_shape(raw: Any, where: str) -> tuple[int, int] | None:
    if raw is None:
        return None
    if (not isinstance(raw, list) or len(raw) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in raw)
            or raw[0] < 1 or raw[1] not in (2, 3)):
        raise fail(where, f"kpt_shape is {raw!r}, expected [number of keypoints, 2 or 3]")
    return raw[0], raw[1]


def _from_yaml(source: Source, path: str) -> Config | None:
    where = source.where(path)
    try:
        document = yaml.safe_load(_read_text(source, path))
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise fail(where, f"not valid YAML{place}") from None
    if not isinstance(document, dict) or "names" not in document:
        return None
    return Config(_names(document["names"], where), _kpt_shape(document.get("kpt_shape"),
                                                                where), where)


def _from_names(source: Source, path: str) -> Config:
    lines = [line.strip() for line in _read_text(source, path).splitlines()]
    names = {i: name for i, name in enumerate(line for line in lines if line)}
    if not names:
        raise fail(source.where(path), "no class names in it; expected one name per line")
    return Config(names, None, source.where(path))


def _names_of_data_file(source: Source, path: str, known: set[str]) -> str | None:
    """The names file an obj.data points to (`names = data/obj.names`), found in the source
    beside it: darknet paths start at darknet's own folder, so only the tail is kept."""
    for line in _read_text(source, path).splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "names" and value.strip():
            folder = str(PurePosixPath(path).parent)
            parts = PurePosixPath(value.strip()).parts
            for start in range(len(parts)):
                candidate = str(PurePosixPath(folder, *parts[start:]))
                candidate = candidate[2:] if candidate.startswith("./") else candidate
                if candidate in known:
                    return candidate
    return None


def find_config(source: Source, paths: list[str]) -> Config:
    """The dataset's class names: the shallowest YAML with `names`, else the names file of
    an obj.data, else the shallowest `*.names` file."""
    known = set(paths)
    for path in sorted((p for p in paths if p.lower().endswith(YAML_SUFFIXES)), key=_depth):
        config = _from_yaml(source, path)
        if config is not None:
            return config
    for path in sorted((p for p in paths if p.lower().endswith(".data")), key=_depth):
        names = _names_of_data_file(source, path, known)
        if names is not None:
            return _from_names(source, names)
    for path in sorted((p for p in paths if p.lower().endswith(".names")), key=_depth):
        return _from_names(source, path)
    raise fail(source.name, "no YOLO class names found: expected data.yaml with `names` "
                            "(Ultralytics) or obj.names, one class per line (darknet)")
