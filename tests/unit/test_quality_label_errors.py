"""Confident learning: the same issues, ranking and confident joint as cleanlab on generated
data, planted label errors found, and degenerate or bad input."""

from __future__ import annotations

import numpy as np
import pytest
from cleanlab.count import compute_confident_joint
from cleanlab.filter import find_label_issues
from cleanlab.rank import get_label_quality_scores
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.quality import find_label_errors, label_quality_scores

EXAMPLES = settings(max_examples=50, deadline=None)
FILTERS = ["prune_by_noise_rate", "prune_by_class", "both"]
RANKS = ["self_confidence", "normalized_margin"]
# cleanlab warns when a class has too few examples to prune; we do not warn, we skip it.
small_class_warning = pytest.mark.filterwarnings(
    "ignore:May not flag all label issues in class:UserWarning")


def noisy_dataset(seed, n=300, k=4, noise=0.2, separation=2.5):
    """Softmax probabilities from a model that prefers the true class, and labels of which
    about `noise` are flipped to a random class; returns (labels, probabilities, flipped)."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, k, n)
    logits = rng.normal(0.0, 1.0, (n, k))
    logits[np.arange(n), true] += separation
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    labels = true.copy()
    flip = rng.random(n) < noise
    labels[flip] = (true[flip] + rng.integers(1, k, flip.sum())) % k if k > 1 else 0
    return labels, probabilities, flip


datasets = st.tuples(st.integers(0, 2**32 - 1), st.integers(20, 400), st.integers(2, 7),
                     st.sampled_from([0.0, 0.1, 0.3]))


@small_class_warning
@EXAMPLES
@given(datasets, st.sampled_from(FILTERS), st.sampled_from(RANKS))
def test_issues_and_their_order_equal_cleanlabs(dataset, filter_by, rank_by):
    seed, n, k, noise = dataset
    labels, probabilities, _ = noisy_dataset(seed, n, k, noise)
    expected = find_label_issues(labels, probabilities, filter_by=filter_by,
                                 return_indices_ranked_by=rank_by, n_jobs=1)
    result = find_label_errors(labels, probabilities, filter_by=filter_by, rank_by=rank_by)
    assert result.indices.tolist() == expected.tolist()


@small_class_warning
@EXAMPLES
@given(datasets, st.integers(0, 20))
def test_min_examples_per_class_acts_as_in_cleanlab(dataset, min_examples):
    seed, n, k, noise = dataset
    labels, probabilities, _ = noisy_dataset(seed, n, k, noise)
    expected = find_label_issues(labels, probabilities, min_examples_per_class=min_examples,
                                 n_jobs=1)
    result = find_label_errors(labels, probabilities, min_examples_per_class=min_examples)
    assert sorted(result.indices.tolist()) == np.flatnonzero(expected).tolist()


@EXAMPLES
@given(datasets)
def test_the_confident_joint_is_cleanlabs_calibrated_joint(dataset):
    seed, n, k, noise = dataset
    labels, probabilities, _ = noisy_dataset(seed, n, k, noise)
    expected = compute_confident_joint(labels, probabilities, calibrate=True)
    result = find_label_errors(labels, probabilities)
    assert result.confident_joint.tolist() == expected.tolist()
    assert result.confident_joint.sum(axis=1).tolist() == np.bincount(labels, minlength=k).tolist()


@EXAMPLES
@given(datasets, st.sampled_from(RANKS))
def test_quality_scores_equal_cleanlabs(dataset, method):
    seed, n, k, noise = dataset
    labels, probabilities, _ = noisy_dataset(seed, n, k, noise)
    expected = get_label_quality_scores(labels, probabilities, method=method)
    assert label_quality_scores(labels, probabilities, method=method) == pytest.approx(expected)


@small_class_warning
@pytest.mark.parametrize("k", [24, 25, 40])
def test_many_classes_equal_cleanlab_either_side_of_the_bitmask_limit(k):
    # up to 24 classes the confident classes are counted as float32 bitmasks, above by sums
    labels, probabilities, _ = noisy_dataset(5, n=3000, k=k, noise=0.2)
    expected = find_label_issues(labels, probabilities, return_indices_ranked_by="self_confidence",
                                 n_jobs=1)
    result = find_label_errors(labels, probabilities)
    assert result.indices.tolist() == expected.tolist()
    assert result.confident_joint.tolist() == compute_confident_joint(
        labels, probabilities, calibrate=True).tolist()


def test_planted_label_errors_are_found_with_the_true_class_suggested():
    labels, probabilities, flipped = noisy_dataset(7, n=5000, k=5, noise=0.1, separation=4.0)
    result = find_label_errors(labels, probabilities)
    found = np.zeros(labels.size, dtype=bool)
    found[result.indices] = True
    precision = (found & flipped).sum() / found.sum()
    recall = (found & flipped).sum() / flipped.sum()
    assert precision > 0.9 and recall > 0.8
    true = probabilities.argmax(axis=1)
    assert (result.suggested == true[result.indices]).mean() > 0.99
    assert result.n_estimated_errors == pytest.approx(flipped.sum(), rel=0.15)
    assert all(rate == pytest.approx(0.1, abs=0.04) for rate in result.noise_rates)


def test_issues_are_ranked_worst_first_with_names_when_classes_are_given():
    labels, probabilities, _ = noisy_dataset(3, n=400, k=3, noise=0.2)
    names = np.array(["bird", "cat", "dog"])
    by_position = find_label_errors(labels, probabilities, rank_by="normalized_margin")
    by_name = find_label_errors(names[labels].tolist(), probabilities, classes=names.tolist(),
                                rank_by="normalized_margin")
    assert by_name.indices.tolist() == by_position.indices.tolist()
    assert np.all(np.diff(by_name.scores) >= 0)
    first = by_name.ranked(1)[0]
    assert first.index == by_position.indices[0]
    assert first.given_label == names[labels[first.index]]
    assert first.suggested_label != first.given_label
    assert len(by_name.ranked()) == len(by_name.indices)


@small_class_warning
def test_a_class_without_examples_gets_no_threshold_and_no_noise_rate():
    labels, probabilities, _ = noisy_dataset(11, n=300, k=4, noise=0.2)
    labels[labels == 2] = 1
    result = find_label_errors(labels, probabilities)
    expected = find_label_issues(labels, probabilities, return_indices_ranked_by="self_confidence",
                                 n_jobs=1)
    assert result.indices.tolist() == expected.tolist()
    assert result.thresholds[2] is None and result.noise_rates[2] is None
    assert result.confident_joint[2].tolist() == [0, 0, 0, 0]


def test_a_single_class_has_nothing_to_confuse_it_with():
    result = find_label_errors([0, 0, 0], [[1.0], [1.0], [1.0]], rank_by="normalized_margin")
    assert result.indices.size == 0
    assert result.confident_joint.tolist() == [[3]]
    assert result.noise_rates == (0.0,)
    assert label_quality_scores([0, 0], [[1.0], [1.0]], method="normalized_margin").tolist() \
        == [1.0, 1.0]


def test_equal_probabilities_flag_nothing():
    result = find_label_errors([0, 1, 2, 0, 1, 2], np.full((6, 3), 1 / 3))
    assert result.indices.size == 0
    assert result.thresholds == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_no_examples_give_an_empty_result():
    result = find_label_errors(np.array([], dtype=int), np.zeros((0, 3)))
    assert result.indices.size == 0 and result.n_estimated_errors == 0
    assert result.confident_joint.tolist() == [[0] * 3] * 3
    assert result.noise_rates == (None, None, None)


def test_rows_that_do_not_sum_to_one_are_refused_with_the_row():
    probabilities = [[0.5, 0.5], [0.9, 0.3], [0.2, 0.8]]
    with pytest.raises(InputError, match=r"row 1 sums to 1\.2.*after softmax"):
        find_label_errors([0, 0, 1], probabilities)


@pytest.mark.parametrize(("labels", "probabilities", "classes", "message"), [
    ([0, 1], [[0.5, 0.5]], None, "got 2 labels but 1 rows"),
    ([0, 2], [[0.5, 0.5], [0.5, 0.5]], None, "label 2 at index 1 is not a class position 0..1"),
    (["cat", "cow"], [[0.5, 0.5], [0.5, 0.5]], ["cat", "dog"], "label 'cow' at index 1"),
    (["cat", "dog"], [[0.5, 0.5], [0.5, 0.5]], None, "class positions 0..K-1"),
    ([0], [[1.2, -0.2]], None, "row 0, column 0 is 1.2"),
    ([0], [[np.nan, 1.0]], None, "row 0, column 0 is nan"),
    ([0], [0.5, 0.5], None, "must be 2-D"),
    ([0], [[0.5, 0.5]], ["a", "b", "c"], "2 columns but 3 classes"),
    ([0], [[0.5, 0.5]], ["a", "a"], "classes must not repeat"),
])
def test_bad_input_is_refused_naming_what_and_where(labels, probabilities, classes, message):
    with pytest.raises(InputError, match=message):
        find_label_errors(labels, probabilities, classes=classes)


def test_unknown_options_are_refused():
    with pytest.raises(InputError, match="filter_by must be"):
        find_label_errors([0], [[1.0]], filter_by="confident_learning")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="rank_by must be"):
        find_label_errors([0], [[1.0]], rank_by="entropy")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="min_examples_per_class must be"):
        find_label_errors([0], [[1.0]], min_examples_per_class=-1)


def test_the_result_arrays_cannot_be_changed():
    labels, probabilities, _ = noisy_dataset(1, n=200, k=3, noise=0.2)
    result = find_label_errors(labels, probabilities)
    with pytest.raises(ValueError, match="read-only"):
        result.confident_joint[0, 0] = 0
    with pytest.raises(ValueError, match="read-only"):
        result.indices[:] = 0
