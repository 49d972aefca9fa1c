"""Brute-force sign-in (API and web): LOGIN_MAX_FAILURES within the window locks the account.

The limit must hold across case and blank variants of the username, distinct X-Forwarded-For
headers, the API and the web form together, and concurrent attempts; the right password during
the lockout is still refused until the window has passed.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from testkit import world as world_mod
from tests.web.conftest import csrf_token

VARIANTS = ["kader_a1", "KADER_A1", "Kader_A1", " kader_a1", "kader_a1 ", "\tKaDeR_a1\n"]


def api_login(client, username, password="salah", xff=None, lang="id"):
    headers = {"Accept-Language": lang}
    if xff:
        headers["X-Forwarded-For"] = xff
    return client.post(
        "/api/v1/auth/login",
        headers=headers,
        json={"username": username, "password": password, "device_name": "bf"},
    )


def web_login(client, username, password="salah", xff=None):
    page = client.get("/masuk")
    headers = {"X-Forwarded-For": xff} if xff else {}
    return client.post(
        "/masuk",
        headers=headers,
        data={"username": username, "password": password, "csrf_token": csrf_token(page.text)},
    )


def assert_locked(response, *, web=False):
    assert response.status_code == 429, (response.status_code, response.text[:300])
    if web:
        assert "Terlalu banyak percobaan masuk yang gagal" in response.text
    else:
        error = response.json["error"]
        assert error["code"] == "too_many_attempts"
        assert "Terlalu banyak percobaan masuk yang gagal" in error["message"]
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
        assert error["details"]["retry_after_seconds"] == int(response.headers["Retry-After"])


def pass_the_window(app, username="kader_a1"):
    """Move the recorded failures back past the window (as if the time had passed)."""
    from server.extensions import db
    from server.models import LoginFailure

    seconds = app.config["LOGIN_WINDOW_SECONDS"] + 1
    with app.app_context():
        rows = (
            db.session.execute(sa.select(LoginFailure).where(LoginFailure.username == username))
            .scalars()
            .all()
        )
        assert rows
        for row in rows:
            row.at = row.at - dt.timedelta(seconds=seconds)
        db.session.commit()


@pytest.fixture
def limit(app):
    assert app.config["LOGIN_MAX_FAILURES"] == 10 and app.config["LOGIN_WINDOW_SECONDS"] == 900
    return app.config["LOGIN_MAX_FAILURES"]


def test_api_limit_holds_and_the_right_password_waits_for_the_window(app, world, limit):
    client = app.test_client()
    for _ in range(limit):
        assert api_login(client, "kader_a1").status_code == 401
    assert_locked(api_login(client, "kader_a1"))
    assert_locked(api_login(client, "kader_a1", world_mod.PASSWORD))  # right password, locked
    pass_the_window(app)
    assert api_login(client, "kader_a1", world_mod.PASSWORD).status_code == 200
    assert api_login(client, "kader_a1").status_code == 401  # the count started again


def test_other_accounts_are_not_locked(app, world, limit):
    client = app.test_client()
    for _ in range(limit + 2):
        api_login(client, "kader_a1")
    assert api_login(client, "kader_a2", world_mod.PASSWORD).status_code == 200


@pytest.mark.parametrize("surface", ["api", "web"])
def test_case_and_blank_variants_share_one_counter(app, world, limit, surface):
    client = app.test_client()
    send = api_login if surface == "api" else web_login
    for i in range(limit):
        assert send(client, VARIANTS[i % len(VARIANTS)]).status_code == 401
    for variant in VARIANTS:
        assert_locked(send(client, variant, world_mod.PASSWORD), web=surface == "web")


@pytest.mark.parametrize("surface", ["api", "web"])
def test_distinct_x_forwarded_for_does_not_bypass(app, world, limit, surface):
    client = app.test_client()
    send = api_login if surface == "api" else web_login
    for i in range(limit):
        assert send(client, "kader_a1", xff=f"10.0.{i}.{i + 1}").status_code == 401
    assert_locked(
        send(client, "kader_a1", world_mod.PASSWORD, xff="203.0.113.9"), web=surface == "web"
    )
    # A new client (new cookies, new session) is locked too.
    assert_locked(
        send(app.test_client(), "kader_a1", world_mod.PASSWORD, xff="198.51.100.1"),
        web=surface == "web",
    )


def test_api_and_web_failures_count_together(app, world, limit):
    client = app.test_client()
    for i in range(limit):
        send = api_login if i % 2 else web_login
        assert send(client, "kader_a1").status_code == 401
    assert_locked(web_login(client, "kader_a1", world_mod.PASSWORD), web=True)
    assert_locked(api_login(client, "kader_a1", world_mod.PASSWORD))
    pass_the_window(app)
    assert web_login(client, "kader_a1", world_mod.PASSWORD).status_code == 302


def test_lockout_message_in_english_when_asked(app, world, limit):
    client = app.test_client()
    for _ in range(limit):
        api_login(client, "kader_a1")
    response = api_login(client, "kader_a1", lang="en")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json["error"]["message"]


def test_unknown_usernames_are_throttled_too(app, world, limit):
    client = app.test_client()
    for _ in range(limit):
        assert api_login(client, "nobody").status_code == 401
    assert api_login(client, "nobody").status_code == 429


@pytest.mark.slow
def test_concurrent_attempts_do_not_exceed_the_limit(app, server, limit):
    """Thirty wrong passwords at once: at most LOGIN_MAX_FAILURES of them are even checked."""

    def attempt(i):
        with requests.Session() as http:
            return http.post(
                f"{server.url}/api/v1/auth/login",
                timeout=60,
                json={"username": "kader_a1", "password": f"salah-{i}", "device_name": "bf"},
            ).status_code

    with ThreadPoolExecutor(max_workers=15) as pool:
        statuses = list(pool.map(attempt, range(30)))
    assert set(statuses) <= {401, 429}, statuses
    assert statuses.count(401) <= limit, statuses
    # Refused attempts are not counted: the guesses left are exactly the rest of the limit.
    more = [attempt(100 + i) for i in range(limit + 1)]
    assert statuses.count(401) + more.count(401) == limit, (statuses, more)
    with requests.Session() as http:
        assert (
            http.post(
                f"{server.url}/api/v1/auth/login",
                timeout=60,
                json={"username": "kader_a1", "password": world_mod.PASSWORD, "device_name": "bf"},
            ).status_code
            == 429
        )
