"""Throughput, time per task and pre-label acceptance (accord.core.quality.throughput)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.quality.throughput import (
    Acceptance,
    DayCount,
    Submission,
    TimeSummary,
    prelabel_acceptance,
    summarize,
    time_summary,
)
from accord.core.regions import parse_regions

DAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def box(rid: str, x: float, cls: str = "car", label: str = "obj", width: float = 10):
    return {"id": rid, "label": label, "type": "bbox",
            "value": {"class": cls, "x": x, "y": 0, "width": width, "height": 10}}


def scene(cls: str, rid: str = "s"):
    return {"id": rid, "label": "scene", "type": "classification", "value": {"class": cls}}


def tags(*classes: str):
    return {"id": "t", "label": "tags", "type": "multilabel",
            "value": {"classes": list(classes)}}


def regions(*raw):
    return parse_regions(list(raw))


def test_a_box_kept_at_iou_half_or_more_with_its_class_is_accepted():
    predicted = regions(box("p", 0))
    assert prelabel_acceptance(predicted, regions(box("a", 3))).accepted == 1  # IoU 7/13
    assert prelabel_acceptance(predicted, regions(box("a", 4))).accepted == 0  # IoU 6/14
    assert prelabel_acceptance(predicted, regions(box("a", 0, "bus"))).accepted == 0
    assert prelabel_acceptance(predicted, regions(box("a", 0, label="other"))).accepted == 0
    assert prelabel_acceptance(predicted, ()) == Acceptance(1, 0, 0.0)


def test_matching_is_one_to_one():
    predicted = regions(box("p1", 0), box("p2", 1))
    assert prelabel_acceptance(predicted, regions(box("a", 0))) == Acceptance(2, 1, 0.5)
    both = prelabel_acceptance(predicted, regions(box("a1", 0), box("a2", 1), box("a3", 90)))
    assert both == Acceptance(2, 2, 1.0)


def test_whole_item_answers_count_when_equal():
    predicted = regions(scene("day"), tags("red", "round"))
    assert prelabel_acceptance(predicted, regions(scene("day"), tags("round", "red"))
                               ) == Acceptance(2, 2, 1.0)
    assert prelabel_acceptance(predicted, regions(scene("night"), tags("red"))
                               ) == Acceptance(2, 0, 0.0)


def test_no_predicted_regions_leave_the_rate_undefined():
    assert prelabel_acceptance((), regions(box("a", 0))) == Acceptance(0, 0, None)


def test_a_given_similarity_is_used():
    predicted = regions(box("p", 0))
    def nothing_overlaps(a, b):
        return np.zeros((len(a), len(b)))
    assert prelabel_acceptance(predicted, regions(box("a", 0)),
                               similarity=nothing_overlaps).accepted == 0


def test_time_per_task_median_mean_and_p90():
    assert time_summary([5.0]) == TimeSummary(5.0, 5.0, 5.0)
    found = time_summary(range(1, 11))
    assert (found.median, found.mean) == (5.5, 5.5)
    assert found.p90 == pytest.approx(9.1)  # linear between the 9th and 10th of 10
    with pytest.raises(InputError, match="at least 0"):
        time_summary([-1.0])


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=50))
def test_the_time_summary_lies_within_the_times(seconds):
    found = time_summary(seconds)
    low, high = min(seconds), max(seconds)
    for value in (found.median, found.mean, found.p90):
        assert low - 1e-6 <= value <= high + 1e-6
    assert found.median <= found.p90 + 1e-6


def test_days_are_utc_and_annotators_are_counted_apart():
    east = timezone(timedelta(hours=9))
    late_tokyo = datetime(2026, 11, 3, 1, 0, tzinfo=east)  # 2026-11-02 16:00 UTC
    work = [Submission("bob", DAY, 20.0), Submission("ann", DAY, 10.0),
            Submission("ann", late_tokyo, None), Submission("ann", DAY + timedelta(days=1), 30.0),
            Submission("cy", None, 5.0)]
    found = summarize(work)
    assert found.per_day == (DayCount("2026-11-02", 3), DayCount("2026-11-03", 1))
    ann, bob, cy = found.annotators
    assert (ann.annotator, ann.submitted, bob.submitted, cy.submitted) == ("ann", 3, 1, 1)
    assert ann.per_day == (DayCount("2026-11-02", 2), DayCount("2026-11-03", 1))
    assert ann.time_per_task_s == TimeSummary(20.0, 20.0, 28.0)
    assert cy.per_day == () and cy.time_per_task_s.median == 5.0
    assert found.prelabel == Acceptance(0, 0, None)


def test_acceptance_adds_up_over_submissions_and_annotators():
    predicted = regions(box("p1", 0), box("p2", 50))
    work = [Submission("ann", DAY, 1.0, regions(box("a", 0)), predicted),
            Submission("ann", DAY, 1.0, regions(box("a", 0), box("b", 50)), predicted),
            Submission("bob", DAY, 1.0, regions(), predicted),
            Submission("bob", DAY, 1.0, regions(box("a", 0)), None)]  # no prediction
    found = summarize(work)
    assert [a.prelabel for a in found.annotators] == [Acceptance(4, 3, 0.75),
                                                      Acceptance(2, 0, 0.0)]
    assert found.prelabel == Acceptance(6, 3, 0.5)


def test_naive_times_are_refused():
    with pytest.raises(InputError, match="timezone-aware"):
        summarize([Submission("ann", datetime(2026, 11, 2), 1.0)])


def test_nothing_submitted_is_an_empty_summary():
    found = summarize([])
    assert (found.per_day, found.annotators, found.prelabel) == ((), (), Acceptance(0, 0, None))
