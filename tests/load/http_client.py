"""A lean HTTP/1.1 client for the simulated crowd: one keep-alive connection per member.

The crowd runs in one Python process on the same cores as the server it measures. httpx
spends about 2 ms of CPU on each request here, as much as the server's own work on a
hand-out: fifty clients then queue behind each other's parsing, and the latency they report
is largely their own. This client writes a request and reads a `Content-Length` (or chunked)
response with asyncio streams, a tenth of that cost, and nothing more: JSON POSTs to one
loopback server.

A keep-alive connection the server closed while the client was idle (uvicorn's keep-alive
timeout is 5 s, a paced client's think time) fails on its next use before any response
arrives; that request is sent once more on a new connection. Both requests the crowd makes
are safe to repeat: asking for the next task again returns the same lease, and a submission
carries an Idempotency-Key.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson


class TransportError(Exception):
    """No response: refused, reset, timed out or malformed."""


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int
    content: bytes

    def json(self) -> Any:
        return orjson.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")


class Connection:
    def __init__(self, base_url: str, timeout_s: float) -> None:
        url = urlsplit(base_url)
        if url.scheme != "http" or url.hostname is None or url.port is None:
            raise ValueError(f"an http://host:port URL is needed, not {base_url!r}")
        self.host, self.port, self.timeout_s = url.hostname, url.port, timeout_s
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, *, json: Any = None,
                   headers: dict[str, str] | None = None) -> Response:
        body = orjson.dumps(json) if json is not None else b""
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(body)}"]
        if json is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        retry = self._streams is not None  # an idle connection the server may have closed
        while True:
            try:
                return await asyncio.wait_for(self._exchange(request), self.timeout_s)
            except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as exc:
                await self.aclose()
                if not (retry and isinstance(exc, ConnectionError | asyncio.IncompleteReadError)):
                    raise TransportError(f"{type(exc).__name__}: {exc}") from exc
                retry = False  # once more, on a new connection

    async def _exchange(self, request: bytes) -> Response:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(request)
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        fields = {name.strip().lower(): value.strip()
                  for name, _, value in (line.partition(":") for line in head[1:] if line)}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            content = await _read_chunked(reader)
        else:
            content = await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection", "").lower() == "close":
            await self.aclose()
        return Response(status, content)

    async def aclose(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass

    async def __aenter__(self) -> Connection:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers from this server
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
