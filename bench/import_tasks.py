"""Task import benchmark: N tasks through the CLI and the API, on SQLite (and PostgreSQL).

Run from the repository root (the issue's target: at least 20,000 tasks/s on SQLite):

    .venv/bin/python bench/import_tasks.py                  # 100,000 tasks on SQLite
    .venv/bin/python bench/import_tasks.py --postgres       # also on a throw-away PostgreSQL
    .venv/bin/python bench/import_tasks.py --tasks 20000 --repeat 3 --predictions --write

Every case starts from a fresh data dir (and database) with one admin and one project:

    cli         `accord import P FILE` in local mode (data dir and database from ACCORD_*
                variables): wall time of the whole process, start-up included
    api-json    POST /api/projects/P/tasks {"tasks": [...]} to a real `accord serve` on
                127.0.0.1; only the request is timed (the body is encoded beforehand)
    api-upload  POST /api/projects/P/import?format=jsonl, the JSONL file as multipart upload

CPU time and peak RSS are those of the importing process: the CLI, or the server (CPU used
during the request; VmHWM after it, start-up included), never PostgreSQL's. `--write` replaces
the generated part of the "Task import" section of bench/RESULTS.md, keeping the notes around it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from accord.cli.backends import LocalBackend
from accord.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from _results import RESULTS, machine, write_block  # noqa: E402

from servers import find_bin_dir, free_port, running_postgres  # noqa: E402

SECTION = "## Task import"
TARGET_PER_S = 20_000
CASES = ("cli", "api-json", "api-upload")
REQUEST_TIMEOUT_S = 1800.0
SERVER_START_TIMEOUT_S = 60.0
SCHEMA: dict[str, Any] = {
    "data": [{"name": "image", "type": "image"}, {"name": "caption", "type": "text"}],
    "labels": [{"name": "objects", "type": "bbox", "source": "image",
                "classes": [{"name": "car"}, {"name": "person"}, {"name": "bicycle"}]}],
}
WORDS = ("a red car parked near a crossing", "two people waiting at a bus stop",
         "a cyclist passing a delivery van", "an empty street at dusk", "a truck turning left",
         "pedestrians on a wet pavement", "a taxi stopped at a traffic light")


@dataclass(frozen=True, slots=True)
class Run:
    case: str
    database: str
    seconds: float
    cpu_s: float
    peak_rss_kb: int


def write_tasks(path: Path, count: int, with_predictions: bool) -> None:
    """A reproducible JSONL file: image path, caption, metadata, optionally a prediction."""
    rng = random.Random(20_000)
    with path.open("wb") as out:
        for i in range(count):
            task: dict[str, Any] = {
                "data": {"image": f"img/{i // 1000:03d}/{i:06d}.png",
                         "caption": f"{rng.choice(WORDS)}, frame {i}",
                         "camera": rng.choice(("front", "rear", "left", "right")),
                         "captured_at": f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                         "width": 1280, "height": 720},
                "batch": f"week-{1 + i // 25_000:02d}", "priority": rng.randint(0, 3)}
            if with_predictions:
                task["predictions"] = [{"model_version": "detector-v3",
                                        "score": round(rng.random(), 3),
                                        "regions": [_box(f"p{i}-{k}", rng) for k in range(2)]}]
            out.write(orjson.dumps(task) + b"\n")


def _box(region_id: str, rng: random.Random) -> dict[str, Any]:
    x, y = rng.uniform(0, 1000), rng.uniform(0, 500)
    return {"id": region_id, "label": "objects", "type": "bbox",
            "value": {"class": rng.choice(("car", "person", "bicycle")), "x": round(x, 1),
                      "y": round(y, 1), "width": 120.0, "height": 80.0}}


def prepare(data_dir: Path, database_url: str | None,
            schema: dict[str, Any] | None) -> tuple[dict[str, str], int, str]:
    """A fresh install with an admin and a project: (environment, project id, API token)."""
    env = {**os.environ, "ACCORD_DATA_DIR": str(data_dir)}
    if database_url:
        env["ACCORD_DATABASE_URL"] = database_url
    backend = LocalBackend(Settings(data_dir=data_dir, database_url=database_url))
    try:
        backend.add_user("bench@example.org", name="Bench", password=None, is_admin=True)
        project_id = backend.create_project("Import benchmark", "", schema)["id"]
        token = backend.create_token("bench@example.org", "bench")["token"]
    finally:
        backend.engine.dispose()
    return env, project_id, token


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def cpu_s(pid: int) -> float:
    """User plus system CPU time a live process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_cli(env: dict[str, str], project_id: int, path: Path, count: int,
             log: Path) -> tuple[float, float, int]:
    argv = [sys.executable, "-m", "accord", "import", str(project_id), str(path),
            "--format", "jsonl"]
    start = time.perf_counter()
    with log.open("wb") as err, subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                                 stderr=err) as proc:
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child alone
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or f"imported {count} tasks".encode() not in out:
        raise RuntimeError(f"cli: exit {proc.returncode}, output {out[:300]!r}, "
                           f"stderr {log.read_bytes()[-2000:]!r}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss  # kilobytes on Linux


@contextmanager
def running_server(env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """`accord serve` on a free loopback port; yields (base URL, pid); always stopped."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "accord", "serve", "--host",
                                 "127.0.0.1", "--port", str(port)], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _is_up(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _is_up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/health", timeout=1.0).status_code == 200
    except httpx.TransportError:
        return False


def time_api(case: str, env: dict[str, str], project_id: int, token: str, path: Path,
             count: int, log: Path) -> tuple[float, float, int]:
    headers = {"Authorization": f"Bearer {token}"}
    with running_server(env, log) as (url, pid), httpx.Client(
            base_url=url, headers=headers, timeout=REQUEST_TIMEOUT_S) as client:
        if case == "api-json":
            tasks = [orjson.loads(line) for line in path.read_bytes().splitlines()]
            body = orjson.dumps({"tasks": tasks})
            del tasks
            cpu_before, start = cpu_s(pid), time.perf_counter()
            response = client.post(f"/api/projects/{project_id}/tasks", content=body,
                                   headers={"Content-Type": "application/json"})
        else:
            with path.open("rb") as handle:
                cpu_before, start = cpu_s(pid), time.perf_counter()
                response = client.post(f"/api/projects/{project_id}/import",
                                       params={"format": "jsonl"},
                                       files={"file": (path.name, handle,
                                                       "application/x-ndjson")})
        elapsed, cpu = time.perf_counter() - start, cpu_s(pid) - cpu_before
        if response.status_code >= 300:
            raise RuntimeError(f"{case}: HTTP {response.status_code}: {response.text[:500]}")
        if response.json().get("created") != count:
            raise RuntimeError(f"{case}: expected {count} tasks created, got {response.text}")
        return elapsed, cpu, peak_rss_kb(pid)


def fresh_database(server_url: str, name: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def run_case(case: str, database: str, server_url: str | None, work: Path, path: Path,
             count: int, schema: dict[str, Any] | None, number: int) -> Run:
    root = work / f"{number:02d}-{case}-{database}"
    url = fresh_database(server_url, f"bench_{number}") if server_url else None
    env, project_id, token = prepare(root / "data", url, schema)
    if case == "cli":
        seconds, cpu, rss = time_cli(env, project_id, path, count, root / "cli.log")
    else:
        seconds, cpu, rss = time_api(case, env, project_id, token, path, count,
                                     root / "server.log")
    run = Run(case, database, seconds, cpu, rss)
    print(f"  {case:<10} {database:<10} {seconds:7.2f} s {count / seconds:8,.0f} tasks/s "
          f"{cpu:7.2f} s CPU {rss / 1024:6.0f} MB", file=sys.stderr)
    return run


def table(runs: list[Run], count: int) -> str:
    rows = ["| case | database | tasks | time (s) | tasks/s | CPU (s) | peak RSS (MB) "
            "| ≥ 20,000/s |", "|---|---|--:|--:|--:|--:|--:|:-:|"]
    groups: dict[tuple[str, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.case, run.database), []).append(run)
    for (case, database), group in groups.items():
        seconds = statistics.median(r.seconds for r in group)
        spread = (f" ({min(r.seconds for r in group):.2f}–{max(r.seconds for r in group):.2f})"
                  if len(group) > 1 else "")
        rate, cpu = count / seconds, statistics.median(r.cpu_s for r in group)
        rss_mb = max(r.peak_rss_kb for r in group) / 1024
        rows.append(f"| {case} | {database} | {count:,} | {seconds:.2f}{spread} | {rate:,.0f} "
                    f"| {cpu:.2f} | {rss_mb:.0f} | {'yes' if rate >= TARGET_PER_S else 'no'} |")
    return "\n".join(rows)


def report(runs: list[Run], args: argparse.Namespace, path: Path) -> str:
    line_bytes = path.stat().st_size / args.tasks
    postgres = f", PostgreSQL {find_bin_dir().parent.name} (fsync off)" if args.postgres else ""
    shape = "with one 2-box prediction each" if args.predictions else "without predictions"
    command = " ".join(["bench/import_tasks.py", *sys.argv[1:]])
    runs_text = (f"median time (min–max) of {args.repeat} runs per case" if args.repeat > 1
                 else "one run per case")
    where = machine(f"SQLite {sqlite3.sqlite_version}")
    return (f"Measured {datetime.date.today().isoformat()} on {where}{postgres}; load "
            f"average {os.getloadavg()[0]:.1f} at the end (the machine is shared).\n"
            f"{args.tasks:,} tasks {shape} ({line_bytes:.0f} bytes per JSONL line), "
            f"{runs_text}; `{command}`. CPU (median) and peak RSS (max) are the importing "
            f"process's (CLI or server), not PostgreSQL's.\n\n{table(runs, args.tasks)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000, help="tasks per import")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--predictions", action="store_true",
                        help="give every task a model prediction with two boxes")
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args()
    if args.tasks < 1 or args.repeat < 1:
        parser.error("--tasks and --repeat must be at least 1")
    schema = SCHEMA if args.predictions else None
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="accord-bench-")))
        path = work / "tasks.jsonl"
        write_tasks(path, args.tasks, args.predictions)
        databases: list[tuple[str, str | None]] = [("sqlite", None)]
        if args.postgres:
            databases.append(("postgresql", stack.enter_context(running_postgres())))
        runs: list[Run] = []
        for name, server_url in databases:
            for _ in range(args.repeat):
                runs += [run_case(case, name, server_url, work, path, args.tasks, schema,
                                  len(runs) + i) for i, case in enumerate(args.cases)]
        block = report(runs, args, path)
    print(block)
    if args.write:
        write_block("import_tasks.py", SECTION, block)
        print(f"updated {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
