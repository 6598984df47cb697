"""Drift series and change points: planted shifts found where they are, stationary series
flagged at about the nominal rate, short series not tested, series counted by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.quality import detect_change_points, detect_drift, rolling_series, time_series

EXAMPLES = settings(max_examples=50, deadline=None)
MONDAY = datetime(2026, 11, 2, tzinfo=UTC)  # ISO week 2026-W45 starts here


def bernoulli(rng, p, n):
    return (rng.random(n) < p).astype(float)


def test_a_planted_drop_in_accuracy_is_found_where_it_happened():
    locations = []
    for seed in range(40):
        rng = np.random.default_rng(seed + 1000)
        values = np.concatenate([bernoulli(rng, 0.9, 150), bernoulli(rng, 0.6, 150)])
        result = detect_change_points(values, seed=seed)
        assert result.has_change and result.p_value is not None and result.p_value <= 0.01
        locations.append(min((c.index for c in result.change_points),
                             key=lambda index: abs(index - 150)))
    errors = np.abs(np.asarray(locations) - 150)
    assert np.median(errors) <= 5 and np.mean(errors <= 20) >= 0.9


def test_the_change_reports_its_time_and_the_means_on_either_side():
    rng = np.random.default_rng(5)
    scores = np.concatenate([rng.normal(0.8, 0.05, 60), rng.normal(0.5, 0.05, 40)]).clip(0, 1)
    times = [MONDAY + timedelta(hours=i) for i in range(100)]
    [change] = detect_change_points(scores, times=times, min_segment=10).change_points
    assert change.index == 60 and change.time == times[60]
    assert change.mean_before == pytest.approx(scores[:60].mean())
    assert change.mean_after == pytest.approx(scores[60:].mean())
    assert change.p_value == pytest.approx(1 / 1000)


def test_two_shifts_are_both_found():
    rng = np.random.default_rng(8)
    scores = np.concatenate([rng.normal(0.9, 0.03, 80), rng.normal(0.6, 0.03, 80),
                             rng.normal(0.85, 0.03, 80)])
    result = detect_change_points(scores)
    assert [c.index for c in result.change_points] == [80, 160]
    assert result.change_points[0].mean_after == pytest.approx(scores[80:160].mean())


@pytest.mark.parametrize("kind", ["bernoulli", "scores"])
def test_a_stationary_series_is_flagged_at_about_the_nominal_rate(kind):
    alpha, runs = 0.05, 400
    flagged = 0
    for seed in range(runs):
        rng = np.random.default_rng(seed + 10**6)
        values = bernoulli(rng, 0.8, 100) if kind == "bernoulli" else rng.beta(5, 2, 100)
        flagged += detect_change_points(values, alpha=alpha, min_segment=10,
                                        n_permutations=199, seed=seed).has_change
    # the permutation test is exact: at most alpha, plus three binomial standard errors
    assert flagged / runs <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / runs)


def test_a_short_series_is_not_enough_data_rather_than_a_flag():
    result = detect_change_points([1.0] * 15 + [0.0] * 15, min_segment=20)
    assert not result.has_change and result.p_value is None
    assert result.undefined_because == ("not enough data: 30 values; a change needs at least 20 "
                                        "on each side (40)")
    assert detect_change_points([], min_segment=1).undefined_because.startswith(
        "not enough data: 0 values")


def test_a_constant_series_has_no_change_and_p_value_one():
    result = detect_change_points([1.0] * 100)
    assert not result.has_change and result.p_value == 1.0


def test_the_same_seed_gives_the_same_p_value():
    values = bernoulli(np.random.default_rng(2), 0.7, 120)
    first = detect_change_points(values, alpha=0.5, seed=4)
    assert detect_change_points(values, alpha=0.5, seed=4) == first


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"values": [0.5, np.nan]}, "value nan at position 1 is not a finite number"),
    ({"values": [[1.0]]}, "must be 1-D"),
    ({"values": [1.0], "times": [1, 2]}, "got 2 times for 1 values"),
    ({"values": [1.0], "alpha": 1.5}, "alpha must be"),
    ({"values": [1.0], "min_segment": 0}, "min_segment must be a whole number >= 1"),
    ({"values": [1.0], "alpha": 0.001, "n_permutations": 99}, "use at least 1000"),
])
def test_bad_change_point_input_is_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        detect_change_points(**kwargs)


def test_weekly_buckets_follow_iso_weeks_per_annotator():
    events = [("ann", MONDAY - timedelta(minutes=1), 0),  # Sunday night: week 44
              ("ann", MONDAY, 1), ("ann", MONDAY + timedelta(days=6, hours=23), 0),
              ("bob", MONDAY + timedelta(days=7), 1), ("ann", MONDAY + timedelta(days=8), 1)]
    ann, bob = time_series(events)
    assert ann.key == "ann" and ann.labels == ("2026-W44", "2026-W45", "2026-W46")
    assert ann.n.tolist() == [1, 2, 1] and ann.mean.tolist() == [0.0, 0.5, 1.0]
    assert ann.starts[1] == MONDAY
    assert bob.labels == ("2026-W46",) and bob.mean.tolist() == [1.0]


def test_daily_buckets_read_aware_times_in_utc():
    plus_two = timezone(timedelta(hours=2))
    events = [("ann", datetime(2026, 11, 3, 1, tzinfo=plus_two), 1),  # 23:00 UTC on the 2nd
              ("ann", datetime(2026, 11, 3, 3, tzinfo=plus_two), 0)]
    [series] = time_series(events, bucket="day")
    assert series.labels == ("2026-11-02", "2026-11-03")


def test_numeric_times_use_buckets_of_the_given_width():
    events = [("ann", t, v) for t, v in [(0, 1), (9.5, 0), (10, 1), (35, 0.5)]]
    [series] = time_series(events, bucket=10)
    assert series.starts == (0.0, 10.0, 30.0) and series.labels == ("0", "10", "30")
    assert series.mean.tolist() == [0.5, 1.0, 0.5]


def test_series_per_guideline_version_and_per_annotator_and_version():
    events = [("ann", 1, 1, "v1"), ("bob", 2, 0, "v1"), ("ann", 3, 0, "v2"), ("ann", 4, 0, "v2")]
    by_version = time_series(events, bucket=100, by="guideline_version")
    assert [(s.key, s.mean.tolist()) for s in by_version] == [("v1", [0.5]), ("v2", [0.0])]
    both = rolling_series(events, window=5, by="annotator_and_version")
    assert [s.key for s in both] == [("ann", "v1"), ("bob", "v1"), ("ann", "v2")]
    assert time_series([("ann", 1, 1)], bucket=1, by="guideline_version")[0].key is None


def test_rolling_means_cover_the_last_k_events_in_time_order():
    events = [("ann", 4, 0), ("ann", 1, 1), ("ann", 2, 1), ("ann", 3, 0), ("ann", 5, 1)]
    [series] = rolling_series(events, window=2)
    assert series.times == (1, 2, 3, 4, 5)
    assert series.mean.tolist() == [1.0, 1.0, 0.5, 0.0, 0.5]
    assert series.n.tolist() == [1, 2, 2, 2, 2]


@EXAMPLES
@given(st.lists(st.floats(0, 1), max_size=60), st.integers(1, 10))
def test_rolling_means_equal_a_plain_loop(values, window):
    events = [("ann", i, v) for i, v in enumerate(values)]
    series = rolling_series(events, window=window)
    if not values:
        assert series == ()
        return
    expected = [np.mean(values[max(0, i + 1 - window):i + 1]) for i in range(len(values))]
    assert series[0].mean == pytest.approx(expected)


def test_drift_flags_the_annotator_who_shifted_and_not_the_steady_one():
    rng = np.random.default_rng(3)
    shifted = np.concatenate([bernoulli(rng, 0.95, 100), bernoulli(rng, 0.55, 100)])
    steady = bernoulli(rng, 0.9, 200)
    times = [MONDAY + timedelta(hours=6 * i) for i in range(200)]
    events = [("ann", t, v) for t, v in zip(times, shifted, strict=True)]
    events += [("bob", t, v) for t, v in zip(times, steady, strict=True)]
    ann, bob = detect_drift(events, window=20)
    assert ann.change_points.has_change and not bob.change_points.has_change
    [change] = ann.change_points.change_points
    assert abs(change.index - 100) <= 20 and change.time == times[change.index]
    assert ann.buckets.labels[0] == "2026-W45" and ann.rolling.window == 20


@pytest.mark.parametrize(("events", "kwargs", "message"), [
    ([("ann", 1, 1.5)], {}, "event 0: value must be 1/0"),
    ([("ann", "monday", 1)], {}, "event 0: time must be a datetime"),
    ([("ann", 1, 1), ("ann", MONDAY, 1)], {}, "a mix of"),
    ([("ann", 1)], {}, "event 0 should be"),
    ([(["ann"], 1, 1)], {}, "must be hashable"),
    ([("ann", 1, 1)], {"by": "item"}, "by must be"),
    ([("ann", 1, 1)], {"bucket": "month"}, "bucket must be"),
])
def test_bad_events_are_refused_naming_the_event(events, kwargs, message):
    with pytest.raises(InputError, match=message):
        time_series(events, **kwargs)


def test_a_window_below_one_is_refused():
    with pytest.raises(InputError, match="window must be"):
        rolling_series([("ann", 1, 1)], window=0)


@EXAMPLES
@given(st.lists(st.sampled_from([0.0, 1.0, 0.5]), max_size=120), st.integers(1, 30),
       st.sampled_from([0.05, 0.2]))
def test_change_points_respect_the_minimum_segment_and_the_level(values, min_segment, alpha):
    result = detect_change_points(values, min_segment=min_segment, alpha=alpha,
                                  n_permutations=99)
    if len(values) < 2 * min_segment:
        assert result.p_value is None and not result.has_change
        return
    assert 0 < result.p_value <= 1 and result.has_change == (result.p_value <= alpha)
    bounds = [0] + [c.index for c in result.change_points] + [len(values)]
    assert np.diff(bounds).min() >= min_segment
    assert all(c.p_value <= alpha for c in result.change_points)


def test_events_with_and_without_a_guideline_version_can_be_mixed():
    events = [("ann", 1, 1, "v1"), ("ann", 2, 0), ["ann", 3, 1, "v1"]]
    series = rolling_series(events, window=10, by="guideline_version")
    assert [(s.key, s.values.tolist()) for s in series] == [("v1", [1.0, 1.0]), (None, [0.0])]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 0.6), st.sampled_from([0.01, 0.05]))
def test_stopping_the_permutations_early_never_changes_the_decision(seed, shift, alpha):
    from accord.core.quality.change_points import _permutation_p_value

    rng = np.random.default_rng(seed)
    values = np.concatenate([rng.random(400) < 0.8, rng.random(400) < 0.8 - shift]) * 1.0
    observed = float(np.abs(np.cumsum(values)[399] - 400 * values.mean()) / np.sqrt(200))
    early = _permutation_p_value(values, observed, np.random.default_rng(seed), 20, 999,
                                 alpha)
    full = _permutation_p_value(values, observed, np.random.default_rng(seed), 20, 999, 1.0)
    assert (early <= alpha) == (full <= alpha)
    if early <= alpha:
        assert early == full
