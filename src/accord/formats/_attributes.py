"""A region attribute read from text (XML formats write every value as a string), typed by
the schema's definition, for every format that needs it."""

from __future__ import annotations

import math
from typing import Any

from accord.core.schema import AttributeDef, AttributeType
from accord.formats.base import fail

TRUE, FALSE = ("true", "1"), ("false", "0")


def attribute_value(definition: AttributeDef, text: str, where: str) -> Any:
    """`text` as `definition` holds it: a bool (true/false or 1/0), a finite number, or the
    text itself (enum and text attributes; validation checks enum values)."""
    if definition.type is AttributeType.BOOL:
        lowered = text.strip().lower()
        if lowered not in TRUE + FALSE:
            raise fail(where, f"attribute {definition.name!r}: expected true or false (or 1 "
                              f"or 0), got {text!r}")
        return lowered in TRUE
    if definition.type is AttributeType.NUMBER:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise fail(where, f"attribute {definition.name!r}: expected a finite number, got "
                              f"{text!r}")
        return number
    return text
