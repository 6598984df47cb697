"""A request's authorization reads outside a transaction (`SINGLE_STATEMENT_READS`): no
BEGIN and ROLLBACK around its one statement. The pooled connection it used goes back to
transactions as usual, so the next request's writes stay all-or-nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from accord.db.engine import SINGLE_STATEMENT_READS, WRITE, make_engine
from accord.db.tables import RateLimit
from accord.db.types import utcnow


@pytest.fixture
def one_connection(engine: Engine) -> Iterator[Engine]:
    """The test database through a pool of one connection: every session reuses it."""
    single = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1,
                         max_overflow=0)
    yield single
    single.dispose()


def in_transaction(session: Session) -> bool:
    """Whether the driver's connection has a transaction open (not SQLAlchemy's idea)."""
    driver = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "sqlite":
        return bool(driver.in_transaction)  # type: ignore[union-attr]
    return not driver.autocommit  # type: ignore[union-attr]


def test_an_authorization_read_opens_no_transaction(one_connection: Engine) -> None:
    with Session(one_connection) as session:
        session.connection(execution_options=SINGLE_STATEMENT_READS[
            one_connection.dialect.name])
        assert session.scalar(select(func.count()).select_from(RateLimit)) == 0
        assert not in_transaction(session)
        session.rollback()


def test_the_connection_takes_transactions_again_afterwards(one_connection: Engine) -> None:
    with Session(one_connection) as session:
        session.connection(execution_options=SINGLE_STATEMENT_READS[
            one_connection.dialect.name])
        session.scalar(text("SELECT 1"))
        session.rollback()  # as authorization ends, handing the connection back
    with Session(one_connection.execution_options(**WRITE)) as session:
        session.add(RateLimit(key="single-statement-reads", window_start=utcnow(), count=1))
        session.flush()
        assert in_transaction(session)
        session.rollback()
    with Session(one_connection) as session:
        assert session.scalar(select(func.count()).select_from(RateLimit).where(
            RateLimit.key == "single-statement-reads")) == 0
