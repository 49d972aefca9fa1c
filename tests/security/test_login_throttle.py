"""Brute-force sign-in (API and web): throttled per client address and per username (audit #18, 8).

The rule (README, "Sign-in throttling"): ``LOGIN_MAX_FAILURES`` free failures in the window per
address and per username; after that each attempt must wait 1, 2, 4... seconds after the previous
failure (at most 15 minutes for an address, one minute for a username). The username's wait does
not apply from an address the user signed in from before, so nobody can lock a user (the admin
included) out of the address they work from. The limits hold across case and blank variants of
the username, forged X-Forwarded-For headers, the API and the web form together, and concurrent
attempts; a refused attempt checks no password and does not lengthen the wait; old failures are
pruned.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from testkit import world as world_mod
from tests.web.conftest import csrf_token

VARIANTS = ["kader_a1", "KADER_A1", "Kader_A1", " kader_a1", "kader_a1 ", "\tKaDeR_a1\n"]
HOME = "192.0.2.10"  # the user's usual address (documentation range, never contacted)


def at(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def api_login(client, username, password="salah", xff=None, lang="id", address="192.0.2.66"):
    headers = {"Accept-Language": lang}
    if xff:
        headers["X-Forwarded-For"] = xff
    return client.post(
        "/api/v1/auth/login",
        headers=headers,
        json={"username": username, "password": password, "device_name": "bf"},
        **at(address),
    )


def web_login(client, username, password="salah", xff=None, address="192.0.2.66"):
    page = client.get("/masuk", **at(address))
    headers = {"X-Forwarded-For": xff} if xff else {}
    return client.post(
        "/masuk",
        headers=headers,
        data={"username": username, "password": password, "csrf_token": csrf_token(page.text)},
        **at(address),
    )


def assert_throttled(response, *, web=False, at_most=15 * 60):
    assert response.status_code == 429, (response.status_code, response.text[:300])
    if web:
        assert "Terlalu banyak percobaan masuk yang gagal" in response.text
        return None
    error = response.json["error"]
    assert error["code"] == "too_many_attempts"
    assert "Terlalu banyak percobaan masuk yang gagal" in error["message"]
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= at_most
    assert error["details"]["retry_after_seconds"] == wait
    return wait


def let_time_pass(app, seconds: float):
    """Move every recorded failure back by ``seconds`` (as if that time had passed)."""
    from server.extensions import db
    from server.models import LoginFailure

    with app.app_context():
        for row in db.session.execute(sa.select(LoginFailure)).scalars():
            row.at = row.at - dt.timedelta(seconds=seconds)
        db.session.commit()


def failures(app) -> int:
    from server.extensions import db

    with app.app_context():
        return db.session.execute(sa.text("SELECT count(*) FROM login_failure")).scalar()


@pytest.fixture
def limit(app):
    assert app.config["LOGIN_MAX_FAILURES"] == 10 and app.config["LOGIN_WINDOW_SECONDS"] == 900
    return app.config["LOGIN_MAX_FAILURES"]


def test_after_the_free_failures_an_address_waits_doubling_times(app, world, limit):
    client = app.test_client()
    for i in range(limit):
        assert api_login(client, f"nobody{i}").status_code == 401
    assert_throttled(api_login(client, "kader_a1", world_mod.PASSWORD))  # right password waits
    waits = []
    for i in range(8):  # a new username each time: only the address's counter grows
        wait = assert_throttled(api_login(client, f"other{i}"))
        waits.append(wait)
        let_time_pass(app, wait)
        assert api_login(client, f"other{i}").status_code == 401  # one more guess allowed
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128]


def test_a_usernames_wait_doubles_up_to_a_minute(app, world, limit):
    client = app.test_client()
    for i in range(limit):  # from different addresses: only the username's counter grows
        assert api_login(client, "kader_a1", address=f"198.51.100.{i + 1}").status_code == 401
    assert_throttled(api_login(client, "kader_a1", world_mod.PASSWORD, address="203.0.113.99"))
    waits = []
    for i in range(8):
        address = f"203.0.113.{i + 1}"
        wait = assert_throttled(api_login(client, "kader_a1", address=address), at_most=60)
        waits.append(wait)
        let_time_pass(app, wait)
        assert api_login(client, "kader_a1", address=address).status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]


def test_after_the_wait_the_right_password_works_and_clears_the_count(app, world, limit):
    client = app.test_client()
    for _ in range(limit):
        api_login(client, "kader_a1")
    assert_throttled(api_login(client, "kader_a1", world_mod.PASSWORD))
    let_time_pass(app, 2)
    assert api_login(client, "kader_a1", world_mod.PASSWORD).status_code == 200
    for _ in range(limit):  # this address's failures on the user were cleared
        assert api_login(client, "kader_a1").status_code == 401


def test_an_attacker_cannot_lock_the_user_out_of_a_known_address(app, world, limit):
    """Failures from many addresses (a botnet) throttle the username, not the user at home."""
    client = app.test_client()
    for username in ("kader_a1", "admin"):
        assert api_login(client, username, world_mod.PASSWORD, address=HOME).status_code == 200
        for i in range(limit * 3):  # two guesses from each of many addresses
            response = api_login(client, username, address=f"198.51.100.{i // 2 + 1}")
            assert response.status_code in (401, 429)
        assert_throttled(api_login(client, username, address="203.0.113.7"), at_most=60)
        assert api_login(client, username, world_mod.PASSWORD, address=HOME).status_code == 200
        web = web_login(app.test_client(), username, world_mod.PASSWORD, address=HOME)
        assert web.status_code == 302


def test_from_a_new_address_the_user_waits_at_most_a_minute(app, world, limit):
    client = app.test_client()
    for i in range(limit * 3):
        api_login(client, "kader_a1", address=f"198.51.100.{i // 2 + 1}")
    wait = assert_throttled(
        api_login(client, "kader_a1", world_mod.PASSWORD, address="203.0.113.8"), at_most=60
    )
    let_time_pass(app, wait)
    ok = api_login(client, "kader_a1", world_mod.PASSWORD, address="203.0.113.8")
    assert ok.status_code == 200, ok.text


def test_one_address_guessing_many_accounts_is_slowed(app, world, limit):
    client = app.test_client()
    for i in range(limit):
        assert api_login(client, f"nobody{i}").status_code == 401
    assert_throttled(api_login(client, "kader_a2", world_mod.PASSWORD))
    # Another address is not affected.
    assert api_login(client, "kader_a2", world_mod.PASSWORD, address=HOME).status_code == 200


@pytest.mark.parametrize("surface", ["api", "web"])
def test_case_and_blank_variants_share_one_counter(app, world, limit, surface):
    client = app.test_client()
    send = api_login if surface == "api" else web_login
    for i in range(limit):
        address = f"198.51.100.{i + 1}"  # the username's counter, not the address's
        assert send(client, VARIANTS[i % len(VARIANTS)], address=address).status_code == 401
    for variant in VARIANTS:
        response = send(client, variant, world_mod.PASSWORD, address="203.0.113.9")
        assert_throttled(response, web=surface == "web", at_most=60)


@pytest.mark.parametrize("surface", ["api", "web"])
def test_distinct_x_forwarded_for_does_not_bypass(app, world, limit, surface):
    """Without POSYANDU_BEHIND_PROXY the header is not believed: the connection's address counts."""
    client = app.test_client()
    send = api_login if surface == "api" else web_login
    for i in range(limit):
        assert send(client, f"nobody{i}", xff=f"10.0.{i}.{i + 1}").status_code == 401
    assert_throttled(
        send(client, "kader_a1", world_mod.PASSWORD, xff="203.0.113.9"), web=surface == "web"
    )
    # A new client (new cookies, new session) is throttled too.
    assert_throttled(
        send(app.test_client(), "kader_a1", world_mod.PASSWORD, xff="198.51.100.1"),
        web=surface == "web",
    )


def test_behind_a_proxy_the_forwarded_address_counts(app, world, limit):
    from server import create_app
    from server.extensions import db

    proxied = create_app(
        {**app.config, "BEHIND_PROXY": 1}, instance_path=app.instance_path
    )  # the same database
    client = proxied.test_client()
    try:
        for i in range(limit):
            assert api_login(client, f"nobody{i}", xff="198.51.100.50").status_code == 401
        assert_throttled(api_login(client, "nobody-x", xff="198.51.100.50"))
        assert api_login(client, "nobody-y", xff="198.51.100.51").status_code == 401
    finally:
        with proxied.app_context():
            db.engine.dispose()


def test_api_and_web_failures_count_together(app, world, limit):
    client = app.test_client()
    for i in range(limit):
        send = api_login if i % 2 else web_login
        assert send(client, "kader_a1").status_code == 401
    assert_throttled(web_login(client, "kader_a1", world_mod.PASSWORD), web=True)
    assert_throttled(api_login(client, "kader_a1", world_mod.PASSWORD))
    let_time_pass(app, 2)
    assert web_login(client, "kader_a1", world_mod.PASSWORD).status_code == 302


def test_throttle_message_in_english_when_asked(app, world, limit):
    client = app.test_client()
    for _ in range(limit):
        api_login(client, "kader_a1")
    response = api_login(client, "kader_a1", lang="en")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json["error"]["message"]


def test_unknown_usernames_are_throttled_too(app, world, limit):
    client = app.test_client()
    for i in range(limit):
        assert api_login(client, "nobody", address=f"198.51.100.{i + 1}").status_code == 401
    assert api_login(client, "nobody", address="203.0.113.1").status_code == 429


def test_refused_attempts_are_not_recorded_and_old_failures_are_pruned(app, world, limit):
    client = app.test_client()
    for _ in range(limit):
        api_login(client, "kader_a1")
    for _ in range(5):
        assert api_login(client, "kader_a1").status_code == 429
    assert failures(app) == limit  # refused attempts left no row
    let_time_pass(app, app.config["LOGIN_WINDOW_SECONDS"] + 1)
    assert api_login(client, "kader_a2", address=HOME).status_code == 401
    assert failures(app) == 1  # only the new one: the old rows were deleted


@pytest.mark.slow
def test_concurrent_attempts_do_not_exceed_the_limit(app, server, limit):
    """Thirty wrong passwords at once from one address: only the free ones are even checked."""

    def attempt(i):
        with requests.Session() as http:
            return http.post(
                f"{server.url}/api/v1/auth/login",
                timeout=60,
                json={"username": "kader_a1", "password": f"salah-{i}", "device_name": "bf"},
            ).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=15) as pool:
        statuses = list(pool.map(attempt, range(30)))
    elapsed = time.monotonic() - started
    assert set(statuses) <= {401, 429}, statuses
    # The free failures, plus at most the doubling waits that could pass during the burst.
    assert limit <= statuses.count(401) <= limit + math.ceil(math.log2(elapsed + 1)) + 1, (
        statuses,
        elapsed,
    )
    assert failures(app) == statuses.count(401)


def test_password_checks_run_a_few_at_a_time(app, world, monkeypatch):
    """Each check is a 32 MiB scrypt: at most LOGIN_HASH_CONCURRENCY at once; the rest wait,
    and give up with 503 and Retry-After when no slot frees up in time."""
    from server import auth
    from server.passwords import HashSlots
    from testkit.servers import live_server

    app.extensions["posyandu_hash_slots"] = HashSlots(2, 0.5)
    running, peak, lock = [0], [0], threading.Lock()
    real = auth.check_password_hash

    def slow_check(hashed, password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        return real(hashed, password)

    monkeypatch.setattr(auth, "check_password_hash", slow_check)

    def attempt(i):
        with requests.Session() as http:
            response = http.post(
                f"{server.url}/api/v1/auth/login",
                timeout=60,
                json={"username": f"nobody{i}", "password": "salah", "device_name": "bf"},
            )
            return response.status_code, response.headers.get("Retry-After")

    with live_server(app) as server, ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert peak[0] <= 2, peak
    statuses = [s for s, _ in results]
    assert set(statuses) <= {401, 503}, results
    assert 503 in statuses, results  # eight 0.3 s checks in two slots cannot all start in 0.5 s
    assert all(retry and int(retry) >= 1 for s, retry in results if s == 503)
    assert failures(app) == statuses.count(401)  # a check that never ran is not a failure
