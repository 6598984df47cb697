"""The docs describe what exists: every setting, command and route is documented."""

from __future__ import annotations

from pathlib import Path

from typer.main import get_command

from accord.api.access import ROUTES
from accord.cli.main import cli
from accord.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_is_documented():
    text = (DOCS / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"ACCORD_{name.upper()}" not in text]
    assert missing == []


def test_every_command_is_documented():
    text = (DOCS / "cli.md").read_text()
    group = get_command(cli)
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        names += [f"accord {name} {sub}" for sub in subcommands] if subcommands else [
            f"accord {name}"]
    assert [n for n in names if f"`{n}" not in text] == []


def test_every_route_and_its_access_is_documented():
    text = (DOCS / "api.md").read_text()
    missing = [f"{m} {p}" for (m, p), access in ROUTES.items()
               if f"| {m} | `{p}` | {access.value} |" not in text]
    assert missing == []
