"""Fixtures of the database tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from accord.db.engine import make_engine
from accord.db.migrate import migrate
from servers import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def committing_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of the test's own — a SQLite file, or a fresh database on the
    test PostgreSQL — for tests whose connections commit and race one another, so cannot
    share the rolled-back test database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'committing.db'}")
        migrate(engine, "head")
        yield engine
        engine.dispose()
        return
    with fresh_database(request.getfixturevalue("postgres_url"), "accord_committing") as url:
        engine = make_engine(url)
        migrate(engine, "head")
        try:
            yield engine
        finally:
            engine.dispose()
