"""The docs describe what exists: every setting, command and route is documented."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
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


#: The QA library pages and how many Python examples each must hold (at least, or exactly).
EXAMPLE_PAGES = {"agreement.md": range(4, 100), "region-agreement.md": range(7, 8),
                 "consensus.md": range(6, 100), "quality.md": range(5, 100)}


@pytest.mark.parametrize("page", sorted(EXAMPLE_PAGES))
def test_every_python_example_of_the_qa_pages_runs_as_shown(page):
    """Blocks run in order with shared names (later ones use earlier ones); a block written
    as a doctest must print what it shows, a plain one must run."""
    path = DOCS / page
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)
    assert len(blocks) in EXAMPLE_PAGES[page]
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(verbose=False)
    names: dict[str, object] = {}
    for i, block in enumerate(blocks):
        if ">>>" in block:
            test = parser.get_doctest(block, names, f"{page} block {i}", str(path), 0)
            runner.run(test, clear_globs=False)
            names = test.globs
        else:
            exec(compile(block, f"{page} block {i}", "exec"), names)
    assert runner.summarize(verbose=False).failed == 0


def test_every_format_is_listed_with_a_page_that_exists():
    from accord import formats

    text = (DOCS / "formats.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    listed = {name for row in rows for name in re.findall(r"`([a-z0-9_]+)`", row.split("|")[2])}
    assert sorted(set(formats.all_formats()) - listed) == []
    pages = re.findall(r"\]\((formats/[\w.-]+\.md)\)", text)
    assert pages and [p for p in pages if not (DOCS / p).is_file()] == []
