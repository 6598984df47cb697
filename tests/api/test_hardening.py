"""Bad input, races and abuse found in review: each gets a clear 4xx and changes nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from builders import box


def task_count(as_, world) -> int:  # type: ignore[no-untyped-def]
    return as_("manager").get(f"/api/projects/{world.project_id}").json()["task_count"]


@pytest.mark.parametrize("body", [b'{"regions": [], "lead_time_s": NaN}',
                                  b'{"regions": [{"id": "\\ud800"}]}'])
def test_json_the_database_cannot_store_is_refused_at_the_door(as_, world, body):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}/draft"
    response = as_("annotator").put(url, content=body,
                                    headers={"content-type": "application/json"})
    assert response.status_code == 422 and "not valid" in response.json()["message"]


@pytest.mark.parametrize("path", ["/api/projects/99999999999", "/api/projects/1/tasks/"
                                  "99999999999999999999", "/api/users/9223372036854775808"])
def test_out_of_range_ids_are_not_found_or_invalid_never_500(as_, world, path):
    assert as_("admin").get(path).status_code in {404, 422}


def test_nul_characters_are_refused_the_same_way_on_every_backend(as_, world):
    url = f"/api/projects/{world.project_id}"
    before = task_count(as_, world)
    response = as_("manager").post(f"{url}/tasks", json={"tasks": [{"data": {"t": "a\x00b"}}]})
    assert response.status_code == 422 and "NUL" in response.json()["message"]
    comment = as_("annotator").post(f"{url}/tasks/{world.task_ids[1]}/comments",
                                    json={"body": "nul \x00 here"})
    assert comment.status_code == 422
    assert as_("manager").get(f"{url}/tasks?batch=%00").status_code == 422
    assert task_count(as_, world) == before


def test_huge_numbers_in_regions_are_refused(as_, world):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}/annotations"
    huge = {**box(), "value": {**box()["value"], "x": 10**400}}
    assert as_("annotator").post(url, json={"regions": [huge]}).status_code == 422
    prediction = [{"task_id": world.task_ids[1], "regions": [], "model_version": "m",
                   "score": 10**400}]
    response = as_("manager").post(f"/api/projects/{world.project_id}/predictions",
                                   json={"predictions": prediction})
    assert response.status_code == 422


def test_times_without_a_time_zone_are_refused(as_, world):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}/draft"
    response = as_("annotator").put(url, json={"regions": [],
                                               "started_at": "2026-01-01T10:00:00"})
    assert response.status_code == 422 and "started_at" in response.json()["message"]


def test_batch_and_priority_cannot_be_set_to_null(as_, world):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}"
    for field in ("batch", "priority"):
        assert as_("manager").patch(url, json={field: None}).status_code == 422
    assert as_("manager").patch(url, json={"priority": 2**40}).status_code == 422


def test_media_urls_with_active_schemes_are_refused(as_, world):
    url = f"/api/projects/{world.project_id}/tasks"
    for media_url in ("javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd"):
        response = as_("manager").post(url, json={"tasks": [
            {"data": {"image": "x.png"}, "media_url": media_url}]})
        assert response.status_code == 422 and "media_url" in response.json()["message"]
    ok = as_("manager").post(url, json={"tasks": [
        {"data": {"image": "y.png"}, "media_url": "s3://bucket/y.png"}]})
    assert ok.status_code == 201


def test_reusing_an_idempotency_key_for_different_work_conflicts(as_, world):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}/annotations"
    headers = {"Idempotency-Key": "k-1"}
    assert as_("annotator").post(url, json={"regions": [box()]},
                                 headers=headers).status_code == 201
    again = as_("annotator").post(url, json={"regions": [box(x=50)]}, headers=headers)
    assert again.status_code == 409 and again.json()["details"]["field"] == "Idempotency-Key"


def test_nobody_reads_another_persons_draft_by_id(as_, world):
    url = f"/api/projects/{world.project_id}"
    draft = as_("annotator").put(f"{url}/tasks/{world.task_ids[1]}/draft",
                                 json={"regions": [box()]}).json()
    assert as_("reviewer").get(f"{url}/annotations/{draft['id']}").status_code == 404
    assert as_("annotator").get(f"{url}/annotations/{draft['id']}").status_code == 200


def test_a_task_with_submitted_work_is_deleted_only_with_force(as_, world):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[0]}"
    refused = as_("manager").delete(url)
    assert refused.status_code == 409 and refused.json()["details"]["annotations"] == 1
    assert as_("manager").get(url).status_code == 200
    assert as_("manager").delete(f"{url}?force=true").status_code == 204
    assert as_("manager").get(url).status_code == 404


def test_imported_work_keeps_its_status_stage_and_versions(as_, world):
    url = f"/api/projects/{world.project_id}"
    record = {"data": {"image": "history.png"}, "annotations": [
        {"regions": [box()], "author": "annotator@example.org", "status": "accepted",
         "stage": "review", "schema_version": 1, "guideline_version": 0,
         "submitted_at": "2026-03-01T12:00:00+00:00", "lead_time_s": 9.5}]}
    assert as_("manager").post(f"{url}/tasks", json={"tasks": [record]}).status_code == 201
    exported = [line for line in as_("manager").get(f"{url}/export").text.splitlines()
                if "history.png" in line]
    import json
    [annotation] = json.loads(exported[0])["annotations"]
    assert (annotation["status"], annotation["stage"], annotation["submitted_at"]) == (
        "accepted", "review", "2026-03-01T12:00:00+00:00")
    bad = {**record, "data": {"image": "bad.png"},
           "annotations": [{"regions": [], "status": "draft"}]}
    response = as_("manager").post(f"{url}/tasks", json={"tasks": [bad]})
    assert response.status_code == 422 and "status" in response.json()["message"]


def test_logout_from_another_site_is_refused(client, world):
    client.post("/api/auth/login", json={"email": "annotator@example.org",
                                         "password": "correct-horse"})
    refused = client.post("/api/auth/logout", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert client.get("/api/auth/me").status_code == 200


def test_a_new_password_needs_the_current_one_and_ends_other_sessions(app, as_, client, world):
    me = world.users["annotator"]["id"]
    client.post("/api/auth/login", json={"email": "annotator@example.org",
                                         "password": "correct-horse"})
    refused = as_("annotator").patch(f"/api/users/{me}", json={"password": "new-password-1"})
    assert refused.status_code == 403 and refused.json()["code"] == "wrong_password"
    changed = as_("annotator").patch(f"/api/users/{me}", json={
        "password": "new-password-1", "current_password": "correct-horse"})
    assert changed.status_code == 200
    assert client.get("/api/auth/me").status_code == 401
    with TestClient(app) as fresh:
        assert fresh.post("/api/auth/login", json={"email": "annotator@example.org",
                                                   "password": "new-password-1"}).status_code == 200


def test_a_cross_scheme_origin_is_refused(client, world):
    csrf = client.post("/api/auth/login", json={"email": "manager@example.org",
                                                "password": "correct-horse"}).json()["csrf_token"]
    response = client.patch(f"/api/projects/{world.project_id}", json={"name": "x"},
                            headers={"X-CSRF-Token": csrf, "Origin": "https://testserver"})
    assert response.status_code == 403
