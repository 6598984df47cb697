"""Who is asking: the user and, inside a project, their role there."""

from __future__ import annotations

from dataclasses import dataclass, replace

from accord.core.records import Role, Tier, role_at_least


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: int
    email: str
    is_admin: bool = False
    role: Role | None = None  # in the project the request is about, if any
    tier: Tier | None = None  # likewise; None when not known (the queue then looks it up)

    def in_project(self, role: Role | None, tier: Tier | None = None) -> Caller:
        return replace(self, role=role, tier=tier)

    @property
    def sees_everything(self) -> bool:
        """Reviewers, managers and admins see all work and gold; annotators see their own."""
        return self.is_admin or role_at_least(self.role, Role.REVIEWER)
