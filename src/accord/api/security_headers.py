"""Security headers on every response, and a strict Content-Security-Policy on HTML."""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP: Final = ("default-src 'self'; script-src 'self'; style-src 'self'; "
              "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
              "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
              "frame-ancestors 'self'")
COMMON: Final = [(b"x-content-type-options", b"nosniff"),
                 (b"referrer-policy", b"same-origin"),
                 (b"x-frame-options", b"SAMEORIGIN"),
                 (b"cross-origin-opener-policy", b"same-origin")]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in {h for h, _ in COMMON}]
                headers += COMMON
                headers.append((b"content-security-policy", CSP.encode()))
                # API answers are not cached, unless a route says otherwise (previews)
                if scope["path"].startswith("/api/") and not any(
                        k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
