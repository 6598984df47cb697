"""LongForm input: the same Ratings, coefficients and refusals as the same labels given as
(unit, annotator, label) records, whether its columns are lists or NumPy arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.agreement import (
    LongForm,
    cohen_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from accord.core.agreement._data import read_ratings
from accord.core.errors import InputError

EXAMPLES = settings(max_examples=60, deadline=None)

LABEL_SETS = {
    "small ints": st.integers(0, 3),
    "ints with gaps": st.sampled_from([-7, 0, 5, 1000, 90_000]),
    "integral floats": st.sampled_from([1.0, 2.0, 4.0]),
    "fractions": st.sampled_from([0.5, 1.25, -3.0, math.inf]),
    "text": st.sampled_from(["cat", "dog", "owl", ""]),
    "mixed": st.sampled_from([1, "one", 2.5, True, ("a", 1)]),
}
ID_SETS = {
    "ints": st.integers(-3, 40),
    "wide ints": st.sampled_from([0, 2**40, -(2**40), 7]),
    "text": st.sampled_from(["u1", "u2", "u10", "x"]),
    "mixed": st.sampled_from([1, "u1", ("u", 2), 3.5]),
}


@st.composite
def long_form_records(draw, with_duplicates=False):
    """Records with ids and labels of one kind each, some labels missing (None or NaN);
    one label per annotator and unit unless `with_duplicates`."""
    labels = LABEL_SETS[draw(st.sampled_from(sorted(LABEL_SETS)))]
    unit_ids, annotator_ids = (ID_SETS[draw(st.sampled_from(sorted(ID_SETS)))]
                               for _ in range(2))
    missing = draw(st.sampled_from([None, math.nan]))
    cells = draw(st.lists(st.tuples(unit_ids, annotator_ids), max_size=40,
                          unique=not with_duplicates))
    return [(unit, annotator, draw(st.one_of(st.just(missing), labels)))
            for unit, annotator in cells]


def columns(records, as_arrays):
    units, annotators, labels = ([r[i] for r in records] for i in range(3))
    if not as_arrays:
        return LongForm(units, annotators, labels)
    return LongForm(*(_array(c) for c in (units, annotators, labels)))


def _array(values):
    """The column as NumPy would hold it, object dtype where it would change a value."""
    kinds = {type(v) for v in values}
    if kinds <= {int} and all(abs(v) < 2**62 for v in values):
        return np.asarray(values, dtype=np.int64)
    if kinds <= {float} or kinds <= {float, type(None)} and None not in values:
        return np.asarray(values, dtype=float)
    if kinds <= {str}:
        return np.asarray(values, dtype=str)
    array = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        array[i] = v
    return array


def assert_same_ratings(expected, actual):
    assert actual.codes.tolist() == expected.codes.tolist()
    assert actual.categories == expected.categories
    assert [type(c) for c in actual.categories] == [type(c) for c in expected.categories]
    assert (actual.values is None) == (expected.values is None)
    if expected.values is not None:
        assert actual.values.tolist() == expected.values.tolist()
    assert actual.ordered == expected.ordered
    assert tuple(actual.units) == tuple(expected.units)
    assert actual.annotators == expected.annotators


@EXAMPLES
@given(long_form_records(), st.booleans())
def test_long_form_is_read_as_the_same_records(records, as_arrays):
    assert_same_ratings(read_ratings(records), read_ratings(columns(records, as_arrays)))


@EXAMPLES
@given(long_form_records(), st.booleans())
def test_categorical_coefficients_equal_on_records_and_long_form(records, as_arrays):
    long_form = columns(records, as_arrays)
    for coefficient in (krippendorff_alpha, percent_agreement, gwet_ac1):
        assert coefficient(long_form) == coefficient(records)
    if len({annotator for _, annotator, _ in records}) == 2:
        assert cohen_kappa(long_form) == cohen_kappa(records)
        assert scott_pi(long_form) == scott_pi(records)


@EXAMPLES
@given(long_form_records(with_duplicates=True), st.booleans())
def test_an_annotator_labelling_a_unit_twice_is_refused_with_the_records_message(
        records, as_arrays):
    try:
        read_ratings(records)
    except InputError as error:
        with pytest.raises(InputError, match="more than once") as raised:
            read_ratings(columns(records, as_arrays))
        assert str(raised.value) == str(error)
    else:
        read_ratings(columns(records, as_arrays))


def test_given_categories_order_long_form_labels_as_they_order_records():
    records = [(1, "ann", "low"), (1, "bob", "high"), (2, "ann", "mid"), (2, "bob", "mid")]
    order = ["low", "mid", "high"]
    expected = krippendorff_alpha(records, level="ordinal", categories=order)
    long_form = LongForm([1, 1, 2, 2], ["ann", "bob", "ann", "bob"],
                         np.array(["low", "high", "mid", "mid"]))
    assert krippendorff_alpha(long_form, level="ordinal", categories=order) == expected


def test_data_frame_columns_are_read_as_they_are():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"item": [3, 3, 1, 1], "who": ["a", "b", "a", "b"],
                          "label": [1.0, np.nan, 2.0, 2.0]})
    ratings = read_ratings(LongForm(frame["item"], frame["who"], frame["label"]))
    assert ratings.units == (3, 1) and ratings.annotators == ("a", "b")
    assert ratings.codes.tolist() == [[0, 1], [-1, 1]]


@pytest.mark.parametrize(("columns_", "message"), [
    (([1, 2], ["a"], [0, 1]), "one entry per label; got 2 units, 1 annotators, 2 labels"),
    (("u1", ["a"], [0]), "LongForm units must be a sequence"),
    (([1], np.array([["a"]]), [0]), "LongForm annotators must be 1-D"),
    (([[1]], ["a"], [0]), "unit id must be hashable"),
    (([1], ["a"], [{"x"}]), "every label must be hashable"),
])
def test_malformed_columns_are_refused_naming_the_column(columns_, message):
    with pytest.raises(InputError, match=message):
        read_ratings(LongForm(*columns_))
