"""Keyset (cursor) pagination by id: stable under inserts and O(page) at any depth."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Select

from accord.core.errors import InputError

MAX_LIMIT = 1000


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"cursor {cursor!r} is not one this API handed out; pass the "
                         "`next_cursor` of the previous page", field="cursor") from exc
    return value


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def page(stmt: Select[Any], id_column: Any, cursor: str | None,
         limit: int) -> tuple[Select[Any], int]:
    """Restrict `stmt` to one page after `cursor`; fetch limit+1 rows to know if more follow."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}; got {limit}", field="limit")
    stmt = stmt.where(id_column > decode_cursor(cursor)).order_by(id_column).limit(limit + 1)
    return stmt, limit


def finish(rows: list[Any], limit: int, last_id: Any) -> tuple[list[Any], str | None]:
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(last_id(rows[-1]))
    return rows, None
