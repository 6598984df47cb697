"""Import and export options through the API (synchronous and as jobs), the SDK and the CLI:
what a file's labels become, and mistakes in the options named before anything runs.

Options are format-independent (accord.formats.base), so the JSONL format stands in for all;
one SQLite database is enough here (test_jobs.py runs the jobs on both backends).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from accord.cli.main import cli
from builders import box
from tests.api.test_jobs import Live, start_live

ANSWERED = {"data": {"image": "opt-1.png"}, "annotations": [{"regions": [box("r1", "person")]}]}


@pytest.fixture
def live(tmp_path: Path):
    with start_live(f"sqlite:///{tmp_path / 'data' / 'accord.db'}", tmp_path) as live:
        yield live


def _line(*records: dict[str, Any]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _stored(live: Live, image: str) -> dict[str, Any]:
    listed = live.get("manager", "/tasks", params={"limit": 100}).json()["items"]
    task = next(t for t in listed if t["data"]["image"] == image)
    return {"task": task,
            "predictions": live.get("manager", f"/tasks/{task['id']}/predictions").json(),
            "annotations": live.get("manager", f"/tasks/{task['id']}/annotations"
                                    ).json()["items"]}


def test_an_import_job_makes_the_files_labels_predictions_of_the_named_model(live):
    options = {"target": "predictions", "model_version": "detector-9"}
    started = live.post("manager", "/imports", params={"format": "jsonl",
                                                       "options": json.dumps(options)},
                        files={"file": ("t.jsonl", io.BytesIO(_line(ANSWERED)))})
    assert started.status_code == 202, started.text
    job = live.wait(started.json()["id"])
    assert (job["state"], job["options"]) == ("done", options)
    stored = _stored(live, "opt-1.png")
    assert [(p["model_version"], p["regions"]) for p in stored["predictions"]] == [
        ("detector-9", [box("r1", "person")])]
    assert stored["annotations"] == []


def test_a_synchronous_import_as_gold_sets_the_tasks_gold(live):
    response = live.post("manager", "/import", params={"format": "jsonl",
                                                       "options": '{"target": "gold"}'},
                         files={"file": ("t.jsonl", io.BytesIO(_line(ANSWERED)))})
    assert response.status_code == 201, response.text
    task = live.get("manager", f"/tasks/{_stored(live, 'opt-1.png')['task']['id']}").json()
    assert task["gold"] == [box("r1", "person")]


@pytest.mark.parametrize(("options", "field"), [
    ('{"target": "labels"}', "options.target"),
    ('{"colour": "red"}', "options.colour"),
    ('{"labels": ["bbox"]}', "options.labels"),
    ('not json', "options"),
])
def test_bad_import_options_are_named_and_nothing_is_queued_or_kept(live, options, field):
    for path, status in (("/imports", 422), ("/import", 422)):
        response = live.post("manager", path, params={"format": "jsonl", "options": options},
                             files={"file": ("t.jsonl", io.BytesIO(_line(ANSWERED)))})
        assert response.status_code == status, response.text
        assert field in response.text
    assert live.get("manager", "/jobs").json()["items"] == []
    assert live.jobs_files() == []


def test_export_options_are_checked_and_kept_with_the_job(live):
    bad = live.post("reviewer", "/exports", json={"format": "jsonl",
                                                  "options": {"regions": "everything"}})
    assert bad.status_code == 422 and "options.regions" in bad.text
    assert live.get("reviewer", "/export", params={"options": '{"include_media": 1}'}
                    ).status_code == 422
    started = live.post("reviewer", "/exports", json={"format": "jsonl",
                                                      "options": {"regions": "gold"}})
    assert live.wait(started.json()["id"])["options"] == {"regions": "gold"}


def test_the_formats_are_described_for_the_ui(live):
    described = {f["name"]: f for f in live.get("reviewer", "/formats").json()["items"]}
    assert described["jsonl"] | {"settings": {}} == {
        "name": "jsonl", "title": "Accord JSONL", "description": described["jsonl"]["description"],
        "extension": ".jsonl", "layout": "file", "modality": "any",
        "carries": ["tasks", "annotations", "predictions", "gold"], "import": True,
        "export": True, "exports": "records", "settings": {}, "import_settings": {},
        "export_settings": {}}
    coco = described["coco"]
    assert "layout" in coco["export_settings"] and "layout" not in coco["import_settings"]
    listed = live.get("reviewer", "/jobs").json()["formats"]
    assert set(listed["import"]) == {n for n, f in described.items() if f["import"]}


def test_the_cli_imports_as_annotations_by_another_member(live, tmp_path: Path):
    path = tmp_path / "answers.jsonl"
    path.write_bytes(_line(ANSWERED))
    result = CliRunner().invoke(cli, [
        "import", str(live.world.project_id), str(path), "--author", "annotator@example.org",
        "--data-dir", str(live.settings.data_dir)], env={"ACCORD_DATABASE_URL": live.url})
    assert result.exit_code == 0, result.output
    assert [a["author_id"] for a in _stored(live, "opt-1.png")["annotations"]] == [
        live.world.users["annotator"]["id"]]


def test_a_file_format_exported_with_its_media_is_named_and_typed_as_a_zip(live):
    named = {}
    for include in (False, True):
        started = live.post("reviewer", "/exports", json={
            "format": "cvat_images", "options": {"include_media": include}})
        job = live.wait(started.json()["id"])
        assert job["state"] == "done", job
        download = live.get("reviewer", f"/jobs/{job['id']}/download")
        named[include] = (job["file_name"], download.headers["content-type"],
                          download.content[:2])
    pid = live.world.project_id
    assert named[False] == (f"project-{pid}.xml", "application/xml", b"<?")
    assert named[True] == (f"project-{pid}.zip", "application/zip", b"PK")
