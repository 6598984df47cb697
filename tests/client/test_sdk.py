"""The Python SDK against the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sdk_support import Recording, scene

from accord.client import ApiError, Client
from builders import SCHEMA, World, box


def http_of(client: Client) -> Recording:
    recording = client._http
    assert isinstance(recording, Recording)
    return recording


def test_an_admin_sets_up_a_project_with_schema_guidelines_and_tasks(sdk, world: World
                                                                     ) -> None:
    accord = sdk("admin")
    assert accord.me()["email"] == "admin@example.org"
    project = accord.create_project("Roads", description="dash cams", schema=SCHEMA)
    assert project["name"] == "Roads" and project["role"] == "manager"
    pid = project["id"]
    assert accord.get_schema(pid)["version"] == 1

    with_bikes = copy.deepcopy(SCHEMA)
    with_bikes["labels"][0]["classes"].append({"name": "bike"})
    published = accord.publish_schema(pid, with_bikes, note="bikes too")
    assert published["version"] == 2 and published["note"] == "bikes too"
    assert accord.get_schema(pid)["version"] == 2
    assert [c["name"] for c in accord.get_schema(pid, 1)["schema"]["labels"][0]["classes"]] \
        == ["car", "person"]

    assert accord.publish_guidelines(pid, "# Roads\nBox every car.\n")["version"] == 1
    second = accord.publish_guidelines(pid, "# Roads\nBox every car and bike.\n", "bikes")
    assert second["version"] == 2 and "+Box every car and bike." in second["diff"]
    assert accord.get_guidelines(pid)["body"] == "# Roads\nBox every car and bike.\n"
    assert accord.get_guidelines(pid, 1)["body"] == "# Roads\nBox every car.\n"

    report = accord.create_tasks(pid, [
        {"data": {"image": "a.png"}},
        {"data": {"image": "b.png"}, "gold": [box("g1", "bike")]},
        {"data": {"image": "a.png"}}])
    assert report == {"created": 2, "skipped_duplicates": 1, "annotations": 0,
                      "predictions": 0}
    assert accord.get_project(pid)["task_count"] == 2
    assert pid in {p["id"] for p in accord.list_projects()}


def test_list_tasks_pages_lazily_through_every_task_in_id_order(sdk, world: World) -> None:
    accord = sdk("manager")
    lazy = accord.list_tasks(world.project_id)
    assert http_of(accord).calls == []
    assert next(lazy)["id"] == world.task_ids[0]
    assert len(http_of(accord).calls) == 1
    accord.create_tasks(world.project_id, [{"data": {"image": f"img/{i:04d}.png"},
                                            "batch": "bulk"} for i in range(1201)])
    before = len(http_of(accord).calls)
    tasks = list(accord.list_tasks(world.project_id))
    ids = [t["id"] for t in tasks]
    assert len(ids) == 1204 and ids == sorted(set(ids))
    pages = [c.params for c in http_of(accord).calls[before:]]
    assert len(pages) == 3 and "cursor" not in pages[0]
    assert all("cursor" in p for p in pages[1:])
    assert len(list(accord.list_tasks(world.project_id, batch="bulk"))) == 1201


def test_list_tasks_honours_the_page_size_it_is_given(sdk, world: World) -> None:
    accord = sdk("manager")
    assert len(list(accord.list_tasks(world.project_id, limit=2))) == 3
    pages = [c.params for c in http_of(accord).calls if c.method == "GET"]
    assert [p["limit"] for p in pages] == [2, 2]


def test_a_retried_submission_with_the_same_idempotency_key_is_stored_once(sdk, world: World
                                                                           ) -> None:
    accord = sdk("annotator")
    task = world.task_ids[1]
    first = accord.submit_annotation(world.project_id, task, [box("r1", "person")],
                                     lead_time_s=4.2, idempotency_key="retry-me")
    again = accord.submit_annotation(world.project_id, task, [box("r1", "person")],
                                     lead_time_s=4.2, idempotency_key="retry-me")
    assert again["id"] == first["id"] and first["status"] == "submitted"
    mine = list(accord.list_annotations(world.project_id, task))
    assert [a["id"] for a in mine] == [first["id"]]

    # without a key, the SDK makes a fresh one per call: two submissions, two keys
    accord.submit_annotation(world.project_id, world.task_ids[2], [box("r2", "car")])
    accord.submit_annotation(world.project_id, world.task_ids[2], [box("r2", "person")])
    keys = [c.headers["Idempotency-Key"] for c in http_of(accord).calls if c.method == "POST"]
    assert keys[:2] == ["retry-me", "retry-me"]
    assert len(set(keys[2:])) == 2 and "retry-me" not in keys[2:]


def test_a_reviewer_fixes_an_annotation_and_gets_the_diff(sdk, world: World) -> None:
    accord = sdk("reviewer")
    fixed = [box("r1", "person"), scene("s1", "night")]
    review = accord.review(world.project_id, world.annotation_id, "fix",
                           comment="it is a person", regions=fixed)
    assert review["verdict"] == "fix"
    assert review["diff"] == {"added": ["s1"], "removed": [],
                              "changed": [{"id": "r1", "fields": ["value"]}]}
    reviewed = list(accord.list_annotations(world.project_id, world.task_ids[0]))
    assert fixed in [a["regions"] for a in reviewed]


def test_api_errors_carry_the_servers_status_code_and_message(sdk, world: World) -> None:
    manager = sdk("manager")
    with pytest.raises(ApiError) as missing:
        manager.get_task(world.project_id, 987654)
    assert missing.value.status == 404 and missing.value.code == "not_found"
    assert missing.value.is_not_found and "987654" in missing.value.message
    assert missing.value.details == {"task_id": 987654}

    with pytest.raises(ApiError) as invalid:
        manager.create_tasks(world.project_id, [{"data": {"image": "x.png"},
                                                 "gold": [box(cls="unicorn")]}])
    assert invalid.value.status == 422 and invalid.value.code == "invalid_input"
    assert not invalid.value.is_not_found
    assert invalid.value.message.startswith("tasks[0]: gold") and "unicorn" in str(invalid.value)

    with pytest.raises(ApiError) as malformed:
        sdk("reviewer").review(world.project_id, world.annotation_id, "maybe")
    assert malformed.value.code == "invalid_input"
    assert malformed.value.details["problems"][0]["field"] == "verdict"

    with pytest.raises(ApiError) as denied:
        sdk("annotator").publish_guidelines(world.project_id, "# mine now")
    assert denied.value.status == 403 and denied.value.code == "permission_denied"

    with pytest.raises(ApiError) as unknown:
        sdk("acc_not-a-token").list_projects().__next__()
    assert unknown.value.status == 401 and unknown.value.code == "invalid_credentials"


def test_export_streams_jsonl_and_raises_api_errors_before_writing(sdk, world: World) -> None:
    accord = sdk("manager")
    out = io.BytesIO()
    written = accord.export(world.project_id, out)
    assert written == len(out.getvalue()) > 0
    records = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    assert [r["id"] for r in records] == world.task_ids
    assert records[0]["annotations"][0]["id"] == world.annotation_id
    assert records[0]["annotations"][0]["regions"] == [box()]
    assert records[2]["gold"] == [box("g1", "person")]
    calls = http_of(accord).calls
    assert [c.method for c in calls] == ["STREAM GET"]
    assert calls[0].headers["Authorization"] == f"Bearer {world.tokens['manager']}"

    out = io.BytesIO()
    with pytest.raises(ApiError) as missing:
        accord.export(987654, out)
    assert missing.value.is_not_found
    with pytest.raises(ApiError) as unknown:
        accord.export(world.project_id, out, format="docx")
    assert unknown.value.code == "invalid_input" and "docx" in unknown.value.message
    assert out.getvalue() == b""


def test_an_uploaded_file_is_imported_all_or_nothing(sdk, world: World, tmp_path: Path) -> None:
    accord = sdk("manager")
    good = tmp_path / "more.jsonl"
    good.write_text(json.dumps({"data": {"image": "new.png"},
                                "annotations": [{"author": "annotator@example.org",
                                                 "regions": [box()]}],
                                "predictions": [{"model_version": "v1", "regions": []}]})
                    + "\n" + json.dumps({"data": {"image": "a.png"}}) + "\n")
    assert accord.import_file(world.project_id, good) == {
        "created": 1, "skipped_duplicates": 1, "annotations": 1, "predictions": 1}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"data": {"image": "newer.png"}}\n{"data": \n')
    with pytest.raises(ApiError) as caught:
        accord.import_file(world.project_id, bad)
    assert caught.value.code == "invalid_input" and "bad.jsonl, line 2" in caught.value.message
    assert accord.get_project(world.project_id)["task_count"] == 4


def test_a_client_given_an_http_client_sends_its_token_and_closes_it(
        http: Callable[[], Recording], world: World) -> None:
    recording = http()
    with Client(token=world.tokens["admin"], http=recording) as accord:
        assert accord.me()["email"] == "admin@example.org"
    assert recording.closed
    assert recording.calls[0].headers == {"Authorization": f"Bearer {world.tokens['admin']}"}
    with Client(http=http()) as anonymous, pytest.raises(ApiError) as caught:
        anonymous.me()
    assert caught.value.status == 401 and caught.value.code == "not_authenticated"


def test_a_submission_whose_response_was_lost_is_retried_and_stored_once(sdk, world) -> None:
    accord = sdk("annotator")
    http = accord._http
    original = http.request
    calls = {"n": 0}

    def flaky(method, url, **kwargs):  # type: ignore[no-untyped-def]
        response = original(method, url, **kwargs)
        calls["n"] += 1
        if method == "POST" and calls["n"] == 1:
            raise httpx.ReadTimeout("the proxy dropped the response")  # stored, but lost
        return response

    http.request = flaky
    first = accord.submit_annotation(world.project_id, world.task_ids[1], [box()],
                                     idempotency_key="retry-me")
    http.request = original
    stored = list(accord.list_annotations(world.project_id, world.task_ids[1]))
    assert [a["id"] for a in stored] == [first["id"]]
    assert calls["n"] >= 2


def test_the_qa_report_and_its_agreement_section_match_the_engine(sdk, world: World) -> None:
    from accord.core.agreement import krippendorff_alpha

    accord = sdk("manager")
    first, second = ["day", "night", "day", "night"], ["day", "night", "night", "night"]
    accord.create_tasks(world.project_id, [
        {"data": {"image": f"qa-{i}.png"}, "annotations": [
            {"author": "annotator@example.org", "regions": [scene("s", a)]},
            {"author": "reviewer@example.org", "regions": [scene("s", b)]}]}
        for i, (a, b) in enumerate(zip(first, second, strict=True))])
    report = accord.qa_report(world.project_id)
    (section,) = [s for s in report["agreement"] if s["label"] == "scene"]
    assert section["agreement"]["value"] == pytest.approx(
        krippendorff_alpha([first, second]).value)
    assert accord.qa_section(world.project_id, "agreement")["agreement"] == report["agreement"]
    with pytest.raises(ApiError) as refused:
        sdk("annotator").qa_report(world.project_id)
    assert refused.value.status == 403
