"""A real `accord serve` in a subprocess on a free loopback port, for the browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from postgres_server import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path

    def accord(self, *args: str) -> str:
        """Run an `accord` command against this server's data dir; returns its stdout."""
        result = subprocess.run([sys.executable, "-m", "accord", *args, "--data-dir",
                                 str(self.data_dir)], capture_output=True, text=True,
                                check=True)
        return result.stdout


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live") / "data"
    port = free_port()
    log = (tmp_path_factory.getbasetemp() / "server.log").open("w")
    env = {**os.environ, "ACCORD_DATA_DIR": str(data_dir)}
    process = subprocess.Popen([sys.executable, "-m", "accord", "serve", "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"accord serve did not start; see {log.name}")
        time.sleep(0.2)
    yield LiveServer(url, data_dir)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def screenshot(page, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Saves the page as test-artifacts/<test name>.png when the test ends."""
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
