"""Projects and their members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError, NotFound
from accord.core.records import AnnotationStatus, Role, Tier
from accord.db.engine import hold, run
from accord.db.tables import Annotation, Membership, Project, Task, User
from accord.services import audit, pagination, versions
from accord.services.caller import Caller

MAX_NAME = 200


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InputError(f"a project name needs 1 to {MAX_NAME} characters; got {len(name)}",
                         field="name")
    return name


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found", project_id=project_id)
    return hold(session, project)


def role_of(session: Session, user_id: int, project_id: int) -> Role | None:
    membership = membership_of(session, user_id, project_id)
    return membership[0] if membership else None


def membership_of(session: Session, user_id: int, project_id: int
                  ) -> tuple[Role, Tier] | None:
    """The user's role and tier in the project, if a member."""
    row = run(session, _MEMBERSHIP, project_id=project_id, user_id=user_id).first()
    return (row.role, row.tier) if row else None


_MEMBERSHIP = select(Membership.role, Membership.tier).where(
    Membership.project_id == bindparam("project_id"), Membership.user_id == bindparam("user_id"))


def _counts(session: Session, project_ids: list[int]) -> dict[int, dict[str, int]]:
    """Task, annotated and accepted counts per project, in three grouped queries."""
    counts = {pid: {"task_count": 0, "annotated_count": 0, "accepted_count": 0}
              for pid in project_ids}
    if not project_ids:
        return counts
    tasks = select(Task.project_id, func.count()).where(
        Task.project_id.in_(project_ids)).group_by(Task.project_id)
    for pid, n in session.execute(tasks):
        counts[pid]["task_count"] = n
    for key, statuses in (("annotated_count", [AnnotationStatus.SUBMITTED,
                                              AnnotationStatus.ACCEPTED]),
                          ("accepted_count", [AnnotationStatus.ACCEPTED])):
        stmt = select(Annotation.project_id, func.count(func.distinct(Annotation.task_id))).where(
            Annotation.project_id.in_(project_ids), Annotation.status.in_(statuses)
        ).group_by(Annotation.project_id)
        for pid, n in session.execute(stmt):
            counts[pid][key] = n
    return counts


def project_view(project: Project, role: Role | None, counts: dict[str, int]) -> dict[str, Any]:
    return {"id": project.id, "name": project.name, "description": project.description,
            "schema_version": project.schema_version,
            "guideline_version": project.guideline_version, "role": role,
            "created_at": project.created_at, **counts}


def list_projects(session: Session, caller: Caller, cursor: str | None,
                  limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Admins see every project; everyone else only those they are a member of."""
    stmt = select(Project, Membership.role).outerjoin(
        Membership, (Membership.project_id == Project.id) & (Membership.user_id == caller.user_id))
    if not caller.is_admin:
        stmt = stmt.where(Membership.id.is_not(None))
    stmt, limit = pagination.page(stmt, Project.id, cursor, limit)
    rows, next_cursor = pagination.finish(list(session.execute(stmt)), limit, lambda r: r[0].id)
    counts = _counts(session, [p.id for p, _ in rows])
    return [project_view(p, role, counts[p.id]) for p, role in rows], next_cursor


def read_project(session: Session, caller: Caller, project_id: int) -> dict[str, Any]:
    project = get_project(session, project_id)
    return project_view(project, caller.role, _counts(session, [project.id])[project.id])


def create_project(session: Session, caller: Caller, name: str, description: str = "",
                   schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The creator becomes the project's manager; a schema, if given, becomes version 1."""
    project = Project(name=_check_name(name), description=description, created_by=caller.user_id)
    session.add(project)
    session.flush()
    session.add(Membership(project_id=project.id, user_id=caller.user_id, role=Role.MANAGER,
                           tier=Tier.EXPERT))
    audit.record(session, caller, "project.create", "project", project.id, project.id)
    if schema is not None:
        versions.add_schema_version(session, caller, project.id, schema, commit=False)
    session.commit()
    return project_view(project, Role.MANAGER, _counts(session, [project.id])[project.id])


def update_project(session: Session, caller: Caller, project_id: int,
                   changes: dict[str, Any]) -> dict[str, Any]:
    project = get_project(session, project_id)
    if "name" in changes:
        project.name = _check_name(changes["name"])
    if "description" in changes:
        project.description = changes["description"]
    audit.record(session, caller, "project.update", "project", project.id, project.id,
                 fields=sorted(changes))
    session.commit()
    return read_project(session, caller, project_id)


def delete_project(session: Session, caller: Caller, project_id: int) -> None:
    project = get_project(session, project_id)
    audit.record(session, caller, "project.delete", "project", project.id, project.id,
                 name=project.name)
    session.delete(project)
    session.commit()


def member_view(membership: Membership, user: User) -> dict[str, Any]:
    return {"user_id": user.id, "email": user.email, "name": user.name,
            "role": membership.role, "tier": membership.tier,
            "created_at": membership.created_at}


def list_members(session: Session, project_id: int) -> list[dict[str, Any]]:
    stmt = select(Membership, User).join(User, User.id == Membership.user_id).where(
        Membership.project_id == project_id).order_by(Membership.id)
    return [member_view(m, u) for m, u in session.execute(stmt)]


def add_member(session: Session, caller: Caller, project_id: int, email: str, role: Role,
               tier: Tier = Tier.JUNIOR) -> dict[str, Any]:
    get_project(session, project_id)
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with email {email!r}; an admin adds users first",
                       field="email")
    if role_of(session, user.id, project_id) is not None:
        raise Conflict(f"{user.email} is already a member of project {project_id}",
                       field="email")
    membership = Membership(project_id=project_id, user_id=user.id, role=role, tier=tier)
    session.add(membership)
    session.flush()
    audit.record(session, caller, "member.add", "user", user.id, project_id, role=role,
                 tier=tier)
    session.commit()
    return member_view(membership, user)


def _membership(session: Session, project_id: int, user_id: int) -> Membership:
    membership = session.scalar(select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user_id))
    if membership is None:
        raise NotFound(f"user {user_id} is not a member of project {project_id}",
                       user_id=user_id)
    return membership


def _keep_a_manager(session: Session, project_id: int, leaving: Membership) -> None:
    if leaving.role != Role.MANAGER:
        return
    managers = session.scalar(select(func.count()).select_from(Membership).where(
        Membership.project_id == project_id, Membership.role == Role.MANAGER))
    if managers == 1:
        raise Conflict("a project needs at least one manager; make someone else manager first")


def update_member(session: Session, caller: Caller, project_id: int, user_id: int,
                  role: Role | None, tier: Tier | None) -> dict[str, Any]:
    membership = _membership(session, project_id, user_id)
    if role is not None and role != membership.role:
        _keep_a_manager(session, project_id, membership)
        membership.role = role
    if tier is not None:
        membership.tier = tier
    audit.record(session, caller, "member.update", "user", user_id, project_id, role=role,
                 tier=tier)
    session.commit()
    return member_view(membership, session.get_one(User, user_id))


def remove_member(session: Session, caller: Caller, project_id: int, user_id: int) -> None:
    membership = _membership(session, project_id, user_id)
    _keep_a_manager(session, project_id, membership)
    session.delete(membership)
    audit.record(session, caller, "member.remove", "user", user_id, project_id)
    session.commit()
