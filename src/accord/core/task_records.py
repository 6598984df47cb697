"""The shape of one task as imported or exported (one JSONL line, one API list item).

    {"data": {...}, "media_url": "...", "batch": "pilot", "priority": 0,
     "gold": [regions], "annotations": [{"regions": [...], "author": "email", ...}],
     "predictions": [{"regions": [...], "model_version": "v1", "score": 0.8}]}

Only `data` is required. Regions are in the canonical format (docs/regions.md).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accord.core.errors import InputError

TASK_KEYS = frozenset({"id", "data", "media_url", "batch", "priority", "gold", "annotations",
                       "predictions"})
ANNOTATION_KEYS = frozenset({"id", "regions", "author", "lead_time_s", "status", "stage",
                             "schema_version", "guideline_version", "submitted_at"})
PREDICTION_KEYS = frozenset({"id", "regions", "model_version", "score"})
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
MAX_BATCH_CHARS = 200
MAX_MEDIA_URL_CHARS = 2048
MAX_REGIONS = 10_000
INT32 = 2**31
#: Where media may live; anything else (javascript:, data:, file:) is refused.
MEDIA_SCHEMES = frozenset({"", "http", "https", "s3", "gs", "azure"})
IMPORTED_STATUSES = frozenset({"submitted", "accepted", "rejected", "superseded"})
STAGES = frozenset({"label", "review", "adjudicate"})


@dataclass(frozen=True, slots=True)
class AnnotationRecord:
    """Work imported with its history: status, stage and the versions it followed."""

    regions: list[Any]
    author: str | None = None
    lead_time_s: float | None = None
    status: str = "submitted"
    stage: str = "label"
    schema_version: int | None = None
    guideline_version: int | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PredictionRecord:
    regions: list[Any]
    model_version: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class TaskRecord:
    data: dict[str, Any]
    media_url: str | None = None
    batch: str = ""
    priority: int = 0
    gold: list[Any] | None = None
    annotations: tuple[AnnotationRecord, ...] = field(default=())
    predictions: tuple[PredictionRecord, ...] = field(default=())

    @property
    def content_hash(self) -> str:
        """Identity of a task's content, so re-running an import adds no duplicates."""
        canonical = _CANONICAL.encode([self.data, self.media_url])
        return hashlib.sha256(canonical.encode()).hexdigest()


def _fail(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}", field=where)


def _unknown(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    if raw.keys() <= allowed:
        return
    extra = sorted(set(raw) - allowed)
    if extra:
        raise _fail(f"{where}.{extra[0]}", f"unknown field; allowed: {', '.join(sorted(allowed))}")


def _regions(value: Any, where: str, field: str = "") -> list[Any]:
    """The regions list; `where` + `field` names it in errors (joined only for one, as
    this runs for every answer of an import)."""
    if not isinstance(value, list):
        raise _fail(where + field, f"expected a list of regions, got {type(value).__name__}")
    if len(value) > MAX_REGIONS:
        raise _fail(where + field, f"at most {MAX_REGIONS} regions per list; got {len(value)}")
    return value


def _number(value: Any, where: str, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise _fail(where, f"expected {'a number' if kind is float else 'an integer'}, got "
                    f"{value!r}")
    if kind is int:
        if not -INT32 <= value < INT32:
            raise _fail(where, f"{value} is out of range (32-bit integers only)")
        return value
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _fail(where, f"{value!r} is not a finite number")
    return number


def _choice(raw: Mapping[str, Any], key: str, allowed: frozenset[str], default: str,
            where: str) -> str:
    value = raw.get(key, default)
    if type(value) is not str or value not in allowed:  # a list or object is no member
        raise _fail(f"{where}.{key}", f"expected one of {', '.join(sorted(allowed))}, got "
                    f"{value!r}")
    return str(value)


def _timestamp(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise _fail(where, f"expected an ISO 8601 time with a time zone, got {value!r}")
    return parsed


def _media_url(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_MEDIA_URL_CHARS:
        raise _fail("media_url", f"expected a URL of at most {MAX_MEDIA_URL_CHARS} characters")
    scheme = value.split(":", 1)[0].lower() if ":" in value.split("/", 1)[0] else ""
    if scheme not in MEDIA_SCHEMES:
        raise _fail("media_url", f"scheme {scheme!r} is not allowed; use one of "
                    f"{', '.join(sorted(s for s in MEDIA_SCHEMES if s))} or a relative key")
    return value


def _annotation(raw: Any, where: str) -> AnnotationRecord:
    if type(raw) is not dict and not isinstance(raw, Mapping):  # a dict: no ABC check
        raise _fail(where, f"expected an object, got {type(raw).__name__}")
    _unknown(raw, ANNOTATION_KEYS, where)
    author = raw.get("author")
    if author is not None and not isinstance(author, str):
        raise _fail(f"{where}.author", f"expected an email address, got {author!r}")
    lead = raw.get("lead_time_s")
    schema_version, guideline_version = raw.get("schema_version"), raw.get("guideline_version")
    if schema_version is not None:
        schema_version = _number(schema_version, f"{where}.schema_version", int)
    if guideline_version is not None:
        guideline_version = _number(guideline_version, f"{where}.guideline_version", int)
    submitted = raw.get("submitted_at")
    return AnnotationRecord(
        regions=_regions(raw.get("regions"), where, ".regions"), author=author,
        lead_time_s=None if lead is None else _number(lead, f"{where}.lead_time_s", float),
        status=_choice(raw, "status", IMPORTED_STATUSES, "submitted", where),
        stage=_choice(raw, "stage", STAGES, "label", where),
        submitted_at=None if submitted is None else _timestamp(submitted,
                                                               f"{where}.submitted_at"),
        schema_version=schema_version, guideline_version=guideline_version)


def parse_prediction(raw: Any, where: str) -> PredictionRecord:
    if not isinstance(raw, Mapping):
        raise _fail(where, f"expected an object, got {type(raw).__name__}")
    _unknown(raw, PREDICTION_KEYS, where)
    version = raw.get("model_version", "")
    if not isinstance(version, str) or len(version) > 200:
        raise _fail(f"{where}.model_version", f"expected a string, got {version!r}")
    score = raw.get("score")
    return PredictionRecord(
        regions=_regions(raw.get("regions"), where, ".regions"), model_version=version,
        score=None if score is None else _number(score, f"{where}.score", float))


def parse_task_record(raw: Any) -> TaskRecord:
    """Check one task record's structure; raises InputError naming the field.

    >>> parse_task_record({"data": {"text": "hi"}, "batch": "pilot"}).batch
    'pilot'
    >>> parse_task_record({"text": "hi"})
    Traceback (most recent call last):
    ...
    accord.core.errors.InputError: task.text: unknown field; allowed: annotations, batch, data, gold, id, media_url, predictions, priority
    """
    if type(raw) is not dict and not isinstance(raw, Mapping):  # a dict: no ABC check
        raise _fail("task", f"expected a JSON object, got {type(raw).__name__}")
    _unknown(raw, TASK_KEYS, "task")
    data = raw.get("data")
    if type(data) is not dict and not isinstance(data, Mapping):
        raise _fail("data", "required, and must be an object of data fields "
                    f"(e.g. {{\"image\": \"...\"}}); got {type(data).__name__}")
    media_url = _media_url(raw.get("media_url"))
    batch = raw.get("batch", "")
    if not isinstance(batch, str) or len(batch) > MAX_BATCH_CHARS:
        raise _fail("batch", f"expected a string of at most {MAX_BATCH_CHARS} characters")
    gold, annotations, predictions = (raw.get(k) for k in ("gold", "annotations",
                                                             "predictions"))
    priority = raw.get("priority", 0)
    return TaskRecord(
        data=dict(data), media_url=media_url, batch=batch,
        priority=priority if priority == 0 and type(priority) is int else _number(
            priority, "priority", int),
        gold=None if gold is None else _regions(gold, "gold"),
        annotations=() if annotations is None else tuple(
            _annotation(a, f"annotations[{i}]")
            for i, a in enumerate(_list(annotations, "annotations"))),
        predictions=() if predictions is None else tuple(
            parse_prediction(p, f"predictions[{i}]")
            for i, p in enumerate(_list(predictions, "predictions"))))


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, f"expected a list, got {type(value).__name__}")
    return value
