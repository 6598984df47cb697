"""Who may call each route, kept as data next to the routers.

Every route of the app must have an entry: `create_app` refuses to start otherwise, and the
permission-matrix test walks the OpenAPI document and checks each route for each principal
against `EXPECTED`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from accord.core.records import Role


class Access(StrEnum):
    PUBLIC = "public"              # anyone, logged in or not
    USER = "user"                  # any logged-in user
    ADMIN = "admin"                # site administrators
    ANNOTATOR = "annotator"        # members of the project in the path, any role
    REVIEWER = "reviewer"          # members with role reviewer or manager
    MANAGER = "manager"            # members with role manager


#: The minimum project role each project-scoped access level needs.
PROJECT_ROLE: Final = {Access.ANNOTATOR: Role.ANNOTATOR, Access.REVIEWER: Role.REVIEWER,
                       Access.MANAGER: Role.MANAGER}

#: The principals the permission matrix is checked for.
PRINCIPALS: Final = ("anonymous", "outsider", "annotator", "reviewer", "manager", "admin")

#: What each principal gets from a route of each access level. "ok" means it passes
#: authorization (the route then answers 2xx, or 4xx for reasons other than access).
#: Outsiders (logged in, not a member) get 404, so a project's existence does not leak.
EXPECTED: Final[dict[Access, dict[str, int | str]]] = {
    Access.PUBLIC: dict.fromkeys(PRINCIPALS, "ok"),
    Access.USER: {"anonymous": 401, **dict.fromkeys(PRINCIPALS[1:], "ok")},
    Access.ADMIN: {"anonymous": 401, "outsider": 403, "annotator": 403, "reviewer": 403,
                   "manager": 403, "admin": "ok"},
    Access.ANNOTATOR: {"anonymous": 401, "outsider": 404, "annotator": "ok", "reviewer": "ok",
                       "manager": "ok", "admin": "ok"},
    Access.REVIEWER: {"anonymous": 401, "outsider": 404, "annotator": 403, "reviewer": "ok",
                      "manager": "ok", "admin": "ok"},
    Access.MANAGER: {"anonymous": 401, "outsider": 404, "annotator": 403, "reviewer": 403,
                     "manager": "ok", "admin": "ok"},
}

P = "/api/projects/{project_id}"

ROUTES: Final[dict[tuple[str, str], Access]] = {
    ("GET", "/api/health"): Access.PUBLIC,
    ("POST", "/api/auth/login"): Access.PUBLIC,
    ("POST", "/api/auth/logout"): Access.PUBLIC,
    ("GET", "/api/auth/session"): Access.PUBLIC,
    ("GET", "/api/auth/me"): Access.USER,
    ("GET", "/api/auth/tokens"): Access.USER,
    ("POST", "/api/auth/tokens"): Access.USER,
    ("DELETE", "/api/auth/tokens/{token_id}"): Access.USER,
    ("GET", "/api/users"): Access.ADMIN,
    ("POST", "/api/users"): Access.ADMIN,
    ("GET", "/api/users/{user_id}"): Access.USER,     # self, or an admin; others get 404
    ("PATCH", "/api/users/{user_id}"): Access.USER,   # self (name, password), or an admin
    ("POST", "/api/schema/validate"): Access.USER,
    ("POST", "/api/schema/from-label-studio"): Access.USER,
    ("GET", "/api/projects"): Access.USER,
    ("POST", "/api/projects"): Access.ADMIN,
    ("GET", P): Access.ANNOTATOR,
    ("PATCH", P): Access.MANAGER,
    ("DELETE", P): Access.MANAGER,
    ("GET", P + "/members"): Access.REVIEWER,
    ("POST", P + "/members"): Access.MANAGER,
    ("PATCH", P + "/members/{user_id}"): Access.MANAGER,
    ("DELETE", P + "/members/{user_id}"): Access.MANAGER,
    ("GET", P + "/schema"): Access.ANNOTATOR,
    ("GET", P + "/schema/versions"): Access.ANNOTATOR,
    ("POST", P + "/schema/versions"): Access.MANAGER,
    ("GET", P + "/schema/versions/{version}"): Access.ANNOTATOR,
    ("GET", P + "/guidelines"): Access.ANNOTATOR,
    ("GET", P + "/guidelines/versions"): Access.ANNOTATOR,
    ("POST", P + "/guidelines/versions"): Access.MANAGER,
    ("GET", P + "/guidelines/versions/{version}"): Access.ANNOTATOR,
    ("GET", P + "/tasks"): Access.ANNOTATOR,
    ("POST", P + "/tasks"): Access.MANAGER,
    ("GET", P + "/tasks/{task_id}"): Access.ANNOTATOR,
    ("PATCH", P + "/tasks/{task_id}"): Access.MANAGER,
    ("DELETE", P + "/tasks/{task_id}"): Access.MANAGER,
    ("GET", P + "/tasks/{task_id}/media/{field}"): Access.ANNOTATOR,
    ("GET", P + "/tasks/{task_id}/draft"): Access.ANNOTATOR,
    ("PUT", P + "/tasks/{task_id}/draft"): Access.ANNOTATOR,
    ("DELETE", P + "/tasks/{task_id}/draft"): Access.ANNOTATOR,
    ("GET", P + "/tasks/{task_id}/annotations"): Access.ANNOTATOR,
    ("POST", P + "/tasks/{task_id}/annotations"): Access.ANNOTATOR,
    ("GET", P + "/tasks/{task_id}/predictions"): Access.ANNOTATOR,
    ("GET", P + "/tasks/{task_id}/comments"): Access.ANNOTATOR,
    ("POST", P + "/tasks/{task_id}/comments"): Access.ANNOTATOR,
    ("PATCH", P + "/tasks/{task_id}/comments/{comment_id}"): Access.ANNOTATOR,  # author only
    ("DELETE", P + "/tasks/{task_id}/comments/{comment_id}"): Access.ANNOTATOR,  # or manager
    ("POST", P + "/tasks/{task_id}/flags"): Access.ANNOTATOR,
    ("GET", P + "/annotations"): Access.ANNOTATOR,
    ("GET", P + "/annotations/{annotation_id}"): Access.ANNOTATOR,
    ("GET", P + "/annotations/{annotation_id}/reviews"): Access.ANNOTATOR,
    ("POST", P + "/annotations/{annotation_id}/reviews"): Access.REVIEWER,
    ("GET", P + "/annotations/{annotation_id}/diff"): Access.REVIEWER,
    ("GET", P + "/reviews"): Access.ANNOTATOR,
    ("POST", P + "/predictions"): Access.MANAGER,
    ("DELETE", P + "/predictions/{prediction_id}"): Access.MANAGER,
    ("GET", P + "/flags"): Access.REVIEWER,
    ("POST", P + "/flags/{flag_id}/resolve"): Access.MANAGER,
    ("GET", P + "/audit"): Access.MANAGER,
    ("POST", P + "/import"): Access.MANAGER,
    ("GET", P + "/export"): Access.REVIEWER,
    ("POST", P + "/exports"): Access.REVIEWER,
    ("POST", P + "/imports"): Access.MANAGER,
    ("GET", P + "/formats"): Access.REVIEWER,
    ("GET", P + "/jobs"): Access.REVIEWER,
    ("GET", P + "/jobs/{job_id}"): Access.REVIEWER,
    ("GET", P + "/jobs/{job_id}/download"): Access.REVIEWER,
    ("POST", P + "/jobs/{job_id}/cancel"): Access.REVIEWER,  # its starter, or a manager
    ("GET", P + "/workflow"): Access.REVIEWER,
    ("PATCH", P + "/workflow"): Access.MANAGER,
    ("GET", P + "/workflow/pilot"): Access.REVIEWER,
    ("POST", P + "/workflow/pilot/approve"): Access.MANAGER,
    ("GET", P + "/workflow/calibration"): Access.REVIEWER,
    ("GET", P + "/queues"): Access.ANNOTATOR,
    ("POST", P + "/queues/{stage}/next"): Access.ANNOTATOR,  # review, adjudicate: reviewer+
    ("POST", P + "/tasks/{task_id}/skip"): Access.ANNOTATOR,
    ("POST", P + "/tasks/{task_id}/assign"): Access.MANAGER,
    ("POST", P + "/tasks/{task_id}/release"): Access.MANAGER,
    ("POST", P + "/tasks/{task_id}/reopen"): Access.MANAGER,
    ("POST", P + "/tasks/{task_id}/freeze"): Access.MANAGER,
    ("POST", P + "/tasks/{task_id}/unfreeze"): Access.MANAGER,
    ("GET", P + "/tasks/{task_id}/history"): Access.REVIEWER,
    ("GET", P + "/qa/report"): Access.REVIEWER,
    ("GET", P + "/qa/{section}"): Access.REVIEWER,
    ("GET", P + "/qa/consensus/{task_id}"): Access.REVIEWER,  # reveals everyone's answers
}
