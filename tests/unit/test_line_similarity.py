"""Polyline similarity: worked cases, the properties a matching relies on, and named errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.line_similarity import polyline_similarity
from accord.core.overlap import region_similarity
from accord.core.regions import parse_regions
from tests.strategies import EXAMPLES

coordinates = st.floats(-500, 500, allow_nan=False).map(lambda v: round(v, 2))
lines = st.lists(st.tuples(coordinates, coordinates), min_size=2, max_size=6)


def similarity(p, q, **options):
    return float(polyline_similarity([p], [q], **options)[0, 0])


def test_parallel_lines_are_the_gaussian_of_their_distance_along_the_whole_line():
    # sigma 0.1 of length 100: the Gaussian of a 10 px offset is exp(-1/2)
    assert similarity([(0, 0), (100, 0)], [(0, 10), (100, 10)]) == pytest.approx(
        math.exp(-0.5))
    assert similarity([(0, 0), (100, 0)], [(0, 20), (100, 20)]) == pytest.approx(
        math.exp(-2.0))


def test_a_line_drawn_the_other_way_round_or_with_more_points_is_the_same_line():
    line = [(0, 0), (40, 30), (100, 30)]
    assert similarity(line, line[::-1]) == pytest.approx(1.0)
    assert similarity(line, [(0, 0), (20, 15), (40, 30), (70, 30), (100, 30)]) == pytest.approx(
        1.0)


def test_lines_far_apart_or_crossing_once_are_not_alike():
    assert similarity([(0, 0), (100, 0)], [(0, 500), (100, 500)]) < 1e-9
    assert similarity([(0, 0), (100, 100)], [(0, 100), (100, 0)]) < 0.5


def test_sigma_sets_the_width_of_the_gaussian():
    assert similarity([(0, 0), (100, 0)], [(0, 10), (100, 10)], sigma=0.2) == pytest.approx(
        math.exp(-0.125))


def test_two_lines_of_no_length_are_alike_only_on_the_same_point():
    assert similarity([(5, 5), (5, 5)], [(5, 5), (5, 5)]) == 1.0
    assert similarity([(5, 5), (5, 5)], [(6, 5), (6, 5)]) == 0.0


@EXAMPLES
@given(lines, lines)
def test_similarity_is_symmetric_and_in_the_unit_interval(p, q):
    forward, backward = similarity(p, q), similarity(q, p)
    assert 0.0 <= forward <= 1.0 + 1e-12
    assert forward == pytest.approx(backward, abs=1e-9)


@EXAMPLES
@given(lines, st.floats(0.1, 10), st.tuples(coordinates, coordinates))
def test_similarity_does_not_depend_on_scale_or_position(line, factor, shift):
    moved = [(x + shift[0], y + shift[1]) for x, y in line]
    other = [(x + 3, y - 2) for x, y in line]
    before = similarity(line, other)
    scaled = [(x * factor, y * factor) for x, y in moved]
    scaled_other = [((x + shift[0]) * factor, (y + shift[1]) * factor) for x, y in other]
    assert similarity(scaled, scaled_other) == pytest.approx(before, abs=1e-6)
    assert similarity(line, line) == pytest.approx(1.0)


def test_region_similarity_compares_polylines_by_it():
    regions = parse_regions([
        {"id": f"l{k}", "label": "lanes", "type": "polyline",
         "value": {"class": "lane", "points": points}}
        for k, points in enumerate([[[0, 0], [100, 0]], [[100, 10], [0, 10]]])])
    np.testing.assert_allclose(region_similarity(regions[:1], regions[1:]),
                               [[math.exp(-0.5)]])


@pytest.mark.parametrize(("line", "message"), [
    ([(0, 0)], r"a\[0\] should be at least two finite \(x, y\) points"),
    ([(0, 0), (1, math.nan)], r"a\[0\] should be at least two finite"),
    ([(0, 0, 0), (1, 1, 1)], r"a\[0\] should be at least two finite"),
    ([("x", 0), (1, 1)], r"a\[0\] should be a list of \(x, y\) points"),
])
def test_a_line_that_is_not_two_or_more_points_is_named(line, message):
    with pytest.raises(InputError, match=message):
        polyline_similarity([line], [[(0, 0), (1, 1)]])


def test_sigma_must_be_positive():
    with pytest.raises(InputError, match="sigma must be a number above 0; got 0"):
        polyline_similarity([[(0, 0), (1, 1)]], [[(0, 0), (1, 1)]], sigma=0)

