"""Region clusters of a large unit, built group by group (connected groups of eligible
pairs), are the clusters of complete linkage over the whole unit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.consensus import region_consensus
from accord.core.consensus.regions import _GROUPED_FROM, _clusters, _linked
from accord.core.regions import parse_regions


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.6, 0.97]), st.booleans())
def test_grouped_clusters_are_those_of_the_whole_unit(seed, sparsity, rounded):
    rng = np.random.default_rng(seed)
    n = _GROUPED_FROM + int(rng.integers(0, 40))
    annotator = rng.integers(0, 4, n)
    similarity = rng.random((n, n))
    similarity = (similarity + similarity.T) / 2
    drop = rng.random((n, n)) < sparsity
    similarity[drop | drop.T] = 0
    if rounded:  # many exact ties
        similarity = np.round(similarity, 1)
    classes = [str(c) for c in rng.integers(0, 2, n)]
    whole = np.where((similarity >= 0.3) & (similarity > 0), similarity, -np.inf)
    whole[annotator[:, None] == annotator[None, :]] = -np.inf
    names = np.array(classes, dtype=object)
    whole[names[:, None] != names[None, :]] = -np.inf
    assert _clusters(similarity, annotator, classes, 0.3, "must_match") == _linked(whole)


def test_a_long_recording_of_segments_fuses_each_turn():
    def segments(shift):
        return parse_regions([{"id": f"s{k}", "label": "turns", "type": "audio_segment",
                               "value": {"class": "speech", "start": 1.5 * k + shift,
                                         "end": 1.5 * k + 1 + shift}} for k in range(300)])

    found = region_consensus([segments(0), segments(0.05), segments(-0.05)], quorum=0.5)
    assert len(found.regions) == 300 and all(r.support == 1.0 for r in found.regions)
    assert [round(r.value.start, 6) for r in found.regions[:3]] == [0.0, 1.5, 3.0]
