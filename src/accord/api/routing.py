"""The one route class of the API: a route's database work ends on the thread that did it.

Sync routes run on worker threads. A transaction still open when a route returns would stay
open until the request's teardown — holding a pooled connection and, on SQLite, the one
write lock — while other requests wait on it; under load they can wait the busy timeout
out. Services commit their writes; this rolls back what a route only read.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool


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


class AccordRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, ending_transactions(endpoint), **kwargs)
