"""Review findings onto the error taxonomy, and error counts per annotator, class, guideline
version and ISO week.

A reviewer picks a category from the project's own list ("too big", "Missing object",
"typo", ...). `review_finding` maps it onto `ErrorCategory`: first through the project's
`aliases`, then by the category's own name, then through `REVIEW_ALIASES`, comparing names
case-insensitively with spaces and hyphens read as underscores. A category that maps
nowhere is kept as `custom`, under the reviewer's name, never dropped.

`count_errors` tallies findings with the context the caller knows (the core has no
database): who annotated, under which guideline version, when.

>>> finding = review_finding("Too big", label="objects", class_name="car", region_id="r1")
>>> finding.category.value
'loose_geometry'
>>> review_finding("blurry image").name
'blurry image'
>>> from datetime import date
>>> counts = count_errors([(finding, ErrorContext("ann", "v2", date(2026, 11, 4)))])
>>> counts.by_week
{'2026-W45': {'loose_geometry': 1}}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from accord.core.errors import InputError
from accord.core.quality.errors import ErrorCategory, ErrorFinding

__all__ = [
    "REVIEW_ALIASES",
    "ErrorContext",
    "ErrorCounts",
    "count_errors",
    "review_finding",
]

_C = ErrorCategory
# Common names reviewers use, normalised (lower case, underscores), for each category.
REVIEW_ALIASES: Final[Mapping[str, ErrorCategory]] = {
    **dict.fromkeys(("missing", "missed", "missing_object", "missing_region", "false_negative",
                     "not_labelled", "not_labeled", "unlabelled", "unlabeled"),
                    _C.MISSED_OBJECT),
    **dict.fromkeys(("extra", "extra_region", "false_positive", "duplicate", "spurious",
                     "not_an_object"), _C.EXTRA_OBJECT),
    **dict.fromkeys(("wrong_category", "misclassified", "misclassification", "class",
                     "incorrect_class"), _C.WRONG_CLASS),
    **dict.fromkeys(("loose", "too_loose", "too_big", "too_large", "oversized",
                     "box_too_large"), _C.LOOSE_GEOMETRY),
    **dict.fromkeys(("tight", "too_tight", "too_small", "cropped", "cut_off",
                     "box_too_small"), _C.TIGHT_GEOMETRY),
    **dict.fromkeys(("shifted", "misaligned", "offset", "misplaced", "wrong_position",
                     "inaccurate", "inaccurate_geometry", "geometry"), _C.SHIFTED_GEOMETRY),
    **dict.fromkeys(("boundary", "boundaries", "span_boundaries", "wrong_boundary",
                     "wrong_boundaries", "wrong_span"), _C.SPAN_BOUNDARY),
    **dict.fromkeys(("attribute", "attributes", "wrong_attributes", "attribute_error"),
                    _C.WRONG_ATTRIBUTE),
    **dict.fromkeys(("wrong_answer", "wrong_rating", "wrong_choice", "label"),
                    _C.WRONG_LABEL),
    **dict.fromkeys(("transcription", "typo", "spelling", "wrong_text", "transcription_error"),
                    _C.WRONG_TRANSCRIPTION),
    **dict.fromkeys(("relation", "wrong_link", "missing_relation", "relation_error"),
                    _C.WRONG_RELATION),
}


@dataclass(frozen=True, slots=True)
class ErrorContext:
    """Who made the annotation, under which guideline version and when (a datetime, read
    in UTC when aware and as UTC when naive, or a date)."""

    annotator: Hashable
    guideline_version: Hashable | None = None
    time: datetime | date | None = None


@dataclass(frozen=True, slots=True)
class ErrorCounts:
    """Counts of findings by their `name` (category, or custom name). `cells` is the full
    cross-tabulation keyed by (annotator, class, guideline version, ISO week, name); the
    others are its margins, each {group: {name: count}}; `totals` is {name: count}."""

    cells: Mapping[tuple[Hashable, str | None, Hashable, str | None, str], int]
    totals: Mapping[str, int]
    by_annotator: Mapping[Hashable, Mapping[str, int]]
    by_class: Mapping[str | None, Mapping[str, int]]
    by_guideline_version: Mapping[Hashable, Mapping[str, int]]
    by_week: Mapping[str | None, Mapping[str, int]]


def review_finding(category: str, *, label: str | None = None, class_name: str | None = None,
                   region_id: str | None = None, detail: str = "",
                   aliases: Mapping[str, ErrorCategory | str] | None = None) -> ErrorFinding:
    """A reviewer's finding on the annotation's region `region_id` (or on the whole
    annotation), as an `ErrorFinding` of the taxonomy; `custom` when the category is not
    known, keeping the reviewer's name for it. `aliases` map the project's own category
    names onto taxonomy categories (or their values, such as "missed_object")."""
    if not isinstance(category, str) or not category.strip():
        raise InputError(f"a review category must be a non-empty string; got {category!r}")
    key = _normal(category)
    project = {_normal(name): _category(target, name) for name, target in (aliases or {}).items()}
    known = project.get(key) or _by_value(key) or REVIEW_ALIASES.get(key)
    if known is None or known is ErrorCategory.CUSTOM:
        return ErrorFinding(ErrorCategory.CUSTOM, label, class_name, region_id, None, detail,
                            category.strip())
    return ErrorFinding(known, label, class_name, region_id, None, detail)


def count_errors(findings_with_context: Iterable[Any]) -> ErrorCounts:
    """Tally `(finding, context)` pairs; a context is an `ErrorContext` or an `(annotator,
    guideline_version, time)` tuple. Findings without a time count under week None."""
    cells: Counter[tuple[Hashable, str | None, Hashable, str | None, str]] = Counter()
    for i, entry in enumerate(findings_with_context):
        finding, context = _unpack(entry, i)
        cells[(context.annotator, finding.class_name, context.guideline_version,
               _iso_week(context.time, i), finding.name)] += 1
    return ErrorCounts(dict(cells), dict(_margin(cells, None)), _margin(cells, 0),
                       _margin(cells, 1), _margin(cells, 2), _margin(cells, 3))


def _margin(cells: Counter[tuple[Any, ...]], position: int | None) -> dict[Any, Any]:
    if position is None:
        totals: Counter[str] = Counter()
        for key, count in cells.items():
            totals[key[4]] += count
        return dict(totals)
    grouped: dict[Any, Counter[str]] = {}
    for key, count in cells.items():
        grouped.setdefault(key[position], Counter())[key[4]] += count
    return {group: dict(counts) for group, counts in grouped.items()}


def _unpack(entry: Any, i: int) -> tuple[ErrorFinding, ErrorContext]:
    if not isinstance(entry, tuple | list) or len(entry) != 2 \
            or not isinstance(entry[0], ErrorFinding):
        raise InputError(f"entry {i} should be a (finding, context) pair with an ErrorFinding; "
                         f"got {entry!r:.200}")
    finding, context = entry
    if isinstance(context, ErrorContext):
        return finding, context
    if isinstance(context, tuple | list) and len(context) == 3:
        return finding, ErrorContext(*context)
    raise InputError(f"entry {i}: the context should be an ErrorContext or an (annotator, "
                     f"guideline_version, time) tuple; got {context!r:.200}")


def _iso_week(time: Any, i: int) -> str | None:
    if time is None:
        return None
    if isinstance(time, datetime):
        time = (time.astimezone(UTC) if time.tzinfo else time).date()
    if not isinstance(time, date):
        raise InputError(f"entry {i}: the time should be a datetime or a date; got {time!r}")
    year, week, _ = time.isocalendar()
    return f"{year}-W{week:02d}"


def _normal(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


def _by_value(key: str) -> ErrorCategory | None:
    try:
        return ErrorCategory(key)
    except ValueError:
        return None


def _category(target: ErrorCategory | str, name: str) -> ErrorCategory:
    if isinstance(target, ErrorCategory):
        return target
    known = _by_value(_normal(str(target)))
    if known is None:
        raise InputError(f"alias {name!r} maps to {target!r}, which is not a category; expected "
                         f"one of {[c.value for c in ErrorCategory]}")
    return known
