"""Comments on tasks (optionally pinned to an annotation's region) and ambiguity flags."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accord.core.errors import Conflict, InputError, NotFound, PermissionDenied
from accord.core.records import AssignmentKind, FlagStatus, Role
from accord.db.tables import Annotation, Assignment, Comment, Flag
from accord.db.types import utcnow
from accord.services import annotations, audit, pagination, queue, tasks, versions
from accord.services.caller import Caller

MAX_TEXT = 10_000


def _text(value: str, field: str, *, required: bool) -> str:
    if required and not value.strip():
        raise InputError(f"{field} must not be empty", field=field)
    if len(value) > MAX_TEXT:
        raise InputError(f"{field} is limited to {MAX_TEXT} characters; got {len(value)}",
                         field=field)
    return value


def comment_view(c: Comment) -> dict[str, Any]:
    return {"id": c.id, "task_id": c.task_id, "annotation_id": c.annotation_id,
            "region_id": c.region_id, "author_id": c.author_id, "body": c.body,
            "created_at": c.created_at}


def add_comment(session: Session, caller: Caller, project_id: int, task_id: int, body: str,
                annotation_id: int | None = None, region_id: str | None = None
                ) -> dict[str, Any]:
    tasks.get_task(session, project_id, task_id)
    if annotation_id is not None:
        annotation = annotations.get_annotation(session, caller, project_id, annotation_id)
        if annotation.task_id != task_id:
            raise InputError(f"annotation {annotation_id} belongs to another task",
                             field="annotation_id")
    elif region_id is not None:
        raise InputError("a comment pinned to a region also names its annotation_id",
                         field="region_id")
    comment = Comment(project_id=project_id, task_id=task_id, annotation_id=annotation_id,
                      region_id=region_id, author_id=caller.user_id,
                      body=_text(body, "body", required=True))
    session.add(comment)
    session.flush()
    audit.record(session, caller, "comment.add", "comment", comment.id, project_id)
    session.commit()
    return comment_view(comment)


def list_comments(session: Session, caller: Caller, project_id: int, task_id: int
                  ) -> list[dict[str, Any]]:
    """Annotators see their own comments and those on their own annotations, nothing else:
    a reviewer's note on a gold task must not reveal the answer."""
    tasks.get_task(session, project_id, task_id)
    stmt = select(Comment).where(Comment.task_id == task_id).order_by(Comment.id)
    if not caller.sees_everything:
        own_work = select(Annotation.id).where(Annotation.author_id == caller.user_id)
        stmt = stmt.where(or_(Comment.author_id == caller.user_id,
                              Comment.annotation_id.in_(own_work)))
    return [comment_view(c) for c in session.scalars(stmt)]


def _comment(session: Session, project_id: int, task_id: int, comment_id: int,
             caller: Caller) -> Comment:
    comment = session.get(Comment, comment_id)
    if (comment is None or comment.project_id != project_id or comment.task_id != task_id
            or (not caller.sees_everything and comment.author_id != caller.user_id)):
        raise NotFound(f"comment {comment_id} not found on task {task_id}",
                       comment_id=comment_id)
    return comment


def edit_comment(session: Session, caller: Caller, project_id: int, task_id: int,
                 comment_id: int, body: str) -> dict[str, Any]:
    """Only the author edits a comment; everyone else who can see it gets a 403."""
    comment = _comment(session, project_id, task_id, comment_id, caller)
    if comment.author_id != caller.user_id:
        raise PermissionDenied("only the author can edit a comment")
    comment.body = _text(body, "body", required=True)
    audit.record(session, caller, "comment.edit", "comment", comment.id, project_id)
    session.commit()
    return comment_view(comment)


def delete_comment(session: Session, caller: Caller, project_id: int, task_id: int,
                   comment_id: int) -> None:
    """The author or a manager may delete a comment."""
    comment = _comment(session, project_id, task_id, comment_id, caller)
    if comment.author_id != caller.user_id and not (
            caller.is_admin or caller.role == Role.MANAGER):
        raise PermissionDenied("only the author or a manager can delete a comment")
    session.delete(comment)
    audit.record(session, caller, "comment.delete", "comment", comment_id, project_id)
    session.commit()


def flag_view(f: Flag) -> dict[str, Any]:
    return {"id": f.id, "task_id": f.task_id, "author_id": f.author_id, "note": f.note,
            "status": f.status, "resolution": f.resolution, "resolved_by": f.resolved_by,
            "guideline_version": f.guideline_version, "created_at": f.created_at,
            "resolved_at": f.resolved_at}


def add_flag(session: Session, caller: Caller, project_id: int, task_id: int, note: str
             ) -> dict[str, Any]:
    """Flag instead of guessing: the flagger's lease on the task is released (the task goes
    on to others) and the flag waits for a manager."""
    tasks.get_task(session, project_id, task_id)
    flag = Flag(project_id=project_id, task_id=task_id, author_id=caller.user_id,
                note=_text(note, "note", required=True))
    session.add(flag)
    session.flush()
    queue.release(session, list(session.scalars(select(Assignment.id).where(
        Assignment.task_id == task_id, Assignment.user_id == caller.user_id,
        Assignment.kind == AssignmentKind.LEASE))))
    audit.record(session, caller, "flag.add", "flag", flag.id, project_id, task_id=task_id)
    session.commit()
    return flag_view(flag)


def list_flags(session: Session, project_id: int, status: FlagStatus | None,
               cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(Flag).where(Flag.project_id == project_id)
    if status is not None:
        stmt = stmt.where(Flag.status == status)
    stmt, limit = pagination.page(stmt, Flag.id, cursor, limit)
    rows, next_cursor = pagination.finish(list(session.scalars(stmt)), limit, lambda f: f.id)
    return [flag_view(f) for f in rows], next_cursor


def resolve_flag(session: Session, caller: Caller, project_id: int, flag_id: int,
                 resolution: str, guidelines: str | None = None) -> dict[str, Any]:
    """Resolve a flag; with `guidelines`, publish them as the next guideline version in the
    same transaction (the flag records which version answered it)."""
    flag = session.get(Flag, flag_id)
    if flag is None or flag.project_id != project_id:
        raise NotFound(f"flag {flag_id} not found in project {project_id}", flag_id=flag_id)
    if flag.status == FlagStatus.RESOLVED:
        raise Conflict(f"flag {flag_id} is already resolved")
    flag.status, flag.resolved_by, flag.resolved_at = FlagStatus.RESOLVED, caller.user_id, utcnow()
    flag.resolution = _text(resolution, "resolution", required=False)
    if guidelines is not None:
        row, _ = versions.publish_guidelines(session, caller, project_id, guidelines,
                                             f"resolves flag {flag.id}")
        flag.guideline_version = row.version
    audit.record(session, caller, "flag.resolve", "flag", flag.id, project_id,
                 guideline_version=flag.guideline_version)
    session.commit()
    return flag_view(flag)
