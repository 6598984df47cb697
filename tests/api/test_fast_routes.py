"""The lean handler of the hottest routes (next task, submit; `api.routing.fast`) answers as
the standard FastAPI handler would: the same bytes for a result, and FastAPI's own errors
for anything it does not take as plainly valid."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import fastapi.routing
import pytest
from pydantic import TypeAdapter

from accord.api import routing
from accord.api.app import ROUTERS
from accord.api.responses import dumps
from accord.core.records import AssignmentKind, Stage
from tests.api.workflow_support import fresh_requests, images, make_project, scene


@pytest.fixture
def app(app, session):  # type: ignore[no-untyped-def]
    return fresh_requests(app, session)


def standard_bytes(result: dict[str, Any]) -> bytes:
    """What FastAPI writes for a `dict[str, Any]` result: pydantic's JSON mode, then ours."""
    return dumps(TypeAdapter(dict[str, Any]).dump_python(result, mode="json"))


def test_results_are_written_as_the_standard_handler_writes_them():
    result = {"task": {"id": 7, "data": {"image": "a<b>&c.png", "n": [1, 2.5, None]},
                       "created_at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)},
              "lease": {"stage": Stage.LABEL, "kind": AssignmentKind.LEASE,
                        "expires_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},
              "answers": [], "draft": None, "reason": None, "score": math.nan, "tiny": 1e-7}
    assert routing._json(result) == standard_bytes(result)


def test_values_orjson_does_not_write_go_the_standard_way():
    result = {"labels": {"cat"}, "at": datetime(2026, 1, 2, tzinfo=UTC)}
    assert routing._json(result) == standard_bytes(result)


def test_next_task_and_submit_answer_through_the_lean_handler(session, world, as_, monkeypatch):
    project, [task] = make_project(session, world, as_, {"overlap": 1}, images(1))
    solved: list[str] = []  # the standard handler solves the dependencies; the lean one not
    original = fastapi.routing.solve_dependencies

    async def spy(*, request, **kwargs):  # type: ignore[no-untyped-def]
        solved.append(request.url.path)
        return await original(request=request, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", spy)
    assert as_("annotator").get(f"/api/projects/{project}/queues").status_code == 200
    assert solved == [f"/api/projects/{project}/queues"]  # the spy sees standard requests
    client = as_("annotator")
    handed = client.post(f"/api/projects/{project}/queues/label/next")
    assert handed.status_code == 200 and handed.json()["task"]["id"] == task
    assert handed.headers["content-type"] == "application/json"
    assert handed.headers["x-content-type-options"] == "nosniff"
    path = f"/api/projects/{project}/tasks/{task}/annotations"
    first = client.post(path, json={"regions": [scene()]}, headers={"Idempotency-Key": "k1"})
    again = client.post(path, json={"regions": [scene()]}, headers={"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert solved == [f"/api/projects/{project}/queues"]


def test_only_the_hottest_routes_have_a_lean_handler():
    served = {(route.path, method) for router in ROUTERS for route in router.routes
              if isinstance(route, routing.AccordRoute) and route.fast is not None
              for method in route.methods}
    assert served == {("/api/projects/{project_id}/queues/{stage}/next", "POST"),
                      ("/api/projects/{project_id}/tasks/{task_id}/annotations", "POST")}


@pytest.mark.parametrize(("how", "status", "field"), [
    ({"json": {"regions": [], "colour": "red"}}, 422, "colour"),
    ({"json": {"regions": "none"}}, 422, "regions"),
    ({"json": ["not", "an", "object"]}, 422, "body"),
    ({"content": b"regions=1", "headers": {"Content-Type": "text/plain"}}, 422, "body"),
])
def test_bodies_the_lean_reader_refuses_get_fastapi_answers(session, world, as_, how, status,
                                                            field):
    project, [task] = make_project(session, world, as_, {"overlap": 1}, images(1))
    response = as_("annotator").post(f"/api/projects/{project}/tasks/{task}/annotations",
                                     **how)
    assert response.status_code == status
    assert response.json()["code"] == "invalid_input"
    assert response.json()["details"]["problems"][0]["field"].startswith(field)


def test_paths_the_lean_reader_refuses_get_fastapi_answers(session, world, as_):
    project, _ = make_project(session, world, as_, {"overlap": 1}, images(1))
    client = as_("annotator")
    wrong_stage = client.post(f"/api/projects/{project}/queues/lunch/next")
    assert wrong_stage.status_code == 422 and wrong_stage.json()["code"] == "invalid_input"
    no_project = client.post("/api/projects/abc/queues/label/next")
    assert no_project.status_code == 404
    no_task = client.post(f"/api/projects/{project}/tasks/x/annotations",
                          json={"regions": []})
    assert no_task.status_code == 422
