"""Projects, their members, and their versioned schema and guidelines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from accord.api.deps import CurrentCaller, DbSession
from accord.api.routing import AccordRoute
from accord.api.schemas import (
    MemberChanges,
    NewGuidelineVersion,
    NewMember,
    NewProject,
    NewSchemaVersion,
    ProjectChanges,
)
from accord.services import projects, versions

router = APIRouter(prefix="/api/projects", tags=["projects"], route_class=AccordRoute)


@router.get("")
def list_projects(caller: CurrentCaller, session: DbSession, cursor: str | None = None,
                  limit: int = 50) -> dict[str, Any]:
    items, next_cursor = projects.list_projects(session, caller, cursor, limit)
    return {"items": items, "next_cursor": next_cursor}


@router.post("", status_code=201)
def create_project(body: NewProject, caller: CurrentCaller, session: DbSession
                   ) -> dict[str, Any]:
    return projects.create_project(session, caller, body.name, body.description, body.schema_)


@router.get("/{project_id}")
def read_project(project_id: int, caller: CurrentCaller, session: DbSession) -> dict[str, Any]:
    return projects.read_project(session, caller, project_id)


@router.patch("/{project_id}")
def update_project(project_id: int, body: ProjectChanges, caller: CurrentCaller,
                   session: DbSession) -> dict[str, Any]:
    return projects.update_project(session, caller, project_id,
                                   body.model_dump(exclude_unset=True, exclude_none=True))


@router.delete("/{project_id}", status_code=204)
def delete_project(project_id: int, caller: CurrentCaller, session: DbSession) -> None:
    projects.delete_project(session, caller, project_id)


@router.get("/{project_id}/members")
def list_members(project_id: int, session: DbSession) -> list[dict[str, Any]]:
    return projects.list_members(session, project_id)


@router.post("/{project_id}/members", status_code=201)
def add_member(project_id: int, body: NewMember, caller: CurrentCaller,
               session: DbSession) -> dict[str, Any]:
    return projects.add_member(session, caller, project_id, body.email, body.role, body.tier)


@router.patch("/{project_id}/members/{user_id}")
def update_member(project_id: int, user_id: int, body: MemberChanges, caller: CurrentCaller,
                  session: DbSession) -> dict[str, Any]:
    return projects.update_member(session, caller, project_id, user_id, body.role, body.tier)


@router.delete("/{project_id}/members/{user_id}", status_code=204)
def remove_member(project_id: int, user_id: int, caller: CurrentCaller,
                  session: DbSession) -> None:
    projects.remove_member(session, caller, project_id, user_id)


@router.get("/{project_id}/schema")
def current_schema(project_id: int, session: DbSession) -> dict[str, Any]:
    return versions.schema_version_view(versions.get_schema_version(session, project_id))


@router.get("/{project_id}/schema/versions")
def list_schema_versions(project_id: int, session: DbSession) -> list[dict[str, Any]]:
    return versions.list_schema_versions(session, project_id)


@router.post("/{project_id}/schema/versions", status_code=201)
def publish_schema(project_id: int, body: NewSchemaVersion, caller: CurrentCaller,
                   session: DbSession) -> dict[str, Any]:
    return versions.add_schema_version(session, caller, project_id, body.schema_, body.note)


@router.get("/{project_id}/schema/versions/{version}")
def read_schema_version(project_id: int, version: int, session: DbSession) -> dict[str, Any]:
    return versions.schema_version_view(versions.get_schema_version(session, project_id,
                                                                    version))


@router.get("/{project_id}/guidelines")
def current_guidelines(project_id: int, session: DbSession) -> dict[str, Any]:
    return versions.get_guidelines(session, project_id)


@router.get("/{project_id}/guidelines/versions")
def list_guideline_versions(project_id: int, session: DbSession) -> list[dict[str, Any]]:
    return versions.list_guideline_versions(session, project_id)


@router.post("/{project_id}/guidelines/versions", status_code=201)
def publish_guidelines(project_id: int, body: NewGuidelineVersion, caller: CurrentCaller,
                       session: DbSession) -> dict[str, Any]:
    return versions.add_guideline_version(session, caller, project_id, body.body, body.note)


@router.get("/{project_id}/guidelines/versions/{version}")
def read_guidelines(project_id: int, version: int, session: DbSession) -> dict[str, Any]:
    return versions.get_guidelines(session, project_id, version)
