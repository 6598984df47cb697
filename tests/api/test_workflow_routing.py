"""Routing through the HTTP API (docs/workflow.md, "The life of a task"): one answer, a
consensus accepted or adjudicated, QC review by sample and by gold accuracy, the three review
outcomes, gold tasks that look like any other, refused submissions kept as drafts, and
adaptive overlap won and lost."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.workflow_support import (
    answer,
    fresh_requests,
    golds,
    images,
    make_project,
    scene,
    submit,
    take,
    taken_id,
    task_of,
)

CREW = ("a1", "a2", "a3")


@pytest.fixture
def app(app, session):  # type: ignore[no-untyped-def]
    return fresh_requests(app, session)


def _labels(regions: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    """(label, class) of each region: what a consensus keeps of the answers."""
    return sorted((r["label"], r["value"]["class"]) for r in regions or [])


def test_one_answer_is_the_result_of_a_task_with_overlap_one(session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 1}, images(1))
    assert answer(as_("annotator"), project, [scene("night")]) == task
    done = task_of(as_, project, task)
    assert (done["state"], done["result_source"]) == ("done", "single")
    assert done["result"] == [scene("night")]


def test_three_agreeing_answers_make_the_consensus_the_result(session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 3}, images(1),
                                   annotators=CREW)
    for name in CREW[:2]:
        answer(as_(name), project, [scene("day")])
        assert task_of(as_, project, task)["state"] == "label"
    answer(as_("a3"), project, [scene("day")])
    done = task_of(as_, project, task)
    assert (done["state"], done["result_source"], done["agreement"]) == (
        "done", "consensus", 1.0)
    assert _labels(done["result"]) == [("scene", "day")]


def test_disagreeing_answers_go_to_adjudication_and_the_adjudicator_decides(
        session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 3}, images(1),
                                   annotators=CREW)
    for name, cls in zip(CREW, ("day", "night", "night"), strict=True):
        answer(as_(name), project, [scene(cls)])
    waiting = task_of(as_, project, task)
    assert (waiting["state"], waiting["result"]) == ("adjudicate", None)
    assert waiting["agreement"] == pytest.approx(2 / 3)
    offered = take(as_("reviewer"), project, "adjudicate")
    assert offered["task"]["id"] == task
    assert sorted(a["author_id"] for a in offered["answers"]) == sorted(
        world.users[name]["id"] for name in CREW)
    final = submit(as_("reviewer"), project, task, [scene("day")])
    assert final.status_code == 201, final.text
    done = task_of(as_, project, task)
    assert (done["state"], done["result_source"], done["result"]) == (
        "done", "adjudication", [scene("day")])


def test_a_review_sample_of_one_sends_every_accepted_task_to_review(session, world, as_):
    project, tasks = make_project(session, world, as_, {"review_sample": 1.0}, images(2))
    for _ in tasks:
        answer(as_("annotator"), project, [scene()])
    assert [task_of(as_, project, t)["state"] for t in tasks] == ["review", "review"]
    assert taken_id(as_("reviewer"), project, "review") == tasks[0]


def test_work_of_an_annotator_with_poor_gold_accuracy_goes_to_review_once_it_counts(
        session, world, as_):
    policy = {"review_below_gold_accuracy": 0.5, "min_gold_answers": 2}
    project, ids = make_project(session, world, as_, policy, [*golds(2), *images(4)],
                                annotators=("careless", "careful"))
    gold_ids, plain = ids[:2], ids[2:]

    def gold_then_plain(name: str, index: int, cls: str) -> str:
        assert submit(as_(name), project, gold_ids[index], [scene(cls)]).status_code == 201
        return task_of(as_, project, answer(as_(name), project, [scene()]))["state"]

    # one gold answer does not count yet: with a wrong one, the work is still done
    assert gold_then_plain("careless", 0, "day") == "done"
    assert gold_then_plain("careless", 1, "day") == "review"
    assert gold_then_plain("careful", 0, "night") == "done"
    assert gold_then_plain("careful", 1, "night") == "done"
    assert [task_of(as_, project, t)["state"] for t in plain] == [
        "done", "review", "done", "done"]


# Review outcomes: each pending answer is accepted, rejected or fixed.

def _in_review(session, world, as_, policy: dict[str, Any], n_tasks: int = 1,
               annotators: tuple[str, ...] = ("annotator",)) -> tuple[int, list[int], dict]:
    """A project whose first task the annotator answered and a reviewer now holds; returns
    the project, its tasks and what the review queue offered."""
    project, tasks = make_project(session, world, as_, {"review_sample": 1.0, **policy},
                                  images(n_tasks), annotators=annotators)
    answer(as_(annotators[0]), project, [scene("day")])
    offered = take(as_("reviewer"), project, "review")
    assert offered["task"]["id"] == tasks[0]
    return project, tasks, offered


def _review(as_, project: int, annotation_id: int, **body: Any) -> dict[str, Any]:
    response = as_("reviewer").post(
        f"/api/projects/{project}/annotations/{annotation_id}/reviews", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_accepted_review_finishes_the_task(session, world, as_):
    project, [task], offered = _in_review(session, world, as_, {})
    [pending] = offered["answers"]
    assert pending["regions"] == [scene("day")]
    _review(as_, project, pending["id"], verdict="accept")
    done = task_of(as_, project, task)
    assert (done["state"], done["result"]) == ("done", [scene("day")])


def test_rejected_work_goes_back_to_its_author_first(session, world, as_):
    project, tasks, offered = _in_review(session, world, as_, {"reject_to": "author"}, 3)
    _review(as_, project, offered["answers"][0]["id"], verdict="reject",
            error_categories=["wrong_class"], comment="it is night")
    assert task_of(as_, project, tasks[0])["state"] == "label"
    again = take(as_("annotator"), project)
    assert (again["task"]["id"], again["lease"]["kind"]) == (tasks[0], "directed")
    redone = submit(as_("annotator"), project, tasks[0], [scene("night")])
    assert redone.status_code == 201, redone.text
    assert redone.json()["parent_id"] == offered["answers"][0]["id"]
    assert task_of(as_, project, tasks[0])["state"] == "review"  # round 2 is drawn again


def test_rejected_work_goes_to_the_queue_for_someone_else(session, world, as_):
    project, [task], offered = _in_review(session, world, as_, {"reject_to": "queue"},
                                          annotators=("annotator", "a2"))
    _review(as_, project, offered["answers"][0]["id"], verdict="reject",
            error_categories=["wrong_class"], comment="it is night")
    back = task_of(as_, project, task)
    assert (back["state"], back["taken"], back["round"]) == ("label", 0, 2)
    assert take(as_("annotator"), project)["task"] is None
    assert taken_id(as_("a2"), project) == task


def test_a_fix_finishes_the_task_with_the_fixed_regions(session, world, as_):
    project, [task], offered = _in_review(session, world, as_, {})
    original = offered["answers"][0]["id"]
    fixed = _review(as_, project, original, verdict="fix", regions=[scene("night")])
    assert fixed["diff"] == {"added": [], "removed": [],
                             "changed": [{"id": "s", "fields": ["value"]}]}
    new = as_("reviewer").get(
        f"/api/projects/{project}/annotations/{fixed['fixed_annotation_id']}").json()
    assert (new["parent_id"], new["regions"]) == (original, [scene("night")])
    done = task_of(as_, project, task)
    assert (done["state"], done["result_source"], done["result"]) == (
        "done", "fix", [scene("night")])


# Gold tasks: served at their rate, indistinguishable to annotators, scored on submit.

def _keys(value: Any) -> Any:
    """The shape of a JSON value: its keys, recursively; lists by their first item."""
    if isinstance(value, dict):
        return {key: _keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_keys(value[0])] if value else []
    return None


def test_gold_is_served_at_its_rate_and_looks_like_any_other_task(session, world, as_):
    project, ids = make_project(session, world, as_, {"gold_rate": 0.99},
                                [*images(5), *golds(5)])
    gold_ids = set(ids[5:])
    annotator = as_("annotator")
    offers, answers = [], []
    for _ in range(6):  # five gold tasks: the sixth offer at the latest is a plain one
        offer = take(annotator, project)
        offers.append(offer)
        answers.append(submit(annotator, project, offer["task"]["id"], [scene("night")]))
    assert all(a.status_code == 201 for a in answers)
    served = [o["task"]["id"] for o in offers]
    assert sum(task_id in gold_ids for task_id in served[:5]) >= 4  # a 1 % miss may happen
    gold = next(i for i, t in enumerate(served) if t in gold_ids)
    plain = next(i for i, t in enumerate(served) if t not in gold_ids)
    assert _keys(offers[gold]) == _keys(offers[plain])
    assert _keys(answers[gold].json()) == _keys(answers[plain].json())
    for text in (answers[gold].text, str(offers[gold])):
        assert "gold" not in text

def test_a_gold_score_is_stored_and_shown_to_reviewers_only(session, world, as_):
    project, [right_task, wrong_task] = make_project(session, world, as_, {}, golds(2))
    right = submit(as_("annotator"), project, right_task, [scene("night")]).json()
    wrong = submit(as_("annotator"), project, wrong_task, [scene("day")]).json()
    url = f"/api/projects/{project}/annotations"
    assert as_("reviewer").get(f"{url}/{right['id']}").json()["gold_score"] == 1.0
    assert as_("manager").get(f"{url}/{wrong['id']}").json()["gold_score"] == 0.0
    assert "gold_score" not in as_("annotator").get(f"{url}/{right['id']}").json()
    assert task_of(as_, project, right_task)["state"] == "label"  # gold is never routed


# Submissions that cannot count are refused and kept as drafts.

def test_a_submission_to_a_task_whose_slots_are_taken_is_kept_as_a_draft(
        session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 1}, images(1),
                                   annotators=("a1", "a2"))
    assert taken_id(as_("a1"), project) == task
    refused = submit(as_("a2"), project, task, [scene("night")])
    assert refused.status_code == 409 and refused.json()["code"] == "not_assigned"
    draft = as_("a2").get(f"/api/projects/{project}/tasks/{task}/draft")
    assert draft.status_code == 200 and draft.json()["regions"] == [scene("night")]
    assert task_of(as_, project, task)["taken"] == 1


def test_resubmitting_while_in_label_replaces_the_answer_without_a_second_slot(
        session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 2}, images(1),
                                   annotators=("a1", "a2"))
    first = submit(as_("a1"), project, task, [scene("day")]).json()
    second = submit(as_("a1"), project, task, [scene("night")])
    assert second.status_code == 201, second.text
    assert second.json()["parent_id"] == first["id"]
    url = f"/api/projects/{project}/annotations/{first['id']}"
    assert as_("a1").get(url).json()["status"] == "superseded"
    assert task_of(as_, project, task)["taken"] == 1
    answer(as_("a2"), project, [scene("night")])
    done = task_of(as_, project, task)
    assert (done["state"], done["agreement"]) == ("done", 1.0)  # the replaced one left out


# Adaptive overlap: trust is earned over a window and lost as soon as the mean drops.

def test_a_trusted_annotator_needs_fewer_answers_until_they_disagree(session, world, as_):
    policy = {"overlap": 3, "adaptive_overlap": {"min_overlap": 1, "stable_agreement": 0.85,
                                                 "window": 2, "recheck": 0.0}}
    project, tasks = make_project(session, world, as_, policy, images(6),
                                  annotators=("trusted", "b", "c", "newcomer"))
    for task in tasks[:2]:  # two agreeing answers fill the window
        assert answer(as_("trusted"), project, [scene("day")]) == task
        assert task_of(as_, project, task)["overlap"] == 3  # not trusted yet
        for name in ("b", "c"):
            answer(as_(name), project, [scene("day")])
        assert task_of(as_, project, task)["state"] == "done"
    assert answer(as_("trusted"), project, [scene("day")]) == tasks[2]
    alone = task_of(as_, project, tasks[2])
    assert (alone["overlap"], alone["state"], alone["result_source"]) == (1, "done", "single")
    # the newcomer starts the next task, so it keeps the full overlap; the trusted one
    # disagrees with the other two there
    for name, cls in (("newcomer", "night"), ("trusted", "day"), ("b", "night")):
        assert answer(as_(name), project, [scene(cls)]) == tasks[3]
    assert answer(as_("trusted"), project, [scene("day")]) == tasks[4]
    assert task_of(as_, project, tasks[4])["overlap"] == 3
    assert task_of(as_, project, tasks[4])["state"] == "label"



def test_resubmitting_a_gold_answer_replaces_its_score(session, world, as_):
    policy = {"review_below_gold_accuracy": 0.5, "min_gold_answers": 2}
    project, [gold, plain] = make_project(session, world, as_, policy,
                                          [*golds(1), *images(1)])
    for cls in ("day", "day"):  # one gold answer, given twice: still too few to count
        assert submit(as_("annotator"), project, gold, [scene(cls)]).status_code == 201
    assert answer(as_("annotator"), project, [scene()]) == plain
    assert task_of(as_, project, plain)["state"] == "done"


def test_a_rejection_during_labeling_gives_the_slot_back(session, world, as_):
    project, [task] = make_project(session, world, as_, {"overlap": 2}, images(1),
                                   annotators=("a1", "a2", "a3"))
    early = submit(as_("a1"), project, task, [scene("day")]).json()
    _review(as_, project, early["id"], verdict="reject", error_categories=["wrong_class"],
            comment="it is night")
    assert task_of(as_, project, task)["taken"] == 0
    for name in ("a2", "a3"):
        answer(as_(name), project, [scene("night")])
    done = task_of(as_, project, task)
    assert (done["state"], done["agreement"]) == ("done", 1.0)


def test_a_reviewed_consensus_goes_back_only_for_the_rejected_answer(session, world, as_):
    policy = {"overlap": 3, "review_sample": 1.0, "reject_to": "author"}
    project, [task] = make_project(session, world, as_, policy, images(1), annotators=CREW)
    for name in CREW:
        answer(as_(name), project, [scene("day")])
    offered = take(as_("reviewer"), project, "review")
    by_author = {a["author_id"]: a["id"] for a in offered["answers"]}
    verdicts = {"a1": {"verdict": "accept"}, "a2": {"verdict": "accept"},
                "a3": {"verdict": "reject", "error_categories": ["missed_object"], "comment": "?"}}
    for name, verdict in verdicts.items():
        assert task_of(as_, project, task)["state"] == "review"  # until every answer is judged
        _review(as_, project, by_author[world.users[name]["id"]], **verdict)
    back = task_of(as_, project, task)
    assert (back["state"], back["round"], back["taken"]) == ("label", 2, 3)
    assert [take(as_(name), project)["task"] for name in ("a1", "a2")] == [None, None]
    again = take(as_("a3"), project)
    assert (again["task"]["id"], again["lease"]["kind"]) == (task, "directed")
    assert submit(as_("a3"), project, task, [scene("day")]).status_code == 201
    second = take(as_("reviewer"), project, "review")
    assert second["task"]["id"] == task
    pending = [a for a in second["answers"] if a["status"] == "submitted"]
    assert [a["author_id"] for a in pending] == [world.users["a3"]["id"]]
    _review(as_, project, pending[0]["id"], verdict="accept")
    done = task_of(as_, project, task)
    assert (done["state"], done["result_source"], done["agreement"]) == (
        "done", "consensus", 1.0)
