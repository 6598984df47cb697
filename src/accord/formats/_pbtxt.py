"""The TF Object Detection API's `label_map.pbtxt`: `item { id: 1 name: 'car' }` blocks.

A small tokenizer for protobuf text format, not an evaluator: it knows blocks, `key: value`
pairs, quoted strings (single or double, with backslash escapes), numbers and identifiers.
Inside an item, `id` and `name` are read; other keys (`display_name`, nested `keypoints {…}`
blocks) are skipped. Errors name the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from accord.core.errors import InputError

MAX_LABEL_MAP_BYTES = 4 * 1024 * 1024
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n]+|\#[^\n]*)
  | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<word>[A-Za-z_][\w.]*|[-+]?\d+(?:\.\d*)?)
  | (?P<punct>[{}:;,\[\]<>])
""", re.VERBOSE)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\"}


def _tokens(text: str, name: str) -> Iterator[tuple[str, str, int]]:
    at, line = 0, 1
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise InputError(f"{name}, line {line}: unexpected {text[at]!r}", where=name,
                             line=line)
        kind, value = match.lastgroup or "", match.group()
        if kind != "space":
            yield kind, value, line
        line += value.count("\n")
        at = match.end()


def _unquote(token: str, name: str, line: int) -> str:
    body = token[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse_label_map(data: bytes, name: str) -> dict[int, str]:
    """Label ids to class names; duplicate ids or names, ids below 1, an item without an
    id or a name, and unbalanced braces are errors naming the line."""
    if len(data) > MAX_LABEL_MAP_BYTES:
        raise InputError(f"{name}: a label map larger than {MAX_LABEL_MAP_BYTES} bytes",
                         where=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})",
                         where=name) from None
    labels: dict[int, str] = {}
    tokens = _tokens(text, name)
    depth, item, item_line = 0, None, 0
    pending_key: str | None = None
    for kind, value, line in tokens:
        where = f"{name}, line {line}"
        if kind == "punct" and value == "{":
            if depth == 0:
                if pending_key != "item":
                    raise InputError(f"{where}: expected an item block, got "
                                     f"{pending_key or '{'!r}", where=where, line=line)
                item, item_line = {}, line
            depth, pending_key = depth + 1, None
        elif kind == "punct" and value == "}":
            if depth == 0:
                raise InputError(f"{where}: a closing brace without a block", where=where,
                                 line=line)
            depth -= 1
            if depth == 0 and item is not None:
                _add(labels, item, f"{name}, line {item_line}")
                item = None
        elif kind == "punct" and value == ":":
            continue
        elif kind == "punct" and value in ";,":
            pending_key = None
        elif kind == "word" and pending_key is None:
            pending_key = value
        elif kind in ("word", "string"):
            if depth == 1 and item is not None and pending_key in ("id", "name"):
                if pending_key in item:
                    raise InputError(f"{where}: {pending_key} given twice in one item",
                                     where=where, line=line)
                item[pending_key] = (_unquote(value, name, line) if kind == "string"
                                     else value)
            pending_key = None
        else:
            raise InputError(f"{where}: unexpected {value!r}", where=where, line=line)
    if depth:
        where = f"{name}, line {item_line}"
        raise InputError(f"{where}: the block is not closed (the file ends inside it)",
                         where=where, line=item_line)
    return labels


def _add(labels: dict[int, str], item: dict[str, str], where: str) -> None:
    raw_id, class_name = item.get("id"), item.get("name")
    if raw_id is None or class_name is None:
        raise InputError(f"{where}: an item needs an id and a name, got "
                         f"{', '.join(sorted(item)) or 'neither'}", where=where)
    if not re.fullmatch(r"[-+]?\d+", raw_id) or int(raw_id) < 1:
        raise InputError(f"{where}: the id must be a whole number from 1 (0 is the "
                         f"background), got {raw_id!r}", where=where)
    label_id = int(raw_id)
    if label_id in labels:
        raise InputError(f"{where}: id {label_id} is given twice", where=where)
    if class_name in labels.values():
        raise InputError(f"{where}: name {class_name!r} is given twice", where=where)
    labels[label_id] = class_name


def write_label_map(names: list[str]) -> bytes:
    """`item { id: N name: '…' }` for each class, ids from 1 in the order given."""
    def quoted(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"

    return "".join(f"item {{\n  id: {number}\n  name: {quoted(class_name)}\n}}\n\n"
                   for number, class_name in enumerate(names, start=1)).encode()
