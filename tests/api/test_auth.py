"""Logging in, sessions, CSRF, tokens and throttling."""

from __future__ import annotations

from starlette.testclient import TestClient

from builders import World


def login(client: TestClient, email: str = "annotator@example.org",
          password: str = "correct-horse") -> dict:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def test_login_sets_an_http_only_same_site_cookie_and_returns_a_csrf_token(client, world):
    response = client.post("/api/auth/login", json={"email": "Annotator@Example.org",
                                                    "password": "correct-horse"})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "accord_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in this test
    body = response.json()
    assert body["user"]["email"] == "annotator@example.org" and len(body["csrf_token"]) > 20
    assert client.get("/api/auth/me").json()["csrf_token"] == body["csrf_token"]


def test_a_wrong_password_is_refused_with_the_same_message_as_an_unknown_email(client, world):
    wrong = client.post("/api/auth/login", json={"email": "annotator@example.org",
                                                 "password": "nope-nope"})
    unknown = client.post("/api/auth/login", json={"email": "ghost@example.org",
                                                   "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["message"] == unknown.json()["message"]
    assert wrong.json()["code"] == "invalid_credentials"


def test_cookie_writes_need_the_csrf_token(client, world):
    csrf = login(client, "manager@example.org")["csrf_token"]
    url = f"/api/projects/{world.project_id}"
    refused = client.patch(url, json={"name": "Renamed"})
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    accepted = client.patch(url, json={"name": "Renamed"}, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 200 and accepted.json()["name"] == "Renamed"


def test_cookie_writes_from_a_foreign_origin_are_refused_even_with_the_token(client, world):
    csrf = login(client, "manager@example.org")["csrf_token"]
    response = client.patch(f"/api/projects/{world.project_id}", json={"name": "Evil"},
                            headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"})
    assert response.status_code == 403
    assert client.get(f"/api/projects/{world.project_id}").json()["name"] == "Streets"


def test_same_site_writes_behind_a_proxy_pass_when_proxy_headers_are_trusted(
        app, session, world):
    app.state.accord.settings.trust_proxy_headers = True
    with TestClient(app, base_url="http://internal:8080") as client:
        csrf = login(client, "manager@example.org")["csrf_token"]
        response = client.patch(
            f"/api/projects/{world.project_id}", json={"name": "Via proxy"},
            headers={"X-CSRF-Token": csrf, "Origin": "https://accord.example",
                     "X-Forwarded-Host": "accord.example", "X-Forwarded-Proto": "https"})
        assert response.status_code == 200


def test_bearer_tokens_need_no_csrf_token(as_, world):
    response = as_("manager").patch(f"/api/projects/{world.project_id}", json={"name": "Bot"})
    assert response.status_code == 200


def test_logout_ends_the_session(client, world):
    csrf = login(client)["csrf_token"]
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/auth/me").status_code == 401


def test_a_disabled_account_cannot_use_its_session_or_its_token(client, as_, world):
    login(client)
    response = as_("admin").patch(f"/api/users/{world.users['annotator']['id']}",
                                  json={"is_active": False})
    assert response.status_code == 200
    assert client.get("/api/auth/me").status_code == 401
    assert as_("annotator").get("/api/projects").status_code == 401


def test_repeated_wrong_passwords_are_throttled_with_retry_after(app, client, world):
    app.state.accord.settings.login_attempts_per_window = 3
    for _ in range(3):
        assert client.post("/api/auth/login", json={"email": "annotator@example.org",
                                                    "password": "wrong-pass"}).status_code == 401
    throttled = client.post("/api/auth/login", json={"email": "annotator@example.org",
                                                     "password": "correct-horse"})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0


def test_a_burst_of_anonymous_calls_is_throttled(app, client, world):
    app.state.accord.settings.anonymous_requests_per_minute = 5
    statuses = [client.get("/api/projects").status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_api_tokens_are_listed_without_their_secret_and_can_be_revoked(as_, world: World):
    client = as_("annotator")
    created = client.post("/api/auth/tokens", json={"name": "laptop"}).json()
    assert created["token"].startswith("acc_")
    listed = client.get("/api/auth/tokens").json()
    assert all("token" not in t for t in listed)
    assert client.delete(f"/api/auth/tokens/{created['id']}").status_code == 204
    with TestClient(client.app, headers={"Authorization": f"Bearer {created['token']}"}) as c:
        assert c.get("/api/auth/me").status_code == 401


def test_one_address_spraying_many_accounts_is_throttled(app, client, world):
    app.state.accord.settings.login_attempts_per_window = 2  # 10 per address
    statuses = [client.post("/api/auth/login", json={"email": f"guess{i}@example.org",
                                                     "password": "wrong-pass"}).status_code
                for i in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
