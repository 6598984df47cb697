"""The vocabulary shared by every layer: roles, tiers, stages and statuses.

Values are the strings stored in the database and sent over the API (see docs/glossary.md).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A member's role in one project; site administrators are flagged on the user instead."""

    MANAGER = "manager"
    REVIEWER = "reviewer"
    ANNOTATOR = "annotator"


class Tier(StrEnum):
    """Seniority within a project; the workflow routes stages by tier."""

    JUNIOR = "junior"
    SENIOR = "senior"
    EXPERT = "expert"


class Stage(StrEnum):
    LABEL = "label"
    REVIEW = "review"
    ADJUDICATE = "adjudicate"


class TaskState(StrEnum):
    """Where a task is in its workflow: the stage it waits in, or done."""

    LABEL = "label"
    REVIEW = "review"
    ADJUDICATE = "adjudicate"
    DONE = "done"


class AssignmentKind(StrEnum):
    """Why a task is reserved for someone: a lease from the queue (it expires), work directed
    to them by a manager or sent back by a reviewer (it does not), or a skip (never again)."""

    LEASE = "lease"
    DIRECTED = "directed"
    SKIPPED = "skipped"


class AnnotationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Verdict(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    FIX = "fix"


class FlagStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


#: Roles ordered by what they may see and do; a manager can do all a reviewer can, and so on.
ROLE_RANK = {Role.ANNOTATOR: 1, Role.REVIEWER: 2, Role.MANAGER: 3}


def role_at_least(role: Role | None, minimum: Role) -> bool:
    """Whether `role` grants everything `minimum` does.

    >>> role_at_least(Role.MANAGER, Role.REVIEWER)
    True
    >>> role_at_least(None, Role.ANNOTATOR)
    False
    """
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]
