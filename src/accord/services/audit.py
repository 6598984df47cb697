"""The append-only audit log: every change a user makes is recorded in its transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from accord.db.engine import run
from accord.db.tables import AuditEntry
from accord.services import pagination
from accord.services.caller import Caller


def record(session: Session, caller: Caller | None, action: str, object_type: str,
           object_id: int | None, project_id: int | None = None, **details: Any) -> None:
    run(session, _INSERT, actor_id=caller.user_id if caller else None, action=action,
        object_type=object_type, object_id=object_id, project_id=project_id, details=details)


_INSERT = insert(AuditEntry).values(
    {name: bindparam(name) for name in
     ("actor_id", "action", "object_type", "object_id", "project_id", "details")})


def list_entries(session: Session, project_id: int | None, cursor: str | None,
                 limit: int) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(AuditEntry)
    if project_id is not None:
        stmt = stmt.where(AuditEntry.project_id == project_id)
    stmt, limit = pagination.page(stmt, AuditEntry.id, cursor, limit)
    rows, next_cursor = pagination.finish(list(session.scalars(stmt)), limit, lambda e: e.id)
    return [{"id": e.id, "at": e.at, "actor_id": e.actor_id, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id,
             "project_id": e.project_id, "details": e.details} for e in rows], next_cursor
