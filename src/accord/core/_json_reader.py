"""Reading JSON documents while collecting every problem with its path, instead of stopping.

Shared by the schema and region parsers so that both report problems in the same words:
the path (`labels[0].classes[1].hotkey`), what was expected, and the value received.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, Final, TypeVar

from accord.core.errors import InputError

E = TypeVar("E", bound=StrEnum)

_KINDS: Final[Mapping[str, Callable[[Any], bool]]] = {
    "a string": lambda v: isinstance(v, str),
    "a boolean": lambda v: isinstance(v, bool),
    "an integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "a number": lambda v: (isinstance(v, int | float) and not isinstance(v, bool)
                           and math.isfinite(v)),
    "a list": lambda v: isinstance(v, list | tuple),
    "an object": lambda v: isinstance(v, Mapping),
}
_MAX_SHOWN = 60


def is_kind(value: Any, kind: str) -> bool:
    """Whether `value` is of a JSON `kind`: "a string", "a number" (finite), "an integer"..."""
    return _KINDS[kind](value)


def json_kind(value: Any) -> str:
    """The JSON type of a Python value, as a user who wrote the JSON would call it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def describe(value: Any) -> str:
    """How a message shows a received value: `got 'box' (a string)`, shortened if long.

    >>> describe("box")
    "got 'box' (a string)"
    """
    shown = repr(value)
    if len(shown) > _MAX_SHOWN:
        shown = shown[: _MAX_SHOWN - 3] + "..."
    return f"got {shown} ({json_kind(value)})"


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def index_path(path: str, index: int) -> str:
    return f"{path}[{index}]"


class DocumentReader:
    """Typed access to a JSON document that records problems and returns a default."""

    def __init__(self) -> None:
        self.problems: list[dict[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append({"path": path, "message": message})

    def object(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, f"expected an object, {describe(value)}")
        return None

    def keys(self, obj: Mapping[str, Any], path: str, allowed: Iterable[str],
             required: Iterable[str] = ()) -> None:
        """Report unknown keys (usually typos) and missing required ones."""
        allowed = set(allowed)
        for key in obj:
            if key not in allowed:
                self.add(join_path(path, str(key)), f"unknown key {key!r}; expected "
                         f"{', '.join(sorted(allowed))}")
        for key in sorted(set(required) - set(obj)):
            self.add(join_path(path, key), "missing; this key is required")

    def get(self, obj: Mapping[str, Any], key: str, path: str, kind: str,
            *, default: Any = None) -> Any:
        """The value at `key` if it is of `kind` ("a string", "an integer"...), else `default`.

        Absence is not reported here: `keys` reports missing required keys once.
        """
        if key not in obj:
            return default
        value = obj[key]
        if not _KINDS[kind](value):
            self.add(join_path(path, key), f"expected {kind}, {describe(value)}")
            return default
        return value

    def choice(self, obj: Mapping[str, Any], key: str, path: str, enum: type[E]) -> E | None:
        value = self.get(obj, key, path, "a string")
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            self.add(join_path(path, key), f"expected one of {', '.join(e.value for e in enum)}, "
                     f"{describe(value)}")
            return None

    def name(self, obj: Mapping[str, Any], path: str, key: str = "name") -> str | None:
        if key not in obj:
            return None
        return self.name_value(obj[key], join_path(path, key))

    def name_value(self, value: Any, path: str) -> str | None:
        """A name: a non-empty string without leading or trailing white space."""
        if not isinstance(value, str) or not value or value != value.strip():
            self.add(path, "expected a non-empty name without surrounding spaces, "
                     f"{describe(value)}")
            return None
        return value

    def non_negative(self, obj: Mapping[str, Any], key: str, path: str, kind: str) -> Any:
        value = self.get(obj, key, path, kind)
        if kind in ("a number", "an integer") and value is not None and value < 0:
            self.add(join_path(path, key), f"expected {kind} of at least 0, got {value}")
            return None
        return value

    def error(self, what: str) -> InputError:
        """One error listing every problem, with the list in `details["problems"]`."""
        count = len(self.problems)
        lines = "\n".join(f"- {p['path']}: {p['message']}" for p in self.problems)
        noun = "problem" if count == 1 else "problems"
        return InputError(f"the {what} has {count} {noun}:\n{lines}", problems=list(self.problems))
