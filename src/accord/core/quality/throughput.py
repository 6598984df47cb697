"""Throughput, time per task and pre-label acceptance, from a project's labeling submissions.

Plain data in, plain data out: each `Submission` is one labeling answer handed in, with who
made it, when (an aware datetime, counted on its UTC day), the time the annotator spent on
it (`lead_time_s`, seconds, as the label editor measured it), its regions, and the regions of
the latest prediction for its task (None when the task has none).

**Pre-label acceptance** is the share of predicted regions the annotator kept. The predicted
regions and the answer's are compared label by label: regions with an overlap measure
(boxes, polygons, masks, keypoints, spans, audio segments) are matched one-to-one
(`accord.core.matching.match_regions`, IoU or OKS at `threshold`, the class must be the
same), and each matched predicted region is accepted; a predicted region of any other type
(a classification, rating, multi-label or transcription answer, a relation, a polyline) is
accepted when the answer holds a region of its label with an equal value. The rate is
accepted / predicted regions, undefined (None) without predicted regions.

>>> from datetime import UTC, datetime
>>> from accord.core.regions import parse_regions
>>> def box(x, cls="car"):
...     return {"id": f"b{x}", "label": "obj", "type": "bbox",
...             "value": {"class": cls, "x": x, "y": 0, "width": 10, "height": 10}}
>>> predicted = parse_regions([box(0), box(50), box(100)])
>>> kept = parse_regions([box(1), box(50, "bus")])   # one moved a little, one reclassified
>>> prelabel_acceptance(predicted, kept)
Acceptance(predicted_regions=3, accepted=1, rate=0.3333333333333333)
>>> day = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
>>> found = summarize([Submission("ann", day, 30.0, kept, predicted),
...                    Submission("ann", day, 50.0, kept, None)])
>>> found.per_day, found.annotators[0].time_per_task_s
((DayCount(date='2026-11-02', submitted=2),), TimeSummary(median=40.0, mean=40.0, p90=48.0))
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from accord.core.errors import InputError
from accord.core.matching import Similarity, match_regions
from accord.core.regions import Region
from accord.core.schema import LabelType

__all__ = ["Acceptance", "AnnotatorThroughput", "DayCount", "Submission", "Throughput",
           "TimeSummary", "prelabel_acceptance", "summarize", "time_summary"]

#: Region types compared by overlap; any other is accepted on an equal value.
OVERLAPPING = frozenset({LabelType.BBOX, LabelType.POLYGON, LabelType.MASK,
                         LabelType.KEYPOINTS, LabelType.SPAN, LabelType.AUDIO_SEGMENT})
MATCH_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Submission:
    """One labeling answer handed in; `predicted` is its task's latest prediction."""

    annotator: Hashable
    submitted_at: datetime | None
    lead_time_s: float | None
    regions: Sequence[Region] = ()
    predicted: Sequence[Region] | None = None


@dataclass(frozen=True, slots=True)
class DayCount:
    date: str  # YYYY-MM-DD, in UTC
    submitted: int


@dataclass(frozen=True, slots=True)
class TimeSummary:
    """Seconds per task: median, mean and 90th percentile (linear interpolation between the
    closest ranks, NumPy's default); all None without a measured time."""

    median: float | None
    mean: float | None
    p90: float | None


@dataclass(frozen=True, slots=True)
class Acceptance:
    predicted_regions: int
    accepted: int
    rate: float | None  # accepted / predicted_regions; None without predicted regions


@dataclass(frozen=True, slots=True)
class AnnotatorThroughput:
    annotator: Hashable
    submitted: int
    time_per_task_s: TimeSummary
    per_day: tuple[DayCount, ...]
    prelabel: Acceptance


@dataclass(frozen=True, slots=True)
class Throughput:
    per_day: tuple[DayCount, ...]
    annotators: tuple[AnnotatorThroughput, ...]  # in the order of their keys
    prelabel: Acceptance


def time_summary(seconds: Iterable[float]) -> TimeSummary:
    """The median, mean and 90th percentile of `seconds`.

    >>> time_summary([10, 20, 30, 40])
    TimeSummary(median=25.0, mean=25.0, p90=37.0)
    >>> time_summary([])
    TimeSummary(median=None, mean=None, p90=None)
    """
    values = np.asarray([float(s) for s in seconds], dtype=float)
    if values.size == 0:
        return TimeSummary(None, None, None)
    if not np.isfinite(values).all() or (values < 0).any():
        raise InputError("times per task must be finite numbers of seconds, at least 0")
    return TimeSummary(float(np.median(values)), float(values.mean()),
                       float(np.percentile(values, 90)))


def _acceptance(predicted: int, accepted: int) -> Acceptance:
    return Acceptance(predicted, accepted, accepted / predicted if predicted else None)


def _same_value(a: Region, b: Region) -> bool:
    if a.type is LabelType.MULTILABEL:
        return sorted(a.value.classes) == sorted(b.value.classes)  # type: ignore[union-attr]
    return a.value == b.value


def prelabel_acceptance(predicted: Sequence[Region], answer: Sequence[Region], *,
                        threshold: float = MATCH_THRESHOLD,
                        similarity: Similarity | None = None) -> Acceptance:
    """How many of the `predicted` regions the `answer` kept (see the module docstring);
    `similarity` as in `match_regions` (default: IoU, OKS for keypoints)."""
    accepted = 0
    groups: dict[tuple[str, LabelType], tuple[list[Region], list[Region]]] = defaultdict(
        lambda: ([], []))
    for region in predicted:
        groups[(region.label, region.type)][0].append(region)
    for region in answer:
        if (region.label, region.type) in groups:
            groups[(region.label, region.type)][1].append(region)
    for (_, kind), (mine, theirs) in groups.items():
        if kind in OVERLAPPING:
            if theirs:
                accepted += match_regions(mine, theirs, threshold=threshold,
                                          classes="must_match",
                                          similarity=similarity).n_matched
            continue
        left = list(theirs)  # one answer region accepts one predicted region
        for region in mine:
            twin = next((i for i, other in enumerate(left) if _same_value(region, other)),
                        None)
            if twin is not None:
                accepted += 1
                del left[twin]
    return _acceptance(len(predicted), accepted)


def _utc_day(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise InputError(f"submission times must be timezone-aware; got {moment!r}")
    return moment.astimezone(UTC).date().isoformat()


def _days(counter: Counter[str]) -> tuple[DayCount, ...]:
    return tuple(DayCount(day, n) for day, n in sorted(counter.items()))


def summarize(submissions: Iterable[Submission], *, threshold: float = MATCH_THRESHOLD,
              similarity: Similarity | None = None) -> Throughput:
    """Submissions per UTC day (days without any are left out), and per annotator their
    count, time per task, submissions per day and pre-label acceptance; the acceptance over
    everyone is the sum of their accepted and predicted regions. A submission without a
    time is counted but on no day; one without `lead_time_s` adds no time."""
    days: Counter[str] = Counter()
    mine: dict[Hashable, list[Submission]] = defaultdict(list)
    for submission in submissions:
        mine[submission.annotator].append(submission)
    rows = []
    total_predicted = total_accepted = 0
    for annotator in sorted(mine, key=str):
        theirs = mine[annotator]
        their_days: Counter[str] = Counter(
            _utc_day(s.submitted_at) for s in theirs if s.submitted_at is not None)
        days.update(their_days)
        predicted = accepted = 0
        for s in theirs:
            if s.predicted is not None:
                found = prelabel_acceptance(s.predicted, s.regions, threshold=threshold,
                                            similarity=similarity)
                predicted += found.predicted_regions
                accepted += found.accepted
        total_predicted += predicted
        total_accepted += accepted
        rows.append(AnnotatorThroughput(
            annotator, len(theirs),
            time_summary(s.lead_time_s for s in theirs if s.lead_time_s is not None),
            _days(their_days), _acceptance(predicted, accepted)))
    return Throughput(_days(days), tuple(rows), _acceptance(total_predicted, total_accepted))
