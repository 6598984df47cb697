"""Servers the tests start for real: a throw-away PostgreSQL, and `accord serve` itself.

PostgreSQL refuses to run as root, so when we are root the server runs as `postgres`.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not candidates:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; "
                           "install them with `apt-get install postgresql` (make test does)")
    return Path(candidates[-1])


def free_port() -> int:
    """A loopback port free at the moment, below the kernel's ephemeral range (which client
    connections draw from, so none of theirs can take it before our server binds it). Under
    pytest-xdist each worker draws only ports of its own residue modulo the worker count, so
    two workers never pick the same one."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    for _ in range(1000):
        port = _ports.randrange(PORTS.start + worker % workers, PORTS.stop, workers)
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.append(port)
        del _handed_out[:-64]
        return port
    raise RuntimeError(f"no free loopback port in {PORTS.start}-{PORTS.stop - 1}")


#: Below Linux's default ephemeral range (32768-60999) and above the usual fixed services.
PORTS = range(20000, 32000)
_ports = random.Random()
#: The last ports free_port gave, which it does not give again while their server may
#: still be starting.
_handed_out: list[int] = []


#: A port free when asked may still be taken before the server binds it (by another
#: process on this machine): servers whose port we chose start again on another one, this
#: many times in all.
PORT_ATTEMPTS = 3


def _lost_the_port(log_path: Path) -> bool:
    return log_path.exists() and "already in use" in log_path.read_text(errors="replace")


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a server in a fresh directory and yield a SQLAlchemy URL to a fresh database."""
    bin_dir = find_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="accord-pg-"))
    root.chmod(0o755)
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    run = lambda argv: subprocess.run(  # noqa: E731
        _as_server_user(argv), check=True, capture_output=True, text=True)
    try:
        run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "--no-sync", "-E", "UTF8"])
        for attempt in range(PORT_ATTEMPTS):
            port = free_port()
            try:
                run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                     "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                     "-c full_page_writes=off -c max_connections=200", "start"])
                break
            except subprocess.CalledProcessError:
                if attempt + 1 == PORT_ATTEMPTS or not _lost_the_port(root / "log"):
                    raise
        run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
             "accord_test"])
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/accord_test"
    finally:
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m",
                                        "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str, prefix: str = "accord") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of `server_url`, dropped afterwards;
    for tests whose work commits, so cannot share the rolled-back test database."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


class AccordProcess:
    """`accord serve` in a subprocess on a loopback port, which a test may kill and start
    again on the same port and data dir (a crash and restart mid-task)."""

    def __init__(self, data_dir: Path, log_path: Path, env: dict[str, str] | None = None,
                 port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
        self.env |= {**(env or {}), "ACCORD_DATA_DIR": str(data_dir)}
        self.process: subprocess.Popen[bytes] | None = None
        self._may_move = port is None  # to another port, until it has started once

    def start(self, timeout_s: float = 60) -> None:
        for attempt in range(PORT_ATTEMPTS):
            try:
                self._start(timeout_s)
                self._may_move = False
                return
            except RuntimeError:
                if (not self._may_move or attempt + 1 == PORT_ATTEMPTS
                        or not _lost_the_port(self.log_path)):
                    raise
                self.port = free_port()
                self.url = f"http://127.0.0.1:{self.port}"

    def _start(self, timeout_s: float) -> None:
        import sys
        import time

        import httpx

        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "accord", "serve", "--host", "127.0.0.1", "--port",
                 str(self.port)], stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"accord serve did not start:\n{self.log_path.read_text()}")
            time.sleep(0.1)

    def stop(self, *, kill: bool = False) -> None:
        """Terminate (or, with `kill`, SIGKILL as a crash would) and wait for the exit."""
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextmanager
def running_accord(data_dir: Path, log_path: Path,
                   env: dict[str, str] | None = None) -> Iterator[str]:
    """`accord serve` in a subprocess on a free loopback port; yields its URL.

    Only this test's settings reach it: ACCORD_* variables of the surrounding shell do not,
    only those in `env` (e.g. ACCORD_DATABASE_URL, for a server on PostgreSQL).
    """
    log_path.write_text("")
    server = AccordProcess(data_dir, log_path, env)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()
