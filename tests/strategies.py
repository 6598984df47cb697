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


@st.composite
def span_sets(draw, classes=("PER", "ORG"), length=30, max_spans=5):
    """One annotator's spans on a text of `length` characters: {"class", "start", "end"}."""
    spans = []
    for _ in range(draw(st.integers(0, max_spans))):
        start = draw(st.integers(0, length - 1))
        end = draw(st.integers(start + 1, length))
        spans.append({"class": draw(st.sampled_from(classes)), "start": start, "end": end})
    return spans


@st.composite
def video_tracks(draw, classes=("car", "person"), frames=30, max_tracks=3):
    """One annotator's video tracks on a video of `frames` frames, 1 to 3 keyframes each."""
    tracks = []
    for _ in range(draw(st.integers(0, max_tracks))):
        at = sorted(draw(st.sets(st.integers(0, frames - 1), min_size=1, max_size=3)))
        coordinate = st.integers(0, 40)
        keyframes = [{"frame": f, "x": draw(coordinate), "y": draw(coordinate),
                      "width": draw(st.integers(5, 20)), "height": draw(st.integers(5, 20)),
                      "outside": draw(st.booleans()) if k else False}
                     for k, f in enumerate(at)]
        tracks.append({"class": draw(st.sampled_from(classes)), "keyframes": keyframes})
    return tracks


@st.composite
def texts_with_free_spans(draw, alphabet="ab,.(é) \n", max_size=30):
    """A text of a few lines and non-overlapping spans anywhere on it that start and end on
    non-whitespace characters within one line: cutting tokens, as snapped spans do
    (`Paris` of `Paris,`), or not. (class, start, end) triples, in order."""
    text = draw(st.text(alphabet, min_size=1, max_size=max_size))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    spans = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covered = text[start:end]
        if (covered and not covered[0].isspace() and not covered[-1].isspace()
                and "\n" not in covered and draw(st.booleans())):
            spans.append((draw(st.sampled_from(["PER", "LOC"])), start, end))
    return text, spans
