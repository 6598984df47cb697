"""A recording HTTP client for the SDK's `http=` seam, and a classification region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


class Recording:
    """Starlette's test client, noting each call the SDK makes through it."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.calls: list[Call] = []
        self.closed = False

    def _note(self, method: str, path: str, kwargs: dict[str, Any]) -> None:
        self.calls.append(Call(method, path, dict(kwargs.get("params") or {}),
                               dict(kwargs.get("headers") or {})))

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self._note(method, url, kwargs)
        return self.http.request(method, url, **kwargs)

    def stream(self, method: str, url: str, **kwargs: Any) -> Any:
        self._note(f"STREAM {method}", url, kwargs)
        return self.http.stream(method, url, **kwargs)

    def close(self) -> None:
        self.closed = True
        self.http.close()


def scene(region_id: str, cls: str) -> dict[str, Any]:
    return {"id": region_id, "label": "scene", "type": "classification", "value": {"class": cls}}
