"""Reading given labels with a model's class probabilities for `accord qa label-errors`."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.formats.probability_table import read_probability_table


def read(text: bytes):
    return read_probability_table(io.BytesIO(text), "p.csv")


def test_rows_become_units_labels_and_a_probability_matrix():
    table = read(b"unit,label,cat,dog\na,cat,0.9,0.1\n\nb,dog,0.25,0.75\n")
    assert table.units == ("a", "b") and table.labels == ("cat", "dog")
    assert table.classes == ("cat", "dog")
    assert table.probabilities.tolist() == [[0.9, 0.1], [0.25, 0.75]]


def test_a_header_without_rows_gives_an_empty_matrix_of_the_right_width():
    assert read(b"unit,label,cat,dog,owl\n").probabilities.shape == (0, 3)


@pytest.mark.parametrize(("text", "message"), [
    (b"", "line 1: expected the header unit,label"),
    (b"unit,label,cat,cat\n", "line 1: a class column repeats"),
    (b"unit,label,cat\na,cat,nan\n", "line 2, column 'cat': expected a probability"),
    (b"unit,label,cat\na,cat,1.5\n", "line 2, column 'cat': expected a probability"),
    (b"unit,label,cat\n\xff\n", "not UTF-8"),
])
def test_bad_files_are_refused_naming_the_line_and_column(text, message):
    with pytest.raises(InputError, match=message):
        read(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.lists(
    st.lists(st.sampled_from(["unit", "label", "cat", "0.5", "1", "x", "", "-0.1"]),
             max_size=5).map(",".join), max_size=6).map(lambda rows: "\n".join(rows).encode())))
def test_any_input_gives_a_table_or_an_input_error(text):
    try:
        table = read(text)
    except InputError as exc:
        assert exc.message.strip()
    else:
        assert table.probabilities.shape == (len(table.units), len(table.classes))
