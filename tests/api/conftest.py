"""The real app over the test database; each principal gets a client with its own token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from accord.api.app import create_app
from accord.api.deps import db_session
from accord.settings import Settings
from builders import SECRET, World, make_world


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key=SECRET,
                    anonymous_requests_per_minute=10_000)


@pytest.fixture
def app(settings: Settings, session: Session, engine):  # type: ignore[no-untyped-def]
    app = create_app(settings, engine, web_root=Path(__file__).parent / "no-web")

    def test_session() -> Iterator[Session]:
        try:
            yield session
        except Exception:
            session.rollback()  # as a request's own session would be discarded
            raise

    app.dependency_overrides[db_session] = test_session
    return app


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def as_(app, world: World) -> Iterator[Callable[[str], TestClient]]:  # type: ignore[no-untyped-def]
    """`as_("reviewer")` is a client authenticated with the reviewer's API token."""
    clients: list[TestClient] = []

    def make(principal: str) -> TestClient:
        headers = {} if principal == "anonymous" else {
            "Authorization": f"Bearer {world.tokens[principal]}"}
        client = TestClient(app, base_url="http://testserver", headers=headers)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
