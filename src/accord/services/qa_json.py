"""Core results as JSON values: the one conversion the QA API, CLI and SDK share.

Core results are frozen dataclasses holding floats, tuples, enums, mappings with hashable
keys and small NumPy arrays; JSON wants dicts with string keys and lists.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import numpy as np


def to_json(value: Any) -> Any:
    """`value` as plain JSON data; NaN and infinities (never expected) become None.

    >>> from accord.core.agreement import AgreementScore
    >>> to_json(AgreementScore(0.5, 3))["value"]
    0.5
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {_key(k): to_json(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return to_json(value.tolist())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, tuple):
        return " | ".join(_key(k) for k in key)
    if isinstance(key, enum.Enum):
        return str(key.value)
    return str(key)
