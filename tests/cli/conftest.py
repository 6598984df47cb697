"""A real `accord serve` on a free loopback port, and a schema file for `project create`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for cli_support, as tests/conftest.py does

from cli_support import ADMIN, Server, local  # noqa: E402

from builders import SCHEMA  # noqa: E402
from servers import running_accord  # noqa: E402


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`accord serve` in a subprocess (SQLite in its data dir), with an admin and its token."""
    root = tmp_path_factory.mktemp("server")
    with running_accord(root / "data", root / "server.log") as url:
        on_server = local(root / "data")
        on_server.ok("user", "add", ADMIN, "--role", "admin")
        token = on_server.ok("token", "create", ADMIN).strip()
        yield Server(url, root / "data", token)
