"""A project's workflow policy as data: one frozen value, read from and written to JSON.

The policy says how work flows (docs/workflow.md, "The policy"); it decides nothing by itself.
Keeping it a plain value with one parser means the API, the CLI and the SDK all accept the same
fields with the same errors, and a stored policy can be re-read and compared.

A policy is checked whole when it is made, so a `WorkflowPolicy` in hand is always valid:

>>> policy = parse_policy({"overlap": 3, "stage_tiers": {"adjudicate": ["expert"]}})
>>> policy.may_take(Tier.SENIOR, Stage.ADJUDICATE, "any batch")
False
>>> parse_policy({"overlap": 0})
Traceback (most recent call last):
...
accord.core.errors.InputError: workflow.overlap: expected an integer from 1 to 50, got 0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final, TypeVar

from accord.core.errors import InputError
from accord.core.quality.errors import ErrorCategory
from accord.core.records import Stage, Tier

__all__ = ["DEFAULT_REVIEW_CATEGORIES", "AdaptiveOverlap", "Ordering", "RejectTo",
           "ReviewCategory", "WorkflowPolicy", "merge_policy", "parse_policy"]

MAX_OVERLAP: Final = 50
MAX_GOLD_ANSWERS: Final = 10_000
MIN_LEASE_SECONDS: Final = 10
MAX_LEASE_SECONDS: Final = 7 * 24 * 3600
MAX_WINDOW: Final = 1000
MAX_BATCH_CHARS: Final = 200  # as in accord.core.task_records
MAX_REVIEW_CATEGORIES: Final = 50
MAX_CATEGORY_NAME_CHARS: Final = 100
MAX_CATEGORY_DESCRIPTION_CHARS: Final = 1000
ALL_TIERS: Final = frozenset(Tier)
_Choice = TypeVar("_Choice", bound=StrEnum)


class Ordering(StrEnum):
    """How the queue orders tasks within a batch and priority (docs/workflow.md)."""

    SEQUENTIAL = "sequential"
    RANDOM = "random"
    UNCERTAINTY = "uncertainty"


class RejectTo(StrEnum):
    """Where rejected work goes: back to its author, or to the queue for anyone."""

    AUTHOR = "author"
    QUEUE = "queue"


def _brief(value: Any) -> str:
    """`value`'s repr, cut short: error messages echo what was received, not all of it."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _fail(name: str, message: str) -> InputError:
    where = f"workflow.{name}"
    return InputError(f"{where}: {message}", field=where)


def _check_int(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise _fail(name, f"expected an integer from {low} to {high}, got {_brief(value)}")


def _check_share(name: str, value: float, *, below_one: bool = False) -> None:
    expected = "at least 0 and below 1" if below_one else "from 0 to 1"
    if not (0 <= value < 1 if below_one else 0 <= value <= 1):  # NaN fails both
        raise _fail(name, f"expected a number {expected}, got {_brief(value)}")


def _check_batch(name: str, batch: str) -> None:
    if len(batch) > MAX_BATCH_CHARS:
        raise _fail(name, f"batch names have at most {MAX_BATCH_CHARS} characters, got "
                    f"{len(batch)}")


@dataclass(frozen=True, slots=True)
class AdaptiveOverlap:
    """Fewer answers for annotators whose agreement with the consensus is stable.

    Trusted annotators' tasks need `min_overlap` answers, except a `recheck` share that keeps
    the full overlap so their agreement stays measured (accord.core.workflow.adaptive).
    """

    min_overlap: int = 1
    stable_agreement: float = 0.85
    window: int = 20
    recheck: float = 0.1

    def __post_init__(self) -> None:
        _check_int("adaptive_overlap.min_overlap", self.min_overlap, 1, MAX_OVERLAP)
        _check_share("adaptive_overlap.stable_agreement", self.stable_agreement)
        _check_int("adaptive_overlap.window", self.window, 1, MAX_WINDOW)
        _check_share("adaptive_overlap.recheck", self.recheck)


@dataclass(frozen=True, slots=True)
class ReviewCategory:
    """One entry of the project's error taxonomy, offered to reviewers who reject work."""

    name: str
    description: str = ""


#: One line per category of the QA engine's taxonomy (`ErrorCategory`, but `custom`).
_DESCRIPTIONS: Final[Mapping[ErrorCategory, str]] = {
    ErrorCategory.MISSED_OBJECT: "An object in the image has no region",
    ErrorCategory.EXTRA_OBJECT: "A region marks something that is not an object to label",
    ErrorCategory.WRONG_CLASS: "The region is right but its class is wrong",
    ErrorCategory.LOOSE_GEOMETRY: "The shape is larger than the object",
    ErrorCategory.TIGHT_GEOMETRY: "The shape cuts off part of the object",
    ErrorCategory.SHIFTED_GEOMETRY: "The shape is the right size in the wrong place or form",
    ErrorCategory.SPAN_BOUNDARY: "A span or segment starts or ends in the wrong place",
    ErrorCategory.WRONG_ATTRIBUTE: "An attribute of the region has the wrong value",
    ErrorCategory.WRONG_LABEL: "The classification, rating or choice is wrong",
    ErrorCategory.WRONG_TRANSCRIPTION: "The transcribed text differs from what is there",
    ErrorCategory.WRONG_RELATION: "A relation is missing, extra or links the wrong regions",
}
DEFAULT_REVIEW_CATEGORIES: Final[tuple[ReviewCategory, ...]] = tuple(
    ReviewCategory(category.value, _DESCRIPTIONS[category]) for category in ErrorCategory
    if category is not ErrorCategory.CUSTOM)


def _check_review_categories(categories: tuple[ReviewCategory, ...]) -> None:
    name = "review_categories"
    if not 1 <= len(categories) <= MAX_REVIEW_CATEGORIES:
        raise _fail(name, f"expected 1 to {MAX_REVIEW_CATEGORIES} categories, got "
                    f"{len(categories)}")
    seen: set[str] = set()
    for i, category in enumerate(categories):
        where = f"{name}[{i}]"
        if not category.name.strip():
            raise _fail(f"{where}.name", "expected a non-empty name")
        if len(category.name) > MAX_CATEGORY_NAME_CHARS:
            raise _fail(f"{where}.name", f"names have at most {MAX_CATEGORY_NAME_CHARS} "
                        f"characters, got {len(category.name)}")
        if category.name in seen:
            raise _fail(f"{where}.name", f"{category.name!r} is named twice; names are unique")
        if len(category.description) > MAX_CATEGORY_DESCRIPTION_CHARS:
            raise _fail(f"{where}.description", f"descriptions have at most "
                        f"{MAX_CATEGORY_DESCRIPTION_CHARS} characters, got "
                        f"{len(category.description)}")
        seen.add(category.name)


def _default_stage_tiers() -> Mapping[Stage, frozenset[Tier]]:
    return {stage: ALL_TIERS for stage in Stage}


@dataclass(frozen=True, slots=True)
class WorkflowPolicy:
    """One project's workflow; the fields and their meaning are docs/workflow.md's table.

    `stage_tiers` always holds every stage (a stage not given allows every tier);
    `batch_tiers` only the batches that are restricted.
    """

    overlap: int = 1
    overlap_sample: float = 1.0
    consensus_threshold: float = 0.8
    review_sample: float = 0.0
    review_below_gold_accuracy: float | None = None
    min_gold_answers: int = 5
    gold_rate: float = 0.0
    reject_to: RejectTo = RejectTo.AUTHOR
    lease_seconds: int = 1800
    ordering: Ordering = Ordering.SEQUENTIAL
    batch_order: tuple[str, ...] = ()
    stage_tiers: Mapping[Stage, frozenset[Tier]] = field(default_factory=_default_stage_tiers)
    batch_tiers: Mapping[str, frozenset[Tier]] = field(default_factory=dict)
    pilot_batch: str | None = None
    calibration_batch: str | None = None
    adaptive_overlap: AdaptiveOverlap | None = None
    review_categories: tuple[ReviewCategory, ...] = DEFAULT_REVIEW_CATEGORIES

    def __post_init__(self) -> None:
        # Read-only views, so a frozen policy cannot be changed through its mappings either.
        stage_tiers = {stage: frozenset(self.stage_tiers.get(stage, ALL_TIERS))
                       for stage in Stage}
        object.__setattr__(self, "stage_tiers", MappingProxyType(stage_tiers))
        object.__setattr__(self, "batch_tiers", MappingProxyType(
            {batch: frozenset(tiers) for batch, tiers in self.batch_tiers.items()}))
        object.__setattr__(self, "batch_order", tuple(self.batch_order))
        object.__setattr__(self, "review_categories", tuple(self.review_categories))
        self._check()

    def _check(self) -> None:
        _check_int("overlap", self.overlap, 1, MAX_OVERLAP)
        for name in ("overlap_sample", "consensus_threshold", "review_sample"):
            _check_share(name, getattr(self, name))
        if self.review_below_gold_accuracy is not None:
            _check_share("review_below_gold_accuracy", self.review_below_gold_accuracy)
        _check_int("min_gold_answers", self.min_gold_answers, 1, MAX_GOLD_ANSWERS)
        _check_share("gold_rate", self.gold_rate, below_one=True)
        _check_int("lease_seconds", self.lease_seconds, MIN_LEASE_SECONDS, MAX_LEASE_SECONDS)
        for batch in self.batch_order:
            _check_batch("batch_order", batch)
        if len(set(self.batch_order)) != len(self.batch_order):
            twice = sorted({b for b in self.batch_order if self.batch_order.count(b) > 1})
            raise _fail("batch_order", f"each batch appears once; named more than once: "
                        f"{', '.join(map(repr, twice))}")
        for name, tiers_by in (("stage_tiers", self.stage_tiers),
                               ("batch_tiers", self.batch_tiers)):
            for key, tiers in tiers_by.items():
                if not tiers:
                    shown = str(key) if name == "stage_tiers" else repr(key)
                    raise _fail(name, f"{shown} needs at least one tier (to hold tasks back, "
                                "freeze them)")
        for batch in self.batch_tiers:
            _check_batch("batch_tiers", batch)
        for name in ("pilot_batch", "calibration_batch"):
            if (batch := getattr(self, name)) is not None:
                _check_batch(name, batch)
        if self.pilot_batch is not None and self.pilot_batch == self.calibration_batch:
            raise _fail("pilot_batch", f"{self.pilot_batch!r} is also the calibration batch; "
                        "name two different batches")
        _check_review_categories(self.review_categories)
        adaptive = self.adaptive_overlap
        if adaptive is not None and adaptive.min_overlap > self.overlap:
            raise _fail("adaptive_overlap.min_overlap", f"cannot exceed overlap "
                        f"({self.overlap}), got {adaptive.min_overlap}")

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready data; `parse_policy(p.to_dict()) == p`."""
        def tier_list(tiers: frozenset[Tier]) -> list[str]:
            return [tier.value for tier in Tier if tier in tiers]

        adaptive = self.adaptive_overlap
        return {
            **{f.name: getattr(self, f.name) for f in fields(self)},
            "reject_to": self.reject_to.value,
            "ordering": self.ordering.value,
            "batch_order": list(self.batch_order),
            "stage_tiers": {s.value: tier_list(self.stage_tiers[s]) for s in Stage},
            "batch_tiers": {b: tier_list(self.batch_tiers[b]) for b in sorted(self.batch_tiers)},
            "adaptive_overlap": None if adaptive is None else {
                f.name: getattr(adaptive, f.name) for f in fields(adaptive)},
            "review_categories": [{"name": c.name, "description": c.description}
                                  for c in self.review_categories],
        }

    @property
    def review_category_names(self) -> tuple[str, ...]:
        """The names a reviewer may give a rejection, in the project's order."""
        return tuple(c.name for c in self.review_categories)

    def may_take(self, tier: Tier, stage: Stage, batch: str) -> bool:
        """Whether a member of `tier` may be handed a task of `batch` in `stage`."""
        return tier in self.stage_tiers[stage] and tier in self.batch_tiers.get(batch, ALL_TIERS)

    def excluded_batches(self, tier: Tier) -> frozenset[str]:
        """The batches `tier` may not take, so a queue query can filter `batch NOT IN (…)`."""
        return frozenset(b for b, tiers in self.batch_tiers.items() if tier not in tiers)

    def batch_rank(self, batch: str) -> int:
        """Where `batch` comes in the queue, lowest first: calibration 0, pilot 1, then
        `batch_order` from 2, then every other batch."""
        if batch == self.calibration_batch:
            return 0
        if batch == self.pilot_batch:
            return 1
        try:
            return self.batch_order.index(batch) + 2
        except ValueError:
            return len(self.batch_order) + 2


# The parser: JSON types in, a checked policy out. Ranges are the dataclasses' to check.

_POLICY_KEYS: Final = frozenset(f.name for f in fields(WorkflowPolicy))
_ADAPTIVE_KEYS: Final = frozenset(f.name for f in fields(AdaptiveOverlap))
_INTS: Final = frozenset({"overlap", "min_gold_answers", "lease_seconds", "min_overlap",
                          "window"})
_NULLABLE: Final = frozenset({"review_below_gold_accuracy", "pilot_batch",
                              "calibration_batch", "adaptive_overlap"})


def _unknown(raw: Mapping[str, Any], allowed: frozenset[str], prefix: str) -> None:
    extra = sorted(str(key) for key in raw if key not in allowed)
    if extra:
        raise _fail(f"{prefix}{extra[0]}", f"unknown field{'s' * (len(extra) > 1)} "
                    f"{', '.join(map(_brief, extra))}; allowed: {', '.join(sorted(allowed))}")


def _integer(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(name, f"expected an integer, got {_brief(value)}")
    return value


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(name, f"expected a number, got {_brief(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _fail(name, f"expected a finite number, got {_brief(value)}")
    return number


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(name, f"expected a batch name (a string), got {_brief(value)}")
    return value


def _choice(name: str, value: Any, kind: type[_Choice]) -> _Choice:
    try:
        return kind(value)
    except (ValueError, TypeError):
        allowed = ", ".join(member.value for member in kind)
        raise _fail(name, f"expected one of {allowed}, got {_brief(value)}") from None


def _list(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise _fail(name, f"expected a list, got {_brief(value)}")
    return list(value)


def _mapping(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(name, f"expected an object, got {_brief(value)}")
    return value


def _tiers(name: str, key: str, value: Any) -> frozenset[Tier]:
    names = _list(name, value)
    unknown = [n for n in names if not (isinstance(n, str) and n in ALL_TIERS)]
    if unknown:
        raise _fail(name, f"{key}: unknown tier{'s' * (len(unknown) > 1)} "
                    f"{', '.join(map(_brief, unknown))}; tiers are "
                    f"{', '.join(t.value for t in Tier)}")
    return frozenset(Tier(n) for n in names)


def _stage_tiers(value: Any) -> dict[Stage, frozenset[Tier]]:
    raw = _mapping("stage_tiers", value)
    unknown = [key for key in raw if key not in frozenset(Stage)]
    if unknown:
        raise _fail("stage_tiers", f"unknown stage{'s' * (len(unknown) > 1)} "
                    f"{', '.join(map(_brief, unknown))}; stages are "
                    f"{', '.join(s.value for s in Stage)}")
    return {Stage(key): _tiers("stage_tiers", key, tiers) for key, tiers in raw.items()}


def _adaptive(value: Any) -> AdaptiveOverlap | None:
    if value is None:
        return None
    raw = _mapping("adaptive_overlap", value)
    _unknown(raw, _ADAPTIVE_KEYS, "adaptive_overlap.")
    return AdaptiveOverlap(**{key: _value(f"adaptive_overlap.{key}", key, item)
                              for key, item in raw.items()})


_CATEGORY_KEYS: Final = frozenset({"name", "description"})


def _review_categories(value: Any) -> tuple[ReviewCategory, ...]:
    """`[{"name": …, "description": …}, …]`; a description may be left out (empty)."""
    found = []
    for i, raw in enumerate(_list("review_categories", value)):
        where = f"review_categories[{i}]"
        entry = _mapping(where, raw)
        _unknown(entry, _CATEGORY_KEYS, f"{where}.")
        if "name" not in entry:
            raise _fail(f"{where}.name", "each category needs a name")
        texts = {}
        for key in ("name", "description"):
            item = entry.get(key, "")
            if not isinstance(item, str):
                raise _fail(f"{where}.{key}", f"expected a string, got {_brief(item)}")
            texts[key] = item
        found.append(ReviewCategory(texts["name"], texts["description"]))
    return tuple(found)


def _value(name: str, key: str, value: Any) -> Any:
    """One field's JSON value as the dataclass holds it (`name` is its path for errors)."""
    if value is None and key in _NULLABLE:
        return None
    if key in _INTS:
        return _integer(name, value)
    if key in ("pilot_batch", "calibration_batch"):
        return _text(name, value)
    readers: dict[str, Any] = {
        "reject_to": lambda v: _choice(name, v, RejectTo),
        "ordering": lambda v: _choice(name, v, Ordering),
        "batch_order": lambda v: tuple(_text(name, b) for b in _list(name, v)),
        "stage_tiers": _stage_tiers,
        "batch_tiers": lambda v: {_text(name, b): _tiers(name, repr(b), tiers)
                                  for b, tiers in _mapping(name, v).items()},
        "adaptive_overlap": _adaptive,
        "review_categories": _review_categories,
    }
    reader = readers.get(key)
    return reader(value) if reader is not None else _real(name, value)


def parse_policy(raw: Mapping[str, Any]) -> WorkflowPolicy:
    """Read a policy from JSON data; every key is optional, each missing one takes its
    default. Raises InputError naming the field (`details["field"]`, e.g.
    `workflow.gold_rate`) for an unknown key, a wrong type or a value out of range.

    >>> parse_policy({"gold_rate": 0.05, "adaptive_overlap": {"window": 50}}).adaptive_overlap
    AdaptiveOverlap(min_overlap=1, stable_agreement=0.85, window=50, recheck=0.1)
    """
    if not isinstance(raw, Mapping):
        raise InputError(f"workflow: expected an object of policy fields, got {_brief(raw)}",
                         field="workflow")
    _unknown(raw, _POLICY_KEYS, "")
    return WorkflowPolicy(**{key: _value(key, key, value) for key, value in raw.items()})


def merge_policy(current: WorkflowPolicy, changes: Mapping[str, Any]) -> WorkflowPolicy:
    """`current` with the fields in `changes` replaced, checked whole (a PATCH).

    None clears a nullable field; an `adaptive_overlap` object is merged into the current
    one when adaptive overlap is on. Every other field is replaced as given: `stage_tiers`
    and `batch_tiers` are replaced whole, not per stage or batch.

    >>> on = merge_policy(WorkflowPolicy(overlap=3), {"adaptive_overlap": {"window": 40}})
    >>> merge_policy(on, {"adaptive_overlap": {"recheck": 0.2}}).adaptive_overlap.window
    40
    """
    if not isinstance(changes, Mapping):
        raise InputError(f"workflow: expected an object of policy fields, got {_brief(changes)}",
                         field="workflow")
    merged = current.to_dict()
    for key, value in changes.items():
        if key == "adaptive_overlap" and isinstance(value, Mapping) and merged[key] is not None:
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return parse_policy(merged)
