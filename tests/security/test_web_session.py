"""Web sign-in session: open redirects and header injection in ?next=, cookie flags, stale sessions.

After a successful sign-in the ``next`` target must stay on this site whatever it holds (other
hosts, backslashes, schemes, newlines: never a 500); the session cookie is HttpOnly and SameSite;
a session ends when the password changes or the user is deactivated; every page sends the
security headers.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from testkit import world as world_mod
from tests.web.conftest import csrf_token, sign_in

NEXT = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/ringkasan\r\nSet-Cookie: x=1",
    "/ringkasan\nX: y",
    "/%0d%0aX: y",
    "/" + "a" * 5000,
    "evil.example",
    " //evil.example",
    "/\x00",
    "/ringkasan\x7f",
    "http://localhost/x",
]


@pytest.mark.parametrize("target", NEXT, ids=[repr(t)[:40] for t in NEXT])
def test_next_after_sign_in_never_leaves_the_site(app, world, target):
    client = app.test_client()
    page = client.get("/masuk", query_string={"next": target})
    if "\x00" in target:  # NUL anywhere in a request is refused before any page
        assert page.status_code == 400
        return
    assert page.status_code == 200
    response = client.post(
        "/masuk",
        query_string={"next": target},
        data={
            "username": "dinas",
            "password": world_mod.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil.example" not in location.split("?")[0].lstrip("/").split("/")[
        0
    ] or location.startswith("/%5C"), location
    assert "\n" not in location and "\r" not in location
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_a_path_on_the_site_is_kept(app, world):
    client = app.test_client()
    page = client.get("/masuk")
    response = client.post(
        "/masuk?next=/konflik%3Fstatus%3Dall",
        data={
            "username": "dinas",
            "password": world_mod.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["Location"] == "/konflik?status=all"


def test_session_cookie_is_http_only_and_same_site(app, world):
    client = app.test_client()
    page = client.get("/masuk")
    response = client.post(
        "/masuk",
        data={
            "username": "dinas",
            "password": world_mod.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    cookie = response.headers["Set-Cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_session_ends_when_the_password_changes_or_the_user_is_deactivated(app, world):
    from server.auth import set_password
    from server.extensions import db
    from server.models import User

    dinas, pkm = sign_in(app.test_client(), "dinas"), sign_in(app.test_client(), "pkm_a")
    assert dinas.get("/ringkasan").status_code == 200
    with app.app_context():
        user = db.session.execute(sa.select(User).where(User.username == "dinas")).scalar_one()
        set_password(user, "kata-sandi-baru-1")
        db.session.execute(sa.update(User).where(User.username == "pkm_a").values(active=False))
        db.session.commit()
    assert dinas.get("/ringkasan").status_code == 302
    assert pkm.get("/ringkasan").status_code == 302


@pytest.mark.parametrize("path", ["/masuk", "/ringkasan", "/tidak-ada", "/static/web/web.css"])
def test_pages_send_security_headers(app, world, path):
    client = sign_in(app.test_client(), "dinas")
    response = client.get(path)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    if path == "/ringkasan":
        assert response.headers["Cache-Control"] == "no-store"
    response.close()


# -- server-side sessions (audit #18, finding 10) -----------------------------------------------


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _password_hash(app, username: str) -> str:
    from server.extensions import db
    from server.models import User

    with app.app_context():
        return db.session.execute(
            sa.select(User.password_hash).where(User.username == username)
        ).scalar_one()


def test_a_cookie_copied_before_sign_out_no_longer_works_after_it(app, world):
    client = sign_in(app.test_client(), "dinas")
    stolen = _session_cookie(client)
    assert client.get("/ringkasan").status_code == 200
    page = client.get("/ringkasan")
    response = client.post("/keluar", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/ringkasan").status_code == 302  # to the sign-in page
    assert "/masuk" in thief.get("/ringkasan").headers["Location"]


def test_the_cookie_carries_no_password_hash_material(app, world):
    client = sign_in(app.test_client(), "dinas")
    value = _session_cookie(client)
    payload = app.session_interface.get_signing_serializer(app).loads(value)
    assert set(payload) <= {"sid", "csrf_token", "_permanent"}, payload
    password_hash = _password_hash(app, "dinas")
    salt_and_hash = password_hash.split("$")[-2:]
    text = value + repr(payload)
    for start in range(0, len(password_hash) - 8):
        assert password_hash[start : start + 8] not in text  # no 8-character piece of it
    assert all(part[-16:] not in text for part in salt_and_hash)


def test_the_session_ends_on_the_server_when_it_expires(app, world):
    from server.extensions import db
    from server.models import WebSession, utcnow

    client = sign_in(app.test_client(), "dinas")
    with app.app_context():
        db.session.execute(sa.update(WebSession).values(expires_at=utcnow()))
        db.session.commit()
    assert client.get("/ringkasan").status_code == 302


def test_the_cookie_is_secure_over_https_and_not_over_http(app, world):
    plain = app.test_client()
    page = plain.get("/masuk")
    response = plain.post(
        "/masuk",
        data={
            "username": "dinas",
            "password": world_mod.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert "secure" not in response.headers["Set-Cookie"].lower()
    tls = app.test_client()
    page = tls.get("/masuk", base_url="https://localhost")
    response = tls.post(
        "/masuk",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/masuk"},  # Flask-WTF checks it over HTTPS
        data={
            "username": "dinas",
            "password": world_mod.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"].lower()
    assert "; secure" in cookie and "httponly" in cookie


def test_behind_a_proxy_https_is_read_from_x_forwarded_proto(app, world):
    from server import create_app
    from server.extensions import db

    proxied = create_app({**app.config, "BEHIND_PROXY": 1}, instance_path=app.instance_path)
    try:
        client = proxied.test_client()
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.7",
            "Referer": "https://localhost/masuk",
        }
        page = client.get("/masuk", headers=headers)
        response = client.post(
            "/masuk",
            headers=headers,
            data={
                "username": "dinas",
                "password": world_mod.PASSWORD,
                "csrf_token": csrf_token(page.text),
            },
        )
        assert response.status_code == 302
        assert "; secure" in response.headers["Set-Cookie"].lower()
    finally:
        with proxied.app_context():
            db.engine.dispose()
