"""One JSON error shape for every failure, mapped once at the edge.

    {"ok": false, "status": 422, "code": "invalid_input", "message": "...", "details": {...}}
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from accord.api.responses import JsonResponse
from accord.core.errors import (
    Conflict,
    DomainError,
    InputError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)

log = logging.getLogger("accord.api")

STATUS: Final = {NotFound: 404, Conflict: 409, InputError: 422, NotAuthenticated: 401,
                 PermissionDenied: 403, TooManyRequests: 429, DomainError: 400}
HTTP_CODES: Final = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated",
                     403: "permission_denied", 413: "too_large"}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"ok": False, "status": status, "code": code, "message": message,
                         "details": details or {}}, status_code=status, headers=headers)


def _unstorable() -> JsonResponse:
    """A value the database cannot hold (an id beyond 64 bits, a NUL character): bad input."""
    return error_response(422, "invalid_input", "a value is out of range or contains "
                          "characters that cannot be stored (such as NUL); check ids, numbers "
                          "and text in the request")


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def install(app: FastAPI, *, debug: bool) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> JsonResponse:
        status = next(STATUS[c] for c in type(exc).__mro__ if c in STATUS)
        headers = {"Retry-After": str(exc.details["retry_after_s"])} \
            if isinstance(exc, TooManyRequests) else None
        return error_response(status, exc.code, exc.message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> JsonResponse:
        problems = [{"field": _location(tuple(e.get("loc", ()))), "message": e.get("msg", ""),
                     "type": e.get("type", "")} for e in exc.errors()]
        first = problems[0] if problems else {"field": "request", "message": "invalid"}
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        return error_response(422, "invalid_input", f"{first['field']}: {first['message']}"
                              f"{more}", {"problems": problems})

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> JsonResponse:
        code = HTTP_CODES.get(exc.status_code, "http_error")
        message = "no such route" if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, code, message, headers=exc.headers)

    @app.exception_handler(DataError)
    async def on_data_error(request: Request, exc: DataError) -> JsonResponse:
        return _unstorable()

    @app.exception_handler(OverflowError)
    async def on_overflow(request: Request, exc: OverflowError) -> JsonResponse:
        return _unstorable()

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JsonResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        details = {"traceback": traceback.format_exception(exc)} if debug else {}
        return error_response(500, "internal_error", "internal error; the server log has "
                              "the details", details)
