"""SQLAlchemy tables. Plain mapped classes with no behaviour; they never leave `accord.db`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from accord.core.records import (
    AnnotationStatus,
    AssignmentKind,
    FlagStatus,
    Role,
    Stage,
    TaskState,
    Tier,
    Verdict,
)
from accord.db.types import Json, UtcDateTime, utcnow

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(cls: type, name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=16,
                values_callable=lambda members: [m.value for m in members])


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSession(Base):
    """Browser sessions live in the database so that any replica can serve any request."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RateLimit(Base):
    """Fixed-window counters for throttling, shared by every replica."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    schema_version: Mapped[int] = mapped_column(Integer, default=0)
    guideline_version: Mapped[int] = mapped_column(Integer, default=0)
    #: the workflow policy document (accord.core.workflow); {} means every default
    workflow: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    #: the pilot batch a manager approved; naming another pilot asks for approval again
    approved_pilot: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    tier: Mapped[Tier] = mapped_column(_enum(Tier, "tier"), default=Tier.JUNIOR)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SchemaVersion(Base):
    __tablename__ = "schema_versions"
    __table_args__ = (UniqueConstraint("project_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(Json)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class GuidelineVersion(Base):
    __tablename__ = "guideline_versions"
    __table_args__ = (UniqueConstraint("project_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        # the queue: open tasks of a project in hand-out order (see services/queue.py)
        Index("ix_tasks_queue", "project_id", "state", "queue_rank", "queue_key", "id",
              sqlite_where=text("state <> 'done'"), postgresql_where=text("state <> 'done'")),
        Index("ix_tasks_gold", "project_id", "id", sqlite_where=text("is_gold"),
              postgresql_where=text("is_gold")),
        Index("ix_tasks_project_batch", "project_id", "batch", "id"),
        # the task browser's state filter, in id order (services/task_browser.py)
        Index("ix_tasks_browse", "project_id", "frozen", "state", "id"),
        # export and list pages in id order
        Index("ix_tasks_project_id", "project_id", "id"),
        UniqueConstraint("project_id", "content_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    media_url: Mapped[str | None] = mapped_column(String(2048))
    batch: Mapped[str] = mapped_column(String(200), default="")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    gold: Mapped[list[Any] | None] = mapped_column(Json)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # workflow state (docs/workflow.md)
    state: Mapped[TaskState] = mapped_column(_enum(TaskState, "task_state"),
                                             default=TaskState.LABEL)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    overlap: Mapped[int] = mapped_column(Integer, default=1)  # answers the label stage needs
    taken: Mapped[int] = mapped_column(Integer, default=0)  # answers + live leases this stage
    round: Mapped[int] = mapped_column(Integer, default=1)  # label rounds (re-open, reject)
    state_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # when it entered `state`
    queue_rank: Mapped[int] = mapped_column(BigInteger, default=0)  # batch order, priority
    queue_key: Mapped[float] = mapped_column(Float, default=0.0)  # the ordering strategy's
    result: Mapped[list[Any] | None] = mapped_column(Json)  # the accepted regions
    result_source: Mapped[str | None] = mapped_column(String(20))
    agreement: Mapped[float | None] = mapped_column(Float)  # of the last label round


class Annotation(Base):
    __tablename__ = "annotations"
    __table_args__ = (
        Index("ix_annotations_task", "task_id", "id"),
        Index("ix_annotations_project", "project_id", "id"),
        Index("ix_annotations_author_status", "author_id", "status"),
        UniqueConstraint("author_id", "idempotency_key"),
        # at most one draft per author and task, even with two tabs saving at once
        Index("uq_annotations_one_draft", "task_id", "author_id", unique=True,
              sqlite_where=text("status = 'draft'"), postgresql_where=text("status = 'draft'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    stage: Mapped[Stage] = mapped_column(_enum(Stage, "stage"), default=Stage.LABEL)
    status: Mapped[AnnotationStatus] = mapped_column(_enum(AnnotationStatus, "annotation_status"))
    regions: Mapped[list[Any]] = mapped_column(Json)
    schema_version: Mapped[int] = mapped_column(Integer)
    guideline_version: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lead_time_s: Mapped[float | None] = mapped_column(Float)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("annotations.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    gold_score: Mapped[float | None] = mapped_column(Float)  # on gold tasks, scored on submit
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Assignment(Base):
    """A task reserved for a user at a stage: a lease, directed work, or a skip."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("task_id", "user_id", "stage"),
        Index("ix_assignments_user", "project_id", "user_id", "stage", "kind"),
        Index("ix_assignments_expiry", "project_id", "expires_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    stage: Mapped[Stage] = mapped_column(_enum(Stage, "stage"))
    kind: Mapped[AssignmentKind] = mapped_column(_enum(AssignmentKind, "assignment_kind"))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # leases only
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AnnotatorStats(Base):
    """Per member of a project: what the workflow needs to know about them, kept current on
    every submit so the hot path never aggregates their history."""

    __tablename__ = "annotator_stats"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    served: Mapped[int] = mapped_column(Integer, default=0)  # label tasks handed out
    gold_answers: Mapped[int] = mapped_column(Integer, default=0)
    gold_score_sum: Mapped[float] = mapped_column(Float, default=0.0)
    #: the latest scores against the consensus, for adaptive overlap
    agreement_window: Mapped[list[float]] = mapped_column(Json, default=list)


class Prediction(Base):
    __tablename__ = "predictions"
    __table_args__ = (Index("ix_predictions_task", "task_id", "id"),
                      Index("ix_predictions_project", "project_id", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    regions: Mapped[list[Any]] = mapped_column(Json)
    score: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_annotation", "annotation_id", "id"),
                      Index("ix_reviews_project", "project_id", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    verdict: Mapped[Verdict] = mapped_column(_enum(Verdict, "verdict"))
    error_categories: Mapped[list[str]] = mapped_column(Json, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    fixed_annotation_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_task", "task_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    annotation_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"))
    region_id: Mapped[str | None] = mapped_column(String(200))
    #: the review that pinned this comment to a region, written with it
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"),
                                                  index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (Index("ix_flags_project_status", "project_id", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[FlagStatus] = mapped_column(_enum(FlagStatus, "flag_status"),
                                               default=FlagStatus.OPEN)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the guideline version published to resolve it, if any
    guideline_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """Append-only: the first migration installs triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_project", "project_id", "id"),
                      Index("ix_audit_log_object", "object_type", "object_id", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class JobKind(StrEnum):
    IMPORT = "import"
    EXPORT = "export"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Job(Base):
    """A background import or export (services/jobs.py): claimed by one runner with a
    compare-and-set on `state`, its progress and heartbeat written as it runs."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_project", "project_id", "id"),
                      Index("ix_jobs_state", "state", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[JobKind] = mapped_column(_enum(JobKind, "job_kind"))
    format: Mapped[str] = mapped_column(String(50))
    options: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    state: Mapped[JobState] = mapped_column(_enum(JobState, "job_state"),
                                            default=JobState.QUEUED)
    phase: Mapped[str | None] = mapped_column(String(20))  # e.g. checking, writing
    items_done: Mapped[int] = mapped_column(BigInteger, default=0)
    items_total: Mapped[int | None] = mapped_column(BigInteger)  # when known
    result: Mapped[dict[str, Any] | None] = mapped_column(Json)
    error: Mapped[str | None] = mapped_column(Text)
    error_details: Mapped[dict[str, Any] | None] = mapped_column(Json)
    #: the upload (imports) or the written export, relative to <data_dir>/jobs
    file_path: Mapped[str | None] = mapped_column(String(300))
    file_name: Mapped[str | None] = mapped_column(String(300))  # the name users see
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # an export's file
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # the runner running it
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
