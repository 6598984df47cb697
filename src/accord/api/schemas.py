"""Request bodies. Unknown fields are refused (`extra="forbid"`), so a typo never passes silently."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from accord.core.records import Role, Stage, Tier, Verdict


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class TokenBody(Body):
    name: str = Field("", max_length=200)


class NewUser(Body):
    email: str = Field(max_length=320)
    name: str = Field("", max_length=200)
    password: str | None = Field(None, max_length=1000)
    is_admin: bool = False


class UserChanges(Body):
    email: str | None = Field(None, max_length=320)
    name: str | None = Field(None, max_length=200)
    password: str | None = Field(None, max_length=1000)
    current_password: str | None = Field(None, max_length=1000)
    is_admin: bool | None = None
    is_active: bool | None = None


class NewProject(Body):
    name: str = Field(max_length=200)
    description: str = Field("", max_length=10_000)
    schema_: dict[str, Any] | None = Field(None, alias="schema")


class ProjectChanges(Body):
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10_000)


class NewMember(Body):
    email: str = Field(max_length=320)
    role: Role
    tier: Tier = Tier.JUNIOR


class MemberChanges(Body):
    role: Role | None = None
    tier: Tier | None = None


class NewSchemaVersion(Body):
    schema_: dict[str, Any] = Field(alias="schema")
    note: str = Field("", max_length=10_000)


class LabelStudioConfig(Body):
    xml: str = Field(max_length=1_000_000)


class NewGuidelineVersion(Body):
    body: str
    note: str = Field("", max_length=10_000)


class NewTasks(Body):
    tasks: list[dict[str, Any]]


class TaskChanges(Body):
    """Fields left out stay as they are; `batch` and `priority` cannot be null."""

    batch: str = Field(None, max_length=200)  # type: ignore[assignment]
    priority: int = Field(None, ge=-(2**31), lt=2**31)  # type: ignore[assignment]
    media_url: str | None = Field(None, max_length=2048)
    gold: list[dict[str, Any]] | None = None


class DraftBody(Body):
    regions: list[dict[str, Any]]
    started_at: AwareDatetime | None = None
    lead_time_s: float | None = Field(None, ge=0)
    #: the draft version the edit started from, 0 for none: a stale save is refused
    base_version: int | None = Field(None, ge=0)


class SubmitBody(Body):
    regions: list[dict[str, Any]]
    schema_version: int | None = None
    started_at: AwareDatetime | None = None
    lead_time_s: float | None = Field(None, ge=0)


class RegionComment(Body):
    """A reviewer's comment pinned to one region of the annotation under review (lengths
    are checked by the service, which names `region_comments[i]`)."""

    region_id: str
    body: str


class ReviewBody(Body):
    verdict: Verdict
    error_categories: list[str] = Field(default_factory=list)
    comment: str = Field("", max_length=10_000)
    regions: list[dict[str, Any]] | None = None
    version: int | None = None
    region_comments: list[RegionComment] = Field(default_factory=list)


class NewPredictions(Body):
    predictions: list[dict[str, Any]]


class NewComment(Body):
    body: str
    annotation_id: int | None = None
    region_id: str | None = Field(None, max_length=200)


class CommentChanges(Body):
    body: str


class NewFlag(Body):
    note: str


class FlagResolution(Body):
    resolution: str = ""
    guidelines: str | None = None  # publish these as the next guideline version


class Assignment(Body):
    user_id: int = Field(ge=1, lt=2**31)
    stage: Stage = Stage.LABEL


