"""Versioned labeling schemas and guidelines: each change is a new, immutable version.

Annotations are stamped with the versions in force when they were made, so a QA report can
compare work done under guideline v3 with work done under v4.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.core.errors import InputError, NotFound
from accord.core.schema import Schema, parse_schema, schema_to_dict
from accord.db.engine import hold
from accord.db.tables import GuidelineVersion, Project, SchemaVersion
from accord.services import audit
from accord.services.caller import Caller

MAX_GUIDELINE_CHARS = 1_000_000
#: Schema versions never change, so each is parsed once per process (every submit needs one)
PARSED_SCHEMAS_KEPT = 256
_PARSED_SCHEMAS: dict[tuple[int, datetime, int], Schema] = {}


def _project(session: Session, project_id: int, *, lock: bool = False) -> Project:
    project = session.get(Project, project_id, with_for_update=lock)
    if project is None:
        raise NotFound(f"project {project_id} not found", project_id=project_id)
    return hold(session, project)


def schema_version_view(row: SchemaVersion) -> dict[str, Any]:
    return {"version": row.version, "schema": row.document, "note": row.note,
            "created_by": row.created_by, "created_at": row.created_at}


def add_schema_version(session: Session, caller: Caller, project_id: int,
                       document: dict[str, Any], note: str = "", *,
                       commit: bool = True) -> dict[str, Any]:
    """Validate and store a new schema version, which becomes the project's current one."""
    schema = parse_schema(document)
    project = _project(session, project_id, lock=True)
    project.schema_version += 1
    row = SchemaVersion(project_id=project.id, version=project.schema_version,
                        document=schema_to_dict(schema), note=note, created_by=caller.user_id)
    session.add(row)
    audit.record(session, caller, "schema.publish", "project", project.id, project.id,
                 version=row.version)
    if commit:
        session.commit()
    return schema_version_view(row)


def get_schema_version(session: Session, project_id: int, version: int | None = None
                       ) -> SchemaVersion:
    """The given version of a project's schema, or its current one."""
    if version is None:
        version = _project(session, project_id).schema_version
    row = session.scalar(select(SchemaVersion).where(
        SchemaVersion.project_id == project_id, SchemaVersion.version == version))
    if row is None:
        raise NotFound(f"project {project_id} has no schema version {version}"
                       if version else f"project {project_id} has no schema yet",
                       version=version)
    return row


def current_schema(session: Session, project_id: int) -> tuple[int, Schema | None]:
    project = _project(session, project_id)
    version = project.schema_version
    if version == 0:
        return 0, None
    key = (project.id, project.created_at, version)  # ids can be reused; creation times not
    schema = _PARSED_SCHEMAS.get(key)
    if schema is None:
        schema = parse_schema(get_schema_version(session, project_id, version).document)
        if len(_PARSED_SCHEMAS) >= PARSED_SCHEMAS_KEPT:
            del _PARSED_SCHEMAS[next(iter(_PARSED_SCHEMAS))]  # the oldest
        _PARSED_SCHEMAS[key] = schema
    return version, schema


def list_schema_versions(session: Session, project_id: int) -> list[dict[str, Any]]:
    stmt = select(SchemaVersion).where(SchemaVersion.project_id == project_id).order_by(
        SchemaVersion.version)
    return [schema_version_view(row) for row in session.scalars(stmt)]


def guideline_view(row: GuidelineVersion, previous: GuidelineVersion | None = None
                   ) -> dict[str, Any]:
    view = {"version": row.version, "body": row.body, "note": row.note,
            "created_by": row.created_by, "created_at": row.created_at}
    if previous is not None:
        view["diff"] = "".join(difflib.unified_diff(
            previous.body.splitlines(keepends=True), row.body.splitlines(keepends=True),
            f"v{previous.version}", f"v{row.version}"))
    return view


def add_guideline_version(session: Session, caller: Caller, project_id: int, body: str,
                          note: str = "") -> dict[str, Any]:
    row, previous = publish_guidelines(session, caller, project_id, body, note)
    session.commit()
    return guideline_view(row, previous)


def publish_guidelines(session: Session, caller: Caller, project_id: int, body: str,
                       note: str = "") -> tuple[GuidelineVersion, GuidelineVersion | None]:
    """A new guideline version in the caller's transaction (they commit), and the one before."""
    if len(body) > MAX_GUIDELINE_CHARS:
        raise InputError(f"guidelines are limited to {MAX_GUIDELINE_CHARS} characters; got "
                         f"{len(body)}", field="body")
    project = _project(session, project_id, lock=True)
    previous = _guideline(session, project_id, project.guideline_version) \
        if project.guideline_version else None
    project.guideline_version += 1
    row = GuidelineVersion(project_id=project.id, version=project.guideline_version, body=body,
                           note=note, created_by=caller.user_id)
    session.add(row)
    audit.record(session, caller, "guidelines.publish", "project", project.id, project.id,
                 version=row.version)
    return row, previous


def _guideline(session: Session, project_id: int, version: int) -> GuidelineVersion | None:
    return session.scalar(select(GuidelineVersion).where(
        GuidelineVersion.project_id == project_id, GuidelineVersion.version == version))


def get_guidelines(session: Session, project_id: int, version: int | None = None
                   ) -> dict[str, Any]:
    """A version of the guidelines with its diff from the one before; default the current."""
    if version is None:
        version = _project(session, project_id).guideline_version
    row = _guideline(session, project_id, version) if version else None
    if row is None:
        raise NotFound(f"project {project_id} has no guideline version {version}"
                       if version else f"project {project_id} has no guidelines yet",
                       version=version)
    return guideline_view(row, _guideline(session, project_id, version - 1))


def list_guideline_versions(session: Session, project_id: int) -> list[dict[str, Any]]:
    stmt = select(GuidelineVersion).where(GuidelineVersion.project_id == project_id).order_by(
        GuidelineVersion.version)
    return [{"version": r.version, "note": r.note, "created_by": r.created_by,
             "created_at": r.created_at} for r in session.scalars(stmt)]


def get_project_versions(session: Session, project_id: int) -> tuple[int, int]:
    """The (schema, guideline) versions currently in force in a project."""
    project = _project(session, project_id)
    return project.schema_version, project.guideline_version
