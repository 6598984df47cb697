"""Request-scoped dependencies: the database session and the authorized caller.

`authorize` runs for every route (it is an app-wide dependency). It reads the route's entry
in `access.ROUTES`, authenticates the request (bearer token, or session cookie plus CSRF
check for unsafe methods), and for project routes resolves the caller's role there.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from accord.api.access import PROJECT_ROLE, ROUTES, Access
from accord.core.errors import NotAuthenticated, NotFound, PermissionDenied
from accord.core.records import Role, role_at_least
from accord.db.engine import READ, SINGLE_STATEMENT_READS, WRITE
from accord.services import auth, projects
from accord.services.caller import Caller
from accord.settings import Settings

SESSION_COOKIE = "accord_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class AppState:
    settings: Settings
    engine: Engine
    secret: str
    writer: Engine = field(init=False)  # the engine for unsafe methods: BEGIN IMMEDIATE

    def __post_init__(self) -> None:
        object.__setattr__(self, "writer", self.engine.execution_options(**WRITE))


def app_state(request: Request) -> AppState:
    return request.app.state.accord  # type: ignore[no-any-return]


async def db_session(request: Request) -> AsyncIterator[Session]:
    """Reads get a plain transaction; writes start with BEGIN IMMEDIATE on SQLite.

    Async on purpose: its teardown (closing the session, rolling back whatever is still
    open) then runs on the event loop instead of waiting for a worker thread. Under load every
    worker thread can be waiting on the database, and a teardown queued behind them would
    keep its transaction — on SQLite the write lock — open until the busy timeout.
    """
    state = app_state(request)
    engine = state.engine if request.method in SAFE_METHODS else state.writer
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        except Exception:
            session.rollback()
            raise


DbSession = Annotated[Session, Depends(db_session)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_origin(request: Request, state: AppState) -> None:
    """Refuse cookie-authenticated writes sent from another origin (CSRF)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return
    host, scheme = request.headers.get("host", ""), request.url.scheme
    if state.settings.trust_proxy_headers:
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
        scheme = request.headers.get("x-forwarded-proto", scheme).split(",")[0].strip()
    parts = urlsplit(origin)
    if (parts.scheme.lower(), parts.netloc.lower()) != (scheme.lower(), host.lower()):
        raise PermissionDenied("cross-site request refused: the Origin does not match this "
                               "server", code="csrf_failed")


def _authenticate(request: Request, session: Session, state: AppState,
                  project_id: int | None = None) -> auth.Identity:
    """The request's identity, with its membership of `project_id` read in the same
    statement."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("the Authorization header must be `Bearer <token>`")
        return auth.token_caller(session, token.strip(), state.secret, project_id)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated("log in, or send an API token as `Authorization: Bearer …`")
    identity, csrf_token = auth.session_caller(session, cookie, state.secret, project_id)
    if request.method not in SAFE_METHODS:
        check_origin(request, state)
        if not hmac.compare_digest(request.headers.get(CSRF_HEADER, ""), csrf_token):
            raise PermissionDenied("missing or wrong X-CSRF-Token header for a cookie "
                                   "session", code="csrf_failed")
    return identity


def _throttle_anonymous(request: Request, session: Session, state: AppState) -> None:
    """Count a failed or anonymous call against the client's address (429 past the limit)."""
    session.rollback()  # end the read snapshot before writing the counter
    auth.hit_rate_limit(session, f"anon:{client_address(request)}",
                        state.settings.anonymous_requests_per_minute, 60)
    session.commit()


async def authorize(request: Request, session: DbSession) -> None:
    """Async on purpose: on the event loop, the one or two indexed reads it makes cost less
    than the hop to a worker thread and back, which every request would pay. Reads never
    wait on a lock (SQLite in WAL mode; PostgreSQL's snapshots), and the pools hold a
    connection beyond what the worker threads can take. The one write — counting an
    anonymous call — goes to a worker thread, as it may wait for SQLite's write lock."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    access = ROUTES.get((request.method, path or ""))
    if access is None:
        if request.method == "HEAD":
            access = ROUTES.get(("GET", path or ""))
        if access is None:
            raise NotFound("no such route")
    state = app_state(request)
    if not session.in_transaction():  # a read, even in a write request; one statement
        # outside a transaction on a pooled connection; a session bound to a connection
        # (tests wrap each case in one) reads in that connection's transaction
        session.connection(execution_options=SINGLE_STATEMENT_READS[state.engine.dialect.name]
                           if isinstance(session.get_bind(), Engine) else READ)
    if access == Access.PUBLIC:
        request.state.caller = _optional_caller(request, session, state)
        session.rollback()
        return
    raw = str(request.path_params.get("project_id", "")) if access in PROJECT_ROLE else ""
    try:
        identity = _authenticate(request, session, state,
                                 int(raw) if raw.isdigit() else None)
    except NotAuthenticated:
        await run_in_threadpool(_throttle_anonymous, request, session, state)
        raise
    caller = identity.caller
    if access == Access.ADMIN and not caller.is_admin:
        raise PermissionDenied("only an administrator may do this")
    if access in PROJECT_ROLE:
        caller = _in_project(session, identity, raw, PROJECT_ROLE[access])
    request.state.caller = caller
    # End authorization's transaction here: kept until the route runs on its worker thread,
    # it would hold a pooled connection — and on SQLite the one write lock — while waiting
    # for a free thread, and under load every thread then waits on it.
    session.rollback()


def _optional_caller(request: Request, session: Session, state: AppState) -> Caller | None:
    try:
        return _authenticate(request, session, state).caller
    except (NotAuthenticated, PermissionDenied):
        return None


def _in_project(session: Session, identity: auth.Identity, raw: str, minimum: Role) -> Caller:
    """The caller with their role in project `raw` (the path's), whose membership was read
    with their credential; 404 when they may not know of it, 403 below `minimum`."""
    if not raw.isdigit():
        raise NotFound(f"project {raw!r} not found")
    project_id, caller = int(raw), identity.caller
    membership, found = identity.membership, identity.project_found
    if not found and project_id > auth.MAX_ID:  # not looked up: let the database refuse it
        membership = projects.membership_of(session, caller.user_id, project_id)
    if caller.is_admin:
        if not found:
            raise NotFound(f"project {project_id} not found", project_id=project_id)
        return caller.in_project(*(membership or (Role.MANAGER, None)))
    if membership is None:
        raise NotFound(f"project {project_id} not found", project_id=project_id)
    role, tier = membership
    if not role_at_least(role, minimum):
        raise PermissionDenied(f"this needs the {minimum.value} role in project {project_id}; "
                               f"you are {role.value}")
    return caller.in_project(role, tier)


async def current_caller(request: Request) -> Caller:  # async: no thread hop for this
    caller = getattr(request.state, "caller", None)
    if caller is None:
        raise NotAuthenticated("log in first")
    return caller  # type: ignore[no-any-return]


CurrentCaller = Annotated[Caller, Depends(current_caller)]
State = Annotated[AppState, Depends(app_state)]
