"""Engines and sessions for SQLite (embedded default) and PostgreSQL (scale-out).

SQLite runs in WAL mode with a busy timeout. Its driver's own transaction handling is
switched off (SQLAlchemy's pysqlite SAVEPOINT recipe) so that tests can wrap each case in a
rolled-back savepoint, and writers start with `BEGIN IMMEDIATE` so that two writers queue on
the lock instead of failing with "database is locked" half-way through a transaction — in
arrival order within the process (`WriteGate`), not by SQLite's polling, which starves some.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import CursorResult, Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 10, 40
#: as for SQLite: a connection for each of the server's 40 worker threads and for the event
#: loop's authorization reads (api.deps.authorize), within PostgreSQL's default 100
POSTGRES_POOL_SIZE, POSTGRES_POOL_OVERFLOW = 10, 40
PING_AFTER_IDLE_S = 1.0
WRITE = {"sqlite_begin": "IMMEDIATE"}
#: on PostgreSQL, a hot-path statement is prepared on its connection from its second run
PREPARE_AFTER = 1
#: the execution option that marks a statement as one of the hot paths' (see `run`)
PREPARE = {"accord_prepare": True}
READ = {"sqlite_begin": "DEFERRED"}
#: for reads of one statement each (a request's authorization): no transaction around them.
#: SQLite reads in autocommit mode, PostgreSQL's connection is put in autocommit; either way
#: a statement sees one consistent state, and the request saves its BEGIN and ROLLBACK
#: (two of its round trips on PostgreSQL)
SINGLE_STATEMENT_READS = {"sqlite": {"sqlite_begin": None},
                          "postgresql": {"isolation_level": "AUTOCOMMIT"}}


def _json_dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits: the standard library writes them
        return json.dumps(value, ensure_ascii=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; JSON columns are (de)serialised with orjson, 5-10x faster."""
    kwargs = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads, **kwargs}
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # more connections than the server has worker threads: none waits for one
            kwargs = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_OVERFLOW,
                      **kwargs}
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                               **kwargs)
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # psycopg prepares statements after five runs, and PostgreSQL's generic plan for a
    # 2,000-value IN list is 50x slower than a custom one: bulk imports crawl. Don't prepare.
    engine = create_engine(url, connect_args={"prepare_threshold": None},
                           **{"pool_size": POSTGRES_POOL_SIZE,
                              "max_overflow": POSTGRES_POOL_OVERFLOW,
                              # the connection returned last is taken next: the few that
                              # a light load needs stay warm and are never idle long enough
                              # to be pinged (`_ping_when_idle`); first-in-first-out would
                              # cycle through all of them
                              "pool_use_lifo": True, **kwargs})
    _ping_when_idle(engine)
    _prepare_hot_statements(engine)
    return engine


def _prepare_hot_statements(engine: Engine) -> None:
    """Let psycopg prepare the statements of the per-request hot paths (those run through
    `run`, or marked PREPARE), and only those: parsing and planning each of them again
    costs PostgreSQL more than running it. Their parameters are few and their plans do not
    depend on the values; bulk statements with long IN lists stay unprepared (see above)."""
    @event.listens_for(engine, "before_cursor_execute")
    def choose(_connection: Any, cursor: Any, _statement: str, _parameters: Any,
               context: Any, executemany: bool) -> None:
        hot = not executemany and context is not None and context.execution_options.get(
            "accord_prepare", False)
        cursor.connection.prepare_threshold = PREPARE_AFTER if hot else None


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use only if it sat idle for PING_AFTER_IDLE_S.

    Pinging on every checkout (`pool_pre_ping`) costs a round trip, and a request checks a
    connection out twice (authorization, then the route): two of its sixteen round trips.
    A connection in steady use is known to work; one that has waited may have been closed
    by a database restart or a firewall, and a dead one is replaced before any statement.
    """
    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_S:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:  # any failure: the pool connects afresh and tries again
            raise DisconnectionError(f"a pooled connection failed its ping: {exc}") from exc


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    gate = WriteGate(SQLITE_BUSY_TIMEOUT_MS / 1000)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode is None:  # SINGLE_STATEMENT_READS: the driver stays in autocommit mode
            return
        if mode == "IMMEDIATE":
            gate.enter(connection.info)
        statement = f"BEGIN {mode}"
        try:
            # on the driver's connection: through SQLAlchemy's execution (events, a result)
            # this cost as much as an indexed read, and every request begins once or twice
            connection.connection.driver_connection.execute(statement)
        except sqlite3.Error as exc:
            gate.leave(connection.info)
            raise OperationalError(statement, None, exc) from exc
        except BaseException:
            gate.leave(connection.info)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def on_end(connection: Any) -> None:
        gate.leave(connection.info)

    @event.listens_for(engine, "reset")
    def on_reset(_dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
        gate.leave(record.info)  # a connection returned to the pool mid-transaction


class WriteGate:
    """First come, first served entry to SQLite's one write lock, within this process.

    SQLite's own busy handler lets waiting writers poll: under load some lose every race and
    wait out the busy timeout while others pass. Queueing them here in arrival order keeps the
    wait of each close to the work ahead of it. Other processes (a CLI command next to the
    server) still meet the busy timeout.
    """

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._guard = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._held = False

    def enter(self, info: dict[str, Any]) -> None:
        with self._guard:
            if not self._held and not self._waiting:
                self._held = True
                info[self] = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        if not turn.wait(self.timeout_s):
            with self._guard:
                if not turn.is_set():
                    self._waiting.remove(turn)
                    raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError(
                        f"database is locked: no write turn within {self.timeout_s:g} s"))
        info[self] = True  # the leaver handed the lock to us

    def leave(self, info: dict[str, Any]) -> None:
        if not info.pop(self, False):
            return
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()  # stays held: handed to the next in line
            else:
                self._held = False


def run(session: Session, statement: Executable, **params: Any) -> CursorResult[Any]:
    """Execute a Core statement built once, at import (bound parameters, no ORM entities),
    on the session's connection — pending changes flushed first, as `session.execute` does.

    For the per-request hot paths: building a statement and passing it through the ORM's
    execution costs five times what the database does for an indexed lookup. PostgreSQL
    prepares them (`PREPARE`).
    """
    session.flush()
    return session.connection().execute(statement, params, execution_options=PREPARE)


def has_writing_ctes(session: Session) -> bool:
    """Whether the session's database takes data-modifying CTEs (`WITH … INSERT …
    RETURNING`): PostgreSQL does, so a hot path's writes go to it in one statement; SQLite
    does not, and runs them one by one (it pays no round trip for each)."""
    return session.get_bind().dialect.name == "postgresql"


def hold(session: Session, instance: Any) -> Any:
    """Keep `instance` strongly referenced for the session's life and return it.

    The identity map holds objects weakly: a row a service loads and drops (the project,
    looked up by several services in one request) is loaded again by the next `get`.
    """
    session.info.setdefault("held", {})[id(instance)] = instance
    return instance


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for services that write; they commit, and closing rolls back the rest."""
    with Session(engine.execution_options(**WRITE), expire_on_commit=False) as session:
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
