"""Bad input to `accord` is one line `error: …` on stderr and exit code 1; bugs keep their traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import ADMIN, Accord, local
from pydantic import BaseModel, ValidationError

from accord.cli.backends import LocalBackend


def test_an_export_into_a_missing_directory_names_the_file(tmp_path: Path) -> None:
    accord = local(tmp_path / "data")
    accord.ok("user", "add", ADMIN, "--role", "admin")
    project = accord.ok("project", "create", "Streets").strip()
    target = tmp_path / "missing" / "export.jsonl"
    message = accord.fails("export", project, "-o", str(target))
    assert f"error: cannot write {target}: No such file or directory" in message


def test_an_invalid_accord_variable_is_named_with_its_value_and_the_problem(
        tmp_path: Path) -> None:
    message = local(tmp_path / "data").with_env(ACCORD_PORT="abc").fails("project", "list")
    assert message.startswith("error: invalid setting ACCORD_PORT=abc: ")
    assert "valid integer" in message


def test_an_out_of_range_port_is_refused_naming_the_flag_or_the_variable(
        tmp_path: Path) -> None:
    accord = local(tmp_path / "data")
    message = accord.fails("serve", "--port", "70000")
    assert "invalid setting --port=70000: Input should be less than 65536" in message
    message = accord.with_env(ACCORD_PORT="0").fails("serve")
    assert "invalid setting ACCORD_PORT=0: Input should be greater than 0" in message
    assert not (tmp_path / "data").exists()  # refused before anything was made


def test_a_data_dir_that_is_a_file_is_refused_naming_the_flag_or_the_variable(
        tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a data dir")
    message = local(a_file).fails("user", "add", ADMIN)
    assert f"invalid setting --data-dir={a_file}: this is a file" in message
    from_env = Accord(()).with_env(ACCORD_DATA_DIR=str(a_file))
    message = from_env.fails("project", "list")
    assert f"invalid setting ACCORD_DATA_DIR={a_file}: this is a file" in message
    assert f"ACCORD_DATA_DIR={a_file}" in from_env.fails("serve")
    assert a_file.read_text() == "not a data dir"


def test_a_data_dir_inside_a_file_is_reported_with_its_path(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("")
    message = local(a_file / "data").fails("project", "list")
    assert f"error: cannot use {a_file / 'data'}: Not a directory" in message


def test_a_bug_is_not_disguised_as_bad_input(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    accord = local(tmp_path / "data")
    accord.ok("user", "add", ADMIN, "--role", "admin")

    def broken(self: LocalBackend) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(LocalBackend, "list_projects", broken)
    assert isinstance(accord("project", "list").exception, KeyError)

    class Internal(BaseModel):
        count: int

    def invalid(self: LocalBackend) -> None:
        Internal.model_validate({"count": "many"})

    monkeypatch.setattr(LocalBackend, "list_projects", invalid)
    assert isinstance(accord("project", "list").exception, ValidationError)
