"""`accord serve --workers N`: several server processes on PostgreSQL, refused on SQLite."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from cli_support import ADMIN, local

from servers import fresh_database, running_accord


def test_several_workers_on_sqlite_are_refused_naming_the_setting(tmp_path: Path) -> None:
    message = local(tmp_path / "data").fails("serve", "--workers", "2")
    assert "workers" in message and "PostgreSQL" in message


def test_several_workers_on_postgresql_serve_the_same_data(postgres_url: str,
                                                           tmp_path: Path) -> None:
    with fresh_database(postgres_url, "accord_workers") as url:
        data_dir, log = tmp_path / "data", tmp_path / "server.log"
        on_server = local(data_dir).with_env(ACCORD_DATABASE_URL=url)
        with running_accord(data_dir, log, env={"ACCORD_DATABASE_URL": url,
                                                "ACCORD_WORKERS": "2"}) as server:
            on_server.ok("user", "add", ADMIN, "--role", "admin")
            token = on_server.ok("token", "create", ADMIN).strip()
            for _ in range(20):  # a new connection each: the kernel spreads them over both
                response = httpx.get(f"{server}/api/auth/me", timeout=10,
                                     headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 200, response.text
                assert response.json()["user"]["email"] == ADMIN
        started = set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))
        assert len(started) == 2, log.read_text()
