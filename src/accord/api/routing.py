"""The one route class of the API: a route's database work ends on the thread that did it,
and the hottest routes can skip FastAPI's per-request machinery.

Sync routes run on worker threads. A transaction still open when a route returns would stay
open until the request's teardown — holding a pooled connection and, on SQLite, the one
write lock — while other requests wait on it; under load they can wait the busy timeout
out. Services commit their writes; this rolls back what a route only read.

A route declared with `fast=` (next task, submit) is served by a lean handler: it reads the
path, body and headers it needs itself, runs the same authorization and the same endpoint
function on the same kind of session, and writes the result with orjson. Solving the
dependencies, parsing the body through the standard library and serializing the result
through pydantic cost as much as the database work of a hand-out. Anything the lean reader
does not take as plainly valid (a path parameter, the body, its content type) goes to the
standard handler, so errors keep FastAPI's exact answers; OpenAPI is unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from accord.api import deps
from accord.api.responses import JsonResponse, escape

#: Reads a request's endpoint arguments other than `caller` and `session`; None when they
#: are not plainly valid, and the standard handler is to answer
FastReader = Callable[[Request], Awaitable[dict[str, Any] | None]]

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_UTC_Z
_RESULT = TypeAdapter(dict[str, Any])


def ending_transactions(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint, run on a worker thread that rolls back what it left open.

    The wrapper itself is a coroutine, so FastAPI handles the result on the event loop;
    for a plain sync endpoint it would hop to a worker thread a second time, to validate
    the response.
    """
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    def finish(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            return endpoint(*args, **kwargs)
        finally:
            session = kwargs.get("session")
            if isinstance(session, Session) and session.in_transaction():
                session.rollback()

    @functools.wraps(endpoint)  # FastAPI reads the parameters through __wrapped__
    async def call(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(finish, args, kwargs)

    return call


def fast(read: FastReader) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve the decorated endpoint through the lean handler, its arguments read by `read`
    (put it below the router's decorator)."""
    def mark(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        _FAST[endpoint] = read
        return endpoint
    return mark


_FAST: dict[Callable[..., Any], FastReader] = {}


class AccordRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self.fast = _FAST.get(endpoint)
        self.takes_response = "response" in inspect.signature(endpoint).parameters
        super().__init__(path, ending_transactions(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        standard = super().get_route_handler()
        if self.fast is None:
            return standard
        return functools.partial(_serve_fast, self, self.fast, standard)


async def _serve_fast(route: AccordRoute, read: FastReader,
                      standard: Callable[[Request], Awaitable[Response]],
                      request: Request) -> Response:
    """What the standard handler would answer, for a request `read` takes as valid."""
    arguments = await read(request)
    opened = _session_for(request)
    if arguments is None or opened is None:
        return await standard(request)
    sub_response = Response()
    del sub_response.headers["content-length"]
    sub_response.status_code = None  # type: ignore[assignment]  # as FastAPI's: unset
    if route.takes_response:
        arguments["response"] = sub_response
    async with opened as session:
        await deps.authorize(request, session)
        caller = await deps.current_caller(request)
        result = await route.endpoint(**arguments, caller=caller, session=session)
    response = Response(_json(result), status_code=sub_response.status_code
                        or route.status_code or 200, media_type=JsonResponse.media_type)
    response.headers.raw.extend(sub_response.headers.raw)
    return response


def _json(result: Any) -> bytes:
    """The bytes the standard handler writes for a `dict[str, Any]` result (pydantic's
    JSON mode, then `responses.dumps`): orjson writes the same for the values services
    return; anything else goes the standard way."""
    try:
        return escape(orjson.dumps(result, option=_OPTIONS))
    except TypeError:
        return escape(orjson.dumps(_RESULT.dump_python(result, mode="json"),
                                   option=_OPTIONS))


def _session_for(request: Request) -> contextlib.AbstractAsyncContextManager[Session] | None:
    """The request's session as `deps.db_session` (or its override, in tests) makes it;
    None for an override this cannot call without FastAPI."""
    provider = request.app.dependency_overrides.get(deps.db_session, deps.db_session)
    kind = _provider_kind(provider)
    if kind is None:
        return None
    args = (request,) if kind[1] else ()
    if kind[0]:
        return contextlib.asynccontextmanager(provider)(*args)  # type: ignore[no-any-return]
    return _entered(contextlib.contextmanager(provider)(*args))


@functools.cache
def _provider_kind(provider: Callable[..., Any]) -> tuple[bool, bool] | None:
    """(async, takes the request) for a generator provider whose only parameter, if any,
    is `request`; None otherwise."""
    parameters = set(inspect.signature(provider).parameters)
    if parameters - {"request"}:
        return None
    if inspect.isasyncgenfunction(provider):
        return True, bool(parameters)
    if inspect.isgeneratorfunction(provider):
        return False, bool(parameters)
    return None


@contextlib.asynccontextmanager
async def _entered(manager: contextlib.AbstractContextManager[Session]
                   ) -> AsyncIterator[Session]:
    with manager as session:
        yield session


def int_param(request: Request, name: str) -> int | None:
    """A path parameter that is a plain non-negative integer, else None."""
    raw = request.path_params.get(name)
    return int(raw) if isinstance(raw, str) and raw.isdigit() and raw.isascii() else None


async def json_body(request: Request) -> Any:
    """The request's JSON body, when it is sent as JSON (JsonBodyGuard has checked it
    parses); None otherwise."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        return None
    body = await request.body()
    return orjson.loads(body) if body else None
