"""The workflow's rules without the database: a project's policy as data, and the decisions
taken from it (docs/workflow.md).

The policy is a frozen value parsed from JSON with errors naming the field, so the API, the
CLI and the SDK share one definition. The decisions (how many answers a task needs, where it
goes when they are in, whether a gold task is served, whose work needs less overlap) are pure
functions whose chance draws come from a hash of what they are about: a routing can be
replayed from the audit log and tested without a database, and every replica decides alike.
The services load the facts, call these functions and store the outcome.
"""

from accord.core.workflow.adaptive import is_trusted, overlap_for, push_score
from accord.core.workflow.policy import (
    DEFAULT_REVIEW_CATEGORIES,
    AdaptiveOverlap,
    Ordering,
    RejectTo,
    ReviewCategory,
    WorkflowPolicy,
    merge_policy,
    parse_policy,
)
from accord.core.workflow.routing import (
    Outcome,
    Route,
    draw,
    initial_overlap,
    route_answers,
    serve_gold,
    task_agreement,
)

__all__ = [
    "DEFAULT_REVIEW_CATEGORIES",
    "AdaptiveOverlap",
    "Ordering",
    "Outcome",
    "RejectTo",
    "ReviewCategory",
    "Route",
    "WorkflowPolicy",
    "draw",
    "initial_overlap",
    "is_trusted",
    "merge_policy",
    "overlap_for",
    "parse_policy",
    "push_score",
    "route_answers",
    "serve_gold",
    "task_agreement",
]
