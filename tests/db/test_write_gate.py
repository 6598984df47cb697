"""SQLite writers of one process take the write lock in arrival order, and every way a
transaction ends gives it back."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from accord.db.engine import WriteGate, make_engine, read_session, write_session


def test_waiting_writers_are_let_in_first_come_first_served():
    gate, order = WriteGate(timeout_s=10), []
    holder: dict = {}
    gate.enter(holder)

    def writer(name: str) -> None:
        info: dict = {}
        gate.enter(info)
        order.append(name)
        gate.leave(info)

    threads = []
    for queued, name in enumerate("abcd", start=1):
        threads.append(threading.Thread(target=writer, args=(name,)))
        threads[-1].start()
        deadline = time.monotonic() + 10  # each is queued before the next arrives
        while len(gate._waiting) < queued:
            assert time.monotonic() < deadline, f"writer {name} never queued"
            time.sleep(0.001)
    gate.leave(holder)
    for thread in threads:
        thread.join(10)
    assert order == list("abcd")


def test_a_writer_that_waits_too_long_gets_database_is_locked_and_leaves_the_queue():
    gate = WriteGate(timeout_s=0.1)
    holder: dict = {}
    gate.enter(holder)
    with pytest.raises(OperationalError, match="database is locked"):
        gate.enter({})
    gate.leave(holder)
    later: dict = {}
    gate.enter(later)  # free again: the one that gave up is not in the way
    gate.leave(later)


def _write_then_set(engine, done: threading.Event) -> None:  # type: ignore[no-untyped-def]
    with write_session(engine) as other:
        other.execute(text("INSERT INTO t VALUES (2)"))
        other.commit()
    done.set()


def test_commit_rollback_and_close_each_release_the_lock_and_reads_never_take_it(
        tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
        for end in ("commit", "rollback", "close"):
            with write_session(engine) as session:
                session.execute(text("INSERT INTO t VALUES (1)"))
                with read_session(engine) as reader:  # a reader beside a writer: no wait
                    reader.execute(text("SELECT count(*) FROM t")).scalar()
                if end != "close":
                    getattr(session, end)()
            done = threading.Event()
            threading.Thread(target=_write_then_set, args=(engine, done)).start()
            assert done.wait(5), f"the write lock was not given back by {end}"
    finally:
        engine.dispose()
