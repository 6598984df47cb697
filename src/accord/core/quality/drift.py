"""Drift: how an annotator's gold accuracy or agreement moves over time and across guideline
versions, as series per time bucket or rolling over the last k events, with change points.

An **event** is one scored annotation: `(annotator, time, value)` or `(annotator, time,
value, guideline_version)`. `value` is 1/0 (the annotation matched the gold answer or not) or
a score in [0, 1] (its agreement with the other annotators of the item). `time` is a
`datetime` (all aware, or all naive and then read as UTC) or a number (all numbers; POSIX
seconds when bucketed by "day" or "week"). Series are per `by`: "annotator",
"guideline_version" or "annotator_and_version" (keys are `(annotator, version)` pairs).

>>> from datetime import datetime, timedelta
>>> start = datetime(2026, 11, 2, 9)
>>> events = [("ann", start + timedelta(days=d), 1 if d < 7 else 0) for d in range(14)]
>>> [week] = weekly = time_series(events, bucket="week")
>>> week.labels, week.n.tolist(), week.mean.tolist()
(('2026-W45', '2026-W46'), [7, 7], [1.0, 0.0])
>>> rolling_series(events, window=3)[0].mean[6:9].round(2).tolist()
[1.0, 0.67, 0.33]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np

from accord.core.errors import InputError
from accord.core.quality.change_points import ChangePointTest, detect_change_points

__all__ = [
    "BucketSeries",
    "Drift",
    "RollingSeries",
    "detect_drift",
    "rolling_series",
    "time_series",
]

By = Literal["annotator", "guideline_version", "annotator_and_version"]
Bucket = Literal["day", "week"] | float

_DAY_S = 86_400.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MONDAY_OFFSET_S = 3 * _DAY_S  # 1970-01-01 was a Thursday; ISO weeks start on Monday


@dataclass(frozen=True, slots=True)
class BucketSeries:
    """The mean value per time bucket, for one key; only buckets with events appear.
    `starts` are bucket starts (datetimes in UTC when times were datetimes); `labels` name
    them ("2026-W45" for ISO weeks, "2026-11-02" for days, the start otherwise)."""

    key: Hashable
    starts: tuple[Any, ...]
    labels: tuple[str, ...]
    n: np.ndarray
    mean: np.ndarray

    def __post_init__(self) -> None:
        self.n.setflags(write=False)
        self.mean.setflags(write=False)


@dataclass(frozen=True, slots=True)
class RollingSeries:
    """For one key, its events in time order (`times`: datetimes as given, numbers as
    floats): `mean[i]` is the mean of the last `window` values up to and including event i,
    over `n[i]` values (fewer for the first events)."""

    key: Hashable
    times: tuple[Any, ...]
    values: np.ndarray
    mean: np.ndarray
    n: np.ndarray
    window: int

    def __post_init__(self) -> None:
        for array in (self.values, self.mean, self.n):
            array.setflags(write=False)


@dataclass(frozen=True, slots=True)
class Drift:
    """One key's series and the change-point test on its events in time order."""

    key: Hashable
    buckets: BucketSeries
    rolling: RollingSeries
    change_points: ChangePointTest


@dataclass(frozen=True, slots=True)
class _Group:
    key: Hashable
    times: tuple[Any, ...]  # datetimes as given, numbers as floats; in time order
    seconds: np.ndarray  # float, sorted ascending
    values: np.ndarray
    is_datetime: bool


def time_series(events: Iterable[Any], *, bucket: Bucket = "week",
                by: By = "annotator") -> tuple[BucketSeries, ...]:
    """Mean value per bucket: "week" (ISO weeks, Monday 00:00 UTC), "day" (UTC days), or a
    bucket width in the unit of the times (seconds for datetimes), buckets starting at 0."""
    width, offset = _bucket_width(bucket)
    return tuple(_buckets(group, bucket, width, offset) for group in _read_events(events, by))


def rolling_series(events: Iterable[Any], *, window: int,
                   by: By = "annotator") -> tuple[RollingSeries, ...]:
    """Rolling mean over the last `window` events, per key, in time order."""
    _check_window(window)
    return tuple(_rolling(group, window) for group in _read_events(events, by))


def detect_drift(events: Iterable[Any], *, by: By = "annotator", bucket: Bucket = "week",
                 window: int = 50, alpha: float = 0.01, min_segment: int = 20,
                 n_permutations: int = 999, seed: int = 0) -> tuple[Drift, ...]:
    """Per key: the bucketed and rolling series, and `detect_change_points` on the values in
    time order (its times are the events' times), at level `alpha` for each key."""
    width, offset = _bucket_width(bucket)
    _check_window(window)
    return tuple(
        Drift(group.key, _buckets(group, bucket, width, offset), _rolling(group, window),
              detect_change_points(group.values, times=group.times, alpha=alpha,
                                   min_segment=min_segment, n_permutations=n_permutations,
                                   seed=seed))
        for group in _read_events(events, by))


def _buckets(group: _Group, bucket: Bucket, width: float, offset: float) -> BucketSeries:
    index = np.floor((group.seconds + offset) / width).astype(np.int64)
    starts, first, n = np.unique(index, return_index=True, return_counts=True)
    sums = np.add.reduceat(group.values, first)
    start_s = starts * width - offset
    dates = tuple(_EPOCH + timedelta(seconds=float(s)) for s in start_s) \
        if group.is_datetime or bucket in ("day", "week") else ()
    if bucket == "week":
        labels = tuple("{}-W{:02d}".format(*d.isocalendar()[:2]) for d in dates)
    elif bucket == "day":
        labels = tuple(d.date().isoformat() for d in dates)
    elif group.is_datetime:
        labels = tuple(d.isoformat() for d in dates)
    else:
        labels = tuple(f"{float(s):g}" for s in start_s)
    begin = dates if group.is_datetime else tuple(float(s) for s in start_s)
    return BucketSeries(group.key, begin, labels, n, sums / n)


def _rolling(group: _Group, window: int) -> RollingSeries:
    sums = np.concatenate(([0.0], np.cumsum(group.values)))
    stop = np.arange(1, group.values.size + 1)
    begin = np.maximum(stop - window, 0)
    n = stop - begin
    return RollingSeries(group.key, group.times, group.values, (sums[stop] - sums[begin]) / n,
                         n, window)


def _bucket_width(bucket: Bucket) -> tuple[float, float]:
    if bucket == "week":
        return 7 * _DAY_S, _MONDAY_OFFSET_S
    if bucket == "day":
        return _DAY_S, 0.0
    if isinstance(bucket, bool) or not isinstance(bucket, numbers.Real) \
            or not math.isfinite(bucket) or bucket <= 0:
        raise InputError(f"bucket must be 'day', 'week' or a positive width in the unit of the "
                         f"times; got {bucket!r}")
    return float(bucket), 0.0


def _check_window(window: int) -> None:
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise InputError(f"window must be a whole number of events >= 1; got {window!r}")


def _read_events(events: Iterable[Any], by: By) -> list[_Group]:
    """Events into per-key groups; read column by column, so that a million events of
    numbers take a second, not a Python check per field."""
    if by not in ("annotator", "guideline_version", "annotator_and_version"):
        raise InputError("by must be 'annotator', 'guideline_version' or "
                         f"'annotator_and_version'; got {by!r}")
    rows = events if isinstance(events, list) else list(events)
    annotators, times, values, versions = _columns(rows)
    key_of = (annotators if by == "annotator" else versions if by == "guideline_version"
              else list(zip(annotators, versions, strict=True)))
    keys: dict[Hashable, int] = {}
    try:
        codes = np.fromiter((keys.setdefault(key, len(keys)) for key in key_of), dtype=np.int64,
                            count=len(rows))
    except TypeError:
        i = next(i for i, key in enumerate(key_of) if not _hashable(key))
        raise InputError(f"event {i}: annotator and guideline version must be hashable; got "
                         f"{key_of[i]!r}") from None
    seconds, is_datetime = _read_times(times)
    return _group(keys, codes, times, seconds, _read_values(values), is_datetime)


def _columns(rows: list[Any]) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """Annotators, times, values and versions (None when not given); each event is checked
    in Python only when they are not all tuples or lists of 3 or 4 items."""
    kinds = set(map(type, rows))
    lengths = set(map(len, rows)) if kinds <= {tuple, list} else set()
    if not (rows and lengths and lengths <= {3, 4}):
        for i, event in enumerate(rows):
            if not isinstance(event, tuple | list) or len(event) not in (3, 4):
                raise InputError(f"event {i} should be (annotator, time, value) or (annotator, "
                                 f"time, value, guideline_version); got {event!r:.200}")
    versions = ([event[3] for event in rows] if lengths == {4} else [None] * len(rows)
                if lengths == {3} else [event[3] if len(event) == 4 else None for event in rows])
    return ([event[0] for event in rows], [event[1] for event in rows],
            [event[2] for event in rows], versions)


def _hashable(key: Any) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _group(keys: dict[Hashable, int], codes: np.ndarray, times: list[Any],
           seconds: np.ndarray, values: np.ndarray, is_datetime: bool) -> list[_Group]:
    order = np.lexsort((seconds, codes))  # by key, then time; stable for equal times
    codes, seconds, values = codes[order], seconds[order], values[order]
    if is_datetime:
        as_given = np.empty(len(times), dtype=object)
        as_given[:] = times
        as_given = as_given[order]
    else:
        as_given = seconds  # numbers are kept as floats
    bounds = np.flatnonzero(np.diff(codes)) + 1
    groups = []
    for key, chunk in zip(keys, np.split(np.arange(codes.size), bounds), strict=False):
        if chunk.size:  # keys are numbered in order of first appearance, as codes are sorted
            given = as_given[chunk[0]:chunk[-1] + 1]
            groups.append(_Group(key, tuple(given.tolist()), seconds[chunk],
                                 values[chunk], is_datetime))
    return groups


def _read_times(times: list[Any]) -> tuple[np.ndarray, bool]:
    """POSIX seconds (or the numbers given) and whether the times were datetimes."""
    array = _as_array(times)
    if array is not None and array.dtype.kind in "iuf":
        if not np.isfinite(array).all():
            i = int(np.argmax(~np.isfinite(array)))
            raise InputError(f"event {i}: time must be a datetime or a finite number; got "
                             f"{times[i]!r}")
        return array.astype(np.float64), False
    kinds = [_seconds(time, i) for i, time in enumerate(times)]
    names = {kind for kind, _ in kinds}
    if len(names) > 1:
        raise InputError("event times must all be aware datetimes, all naive datetimes or all "
                         f"numbers; got a mix of {sorted(names)}")
    return np.fromiter((second for _, second in kinds), dtype=np.float64,
                       count=len(kinds)), names != {"number"}


def _read_values(values: list[Any]) -> np.ndarray:
    array = _as_array(values)
    if array is not None and array.dtype.kind in "iufb":
        array = array.astype(np.float64)
        if (np.isfinite(array) & (array >= 0) & (array <= 1)).all():
            return array
    # the slow path names the first bad value
    return np.fromiter((_value(value, i) for i, value in enumerate(values)), dtype=np.float64,
                       count=len(values))


def _as_array(column: list[Any]) -> np.ndarray | None:
    """A 1-D array of the column when NumPy reads it as one (None for ragged objects)."""
    if not column:
        return np.zeros(0)
    try:
        array = np.array(column)
    except (TypeError, ValueError):
        return None
    return array if array.ndim == 1 else None


def _seconds(time: Any, i: int) -> tuple[str, float]:
    if isinstance(time, datetime):
        if time.tzinfo is None:
            return "naive datetime", time.replace(tzinfo=UTC).timestamp()
        return "aware datetime", time.timestamp()
    if isinstance(time, numbers.Real) and not isinstance(time, bool) and math.isfinite(time):
        return "number", float(time)
    raise InputError(f"event {i}: time must be a datetime or a finite number; got {time!r}")


def _value(value: Any, i: int) -> float:
    if isinstance(value, numbers.Real) and math.isfinite(value) and 0 <= value <= 1:
        return float(value)
    raise InputError(f"event {i}: value must be 1/0 (gold correct) or a score from 0 to 1; got "
                     f"{value!r}")
