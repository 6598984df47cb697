"""A real `accord serve` on a free loopback port, and a schema file for `project create`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for cli_support, as tests/conftest.py does

from cli_support import ADMIN, Server, local  # noqa: E402

from builders import SCHEMA  # noqa: E402
from postgres_server import free_port  # noqa: E402


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`accord serve` in a subprocess (SQLite in its data dir), with an admin and its token."""
    root = tmp_path_factory.mktemp("server")
    data_dir = root / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["ACCORD_DATA_DIR"] = str(data_dir)
    with (root / "server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "accord", "serve", "--host", "127.0.0.1", "--port",
             str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"accord serve did not start:\n{(root / 'server.log').read_text()}")
            time.sleep(0.1)
        on_server = local(data_dir)
        on_server.ok("user", "add", ADMIN, "--role", "admin")
        token = on_server.ok("token", "create", ADMIN).strip()
        yield Server(url, data_dir, token)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
