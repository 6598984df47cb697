"""The shape of one task as imported or exported (one JSONL line, one API list item).

    {"data": {...}, "media_url": "...", "batch": "pilot", "priority": 0,
     "gold": [regions], "annotations": [{"regions": [...], "author": "email", ...}],
     "predictions": [{"regions": [...], "model_version": "v1", "score": 0.8}]}

Only `data` is required. Regions are in the canonical format (docs/regions.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from accord.core.errors import InputError

TASK_KEYS = frozenset({"id", "data", "media_url", "batch", "priority", "gold", "annotations",
                       "predictions"})
ANNOTATION_KEYS = frozenset({"id", "regions", "author", "lead_time_s", "status", "stage",
                             "schema_version", "guideline_version", "submitted_at"})
PREDICTION_KEYS = frozenset({"id", "regions", "model_version", "score"})
MAX_BATCH_CHARS = 200
MAX_MEDIA_URL_CHARS = 2048


@dataclass(frozen=True, slots=True)
class AnnotationRecord:
    regions: list[Any]
    author: str | None = None
    lead_time_s: float | None = None


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
        canonical = json.dumps([self.data, self.media_url], sort_keys=True,
                               separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _fail(where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}", field=where)


def _unknown(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        raise _fail(f"{where}.{extra[0]}", f"unknown field; allowed: {', '.join(sorted(allowed))}")


def _regions(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(where, f"expected a list of regions, got {type(value).__name__}")
    return value


def _number(value: Any, where: str, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise _fail(where, f"expected {'a number' if kind is float else 'an integer'}, got "
                    f"{value!r}")
    return kind(value)


def _annotation(raw: Any, where: str) -> AnnotationRecord:
    if not isinstance(raw, Mapping):
        raise _fail(where, f"expected an object, got {type(raw).__name__}")
    _unknown(raw, ANNOTATION_KEYS, where)
    author = raw.get("author")
    if author is not None and not isinstance(author, str):
        raise _fail(f"{where}.author", f"expected an email address, got {author!r}")
    lead = raw.get("lead_time_s")
    return AnnotationRecord(
        regions=_regions(raw.get("regions"), f"{where}.regions"), author=author,
        lead_time_s=None if lead is None else _number(lead, f"{where}.lead_time_s", float))


def parse_prediction(raw: Any, where: str) -> PredictionRecord:
    if not isinstance(raw, Mapping):
        raise _fail(where, f"expected an object, got {type(raw).__name__}")
    _unknown(raw, PREDICTION_KEYS, where)
    version = raw.get("model_version", "")
    if not isinstance(version, str) or len(version) > 200:
        raise _fail(f"{where}.model_version", f"expected a string, got {version!r}")
    score = raw.get("score")
    return PredictionRecord(
        regions=_regions(raw.get("regions"), f"{where}.regions"), model_version=version,
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
    if not isinstance(raw, Mapping):
        raise _fail("task", f"expected a JSON object, got {type(raw).__name__}")
    _unknown(raw, TASK_KEYS, "task")
    data = raw.get("data")
    if not isinstance(data, Mapping):
        raise _fail("data", "required, and must be an object of data fields "
                    f"(e.g. {{\"image\": \"...\"}}); got {type(data).__name__}")
    media_url = raw.get("media_url")
    if media_url is not None and (not isinstance(media_url, str)
                                  or len(media_url) > MAX_MEDIA_URL_CHARS):
        raise _fail("media_url", f"expected a URL of at most {MAX_MEDIA_URL_CHARS} characters")
    batch = raw.get("batch", "")
    if not isinstance(batch, str) or len(batch) > MAX_BATCH_CHARS:
        raise _fail("batch", f"expected a string of at most {MAX_BATCH_CHARS} characters")
    gold = raw.get("gold")
    return TaskRecord(
        data=dict(data), media_url=media_url, batch=batch,
        priority=_number(raw.get("priority", 0), "priority", int),
        gold=None if gold is None else _regions(gold, "gold"),
        annotations=tuple(_annotation(a, f"annotations[{i}]")
                          for i, a in enumerate(_list(raw.get("annotations"), "annotations"))),
        predictions=tuple(parse_prediction(p, f"predictions[{i}]")
                          for i, p in enumerate(_list(raw.get("predictions"), "predictions"))))


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, f"expected a list, got {type(value).__name__}")
    return value
