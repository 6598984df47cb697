"""Users and their API tokens. Sign-up is closed: users are added by an admin or the CLI."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accord.core.credentials import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from accord.core.errors import Conflict, InputError, NotFound, PermissionDenied
from accord.db.tables import ApiToken, User, WebSession
from accord.db.types import utcnow
from accord.services import audit, pagination
from accord.services.caller import Caller

EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def user_view(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "name": user.name, "is_admin": user.is_admin,
            "is_active": user.is_active, "created_at": user.created_at}


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        raise InputError(f"{email!r} is not an email address", field="email")
    return email


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters; "
                         f"got {len(password)}", field="password")


def create_user(session: Session, caller: Caller | None, email: str, *, name: str = "",
                password: str | None = None, is_admin: bool = False) -> dict[str, Any]:
    """`caller` None means the local CLI, which acts with the machine owner's authority."""
    email = normalize_email(email)
    if password is not None:
        check_password_strength(password)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email!r} already exists", field="email")
    user = User(email=email, name=name.strip() or email.split("@")[0], is_admin=is_admin,
                password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    audit.record(session, caller, "user.create", "user", user.id, is_admin=is_admin)
    session.commit()
    return user_view(user)


def first_admin(session: Session) -> Caller:
    """The oldest admin: whom the local CLI acts as by default."""
    user = session.scalar(select(User).where(User.is_admin).order_by(User.id).limit(1))
    if user is None:
        raise NotFound("there is no admin yet; create one with "
                       "`accord user add EMAIL --role admin`")
    return Caller(user_id=user.id, email=user.email, is_admin=True)


def caller_for(session: Session, email: str) -> Caller:
    user = find_user_by_email(session, email)
    return Caller(user_id=user.id, email=user.email, is_admin=user.is_admin)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found", user_id=user_id)
    return user


def find_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with email {email!r}", email=email)
    return user


def list_users(session: Session, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
    stmt, limit = pagination.page(select(User), User.id, cursor, limit)
    rows, next_cursor = pagination.finish(list(session.scalars(stmt)), limit, lambda u: u.id)
    return [user_view(u) for u in rows], next_cursor


def update_user(session: Session, caller: Caller | None, user_id: int,
                changes: dict[str, Any]) -> dict[str, Any]:
    """Admins change anything but their own admin flag; others only their name and password.

    The permission check looks at which fields are named, not whether they change: a no-op
    write of `is_admin` needs the same right as a real one. Changing one's own password needs
    the current one, and a new password or a disabled account ends every browser session.
    `caller` None is the local CLI, acting with the machine owner's authority.
    """
    user = get_user(session, user_id)
    changes = dict(changes)
    current_password = changes.pop("current_password", None)
    privileged = {"is_admin", "is_active", "email"} & changes.keys()
    if caller is not None:
        _check_may_change(caller, user, changes, privileged, current_password)
    if "email" in changes:
        email = normalize_email(changes["email"])
        taken = session.scalar(select(User.id).where(User.email == email, User.id != user.id))
        if taken is not None:
            raise Conflict(f"a user with email {email!r} already exists", field="email")
        user.email = email
    if "name" in changes:
        user.name = changes["name"].strip()
    if "password" in changes:
        check_password_strength(changes["password"])
        user.password_hash = hash_password(changes["password"])
    for flag in ("is_admin", "is_active"):
        if flag in changes:
            setattr(user, flag, bool(changes[flag]))
    if "password" in changes or changes.get("is_active") is False:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(session, caller, "user.update", "user", user.id,
                 fields=sorted(changes.keys()))
    session.commit()
    return user_view(user)


def _check_may_change(caller: Caller, user: User, changes: dict[str, Any],
                      privileged: set[str], current_password: str | None) -> None:
    if privileged and not caller.is_admin:
        raise PermissionDenied(f"only an admin may change {', '.join(sorted(privileged))}")
    if caller.is_admin and user.id == caller.user_id and (
            changes.get("is_admin") is False or changes.get("is_active") is False):
        raise InputError("an admin cannot remove their own admin rights or disable themselves; "
                         "ask another admin", field="is_admin")
    if "password" in changes and user.id == caller.user_id and user.password_hash and \
            not verify_password(current_password or "", user.password_hash):
        raise PermissionDenied("changing your password needs your current password in "
                               "`current_password`", code="wrong_password")


def token_view(token: ApiToken) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at,
            "revoked": token.revoked_at is not None}


def create_token(session: Session, caller: Caller | None, user_id: int, secret: str,
                 name: str = "") -> dict[str, Any]:
    """Returns the token once; only its keyed digest is stored."""
    user = get_user(session, user_id)
    plain = new_token()
    token = ApiToken(user_id=user.id, name=name, token_hash=token_digest(plain, secret),
                     prefix=plain[:10])
    session.add(token)
    session.flush()
    audit.record(session, caller, "token.create", "api_token", token.id, user_id=user.id)
    session.commit()
    return {**token_view(token), "token": plain}


def list_tokens(session: Session, user_id: int) -> list[dict[str, Any]]:
    stmt = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    return [token_view(t) for t in session.scalars(stmt)]


def revoke_token(session: Session, caller: Caller, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != caller.user_id:
        raise NotFound(f"token {token_id} not found", token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    audit.record(session, caller, "token.revoke", "api_token", token.id)
    session.commit()
