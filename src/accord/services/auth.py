"""Authentication: password login into a server-side session, bearer tokens, throttling.

Every way in (session cookie, API token) goes through `_usable`, so a disabled account is
refused the same way whatever the credential.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Integer, Row, Select, bindparam, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from accord.core.credentials import hash_password, token_digest, verify_password
from accord.core.errors import NotAuthenticated, TooManyRequests
from accord.core.records import Role, Tier
from accord.db.engine import run
from accord.db.tables import ApiToken, Membership, Project, RateLimit, User, WebSession
from accord.db.types import UtcDateTime, utcnow
from accord.services import audit
from accord.services.caller import Caller

#: How many more failed logins one address may make across all accounts than on one.
ADDRESS_FACTOR = 5


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class LoginResult:
    caller: Caller
    session_token: str
    csrf_token: str


def _usable(user: User | Row[Any] | None) -> User | Row[Any]:
    """The user (or a row of their id, email, is_admin and is_active), if they may sign in."""
    if user is None or not user.is_active:
        raise NotAuthenticated("the credentials are not valid or the account is disabled",
                               code="invalid_credentials")
    return user


def _caller(user: User | Row[Any]) -> Caller:
    return Caller(user_id=user.id, email=user.email, is_admin=user.is_admin)


def _bump(session: Session, key: str, window_s: int) -> tuple[int, datetime]:
    """Add one to `key`'s counter in one atomic statement, starting a new window if due.

    A single upsert (no read first) means SQLite never has to upgrade a read lock, and two
    replicas counting at once never lose an increment.
    """
    now = utcnow()
    digest = hashlib.sha256(key.encode()).hexdigest()
    expired = RateLimit.window_start <= now - timedelta(seconds=window_s)
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)
    stmt = insert(RateLimit).values(key=digest, window_start=now, count=1)
    stmt = stmt.on_conflict_do_update(index_elements=[RateLimit.key], set_={
        "count": case((expired, 1), else_=RateLimit.count + 1),
        "window_start": case((expired, now), else_=RateLimit.window_start)})
    count, started = session.execute(stmt.returning(RateLimit.count, RateLimit.window_start)).one()
    return count, UtcDateTime().process_result_value(started, session.get_bind().dialect) or now


def _count(session: Session, key: str, window_s: int) -> int:
    row = session.get(RateLimit, hashlib.sha256(key.encode()).hexdigest())
    if row is None or (utcnow() - row.window_start).total_seconds() >= window_s:
        return 0
    return row.count


def hit_rate_limit(session: Session, key: str, limit: int, window_s: int) -> None:
    """Count one event under `key`; past `limit` in the window, commit and raise 429."""
    count, started = _bump(session, key, window_s)
    if count > limit:
        retry = max(1, int(window_s - (utcnow() - started).total_seconds()))
        session.commit()  # the count itself must stick
        raise TooManyRequests(f"too many attempts; try again in {retry} s", retry_after_s=retry)


def login(session: Session, email: str, password: str, client: str, secret: str, *,
          ttl_s: int, attempts: int, window_s: int) -> LoginResult:
    """Check the password and open a session.

    Failures are counted per account and address (`attempts` per window) and per address
    alone (`attempts` × ADDRESS_FACTOR, against spraying many accounts); past either limit
    even a correct password gets 429 until the window ends.
    """
    email = email.strip().lower()
    limits = ((f"login:{email}:{client}", attempts), (f"login-address:{client}",
                                                      attempts * ADDRESS_FACTOR))
    for key, limit in limits:
        if _count(session, key, window_s) >= limit:
            hit_rate_limit(session, key, limit, window_s)
    user = session.scalar(select(User).where(User.email == email))
    # an unknown email costs the same scrypt as a known one, so timing reveals nothing
    matches = verify_password(password, user.password_hash if user else _dummy_hash())
    if user is None or not matches or not user.is_active:
        for key, limit in limits:
            hit_rate_limit(session, key, limit, window_s)
        audit.record(session, None, "auth.login_failed", "user", user.id if user else None,
                     email=email)
        session.commit()
        raise NotAuthenticated("wrong email or password, or the account is disabled",
                               code="invalid_credentials")
    session.execute(delete(RateLimit).where(
        RateLimit.key == hashlib.sha256(limits[0][0].encode()).hexdigest()))
    session.execute(delete(WebSession).where(WebSession.user_id == user.id,
                                             WebSession.expires_at <= utcnow()))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=token_digest(token, secret), user_id=user.id,
                           csrf_token=csrf, expires_at=utcnow() + timedelta(seconds=ttl_s)))
    audit.record(session, _caller(user), "auth.login", "user", user.id)
    session.commit()
    return LoginResult(_caller(user), token, csrf)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a credential belongs to and, when the request names a project, their place in it:
    read together, in the one statement every request makes."""
    caller: Caller
    membership: tuple[Role, Tier] | None  # role and tier in the project asked about
    project_found: bool                   # whether that project exists


#: ids a statement can carry (64-bit signed); a larger one is left to the lookup that
#: refuses it as unstorable input
MAX_ID = 2**63 - 1


def _with_user(*credential: Any) -> Select[Any]:
    """A credential's columns with its user's, looked up by the credential's digest, and the
    user's membership of project `project_id` (None: no project), in one statement: every
    request asks it."""
    table = credential[0].class_
    project_id = bindparam("project_id", type_=Integer)
    return select(*credential, User.id, User.email, User.is_admin, User.is_active,
                  Membership.role, Membership.tier, Project.id.label("project_found")).join(
        User, User.id == table.user_id).outerjoin(
        Membership, (Membership.user_id == User.id) & (Membership.project_id == project_id)
    ).outerjoin(Project, Project.id == project_id).where(table.token_hash == bindparam("digest"))


_SESSION_USER = _with_user(WebSession.expires_at, WebSession.csrf_token)
_TOKEN_USER = _with_user(ApiToken.revoked_at)


def _identity(row: Row[Any]) -> Identity:
    membership = (row.role, row.tier) if row.role is not None else None
    return Identity(_caller(_usable(row)), membership, row.project_found is not None)


def _project_param(project_id: int | None) -> int | None:
    return project_id if project_id is not None and 0 <= project_id <= MAX_ID else None


def session_caller(session: Session, token: str, secret: str,
                   project_id: int | None = None) -> tuple[Identity, str]:
    """The identity and CSRF token of a live browser session."""
    row = run(session, _SESSION_USER, digest=token_digest(token, secret),
              project_id=_project_param(project_id)).first()
    if row is None or row.expires_at <= utcnow():
        raise NotAuthenticated("the session has expired; log in again", code="session_expired")
    return _identity(row), row.csrf_token


def token_caller(session: Session, token: str, secret: str,
                 project_id: int | None = None) -> Identity:
    row = run(session, _TOKEN_USER, digest=token_digest(token, secret),
              project_id=_project_param(project_id)).first()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated("the API token is not valid or was revoked",
                               code="invalid_credentials")
    return _identity(row)


def logout(session: Session, token: str, secret: str) -> None:
    session.execute(delete(WebSession).where(
        WebSession.token_hash == token_digest(token, secret)))
    session.commit()
