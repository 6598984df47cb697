"""`accord`: serve, demo, users, tokens, projects, import and export.

Commands act on the local data dir (`--data-dir`, ACCORD_DATA_DIR) or, given `--url` (or
ACCORD_URL) and a token, on a running server, with the same results.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer.core import TyperGroup

from accord.cli.backends import LocalBackend
from accord.cli.jobs import jobs_cli
from accord.cli.options import AsUser, DataDir, Token, Url, backend, flags_given, settings_for
from accord.cli.output import err, fail, out, print_json
from accord.cli.qa import qa_cli, show_report
from accord.cli.workflow import workflow_cli
from accord.client.errors import ApiError
from accord.core.errors import DomainError
from accord.settings import Settings


class ReportingGroup(TyperGroup):
    """Turns bad input into a one-line message and exit code 1, never a traceback.

    Bad input is our own errors, invalid settings, and files or directories that cannot be
    used. Anything else is a bug and keeps its traceback.
    """

    def invoke(self, ctx: typer.Context) -> Any:
        reset = flags_given.set(frozenset())
        try:
            return super().invoke(ctx)
        except (DomainError, ApiError) as exc:
            raise fail(exc.message) from None
        except ValidationError as exc:
            if exc.title != Settings.__name__:
                raise
            raise fail(describe_invalid_settings(exc, flags_given.get())) from None
        except OSError as exc:
            raise fail(describe_os_error(exc)) from None
        finally:
            flags_given.reset(reset)


def describe_invalid_settings(exc: ValidationError, flags: Collection[str]) -> str:
    """Each problem with the flag or ACCORD_* variable it came from, and the value given."""
    problems = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        source = f"--{field.replace('_', '-')}" if field in flags else f"ACCORD_{field.upper()}"
        reason = error["ctx"]["error"] if error["type"] == "value_error" else error["msg"]
        problems.append(f"{source}={error['input']!s}: {reason}")
    return "invalid setting " + "; ".join(problems)


def describe_os_error(exc: OSError) -> str:
    where = " -> ".join(str(name) for name in (exc.filename, exc.filename2) if name is not None)
    reason = exc.strerror or str(exc)
    return f"cannot use {where}: {reason}" if where else reason


cli = typer.Typer(cls=ReportingGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Accord: self-hosted annotation in which label quality is measured.")
user_cli = typer.Typer(no_args_is_help=True, help="Manage users.")
token_cli = typer.Typer(no_args_is_help=True, help="Manage API tokens.")
project_cli = typer.Typer(no_args_is_help=True, help="Manage projects.")
cli.add_typer(user_cli, name="user")
cli.add_typer(token_cli, name="token")
cli.add_typer(project_cli, name="project")
cli.add_typer(qa_cli, name="qa")
cli.add_typer(workflow_cli, name="workflow")
cli.add_typer(jobs_cli, name="jobs")

@user_cli.command("add")
def user_add(email: str,
             role: Annotated[str, typer.Option(help="admin or member")] = "member",
             name: Annotated[str, typer.Option(help="Display name")] = "",
             password: Annotated[str | None, typer.Option(
                 help="Password for browser login; prompted for when omitted on a terminal"
             )] = None,
             data_dir: DataDir = None, url: Url = None, token: Token = None) -> None:
    """Add a user. The first admin of a fresh install is made this way (sign-up is closed)."""
    if role not in ("admin", "member"):
        raise fail(f"--role must be admin or member; got {role!r}")
    if password is None and sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with backend(data_dir, url, token) as target:
        user = target.add_user(email, name=name, password=password, is_admin=role == "admin")
    out.print(f"added {user['email']} (id {user['id']}, {role})", highlight=False)


@token_cli.command("create")
def token_create(email: str, name: Annotated[str, typer.Option(help="A label")] = "cli",
                 data_dir: DataDir = None, url: Url = None, token: Token = None) -> None:
    """Create an API token for a user and print it (it is shown only this once)."""
    with backend(data_dir, url, token) as target:
        created = target.create_token(email, name)
    sys.stdout.write(created["token"] + "\n")


@project_cli.command("create")
def project_create(name: str,
                   schema: Annotated[Path | None, typer.Option(
                       help="Labeling schema (JSON), see docs/schema.md")] = None,
                   description: str = "", data_dir: DataDir = None, url: Url = None,
                   token: Token = None, as_email: AsUser = None) -> None:
    """Create a project and print its id."""
    document = None
    if schema is not None:
        try:
            document = json.loads(schema.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise fail(f"cannot read the schema {schema}: {exc}") from exc
    with backend(data_dir, url, token, as_email) as target:
        project = target.create_project(name, description, document)
    sys.stdout.write(f"{project['id']}\n")


@project_cli.command("list")
def project_list(as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
                 data_dir: DataDir = None, url: Url = None, token: Token = None,
                 as_email: AsUser = None) -> None:
    """List the projects you can see."""
    with backend(data_dir, url, token, as_email) as target:
        items = list(target.list_projects())
    if as_json:
        print_json([{k: p[k] for k in ("id", "name", "description", "task_count",
                                       "annotated_count", "accepted_count", "role")}
                    for p in items])
        return
    table = Table("id", "name", "tasks", "annotated", "accepted", "role")
    for p in items:
        table.add_row(str(p["id"]), p["name"], str(p["task_count"]), str(p["annotated_count"]),
                      str(p["accepted_count"]), p["role"] or "")
    out.print(table)


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    TimeRemainingColumn(), console=err, transient=True)


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise fail(f"{option} {value!r}: expected NAME=VALUE")
        pairs[key] = rest
    return pairs


FormatOption = Annotated[str, typer.Option(
    "--format", "-f", help="A format name; `accord formats` lists them")]
Settings_ = Annotated[list[str] | None, typer.Option(
    "--set", help="A format setting NAME=VALUE (repeatable; `accord formats` lists them)")]


@cli.command("import")
def import_(project: int, file: Path, format: FormatOption = "jsonl",
            target: Annotated[str, typer.Option(
                "--as", help="What the file's labels become: annotations, predictions, gold "
                             "or tasks (labels dropped)")] = "annotations",
            author: Annotated[str | None, typer.Option(
                help="Email of the user the annotations are by (default: you)")] = None,
            model_version: Annotated[str, typer.Option(
                help="Model version of imported predictions")] = "",
            media_prefix: Annotated[str, typer.Option(
                help="Put before every media file name (a URL, s3://bucket/dir/, or a "
                     "folder of the media root)")] = "",
            copy_media: Annotated[bool, typer.Option(
                "--copy-media", help="Copy the media files the upload holds into the media "
                                     "root, under --media-prefix")] = False,
            label: Annotated[list[str] | None, typer.Option(
                help="TYPE=LABEL: the schema label for a region type, when there are "
                     "several (repeatable)")] = None,
            settings: Settings_ = None,
            data_dir: DataDir = None, url: Url = None, token: Token = None,
            as_email: AsUser = None) -> None:
    """Import tasks (with gold, annotations and predictions) from a file, a folder or a zip
    or tar archive, in any format `accord formats` lists: all or nothing."""
    if not file.exists():
        raise fail(f"no such file or folder: {file}")
    options = {"target": target, "author": author, "model_version": model_version,
               "media_prefix": media_prefix, "labels": _pairs(label, "--label"),
               "settings": _pairs(settings, "--set"), "copy_media": copy_media}
    options = {k: v for k, v in options.items() if v not in (None, "", {}, False)}
    size = file.stat().st_size if file.is_file() else None
    with backend(data_dir, url, token, as_email) as target_, _progress() as bar:
        job = bar.add_task(f"importing {file.name}", total=size)
        report = target_.import_file(project, file, format, lambda n: bar.advance(job, n),
                                     options)
    out.print(f"imported {report['created']} tasks ({report['skipped_duplicates']} duplicates "
              f"skipped, {report['annotations']} annotations, {report['predictions']} "
              "predictions)", highlight=False)


@cli.command("export")
def export(project: int,
           output: Annotated[Path, typer.Option("--output", "-o", help="File to write")],
           format: FormatOption = "jsonl",
           regions: Annotated[str, typer.Option(
               help="What label formats write per task: final (the accepted result, else "
                    "the latest answer), gold or predictions")] = "final",
           include_media: Annotated[bool, typer.Option(
               "--include-media", help="Put local media files into the archive")] = False,
           settings: Settings_ = None,
           data_dir: DataDir = None, url: Url = None, token: Token = None,
           as_email: AsUser = None) -> None:
    """Export a project in any format `accord formats` lists (tasks with gold, submitted
    annotations and predictions in JSONL)."""
    options: dict[str, Any] = {"regions": regions, "include_media": include_media}
    if settings:
        options["settings"] = _pairs(settings, "--set")
    partial = output.with_name(output.name + ".partial")
    try:
        handle = partial.open("wb")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from exc
    try:
        with handle, backend(data_dir, url, token, as_email) as target, _progress() as bar:
            job = bar.add_task(f"exporting project {project}", total=None)
            written = target.export(project, handle, format, lambda n: bar.advance(job, n),
                                    options)
        partial.replace(output)  # never leave a half-written file under the real name
    finally:
        partial.unlink(missing_ok=True)
    out.print(f"wrote {written} bytes to {output}", highlight=False)


@cli.command("formats")
def list_formats(as_json: Annotated[bool, typer.Option("--json", help="One JSON list")] = False
                 ) -> None:
    """The formats `accord import` and `accord export` take, with their settings."""
    from accord import formats

    described = [f.describe() for f in formats.all_formats().values()]
    if as_json:
        print_json(described)
        return
    table = Table("name", "title", "import", "export", "layout", "settings",
                  caption="`accord formats --json` explains each setting; docs/formats.md")
    for f in described:
        table.add_row(f["name"], f["title"], "yes" if f["import"] else "",
                      "yes" if f["export"] else "", f["layout"], ", ".join(f["settings"]))
    out.print(table)


@qa_cli.command("report")
def qa_report(project: int,
              as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
              data_dir: DataDir = None, url: Url = None, token: Token = None,
              as_email: AsUser = None) -> None:
    """A project's QA report: agreement per label and class, the annotator matrix, gold
    accuracy, error categories and drift."""
    with backend(data_dir, url, token, as_email) as target:
        report = target.qa_report(project)
    if as_json:
        print_json(report)
    else:
        show_report(report)


@cli.command()
def serve(host: Annotated[str | None, typer.Option(help="Bind address")] = None,
          port: Annotated[int | None, typer.Option(help="Port")] = None,
          data_dir: DataDir = None,
          dev: Annotated[bool | None, typer.Option(
              "--dev/--no-dev", help="Allow a weak secret on a loopback host")] = None,
          workers: Annotated[int | None, typer.Option(
              help="Server processes (more than one needs PostgreSQL)")] = None
          ) -> None:
    """Serve the web UI and API (default http://127.0.0.1:8080, data in ./accord-data)."""
    from accord.cli.server import run_server

    run_server(settings_for(data_dir, host=host, port=port, dev=dev, workers=workers))


@cli.command()
def demo(host: Annotated[str | None, typer.Option(help="Bind address")] = None,
         port: Annotated[int | None, typer.Option(help="Port")] = None,
         data_dir: DataDir = None,
         serve_it: Annotated[bool, typer.Option("--serve/--no-serve",
                                                help="Start the server afterwards")] = True
         ) -> None:
    """Create (once) a demo project with synthetic images and users, then serve it."""
    from accord.cli.server import run_server
    from accord.services.demo import ensure_demo

    settings = settings_for(data_dir, host=host, port=port)
    with LocalBackend(settings):  # creates and migrates the database
        pass
    report = ensure_demo(settings, progress=lambda message: err.print(message, highlight=False))
    out.print(report.describe(f"http://{settings.host}:{settings.port}"), highlight=False)
    if serve_it:
        run_server(settings)


def main() -> None:
    cli()
