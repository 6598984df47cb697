"""The SDK over the real app in-process: a `Client` whose HTTP client is Starlette's test client.

The app is built as in tests/api/conftest.py: the test database's rolled-back session is the
only override, so every SDK test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from accord.api.app import create_app
from accord.api.deps import db_session
from accord.client import Client
from accord.settings import Settings
from builders import SECRET, World, make_world

sys.path.insert(0, str(Path(__file__).parent))  # for sdk_support, as tests/conftest.py does

from sdk_support import Recording  # noqa: E402


@pytest.fixture
def app(tmp_path: Path, session: Session, engine):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", secret_key=SECRET,
                        anonymous_requests_per_minute=10_000)
    app = create_app(settings, engine, web_root=tmp_path / "no-web")

    def test_session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[db_session] = test_session
    return app


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


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
