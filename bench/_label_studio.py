"""Label Studio 1.x as a benchmark peer: installed from PyPI into its own virtualenv under the
user's cache dir (about 1 GB, on first use), run as `label-studio start` runs it out of the
box: Django's development server with SQLite, on 127.0.0.1, with its version check,
analytics and Sentry off (it waits on PyPI at start otherwise). Shared by
bench/_ui_label_studio.py (ui_render.py --peer) and bench/formats.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

VERSION = "1.23.2"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "accord-bench"
VENV = CACHE / f"label-studio-{VERSION}"
USER, PASSWORD = "lead@example.org", "correct-horse-battery"
TOKEN = "0123456789abcdef0123456789abcdef01234567"
START_TIMEOUT_S = 300


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    pid: int  # the leader of its own session: the server and any children it starts


def install() -> list[str]:
    """The command that runs Label Studio's CLI, installing it first if need be (minutes).
    Through the virtualenv's python, not its script, so that the directory may move."""
    python = VENV / "bin" / "python"
    command = [str(python), "-c", "from label_studio.server import main; main()"]
    if not python.exists() or subprocess.run([str(python), "-c", "import label_studio"],
                                             capture_output=True).returncode:
        print(f"installing label-studio=={VERSION} into {VENV}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", f"label-studio=={VERSION}"],
                       check=True, timeout=1800)
    return command


@contextmanager
def server(data_dir: Path, port: int, log_path: Path,
           env: dict[str, str] | None = None) -> Iterator[Server]:
    """`label-studio start` on 127.0.0.1:`port` with a fresh data dir (and `env` added to
    its environment); always stopped, with everything it started."""
    command = install()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
           "LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false", "SENTRY_DSN": "",
           "FRONTEND_SENTRY_DSN": "", **(env or {})}
    argv = [*command, "start", "--no-browser", "--data-dir", str(data_dir),
            "--internal-host", "127.0.0.1", "--port", str(port), "--host", url,
            "--username", USER, "--password", PASSWORD, "--user-token", TOKEN,
            "--enable-legacy-api-token"]
    with log_path.open("w") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"label-studio did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield Server(url, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the server and its children
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running(data_dir: Path, port: int, log_path: Path) -> Iterator[str]:
    """`server` for callers that need only its URL."""
    with server(data_dir, port, log_path) as started:
        yield started.url


def session_usage(leader: int) -> tuple[float, int]:
    """CPU seconds (user + system) and the largest VmHWM (kB) of the live processes in
    `leader`'s session: Label Studio's server and whatever it started."""
    cpu, peak, tick = 0.0, 0, os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != leader:  # the session id
                continue
            cpu += (int(fields[11]) + int(fields[12])) / tick
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            continue  # it ended meanwhile
    return cpu, peak


def client(url: str, timeout_s: float) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Token {TOKEN}"},
                        timeout=httpx.Timeout(timeout_s, connect=10.0))


def create_project(api: httpx.Client, title: str, config: str) -> int:
    response = api.post("/api/projects", json={"title": title, "label_config": config})
    response.raise_for_status()
    return int(response.json()["id"])


def import_file(api: httpx.Client, project_id: int, path: Path, deadline: float) -> None:
    """POST the tasks file to the import API and wait until the import has finished: the
    Community edition imports within the request; an import job (other editions) is polled."""
    with path.open("rb") as handle:
        response = api.post(f"/api/projects/{project_id}/import",
                            files={"file": (path.name, handle, "application/json")})
    response.raise_for_status()
    job = response.json().get("import")
    while job is not None:
        status = api.get(f"/api/projects/{project_id}/imports/{job}").json().get("status")
        if status == "completed":
            break
        if status == "failed" or time.monotonic() > deadline:
            raise RuntimeError(f"Label Studio's import {job} ended as {status!r}")
        time.sleep(1.0)


def counts(api: httpx.Client, project_id: int) -> tuple[int, int]:
    """The project's (tasks, annotations), as Label Studio counts them."""
    project = api.get(f"/api/projects/{project_id}").json()
    return int(project["task_number"]), int(project["total_annotations_number"])


def export(api: httpx.Client, project_id: int, export_type: str, out: Path) -> int:
    """GET …/export?exportType=…: the synchronous export of every annotated task, streamed to
    `out`; returns its size in bytes."""
    with out.open("wb") as file, api.stream(
            "GET", f"/api/projects/{project_id}/export",
            params={"exportType": export_type}) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(1 << 20):
            file.write(chunk)
    return out.stat().st_size
