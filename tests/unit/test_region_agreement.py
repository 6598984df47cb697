"""Agreement on region sets: worked cases, the two paths against each other, and a plain
pycocotools + scipy reference on generated boxes."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pycocotools import mask as coco_mask
from scipy.optimize import linear_sum_assignment

from accord.core.agreement.regions import box_agreement, region_agreement
from accord.core.errors import InputError
from accord.core.regions import parse_regions

EXAMPLES = settings(max_examples=50, deadline=None)


def boxes(*specs):
    return parse_regions([{"id": f"b{i}", "label": "obj", "type": "bbox",
                           "value": {"class": cls, "x": x, "y": y, "width": w, "height": h}}
                          for i, (cls, x, y, w, h) in enumerate(specs)])


def test_two_annotators_on_two_images_give_the_hand_counted_scores():
    data = {
        "img1": {"ann": boxes(("car", 0, 0, 10, 10), ("car", 20, 0, 10, 10)),
                 "bob": boxes(("car", 1, 0, 10, 10))},  # IoU 90 / 110
        "img2": {"ann": boxes(("dog", 0, 0, 10, 10)),
                 "bob": boxes(("cat", 0, 0, 10, 10), ("dog", 50, 50, 4, 4))},
    }
    result = region_agreement(data)
    overall = result.overall
    assert (overall.n_matched, overall.n_first, overall.n_second) == (1, 3, 3)
    assert overall.precision == pytest.approx(1 / 3) and overall.recall == pytest.approx(1 / 3)
    assert overall.f1 == pytest.approx(1 / 3)
    assert overall.mean_iou == pytest.approx(90 / 110)
    assert result.per_class["car"].f1 == pytest.approx(2 / 3)
    assert result.per_class["dog"].f1 == 0.0 and result.per_class["cat"].f1 == 0.0
    assert result.macro_f1 == pytest.approx((2 / 3) / 3)
    assert result.pair_f1 == ((None, pytest.approx(1 / 3)), (pytest.approx(1 / 3), None))
    assert result.unit_matched.tolist() == [[1], [0]] and result.n_units == 2
    first_image = result.unit_score(0, 0)
    assert first_image.f1 == pytest.approx(2 / 3) and first_image.mean_iou == pytest.approx(
        90 / 110)


def test_an_annotator_who_skipped_a_unit_is_left_out_of_its_pairs():
    data = {"img1": {"ann": boxes(("car", 0, 0, 10, 10)), "bob": boxes(("car", 0, 0, 10, 10)),
                     "cy": []},
            "img2": {"ann": boxes(("car", 0, 0, 10, 10)), "cy": boxes(("car", 0, 0, 10, 10))}}
    result = region_agreement(data)
    assert result.per_pair[("ann", "bob")].f1 == 1.0
    assert result.per_pair[("ann", "cy")].f1 == pytest.approx(2 / 3)  # 1 matched of 2 + 1
    assert result.per_pair[("bob", "cy")].f1 == 0.0
    assert result.unit_compared.tolist() == [[True, True, True], [False, True, False]]
    assert result.unit_score(1, 0) is None


def test_two_annotators_who_marked_nothing_have_an_undefined_f1():
    result = region_agreement({"img": {"ann": [], "bob": []}})
    assert result.overall.f1 is None
    assert result.overall.undefined_because == "neither annotator marked anything"
    assert result.macro_f1 is None and result.per_class == {}


def test_one_annotator_or_no_unit_gives_no_pairs():
    single = region_agreement({"img": {"ann": boxes(("car", 0, 0, 1, 1))}})
    assert single.pairs == () and single.overall.f1 is None and single.n_units == 0
    assert region_agreement({}).overall.f1 is None


def test_polygons_go_through_the_general_path():
    square = parse_regions([{"id": "p", "label": "seg", "type": "polygon", "value": {
        "class": "road", "points": [[0, 0], [10, 0], [10, 10], [0, 10]]}}])
    shifted = parse_regions([{"id": "p", "label": "seg", "type": "polygon", "value": {
        "class": "road", "points": [[2, 0], [12, 0], [12, 10], [2, 10]]}}])
    result = region_agreement({"img": {"ann": square, "bob": shifted}})
    assert result.overall.f1 == 1.0 and result.overall.mean_iou == pytest.approx(80 / 120)
    assert region_agreement({"img": {"ann": square, "bob": shifted}},
                            threshold=0.7).overall.f1 == 0.0


def generated(seed, images=40, annotators=3, slots=6):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 80, (images, 1, slots, 2))
    truth = np.concatenate([xy, rng.uniform(10, 40, (images, 1, slots, 2))], axis=3)
    noisy = truth + rng.normal(0, 3, (images, annotators, slots, 4))
    noisy[..., 2:] = np.abs(noisy[..., 2:])
    classes = np.where(rng.random((images, annotators, slots)) < 0.2,
                       rng.integers(0, 3, (images, annotators, slots)),
                       rng.integers(0, 3, (images, 1, slots)))
    valid = rng.random((images, annotators, slots)) < 0.8
    return noisy, classes, valid


def as_regions(noisy, classes, valid, annotated):
    return {u: {a: boxes(*[(str(classes[u, a, k]), *noisy[u, a, k]) for k in
                           np.flatnonzero(valid[u, a])])
                for a in range(noisy.shape[1]) if annotated[u, a]}
            for u in range(noisy.shape[0])}


@EXAMPLES
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.3, 0.5, 0.75]))
def test_the_batched_box_path_equals_the_general_path(seed, threshold):
    noisy, classes, valid = generated(seed, images=20)
    annotated = np.random.default_rng(seed).random(noisy.shape[:2]) < 0.9
    fast = box_agreement(noisy, classes, valid=valid, annotated=annotated,
                         class_names=["0", "1", "2"], threshold=threshold)
    general = region_agreement(as_regions(noisy, classes, valid, annotated),
                               threshold=threshold, annotators=[0, 1, 2])
    assert fast.overall.f1 == pytest.approx(general.overall.f1)
    assert fast.overall.mean_iou == pytest.approx(general.overall.mean_iou)
    assert fast.unit_matched.tolist() == general.unit_matched.tolist()
    assert fast.unit_similarity == pytest.approx(general.unit_similarity)
    for name, score in general.per_class.items():
        mine = fast.per_class[name]
        assert (mine.n_matched, mine.n_first, mine.n_second) == (
            score.n_matched, score.n_first, score.n_second)
        assert (mine.mean_iou is None) == (score.mean_iou is None)
        assert mine.mean_iou == pytest.approx(score.mean_iou)
    for mine, theirs in zip(fast.pair_f1, general.pair_f1, strict=True):
        assert [v is None for v in mine] == [v is None for v in theirs]
        assert [v for v in mine if v is not None] == pytest.approx(
            [v for v in theirs if v is not None])


@EXAMPLES
@given(st.integers(0, 2**32 - 1))
def test_agreement_with_oneself_is_perfect_and_f1_is_symmetric(seed):
    noisy, classes, valid = generated(seed, images=30, annotators=2)
    assume(valid.any())
    twin = np.concatenate([noisy[:, :1], noisy[:, :1]], axis=1)
    twin_classes = np.concatenate([classes[:, :1], classes[:, :1]], axis=1)
    twin_valid = np.concatenate([valid[:, :1], valid[:, :1]], axis=1)
    same = box_agreement(twin, twin_classes, valid=twin_valid)
    assume(same.overall.f1 is not None)
    assert same.overall.f1 == 1.0 and same.overall.mean_iou == pytest.approx(1.0)
    forward = box_agreement(noisy, classes, valid=valid)
    backward = box_agreement(noisy[:, ::-1], classes[:, ::-1], valid=valid[:, ::-1])
    assert forward.overall.f1 == backward.overall.f1
    assert forward.overall.precision == backward.overall.recall


def test_box_agreement_equals_a_pycocotools_and_scipy_reference():
    noisy, classes, valid = generated(11, images=200)
    matched = marked = 0
    for u in range(200):
        for x, y in combinations(range(3), 2):
            a, b = noisy[u, x][valid[u, x]], noisy[u, y][valid[u, y]]
            marked += len(a) + len(b)
            if len(a) and len(b):
                iou = coco_mask.iou(a, b, [0] * len(b))
                same = classes[u, x][valid[u, x]][:, None] == classes[u, y][valid[u, y]][None]
                weight = np.where((iou >= 0.5) & same, iou, 0.0)
                rows, cols = linear_sum_assignment(weight, maximize=True)
                matched += int((weight[rows, cols] > 0).sum())
    result = box_agreement(noisy, classes, valid=valid)
    assert result.overall.f1 == pytest.approx(2 * matched / marked)


def test_box_agreement_reads_names_and_rejects_bad_shapes():
    one = np.zeros((1, 2, 1, 4)) + [0, 0, 5, 5]
    result = box_agreement(one, np.zeros((1, 2, 1), dtype=int), annotators=["ann", "bob"],
                           class_names=["car"])
    assert result.per_pair[("ann", "bob")].f1 == 1.0 and set(result.per_class) == {"car"}
    with pytest.raises(InputError, match=r"boxes must have shape \(units, annotators"):
        box_agreement(np.zeros((2, 4)), np.zeros((2,), dtype=int))
    with pytest.raises(InputError, match="classes must be non-negative integer codes"):
        box_agreement(one, np.zeros((1, 2, 1)))
    with pytest.raises(InputError, match="class code 3 is past the 1 class_names"):
        box_agreement(one, np.full((1, 2, 1), 3), class_names=["car"])
    with pytest.raises(InputError, match="unit 'img' must map annotators"):
        region_agreement({"img": [1, 2]})
    with pytest.raises(InputError, match="'cy', who is not among the annotators given"):
        region_agreement({"img": {"cy": []}}, annotators=["ann"])


def test_without_two_annotators_on_any_unit_f1_is_undefined_saying_so():
    from accord.core.agreement.regions import region_agreement

    result = region_agreement({"img": {"ann": []}})
    assert result.overall.f1 is None
    assert result.overall.undefined_because == "no unit was annotated by two annotators"
    assert region_agreement({}).overall.undefined_because == (
        "no unit was annotated by two annotators")
