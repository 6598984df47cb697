"""PostgreSQL connections are tested before use only after sitting idle, and a dead one is
replaced before any statement runs on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from accord.db import engine as engines
from accord.db.engine import make_engine


def _kill_pooled_connection(engine: Engine, killer: Engine) -> int:
    with engine.connect() as connection:
        victim = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with killer.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                                  {"pid": victim}).scalar_one()
    return int(victim)


@pytest.fixture
def engines_pair(postgres_url: str) -> Iterator[tuple[Engine, Engine]]:
    engine = make_engine(postgres_url, pool_size=1, max_overflow=0)
    killer = make_engine(postgres_url)
    yield engine, killer
    engine.dispose()
    killer.dispose()


def test_a_connection_killed_while_idle_is_replaced_unnoticed(
        engines_pair: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    engine, killer = engines_pair
    victim = _kill_pooled_connection(engine, killer)
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 0.0)  # it has now sat "long"
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != victim


def test_a_connection_in_steady_use_is_not_pinged(
        engines_pair: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    """The other side of the trade: no round trip spent on a connection just used (here
    one that died meanwhile, which only its next statement finds out)."""
    engine, killer = engines_pair
    _kill_pooled_connection(engine, killer)
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_S", 3600.0)
    with pytest.raises(DBAPIError), engine.connect() as connection:
        connection.execute(text("SELECT 1"))
