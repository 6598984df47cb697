"""Users. Sign-up is closed: admins add users; everyone may edit their own name and password."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from accord.api.deps import CurrentCaller, DbSession
from accord.api.routing import AccordRoute
from accord.api.schemas import NewUser, UserChanges
from accord.core.errors import NotFound
from accord.services import users

router = APIRouter(prefix="/api/users", tags=["users"], route_class=AccordRoute)


@router.get("")
def list_users(session: DbSession, cursor: str | None = None,
               limit: int = 100) -> dict[str, Any]:
    items, next_cursor = users.list_users(session, cursor, limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("", status_code=201)
def create_user(body: NewUser, caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    return users.create_user(session, caller, body.email, name=body.name,
                             password=body.password, is_admin=body.is_admin)


def _visible(caller: CurrentCaller, user_id: int) -> None:
    if not caller.is_admin and caller.user_id != user_id:
        raise NotFound(f"user {user_id} not found", user_id=user_id)


@router.get("/{user_id}")
def read_user(user_id: int, caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    _visible(caller, user_id)
    return users.user_view(users.get_user(session, user_id))


@router.patch("/{user_id}")
def update_user(user_id: int, body: UserChanges, caller: CurrentCaller,
                session: DbSession) -> dict[str, Any]:
    _visible(caller, user_id)
    return users.update_user(session, caller, user_id, body.model_dump(exclude_unset=True, exclude_none=True))
