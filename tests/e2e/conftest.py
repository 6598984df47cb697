"""A real `accord serve` in a subprocess on a free loopback port, for the browser tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from e2e.labeling import Labeling, make_labeling
from servers import running_accord

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
    root = tmp_path_factory.mktemp("live")
    with running_accord(root / "data", root / "server.log") as url:
        yield LiveServer(url, root / "data")


@pytest.fixture
def labeling(live_server: LiveServer) -> Iterator[Callable[..., Labeling]]:
    """Makes label-stream projects (on the shared server unless told another); closes
    their API clients at the end."""
    made: list[Labeling] = []

    def make(url: str | None = None, data_dir: Path | None = None, **kwargs: Any) -> Labeling:
        made.append(make_labeling(url or live_server.url, data_dir or live_server.data_dir,
                                  **kwargs))
        return made[-1]

    yield make
    for project in made:
        project.close()


@pytest.fixture
def screenshot(page, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Saves the page as test-artifacts/<test name>.png when the test ends."""
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
