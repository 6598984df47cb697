"""Gold accuracy: categorical scores equal scikit-learn's on generated data; region scores
counted by hand on constructed items; degenerate and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

from accord.core.errors import InputError
from accord.core.quality import categorical_gold_accuracy, region_gold_accuracy
from accord.core.regions import parse_regions

EXAMPLES = settings(max_examples=50, deadline=None)
LABELS = ["bird", "cat", "dog", "fox"]


@st.composite
def labelled_gold(draw):
    """Gold answers for some items and (item, annotator, label) records, some items without
    gold and some labels missing."""
    n_items = draw(st.integers(1, 30))
    gold = {f"t{i}": draw(st.sampled_from(LABELS)) for i in range(n_items)
            if draw(st.booleans()) or i == 0}
    records = [(f"t{i}", annotator, draw(st.sampled_from([*LABELS, None])))
               for i in range(n_items) for annotator in ("ann", "bob", "cy")
               if draw(st.integers(0, 3))]
    return records, gold


def sklearn_reference(records, gold, annotator=None):
    pairs = [(gold[item], label) for item, who, label in records
             if item in gold and label is not None and annotator in (None, who)]
    truth, given = [t for t, _ in pairs], [g for _, g in pairs]
    classes = sorted(set(truth) | set(given))
    return truth, given, classes


def as_none(values):
    return [None if np.isnan(v) else pytest.approx(v) for v in np.atleast_1d(values)]


@EXAMPLES
@given(labelled_gold(), st.sampled_from([None, "ann", "bob"]))
def test_categorical_scores_equal_scikit_learns(data, annotator):
    records, gold = data
    result = categorical_gold_accuracy(records, gold)
    truth, given_labels, classes = sklearn_reference(records, gold, annotator)
    scores = result.overall if annotator is None else result.per_annotator.get(annotator)
    if not truth:
        assert scores is None or scores.accuracy is None
        return
    assert scores.accuracy == pytest.approx(accuracy_score(truth, given_labels))
    p, r, f, support = precision_recall_fscore_support(truth, given_labels, labels=classes,
                                                       zero_division=np.nan)
    mine = {c.label: c for c in scores.per_class}
    assert [mine[c].precision for c in classes] == as_none(p)
    assert [mine[c].recall for c in classes] == as_none(r)
    assert [mine[c].f1 for c in classes] == as_none(f)
    assert [mine[c].support for c in classes] == support.tolist()
    for average in ("macro", "micro"):
        expected = precision_recall_fscore_support(truth, given_labels, labels=classes,
                                                   average=average, zero_division=np.nan)[:3]
        ours = [getattr(scores, f"{average}_{name}") for name in ("precision", "recall", "f1")]
        assert ours == [pytest.approx(v) for v in expected]


def test_categorical_scores_counted_by_hand():
    gold = {"t1": "cat", "t2": "cat", "t3": "dog", "t4": "fox", "t5": "cat"}
    records = [("t1", "ann", "cat"), ("t2", "ann", "dog"), ("t3", "ann", "dog"),
               ("t4", "ann", "dog"), ("t1", "bob", "cat"), ("t9", "bob", "cat"),
               ("t5", "bob", None)]
    result = categorical_gold_accuracy(records, gold, classes=["cat", "dog", "fox", "owl"])
    ann = result.per_annotator["ann"]
    assert ann.n_items == 4 and ann.accuracy == 0.5
    cat, dog, fox, owl = ann.per_class
    assert (cat.support, cat.predicted, cat.true_positives) == (2, 1, 1)
    assert (cat.precision, cat.recall, cat.f1) == (1.0, 0.5, pytest.approx(2 / 3))
    assert (dog.precision, dog.recall) == (pytest.approx(1 / 3), 1.0)
    assert fox.precision is None and fox.recall == 0.0 and fox.f1 == 0.0
    assert fox.undefined_because == "never given: no precision"
    assert owl.precision is None and owl.recall is None and owl.f1 is None
    assert ann.macro_recall == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert result.per_annotator["bob"].accuracy == 1.0  # t9 has no gold, t5 no label
    assert result.overall.n_items == 4 and result.overall.accuracy == pytest.approx(3 / 5)
    assert result.overall.of_class("dog").predicted == 3


def test_no_gold_item_labelled_gives_undefined_scores():
    result = categorical_gold_accuracy([("t1", "ann", "cat")], {"t2": "cat"})
    assert result.overall.accuracy is None and result.per_annotator == {}
    assert result.overall.undefined_because == "no label of a gold item"


@pytest.mark.parametrize(("records", "gold", "kwargs", "message"), [
    ([("t1", "ann", "cow")], {"t1": "cat"}, {"classes": ["cat"]}, "labels \\['cow'\\]"),
    ([("t1", "ann", "cat"), ("t1", "ann", "dog")], {"t1": "cat"}, {}, "more than once"),
    ([("t1", "cat")], {"t1": "cat"}, {}, "record 0 should be"),
    ([], [("t1", "cat")], {}, "gold must map"),
])
def test_bad_categorical_input_is_refused(records, gold, kwargs, message):
    with pytest.raises(InputError, match=message):
        categorical_gold_accuracy(records, gold, **kwargs)


def boxes(*specs, label="objects"):
    return parse_regions([{"id": f"r{i}", "label": label, "type": "bbox",
                           "value": {"class": cls, "x": x, "y": y, "width": w, "height": h}}
                          for i, (cls, x, y, w, h) in enumerate(specs)])


def spans(*specs):
    return parse_regions([{"id": f"s{i}", "label": "ner", "type": "span",
                           "value": {"class": cls, "start": start, "end": end}}
                          for i, (cls, start, end) in enumerate(specs)])


def test_region_scores_counted_by_hand():
    gold = {"img1": boxes(("car", 0, 0, 10, 10), ("car", 50, 0, 10, 10), ("bus", 100, 0, 20, 10)),
            "img2": boxes(("car", 0, 0, 10, 10)),
            "doc": spans(("PER", 0, 5), ("ORG", 10, 20))}
    annotations = [
        # car matched (IoU 0.81818), second car missed, bus matched (IoU 0.8), one extra car
        ("img1", "ann", boxes(("car", 1, 0, 10, 10), ("bus", 102, 0, 20, 10),
                              ("car", 300, 0, 5, 5))),
        ("img2", "ann", boxes(("bus", 0, 0, 10, 10))),  # right place, wrong class
        ("doc", "ann", spans(("PER", 0, 5), ("ORG", 12, 20))),  # exact and IoU 0.8
        ("img9", "ann", boxes(("car", 0, 0, 1, 1))),  # no gold: left out
    ]
    result = region_gold_accuracy(annotations, gold).per_annotator["ann"]
    assert result.n_items == 3
    car, bus = result.of_class("car"), result.of_class("bus")
    assert (car.true_positives, car.predicted, car.support) == (1, 2, 3)
    assert (car.precision, car.recall) == (0.5, pytest.approx(1 / 3))
    assert car.mean_iou == pytest.approx(90 / 110)
    assert (bus.true_positives, bus.predicted, bus.support) == (1, 2, 1)
    assert bus.mean_iou == pytest.approx(180 / 220)
    assert result.of_class("PER").mean_iou == 1.0 and result.of_class("ORG").mean_iou == 0.8
    assert result.micro_precision == 4 / 6 and result.micro_recall == 4 / 6  # 6 given, 6 gold
    assert result.mean_iou == pytest.approx((90 / 110 + 180 / 220 + 1.0 + 0.8) / 4)
    assert result.accuracy is None


def test_ignoring_classes_counts_a_wrong_class_match_once_on_each_side():
    gold = {"img": boxes(("car", 0, 0, 10, 10))}
    annotations = [("img", "ann", boxes(("bus", 0, 0, 10, 10)))]
    result = region_gold_accuracy(annotations, gold, classes="ignore").overall
    assert result.of_class("bus").predicted == 1 and result.of_class("bus").true_positives == 0
    assert result.of_class("car").support == 1 and result.of_class("car").recall == 0.0


def test_regions_of_several_labels_are_matched_label_by_label():
    gold = {"img": boxes(("car", 0, 0, 10, 10)) + boxes(("car", 0, 0, 10, 10), label="cars2")}
    annotations = [("img", "ann", boxes(("car", 0, 0, 10, 10), label="cars2"))]
    car = region_gold_accuracy(annotations, gold).overall.of_class("car")
    assert (car.true_positives, car.support) == (1, 2)


def test_an_annotator_without_regions_on_a_gold_item_misses_everything():
    gold = {"img": boxes(("car", 0, 0, 10, 10)), "empty": ()}
    result = region_gold_accuracy([("img", "ann", ()), ("empty", "bob", ())], gold)
    car = result.per_annotator["ann"].of_class("car")
    assert car.recall == 0.0 and car.precision is None and car.mean_iou is None
    assert result.per_annotator["bob"].per_class == ()
    assert result.per_annotator["bob"].undefined_because == "no regions, given or gold"


@pytest.mark.parametrize(("annotations", "message"), [
    ([("img", "ann", [{"id": "r1"}])], "parsed Regions"),
    ([("img", "ann")], "annotation 0 should be"),
    ([("img", "ann", ()), ("img", "ann", ())], "two annotations of item 'img'"),
])
def test_bad_region_input_is_refused(annotations, message):
    with pytest.raises(InputError, match=message):
        region_gold_accuracy(annotations, {"img": boxes(("car", 0, 0, 10, 10))})


def test_keypoints_are_matched_by_oks_with_the_given_sigmas():
    def person(rid, dx):
        return {"id": rid, "label": "pose", "type": "keypoints",
                "value": {"class": "person", "points": [[10 + dx, 10, 2], [30 + dx, 40, 2]]}}
    gold = {"img": parse_regions([person("g", 0)])}
    near = [("img", "ann", parse_regions([person("m", 20)]))]  # OKS exp(-400 / 1200) = 0.72
    result = region_gold_accuracy(near, gold, keypoint_sigmas=[0.5, 0.5]).overall
    assert result.of_class("person").true_positives == 1
    assert result.mean_iou == pytest.approx(np.exp(-400 / 1200))
    strict = region_gold_accuracy(near, gold, threshold=0.8, keypoint_sigmas=[0.5, 0.5])
    assert strict.overall.of_class("person").recall == 0.0


def test_unhashable_labels_are_refused():
    with pytest.raises(InputError, match="every label must be hashable"):
        categorical_gold_accuracy([("t1", "ann", ["cat"])], {"t1": "cat"})
