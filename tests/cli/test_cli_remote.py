"""`accord --url … --token …` against a real server gives what the data dir gives."""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

from cli_support import (
    ADMIN,
    ANNOTATOR,
    RECORDS,
    Accord,
    Server,
    local,
    read_jsonl,
    remote,
    without_ids,
    write_jsonl,
)
from typer.testing import CliRunner

from accord.cli.main import cli
from servers import free_port


def run_the_same_session(accord: Accord, tmp_path: Path, schema_file: Path,
                         name: str) -> dict[str, object]:
    """Create, import twice, fail an import, list and export: what a user would see."""
    project = accord.ok("project", "create", name, "--schema", str(schema_file),
                        "--description", "same either way")
    project_id = project.strip()
    source = write_jsonl(tmp_path / "tasks.jsonl", RECORDS)
    imported = accord.ok("import", project_id, str(source), "--format", "jsonl")
    again = accord.ok("import", project_id, str(source))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"data": {"image": "new-1.png"}}\n\n{"data": \n')
    failure = accord.fails("import", project_id, str(broken))
    target = tmp_path / "export.jsonl"
    accord.ok("export", project_id, "--format", "jsonl", "-o", str(target))
    listed = accord.projects()[int(project_id)]
    return {"created": project.strip().isdigit(), "imported": imported, "again": again,
            "failure": failure, "listed": {k: v for k, v in listed.items() if k != "id"},
            "export": without_ids(read_jsonl(target)), "raw_export": read_jsonl(target)}


def test_the_same_commands_over_url_give_the_same_results_as_on_a_data_dir(
        server: Server, tmp_path: Path, schema_file: Path) -> None:
    on_server = remote(server.url, server.admin_token)
    added = on_server.ok("user", "add", ANNOTATOR, "--role", "member")
    assert ANNOTATOR in added
    (tmp_path / "remote").mkdir()
    over_url = run_the_same_session(on_server, tmp_path / "remote", schema_file, "Same")

    on_disk = local(tmp_path / "data")
    on_disk.ok("user", "add", ADMIN, "--role", "admin")
    on_disk.ok("user", "add", ANNOTATOR, "--role", "member")
    (tmp_path / "local").mkdir()
    on_data_dir = run_the_same_session(on_disk, tmp_path / "local", schema_file, "Same")

    assert {k: v for k, v in over_url.items() if k != "raw_export"} == {
        k: v for k, v in on_data_dir.items() if k != "raw_export"}
    assert over_url["listed"] == {"name": "Same", "description": "same either way",
                                  "task_count": 3, "annotated_count": 1, "accepted_count": 0,
                                  "role": "manager"}
    assert "imported 3 tasks (0 duplicates skipped, 2 annotations, 2 predictions)" in str(
        over_url["imported"])
    assert "imported 0 tasks (3 duplicates skipped" in str(over_url["again"])
    assert "broken.jsonl, line 3" in str(over_url["failure"])
    exported = over_url["raw_export"]
    assert isinstance(exported, list) and all(isinstance(r["id"], int) for r in exported)
    assert [r["data"] for r in exported] == [r["data"] for r in RECORDS]


def test_an_export_over_url_round_trips_into_a_project_on_a_data_dir(
        server: Server, tmp_path: Path, schema_file: Path) -> None:
    on_server = remote(server.url, server.admin_token)
    project = on_server.ok("project", "create", "Outbound", "--schema", str(schema_file))
    on_server.ok("import", project.strip(), str(write_jsonl(tmp_path / "t.jsonl", RECORDS[:1])))
    on_server.ok("export", project.strip(), "-o", str(tmp_path / "out.jsonl"))
    on_disk = local(tmp_path / "data")
    on_disk.ok("user", "add", ADMIN, "--role", "admin")
    copy = on_disk.ok("project", "create", "Inbound", "--schema", str(schema_file)).strip()
    on_disk.ok("import", copy, str(tmp_path / "out.jsonl"))
    on_disk.ok("export", copy, "-o", str(tmp_path / "back.jsonl"))
    assert without_ids(read_jsonl(tmp_path / "back.jsonl")) == without_ids(
        read_jsonl(tmp_path / "out.jsonl"))


def test_token_create_over_url_works_for_yourself_only(server: Server) -> None:
    on_server = remote(server.url, server.admin_token)
    fresh = on_server.ok("token", "create", ADMIN.upper()).strip()
    assert fresh.startswith("acc_") and fresh != server.admin_token
    assert remote(server.url, fresh).ok("project", "list", "--json").startswith("[")
    message = on_server.fails("token", "create", "someone@example.org")
    assert "only create tokens for yourself (admin@example.org)" in message
    assert "run the command on the server for someone@example.org" in message


def test_a_bad_or_missing_token_fails_with_a_clear_message(server: Server) -> None:
    bad = remote(server.url, "acc_not-a-real-token")
    assert "the API token is not valid or was revoked" in bad.fails("project", "list")
    missing = Accord(("--url", server.url))
    assert "--url needs an API token: pass --token or set ACCORD_TOKEN" in missing.fails(
        "project", "list")


def test_errors_from_the_server_are_reported_like_local_ones(server: Server,
                                                             tmp_path: Path) -> None:
    on_server = remote(server.url, server.admin_token)
    source = write_jsonl(tmp_path / "t.jsonl", RECORDS)
    assert "project 999 not found" in on_server.fails("import", "999", str(source))
    assert "project 999 not found" in on_server.fails("export", "999", "-o",
                                                      str(tmp_path / "out.jsonl"))
    assert not list(tmp_path.glob("out.jsonl*"))
    project = on_server.ok("project", "create", "Formats").strip()
    assert "unknown import format 'docx'" in on_server.fails("import", project, str(source),
                                                             "--format", "docx")
    assert "unknown export format 'docx'" in on_server.fails("export", project, "--format",
                                                             "docx", "-o", str(tmp_path / "x"))
    assert "at least 8 characters" in on_server.fails("user", "add", "short@example.org",
                                                      "--password", "pw")


def test_a_server_that_is_not_there_is_reported_without_a_traceback() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    message = remote(url, "acc_whatever").fails("project", "list")
    assert url in message


def test_a_remote_command_closes_its_connections(server: Server) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        result = CliRunner().invoke(cli, ["project", "list", "--url", server.url, "--token",
                                          server.admin_token])
        gc.collect()
    assert result.exit_code == 0
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
