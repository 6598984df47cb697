"""Errors the SDK raises, carrying the server's error code."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """The server refused a request; `code` is the server's stable error code."""

    def __init__(self, status: int, code: str, message: str,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.details = details or {}

    @property
    def is_not_found(self) -> bool:
        return self.status == 404
