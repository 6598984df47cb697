"""Overlap primitives against shapely and pycocotools on generated data, and worked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pycocotools import mask as coco_mask
from pycocotools.cocoeval import COCOeval
from shapely.geometry import Polygon

from accord.core.errors import InputError
from accord.core.geometry import rotated_box_corners
from accord.core.overlap import (
    COCO_PERSON_SIGMAS,
    box_iou,
    box_iou_batch,
    decode_rle_counts,
    keypoint_oks,
    mask_iou,
    polygon_iou,
    region_similarity,
    segment_iou,
)
from accord.core.regions import parse_regions

EXAMPLES = settings(max_examples=50, deadline=None)


def shapely_iou(p, q):
    p, q = Polygon(p), Polygon(q)
    union = p.union(q).area
    return p.intersection(q).area / union if union else 0.0


@st.composite
def star_polygons(draw):
    """Simple polygons, usually non-convex: sorted angles around a centre, random radii."""
    k = draw(st.integers(3, 12))
    angles = sorted(set(draw(st.lists(st.floats(0, 2 * math.pi, exclude_max=True),
                                      min_size=k, max_size=k))))
    assume(len(angles) >= 3)
    radii = draw(st.lists(st.floats(0.5, 10), min_size=len(angles), max_size=len(angles)))
    cx, cy = draw(st.floats(-5, 5)), draw(st.floats(-5, 5))
    ring = [(cx + r * math.cos(t), cy + r * math.sin(t)) for r, t in zip(radii, angles, strict=True)]
    if draw(st.booleans()):
        ring.reverse()  # clockwise as often as counter-clockwise
    assume(Polygon(ring).is_valid and Polygon(ring).area > 1e-6)
    return ring


@EXAMPLES
@given(st.lists(star_polygons(), min_size=1, max_size=3),
       st.lists(star_polygons(), min_size=1, max_size=3))
def test_polygon_iou_equals_shapely_on_random_simple_polygons(first, second):
    expected = [[shapely_iou(p, q) for q in second] for p in first]
    assert polygon_iou(first, second) == pytest.approx(np.array(expected), abs=1e-9)


def test_polygon_iou_of_an_l_shape_and_a_square_in_its_notch():
    ell = [(0, 0), (4, 0), (4, 2), (2, 2), (2, 4), (0, 4)]  # area 12, notch [2,4]x[2,4]
    notch, corner = [(2, 2), (4, 2), (4, 4), (2, 4)], [(1, 1), (3, 1), (3, 3), (1, 3)]
    result = polygon_iou([ell], [notch, corner, ell[::-1]])
    assert result[0].tolist() == pytest.approx([0.0, 3 / 13, 1.0])


def test_polygon_iou_treats_fewer_than_three_points_as_empty():
    assert polygon_iou([[(0, 0), (1, 1)]], [[(0, 0), (1, 0), (0, 1)]]).tolist() == [[0.0]]
    assert polygon_iou([], [[(0, 0), (1, 0), (0, 1)]]).shape == (0, 1)


def test_polygon_iou_rejects_points_that_are_not_pairs():
    with pytest.raises(InputError, match=r"a\[0\] must be a ring"):
        polygon_iou([[(0, 0, 1), (1, 0, 1), (0, 1, 1)]], [])


# Sizes in pixels: zero, or at least a thousandth (pycocotools' (x + w) - x loses the digits
# of a 1e-12-wide box and gives IoUs like 1.0000012).
SIZES = st.one_of(st.just(0.0), st.floats(1e-3, 30))
BOXES = st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50), SIZES, SIZES),
                 min_size=1, max_size=6)


@EXAMPLES
@given(BOXES, BOXES)
def test_box_iou_equals_pycocotools(first, second):
    expected = coco_mask.iou(np.array(first), np.array(second), [0] * len(second))
    # pycocotools rounds (x + w) - x, so it can print 1.000000002 for equal thin boxes
    assert box_iou(first, second) == pytest.approx(np.nan_to_num(expected), rel=1e-6, abs=1e-9)


def test_box_iou_is_zero_not_nan_for_zero_area_boxes():
    assert box_iou([[1, 1, 0, 0]], [[1, 1, 0, 0], [0, 0, 3, 3]]).tolist() == [[0.0, 0.0]]


def test_box_iou_rejects_negative_sizes_naming_the_box():
    with pytest.raises(InputError, match=r"b\[1\] has a negative width"):
        box_iou([[0, 0, 1, 1]], [[0, 0, 1, 1], [0, 0, -1, 1]])


@EXAMPLES
@given(st.floats(0, 90), st.floats(1, 20), st.floats(1, 20))
def test_rotated_boxes_through_polygon_iou_equal_shapely(angle, width, height):
    p = rotated_box_corners(0, 0, width, height, angle)
    q = rotated_box_corners(2, 1, height, width, -angle / 2)
    assert polygon_iou([p], [q])[0, 0] == pytest.approx(shapely_iou(p, q), abs=1e-9)


def test_segment_iou_of_touching_nested_and_empty_intervals():
    result = segment_iou([[0, 10]], [[10, 20], [2, 4], [5, 5], [0, 10]])
    assert result.tolist() == [[0.0, 0.2, 0.0, 1.0]]


def test_segment_iou_rejects_an_interval_ending_before_it_starts():
    with pytest.raises(InputError, match=r"a\[0\] ends before it starts"):
        segment_iou([[3, 1]], [[0, 1]])


@st.composite
def binary_masks(draw, height, width):
    density = draw(st.floats(0, 1))
    seed = draw(st.integers(0, 2**32 - 1))
    return (np.random.default_rng(seed).random((height, width)) < density).astype(np.uint8)


@EXAMPLES
@given(st.integers(1, 12), st.integers(1, 12), st.data())
def test_mask_iou_equals_pycocotools_for_strings_and_run_lists(height, width, data):
    first = [data.draw(binary_masks(height, width)) for _ in range(data.draw(st.integers(1, 3)))]
    second = [data.draw(binary_masks(height, width)) for _ in range(data.draw(st.integers(1, 3)))]
    enc_a = [coco_mask.encode(np.asfortranarray(m)) for m in first]
    enc_b = [coco_mask.encode(np.asfortranarray(m)) for m in second]
    expected = coco_mask.iou(enc_a, enc_b, [0] * len(enc_b))
    as_strings = [{"size": e["size"], "counts": e["counts"].decode()} for e in enc_a]
    as_runs = [{"size": e["size"], "counts": runs(m)} for e, m in zip(enc_b, second, strict=True)]
    assert mask_iou(as_strings, as_runs) == pytest.approx(expected, abs=1e-12)


def runs(mask):
    flat = mask.flatten(order="F")
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    lengths = np.diff(bounds).tolist()
    return ([0] + lengths) if flat.size and flat[0] == 1 else lengths


@EXAMPLES
@given(st.integers(1, 60), st.integers(1, 60), st.floats(0, 1))
def test_decoding_compressed_rle_reproduces_pycocotools_runs(height, width, density):
    mask = (np.random.default_rng(height * 61 + width).random((height, width))
            < density).astype(np.uint8)
    encoded = coco_mask.encode(np.asfortranarray(mask))
    assert decode_rle_counts(encoded["counts"].decode()).tolist() == runs(mask)


def test_mask_iou_rejects_runs_that_do_not_fill_the_mask_and_different_sizes():
    with pytest.raises(InputError, match=r"a\[0\] has runs adding up to 3"):
        mask_iou([{"size": [2, 2], "counts": [1, 2]}], [])
    with pytest.raises(InputError, match="one size"):
        mask_iou([{"size": [2, 2], "counts": [4]}], [{"size": [1, 4], "counts": [4]}])


def test_mask_iou_of_empty_masks_is_zero():
    empty = {"size": [3, 3], "counts": [9]}
    assert mask_iou([empty], [empty, {"size": [3, 3], "counts": [0, 9]}]).tolist() == [[0, 0]]


def coco_oks(gts, dts, sigmas, areas):
    evaluator = COCOeval(iouType="keypoints")
    evaluator.params.kpt_oks_sigmas = np.asarray(sigmas)
    evaluator._gts = {(1, 1): [{"keypoints": g.reshape(-1).tolist(), "area": area,
                                "bbox": [0, 0, 1, 1]} for g, area in zip(gts, areas, strict=True)]}
    evaluator._dts = {(1, 1): [{"keypoints": d.reshape(-1).tolist(), "score": 1 - i / 100}
                               for i, d in enumerate(dts)]}
    return np.asarray(evaluator.computeOks(1, 1)).T  # COCO: detections × ground truths


@EXAMPLES
@given(st.integers(0, 2**32 - 1), st.integers(1, 17), st.integers(1, 4), st.integers(1, 4))
def test_keypoint_oks_equals_cocoeval_compute_oks(seed, k, n, m):
    rng = np.random.default_rng(seed)
    gts = np.concatenate([rng.uniform(0, 100, (n, k, 2)), rng.integers(0, 3, (n, k, 1))], 2)
    gts[:, 0, 2] = 2  # COCO falls back to its box distance when nothing is labelled
    dts = np.concatenate([gts[:, :, :2].mean(0) + rng.normal(0, 5, (m, k, 2)),
                          np.ones((m, k, 1))], axis=2)
    sigmas, areas = rng.uniform(0.2, 1.1, k), rng.uniform(50, 5000, n)
    expected = coco_oks(gts, dts, sigmas, areas)
    assert keypoint_oks(gts, dts, sigmas=sigmas, areas=areas) == pytest.approx(expected)


def test_keypoint_oks_is_zero_for_a_reference_with_nothing_labelled():
    ref = np.array([[[1.0, 1.0, 0.0], [2.0, 2.0, 0.0]]])
    assert keypoint_oks(ref, ref[:, :, :2], sigmas=[0.5, 0.5], areas=[10.0]).tolist() == [[0.0]]


def region(kind, value, i=0):
    return {"id": f"r{i}", "label": "l", "type": kind, "value": value}


def test_region_similarity_dispatches_on_the_region_type():
    box = parse_regions([region("bbox", {"class": "car", "x": 0, "y": 0, "width": 2,
                                         "height": 2})])
    turned = parse_regions([region("bbox", {"class": "car", "x": 0, "y": 0, "width": 2,
                                            "height": 2, "rotation": 90})])
    square = parse_regions([region("polygon", {"class": "car",
                                               "points": [[0, 0], [2, 0], [2, 2], [0, 2]]})])
    audio = parse_regions([region("audio_segment", {"class": "x", "start": 0.5, "end": 1.5})])
    mask = parse_regions([region("mask", {"class": "x", "rle": {"size": [2, 2],
                                                                "counts": [1, 3]}})])
    assert region_similarity(box, box).tolist() == [[1.0]]
    assert region_similarity(box, turned)[0, 0] == pytest.approx(1.0)
    assert region_similarity(square, square)[0, 0] == pytest.approx(1.0)
    assert region_similarity(audio, audio).tolist() == [[1.0]]
    assert region_similarity(mask, mask).tolist() == [[1.0]]


def test_region_similarity_of_keypoints_uses_the_labelled_points_bounds_as_area():
    pts = [[0, 0, 2], [10, 10, 2], [50, 50, 0]]
    moved = [[1, 0, 2], [10, 11, 2], [0, 0, 0]]
    a = parse_regions([region("keypoints", {"class": "p", "points": pts})])
    b = parse_regions([region("keypoints", {"class": "p", "points": moved})])
    result = region_similarity(a, b, keypoint_sigmas=[0.5, 0.5, 0.5])
    assert result[0, 0] == pytest.approx(math.exp(-1 / (2 * (100 + np.spacing(1)) * 1.0)))
    with pytest.raises(InputError, match="need keypoint_sigmas"):
        region_similarity(a, b)


def test_region_similarity_of_17_keypoints_defaults_to_the_coco_person_sigmas():
    rng = np.random.default_rng(5)
    pts = np.concatenate([rng.uniform(0, 100, (17, 2)), np.full((17, 1), 2)], axis=1)
    moved = pts + [[3, -2, 0]]
    def as_points(array):
        return [[float(x), float(y), 2] for x, y, _ in array]
    a = parse_regions([region("keypoints", {"class": "person", "points": as_points(pts)})])
    b = parse_regions([region("keypoints", {"class": "person", "points": as_points(moved)})])
    span = np.prod(pts[:, :2].max(axis=0) - pts[:, :2].min(axis=0))
    expected = keypoint_oks(pts[None], moved[None], sigmas=COCO_PERSON_SIGMAS, areas=[span])
    assert region_similarity(a, b) == pytest.approx(expected)
    assert 0 < expected[0, 0] < 1


def test_region_similarity_refuses_mixed_or_overlap_free_types():
    box = parse_regions([region("bbox", {"class": "car", "x": 0, "y": 0, "width": 2,
                                         "height": 2})])
    span = parse_regions([region("span", {"class": "PER", "start": 0, "end": 2})])
    rating = parse_regions([region("rating", {"rating": 2})])
    with pytest.raises(InputError, match="a holds 'bbox' regions but b holds 'span'"):
        region_similarity(box, span)
    with pytest.raises(InputError, match="have no overlap"):
        region_similarity(rating, rating)
    assert region_similarity([], span).shape == (0, 1)


@EXAMPLES
@given(st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), st.floats(0, 1e3),
                          st.floats(0, 1e3)), min_size=1, max_size=12),
       st.integers(0, 11), st.integers(1, 12))
def test_box_iou_of_a_subset_is_the_slice_of_the_whole(boxes, start, length):
    # the report computes one matrix per task and slices it (services.qa_overlaps)
    part = boxes[start:start + length]
    assume(part)
    whole = box_iou(boxes, boxes)
    assert np.array_equal(box_iou(part, boxes[::-1]),
                          whole[start:start + len(part), ::-1])


@EXAMPLES
@given(st.lists(st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4),
                                   st.floats(0, 1e3), st.floats(0, 1e3)), max_size=6),
                min_size=1, max_size=5))
def test_box_iou_batch_holds_each_units_box_iou_exactly(units):
    width = max(map(len, units))
    padded = np.zeros((len(units), width, 4))
    for u, boxes in enumerate(units):
        padded[u, :len(boxes)] = np.reshape(boxes, (-1, 4))
    batch = box_iou_batch(padded, padded[:, ::-1])
    for u, boxes in enumerate(units):
        n = len(boxes)
        reversed_ = padded[u, ::-1]
        assert np.array_equal(batch[u, :n], box_iou(boxes, reversed_))


def test_box_iou_batch_refuses_mismatched_units_and_bad_boxes():
    with pytest.raises(InputError, match="for the same units"):
        box_iou_batch(np.zeros((2, 1, 4)), np.zeros((3, 1, 4)))
    with pytest.raises(InputError, match="non-negative width"):
        box_iou_batch([[[0, 0, -1, 1]]], [[[0, 0, 1, 1]]])
