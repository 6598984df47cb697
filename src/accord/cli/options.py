"""The options every command shares — where it acts (data dir or `--url`) and as whom —
and the backend they select; one definition for `accord` and its sub-commands."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.backends import Backend, LocalBackend, RemoteBackend
from accord.settings import Settings

#: The settings this command was given as flags; the others came from ACCORD_* variables.
flags_given: ContextVar[frozenset[str]] = ContextVar("flags_given", default=frozenset())

# No `envvar` here: Settings reads ACCORD_DATA_DIR itself, so a value here is always a flag.
DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Local data dir [env var: ACCORD_DATA_DIR; default: ./accord-data]")]
Url = Annotated[str | None, typer.Option("--url", envvar="ACCORD_URL",
                                         help="Act on this server instead of the data dir")]
Token = Annotated[str | None, typer.Option("--token", envvar="ACCORD_TOKEN",
                                           help="API token for --url")]
AsUser = Annotated[str | None, typer.Option("--as", envvar="ACCORD_AS", help="Local mode: "
                                            "act as this user [default: the first admin]")]
Json = Annotated[bool, typer.Option("--json", help="One JSON object")]


def settings_for(data_dir: Path | None, **flags: Any) -> Settings:
    """ACCORD_* variables overridden by the flags given (None: not given), validated."""
    given = {name: value for name, value in {"data_dir": data_dir, **flags}.items()
             if value is not None}
    flags_given.set(frozenset(given))  # for ReportingGroup to name the flag of a bad value
    return Settings(**given)


def backend(data_dir: Path | None, url: str | None, token: str | None,
            as_email: str | None = None) -> Backend:
    """The backend for this command; use it in a `with` block so it is closed."""
    if url:
        return RemoteBackend(url, token)
    return LocalBackend(settings_for(data_dir), as_email)
