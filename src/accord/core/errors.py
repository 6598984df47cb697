"""Errors the domain raises, each carrying a stable `code` and the details a user can act on.

    DomainError                 400  something about the request is wrong
    ├── InputError              422  a value is malformed or out of range
    │   └── EgressBlocked       422  an outbound URL points somewhere we refuse to go
    ├── NotAuthenticated        401  no valid credentials
    ├── PermissionDenied        403  known caller, action not allowed (never for hidden objects)
    ├── NotFound                404  absent, or present but not visible to the caller
    ├── Conflict                409  the stored state disagrees with the request
    │   └── InvalidTransition   409  a workflow move that the policy forbids
    └── TooManyRequests         429  throttled; `retry_after_s` says when to try again

The HTTP status is mapped once, at the API's edge; the core never knows about HTTP.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error we raise on purpose; `details` are JSON-serialisable facts."""

    code: ClassVar[str] = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.details = details

    def __str__(self) -> str:
        return self.message


class InputError(DomainError):
    code = "invalid_input"


class EgressBlocked(InputError):
    code = "egress_blocked"


class NotAuthenticated(DomainError):
    code = "not_authenticated"


class PermissionDenied(DomainError):
    code = "permission_denied"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class TooManyRequests(DomainError):
    code = "too_many_requests"


__all__ = [
    "Conflict",
    "DomainError",
    "EgressBlocked",
    "InputError",
    "InvalidTransition",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
    "TooManyRequests",
]
