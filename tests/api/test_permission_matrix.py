"""Every route × every principal, generated from the OpenAPI document.

The expected status comes from `accord.api.access` (the data beside the routers); a route
missing there, or missing a request example here, fails this test. Each call runs in its own
savepoint, and every refused unsafe call must leave every table exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from sqlalchemy import Connection, MetaData, select
from sqlalchemy.orm import Session

from accord.api.access import EXPECTED, PRINCIPALS, ROUTES
from accord.core.records import Role
from accord.services import users, versions
from accord.services.annotations import submit
from accord.services.discussions import add_comment, add_flag
from accord.services.job_runner import Sessions, run_job
from accord.services.jobs import claim_next, start_export
from accord.services.predictions import create_predictions, list_predictions
from accord.services.workflow import update_workflow
from builders import SCHEMA, SECRET, World, box, caller_of

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
LS_XML = ('<View><Image name="image" value="$image"/>'
          '<Choices name="scene" toName="image"><Choice value="day"/></Choices></View>')


def bodies(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    """A valid request for each unsafe route, so an authorized caller gets a 2xx."""
    t = world.task_ids[1]
    P = "/api/projects/{project_id}"
    return {
        ("POST", "/api/auth/login"): {"json": {"email": "annotator@example.org",
                                               "password": "correct-horse"}},
        ("POST", "/api/auth/logout"): {},
        ("POST", "/api/auth/tokens"): {"json": {"name": "spare"}},
        ("DELETE", "/api/auth/tokens/{token_id}"): {},
        ("POST", "/api/users"): {"json": {"email": "new@example.org"}},
        ("PATCH", "/api/users/{user_id}"): {"json": {"name": "Renamed"}},
        ("POST", "/api/schema/validate"): {"json": SCHEMA},
        ("POST", "/api/schema/from-label-studio"): {"json": {"xml": LS_XML}},
        ("POST", "/api/projects"): {"json": {"name": "New"}},
        ("PATCH", P): {"json": {"name": "Renamed"}},
        ("DELETE", P): {},
        ("POST", P + "/members"): {"json": {"email": "outsider@example.org",
                                            "role": "annotator"}},
        ("PATCH", P + "/members/{user_id}"): {"json": {"tier": "senior"}},
        ("DELETE", P + "/members/{user_id}"): {},
        ("POST", P + "/schema/versions"): {"json": {"schema": SCHEMA}},
        ("POST", P + "/guidelines/versions"): {"json": {"body": "# Be careful"}},
        ("POST", P + "/tasks"): {"json": {"tasks": [{"data": {"image": "new.png"}}]}},
        ("PATCH", P + "/tasks/{task_id}"): {"json": {"priority": 5}},
        ("DELETE", P + "/tasks/{task_id}"): {},
        ("PUT", P + "/tasks/{task_id}/draft"): {"json": {"regions": [box()]}},
        ("DELETE", P + "/tasks/{task_id}/draft"): {},
        ("POST", P + "/tasks/{task_id}/annotations"): {"json": {"regions": [box()]}},
        ("POST", P + "/tasks/{task_id}/comments"): {"json": {"body": "Is this a car?"}},
        ("POST", P + "/tasks/{task_id}/flags"): {"json": {"note": "Blurry"}},
        ("PATCH", P + "/tasks/{task_id}/comments/{comment_id}"): {"json": {"body": "edited"}},
        ("DELETE", P + "/tasks/{task_id}/comments/{comment_id}"): {},
        ("DELETE", P + "/predictions/{prediction_id}"): {},
        ("POST", P + "/annotations/{annotation_id}/reviews"): {"json": {"verdict": "accept"}},
        ("POST", P + "/predictions"): {"json": {"predictions": [
            {"task_id": t, "regions": [box()], "model_version": "m1"}]}},
        ("POST", P + "/flags/{flag_id}/resolve"): {"json": {"resolution": "clarified"}},
        ("PATCH", P + "/workflow"): {"json": {"overlap": 40}},
        ("POST", P + "/workflow/pilot/approve"): {},
        ("POST", P + "/queues/{stage}/next"): {},
        ("POST", P + "/tasks/{task_id}/skip"): {},
        ("POST", P + "/tasks/{task_id}/assign"): {"json": {"user_id": world.users[
            "annotator"]["id"], "stage": "label"}},
        ("POST", P + "/tasks/{task_id}/release"): {},
        ("POST", P + "/tasks/{task_id}/reopen"): {},
        ("POST", P + "/tasks/{task_id}/freeze"): {},
        ("POST", P + "/tasks/{task_id}/unfreeze"): {},
        ("POST", P + "/import"): {"files": {"file": (
            "tasks.jsonl", io.BytesIO(b'{"data": {"image": "imported.png"}}\n'))}},
        ("POST", P + "/exports"): {"json": {"format": "jsonl"}},
        ("POST", P + "/imports"): {"files": {"file": (
            "tasks.jsonl", io.BytesIO(b'{"data": {"image": "job.png"}}\n'))}},
        ("POST", P + "/jobs/{job_id}/cancel"): {},
    }


def table_digest(connection: Connection, metadata: MetaData) -> str:
    digest = hashlib.sha256()
    for table in sorted(metadata.sorted_tables, key=lambda t: t.name):
        if table.name == "rate_limits":
            continue
        for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def principal_params(session: Session, world: World, principal: str, path: str
                     ) -> dict[str, Any]:
    me = world.users.get(principal, world.users["annotator"])
    params: dict[str, Any] = {
        "project_id": world.project_id, "task_id": world.task_ids[1],
        "annotation_id": world.annotation_id, "version": 1,
        "user_id": me["id"] if path.startswith("/api/users") else world.users["annotator"]["id"],
        "flag_id": world.flag_id, "token_id": world.spare_tokens.get(principal, 1),
        "field": "image", "comment_id": world.comments.get(principal, 1),
        "prediction_id": world.prediction_id, "section": "agreement", "stage": "label",
        # each cancels a queued job of their own; the rest read a finished export
        "job_id": world.queued_jobs.get(principal, world.export_job_id)
        if path.endswith("/cancel") else world.export_job_id}
    if path.endswith("/diff"):  # an annotation that follows an earlier one
        params["annotation_id"] = world.resubmitted_id  # type: ignore[attr-defined]
    return params


@pytest.fixture
def matrix_world(world: World, session: Session, settings) -> World:  # type: ignore[no-untyped-def]
    (settings.data_dir / "media").mkdir(parents=True)
    (settings.data_dir / "media" / "b.png").write_bytes(PNG)
    manager = caller_of(world.users["manager"])
    versions.add_guideline_version(session, manager, world.project_id, "# Guidelines")
    world.flag_id = add_flag(session, manager, world.project_id, world.task_ids[1], "?")["id"]
    world.spare_tokens = {p: users.create_token(session, None, world.users[p]["id"], SECRET,
                                                "spare")["id"] for p in world.users}
    # each member edits and deletes a comment of their own
    world.comments = {p: add_comment(session, caller_of(world.users[p]).in_project(role),
                                     world.project_id, world.task_ids[1], f"by {p}")["id"]
                      for p, role in (("admin", Role.MANAGER), ("manager", Role.MANAGER),
                                      ("reviewer", Role.REVIEWER),
                                      ("annotator", Role.ANNOTATOR))}
    create_predictions(session, manager, world.project_id,
                       [{"task_id": world.task_ids[1], "regions": [], "model_version": "m0"}])
    world.prediction_id = list_predictions(session, world.project_id, world.task_ids[1])[0]["id"]
    # a finished export to read and download, and a queued job of each member's to cancel
    world.export_job_id = start_export(session, manager, world.project_id, "jsonl")["id"]
    claim_next(session, "matrix-runner")
    run_job(world.export_job_id, "matrix-runner", Sessions.single(session), settings)
    world.queued_jobs = {p: start_export(session, caller_of(world.users[p]), world.project_id,
                                         "jsonl")["id"]
                         for p in ("admin", "manager", "reviewer")}
    # an answer given twice: the second follows the first, so it has a diff
    for regions in ([box("d1")], [box("d1", x=20)]):
        resubmitted, _ = submit(session, manager.in_project(Role.MANAGER), world.project_id,
                                world.task_ids[0], regions)
    world.resubmitted_id = resubmitted["id"]  # type: ignore[attr-defined]
    # a pilot to approve and a calibration batch to report on
    update_workflow(session, caller_of(world.users["admin"]), world.project_id,
                    {"pilot_batch": "pilot", "calibration_batch": "calibration"})
    return world


def test_every_route_has_an_access_rule_and_an_example(app, matrix_world):
    routes = {(m.upper(), path) for path, ops in app.openapi()["paths"].items() for m in ops}
    assert routes == set(ROUTES), (
        f"missing from access.ROUTES: {sorted(routes - set(ROUTES))}; "
        f"stale there: {sorted(set(ROUTES) - routes)}")
    unsafe = {r for r in routes if r[0] != "GET"}
    assert unsafe == set(bodies(matrix_world)), sorted(unsafe ^ set(bodies(matrix_world)))


def test_each_principal_gets_exactly_the_expected_status_on_every_route(
        app, as_, matrix_world, session):
    connection = session.connection()
    metadata = MetaData()
    metadata.reflect(connection)
    examples = bodies(matrix_world)
    failures = []
    for (method, path), access in sorted(ROUTES.items()):
        for principal in PRINCIPALS:
            session.close()
            savepoint = connection.begin_nested()
            try:
                before = table_digest(connection, metadata) if method != "GET" else None
                url = path.format(**principal_params(session, matrix_world, principal, path))
                if method == "GET" and path.endswith("/draft"):
                    as_(principal).put(url, json={"regions": []})
                response = as_(principal).request(method, url, **examples.get((method, path),
                                                                              {}))
                expected = EXPECTED[access][principal]
                ok = response.status_code < 400
                if (expected == "ok" and not ok) or (expected != "ok"
                                                     and response.status_code != expected):
                    failures.append(f"{principal:9} {method} {path}: expected {expected}, got "
                                    f"{response.status_code} {response.text[:120]}")
                if before is not None and not ok:
                    session.close()
                    if table_digest(connection, metadata) != before:
                        failures.append(f"{principal:9} {method} {path}: refused but "
                                        "changed the database")
            finally:
                session.close()
                savepoint.rollback()
    assert not failures, "\n".join(failures)
