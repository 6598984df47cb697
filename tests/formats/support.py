"""A real SQLite project to import into and export from, for the format tests.

The format tests read and write through the same service calls the CLI, the API and the
jobs use (`accord.services.datasets`), on a SQLite file of their own: format code does not
depend on the database, so one backend is enough here (tests/api covers both).

    with Project(tmp_path, SCHEMA) as project:
        report = project.import_path(path, "coco")               # or import_bytes(...)
        data = project.export_bytes("coco", {"regions": "final"})
        project.records()                                        # the stored JSONL records
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.orm import Session

from accord.core.errors import InputError
from accord.db.engine import make_engine
from accord.db.migrate import migrate
from accord.formats.base import export_options, import_options
from accord.formats.source import open_source
from accord.services import datasets, projects, tasks, users
from accord.services.caller import Caller

CONFORMANCE = Path("/work/shared/conformance/datumaro")
if not CONFORMANCE.is_dir():  # a clone beside the shared folder
    CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "datumaro"


#: a text field and a span label with CoNLL-2003's four entity classes
NER_SCHEMA = {"data": [{"name": "text", "type": "text"}],
              "labels": [{"name": "entities", "type": "span", "source": "text",
                          "classes": [{"name": n} for n in ("PER", "ORG", "LOC", "MISC")]}]}


class Project:
    def __init__(self, tmp_path: Path, schema: dict[str, Any] | None,
                 name: str = "Formats") -> None:
        self.dir = tmp_path
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(f"sqlite:///{tmp_path / 'formats.db'}")
        migrate(self.engine, "head")
        self.media_root = tmp_path / "media"
        self.media_root.mkdir(exist_ok=True)
        with Session(self.engine, expire_on_commit=False) as session:
            admin = users.create_user(session, None, "admin@example.org", password=None,
                                      is_admin=True)
            self.caller = Caller(user_id=admin["id"], email=admin["email"], is_admin=True)
            self.project_id = projects.create_project(session, self.caller, name,
                                                      schema=schema)["id"]

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.engine.dispose()

    def add_user(self, email: str) -> None:
        with Session(self.engine) as session:
            users.create_user(session, None, email, password=None)

    def import_path(self, path: Path, format: str, options: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
        """Import as `accord import` does: all or nothing; InputError on bad input."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                with open_source(path, path.name) as source:
                    return datasets.import_source(session, self.caller, self.project_id,
                                                  source, format, import_options(options),
                                                  media_root=self.media_root)
            except InputError:
                session.rollback()
                raise

    def import_bytes(self, content: bytes, name: str, format: str,
                     options: dict[str, Any] | None = None) -> dict[str, Any]:
        path = self.dir / name
        path.write_bytes(content)
        return self.import_path(path, format, options)

    def export_bytes(self, format: str, options: dict[str, Any] | None = None) -> bytes:
        with Session(self.engine) as session:
            return b"".join(datasets.export_chunks(session, self.project_id, format,
                                                   export_options(options), self.media_root))

    def export_to(self, path: Path, format: str, options: dict[str, Any] | None = None
                  ) -> Path:
        path.write_bytes(self.export_bytes(format, options))
        return path

    def records(self) -> list[dict[str, Any]]:
        """Every stored task as its export record (what `accord export` writes as JSONL)."""
        with Session(self.engine) as session:
            return [orjson.loads(orjson.dumps(r))
                    for r in tasks.iter_records(session, self.project_id)]

    def task_count(self) -> int:
        return len(self.records())


def regions_without_ids(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Regions compared across formats that do not keep our region ids, in a fixed order."""
    stripped = [{k: v for k, v in r.items() if k != "id"} for r in regions]
    return sorted(stripped, key=lambda r: orjson.dumps(r, option=orjson.OPT_SORT_KEYS))


def jsonl(records: list[dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    for record in records:
        buffer.write(orjson.dumps(record) + b"\n")
    return buffer.getvalue()
