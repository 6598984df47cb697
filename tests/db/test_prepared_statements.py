"""On PostgreSQL the hot paths' statements (run through `db.engine.run`, or marked
`PREPARE`) are prepared on their connection from their second run; no other statement is,
so bulk statements with long IN lists keep their custom plans."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, bindparam, select, text
from sqlalchemy.orm import Session

from accord.db.engine import PREPARE, make_engine, run
from accord.db.migrate import migrate
from accord.db.tables import User


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url, pool_size=1, max_overflow=0)
    migrate(engine, "head")
    yield engine
    engine.dispose()


def prepared(session: Session) -> list[str]:
    return list(session.scalars(text("SELECT statement FROM pg_prepared_statements")))


def test_a_hot_statement_is_prepared_from_its_second_run(engine: Engine) -> None:
    statement = select(User.id).where(User.id == bindparam("user_id"))
    with Session(engine) as session:
        run(session, statement, user_id=1).all()
        assert prepared(session) == []
        run(session, statement, user_id=2).all()
        assert [s for s in prepared(session) if "FROM users" in s] != []


def test_other_statements_are_never_prepared(engine: Engine) -> None:
    with Session(engine) as session:
        for user_id in range(10):
            session.execute(select(User.id).where(User.id == user_id)).all()
            session.execute(select(User.email).where(User.id.in_(list(range(50))))).all()
        assert prepared(session) == []


def test_orm_statements_marked_prepare_are_prepared(engine: Engine) -> None:
    statement = select(User).where(User.email == bindparam("email")).execution_options(
        **PREPARE)
    with Session(engine) as session:
        for _ in range(2):
            session.scalars(statement, {"email": "nobody@example.org"}).all()
        assert [s for s in prepared(session) if "FROM users" in s] != []
