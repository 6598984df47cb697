"""Reading numeric reliability matrices: the arithmetic coding of small integer labels gives
exactly what sorting the values (np.unique) gives, and the unit profiles count the units'
label rows exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.agreement import _data
from accord.core.agreement._data import MISSING, read_ratings

EXAMPLES = settings(max_examples=50, deadline=None)


def by_sorting(matrix):
    present = ~np.isnan(matrix)
    values, inverse = np.unique(matrix[present], return_inverse=True)
    codes = np.full(matrix.shape, MISSING, dtype=np.int64)
    codes[present] = inverse
    return codes, values


@EXAMPLES
@given(st.lists(st.sampled_from([-3.0, 0.0, 1.0, 2.0, 7.0, 4095.0, 0.5, math.nan, math.inf,
                                 1e300]), min_size=1, max_size=60), st.integers(1, 4))
def test_arithmetic_coding_equals_sorting(cells, n_annotators):
    width = max(1, len(cells) // n_annotators)
    matrix = np.array((cells * n_annotators)[:n_annotators * width]).reshape(n_annotators,
                                                                             width)
    ratings = read_ratings(matrix)
    codes, values = by_sorting(matrix)
    assert np.array_equal(ratings.codes, codes)
    assert ratings.categories == tuple(float(v) for v in values)


@pytest.mark.parametrize("labels", [[0, 1, 3], [-2, -1, 5], [10, 12], [0, 5000], [7]])
def test_gaps_negative_labels_and_wide_spans_are_coded_like_sorting(labels):
    rng = np.random.default_rng(2)
    matrix = rng.choice(np.array(labels, dtype=float), (3, 100_000))  # several chunks
    matrix[rng.random(matrix.shape) < 0.2] = np.nan
    matrix[:, :40_000] = np.nan  # a chunk with nothing in it
    ratings = read_ratings(matrix.T.copy().T)  # a non-contiguous matrix too
    codes, values = by_sorting(matrix)
    assert np.array_equal(ratings.codes, codes)
    assert ratings.values.tolist() == values.tolist()


def test_an_all_missing_matrix_has_no_categories():
    ratings = read_ratings(np.full((2, 3), np.nan))
    assert ratings.categories == () and np.all(ratings.codes == MISSING)


@EXAMPLES
@given(st.integers(1, 6), st.integers(1, 40), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_unit_profiles_count_each_distinct_count_row(n_annotators, n_units, k, seed):
    codes = np.random.default_rng(seed).integers(-1, k, (n_annotators, n_units))
    ratings = _data.Ratings(codes, tuple(range(k)), np.arange(k, dtype=float), True,
                            range(n_units))
    rows, frequency = ratings.unit_profiles()
    expected_rows, expected_frequency = np.unique(ratings.unit_counts(), axis=0,
                                                  return_counts=True)
    order = np.lexsort(rows.T[::-1])
    assert np.array_equal(rows[order], expected_rows)
    assert np.array_equal(frequency[order], expected_frequency)
    assert np.array_equal(_data.count_profiles(ratings.unit_counts())[1].sum(), n_units)


@pytest.mark.parametrize(("n_annotators", "k"), [(3, 4), (3, 40), (40, 3), (40, 300)])
def test_unit_counts_and_profiles_agree_with_a_plain_count(n_annotators, k):
    codes = np.random.default_rng(k).integers(-1, k, (n_annotators, 500))
    ratings = _data.Ratings(codes, tuple(range(k)), None, False, range(500))
    plain = np.array([[np.count_nonzero(codes[:, u] == c) for c in range(k)]
                      for u in range(500)])
    assert np.array_equal(ratings.unit_counts(), plain)
    rows, frequency = ratings.unit_profiles()
    assert frequency.sum() == 500 and len(rows) == len(np.unique(plain, axis=0))
