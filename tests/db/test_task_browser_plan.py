"""The task list's common pages are one indexed query: the unfiltered list and a state in
id order are read through an index, on SQLite and on PostgreSQL (where sequential scans are
switched off for the check, as the planner prefers them on a test's few rows). On SQLite
the plan is fixed: an index walked in id order, no sort, and a state read from its own index
(`ix_tasks_browse`), so a rare state is found without walking the others."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from accord.core.records import Role
from accord.services import task_browser
from builders import World, caller_of


def _page_statement(session: Session, project_id: int, query: dict[str, str]
                    ) -> tuple[str, Any]:
    """The SQL and parameters of the statement that reads a page's tasks."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    reviewer = caller_of({"id": 0, "email": "r", "is_admin": True}).in_project(Role.MANAGER)
    parsed = task_browser.read_query(reviewer, query)
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        task_browser.page(session, project_id, parsed, None, 100)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    [found] = [s for s in seen if "FROM tasks" in s[0]]
    return found


@pytest.mark.parametrize("query", [{}, {"state": "label"}, {"state": "adjudicate"},
                                   {"state": "done"}, {"state": "done", "sort": "-id"}])
def test_a_page_of_all_tasks_or_of_one_state_walks_an_index_in_order(session, world: World,
                                                                     query):
    sql, parameters = _page_statement(session, world.project_id, query)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        plan = " | ".join(row[3] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {sql}", parameters))
        assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan
        if "state" in query:
            assert "ix_tasks_browse" in plan, plan
        return
    # which index serves a state is the planner's call on its statistics: on a test's few
    # rows it may well take the queue's index and sort the one row it expects; what holds
    # on any statistics is that the page needs no scan of the table
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}", parameters))
    assert "Index" in plan and "Seq Scan" not in plan, plan
