"""Revoked, expired, unknown and malformed device tokens on every token endpoint of the API.

Token endpoints are enumerated from app.url_map (everything under /api/ except sign-in and the
OpenAPI document), so a new endpoint is covered without editing this file. Each must answer 401
with a clear Indonesian message saying why, before it parses the request.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from server.auth import PUBLIC_API_ENDPOINTS
from testkit import world as world_mod
from tests.web.conftest import csrf_token, sign_in

EXPECTED_MESSAGES = {
    "revoked": "Akses perangkat ini sudah dicabut",
    "expired": "Token perangkat sudah kedaluwarsa",
    "invalid": "Token perangkat tidak dikenal",
    "missing": "memerlukan token perangkat",
}


def token_routes(app) -> list[tuple[str, str]]:
    """Return (method, path) of every API route that needs a token, with sample path values."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint in PUBLIC_API_ENDPOINTS:
            continue
        path = rule.rule.replace("<int:conflict_id>", "1").replace("<period>", "2026-06")
        path = path.replace("<posyandu_id>", "PSY-A1").replace("<person_id>", "missing-person")
        assert "<" not in path, f"give a sample value for {rule.rule}"
        routes += [(m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def login(client, username="kader_a1"):
    body = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": world_mod.PASSWORD, "device_name": "tok"},
    ).json
    return body["token"], body["device_id"]


def call(client, method, path, token, lang="id"):
    headers = {"Accept-Language": lang}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = {"device_id": "x", "mutations": []} if method == "POST" else None
    return client.open(
        path,
        method=method,
        headers=headers,
        json=body,
        query_string={"period": "2026-10", "level": "posyandu"} if "indicators" in path else None,
    )


def assert_refused(app, client, token, reason):
    routes = token_routes(app)
    assert len(routes) >= 7  # me, pull, push, ids, fetch, conflicts, resolve, indicators
    for method, path in routes:
        response = call(client, method, path, token)
        assert response.status_code == 401, (method, path, response.status_code, response.text)
        error = response.json["error"]
        assert error["code"] == "unauthorized" and error["details"] == {"reason": reason}, (
            method,
            path,
            error,
        )
        assert EXPECTED_MESSAGES[reason] in error["message"], (method, path, error["message"])


def test_a_working_token_opens_every_token_endpoint(app, world):
    """The control: the same calls with a valid token are not 401 (so the refusals mean it)."""
    client = app.test_client()
    token, _ = login(client)
    for method, path in token_routes(app):
        assert call(client, method, path, token).status_code not in (401, 500), (method, path)


def test_token_revoked_by_the_cli_is_refused_everywhere(app, world):
    from server.cli import revoke_device_command

    client = app.test_client()
    token, device_id = login(client)
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    result = app.test_cli_runner().invoke(revoke_device_command, [device_id])
    assert result.exit_code == 0, result.output
    assert_refused(app, client, token, "revoked")


def test_token_revoked_on_the_admin_page_is_refused_everywhere(app, world):
    client = app.test_client()
    token, device_id = login(client)
    admin = sign_in(app.test_client(), "admin")
    page = admin.get("/pengguna")
    assert device_id in page.text
    response = admin.post(
        f"/pengguna/perangkat/{device_id}/cabut", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 303
    assert_refused(app, client, token, "revoked")


def test_token_of_a_deactivated_user_is_refused(app, world):
    from server.extensions import db
    from server.models import User

    client = app.test_client()
    token, _ = login(client)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.username == "kader_a1").values(active=False))
        db.session.commit()
    assert_refused(app, client, token, "revoked")


@pytest.mark.parametrize(
    "age_days,refused",
    [(364, False), (366, True)],
    ids=["364-days-old-still-valid", "366-days-old-expired"],
)
def test_token_older_than_token_max_age_days_is_refused(app, world, age_days, refused):
    from server.extensions import db
    from server.models import Device

    assert app.config["TOKEN_MAX_AGE_DAYS"] == 365
    client = app.test_client()
    token, device_id = login(client)
    with app.app_context():
        created = dt.datetime.now(dt.UTC) - dt.timedelta(days=age_days)
        db.session.execute(
            sa.update(Device).where(Device.id == device_id).values(created_at=created)
        )
        db.session.commit()
    if refused:
        assert_refused(app, client, token, "expired")
    else:
        assert (
            client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "x" * 201,
        "x" * 10_000,
        "' OR 1=1 --",
        "%00",
        "Basic dXNlcjpwYXNz",
        "ab\u00e9cd",
        "..%2f..%2f",
    ],
    ids=[
        "garbage",
        "201-chars",
        "10k-chars",
        "sql",
        "nul-escaped",
        "basic-inside",
        "non-ascii",
        "path",
    ],
)
def test_unknown_or_malformed_tokens_are_refused(app, world, token):
    client = app.test_client()
    for method, path in token_routes(app):
        response = client.open(
            path,
            method=method,
            headers={
                "Authorization": f"Bearer {token}".encode().decode("latin-1"),
                "Accept-Language": "id",
            },
        )
        assert response.status_code == 401, (method, path, response.text)
        assert response.json["error"]["details"]["reason"] == "invalid"


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Token abc", "bearer"],
    ids=["absent", "empty", "scheme-only", "scheme-space", "other-scheme", "lowercase-scheme"],
)
def test_missing_token_is_refused_with_a_sign_in_hint(app, world, header):
    client = app.test_client()
    for method, path in token_routes(app):
        headers = {"Accept-Language": "id"}
        if header is not None:
            headers["Authorization"] = header
        response = client.open(path, method=method, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.json["error"]["details"]["reason"] in ("missing", "invalid")


def test_refusal_is_in_english_when_asked(app, world):
    from server.cli import revoke_device_command

    client = app.test_client()
    token, device_id = login(client)
    app.test_cli_runner().invoke(revoke_device_command, [device_id])
    response = call(client, "GET", "/api/v1/sync/pull", token, lang="en")
    assert "revoked by an administrator" in response.json["error"]["message"]


def test_a_revoked_device_may_sign_in_again_and_gets_a_new_token(app, world):
    from server.cli import revoke_device_command

    client = app.test_client()
    old, device_id = login(client)
    app.test_cli_runner().invoke(revoke_device_command, [device_id])
    new, new_device = login(client)
    assert new != old and new_device != device_id
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    )
    assert (
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    )
