"""Reviews, comments, flags and the audit log."""

from __future__ import annotations

from builders import box


def test_a_reviewer_accepts_and_the_annotation_is_accepted(as_, world):
    url = f"/api/projects/{world.project_id}/annotations/{world.annotation_id}"
    review = as_("reviewer").post(f"{url}/reviews", json={"verdict": "accept"})
    assert review.status_code == 201
    assert as_("annotator").get(url).json()["status"] == "accepted"
    mine = as_("annotator").get(f"{url}/reviews").json()["items"]
    assert [r["verdict"] for r in mine] == ["accept"]


def test_a_rejection_needs_an_error_category(as_, world):
    url = f"/api/projects/{world.project_id}/annotations/{world.annotation_id}/reviews"
    refused = as_("reviewer").post(url, json={"verdict": "reject"})
    assert refused.status_code == 422 and refused.json()["details"]["field"] == "error_categories"
    accepted = as_("reviewer").post(url, json={"verdict": "reject", "comment": "box too loose",
                                               "error_categories": ["loose_geometry"]})
    assert accepted.status_code == 201


def test_a_fix_is_a_new_linked_version_and_the_response_carries_the_diff(as_, world):
    url = f"/api/projects/{world.project_id}/annotations/{world.annotation_id}"
    fixed = as_("reviewer").post(f"{url}/reviews", json={
        "verdict": "fix", "regions": [box("r1", x=12), box("r2", cls="person")]}).json()
    assert fixed["diff"] == {"added": ["r2"], "removed": [],
                             "changed": [{"id": "r1", "fields": ["value"]}]}
    new = as_("reviewer").get(f"/api/projects/{world.project_id}/annotations/"
                              f"{fixed['fixed_annotation_id']}").json()
    assert new["parent_id"] == world.annotation_id and new["stage"] == "review"
    assert as_("reviewer").get(url).json()["status"] == "superseded"


def test_nobody_reviews_their_own_work(as_, world):
    client = as_("manager")
    url = f"/api/projects/{world.project_id}"
    mine = client.post(f"{url}/tasks/{world.task_ids[1]}/annotations",
                       json={"regions": [box()]}).json()
    response = client.post(f"{url}/annotations/{mine['id']}/reviews", json={"verdict": "accept"})
    assert response.status_code == 403


def test_a_stale_review_conflicts(as_, world):
    url = f"/api/projects/{world.project_id}/annotations/{world.annotation_id}/reviews"
    assert as_("reviewer").post(url, json={"verdict": "accept", "version": 1}).status_code == 201
    stale = as_("manager").post(url, json={"verdict": "reject", "version": 1,
                                           "error_categories": ["wrong_class"]})
    assert stale.status_code == 409 and stale.json()["details"]["current_version"] == 2


def test_flags_wait_in_the_managers_queue_until_resolved(as_, world):
    url = f"/api/projects/{world.project_id}"
    flag = as_("annotator").post(f"{url}/tasks/{world.task_ids[1]}/flags",
                                 json={"note": "Is a square a rectangle?"}).json()
    queue = as_("reviewer").get(f"{url}/flags?status=open").json()["items"]
    assert [f["id"] for f in queue] == [flag["id"]]
    resolved = as_("manager").post(f"{url}/flags/{flag['id']}/resolve",
                                   json={"resolution": "Yes; see guideline v2"}).json()
    assert resolved["status"] == "resolved"
    assert as_("reviewer").get(f"{url}/flags?status=open").json()["items"] == []


def test_annotators_see_only_comments_on_their_own_work(as_, world):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[0]}/comments"
    as_("reviewer").post(url, json={"body": "loose box", "annotation_id": world.annotation_id,
                                    "region_id": "r1"})
    as_("reviewer").post(url, json={"body": "GOLD_SENTINEL: the answer is a person"})
    assert [c["body"] for c in as_("annotator").get(url).json()] == ["loose box"]
    assert [c["body"] for c in as_("manager").get(url).json()] == [
        "loose box", "GOLD_SENTINEL: the answer is a person"]


def test_every_change_lands_in_the_audit_log_which_cannot_be_edited(as_, world, session):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    url = f"/api/projects/{world.project_id}"
    as_("manager").patch(url, json={"name": "Renamed"})
    actions = [e["action"] for e in as_("manager").get(f"{url}/audit?limit=100").json()["items"]]
    assert "project.create" in actions and "project.update" in actions
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("UPDATE audit_log SET action = 'forged'"))
    session.rollback()


def test_only_the_author_edits_a_comment_and_a_manager_may_delete_it(as_, world):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[0]}/comments"
    comment = as_("reviewer").post(url, json={"body": "typo"}).json()
    assert as_("reviewer").patch(f"{url}/{comment['id']}",
                                 json={"body": "fixed"}).json()["body"] == "fixed"
    assert as_("manager").patch(f"{url}/{comment['id']}", json={"body": "x"}).status_code == 403
    assert as_("annotator").delete(f"{url}/{comment['id']}").status_code == 404
    assert as_("manager").delete(f"{url}/{comment['id']}").status_code == 204
    assert as_("reviewer").get(url).json() == []


def test_a_manager_deletes_a_stale_prediction(as_, world):
    url = f"/api/projects/{world.project_id}"
    as_("manager").post(f"{url}/predictions", json={"predictions": [
        {"task_id": world.task_ids[0], "regions": [box()], "model_version": "old"}]})
    [prediction] = as_("manager").get(f"{url}/tasks/{world.task_ids[0]}/predictions").json()
    assert as_("manager").delete(f"{url}/predictions/{prediction['id']}").status_code == 204
    assert as_("manager").get(f"{url}/tasks/{world.task_ids[0]}/predictions").json() == []
    assert as_("manager").delete(f"{url}/predictions/{prediction['id']}").status_code == 404
