"""One JSON error shape everywhere, inert error text, and security headers."""

from __future__ import annotations

from starlette.testclient import TestClient

PAYLOAD = "<script>alert(1)</script>"


def test_validation_errors_use_the_common_shape_and_name_the_field(as_, world):
    response = as_("admin").post("/api/projects", json={"name": 5, "surprise": True})
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False and body["code"] == "invalid_input"
    fields = {p["field"] for p in body["details"]["problems"]}
    assert {"name", "surprise"} <= fields


def test_errors_never_echo_markup_unescaped(client, world):
    response = client.get(f"/api/projects/{PAYLOAD}")
    assert response.headers["content-type"].startswith("application/json")
    assert "<script>" not in response.text
    unknown = client.get(f"/api/nothing/{PAYLOAD}")
    assert unknown.status_code == 404 and "<" not in unknown.text


def test_unexpected_errors_are_500_without_a_stack_trace(app, world, monkeypatch):
    from accord.services import projects

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(projects, "list_projects", explode)
    client = TestClient(app, raise_server_exceptions=False,
                        headers={"Authorization": f"Bearer {world.tokens['admin']}"})
    response = client.get("/api/projects")
    assert response.status_code == 500 and response.json()["code"] == "internal_error"
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_security_headers_are_on_api_and_page_responses(client, world):
    for path in ("/api/health", "/login"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["referrer-policy"] == "same-origin"


def test_the_api_reference_page_lists_the_routes_without_scripts(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and "/api/projects/{project_id}/tasks" in page.text
    assert "<script" not in page.text
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Accord"


def test_a_non_admin_cannot_make_themselves_admin_even_as_a_no_op(as_, world):
    me = world.users["manager"]["id"]
    for change in ({"is_admin": True}, {"is_admin": False}):
        response = as_("manager").patch(f"/api/users/{me}", json=change)
        assert response.status_code == 403
    unknown = as_("manager").patch(f"/api/users/{me}", json={"role": "admin"})
    assert unknown.status_code == 422
    other = world.users["annotator"]["id"]
    assert as_("manager").patch(f"/api/users/{other}", json={"name": "x"}).status_code == 404


def test_the_health_endpoint_reports_the_database(client):
    body = client.get("/api/health").json()
    assert body["ok"] is True and body["database"] in {"sqlite", "postgresql"}


def test_pages_answer_head_requests_like_get(client):
    assert client.head("/login").status_code == client.get("/login").status_code
