"""`accord` on a local data dir: users, tokens, projects, import and export (the demo:
test_demo.py)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import (
    ADMIN,
    ANNOTATOR,
    RECORDS,
    Accord,
    local,
    read_jsonl,
    without_ids,
    write_jsonl,
)

from builders import box


@pytest.fixture
def accord(tmp_path: Path) -> Accord:
    """A fresh data dir with its first admin and an annotator."""
    accord = local(tmp_path / "data")
    accord.ok("user", "add", ADMIN, "--role", "admin")
    accord.ok("user", "add", ANNOTATOR, "--role", "member")
    return accord


@pytest.fixture
def project(accord: Accord, schema_file: Path) -> int:
    return int(accord.ok("project", "create", "Streets", "--schema", str(schema_file)))


def test_the_first_admin_is_added_from_the_command_line(tmp_path: Path) -> None:
    accord = local(tmp_path / "data")
    out = accord.ok("user", "add", ADMIN, "--role", "admin", "--password", "correct-horse")
    assert ADMIN in out and "admin" in out


def test_a_role_other_than_admin_or_member_is_refused(tmp_path: Path) -> None:
    message = local(tmp_path / "data").fails("user", "add", ADMIN, "--role", "owner")
    assert "--role must be admin or member" in message


def test_token_create_prints_an_api_token(accord: Accord) -> None:
    token = accord.ok("token", "create", ADMIN)
    assert token.startswith("acc_") and token.endswith("\n") and len(token.strip()) > 20
    assert accord.ok("token", "create", ADMIN) != token


def test_token_create_for_an_unknown_user_fails_clearly(accord: Accord) -> None:
    assert "nobody@example.org" in accord.fails("token", "create", "nobody@example.org")


def test_project_create_prints_the_id_that_project_list_shows(accord: Accord,
                                                              schema_file: Path) -> None:
    first = int(accord.ok("project", "create", "Streets", "--schema", str(schema_file),
                          "--description", "street scenes"))
    second = int(accord.ok("project", "create", "Empty"))
    listed = accord.projects()
    assert set(listed) == {first, second}
    assert listed[first] == {"id": first, "name": "Streets", "description": "street scenes",
                             "task_count": 0, "annotated_count": 0, "accepted_count": 0,
                             "role": "manager"}


def test_project_list_without_json_prints_a_table(accord: Accord, project: int) -> None:
    out = accord.ok("project", "list")
    assert "Streets" in out and "manager" in out


def test_project_create_as_a_member_makes_that_member_its_manager(accord: Accord) -> None:
    project = int(accord.ok("project", "create", "Theirs", "--as", ANNOTATOR))
    assert accord.ok("project", "list", "--json", "--as", ANNOTATOR) == json.dumps(
        [{"id": project, "name": "Theirs", "description": "", "task_count": 0,
          "annotated_count": 0, "accepted_count": 0, "role": "manager"}], indent=2) + "\n"


def test_an_unreadable_schema_file_is_reported_with_its_path(accord: Accord,
                                                             tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{labels: ")
    assert "cannot read the schema" in accord.fails("project", "create", "X", "--schema",
                                                    str(broken))
    assert accord.projects() == {}


def test_project_create_before_any_admin_says_how_to_make_one(tmp_path: Path) -> None:
    message = local(tmp_path / "data").fails("project", "create", "Streets")
    assert "no admin yet" in message
    assert "accord user add EMAIL --role admin" in message


def test_an_import_round_trips_through_export(accord: Accord, project: int,
                                              tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "tasks.jsonl", RECORDS)
    out = accord.ok("import", str(project), str(source), "--format", "jsonl")
    assert "imported 3 tasks (0 duplicates skipped, 2 annotations, 2 predictions)" in out
    assert accord.projects()[project]["task_count"] == 3

    target = tmp_path / "export.jsonl"
    assert str(target) in accord.ok("export", str(project), "--format", "jsonl", "-o",
                                    str(target))
    exported = read_jsonl(target)
    assert [r["data"] for r in exported] == [r["data"] for r in RECORDS]
    assert all(isinstance(r["id"], int) for r in exported)
    assert exported[0]["gold"] == RECORDS[0]["gold"]
    assert "gold" not in exported[1] and "annotations" not in exported[0]
    assert {k: exported[1][k] for k in ("batch", "priority", "media_url")} == {
        "batch": "pilot", "priority": 2, "media_url": "s3://bucket/street-2.png"}
    annotations = exported[1]["annotations"]
    assert [(a["author"], a["regions"]) for a in annotations] == [
        (a["author"], a["regions"]) for a in RECORDS[1]["annotations"]]
    assert annotations[0]["lead_time_s"] == 12.5
    assert all(isinstance(a["id"], int) and a["status"] == "submitted"
               and a["schema_version"] == 1 for a in annotations)
    for got, record in zip(exported, RECORDS, strict=True):
        predictions = got.get("predictions", [])
        assert all(isinstance(p["id"], int) for p in predictions)
        assert [{k: v for k, v in p.items() if k != "id"} for p in predictions] == [
            {"score": None, **p} for p in record.get("predictions", [])]
    assert not list(tmp_path.glob("*.partial"))


def test_an_export_imports_back_into_another_project_unchanged(
        accord: Accord, project: int, schema_file: Path, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "tasks.jsonl", RECORDS)
    accord.ok("import", str(project), str(tmp_path / "tasks.jsonl"))
    accord.ok("export", str(project), "-o", str(tmp_path / "first.jsonl"))
    copy = int(accord.ok("project", "create", "Copy", "--schema", str(schema_file)))
    accord.ok("import", str(copy), str(tmp_path / "first.jsonl"))
    accord.ok("export", str(copy), "-o", str(tmp_path / "second.jsonl"))
    assert without_ids(read_jsonl(tmp_path / "second.jsonl")) == without_ids(
        read_jsonl(tmp_path / "first.jsonl"))


def test_running_the_same_import_again_creates_no_new_tasks(accord: Accord, project: int,
                                                            tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "tasks.jsonl", RECORDS)
    accord.ok("import", str(project), str(source))
    again = accord.ok("import", str(project), str(source))
    assert "imported 0 tasks (3 duplicates skipped, 0 annotations, 0 predictions)" in again
    assert accord.projects()[project]["task_count"] == 3


def test_a_malformed_line_fails_the_whole_file_naming_file_and_line(accord: Accord,
                                                                    project: int,
                                                                    tmp_path: Path) -> None:
    accord.ok("import", str(project), str(write_jsonl(tmp_path / "tasks.jsonl", RECORDS)))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"data": {"image": "new-1.png"}}\n{"data": {"image": "new-2.png"}}\n'
                      '{"data": \n{"data": {"image": "new-4.png"}}\n')
    message = accord.fails("import", str(project), str(broken), "--format", "jsonl")
    assert "broken.jsonl, line 3" in message and "not valid JSON" in message
    assert accord.projects()[project]["task_count"] == 3


def test_a_region_with_an_unknown_class_fails_naming_the_line_and_the_problem(
        accord: Accord, project: int, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "classes.jsonl", [
        {"data": {"image": "a.png"}},
        {"data": {"image": "b.png"}, "annotations": [{"regions": [box("r9", "truck")]}]}])
    message = accord.fails("import", str(project), str(source))
    assert "classes.jsonl, line 2" in message
    assert "annotations[0].regions" in message and "'r9'" in message
    assert "no class 'truck'" in message and "car, person" in message
    assert accord.projects()[project]["task_count"] == 0


def test_an_annotation_by_an_unknown_author_fails_naming_the_author(
        accord: Accord, project: int, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "authors.jsonl", [
        {"data": {"image": "a.png"},
         "annotations": [{"author": "ghost@example.org", "regions": [box()]}]}])
    message = accord.fails("import", str(project), str(source))
    assert "authors.jsonl, line 1" in message and "'ghost@example.org' is not a user" in message


def test_an_unknown_format_is_refused_with_the_formats_available(accord: Accord, project: int,
                                                                 tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "tasks.jsonl", RECORDS)
    refused = accord.fails("import", str(project), str(source), "--format", "docx")
    assert "unknown import format 'docx'; available: bilou, bio, coco," in refused
    target = tmp_path / "out.docx"
    refused = accord.fails("export", str(project), "--format", "docx", "-o", str(target))
    assert "unknown export format 'docx'; available:" in refused and "yolo" in refused
    assert not target.exists() and not list(tmp_path.glob("*.partial"))
    assert accord.projects()[project]["task_count"] == 0


def test_import_of_a_missing_file_or_into_a_missing_project_fails_clearly(
        accord: Accord, project: int, tmp_path: Path) -> None:
    assert "no such file" in accord.fails("import", str(project), str(tmp_path / "nope.jsonl"))
    source = write_jsonl(tmp_path / "tasks.jsonl", RECORDS)
    assert "project 999 not found" in accord.fails("import", "999", str(source))
    assert "project 999 not found" in accord.fails("export", "999", "-o",
                                                   str(tmp_path / "out.jsonl"))
    assert not (tmp_path / "out.jsonl").exists()


def test_an_error_in_a_real_process_is_one_message_and_exit_code_one(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "accord", "project", "create", "Streets",
                             "--data-dir", str(tmp_path / "data")],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert result.stderr.startswith("error: there is no admin yet")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_long_error_message_stays_on_one_line_of_stderr(tmp_path: Path) -> None:
    result = local(tmp_path / "data")("project", "create", "Streets")
    assert result.stderr.strip().count("\n") == 0


def test_the_secret_key_is_private_and_differs_between_data_dirs(tmp_path: Path) -> None:
    secrets = []
    for name in ("one", "two"):
        accord = local(tmp_path / name)
        accord.ok("user", "add", ADMIN, "--role", "admin")
        accord.ok("token", "create", ADMIN)
        path = tmp_path / name / "secret_key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        secrets.append(path.read_text().strip())
    assert all(len(s.encode()) >= 32 for s in secrets)
    assert secrets[0] != secrets[1]
