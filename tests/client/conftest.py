"""The SDK over the real app in-process: a `Client` whose HTTP client is Starlette's test client.

The app is tests/conftest.py's: the test database's rolled-back session is the only override,
so every SDK test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from accord.client import Client
from builders import World

sys.path.insert(0, str(Path(__file__).parent))  # for sdk_support, as tests/conftest.py does

from sdk_support import Recording  # noqa: E402


@pytest.fixture
def http(app) -> Callable[[], Recording]:  # type: ignore[no-untyped-def]
    def make() -> Recording:
        # no headers here: the SDK must send the token itself when given a client
        return Recording(TestClient(app, base_url="http://testserver"))

    return make


@pytest.fixture
def sdk(http: Callable[[], Recording], world: World) -> Iterator[Callable[[str], Client]]:
    """`sdk("reviewer")` is the SDK signed in with the reviewer's API token."""
    clients: list[Client] = []

    def make(principal: str) -> Client:
        client = Client("http://testserver", token=world.tokens.get(principal, principal),
                        http=http())
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
