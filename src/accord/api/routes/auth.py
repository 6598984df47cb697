"""Log in and out of browser sessions; manage one's own API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from accord.api.deps import (
    SESSION_COOKIE,
    CurrentCaller,
    DbSession,
    State,
    check_origin,
    client_address,
)
from accord.api.routing import AccordRoute
from accord.api.schemas import LoginBody, TokenBody
from accord.services import auth, users

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=AccordRoute)


def _me(session: DbSession, user_id: int, csrf_token: str) -> dict[str, Any]:
    user = users.user_view(users.get_user(session, user_id))
    return {"user": {k: user[k] for k in ("id", "email", "name", "is_admin")},
            "csrf_token": csrf_token}


def _is_https(request: Request, state: State) -> bool:
    if state.settings.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
        if forwarded:
            return forwarded == "https"
    return request.url.scheme == "https"


@router.post("/login")
def login(body: LoginBody, request: Request, response: Response, session: DbSession,
          state: State) -> dict[str, Any]:
    """Start a browser session (HttpOnly, SameSite=Lax cookie; Secure under HTTPS)."""
    check_origin(request, state)  # no logging a victim into an attacker's account
    result = auth.login(session, body.email, body.password, client_address(request),
                        state.secret, ttl_s=state.settings.session_ttl_s,
                        attempts=state.settings.login_attempts_per_window,
                        window_s=state.settings.login_window_s)
    response.set_cookie(SESSION_COOKIE, result.session_token, max_age=state.settings.session_ttl_s,
                        httponly=True, samesite="lax", secure=_is_https(request, state),
                        path="/")
    return _me(session, result.caller.user_id, result.csrf_token)


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, session: DbSession, state: State) -> None:
    check_origin(request, state)  # another site cannot log you out
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.logout(session, token, state.secret)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


@router.get("/session")
def current_session(request: Request, session: DbSession, state: State) -> dict[str, Any]:
    """Who is logged in, or `{"user": null}`: the browser app asks this on start."""
    caller = request.state.caller
    if caller is None:
        return {"user": None, "csrf_token": ""}
    return me(request, caller, session, state)


@router.get("/me")
def me(request: Request, caller: CurrentCaller, session: DbSession,
       state: State) -> dict[str, Any]:
    token = request.cookies.get(SESSION_COOKIE)
    csrf = auth.session_caller(session, token, state.secret)[1] \
        if token and "authorization" not in request.headers else ""
    return _me(session, caller.user_id, csrf)


@router.get("/tokens")
def list_tokens(caller: CurrentCaller, session: DbSession) -> list[dict[str, Any]]:
    return users.list_tokens(session, caller.user_id)


@router.post("/tokens", status_code=201)
def create_token(body: TokenBody, caller: CurrentCaller, session: DbSession,
                 state: State) -> dict[str, Any]:
    """The token is shown once, in this response."""
    return users.create_token(session, caller, caller.user_id, state.secret, body.name)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, caller: CurrentCaller, session: DbSession) -> None:
    users.revoke_token(session, caller, token_id)
