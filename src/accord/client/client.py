"""`Client`: one method per API operation; list methods page through cursors lazily."""

from __future__ import annotations

import json
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import httpx

from accord.client.errors import ApiError

#: Statuses after which the same submission may simply be sent again.
RETRYABLE = frozenset({0, 429, 502, 503, 504})
SUBMIT_ATTEMPTS = 3
#: the states a background job ends in
JOB_FINISHED = frozenset({"done", "failed", "cancelled"})
#: The workflow stages a queue hands out work in.
StageName = Literal["label", "review", "adjudicate"]


class HttpClient(Protocol):
    """What the SDK needs of an HTTP client: httpx.Client, or a test client with its API."""

    def request(self, method: str, url: str, **kwargs: Any) -> Any: ...

    def stream(self, method: str, url: str, **kwargs: Any) -> Any: ...

    def close(self) -> None: ...


def _raise_for(response: Any) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    raise ApiError(response.status_code, str(body.get("code", "http_error")),
                   str(body.get("message", response.reason_phrase or "request failed")),
                   body.get("details") if isinstance(body.get("details"), dict) else {})


def _param(value: Any) -> Any:
    """A query value as the server reads it: booleans as true/false, datetimes in ISO 8601."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@contextmanager
def _network_errors() -> Iterator[None]:
    """No server answered: an ApiError with status 0 and code `network_error`."""
    try:
        yield
    except httpx.TransportError as exc:
        try:
            where = str(exc.request.url)
        except RuntimeError:  # raised before a request was attached
            where = "the server"
        raise ApiError(0, "network_error", f"cannot reach {where}: "
                       f"{exc or type(exc).__name__}") from exc


class Client:
    def __init__(self, url: str = "http://127.0.0.1:8080", token: str | None = None, *,
                 http: HttpClient | None = None, timeout_s: float = 300.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http: HttpClient = http or httpx.Client(base_url=url.rstrip("/"), headers=headers,
                                                      timeout=timeout_s)
        self._headers = headers if http is not None else {}

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self._headers, **kwargs.pop("headers", {})}
        with _network_errors():
            response = self._http.request(method, path, headers=headers, **kwargs)
        _raise_for(response)
        return None if response.status_code == 204 else response.json()

    def _pages(self, path: str, params: dict[str, Any] | None = None,
               limit: int = 500) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            query = {"limit": limit, **(params or {}), **({"cursor": cursor} if cursor else {})}
            page = self._call("GET", path, params=query)
            yield from page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return

    # -- server and identity
    def health(self) -> dict[str, Any]:
        return self._call("GET", "/api/health")

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/api/auth/me")["user"]

    def create_token(self, name: str = "") -> dict[str, Any]:
        """A new API token for the calling user; `token` is in the result, shown only once."""
        return self._call("POST", "/api/auth/tokens", json={"name": name})

    def list_tokens(self) -> list[dict[str, Any]]:
        return self._call("GET", "/api/auth/tokens")

    def revoke_token(self, token_id: int) -> None:
        self._call("DELETE", f"/api/auth/tokens/{token_id}")

    # -- users (admins)
    def list_users(self) -> Iterator[dict[str, Any]]:
        return self._pages("/api/users")

    def create_user(self, email: str, *, name: str = "", password: str | None = None,
                    is_admin: bool = False) -> dict[str, Any]:
        return self._call("POST", "/api/users", json={"email": email, "name": name,
                                                      "password": password,
                                                      "is_admin": is_admin})

    def update_user(self, user_id: int, **changes: Any) -> dict[str, Any]:
        return self._call("PATCH", f"/api/users/{user_id}", json=changes)

    # -- projects
    def list_projects(self) -> Iterator[dict[str, Any]]:
        return self._pages("/api/projects", limit=200)

    def create_project(self, name: str, *, description: str = "",
                       schema: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._call("POST", "/api/projects", json={"name": name, "description": description,
                                                         "schema": schema})

    def get_project(self, project_id: int) -> dict[str, Any]:
        return self._call("GET", f"/api/projects/{project_id}")

    def update_project(self, project_id: int, **changes: Any) -> dict[str, Any]:
        return self._call("PATCH", f"/api/projects/{project_id}", json=changes)

    def delete_project(self, project_id: int) -> None:
        self._call("DELETE", f"/api/projects/{project_id}")

    def list_members(self, project_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"/api/projects/{project_id}/members")

    def add_member(self, project_id: int, email: str, role: str,
                   tier: str = "junior") -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/members",
                          json={"email": email, "role": role, "tier": tier})

    def update_member(self, project_id: int, user_id: int, *, role: str | None = None,
                      tier: str | None = None) -> dict[str, Any]:
        return self._call("PATCH", f"/api/projects/{project_id}/members/{user_id}",
                          json={"role": role, "tier": tier})

    def remove_member(self, project_id: int, user_id: int) -> None:
        self._call("DELETE", f"/api/projects/{project_id}/members/{user_id}")

    # -- schema and guidelines
    def validate_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/api/schema/validate", json=schema)["schema"]

    def schema_from_label_studio(self, xml: str) -> dict[str, Any]:
        return self._call("POST", "/api/schema/from-label-studio", json={"xml": xml})["schema"]

    def get_schema(self, project_id: int, version: int | None = None) -> dict[str, Any]:
        suffix = f"/versions/{version}" if version else ""
        return self._call("GET", f"/api/projects/{project_id}/schema{suffix}")

    def publish_schema(self, project_id: int, schema: dict[str, Any],
                       note: str = "") -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/schema/versions",
                          json={"schema": schema, "note": note})

    def get_guidelines(self, project_id: int, version: int | None = None) -> dict[str, Any]:
        path = f"/api/projects/{project_id}/guidelines"
        return self._call("GET", path + (f"/versions/{version}" if version else ""))

    def publish_guidelines(self, project_id: int, body: str, note: str = "") -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/guidelines/versions",
                          json={"body": body, "note": note})

    # -- tasks and work
    def create_tasks(self, project_id: int, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/tasks", json={"tasks": tasks})

    def list_tasks(self, project_id: int, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every task matching the filters, page by page: `batch`; for reviewers and managers
        also `state`, `annotator`, `gold`, `flagged`, `error_category`, `label`, `class_`
        (sent as `class`), `guideline_version`, `agreement_min`/`_max`, `score_min`/`_max`,
        `submitted_from`/`_to` (aware datetimes or ISO 8601) and `sort` (docs/api.md)."""
        params = {("class" if key == "class_" else key): _param(value)
                  for key, value in filters.items() if value is not None}
        return self._pages(f"/api/projects/{project_id}/tasks", params)

    def get_task(self, project_id: int, task_id: int) -> dict[str, Any]:
        return self._call("GET", f"/api/projects/{project_id}/tasks/{task_id}")

    def update_task(self, project_id: int, task_id: int, **changes: Any) -> dict[str, Any]:
        return self._call("PATCH", f"/api/projects/{project_id}/tasks/{task_id}", json=changes)

    def delete_task(self, project_id: int, task_id: int) -> None:
        self._call("DELETE", f"/api/projects/{project_id}/tasks/{task_id}")

    def save_draft(self, project_id: int, task_id: int, regions: list[dict[str, Any]],
                   lead_time_s: float | None = None) -> dict[str, Any]:
        return self._call("PUT", f"/api/projects/{project_id}/tasks/{task_id}/draft",
                          json={"regions": regions, "lead_time_s": lead_time_s})

    def get_draft(self, project_id: int, task_id: int) -> dict[str, Any]:
        return self._call("GET", f"/api/projects/{project_id}/tasks/{task_id}/draft")

    def submit_annotation(self, project_id: int, task_id: int, regions: list[dict[str, Any]],
                          *, lead_time_s: float | None = None,
                          schema_version: int | None = None,
                          idempotency_key: str | None = None) -> dict[str, Any]:
        """Submit, retrying lost or refused-for-now attempts with one idempotency key, so a
        retry never stores the work twice (a key is made if none is given)."""
        key = idempotency_key or uuid.uuid4().hex
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                return self._call(
                    "POST", f"/api/projects/{project_id}/tasks/{task_id}/annotations",
                    json={"regions": regions, "lead_time_s": lead_time_s,
                          "schema_version": schema_version},
                    headers={"Idempotency-Key": key})
            except ApiError as error:
                if error.status not in RETRYABLE or attempt == SUBMIT_ATTEMPTS - 1:
                    raise
                time.sleep(min(float(error.details.get("retry_after_s", 0)) or 0.5 * 2**attempt,
                               30.0))
        raise AssertionError("unreachable")

    def list_annotations(self, project_id: int, task_id: int | None = None
                         ) -> Iterator[dict[str, Any]]:
        path = f"/api/projects/{project_id}"
        return self._pages(path + (f"/tasks/{task_id}/annotations" if task_id else
                                   "/annotations"))

    def review(self, project_id: int, annotation_id: int, verdict: str, *,
               error_categories: Iterable[str] = (), comment: str = "",
               regions: list[dict[str, Any]] | None = None,
               region_comments: Iterable[Mapping[str, str]] = ()) -> dict[str, Any]:
        """Accept, reject or fix; `error_categories` are names of the project's
        `review_categories`, `region_comments` `{"region_id", "body"}` notes pinned to
        regions of the annotation."""
        return self._call("POST",
                          f"/api/projects/{project_id}/annotations/{annotation_id}/reviews",
                          json={"verdict": verdict, "error_categories": list(error_categories),
                                "comment": comment, "regions": regions,
                                "region_comments": [dict(c) for c in region_comments]})

    def annotation_diff(self, project_id: int, annotation_id: int) -> dict[str, Any]:
        """What an annotation changed of the one it follows (`parent_id`): `{"annotation_id",
        "parent_id", "added", "removed", "changed", "before", "after"}`."""
        return self._call("GET",
                          f"/api/projects/{project_id}/annotations/{annotation_id}/diff")

    def create_predictions(self, project_id: int, predictions: list[dict[str, Any]]) -> int:
        return self._call("POST", f"/api/projects/{project_id}/predictions",
                          json={"predictions": predictions})["created"]

    def list_predictions(self, project_id: int, task_id: int) -> list[dict[str, Any]]:
        return self._call("GET", f"/api/projects/{project_id}/tasks/{task_id}/predictions")

    def add_comment(self, project_id: int, task_id: int, body: str, *,
                    annotation_id: int | None = None,
                    region_id: str | None = None) -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/comments",
                          json={"body": body, "annotation_id": annotation_id,
                                "region_id": region_id})

    def edit_comment(self, project_id: int, task_id: int, comment_id: int, body: str
                     ) -> dict[str, Any]:
        return self._call("PATCH",
                          f"/api/projects/{project_id}/tasks/{task_id}/comments/{comment_id}",
                          json={"body": body})

    def delete_comment(self, project_id: int, task_id: int, comment_id: int) -> None:
        self._call("DELETE",
                   f"/api/projects/{project_id}/tasks/{task_id}/comments/{comment_id}")

    def delete_prediction(self, project_id: int, prediction_id: int) -> None:
        self._call("DELETE", f"/api/projects/{project_id}/predictions/{prediction_id}")

    def flag_task(self, project_id: int, task_id: int, note: str) -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/flags",
                          json={"note": note})

    def list_flags(self, project_id: int, status: str | None = None
                   ) -> Iterator[dict[str, Any]]:
        return self._pages(f"/api/projects/{project_id}/flags",
                           {"status": status} if status else None)

    def resolve_flag(self, project_id: int, flag_id: int, resolution: str = ""
                     ) -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/flags/{flag_id}/resolve",
                          json={"resolution": resolution})

    # -- datasets
    def import_file(self, project_id: int, path: Path | str, format: str = "jsonl",
                    options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Import a file, an archive or a folder (sent as a zip) in one request, all or
        nothing. `options`: target, author, model_version, media_prefix, labels,
        settings (docs/formats.md)."""
        with _upload(Path(path)) as (name, handle):
            return self._call("POST", f"/api/projects/{project_id}/import",
                              params={"format": format, "options": json.dumps(options or {})},
                              files={"file": (name, handle, "application/octet-stream")})

    def export(self, project_id: int, out: IO[bytes], format: str = "jsonl",
               options: dict[str, Any] | None = None) -> int:
        """Stream an export into `out`; returns the number of bytes written. `options`:
        regions (final, gold, predictions), include_media, settings."""
        return self._download(f"/api/projects/{project_id}/export", out,
                              {"format": format, "options": json.dumps(options or {})})

    # -- background jobs: imports and exports that run on the server, with progress
    def start_export(self, project_id: int, format: str = "jsonl",
                     options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Queue an export; returns the job (state `queued`)."""
        return self._call("POST", f"/api/projects/{project_id}/exports",
                          json={"format": format, "options": options or {}})

    def start_import(self, project_id: int, path: Path | str, format: str = "jsonl",
                     options: dict[str, Any] | None = None) -> dict[str, Any]:
        """Upload a file, an archive or a folder (sent as a zip) and queue its import."""
        with _upload(Path(path)) as (name, handle):
            return self._call("POST", f"/api/projects/{project_id}/imports",
                              params={"format": format, "options": json.dumps(options or {})},
                              files={"file": (name, handle)})

    def list_formats(self, project_id: int) -> list[dict[str, Any]]:
        """Every format: name, title, layout, what it carries, import/export, settings."""
        return self._call("GET", f"/api/projects/{project_id}/formats")["items"]

    def list_jobs(self, project_id: int) -> Iterator[dict[str, Any]]:
        """The project's jobs, newest first."""
        return self._pages(f"/api/projects/{project_id}/jobs", limit=100)

    def get_job(self, project_id: int, job_id: int) -> dict[str, Any]:
        return self._call("GET", f"/api/projects/{project_id}/jobs/{job_id}")

    def cancel_job(self, project_id: int, job_id: int) -> dict[str, Any]:
        return self._call("POST", f"/api/projects/{project_id}/jobs/{job_id}/cancel")

    def wait_for_job(self, project_id: int, job_id: int, timeout_s: float = 3600.0,
                     poll_s: float = 0.5) -> dict[str, Any]:
        """Poll until the job is done, failed or cancelled (backing off to 5 s between
        looks); an ApiError `timeout` if it is still running after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        while True:
            job = self.get_job(project_id, job_id)
            if job["state"] in JOB_FINISHED:
                return job
            if time.monotonic() > deadline:
                raise ApiError(0, "timeout", f"job {job_id} is still {job['state']} after "
                               f"{timeout_s:g} s")
            time.sleep(poll_s)
            poll_s = min(poll_s * 1.5, 5.0)

    def download_job(self, project_id: int, job_id: int, out: IO[bytes]) -> int:
        """Write a finished export's file into `out`; returns the bytes written."""
        return self._download(f"/api/projects/{project_id}/jobs/{job_id}/download", out)

    def _download(self, path: str, out: IO[bytes], params: dict[str, Any] | None = None
                  ) -> int:
        written = 0
        with _network_errors(), self._http.stream("GET", path, params=params,
                                                  headers=self._headers) as response:
            if response.status_code >= 400:
                response.read()
                _raise_for(response)
            for chunk in response.iter_bytes():
                out.write(chunk)
                written += len(chunk)
        return written

    def qa_report(self, project_id: int) -> dict[str, Any]:
        """The whole QA report: counts, agreement per label, gold accuracy, errors, drift."""
        return self._call("GET", f"/api/projects/{project_id}/qa/report")

    def qa_section(self, project_id: int, section: str) -> dict[str, Any]:
        """One section of the QA report: annotators, agreement, consensus, gold, errors, drift
        or throughput."""
        return self._call("GET", f"/api/projects/{project_id}/qa/{section}")

    def task_consensus(self, project_id: int, task_id: int) -> dict[str, Any]:
        """One task's consensus per label, each with its support."""
        return self._call("GET", f"/api/projects/{project_id}/qa/consensus/{task_id}")

    # -- workflow (docs/workflow.md)
    def workflow(self, project_id: int) -> dict[str, Any]:
        """The project's workflow policy, every field, and `pilot_approved`."""
        return self._call("GET", f"/api/projects/{project_id}/workflow")

    def set_workflow(self, project_id: int, **changes: Any) -> dict[str, Any]:
        """Change only the policy fields given (None clears a nullable one); returns the
        whole policy, checked whole: a bad value is a 422 naming `workflow.<field>`."""
        return self._call("PATCH", f"/api/projects/{project_id}/workflow", json=changes)

    def next_task(self, project_id: int, stage: StageName = "label") -> dict[str, Any]:
        """Lease your next task in `stage`: `{"task", "lease", "answers", "reason"}`, with
        `task` None (and `reason` why) when there is none; the same task while leased."""
        return self._call("POST", f"/api/projects/{project_id}/queues/{stage}/next")

    def queues(self, project_id: int) -> dict[str, Any]:
        """Per stage you may take: `{"available", "more", "mine"}` task counts; `label` also
        has `returned`, the tasks of yours a reviewer sent back."""
        return self._call("GET", f"/api/projects/{project_id}/queues")

    def skip_task(self, project_id: int, task_id: int) -> None:
        """Give a task back; it is never offered to you again."""
        self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/skip")

    def assign_task(self, project_id: int, task_id: int, user_id: int,
                    stage: StageName = "label") -> dict[str, Any]:
        """Managers: direct a task to a member in `stage`, ahead of their queue."""
        return self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/assign",
                          json={"user_id": user_id, "stage": stage})

    def release_task(self, project_id: int, task_id: int) -> dict[str, Any]:
        """Managers: drop every lease and assignment on a task (`{"released": n}`)."""
        return self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/release")

    def reopen_task(self, project_id: int, task_id: int) -> dict[str, Any]:
        """Managers: send a task back to labeling for a new round; returns the task."""
        return self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/reopen")

    def freeze_task(self, project_id: int, task_id: int) -> dict[str, Any]:
        """Managers: hold a task out of every queue; returns the task."""
        return self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/freeze")

    def unfreeze_task(self, project_id: int, task_id: int) -> dict[str, Any]:
        """Managers: let a frozen task back into the queues; returns the task."""
        return self._call("POST", f"/api/projects/{project_id}/tasks/{task_id}/unfreeze")

    def task_history(self, project_id: int, task_id: int) -> dict[str, Any]:
        """Reviewers and managers: a task's state, assignments, annotations and events."""
        return self._call("GET", f"/api/projects/{project_id}/tasks/{task_id}/history")

    def pilot_report(self, project_id: int) -> dict[str, Any]:
        """The pilot batch's progress, agreement and time per task, and whether approved."""
        return self._call("GET", f"/api/projects/{project_id}/workflow/pilot")

    def approve_pilot(self, project_id: int) -> dict[str, Any]:
        """Managers: approve the pilot batch, opening the rest; returns the workflow."""
        return self._call("POST", f"/api/projects/{project_id}/workflow/pilot/approve")

    def calibration_report(self, project_id: int) -> dict[str, Any]:
        """How the annotators agree on the calibration batch: alpha per label, their scores."""
        return self._call("GET", f"/api/projects/{project_id}/workflow/calibration")


@contextmanager
def _upload(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """A file as it is; a folder zipped into a temporary file first (uploads are one file)."""
    if not path.is_dir():
        with path.open("rb") as handle:
            yield path.name, handle
        return
    with tempfile.TemporaryFile() as packed:
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                archive.write(file, file.relative_to(path).as_posix())
        packed.seek(0)
        yield f"{path.name}.zip", packed
