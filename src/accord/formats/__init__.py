"""Dataset formats: one module per format, each a streaming reader and writer.

A format module defines `FORMAT` (or `FORMATS`, a tuple) of `accord.formats.base.Format`;
the registry below finds them, so adding a format touches no other file. See
docs/formats.md for the contracts and the list.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from accord.core.errors import InputError
from accord.formats.base import Format, Reader, Writer

__all__ = ["Format", "Reader", "Writer", "all_formats", "get", "reader", "writer"]


@cache
def all_formats() -> dict[str, Format]:
    """Every format by name, in name order: the public modules of this package that define
    `FORMAT` or `FORMATS` (helpers start with `_`)."""
    found: dict[str, Format] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        declared = getattr(module, "FORMATS", None) or (
            (module.FORMAT,) if hasattr(module, "FORMAT") else ())
        for fmt in declared:
            if not isinstance(fmt, Format):
                continue
            if fmt.name in found:
                raise RuntimeError(f"format {fmt.name!r} is declared twice")
            found[fmt.name] = fmt
    return dict(sorted(found.items()))


def get(name: str, purpose: str = "import") -> Format:
    """The format named `name` that can import (or export, by `purpose`), or InputError."""
    fmt = all_formats().get(name)
    able = [n for n, f in all_formats().items()
            if (f.read if purpose == "import" else f.write) is not None]
    if fmt is None or name not in able:
        raise InputError(f"unknown {purpose} format {name!r}; available: {', '.join(able)}",
                         field="format")
    return fmt


def reader(name: str) -> Reader:
    read = get(name, "import").read
    assert read is not None
    return read


def writer(name: str) -> Writer:
    write = get(name, "export").write
    assert write is not None
    return write
