"""The real app over the test database; each principal gets a client with its own token."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from builders import World


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
