"""The workflow policy as data: its defaults, a lossless JSON round trip, an error naming the
field for every invalid value, PATCH-style merging, and the tier, batch and rank rules."""

from __future__ import annotations

import json
import re
from dataclasses import FrozenInstanceError, fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.errors import InputError
from accord.core.quality.errors import ErrorCategory
from accord.core.records import Stage, Tier
from accord.core.workflow import (
    DEFAULT_REVIEW_CATEGORIES,
    AdaptiveOverlap,
    Ordering,
    RejectTo,
    ReviewCategory,
    WorkflowPolicy,
    merge_policy,
    parse_policy,
)
from tests.strategies import EXAMPLES

shares = st.floats(0, 1)
batch_names = st.one_of(st.text(max_size=12), st.text(min_size=190, max_size=200))
tier_sets = st.frozensets(st.sampled_from(list(Tier)), min_size=1)
category_lists = st.lists(st.builds(ReviewCategory, name=st.text(min_size=1, max_size=100)
                                    .filter(str.strip), description=st.text(max_size=30)),
                          min_size=1, max_size=50, unique_by=lambda c: c.name)


@st.composite
def policies(draw):
    overlap = draw(st.integers(1, 50))
    pilot, calibration = (draw(st.none() | batch_names) for _ in range(2))
    if calibration == pilot:  # one batch cannot be both
        calibration = None
    adaptive = draw(st.one_of(st.none(), st.builds(
        AdaptiveOverlap, min_overlap=st.integers(1, overlap), stable_agreement=shares,
        window=st.integers(1, 1000), recheck=shares)))
    return WorkflowPolicy(
        overlap=overlap, overlap_sample=draw(shares), consensus_threshold=draw(shares),
        review_sample=draw(shares), review_below_gold_accuracy=draw(st.none() | shares),
        min_gold_answers=draw(st.integers(1, 10_000)),
        gold_rate=draw(st.floats(0, 1, exclude_max=True)),
        reject_to=draw(st.sampled_from(list(RejectTo))),
        lease_seconds=draw(st.integers(10, 7 * 24 * 3600)),
        ordering=draw(st.sampled_from(list(Ordering))),
        batch_order=tuple(draw(st.lists(batch_names, unique=True, max_size=4))),
        stage_tiers=draw(st.dictionaries(st.sampled_from(list(Stage)), tier_sets)),
        batch_tiers=draw(st.dictionaries(batch_names, tier_sets, max_size=3)),
        pilot_batch=pilot, calibration_batch=calibration, adaptive_overlap=adaptive,
        review_categories=tuple(draw(category_lists)))


def test_the_defaults_are_the_documented_ones():
    policy = parse_policy({})
    assert policy == WorkflowPolicy()
    assert policy.to_dict() == {
        "overlap": 1, "overlap_sample": 1.0, "consensus_threshold": 0.8, "review_sample": 0.0,
        "review_below_gold_accuracy": None, "min_gold_answers": 5, "gold_rate": 0.0,
        "reject_to": "author", "lease_seconds": 1800, "ordering": "sequential",
        "batch_order": [], "stage_tiers": {stage: ["junior", "senior", "expert"]
                                           for stage in ("label", "review", "adjudicate")},
        "batch_tiers": {}, "pilot_batch": None, "calibration_batch": None,
        "adaptive_overlap": None, "review_categories": [
            {"name": c.name, "description": c.description} for c in DEFAULT_REVIEW_CATEGORIES]}
    assert all(policy.may_take(tier, stage, "") for tier in Tier for stage in Stage)


def test_the_default_review_categories_are_the_qa_taxonomy_each_with_a_description():
    names = [c.name for c in DEFAULT_REVIEW_CATEGORIES]
    assert names == [c.value for c in ErrorCategory if c is not ErrorCategory.CUSTOM]
    assert all(c.description.strip() for c in DEFAULT_REVIEW_CATEGORIES)
    assert DEFAULT_REVIEW_CATEGORIES[0].description == "An object in the image has no region"


def test_review_categories_may_leave_out_their_description():
    policy = parse_policy({"review_categories": [{"name": "too big"},
                                                 {"name": "blurry", "description": "b"}]})
    assert policy.review_category_names == ("too big", "blurry")
    assert policy.review_categories[0] == ReviewCategory("too big", "")


def test_adaptive_overlap_given_as_an_empty_object_is_on_with_its_defaults():
    policy = parse_policy({"overlap": 2, "adaptive_overlap": {}})
    assert policy.adaptive_overlap == AdaptiveOverlap(min_overlap=1, stable_agreement=0.85,
                                                      window=20, recheck=0.1)
    assert parse_policy({"adaptive_overlap": None}).adaptive_overlap is None


@EXAMPLES
@given(policies())
def test_a_policy_survives_json_and_back(policy):
    data = policy.to_dict()
    assert parse_policy(json.loads(json.dumps(data))) == policy
    assert list(data["stage_tiers"]) == ["label", "review", "adjudicate"]
    for tiers in (*data["stage_tiers"].values(), *data["batch_tiers"].values()):
        assert tiers == [t for t in ("junior", "senior", "expert") if t in tiers]


def test_json_values_are_read_as_the_policy_holds_them():
    policy = parse_policy({"overlap_sample": 1, "consensus_threshold": 0, "reject_to": "queue",
                           "ordering": "uncertainty", "batch_order": ["b", "a"],
                           "stage_tiers": {"review": ["senior", "expert", "senior"]},
                           "batch_tiers": {"hard": ["expert"]}})
    assert isinstance(policy.overlap_sample, float) and policy.overlap_sample == 1.0
    assert policy.reject_to is RejectTo.QUEUE and policy.ordering is Ordering.UNCERTAINTY
    assert policy.batch_order == ("b", "a")
    assert policy.stage_tiers == {Stage.LABEL: frozenset(Tier),
                                  Stage.REVIEW: frozenset({Tier.SENIOR, Tier.EXPERT}),
                                  Stage.ADJUDICATE: frozenset(Tier)}
    assert policy.batch_tiers == {"hard": frozenset({Tier.EXPERT})}


INVALID = [
    ({"overlap": 0}, "workflow.overlap", "from 1 to 50, got 0"),
    ({"overlap": 51}, "workflow.overlap", "from 1 to 50"),
    ({"overlap": 2.0}, "workflow.overlap", "expected an integer, got 2.0"),
    ({"overlap": True}, "workflow.overlap", "expected an integer, got True"),
    ({"overlap_sample": 1.5}, "workflow.overlap_sample", "from 0 to 1, got 1.5"),
    ({"overlap_sample": "1"}, "workflow.overlap_sample", "expected a number"),
    ({"consensus_threshold": -0.1}, "workflow.consensus_threshold", "from 0 to 1"),
    ({"consensus_threshold": float("nan")}, "workflow.consensus_threshold", "finite"),
    ({"review_sample": False}, "workflow.review_sample", "expected a number, got False"),
    ({"review_sample": 10**400}, "workflow.review_sample", "finite"),
    ({"review_below_gold_accuracy": 2}, "workflow.review_below_gold_accuracy", "from 0 to 1"),
    ({"min_gold_answers": 0}, "workflow.min_gold_answers", "from 1 to 10000"),
    ({"min_gold_answers": None}, "workflow.min_gold_answers", "expected an integer, got None"),
    ({"gold_rate": 1}, "workflow.gold_rate", "at least 0 and below 1"),
    ({"gold_rate": float("inf")}, "workflow.gold_rate", "finite"),
    ({"reject_to": "manager"}, "workflow.reject_to", "one of author, queue, got 'manager'"),
    ({"lease_seconds": 9}, "workflow.lease_seconds", "from 10 to 604800"),
    ({"lease_seconds": 604_801}, "workflow.lease_seconds", "from 10 to 604800"),
    ({"ordering": "fifo"}, "workflow.ordering", "sequential, random, uncertainty"),
    ({"ordering": ["random"]}, "workflow.ordering", "expected one of"),
    ({"batch_order": "a"}, "workflow.batch_order", "expected a list"),
    ({"batch_order": ["a", 1]}, "workflow.batch_order", "a batch name"),
    ({"batch_order": ["a", "b", "a"]}, "workflow.batch_order", "more than once: 'a'"),
    ({"batch_order": ["x" * 201]}, "workflow.batch_order", "at most 200 characters"),
    ({"stage_tiers": ["expert"]}, "workflow.stage_tiers", "expected an object"),
    ({"stage_tiers": {"qa": ["expert"]}}, "workflow.stage_tiers", "unknown stage 'qa'"),
    ({"stage_tiers": {"review": ["guru", "expert", 3]}}, "workflow.stage_tiers",
     "review: unknown tiers 'guru', 3; tiers are junior, senior, expert"),
    ({"stage_tiers": {"review": "expert"}}, "workflow.stage_tiers", "expected a list"),
    ({"stage_tiers": {"adjudicate": []}}, "workflow.stage_tiers", "adjudicate needs at least"),
    ({"batch_tiers": {"hard": ["master"]}}, "workflow.batch_tiers", "unknown tier 'master'"),
    ({"batch_tiers": {"hard": []}}, "workflow.batch_tiers", "'hard' needs at least one tier"),
    ({"batch_tiers": {"x" * 201: ["expert"]}}, "workflow.batch_tiers", "at most 200"),
    ({"batch_tiers": [["hard", ["expert"]]]}, "workflow.batch_tiers", "expected an object"),
    ({"pilot_batch": 7}, "workflow.pilot_batch", "a batch name"),
    ({"pilot_batch": "p" * 201}, "workflow.pilot_batch", "at most 200"),
    ({"calibration_batch": ["c"]}, "workflow.calibration_batch", "a batch name"),
    ({"pilot_batch": "b", "calibration_batch": "b"}, "workflow.pilot_batch",
     "'b' is also the calibration batch"),
    ({"adaptive_overlap": True}, "workflow.adaptive_overlap", "expected an object"),
    ({"adaptive_overlap": {"window": 0}}, "workflow.adaptive_overlap.window", "from 1 to 1000"),
    ({"adaptive_overlap": {"window": 20.0}}, "workflow.adaptive_overlap.window",
     "expected an integer"),
    ({"adaptive_overlap": {"min_overlap": 0}}, "workflow.adaptive_overlap.min_overlap",
     "from 1 to 50"),
    ({"overlap": 2, "adaptive_overlap": {"min_overlap": 3}},
     "workflow.adaptive_overlap.min_overlap", "cannot exceed overlap \\(2\\), got 3"),
    ({"adaptive_overlap": {"stable_agreement": 1.01}},
     "workflow.adaptive_overlap.stable_agreement", "from 0 to 1"),
    ({"adaptive_overlap": {"recheck": -1}}, "workflow.adaptive_overlap.recheck", "from 0 to 1"),
    ({"adaptive_overlap": {"minimum": 1}}, "workflow.adaptive_overlap.minimum",
     "unknown field 'minimum'; allowed: min_overlap, recheck, stable_agreement, window"),
    ({"review_categories": []}, "workflow.review_categories", "1 to 50 categories, got 0"),
    ({"review_categories": [{"name": f"c{i}"} for i in range(51)]},
     "workflow.review_categories", "1 to 50 categories, got 51"),
    ({"review_categories": {"name": "a"}}, "workflow.review_categories", "expected a list"),
    ({"review_categories": ["a"]}, "workflow.review_categories[0]", "expected an object"),
    ({"review_categories": [{"name": "a"}, {"name": " "}]},
     "workflow.review_categories[1].name", "non-empty name"),
    ({"review_categories": [{"name": "a"}, {"name": "a"}]},
     "workflow.review_categories[1].name", "'a' is named twice"),
    ({"review_categories": [{"name": "x" * 101}]}, "workflow.review_categories[0].name",
     "at most 100 characters, got 101"),
    ({"review_categories": [{"name": 3}]}, "workflow.review_categories[0].name",
     "expected a string, got 3"),
    ({"review_categories": [{"description": "d"}]}, "workflow.review_categories[0].name",
     "needs a name"),
    ({"review_categories": [{"name": "a", "description": None}]},
     "workflow.review_categories[0].description", "expected a string"),
    ({"review_categories": [{"name": "a", "description": "d" * 1001}]},
     "workflow.review_categories[0].description", "at most 1000"),
    ({"review_categories": [{"name": "a", "colour": "red"}]},
     "workflow.review_categories[0].colour", "unknown field 'colour'; allowed: description"),
    ({"overlaps": 3, "gold": 0.1}, "workflow.gold", "unknown fields 'gold', 'overlaps'; "
     "allowed: adaptive_overlap, batch_order, batch_tiers,"),
]


@pytest.mark.parametrize(("raw", "field", "message"), INVALID)
def test_an_invalid_value_is_refused_naming_its_field(raw, field, message):
    with pytest.raises(InputError, match=f"^{re.escape(field)}: .*{message}") as caught:
        parse_policy(raw)
    assert caught.value.details["field"] == field


def test_the_invalid_table_covers_every_field():
    named = {field.removeprefix("workflow.").partition("[")[0] for _, field, _ in INVALID}
    assert {f.name for f in fields(WorkflowPolicy)} <= named
    assert {f"adaptive_overlap.{f.name}" for f in fields(AdaptiveOverlap)} <= named


def test_a_policy_made_in_code_is_checked_as_a_parsed_one_is():
    with pytest.raises(InputError, match="workflow.gold_rate") as caught:
        WorkflowPolicy(gold_rate=1.0)
    assert caught.value.details["field"] == "workflow.gold_rate"
    with pytest.raises(InputError, match="workflow.adaptive_overlap.window"):
        AdaptiveOverlap(window=1001)


def test_anything_but_an_object_is_refused():
    for raw in ([], "overlap=3", None):
        with pytest.raises(InputError, match="^workflow: expected an object") as caught:
            parse_policy(raw)
        assert caught.value.details["field"] == "workflow"


def test_a_long_value_is_echoed_cut_short():
    with pytest.raises(InputError) as caught:
        parse_policy({"ordering": "x" * 10_000})
    assert len(str(caught.value)) < 200


def test_a_policy_cannot_be_changed_in_place():
    policy = parse_policy({"stage_tiers": {"review": ["expert"]}, "batch_tiers": {"b": ["junior"]}})
    with pytest.raises(FrozenInstanceError):
        policy.overlap = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.stage_tiers[Stage.REVIEW] = frozenset(Tier)  # type: ignore[index]
    with pytest.raises(TypeError):
        policy.batch_tiers["b"] = frozenset(Tier)  # type: ignore[index]


# Merging: a PATCH changes the fields it names and checks the result whole.

BASE = parse_policy({"overlap": 3, "review_sample": 0.2, "pilot_batch": "pilot",
                     "stage_tiers": {"adjudicate": ["expert"], "review": ["senior", "expert"]},
                     "adaptive_overlap": {"min_overlap": 2, "window": 40}})


def test_a_merge_changes_only_the_fields_given():
    merged = merge_policy(BASE, {"gold_rate": 0.05, "ordering": "random"})
    expected = {**BASE.to_dict(), "gold_rate": 0.05, "ordering": "random"}
    assert merged.to_dict() == expected
    assert BASE.gold_rate == 0.0  # the current policy is untouched


def test_an_empty_merge_is_the_current_policy():
    assert merge_policy(BASE, {}) == BASE


def test_none_clears_a_nullable_field_and_is_refused_for_any_other():
    assert merge_policy(BASE, {"pilot_batch": None}).pilot_batch is None
    assert merge_policy(BASE, {"adaptive_overlap": None}).adaptive_overlap is None
    with pytest.raises(InputError, match="expected an integer, got None") as caught:
        merge_policy(BASE, {"overlap": None})
    assert caught.value.details["field"] == "workflow.overlap"


def test_adaptive_overlap_merges_into_the_current_one():
    merged = merge_policy(BASE, {"adaptive_overlap": {"recheck": 0.3}})
    assert merged.adaptive_overlap == AdaptiveOverlap(min_overlap=2, window=40, recheck=0.3)


def test_adaptive_overlap_turned_on_by_a_merge_starts_from_its_defaults():
    off = merge_policy(BASE, {"adaptive_overlap": None})
    merged = merge_policy(off, {"adaptive_overlap": {"recheck": 0.3}})
    assert merged.adaptive_overlap == AdaptiveOverlap(recheck=0.3)


def test_tier_maps_are_replaced_whole():
    merged = merge_policy(BASE, {"stage_tiers": {"review": ["expert"]}})
    assert merged.stage_tiers[Stage.REVIEW] == {Tier.EXPERT}
    assert merged.stage_tiers[Stage.ADJUDICATE] == frozenset(Tier)


def test_a_merge_is_checked_against_the_fields_it_did_not_change():
    with pytest.raises(InputError, match="cannot exceed overlap \\(1\\), got 2") as caught:
        merge_policy(BASE, {"overlap": 1})
    assert caught.value.details["field"] == "workflow.adaptive_overlap.min_overlap"
    with pytest.raises(InputError, match="also the calibration batch"):
        merge_policy(BASE, {"calibration_batch": "pilot"})


def test_a_merge_refuses_unknown_fields_and_wrong_values():
    with pytest.raises(InputError, match="unknown field 'consensus'") as caught:
        merge_policy(BASE, {"consensus": 0.9})
    assert caught.value.details["field"] == "workflow.consensus"
    with pytest.raises(InputError, match="workflow.adaptive_overlap.window"):
        merge_policy(BASE, {"adaptive_overlap": {"window": "long"}})
    with pytest.raises(InputError, match="^workflow: expected an object"):
        merge_policy(BASE, ["overlap", 2])  # type: ignore[arg-type]


# Who may take what, and in which order batches come.

TIERED = parse_policy({
    "stage_tiers": {"review": ["senior", "expert"], "adjudicate": ["expert"]},
    "batch_tiers": {"hard": ["expert"], "easy": ["junior", "senior"]},
    "batch_order": ["urgent", "hard", "pilot"], "pilot_batch": "pilot",
    "calibration_batch": "calibration"})


@pytest.mark.parametrize(("tier", "stage", "batch", "allowed"), [
    (Tier.JUNIOR, Stage.LABEL, "", True),
    (Tier.JUNIOR, Stage.REVIEW, "", False),
    (Tier.SENIOR, Stage.REVIEW, "", True),
    (Tier.SENIOR, Stage.ADJUDICATE, "", False),
    (Tier.EXPERT, Stage.ADJUDICATE, "hard", True),
    (Tier.JUNIOR, Stage.LABEL, "hard", False),
    (Tier.SENIOR, Stage.REVIEW, "hard", False),
    (Tier.EXPERT, Stage.LABEL, "easy", False),
    (Tier.JUNIOR, Stage.LABEL, "easy", True),
    (Tier.SENIOR, Stage.REVIEW, "a batch nobody restricted", True),
])
def test_a_tier_may_take_a_task_when_both_its_stage_and_its_batch_allow_it(
        tier, stage, batch, allowed):
    assert TIERED.may_take(tier, stage, batch) is allowed


def test_excluded_batches_are_the_restricted_batches_a_tier_may_not_take():
    assert TIERED.excluded_batches(Tier.JUNIOR) == {"hard"}
    assert TIERED.excluded_batches(Tier.SENIOR) == {"hard"}
    assert TIERED.excluded_batches(Tier.EXPERT) == {"easy"}
    assert WorkflowPolicy().excluded_batches(Tier.JUNIOR) == frozenset()


@EXAMPLES
@given(policies(), st.sampled_from(list(Tier)), st.sampled_from(list(Stage)), batch_names)
def test_excluded_batches_agree_with_may_take(policy, tier, stage, batch):
    if tier in policy.stage_tiers[stage]:
        assert policy.may_take(tier, stage, batch) is (batch not in policy.excluded_batches(tier))
    else:
        assert not policy.may_take(tier, stage, batch)


def test_calibration_and_pilot_rank_first_then_the_batch_order_then_the_rest():
    ranks = {batch: TIERED.batch_rank(batch)
             for batch in ("calibration", "pilot", "urgent", "hard", "other", "")}
    assert ranks == {"calibration": 0, "pilot": 1, "urgent": 2, "hard": 3, "other": 5, "": 5}


def test_without_pilot_or_calibration_the_batch_order_starts_at_two():
    policy = WorkflowPolicy(batch_order=("a", ""))
    assert [policy.batch_rank(b) for b in ("a", "", "z")] == [2, 3, 4]
