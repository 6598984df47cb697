"""Krippendorff's alpha with a difference function: equal to the categorical alpha for the
levels' differences (Krippendorff 2011's example, and the krippendorff package on generated
data), both computation paths, region-set and transcript distances, degenerate inputs."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given

from accord.core.agreement.distance_alpha import (
    distance_alpha,
    region_set_distance,
    transcript_distance,
)
from accord.core.errors import InputError
from accord.core.regions import parse_regions
from published_data import KRIPPENDORFF_2011
from strategies import EXAMPLES, reliability_matrices

NAN = math.nan
RELIABILITY_DATA = KRIPPENDORFF_2011


def nominal(a, b):
    return float(a != b)


def squared(a, b):
    return (a - b) ** 2


def squared_matrix(a, b):
    return np.subtract.outer(np.asarray(a, dtype=float), np.asarray(b, dtype=float)) ** 2


def test_krippendorffs_2011_example_at_the_nominal_and_interval_levels():
    assert distance_alpha(RELIABILITY_DATA, nominal).value == pytest.approx(0.743, abs=5e-4)
    assert distance_alpha(RELIABILITY_DATA, squared).value == pytest.approx(0.849, abs=5e-4)
    matrix = distance_alpha(RELIABILITY_DATA, distance_matrix=squared_matrix)
    assert matrix.value == pytest.approx(0.849, abs=5e-4) and matrix.n_units == 11


@EXAMPLES
@given(reliability_matrices(min_annotators=2, min_units=2))
def test_nominal_and_squared_differences_equal_the_krippendorff_package(matrix):
    pairable = [u for u in range(len(matrix[0]))
                if sum(not math.isnan(row[u]) for row in matrix) >= 2]
    values = {row[u] for row in matrix for u in pairable if not math.isnan(row[u])}
    ours_nominal, ours_interval = distance_alpha(matrix, nominal), distance_alpha(matrix, squared)
    if len(values) < 2:  # nothing pairable, or one value throughout: undefined
        assert ours_nominal.value is None and ours_interval.value is None
        return
    data = np.array(matrix, dtype=float)
    assert ours_nominal.value == pytest.approx(
        krippendorff.alpha(data, level_of_measurement="nominal"))
    assert ours_interval.value == pytest.approx(
        krippendorff.alpha(data, level_of_measurement="interval"))
    fast = distance_alpha(matrix, distance_matrix=squared_matrix)
    assert fast.value == pytest.approx(ours_interval.value)


def test_units_given_as_a_mapping_equal_the_matrix():
    mapping = {u: {a: row[u] for a, row in enumerate(RELIABILITY_DATA)} for u in range(12)}
    assert distance_alpha(mapping, nominal).value == pytest.approx(
        distance_alpha(RELIABILITY_DATA, nominal).value)


def boxes(*xs):
    return parse_regions([{"id": f"b{i}", "label": "obj", "type": "bbox",
                           "value": {"class": "car", "x": x, "y": 0, "width": 10, "height": 10}}
                          for i, x in enumerate(xs)])


def test_region_sets_that_agree_have_alpha_one_and_disagreement_lowers_it():
    difference = region_set_distance()
    agreeing = {"img1": {"a": boxes(0), "b": boxes(1)}, "img2": {"a": boxes(50, 80),
                                                                  "b": boxes(51, 80)}}
    assert distance_alpha(agreeing, difference).value == pytest.approx(1.0)
    differing = {**agreeing, "img3": {"a": boxes(0), "b": boxes(40)}}
    score = distance_alpha(differing, difference)
    # pairable values: {0}, {1}, {50, 80}, {51, 80}, {0}, {40}; only img3 disagrees (1 − F1 = 1)
    assert score.observed == pytest.approx(2 / 6)
    assert score.value < 1.0
    loose = distance_alpha({"i": {"a": boxes(0), "b": boxes(3)}, "j": {"a": [], "b": []}},
                           region_set_distance(kind="iou_f1"))
    assert loose.observed == pytest.approx(2 * (1 - 70 / 130) / 4)


def test_transcript_distance_is_the_edit_count_over_the_longer_text():
    matrix = transcript_distance()(["the cat sat", ""], ["the cat", "", "a dog sat down"])
    assert matrix == pytest.approx(np.array([[1 / 3, 1.0, 3 / 4], [1.0, 0.0, 1.0]]))
    data = {"u1": {"a": "the cat sat", "b": "the cat sat"}, "u2": {"a": "hello", "b": "hi"},
            "u3": {"a": "good morning", "b": "good morning all"}}
    by_matrix = distance_alpha(data, distance_matrix=transcript_distance())
    by_pairs = distance_alpha(data, lambda x, y: float(transcript_distance()([x], [y])[0, 0]))
    assert by_matrix.value == pytest.approx(by_pairs.value)


def test_degenerate_data_gives_undefined_alpha_with_a_reason():
    assert distance_alpha([[1, NAN], [NAN, 2]], nominal).undefined_because == (
        "no unit has two or more values to pair")
    assert distance_alpha([[1, 2, 3]], nominal).value is None  # one annotator
    assert distance_alpha({}, nominal).value is None
    same = distance_alpha([[4, 4], [4, 4]], nominal)
    assert same.value is None and same.undefined_because == (
        "every pair of pairable values is at distance 0")


def test_bad_distances_and_arguments_are_input_errors():
    with pytest.raises(InputError, match="give exactly one of distance"):
        distance_alpha([[1, 2], [1, 2]])
    with pytest.raises(InputError, match="finite and non-negative; got \\[-1.0\\]"):
        distance_alpha([[1, 2], [1, 2]], lambda a, b: -1.0)
    with pytest.raises(InputError, match="must return shape \\(4, 4\\); got \\(1, 1\\)"):
        distance_alpha([[1, 2], [1, 2]], distance_matrix=lambda a, b: [[0.0]])
    with pytest.raises(InputError, match="rows of lengths \\[1, 2\\]"):
        distance_alpha([[1], [1, 2]], nominal)
    with pytest.raises(InputError, match="kind must be 'f1' or 'iou_f1'"):
        region_set_distance(kind="iou")
