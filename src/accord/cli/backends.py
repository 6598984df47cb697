"""Where CLI commands act: on the local data dir (services directly) or on a server (SDK).

Both backends offer the same methods and return the same shapes, so each command is written
once and gives the same result either way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from accord import formats
from accord.core.errors import InputError
from accord.db.engine import make_engine, read_session, write_session
from accord.db.migrate import migrate
from accord.formats.base import export_options, import_options
from accord.formats.source import open_source
from accord.services import datasets, projects, qa_report, users, workflow, workflow_reports
from accord.services.caller import Caller
from accord.settings import Settings


class Backend(Protocol):
    def add_user(self, email: str, *, name: str, password: str | None,
                 is_admin: bool) -> dict[str, Any]: ...

    def create_token(self, email: str, name: str) -> dict[str, Any]: ...

    def create_project(self, name: str, description: str,
                       schema: dict[str, Any] | None) -> dict[str, Any]: ...

    def list_projects(self) -> Iterator[dict[str, Any]]: ...

    def import_file(self, project_id: int, path: Path, format: str,
                    progress: Callable[[int], None],
                    options: dict[str, Any] | None = None) -> dict[str, Any]: ...

    def export(self, project_id: int, out: IO[bytes], format: str,
               progress: Callable[[int], None],
               options: dict[str, Any] | None = None) -> int: ...

    def qa_report(self, project_id: int) -> dict[str, Any]: ...

    def workflow(self, project_id: int) -> dict[str, Any]: ...

    def set_workflow(self, project_id: int, changes: dict[str, Any]) -> dict[str, Any]: ...

    def pilot_report(self, project_id: int) -> dict[str, Any]: ...

    def approve_pilot(self, project_id: int) -> dict[str, Any]: ...

    def calibration_report(self, project_id: int) -> dict[str, Any]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Backend: ...

    def __exit__(self, *exc: object) -> None: ...


class CountingReader:
    """A binary file that reports how many bytes were consumed, for progress bars.

    It reports every REPORT_BYTES, not every line: a progress bar update costs more than
    reading a line.
    """

    REPORT_BYTES = 1 << 20

    def __init__(self, handle: IO[bytes], progress: Callable[[int], None]) -> None:
        self.handle, self.progress = handle, progress

    def __iter__(self) -> Iterator[bytes]:
        pending = 0
        for line in self.handle:
            pending += len(line)
            if pending >= self.REPORT_BYTES:
                self.progress(pending)
                pending = 0
            yield line
        self.progress(pending)

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.progress(len(chunk))
        return chunk

    def __enter__(self) -> CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


class _Closing(ABC):
    """A backend used in a `with` block is closed when the command ends."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> _Closing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalBackend(_Closing):
    """Acts on the data dir's database with the authority of the machine's owner.

    Commands that need a user to act as (creating a project, importing) act as `as_email`,
    by default the first admin.
    """

    def __init__(self, settings: Settings, as_email: str | None = None) -> None:
        self.settings = settings
        self.engine: Engine = make_engine(settings.resolved_database_url)
        migrate(self.engine)
        self.as_email = as_email

    def close(self) -> None:
        self.engine.dispose()

    def _caller(self, session: Session) -> Caller:
        if self.as_email:
            return users.caller_for(session, self.as_email)
        return users.first_admin(session)

    def add_user(self, email: str, *, name: str, password: str | None,
                 is_admin: bool) -> dict[str, Any]:
        with write_session(self.engine) as session:
            return users.create_user(session, None, email, name=name, password=password,
                                     is_admin=is_admin)

    def create_token(self, email: str, name: str) -> dict[str, Any]:
        with write_session(self.engine) as session:
            user = users.find_user_by_email(session, email)
            return users.create_token(session, None, user.id,
                                      self.settings.resolved_secret_key(), name)

    def create_project(self, name: str, description: str,
                       schema: dict[str, Any] | None) -> dict[str, Any]:
        with write_session(self.engine) as session:
            return projects.create_project(session, self._caller(session), name, description,
                                           schema)

    def list_projects(self) -> Iterator[dict[str, Any]]:
        with read_session(self.engine) as session:
            caller = self._caller(session)
            cursor = None
            while True:
                items, cursor = projects.list_projects(session, caller, cursor, 500)
                yield from items
                if not cursor:
                    return

    def import_file(self, project_id: int, path: Path, format: str,
                    progress: Callable[[int], None],
                    options: dict[str, Any] | None = None) -> dict[str, Any]:
        formats.reader(format)  # an unknown format fails before the file is opened
        parsed = import_options(options)
        with (write_session(self.engine) as session,
              open_source(path, path.name, lambda h: CountingReader(h, progress)) as source):
            return datasets.import_source(session, self._caller(session), project_id,
                                          source, format, parsed,
                                          media_root=self.settings.data_dir / "media")

    def export(self, project_id: int, out: IO[bytes], format: str,
               progress: Callable[[int], None],
               options: dict[str, Any] | None = None) -> int:
        written = 0
        parsed = export_options(options)
        with read_session(self.engine) as session:
            for chunk in datasets.export_chunks(session, project_id, format, parsed,
                                                self.settings.data_dir / "media", progress):
                out.write(chunk)
                written += len(chunk)
        return written

    def qa_report(self, project_id: int) -> dict[str, Any]:
        with read_session(self.engine) as session:
            return qa_report.project_report(session, self._caller(session), project_id)

    def workflow(self, project_id: int) -> dict[str, Any]:
        with read_session(self.engine) as session:
            return workflow.read_workflow(session, project_id)

    def set_workflow(self, project_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        with write_session(self.engine) as session:
            return workflow.update_workflow(session, self._caller(session), project_id,
                                            changes)

    def pilot_report(self, project_id: int) -> dict[str, Any]:
        with read_session(self.engine) as session:
            return workflow_reports.pilot_report(session, self._caller(session), project_id)

    def approve_pilot(self, project_id: int) -> dict[str, Any]:
        with write_session(self.engine) as session:
            return workflow.approve_pilot(session, self._caller(session), project_id)

    def calibration_report(self, project_id: int) -> dict[str, Any]:
        with read_session(self.engine) as session:
            return workflow_reports.calibration_report(session, self._caller(session),
                                                       project_id)


class RemoteBackend(_Closing):
    """Acts on a running server through the SDK, as the owner of the API token."""

    def __init__(self, url: str, token: str | None) -> None:
        if not token:
            raise InputError("--url needs an API token: pass --token or set ACCORD_TOKEN "
                             "(`accord token create EMAIL` on the server makes one)",
                             field="token")
        from accord.client import Client  # httpx is loaded only for remote commands

        self.client = Client(url, token)

    def close(self) -> None:
        self.client.close()

    def add_user(self, email: str, *, name: str, password: str | None,
                 is_admin: bool) -> dict[str, Any]:
        return self.client.create_user(email, name=name, password=password, is_admin=is_admin)

    def create_token(self, email: str, name: str) -> dict[str, Any]:
        me = self.client.me()
        if me["email"] != email.strip().lower():
            raise InputError(f"over --url you can only create tokens for yourself "
                             f"({me['email']}); run the command on the server for {email}",
                             field="email")
        return self.client.create_token(name)

    def create_project(self, name: str, description: str,
                       schema: dict[str, Any] | None) -> dict[str, Any]:
        return self.client.create_project(name, description=description, schema=schema)

    def list_projects(self) -> Iterator[dict[str, Any]]:
        return self.client.list_projects()

    def import_file(self, project_id: int, path: Path, format: str,
                    progress: Callable[[int], None],
                    options: dict[str, Any] | None = None) -> dict[str, Any]:
        report = self.client.import_file(project_id, path, format, options)
        progress(path.stat().st_size if path.is_file() else 0)
        return report

    def export(self, project_id: int, out: IO[bytes], format: str,
               progress: Callable[[int], None],
               options: dict[str, Any] | None = None) -> int:
        class Counting:
            def write(self, chunk: bytes) -> None:
                out.write(chunk)
                progress(len(chunk))

        return self.client.export(project_id, Counting(), format,  # type: ignore[arg-type]
                                  options)

    def qa_report(self, project_id: int) -> dict[str, Any]:
        return self.client.qa_report(project_id)

    def workflow(self, project_id: int) -> dict[str, Any]:
        return self.client.workflow(project_id)

    def set_workflow(self, project_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        return self.client.set_workflow(project_id, **changes)

    def pilot_report(self, project_id: int) -> dict[str, Any]:
        return self.client.pilot_report(project_id)

    def approve_pilot(self, project_id: int) -> dict[str, Any]:
        return self.client.approve_pilot(project_id)

    def calibration_report(self, project_id: int) -> dict[str, Any]:
        return self.client.calibration_report(project_id)
