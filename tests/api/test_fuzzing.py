"""Hypothesis throws hostile input at the API: never a 500, never a changed database."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = st.one_of(
    st.sampled_from(["' OR 1=1--", "%", "_", "\x00", "a" * 5000, "../../etc/passwd",
                     "<script>alert(1)</script>", "updated_by.password", "a__b", "1e309"]),
    st.text(max_size=50))
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(key=HOSTILE, value=HOSTILE)
def test_task_list_filters_are_allowlisted_and_matched_literally(as_, world, key, value):
    response = as_("manager").get(f"/api/projects/{world.project_id}/tasks",
                                  params={key: value})
    if key in {"batch"}:
        assert response.status_code == 200 and response.json()["items"] == []
    elif key in {"cursor", "limit", "gold"}:
        assert response.status_code in {200, 422}
    else:
        assert response.status_code == 422 and response.json()["code"] == "invalid_input"


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | HOSTILE, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(HOSTILE, inner, max_size=4), max_leaves=12)


@FUZZ
@given(body=JSON)
def test_malformed_task_batches_are_refused_whole_with_a_clear_error(as_, world, body):
    url = f"/api/projects/{world.project_id}"
    before = as_("manager").get(url).json()["task_count"]
    response = as_("manager").post(f"{url}/tasks", json={"tasks": [body, "not a task"]})
    assert response.status_code == 422, response.text
    body_json = response.json()
    assert body_json["message"].startswith("tasks") or body_json["details"]["field"] == "body"
    assert as_("manager").get(url).json()["task_count"] == before


@FUZZ
@given(body=JSON)
def test_malformed_submissions_are_refused_and_store_nothing(as_, world, body):
    url = f"/api/projects/{world.project_id}/tasks/{world.task_ids[1]}/annotations"
    before = as_("annotator").get(url).json()["items"]
    response = as_("annotator").post(url, json={"regions": body})
    assert response.status_code in {201, 422}, response.text
    if response.status_code == 422:
        assert as_("annotator").get(url).json()["items"] == before
