"""JSON responses via orjson, with <, > and & escaped so no body can be read as markup."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def dumps(content: Any) -> bytes:
    return escape(orjson.dumps(content, option=_OPTIONS))


def escape(body: bytes) -> bytes:
    """JSON text with <, > and & written as escapes, which no browser reads as markup."""
    return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


class JsonResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
