"""`accord jobs`: a project's background imports and exports (started in the web UI or the
API), on the data dir or, given `--url`, on a server."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from accord.cli.backends import LocalBackend
from accord.cli.options import DataDir, Json, Token, Url, settings_for
from accord.cli.output import fail, out, print_json
from accord.db.engine import read_session

jobs_cli = typer.Typer(no_args_is_help=True,
                       help="Background imports and exports: list them, show one.")

Limit = Annotated[int, typer.Option(help="How many, newest first")]


def _list(project: int, limit: int, data_dir: Any, url: str | None,
          token: str | None) -> list[dict[str, Any]]:
    if url:
        from itertools import islice

        from accord.client import Client
        if not token:
            raise fail("--url needs an API token: pass --token or set ACCORD_TOKEN")
        with Client(url, token) as client:
            return list(islice(client.list_jobs(project), limit))
    from accord.services import jobs, projects

    with LocalBackend(settings_for(data_dir)) as local, read_session(local.engine) as session:
        projects.get_project(session, project)
        items, _ = jobs.list_jobs(session, project, None, min(limit, 1000))
        return items


def _show(project: int, job: int, data_dir: Any, url: str | None,
          token: str | None) -> dict[str, Any]:
    if url:
        from accord.client import Client
        if not token:
            raise fail("--url needs an API token: pass --token or set ACCORD_TOKEN")
        with Client(url, token) as client:
            return client.get_job(project, job)
    from accord.services import jobs

    with LocalBackend(settings_for(data_dir)) as local, read_session(local.engine) as session:
        return jobs.read_job(session, project, job)


def progress_text(job: dict[str, Any]) -> str:
    done, total = job["progress"]["done"], job["progress"]["total"]
    return f"{done}/{total}" if total is not None else (str(done) if done else "")


@jobs_cli.command("list")
def list_jobs(project: int, limit: Limit = 20, as_json: Json = False,
              data_dir: DataDir = None, url: Url = None, token: Token = None) -> None:
    """List a project's jobs, newest first."""
    items = _list(project, limit, data_dir, url, token)
    if as_json:
        print_json(items)
        return
    table = Table("id", "kind", "format", "state", "progress", "created", "file / error")
    for job in items:
        table.add_row(str(job["id"]), job["kind"], job["format"], job["state"],
                      progress_text(job), str(job["created_at"])[:19],
                      job["error"] or job["file_name"] or "")
    out.print(table)


@jobs_cli.command("show")
def show_job(project: int, job: int, as_json: Json = False, data_dir: DataDir = None,
             url: Url = None, token: Token = None) -> None:
    """Show one job: its state, progress, result or error, and its file."""
    found = _show(project, job, data_dir, url, token)
    if as_json:
        print_json(found)
        return
    lines = [f"job {found['id']}: {found['kind']} ({found['format']}), {found['state']}"]
    if found["phase"] or progress_text(found):
        lines.append(f"progress: {found['phase'] or ''} {progress_text(found)}".rstrip())
    if found["result"]:
        lines.append("result: " + ", ".join(f"{k} {v}" for k, v in found["result"].items()))
    if found["error"]:
        lines.append(f"error: {found['error']}")
    if found["file_name"]:
        size = f", {found['file_size']} bytes" if found["file_size"] is not None else ""
        lines.append(f"file: {found['file_name']}{size}")
    if found["file_sha256"]:
        lines.append(f"sha256: {found['file_sha256']}")
    if found["download_url"]:
        lines.append(f"download: {found['download_url']}")
    for line in lines:
        out.print(line, highlight=False, markup=False)
