"""What a review tells the annotator: error categories from the project's taxonomy, comments
pinned to regions, work sent back with its reviews, and the diff of a fix at any later time."""

from __future__ import annotations

from typing import Any

import pytest

from accord.core.workflow import DEFAULT_REVIEW_CATEGORIES
from tests.api.workflow_support import (
    answer,
    fresh_requests,
    images,
    make_project,
    scene,
    submit,
    take,
)


@pytest.fixture
def app(app, session):  # type: ignore[no-untyped-def]
    return fresh_requests(app, session)


def _in_review(session, world, as_, policy: dict[str, Any] | None = None,
               annotators: tuple[str, ...] = ("annotator",)) -> tuple[int, int, dict]:
    """A project whose one task the annotator answered and the reviewer now holds: the
    project, the task and the pending answer."""
    project, [task] = make_project(session, world, as_, {"review_sample": 1.0, **(policy or {})},
                                   images(1), annotators=annotators)
    answer(as_(annotators[0]), project, [scene("day", "s1")])
    [pending] = take(as_("reviewer"), project, "review")["answers"]
    return project, task, pending


def _review(as_, project: int, annotation_id: int, **body: Any) -> Any:
    return as_("reviewer").post(
        f"/api/projects/{project}/annotations/{annotation_id}/reviews", json=body)


# 1. The project's error taxonomy


def test_the_workflow_shows_the_qa_taxonomy_as_the_default_review_categories(
        session, world, as_):
    project, _ = make_project(session, world, as_, {}, images(1))
    shown = as_("reviewer").get(f"/api/projects/{project}/workflow").json()
    assert shown["review_categories"] == [
        {"name": c.name, "description": c.description} for c in DEFAULT_REVIEW_CATEGORIES]
    assert shown["review_categories"][0] == {
        "name": "missed_object", "description": "An object in the image has no region"}


def test_a_rejection_takes_only_the_projects_categories(session, world, as_):
    project, _, pending = _in_review(session, world, as_)
    refused = _review(as_, project, pending["id"], verdict="reject",
                      error_categories=["wrong_class", "blurry"])
    assert refused.status_code == 422
    error = refused.json()
    assert error["details"]["field"] == "error_categories[1]"
    assert "'blurry' is not one of the project's review categories" in error["message"]
    assert "allowed: missed_object, extra_object, wrong_class" in error["message"]
    assert error["details"]["allowed"][:2] == ["missed_object", "extra_object"]
    assert as_("reviewer").get(f"/api/projects/{project}/reviews").json()["items"] == []
    accepted = _review(as_, project, pending["id"], verdict="reject",
                       error_categories=["wrong_class"])
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["error_categories"] == ["wrong_class"]


def test_a_manager_sets_the_taxonomy_and_reviewers_use_its_names(session, world, as_):
    project, _, pending = _in_review(session, world, as_)
    taxonomy = [{"name": "Too big", "description": "the box is larger than the object"},
                {"name": "blurry image", "description": ""}]
    changed = as_("manager").patch(f"/api/projects/{project}/workflow",
                                   json={"review_categories": taxonomy})
    assert changed.status_code == 200, changed.text
    assert changed.json()["review_categories"] == taxonomy
    old_name = _review(as_, project, pending["id"], verdict="reject",
                       error_categories=["loose_geometry"])
    assert old_name.status_code == 422
    assert old_name.json()["details"]["field"] == "error_categories[0]"
    assert "allowed: Too big, blurry image" in old_name.json()["message"]
    done = _review(as_, project, pending["id"], verdict="reject",
                   error_categories=["Too big", "blurry image"])
    assert done.status_code == 201, done.text
    # the QA report maps the project's names onto the taxonomy, or keeps them as custom
    errors = as_("reviewer").get(f"/api/projects/{project}/qa/errors").json()["errors"]
    assert errors["by_source"]["review"] == {"loose_geometry": 1, "blurry image": 1}


def test_a_bad_taxonomy_is_refused_naming_the_entry(session, world, as_):
    project, _ = make_project(session, world, as_, {}, images(1))
    url = f"/api/projects/{project}/workflow"
    twice = as_("manager").patch(url, json={"review_categories": [{"name": "a"},
                                                                  {"name": "a"}]})
    assert twice.status_code == 422
    assert twice.json()["details"]["field"] == "workflow.review_categories[1].name"
    empty = as_("manager").patch(url, json={"review_categories": []})
    assert empty.json()["details"]["field"] == "workflow.review_categories"
    assert as_("reviewer").patch(url, json={"review_categories": [{"name": "x"}]}
                                 ).status_code == 403


# 2. Comments pinned to regions


def test_region_comments_are_stored_with_the_review_and_shown_wherever_it_is(
        session, world, as_):
    project, task, pending = _in_review(session, world, as_)
    made = _review(as_, project, pending["id"], verdict="reject",
                   error_categories=["wrong_class"], comment="look again",
                   region_comments=[{"region_id": "s1", "body": "this is a night scene"},
                                    {"region_id": "s1", "body": "<b>see the stars</b>"}])
    assert made.status_code == 201, made.text
    review = made.json()
    pinned = review["region_comments"]
    assert [(c["region_id"], c["body"]) for c in pinned] == [
        ("s1", "this is a night scene"), ("s1", "<b>see the stars</b>")]
    assert all(isinstance(c["id"], int) for c in pinned)
    mine = as_("annotator").get(f"/api/projects/{project}/reviews").json()["items"]
    assert [r["region_comments"] for r in mine] == [pinned]
    of_answer = as_("annotator").get(
        f"/api/projects/{project}/annotations/{pending['id']}/reviews").json()["items"]
    assert of_answer[0]["region_comments"] == pinned
    comments = as_("annotator").get(f"/api/projects/{project}/tasks/{task}/comments").json()
    assert [(c["id"], c["annotation_id"], c["region_id"], c["author_id"]) for c in comments] == [
        (c["id"], pending["id"], "s1", world.users["reviewer"]["id"]) for c in pinned]


def test_a_comment_on_the_task_is_not_taken_for_the_reviews(session, world, as_):
    project, task, pending = _in_review(session, world, as_)
    as_("reviewer").post(f"/api/projects/{project}/tasks/{task}/comments",
                         json={"body": "later", "annotation_id": pending["id"],
                               "region_id": "s1"})
    made = _review(as_, project, pending["id"], verdict="accept")
    assert made.json()["region_comments"] == []
    listed = as_("reviewer").get(f"/api/projects/{project}/reviews").json()["items"]
    assert listed[0]["region_comments"] == []


@pytest.mark.parametrize(("comments", "field", "message"), [
    ([{"region_id": "nope", "body": "x"}], "region_comments[0].region_id", "no region 'nope'"),
    ([{"region_id": "s1", "body": "ok"}, {"region_id": "s1", "body": "  "}],
     "region_comments[1].body", "1 to 5000 characters"),
    ([{"region_id": "s1", "body": "x" * 5001}], "region_comments[0].body", "5000"),
    ([{"region_id": "s1", "body": "x"}] * 101, "region_comments", "up to 100"),
])
def test_a_bad_region_comment_is_refused_and_nothing_is_stored(session, world, as_, comments,
                                                               field, message):
    project, task, pending = _in_review(session, world, as_)
    refused = _review(as_, project, pending["id"], verdict="reject",
                      error_categories=["wrong_class"], region_comments=comments)
    assert refused.status_code == 422
    assert refused.json()["details"]["field"] == field and message in refused.json()["message"]
    assert as_("reviewer").get(f"/api/projects/{project}/tasks/{task}/comments").json() == []
    annotation = as_("reviewer").get(f"/api/projects/{project}/annotations/{pending['id']}")
    assert annotation.json()["status"] == "submitted"


def test_region_comments_take_no_unknown_fields(session, world, as_):
    project, _, pending = _in_review(session, world, as_)
    refused = _review(as_, project, pending["id"], verdict="accept",
                      region_comments=[{"region_id": "s1", "body": "x", "x": 1}])
    assert refused.status_code == 422


# 3. What the annotator sees when work is sent back


def test_work_sent_back_comes_with_the_rejected_answer_and_its_reviews(session, world, as_):
    project, task, pending = _in_review(session, world, as_, {"reject_to": "author"})
    counts = as_("annotator").get(f"/api/projects/{project}/queues").json()
    assert counts["label"]["returned"] == 0
    _review(as_, project, pending["id"], verdict="reject", error_categories=["wrong_class"],
            comment="it is night", region_comments=[{"region_id": "s1", "body": "night"}])
    counts = as_("annotator").get(f"/api/projects/{project}/queues").json()
    assert (counts["label"]["returned"], counts["label"]["mine"]) == (1, 1)
    offered = take(as_("annotator"), project)
    assert offered["task"]["id"] == task and offered["draft"] is None
    returned = offered["returned"]
    assert returned["annotation"]["id"] == pending["id"]
    assert returned["annotation"]["status"] == "rejected"
    assert returned["annotation"]["regions"] == [scene("day", "s1")]
    [review] = returned["reviews"]
    assert (review["verdict"], review["error_categories"], review["comment"]) == (
        "reject", ["wrong_class"], "it is night")
    assert [(c["region_id"], c["body"]) for c in review["region_comments"]] == [("s1", "night")]
    # a draft the annotator saves stays theirs, beside what was returned
    saved = as_("annotator").put(f"/api/projects/{project}/tasks/{task}/draft",
                                 json={"regions": [scene("night", "s1")]})
    assert saved.status_code == 200, saved.text
    again = take(as_("annotator"), project)
    assert again["draft"]["regions"] == [scene("night", "s1")]
    assert again["returned"]["annotation"]["id"] == pending["id"]
    assert submit(as_("annotator"), project, task, [scene("night", "s1")]).status_code == 201
    counts = as_("annotator").get(f"/api/projects/{project}/queues").json()
    assert (counts["label"]["returned"], counts["label"]["mine"]) == (0, 0)


def test_the_reviews_of_returned_work_are_newest_first_and_of_the_latest_answer(
        session, world, as_):
    project, task, pending = _in_review(session, world, as_, {"reject_to": "author"})
    _review(as_, project, pending["id"], verdict="reject", error_categories=["wrong_class"])
    second_look = as_("manager").post(
        f"/api/projects/{project}/annotations/{pending['id']}/reviews",
        json={"verdict": "reject", "error_categories": ["missed_object"]})
    assert second_look.status_code == 201, second_look.text
    returned = take(as_("annotator"), project)["returned"]
    assert [r["error_categories"] for r in returned["reviews"]] == [
        ["missed_object"], ["wrong_class"]]
    redone = submit(as_("annotator"), project, task, [scene("night", "s1")])
    assert redone.status_code == 201, redone.text
    [again] = take(as_("reviewer"), project, "review")["answers"]
    assert again["id"] == redone.json()["id"]
    _review(as_, project, again["id"], verdict="reject", error_categories=["extra_object"])
    returned = take(as_("annotator"), project)["returned"]
    assert returned["annotation"]["id"] == again["id"]
    assert [r["error_categories"] for r in returned["reviews"]] == [["extra_object"]]


def test_a_new_task_from_the_queue_is_not_returned_work(session, world, as_):
    project, _ = make_project(session, world, as_, {}, images(2))
    offered = take(as_("annotator"), project)
    assert "returned" in offered and offered["returned"] is None


def test_with_reject_to_queue_nothing_is_returned_to_anyone(session, world, as_):
    project, task, pending = _in_review(session, world, as_, {"reject_to": "queue"},
                                        annotators=("annotator", "a2"))
    _review(as_, project, pending["id"], verdict="reject", error_categories=["wrong_class"])
    for name in ("annotator", "a2"):
        assert as_(name).get(f"/api/projects/{project}/queues").json()["label"]["returned"] == 0
    offered = take(as_("a2"), project)
    assert offered["task"]["id"] == task and offered["returned"] is None


# 4. The diff of a fix, any time later


def test_the_diff_of_a_fix_is_there_later_with_both_versions(session, world, as_):
    project, _, pending = _in_review(session, world, as_)
    fixed = _review(as_, project, pending["id"], verdict="fix",
                    regions=[scene("night", "s2")]).json()
    assert fixed["diff"] == {"added": ["s2"], "removed": ["s1"], "changed": []}
    url = f"/api/projects/{project}/annotations/{fixed['fixed_annotation_id']}/diff"
    later = as_("reviewer").get(url)
    assert later.status_code == 200, later.text
    assert later.json() == {
        "annotation_id": fixed["fixed_annotation_id"], "parent_id": pending["id"],
        "added": ["s2"], "removed": ["s1"], "changed": [],
        "before": [scene("day", "s1")], "after": [scene("night", "s2")]}
    assert as_("annotator").get(url).status_code == 403


def test_a_resubmission_after_a_rejection_has_the_diff_of_what_the_author_changed(
        session, world, as_):
    project, task, pending = _in_review(session, world, as_, {"reject_to": "author"})
    _review(as_, project, pending["id"], verdict="reject", error_categories=["wrong_class"])
    redone = submit(as_("annotator"), project, task, [scene("night", "s1")]).json()
    diff = as_("reviewer").get(f"/api/projects/{project}/annotations/{redone['id']}/diff")
    assert diff.json()["parent_id"] == pending["id"]
    assert diff.json()["changed"] == [{"id": "s1", "fields": ["value"]}]


def test_an_annotation_without_an_earlier_version_has_no_diff(session, world, as_):
    project, _, pending = _in_review(session, world, as_)
    missing = as_("reviewer").get(f"/api/projects/{project}/annotations/{pending['id']}/diff")
    assert missing.status_code == 404
    assert "no earlier version" in missing.json()["message"]
    unknown = as_("reviewer").get(f"/api/projects/{project}/annotations/999999/diff")
    assert unknown.status_code == 404
