"""Tasks, drafts and submissions through the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

from accord.core.records import Role
from accord.services import projects, users
from builders import SCHEMA, SECRET, World, box, caller_of, make_user


def test_bulk_create_of_ten_thousand_tasks_is_one_request_and_one_transaction(as_, world):
    tasks = [{"data": {"image": f"img/{i:05d}.png"}, "batch": "b1"} for i in range(10_000)]
    response = as_("manager").post(f"/api/projects/{world.project_id}/tasks",
                                   json={"tasks": tasks})
    assert response.status_code == 201, response.text
    assert response.json()["created"] == 10_000
    project = as_("manager").get(f"/api/projects/{world.project_id}").json()
    assert project["task_count"] == 10_003


def test_one_bad_task_rejects_the_whole_batch_and_names_it(as_, world):
    tasks = [{"data": {"image": "ok.png"}},
             {"data": {"image": "bad.png"}, "gold": [box(cls="unicorn")]}]
    response = as_("manager").post(f"/api/projects/{world.project_id}/tasks",
                                   json={"tasks": tasks})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"].startswith("tasks[1]: gold")
    assert "unicorn" in body["message"]
    assert as_("manager").get(f"/api/projects/{world.project_id}").json()["task_count"] == 3


def test_importing_the_same_tasks_again_adds_no_duplicates(as_, world):
    tasks = [{"data": {"image": "a.png"}}, {"data": {"image": "new.png"}}]
    body = as_("manager").post(f"/api/projects/{world.project_id}/tasks",
                               json={"tasks": tasks}).json()
    assert body["created"] == 1 and body["skipped_duplicates"] == 1


def test_annotators_never_see_gold_answers_or_which_tasks_are_gold(as_, world):
    client = as_("annotator")
    listed = client.get(f"/api/projects/{world.project_id}/tasks").json()["items"]
    detail = client.get(f"/api/projects/{world.project_id}/tasks/{world.gold_task_id}").json()
    for task in [*listed, detail]:
        assert "gold" not in task and "is_gold" not in task
    assert client.get(f"/api/projects/{world.project_id}/tasks?gold=true").status_code == 422
    reviewer_view = as_("reviewer").get(
        f"/api/projects/{world.project_id}/tasks/{world.gold_task_id}").json()
    assert reviewer_view["is_gold"] is True and reviewer_view["gold"][0]["id"] == "g1"


def test_annotators_see_only_their_own_annotations(as_, world, session):
    second = make_user(session, "second@example.org")
    projects.add_member(session, caller_of(world.users["manager"]), world.project_id,
                        "second@example.org", Role.ANNOTATOR)
    token = users.create_token(session, None, second["id"], SECRET)["token"]
    client = as_("anonymous")
    client.headers["Authorization"] = f"Bearer {token}"
    url = f"/api/projects/{world.project_id}"
    assert client.get(f"{url}/annotations").json()["items"] == []
    assert client.get(f"{url}/tasks/{world.task_ids[0]}/annotations").json()["items"] == []
    assert client.get(f"{url}/annotations/{world.annotation_id}").status_code == 404
    assert len(as_("reviewer").get(f"{url}/annotations").json()["items"]) == 1


def test_a_draft_is_kept_on_the_server_and_replaced_by_the_submission(as_, world):
    client = as_("annotator")
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}"
    assert client.get(f"{url}/draft").status_code == 404
    saved = client.put(f"{url}/draft", json={"regions": [box("d1")], "lead_time_s": 3}).json()
    assert saved["status"] == "draft"
    again = client.put(f"{url}/draft", json={"regions": [box("d1"), box("d2", x=50)]}).json()
    assert again["id"] == saved["id"] and again["version"] == 2
    assert [r["id"] for r in client.get(f"{url}/draft").json()["regions"]] == ["d1", "d2"]
    submitted = client.post(f"{url}/annotations", json={"regions": [box("d1")]})
    assert submitted.status_code == 201 and submitted.json()["status"] == "submitted"
    assert client.get(f"{url}/draft").status_code == 404


def test_a_stale_draft_never_overwrites_newer_work(as_, world):
    """Browser tabs send `base_version`; a save continuing an older version stores nothing."""
    client = as_("annotator")
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}"
    first = client.put(f"{url}/draft", json={"regions": [box("a")], "base_version": 0})
    assert first.status_code == 200 and first.json()["version"] == 1
    second = client.put(f"{url}/draft", json={"regions": [box("b")], "base_version": 1})
    assert second.json()["version"] == 2 and second.json()["regions"][0]["id"] == "b"
    stale = client.put(f"{url}/draft", json={"regions": [box("old")], "base_version": 1})
    assert stale.status_code == 409, stale.text
    assert stale.json()["code"] == "stale_draft"
    assert stale.json()["details"]["current_version"] == 2
    assert client.get(f"{url}/draft").json()["regions"][0]["id"] == "b"
    again_new = client.put(f"{url}/draft", json={"regions": [box("old")], "base_version": 0})
    assert again_new.status_code == 409  # a second tab that started from no draft
    client.post(f"{url}/annotations", json={"regions": [box("b")]})
    late = client.put(f"{url}/draft", json={"regions": [box("b"), box("c", x=60)],
                                            "base_version": 2})
    assert late.status_code == 409 and late.json()["details"]["current_version"] == 0
    assert "submitted or discarded" in late.json()["message"]
    assert client.get(f"{url}/draft").status_code == 404


def test_submitting_twice_with_one_idempotency_key_stores_one_annotation(as_, world):
    client = as_("annotator")
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}/annotations"
    headers = {"Idempotency-Key": "submit-123"}
    first = client.post(url, json={"regions": [box()]}, headers=headers)
    second = client.post(url, json={"regions": [box()]}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert len(client.get(url).json()["items"]) == 1


def test_a_submission_is_checked_against_the_schema_and_stamped_with_versions(as_, world):
    client = as_("annotator")
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}/annotations"
    bad = client.post(url, json={"regions": [box(cls="truck")]})
    assert bad.status_code == 422 and "truck" in bad.json()["message"]
    as_("manager").post(f"/api/projects/{world.project_id}/guidelines/versions",
                        json={"body": "Be precise."})
    good = client.post(url, json={"regions": [box()], "lead_time_s": 12.5}).json()
    assert good["schema_version"] == 1 and good["guideline_version"] == 1
    assert good["lead_time_s"] == 12.5


def test_a_submission_against_an_old_schema_conflicts_and_keeps_the_work_as_a_draft(as_, world):
    narrowed = {**SCHEMA, "labels": [SCHEMA["labels"][1]]}
    assert as_("manager").post(f"/api/projects/{world.project_id}/schema/versions",
                               json={"schema": narrowed}).status_code == 201
    client = as_("annotator")
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}"
    response = client.post(f"{url}/annotations",
                           json={"regions": [box()], "schema_version": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "schema_changed"
    assert response.json()["details"]["current_schema_version"] == 2
    assert client.get(f"{url}/draft").json()["regions"] == [box()]


def test_objects_of_another_project_answer_404_even_to_its_members(as_, world: World):
    url = f"/api/projects/{world.project_id}"
    outsider = as_("outsider")
    assert outsider.get(f"{url}/tasks").status_code == 404
    other = f"/api/projects/{world.other_project_id}"
    # a real task id of project A, asked for under project B where the caller is manager
    assert outsider.get(f"{other}/tasks/{world.task_ids[0]}").status_code == 404
    assert outsider.get(f"{other}/annotations/{world.annotation_id}").status_code == 404
    assert outsider.patch(f"{other}/tasks/{world.task_ids[0]}",
                          json={"priority": 9}).status_code == 404
    assert as_("manager").get(f"{url}/tasks/{world.task_ids[0]}").json()["priority"] == 0


def test_task_lists_refuse_unknown_filters_and_page_by_cursor(as_, world):
    client = as_("manager")
    url = f"/api/projects/{world.project_id}/tasks"
    refused = client.get(f"{url}?updated_by__password=x")
    assert refused.status_code == 422 and "updated_by__password" in refused.json()["message"]
    first = client.get(f"{url}?limit=2").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"{url}?limit=2&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert client.get(f"{url}?cursor=not-a-cursor").status_code == 422
    assert client.get(f"{url}?batch=%27%20OR%201%3D1--").json()["items"] == []


def test_predictions_are_stored_in_bulk_and_listed_per_task(as_, world):
    url = f"/api/projects/{world.project_id}"
    items = [{"task_id": t, "regions": [box()], "model_version": "m1", "score": 0.7}
             for t in world.task_ids]
    assert as_("manager").post(f"{url}/predictions",
                               json={"predictions": items}).json() == {"created": 3}
    listed = as_("annotator").get(f"{url}/tasks/{world.task_ids[0]}/predictions").json()
    assert listed[0]["model_version"] == "m1" and listed[0]["score"] == 0.7
    foreign = [{"task_id": 999_999, "regions": [], "model_version": "m1"}]
    refused = as_("manager").post(f"{url}/predictions", json={"predictions": foreign})
    assert refused.status_code == 422 and "999999" in refused.json()["message"]


def test_geometry_is_checked_against_the_image_size_in_the_task_data(as_, world):
    inside = {**SCHEMA, "labels": [{**SCHEMA["labels"][0], "rules": {"inside_image": True}}]}
    url = f"/api/projects/{world.project_id}"
    as_("manager").post(f"{url}/schema/versions", json={"schema": inside})
    as_("manager").post(f"{url}/tasks", json={"tasks": [
        {"data": {"image": "sized.png", "width": 100, "height": 80}}]})
    task = next(t for t in as_("manager").get(f"{url}/tasks").json()["items"]
                if t["data"]["image"] == "sized.png")
    submit = f"{url}/tasks/{task['id']}/annotations"
    outside = as_("annotator").post(submit, json={"regions": [box(x=90, w=20)]})
    assert outside.status_code == 422
    assert outside.json()["details"]["problems"][0]["region_id"] == "r1"
    assert as_("annotator").post(submit, json={"regions": [box(x=70, w=20)]}).status_code == 201
