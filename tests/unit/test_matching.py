"""Optimal one-to-one matching: worked cases, the brute-force optimum, the batched path."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from accord.core.errors import InputError
from accord.core.matching import match_box_batches, match_regions, match_similarity
from accord.core.overlap import box_iou
from accord.core.regions import parse_regions

EXAMPLES = settings(max_examples=50, deadline=None)


def boxes(*specs):
    return parse_regions([{"id": f"b{i}", "label": "obj", "type": "bbox",
                           "value": {"class": cls, "x": x, "y": y, "width": w, "height": h}}
                          for i, (cls, x, y, w, h) in enumerate(specs)])


def test_matching_prefers_the_larger_total_over_the_greedy_best_pair():
    # b0 overlaps a0 best, but giving b0 to a1 (its only partner) yields more in total
    sim = np.array([[0.9, 0.8], [0.85, 0.0]])
    matching = match_similarity(sim, threshold=0.5)
    assert {(p.a, p.b) for p in matching.pairs} == {(0, 1), (1, 0)}
    assert matching.unmatched_a == () and matching.unmatched_b == ()


def test_pairs_below_the_threshold_stay_unmatched():
    matching = match_similarity([[0.49, 0.0], [0.0, 0.5]], threshold=0.5)
    assert [(p.a, p.b) for p in matching.pairs] == [(1, 1)]
    assert matching.unmatched_a == (0,) and matching.unmatched_b == (0,)


def test_must_match_never_pairs_different_classes_and_ignore_reports_them():
    first = boxes(("car", 0, 0, 10, 10), ("car", 50, 0, 10, 10))
    second = boxes(("bus", 0, 0, 10, 10), ("car", 50, 0, 10, 10))
    strict = match_regions(first, second)
    assert [(p.a, p.b) for p in strict.pairs] == [(1, 1)]
    loose = match_regions(first, second, classes="ignore")
    assert [(p.a, p.b, p.same_class) for p in loose.pairs] == [(0, 0, False), (1, 1, True)]
    assert (loose.n_matched, loose.n_same_class, loose.n_wrong_class) == (2, 1, 1)
    assert (loose.n_a, loose.n_b) == (2, 2)


def test_a_similarity_can_be_given_as_a_matrix_or_a_function():
    first, second = boxes(("car", 0, 0, 10, 10)), boxes(("car", 100, 0, 10, 10))
    assert match_regions(first, second).n_matched == 0
    assert match_regions(first, second, similarity=np.array([[0.7]])).n_matched == 1
    assert match_regions(first, second, similarity=lambda a, b: np.ones((1, 1))).n_matched == 1


def test_empty_sides_give_an_empty_matching():
    matching = match_regions([], boxes(("car", 0, 0, 1, 1)))
    assert matching.pairs == () and matching.unmatched_b == (0,) and matching.n_a == 0


def test_bad_options_and_shapes_are_input_errors():
    with pytest.raises(InputError, match="classes must be 'must_match' or 'ignore'; got 'any'"):
        match_similarity([[1.0]], classes="any")
    with pytest.raises(InputError, match="threshold must be between 0 and 1; got 2"):
        match_similarity([[1.0]], threshold=2)
    with pytest.raises(InputError, match="needs 1 and 1 class labels; got 2 and 1"):
        match_similarity([[1.0]], a_classes=["x", "y"], b_classes=["x"])


def brute_force_best(sim, eligible):
    n, m = sim.shape
    best = 0.0
    for k in range(min(n, m) + 1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.permutations(range(m), k):
                if all(eligible[r, c] for r, c in zip(rows, cols, strict=True)):
                    best = max(best, sum(sim[r, c] for r, c in zip(rows, cols, strict=True)))
    return best


@EXAMPLES
@given(st.integers(0, 2**32 - 1), st.integers(0, 4), st.integers(0, 4),
       st.sampled_from([0.0, 0.3, 0.5]))
def test_the_matching_reaches_the_brute_force_optimum(seed, n, m, threshold):
    rng = np.random.default_rng(seed)
    sim = np.round(rng.random((n, m)), 2) * (rng.random((n, m)) < 0.7)
    a_classes, b_classes = rng.integers(0, 2, n).tolist(), rng.integers(0, 2, m).tolist()
    matching = match_similarity(sim, threshold=threshold, a_classes=a_classes,
                                b_classes=b_classes)
    same = np.equal.outer(a_classes, b_classes).reshape(n, m)
    eligible = (sim >= threshold) & (sim > 0) & same
    total = sum(p.similarity for p in matching.pairs)
    assert total == pytest.approx(brute_force_best(sim, eligible))
    assert all(eligible[p.a, p.b] for p in matching.pairs)
    assert len({p.b for p in matching.pairs}) == matching.n_matched


def crowded_units(rng, units, n, m):
    """Boxes packed closely enough that many have two or more partners above 0.3 IoU."""
    def draw(k):
        xy = rng.uniform(0, 60, (units, k, 2))
        return np.concatenate([xy, rng.uniform(20, 40, (units, k, 2))], axis=2)
    return (draw(n), draw(m), rng.integers(0, 2, (units, n)), rng.integers(0, 2, (units, m)),
            rng.random((units, n)) < 0.85, rng.random((units, m)) < 0.85)


@pytest.mark.parametrize("classes", ["must_match", "ignore"])
def test_batched_box_matching_reaches_the_per_unit_optimum(classes):
    rng = np.random.default_rng(7)
    a, b, ca, cb, va, vb = crowded_units(rng, 300, 6, 5)
    batch = match_box_batches(a, b, a_classes=ca, b_classes=cb, a_valid=va, b_valid=vb,
                              threshold=0.3, classes=classes)
    for u in range(300):
        sim = box_iou(a[u][va[u]], b[u][vb[u]])
        same = np.equal.outer(ca[u][va[u]], cb[u][vb[u]])
        eligible = (sim >= 0.3) & (sim > 0) & (same if classes == "must_match" else True)
        rows, cols = linear_sum_assignment(np.where(eligible, sim, 0), maximize=True)
        best = np.where(eligible, sim, 0)[rows, cols].sum()
        assert batch.similarity_a[u].sum() == pytest.approx(best)
        mine = batch.partner_a[u]
        assert np.all(mine[~va[u]] == -1) and np.all(batch.partner_b[u][~vb[u]] == -1)
        for i in np.flatnonzero(mine >= 0):
            assert batch.partner_b[u, mine[i]] == i
            assert batch.same_class_a[u, i] == (ca[u, i] == cb[u, mine[i]])
    assert (batch.n_matched == (batch.partner_b >= 0).sum(axis=1)).all()


def test_batched_box_matching_names_a_bad_box_by_unit():
    a = np.zeros((2, 1, 4))
    a[1, 0] = [0, 0, -1, 1]
    with pytest.raises(InputError, match="a box 0 of unit 1 is not a box"):
        match_box_batches(a, a, a_classes=np.zeros((2, 1)), b_classes=np.zeros((2, 1)))
    with pytest.raises(InputError, match="a has 2 units but b has 1"):
        match_box_batches(np.ones((2, 1, 4)), np.ones((1, 1, 4)), a_classes=np.zeros((2, 1)),
                          b_classes=np.zeros((1, 1)))


@pytest.mark.parametrize(("offset", "smallest"), [(1e5, 1.0), (1e6, 1e-4), (0.0, 0.5)])
def test_batched_matching_keeps_pairs_at_the_threshold_far_from_the_origin(offset, smallest):
    # b's boxes are a's, widened so that IoU is within 1e-7 of 0.5 on either side: the
    # float32 candidate pass (or its float64 fallback, for tiny boxes far out) must keep
    # exactly the pairs the float64 IoU keeps.
    rng = np.random.default_rng(3)
    units, n = 200, 4
    a = np.concatenate([offset + rng.uniform(0, 1000, (units, n, 2)),
                        rng.uniform(smallest, 50, (units, n, 2))], axis=2)
    b = a.copy()
    b[..., 2] = a[..., 2] * 2 * (1 + rng.uniform(-1e-7, 1e-7, (units, n)))
    classes = np.zeros((units, n), dtype=int)
    batch = match_box_batches(a, b, a_classes=classes, b_classes=classes)
    for u in range(units):
        expected = match_similarity(box_iou(a[u], b[u]))
        assert [p.b for p in sorted(expected.pairs, key=lambda p: p.a)] == [
            j for j in batch.partner_a[u] if j >= 0]
        assert batch.similarity_a[u].sum() == pytest.approx(
            sum(p.similarity for p in expected.pairs))


def assignment_matching(sim, threshold, a_classes, b_classes, classes):
    """The matching by the assignment problem on the whole matrix, as the reference."""
    same = np.array([[x == y for y in b_classes] for x in a_classes], dtype=bool).reshape(
        sim.shape)
    eligible = (sim >= threshold) & (sim > 0)
    if classes == "must_match":
        eligible &= same
    rows, cols = linear_sum_assignment(np.where(eligible, sim, 0.0), maximize=True)
    keep = eligible[rows, cols]
    return [(int(i), int(j), float(sim[i, j]), bool(same[i, j]))
            for i, j in zip(rows[keep], cols[keep], strict=True)]


@EXAMPLES
@given(st.integers(0, 12), st.integers(0, 12), st.data(),
       st.sampled_from([0.0, 0.3, 0.5]), st.sampled_from(["must_match", "ignore"]))
def test_the_shortcut_without_conflicts_gives_the_assignment_problems_matching(
        n, m, data, threshold, classes):
    # few distinct values, so ties and rows with several candidates are common; up to 144
    # cells, so both the list path (small matrices) and the NumPy path run
    values = st.sampled_from([0.0, 0.2, 0.5, 0.6, 0.6, 0.9, 1.0])
    sim = np.array(data.draw(st.lists(values, min_size=n * m, max_size=n * m)),
                   dtype=float).reshape(n, m)
    a_classes = data.draw(st.lists(st.sampled_from("xy"), min_size=n, max_size=n))
    b_classes = data.draw(st.lists(st.sampled_from("xy"), min_size=m, max_size=m))
    matching = match_similarity(sim, threshold=threshold, a_classes=a_classes,
                                b_classes=b_classes, classes=classes)
    expected = assignment_matching(sim, threshold, a_classes, b_classes, classes)
    assert [(p.a, p.b, p.similarity, p.same_class) for p in matching.pairs] == expected
    assert matching.unmatched_a == tuple(sorted(set(range(n)) - {e[0] for e in expected}))
    assert matching.unmatched_b == tuple(sorted(set(range(m)) - {e[1] for e in expected}))
