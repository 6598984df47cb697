"""Geometry helpers: worked examples, and properties checked against an exact reference."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.spatial import ConvexHull, QhullError

from accord.core.errors import InputError
from accord.core.geometry import (
    bounds,
    fits_inside,
    is_self_intersecting,
    polygon_area,
    rotated_box_corners,
)

coordinates = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
points = st.tuples(coordinates, coordinates)
grid_points = st.tuples(st.integers(0, 4), st.integers(0, 4))


# --- an exact, loop-by-loop reference for simple polygons --------------------------------

def _orient(a, b, c) -> int:
    ax, ay, bx, by, cx, cy = (Fraction(v) for v in (*a, *b, *c))
    det = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    return (det > 0) - (det < 0)


def _on_segment(a, b, c) -> bool:
    return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])


def _segments_meet(p1, p2, q1, q2) -> bool:
    d1, d2, d3, d4 = _orient(q1, q2, p1), _orient(q1, q2, p2), _orient(p1, p2, q1), _orient(p1, p2, q2)
    if d1 * d2 < 0 and d3 * d4 < 0:
        return True
    return ((d1 == 0 and _on_segment(q1, q2, p1)) or (d2 == 0 and _on_segment(q1, q2, p2))
            or (d3 == 0 and _on_segment(p1, p2, q1)) or (d4 == 0 and _on_segment(p1, p2, q2)))


def reference_self_intersecting(raw) -> bool:
    ring = []
    for p in raw:
        if not ring or ring[-1] != p:
            ring.append(p)
    while len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    n = len(ring)
    if n < 3:
        return True
    edges = [(ring[i], ring[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        (a, b), (_, c) = edges[i], edges[(i + 1) % n]
        a, b, c = ([Fraction(v) for v in p] for p in (a, b, c))
        reverses = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0
        if _orient(a, b, c) == 0 and reverses:
            return True
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue
            if _segments_meet(*edges[i], *edges[j]):
                return True
    return False


# --- worked examples ---------------------------------------------------------------------

def test_area_of_a_right_triangle_is_half_base_times_height():
    assert polygon_area([(0, 0), (4, 0), (4, 3)]) == pytest.approx(6.0)


def test_area_does_not_depend_on_winding():
    square = [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert polygon_area(square) == polygon_area(square[::-1]) == pytest.approx(4.0)


def test_area_of_fewer_than_three_points_is_zero():
    assert polygon_area([(0, 0), (5, 5)]) == 0.0


def test_bounds_of_no_points_is_an_input_error():
    with pytest.raises(InputError, match="at least one point"):
        bounds([])


def test_a_box_on_the_image_edges_is_inside():
    assert fits_inside([(0, 0), (640, 0), (640, 480), (0, 480)], 640, 480)


def test_one_pixel_past_the_edge_is_outside():
    assert not fits_inside([(0, 0), (641, 10)], 640, 480)


def test_unrotated_corners_are_exact():
    assert rotated_box_corners(10, 20, 30, 40) == ((10, 20), (40, 20), (40, 60), (10, 60))


def test_a_quarter_turn_swaps_width_and_height_about_the_centre():
    corners = rotated_box_corners(0, 0, 4, 2, 90)
    expected = [(3, -1), (3, 3), (1, 3), (1, -1)]
    for corner, want in zip(corners, expected, strict=True):
        assert corner == pytest.approx(want, abs=1e-12)


def test_clockwise_on_screen_moves_the_top_right_corner_down():
    _, top_right, _, _ = rotated_box_corners(0, 0, 2, 2, 10)
    assert top_right[1] > 0  # y grows downwards: the corner went down, i.e. clockwise


@pytest.mark.parametrize(("ring", "expected"), [
    ([(0, 0), (4, 0), (4, 4), (0, 4)], False),
    ([(0, 0), (4, 4), (4, 0), (0, 4)], True),  # bow tie
    ([(0, 0), (4, 0), (2, 3)], False),
    ([(0, 0), (4, 0), (4, 4), (2, 0), (0, 4)], True),  # a vertex touches another edge
    ([(0, 0), (2, 2), (4, 0), (4, 4), (2, 2), (0, 4)], True),  # figure eight at one vertex
    ([(0, 0), (4, 0), (2, 0)], True),  # collinear: the last edge runs back over the first
    ([(0, 0), (4, 0), (6, 0), (4, 4)], False),  # a straight angle on the outline is fine
    ([(0, 0), (4, 0), (6, 0), (3, 0), (4, 4)], True),  # a spike that doubles back
    ([(0, 0), (4, 0), (4, 0), (4, 4), (0, 0)], False),  # repeated points are ignored
    ([(1, 1), (1, 1), (1, 1)], True),  # one distinct point
])
def test_self_intersection_worked_examples(ring, expected):
    assert is_self_intersecting(ring) is expected
    assert reference_self_intersecting(ring) is expected


def test_a_large_regular_polygon_is_simple_and_a_dent_through_it_is_not():
    n = 700  # more vertices than one vectorised batch
    ring = [(math.cos(2 * math.pi * k / n) * 100, math.sin(2 * math.pi * k / n) * 100)
            for k in range(n)]
    assert not is_self_intersecting(ring)
    ring[350] = (200.0, 0.0)  # pulled across to the far side
    assert is_self_intersecting(ring)


# --- properties --------------------------------------------------------------------------

@given(st.lists(points, min_size=3, max_size=40))
def test_a_convex_hull_never_self_intersects(cloud):
    try:
        hull = ConvexHull(cloud)
    except QhullError:  # all points on a line: no hull
        assume(False)
    ring = [cloud[i] for i in hull.vertices]
    assert not is_self_intersecting(ring)


@given(st.lists(grid_points, min_size=1, max_size=8))
def test_self_intersection_matches_the_exact_reference_on_degenerate_grids(ring):
    assert is_self_intersecting(ring) == reference_self_intersecting(ring)


@given(st.lists(points, min_size=3, max_size=8))
def test_self_intersection_matches_the_exact_reference_on_floats(ring):
    assert is_self_intersecting(ring) == reference_self_intersecting(ring)


any_finite = st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(any_finite, any_finite), min_size=3, max_size=6))
def test_absurd_coordinates_neither_warn_nor_mislead(ring):
    assert is_self_intersecting(ring) == reference_self_intersecting(ring)
    polygon_area(ring)  # may be inf; under filterwarnings=error an overflow warning would fail


@given(st.lists(grid_points, min_size=3, max_size=8), st.integers(0, 7))
def test_self_intersection_ignores_where_the_ring_starts_and_its_direction(ring, shift):
    shift %= len(ring)
    turned = ring[shift:] + ring[:shift]
    assert is_self_intersecting(turned) == is_self_intersecting(ring)
    assert is_self_intersecting(ring[::-1]) == is_self_intersecting(ring)


@given(coordinates, coordinates, st.floats(0.1, 1e3), st.floats(0.1, 1e3), st.floats(-720, 720))
def test_a_rotated_box_keeps_its_centre_sides_and_area(x, y, width, height, rotation):
    corners = rotated_box_corners(x, y, width, height, rotation)
    centre = (sum(c[0] for c in corners) / 4, sum(c[1] for c in corners) / 4)
    assert centre == pytest.approx((x + width / 2, y + height / 2), abs=1e-6)
    assert math.dist(corners[0], corners[1]) == pytest.approx(width, rel=1e-9, abs=1e-6)
    assert math.dist(corners[1], corners[2]) == pytest.approx(height, rel=1e-9, abs=1e-6)
    assert polygon_area(corners) == pytest.approx(width * height, rel=1e-6)
    assert not is_self_intersecting(corners)


@given(st.lists(points, min_size=3, max_size=20), coordinates, coordinates)
def test_area_does_not_change_when_a_polygon_moves(ring, dx, dy):
    moved = [(x + dx, y + dy) for x, y in ring]
    scale = max(1.0, max(abs(v) for p in ring + moved for v in p)) ** 2 * len(ring)
    assert polygon_area(moved) == pytest.approx(polygon_area(ring), abs=1e-9 * scale)


@given(st.integers(1, 4000), st.integers(1, 4000), st.data())
def test_points_drawn_inside_the_image_fit_and_shifted_past_the_edge_do_not(width, height, data):
    inside = data.draw(st.lists(st.tuples(st.floats(0, width), st.floats(0, height)), min_size=1))
    assert fits_inside(inside, width, height)
    shifted = [(x + width + 1, y) for x, y in inside]
    assert not fits_inside(shifted, width, height)
