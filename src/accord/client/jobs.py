"""`Jobs`: the background imports and exports of the REST API, for scripts.

    from accord.client.jobs import Jobs
    with Jobs("http://127.0.0.1:8080", token="acc_…") as jobs:
        job = jobs.wait(project_id, jobs.start_export(project_id, "jsonl")["id"])
        with open("export.jsonl", "wb") as out:
            jobs.download(project_id, job["id"], out)

A client of its own beside `Client` (same URL, token and errors), so that the SDK's main
class stays one method per synchronous operation.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx

from accord.client.client import HttpClient, _network_errors, _raise_for
from accord.client.errors import ApiError

FINISHED = frozenset({"done", "failed", "cancelled"})


class Jobs:
    def __init__(self, url: str = "http://127.0.0.1:8080", token: str | None = None, *,
                 http: HttpClient | None = None, timeout_s: float = 300.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http: HttpClient = http or httpx.Client(base_url=url.rstrip("/"), headers=headers,
                                                      timeout=timeout_s)
        self._headers = headers if http is not None else {}

    def __enter__(self) -> Jobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        with _network_errors():
            response = self._http.request(method, path, headers=self._headers, **kwargs)
        _raise_for(response)
        return response.json()

    def start_export(self, project_id: int, format: str = "jsonl") -> dict[str, Any]:
        """Queue an export; returns the job (state `queued`)."""
        return self._call("POST", f"/api/projects/{project_id}/exports",
                          json={"format": format})

    def start_import(self, project_id: int, path: Path | str, format: str = "jsonl"
                     ) -> dict[str, Any]:
        """Upload a file and queue its import; returns the job."""
        path = Path(path)
        with path.open("rb") as handle:
            return self._call("POST", f"/api/projects/{project_id}/imports",
                              params={"format": format}, files={"file": (path.name, handle)})

    def list_jobs(self, project_id: int) -> Iterator[dict[str, Any]]:
        """The project's jobs, newest first, fetched a page at a time."""
        cursor = None
        while True:
            page = self._call("GET", f"/api/projects/{project_id}/jobs",
                              params={"limit": 100, **({"cursor": cursor} if cursor else {})})
            yield from page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return

    def get_job(self, project_id: int, job_id: int) -> dict[str, Any]:
        return self._call("GET", f"/api/projects/{project_id}/jobs/{job_id}")

    def cancel(self, project_id: int, job_id: int) -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/jobs/{job_id}/cancel")

    def wait(self, project_id: int, job_id: int, timeout_s: float = 3600.0,
             poll_s: float = 0.5) -> dict[str, Any]:
        """Poll until the job is done, failed or cancelled (backing off to 5 s between
        looks); an ApiError `timeout` if it is still running after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while True:
            job = self.get_job(project_id, job_id)
            if job["state"] in FINISHED:
                return job
            if time.monotonic() > deadline:
                raise ApiError(0, "timeout", f"job {job_id} is still {job['state']} after "
                               f"{timeout_s:g} s")
            time.sleep(poll_s)
            poll_s = min(poll_s * 1.5, 5.0)

    def download(self, project_id: int, job_id: int, out: IO[bytes]) -> int:
        """Write a finished export's file into `out`; returns the bytes written."""
        written = 0
        with _network_errors(), self._http.stream(
                "GET", f"/api/projects/{project_id}/jobs/{job_id}/download",
                headers=self._headers) as response:
            if response.status_code >= 400:
                response.read()
                _raise_for(response)
            for chunk in response.iter_bytes():
                out.write(chunk)
                written += len(chunk)
        return written
