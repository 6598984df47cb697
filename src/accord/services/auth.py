"""Authentication: password login into a server-side session, bearer tokens, throttling.

Every way in (session cookie, API token) goes through `_usable`, so a disabled account is
refused the same way whatever the credential.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accord.core.credentials import token_digest, verify_password
from accord.core.errors import NotAuthenticated, TooManyRequests
from accord.db.tables import ApiToken, RateLimit, User, WebSession
from accord.db.types import utcnow
from accord.services import audit
from accord.services.caller import Caller


@dataclass(frozen=True, slots=True)
class LoginResult:
    caller: Caller
    session_token: str
    csrf_token: str


def _usable(user: User | None) -> User:
    if user is None or not user.is_active:
        raise NotAuthenticated("the credentials are not valid or the account is disabled",
                               code="invalid_credentials")
    return user


def _caller(user: User) -> Caller:
    return Caller(user_id=user.id, email=user.email, is_admin=user.is_admin)


def hit_rate_limit(session: Session, key: str, limit: int, window_s: int) -> None:
    """Count one event under `key`; raise TooManyRequests past `limit` in the current window."""
    now = utcnow()
    row = session.get(RateLimit, key, with_for_update=True)
    if row is None or (now - row.window_start).total_seconds() >= window_s:
        if row is None:
            row = RateLimit(key=key, window_start=now, count=0)
            session.add(row)
        row.window_start, row.count = now, 0
    row.count += 1
    if row.count > limit:
        retry = max(1, int(window_s - (now - row.window_start).total_seconds()))
        session.commit()  # the count itself must stick
        raise TooManyRequests(f"too many attempts; try again in {retry} s", retry_after_s=retry)


def login(session: Session, email: str, password: str, client: str, secret: str, *,
          ttl_s: int, attempts: int, window_s: int) -> LoginResult:
    email = email.strip().lower()
    throttle_key = f"login:{email}:{client}"
    row = session.get(RateLimit, throttle_key)
    if row is not None and row.count >= attempts and \
            (utcnow() - row.window_start).total_seconds() < window_s:
        hit_rate_limit(session, throttle_key, attempts, window_s)
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not verify_password(password, user.password_hash) or not user.is_active:
        hit_rate_limit(session, throttle_key, attempts, window_s)
        audit.record(session, None, "auth.login_failed", "user", user.id if user else None,
                     email=email)
        session.commit()
        raise NotAuthenticated("wrong email or password, or the account is disabled",
                               code="invalid_credentials")
    session.execute(delete(RateLimit).where(RateLimit.key == throttle_key))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=token_digest(token, secret), user_id=user.id,
                           csrf_token=csrf, expires_at=utcnow() + timedelta(seconds=ttl_s)))
    audit.record(session, _caller(user), "auth.login", "user", user.id)
    session.commit()
    return LoginResult(_caller(user), token, csrf)


def session_caller(session: Session, token: str, secret: str) -> tuple[Caller, str]:
    """The caller and CSRF token of a live browser session."""
    web = session.scalar(select(WebSession).where(
        WebSession.token_hash == token_digest(token, secret)))
    if web is None or web.expires_at <= utcnow():
        raise NotAuthenticated("the session has expired; log in again", code="session_expired")
    return _caller(_usable(session.get(User, web.user_id))), web.csrf_token


def token_caller(session: Session, token: str, secret: str) -> Caller:
    api_token = session.scalar(select(ApiToken).where(
        ApiToken.token_hash == token_digest(token, secret)))
    if api_token is None or api_token.revoked_at is not None:
        raise NotAuthenticated("the API token is not valid or was revoked",
                               code="invalid_credentials")
    return _caller(_usable(session.get(User, api_token.user_id)))


def logout(session: Session, token: str, secret: str) -> None:
    session.execute(delete(WebSession).where(
        WebSession.token_hash == token_digest(token, secret)))
    session.commit()


def expire_sessions_of(session: Session, user_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    session.commit()
