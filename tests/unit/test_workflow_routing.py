"""The workflow's decisions: draws that are uniform, independent and reproducible; each way a
task can be routed; the overlap a task gets; and adaptive trust won, lost and won back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.records import Stage
from accord.core.workflow import (
    AdaptiveOverlap,
    Outcome,
    Route,
    WorkflowPolicy,
    draw,
    initial_overlap,
    is_trusted,
    overlap_for,
    push_score,
    route_answers,
    serve_gold,
    task_agreement,
)
from tests.strategies import EXAMPLES

N = 100_000


def share(decisions):
    decisions = list(decisions)
    return sum(decisions) / len(decisions)


# Draws.

@pytest.mark.parametrize("rate", [0.01, 0.1, 0.3, 0.5, 0.9])
def test_draws_over_many_keys_come_out_at_the_rate(rate):
    assert share(draw(rate, "review", k, 1) for k in range(N)) == pytest.approx(rate, abs=0.01)
    assert share(draw(rate, "task", f"t{k}") for k in range(N)) == pytest.approx(rate, abs=0.01)


def test_draws_for_different_purposes_are_independent():
    both = share(draw(0.5, "review", k, 1) and draw(0.5, "recheck", k) for k in range(N))
    assert both == pytest.approx(0.25, abs=0.01)
    next_round = share(draw(0.5, "review", k, 1) and draw(0.5, "review", k, 2) for k in range(N))
    assert next_round == pytest.approx(0.25, abs=0.01)


def test_rate_zero_never_draws_and_rate_one_always_does():
    assert not any(draw(0.0, "x", k) for k in range(10_000))
    assert all(draw(1.0, "x", k) for k in range(10_000))


def test_draws_are_the_same_on_every_run_and_every_machine():
    # Stored routings are replayed from the audit log: changing the hash changes history.
    review = "".join("1" if draw(0.5, "review", k, 1) else "0" for k in range(32))
    gold = "".join("1" if draw(0.5, "gold", 7, k) else "0" for k in range(32))
    assert review == "01110000110010001010100100001100"
    assert gold == "01001100001101100111001100011110"


def test_a_draw_reads_enum_keys_as_their_values():
    for k in range(200):
        assert draw(0.5, Stage.REVIEW, k) == draw(0.5, "review", k)


def test_a_draw_tells_apart_keys_that_print_alike():
    pairs = [(("1",), (1,)), (("a", "b"), ("a\x00b",)), (("ab", "c"), ("a", "bc"))]
    differ = [sum(draw(0.5, *left, k) != draw(0.5, *right, k) for k in range(1000))
              for left, right in pairs]
    assert all(400 < d < 600 for d in differ), differ  # independent draws differ half the time


@pytest.mark.parametrize("rate", [-0.1, 1.1, float("nan")])
def test_a_rate_outside_zero_to_one_is_refused(rate):
    with pytest.raises(InputError, match="rate is from 0 to 1"):
        draw(rate, "x")


def test_a_key_of_another_type_is_refused():
    with pytest.raises(InputError, match="integers and strings, got 1.5"):
        draw(0.5, "x", 1.5)  # type: ignore[arg-type]


# Overlap and gold.

def test_the_overlap_sample_gets_the_full_overlap_and_the_rest_one_answer():
    policy = WorkflowPolicy(overlap=3, overlap_sample=0.25)
    overlaps = [initial_overlap(policy, k) for k in range(N)]
    assert set(overlaps) == {1, 3}
    assert share(o == 3 for o in overlaps) == pytest.approx(0.25, abs=0.01)
    assert {initial_overlap(WorkflowPolicy(overlap=4), k) for k in range(1000)} == {4}


def test_each_user_is_served_gold_at_the_gold_rate():
    policy = WorkflowPolicy(gold_rate=0.1)
    for user_id in (1, 2, 3):
        assert share(serve_gold(policy, user_id, n) for n in range(20_000)) == pytest.approx(
            0.1, abs=0.01)
    served_first = [serve_gold(policy, user_id, 0) for user_id in range(N)]
    assert share(served_first) == pytest.approx(0.1, abs=0.01)
    assert not any(serve_gold(WorkflowPolicy(), 1, n) for n in range(1000))


# Agreement and routing.

def test_task_agreement_is_the_mean_of_the_comparable_scores():
    assert task_agreement([1.0, 0.5, None, 0.0]) == pytest.approx(0.5)
    assert task_agreement([None, None]) is None
    assert task_agreement([]) is None


PLAIN = WorkflowPolicy(overlap=3, consensus_threshold=0.8)


def route(policy=PLAIN, *, task_key=1, round_=1, answers=3, agreement=0.9, gold=None):
    return route_answers(policy, task_key=task_key, round_=round_, answers=answers,
                         agreement=agreement, author_gold_accuracy=gold or {})


def test_a_single_answer_is_the_result():
    assert route(answers=1, agreement=None) == Route(Outcome.DONE, "single answer")
    assert route(answers=1, agreement=0.1) == Route(Outcome.DONE, "single answer")


def test_answers_in_agreement_are_accepted():
    assert route(agreement=0.91) == Route(Outcome.DONE, "consensus 0.91 ≥ 0.8")
    assert route(agreement=0.8) == Route(Outcome.DONE, "consensus 0.80 ≥ 0.8")


def test_answers_below_the_threshold_go_to_adjudication():
    assert route(agreement=0.42) == Route(Outcome.ADJUDICATE, "agreement 0.42 < 0.8")
    assert route(agreement=0.7996) == Route(Outcome.ADJUDICATE, "agreement 0.7996 < 0.8")


def test_answers_with_nothing_comparable_go_to_adjudication():
    assert route(agreement=None) == Route(Outcome.ADJUDICATE,
                                          "3 answers with nothing comparable")


def test_the_qc_sample_sends_accepted_tasks_to_review():
    everything = WorkflowPolicy(overlap=3, review_sample=1.0)
    assert route(everything, agreement=0.91) == Route(Outcome.REVIEW,
                                                      "consensus 0.91 ≥ 0.8; QC sample")
    assert route(everything, answers=1) == Route(Outcome.REVIEW, "single answer; QC sample")
    assert route(everything, agreement=0.5).outcome is Outcome.ADJUDICATE


def test_the_qc_sample_is_a_reproducible_share_of_tasks_and_rounds():
    policy = WorkflowPolicy(overlap=3, review_sample=0.2)
    first = [route(policy, task_key=k).outcome is Outcome.REVIEW for k in range(20_000)]
    assert share(first) == pytest.approx(0.2, abs=0.01)
    assert first == [route(policy, task_key=k).outcome is Outcome.REVIEW for k in range(20_000)]
    second = [route(policy, task_key=k, round_=2).outcome is Outcome.REVIEW
              for k in range(20_000)]
    assert second != first and share(second) == pytest.approx(0.2, abs=0.01)


def test_authors_under_the_gold_accuracy_limit_send_their_work_to_review():
    policy = WorkflowPolicy(overlap=3, review_below_gold_accuracy=0.7)
    gold = {"b@x.org": 0.9, "a@b": 0.55, "c@x.org": 0.6}
    assert route(policy, gold=gold) == Route(
        Outcome.REVIEW, "consensus 0.90 ≥ 0.8; author a@b gold accuracy 0.55 < 0.7; "
        "author c@x.org gold accuracy 0.60 < 0.7")
    assert route(policy, gold={"a@b": 0.6999}).reason.endswith("0.6999 < 0.7")


def test_authors_at_the_limit_or_without_enough_gold_do_not():
    policy = WorkflowPolicy(overlap=3, review_below_gold_accuracy=0.7)
    assert route(policy, gold={"a@b": 0.7, "c@d": None}).outcome is Outcome.DONE
    assert route(PLAIN, gold={"a@b": 0.0}).outcome is Outcome.DONE  # no limit set


def test_a_task_without_answers_cannot_be_routed():
    with pytest.raises(InputError, match="once it has answers; got 0"):
        route(answers=0)


@EXAMPLES
@given(st.integers(1, 5), st.one_of(st.none(), st.floats(0, 1)), st.floats(0, 1),
       st.integers(0, 10**6))
def test_routing_follows_the_threshold(answers, agreement, threshold, task_key):
    policy = WorkflowPolicy(overlap=5, consensus_threshold=threshold)
    outcome = route(policy, answers=answers, agreement=agreement, task_key=task_key).outcome
    accepted = answers == 1 or (agreement is not None and agreement >= threshold)
    assert outcome is (Outcome.DONE if accepted else Outcome.ADJUDICATE)


# Adaptive overlap.

ADAPTIVE = AdaptiveOverlap(min_overlap=1, stable_agreement=0.8, window=5, recheck=0.0)


@EXAMPLES
@given(st.lists(st.floats(0, 1), max_size=30), st.floats(0, 1), st.integers(1, 10))
def test_a_window_keeps_the_latest_scores(window, score, size):
    pushed = push_score(window, score, size)
    assert pushed == tuple([*window, score][-size:])
    assert len(pushed) == min(size, len(window) + 1)


def test_a_window_holds_at_least_one_score():
    with pytest.raises(InputError, match="at least one score"):
        push_score([0.5], 0.9, 0)


def test_trust_is_won_lost_and_won_back():
    window: tuple[float, ...] = ()
    trusted = []
    for score in [1.0] * 5 + [0.0, 0.0] + [1.0] * 4:
        window = push_score(window, score, ADAPTIVE.window)
        trusted.append(is_trusted(window, ADAPTIVE))
    # short window; full at 1.0; mean 0.8 holds; 0.6 falls; back to 0.8 after four more
    assert trusted == [False] * 4 + [True, True, False, False, False, False, True]


def test_only_the_latest_window_of_a_longer_history_counts():
    assert is_trusted([0.0] * 10 + [1.0] * 5, ADAPTIVE)
    assert not is_trusted([1.0] * 10 + [0.0] * 5, ADAPTIVE)


def test_a_trusted_author_starts_tasks_with_the_minimum_overlap():
    policy = WorkflowPolicy(overlap=3, adaptive_overlap=ADAPTIVE)
    assert overlap_for(policy, 3, True, task_key=1) == 1
    assert overlap_for(policy, 3, False, task_key=1) == 3
    assert overlap_for(WorkflowPolicy(overlap=3), 3, True, task_key=1) == 3  # adaptive off


def test_the_minimum_never_raises_a_smaller_base_overlap():
    policy = WorkflowPolicy(overlap=3, adaptive_overlap=AdaptiveOverlap(min_overlap=2,
                                                                        recheck=0.0))
    assert overlap_for(policy, 3, True, task_key=1) == 2
    assert overlap_for(policy, 1, True, task_key=1) == 1


def test_a_recheck_share_of_trusted_work_keeps_the_full_overlap():
    policy = WorkflowPolicy(overlap=3, adaptive_overlap=AdaptiveOverlap(recheck=0.1))
    overlaps = [overlap_for(policy, 3, True, task_key=k) for k in range(N)]
    assert set(overlaps) == {1, 3}
    assert share(o == 3 for o in overlaps) == pytest.approx(0.1, abs=0.01)
    always = WorkflowPolicy(overlap=3, adaptive_overlap=AdaptiveOverlap(recheck=1.0))
    assert {overlap_for(always, 3, True, task_key=k) for k in range(1000)} == {3}
