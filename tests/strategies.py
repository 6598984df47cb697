"""Hypothesis strategies several test modules draw from, written once."""

from __future__ import annotations

import math

from hypothesis import settings
from hypothesis import strategies as st

#: Property tests: enough examples to find corner cases, no deadline on shared machines.
EXAMPLES = settings(max_examples=50, deadline=None)
LEVELS = ["nominal", "ordinal", "interval", "ratio"]


@st.composite
def reliability_matrices(draw, min_annotators=1, max_annotators=5, min_units=1,
                         max_units=20, values=(0, 1, 2, 3, 5, 8), missing=True):
    """annotators × units of small non-negative numbers, with NaN for missing labels."""
    n_annotators = draw(st.integers(min_annotators, max_annotators))
    n_units = draw(st.integers(min_units, max_units))
    cell = st.sampled_from(values)
    if missing:
        cell = st.one_of(cell, st.just(math.nan))
    return [draw(st.lists(cell, min_size=n_units, max_size=n_units))
            for _ in range(n_annotators)]
