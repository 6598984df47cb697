"""Refuse JSON bodies the database could not store, before any route sees them.

Python's json module accepts NaN, Infinity and lone UTF-16 surrogates, and PostgreSQL cannot
store NUL characters; any of these would surface as a 500 deep inside a transaction, or be
stored on one backend and refused on the other. Every JSON body is checked once here (orjson
rejects the first three), and NUL is refused in bodies, paths and query strings alike.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.api.errors import error_response

MAX_BODY_BYTES = 512 * 1024 * 1024
NUL_MESSAGE = "NUL characters (\\u0000) cannot be stored; remove them from the request"


class JsonBodyGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (b"%00" in scope.get("query_string", b"")
                                        or "\x00" in scope.get("path", "")):
            await error_response(422, "invalid_input", NUL_MESSAGE,
                                 {"field": "url"})(scope, receive, send)
            return
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await error_response(413, "too_large", f"the request body is larger than "
                                     f"{self.max_body_bytes} bytes")(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"\\u0000" in body:
            await error_response(422, "invalid_input", NUL_MESSAGE,
                                 {"field": "body"})(scope, receive, send)
            return
        if body:
            try:
                orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                await error_response(422, "invalid_input", f"the JSON body is not valid: "
                                     f"{exc.msg} (line {exc.lineno}, column {exc.colno})",
                                     {"field": "body"})(scope, receive, send)
                return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return value.split(b";")[0].strip().lower() in (b"application/json",)
    return False
