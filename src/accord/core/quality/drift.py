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
    """For one key, its events in time order: `mean[i]` is the mean of the last `window`
    values up to and including event i, over `n[i]` values (fewer for the first events)."""

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
    times: tuple[Any, ...]  # as given
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
    if by not in ("annotator", "guideline_version", "annotator_and_version"):
        raise InputError("by must be 'annotator', 'guideline_version' or "
                         f"'annotator_and_version'; got {by!r}")
    keys: dict[Hashable, int] = {}
    codes, times, seconds, values = [], [], [], []
    kinds: set[str] = set()
    for i, event in enumerate(events):
        annotator, time, value, version = _unpack(event, i)
        key = {"annotator": annotator, "guideline_version": version,
               "annotator_and_version": (annotator, version)}[by]
        try:
            codes.append(keys.setdefault(key, len(keys)))
        except TypeError:
            raise InputError(f"event {i}: annotator and guideline version must be hashable; "
                             f"got {key!r}") from None
        kind, second = _seconds(time, i)
        kinds.add(kind)
        times.append(time)
        seconds.append(second)
        values.append(_value(value, i))
    if len(kinds) > 1:
        raise InputError("event times must all be aware datetimes, all naive datetimes or all "
                         f"numbers; got a mix of {sorted(kinds)}")
    return _group(keys, np.asarray(codes, dtype=np.int64), times,
                  np.asarray(seconds, dtype=np.float64), np.asarray(values, dtype=np.float64),
                  bool(kinds) and kinds != {"number"})


def _group(keys: dict[Hashable, int], codes: np.ndarray, times: list[Any],
           seconds: np.ndarray, values: np.ndarray, is_datetime: bool) -> list[_Group]:
    order = np.lexsort((seconds, codes))  # by key, then time; stable for equal times
    codes, seconds, values = codes[order], seconds[order], values[order]
    bounds = np.flatnonzero(np.diff(codes)) + 1
    groups = []
    for key, chunk in zip(keys, np.split(np.arange(codes.size), bounds), strict=False):
        if chunk.size:  # keys are numbered in order of first appearance, as codes are sorted
            groups.append(_Group(key, tuple(times[i] for i in order[chunk]), seconds[chunk],
                                 values[chunk], is_datetime))
    return groups


def _unpack(event: Any, i: int) -> tuple[Any, Any, Any, Any]:
    if isinstance(event, str | bytes) or not isinstance(event, tuple | list) \
            or len(event) not in (3, 4):
        raise InputError(f"event {i} should be (annotator, time, value) or (annotator, time, "
                         f"value, guideline_version); got {event!r}")
    return (event[0], event[1], event[2], event[3] if len(event) == 4 else None)


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
