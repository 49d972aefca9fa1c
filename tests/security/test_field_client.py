"""The field client's local app: no launch token, DNS rebinding (Host), cross-origin writes, hostile JSON; loopback only.

Routes are enumerated from the local app's url_map. Expected: refused (403/400/415), never a 5xx,
nothing saved; the real launcher (``posyandu-client --browser``) listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

TOKEN = "launch-secret-for-security-tests"
PIN = "2468"


@pytest.fixture
def local(tmp_path):
    """The local app over an empty store, with a PIN and a fake sign-in (no server needed)."""
    from field_client import security
    from field_client.app import create_app

    app = create_app(
        tmp_path / "device", TOKEN, test_config={"TESTING": True, "TODAY": "2026-11-24"}
    )
    store = app.extensions["posyandu"].store
    store.set_meta(
        token="offline-token",
        device_id="dev-1",
        scope={"posyandu": ["PSY-A1"], "desa": ["6111012001"]},
    )
    security.set_pin(store, PIN)
    yield app
    app.extensions["posyandu"].close()


def routes(app) -> list[tuple[str, str]]:
    """Return (method, sample path) of every route of the local app except static files."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<int:[^>]+>", "1", rule.rule)
        path = re.sub(r"<[^>]+>", "person", path)
        out += [(m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def unlocked(app, host="localhost"):
    """A browser-like client: opened the launch URL and typed the PIN."""
    client = app.test_client()
    client.get(f"/?launch={TOKEN}", headers={"Host": host})
    response = client.post("/unlock", data={"pin": PIN}, headers={"Host": host})
    assert response.status_code in (302, 303), response.status_code
    return client


def record_count(app) -> int:
    return len(app.extensions["posyandu"].store.list("person"))


def test_every_route_refuses_requests_without_the_launch_token(local):
    found = routes(local)
    assert len(found) >= 25, found
    for method, path in found:
        for credentials in (
            {},
            {"X-Launch-Token": "wrong"},
            {"X-Launch-Token": ""},
            {"Cookie": "posyandu_launch=wrong"},
        ):
            response = local.test_client().open(
                path,
                method=method,
                headers=credentials,
                json={"name": "x"} if method != "GET" else None,
            )
            assert response.status_code == 403, (method, path, credentials, response.status_code)
    assert record_count(local) == 0


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:5000",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
        "192.168.1.10",
        "0.0.0.0",
        "[::ffff:7f00:1]",
        "",
    ],
)
def test_dns_rebinding_host_is_refused_even_with_the_token(local, host):
    """A page on evil.example resolving to 127.0.0.1 sends Host: evil.example: refuse it."""
    for method, path in routes(local):
        response = local.test_client().open(
            path,
            method=method,
            headers={"Host": host, "X-Launch-Token": TOKEN},
            json={"name": "x"} if method != "GET" else None,
        )
        assert response.status_code in (400, 403), (host, method, path, response.status_code)
    assert record_count(local) == 0


@pytest.mark.parametrize("host", ["127.0.0.1:8123", "localhost:8123", "127.0.0.1", "localhost"])
def test_loopback_hosts_are_served(local, host):
    response = local.test_client().get(
        "/api/sync/status", headers={"Host": host, "X-Launch-Token": TOKEN}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://127.0.0.1.evil.example",
        "null",
        "http://localhost:9999",
        "file://",
    ],
)
def test_cross_origin_writes_are_refused(local, origin):
    """A cross-site page posting with the kader's cookie: refused by Origin, nothing saved."""
    client = unlocked(local)
    person = {
        "posyandu_id": "PSY-A1",
        "name": "Anak Csrf",
        "sex": "F",
        "birth_date": "2025-06-10",
        "mother_name": "Ibu",
    }
    response = client.post(
        "/api/records/person", json=person, headers={"Origin": origin, "Host": "localhost"}
    )
    assert response.status_code == 403, (origin, response.status_code)
    response = client.post(
        "/api/records/person",
        data=person,
        headers={"Origin": origin, "Host": "localhost", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code in (403, 415), (origin, response.status_code)
    assert record_count(local) == 0
    # The same write from the app's own origin is accepted (the refusal is the Origin's).
    own = client.post(
        "/api/records/person",
        json=person,
        headers={
            "Origin": "http://localhost",
            "Host": "localhost",
            "Sec-Fetch-Site": "same-origin",
        },
    )
    assert own.status_code == 201, own.text
    assert record_count(local) == 1


def test_cross_site_fetch_metadata_is_refused(local):
    client = unlocked(local)
    response = client.post("/api/sync", json={}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


DEEP = 100_000
HOSTILE_BODIES = {
    "not-json": (b"not json", "application/json"),
    "truncated": (b'{"name": "x', "application/json"),
    "deep-arrays": (b"[" * DEEP + b"]" * DEEP, "application/json"),
    "deep-objects": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "application/json"),
    "100k-keys": (json.dumps({f"k{i}": i for i in range(100_000)}).encode(), "application/json"),
    "invalid-utf8": (b'{"name": "\xff\xfe"}', "application/json"),
    "nan": (
        b'{"posyandu_id": "PSY-A1", "name": "A", "sex": "F", "birth_date": "2025-06-10",'
        b' "birth_weight_kg": NaN}',
        "application/json",
    ),
    "huge-int": (
        b'{"posyandu_id": "PSY-A1", "name": "A", "sex": "F", "birth_date": '
        b'"2025-06-10", "birth_order": ' + str(10**100).encode() + b"}",
        "application/json",
    ),
    "absurd-date": (
        b'{"posyandu_id": "PSY-A1", "name": "A", "sex": "F", "birth_date": "2026-02-30"}',
        "application/json",
    ),
    "array": (b"[]", "application/json"),
    "form": (b"name=x", "application/x-www-form-urlencoded"),
    "oversized": (b'{"name": "' + b"a" * (20 * 1024 * 1024) + b'"}', "application/json"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_hostile_json_on_every_write_route(local, name):
    body, content_type = HOSTILE_BODIES[name]
    client = local.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    writes = [
        (m, p)
        for m, p in routes(local)
        if m in ("POST", "PATCH", "PUT", "DELETE") and p.startswith("/api/")
    ]
    assert len(writes) >= 6
    for method, path in writes:
        response = client.open(
            path,
            method=method,
            data=body,
            headers={"Content-Type": content_type, "Accept-Language": "id"},
        )
        assert response.status_code < 500, (name, method, path, response.text[:200])
        if response.status_code >= 400 and response.is_json:
            assert response.json["error"]["message"], (name, path)
    assert record_count(local) == 0


@pytest.mark.parametrize("value", ["' OR 1=1 --", "\\", "' --", "Ani' OR '1'='1", "%", "_", "%%"])
def test_search_metacharacters_do_not_broaden_results(local, value):
    """``?q=%`` must not list every person: a search matches its text literally."""
    client = local.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    for name in ("Ani", "Budi", "Citra"):
        assert (
            client.post(
                "/api/records/person",
                json={
                    "posyandu_id": "PSY-A1",
                    "name": name,
                    "sex": "F",
                    "birth_date": "2025-06-10",
                    "mother_name": "Ibu",
                },
            ).status_code
            == 201
        )
    assert client.get("/api/records/person", query_string={"q": "Budi"}).json["count"] == 1
    response = client.get("/api/records/person", query_string={"q": value})
    assert response.status_code == 200, response.text
    assert response.json["count"] == 0, [r["fields"]["name"] for r in response.json["records"]]
    assert record_count(local) == 3  # the table is still there


@pytest.mark.slow
def test_the_real_launcher_listens_on_loopback_only(tmp_path):
    """Start ``posyandu-client --browser --no-open`` and look at where it listens."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "field_client.cli",
            "--data-dir",
            str(tmp_path / "dev"),
            "--browser",
            "--no-open",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    try:
        deadline, url, output = time.monotonic() + 60, None, []
        while time.monotonic() < deadline and url is None:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output.append(line)
            url = re.search(r"http://([0-9.]+):(\d+)/\?launch=", line)
        assert url is not None, f"the launcher printed no launch URL: {''.join(output)[-2000:]}"
        host, port = url.group(1), int(url.group(2))
        assert host == "127.0.0.1"
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        for address in other_addresses():
            with pytest.raises(OSError), socket.create_connection((address, port), timeout=2):
                pass
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        process.stdout.close()


def other_addresses() -> list[str]:
    """Return this machine's non-loopback IPv4 addresses (may be empty in a sandbox)."""
    found = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        found |= {
            info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        }
    return sorted(a for a in found if not a.startswith("127.") and a != "0.0.0.0")


# -- the PIN (audit #18, findings 3 and 7) -------------------------------------------------------


def browser(app):
    """A browser-like test client that opened the launch URL but has not unlocked."""
    client = app.test_client()
    assert client.get(f"/?launch={TOKEN}").status_code == 302
    return client


def test_new_pins_need_six_digits_and_an_old_four_digit_pin_unlocks_but_asks_for_a_change(local):
    """New PINs: 6–12 digits. A 4-digit PIN from before the rule still unlocks, and every page
    then asks the kader to choose a longer one until they do."""
    from field_client import security

    store = local.extensions["posyandu"].store
    client = unlocked(local)  # PIN "2468", set before the rule
    page = client.get("/").get_data(as_text=True)
    assert 'id="pin-weak"' in page and "6 angka" in page
    for short in ("1357", "13579", "1234567890123"):
        response = client.post("/pin", data={"pin": short, "pin2": short})
        assert response.status_code == 400, short
        assert "PIN harus 6 sampai 12 angka" in response.get_data(as_text=True)
    assert client.post("/pin", data={"pin": "975310", "pin2": "975310"}).status_code == 302
    assert 'id="pin-weak"' not in client.get("/").get_data(as_text=True)
    assert security.check_pin(store, "2468") == "wrong"
    assert security.check_pin(store, "975310") == "ok"


def test_the_pin_wraps_the_data_key_with_argon2id_and_no_pin_hash_is_kept(local):
    """The PIN is checked by unwrapping the store's key (Argon2id, 64 MiB, 3 passes): no hash
    of it is kept anywhere, and another PIN cannot unwrap it."""
    from field_client import crypto, security

    store = local.extensions["posyandu"].store
    slot = store.keyring.slots()[""]
    assert slot["kdf"] == {"alg": "argon2id", "t": 3, "m": 65536, "p": 1}
    assert "pending_key" not in store.keyring.read()
    assert store.get_meta("pin_hash") is None
    assert crypto.unwrap("", slot, PIN) == store.data_key
    assert crypto.unwrap("", slot, "2469") is None
    assert crypto.unwrap("someone-else", slot, PIN) is None  # the slot is bound to its kader
    assert security.check_pin(store, PIN) == "ok"


def test_waits_grow_after_five_wrong_pins_and_ten_need_an_online_sign_in(local):
    from field_client import security

    store = local.extensions["posyandu"].store
    now, outcomes, waits = 1000.0, [], []
    for _ in range(10):
        outcomes.append(security.check_pin(store, "0000", now=now))
        waits.append(security.wait_seconds(store, now=now))
        if waits[-1]:  # until the wait is over even the right PIN is refused, unchecked
            assert security.check_pin(store, PIN, now=now + waits[-1] - 1) == "locked"
        now += waits[-1] + 1
    assert outcomes == ["wrong"] * 4 + ["locked"] * 5 + ["signin"]
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480, 0]
    # Ten wrong PINs: the PIN is off, even the right one; the page says to sign in online.
    assert security.check_pin(store, PIN, now=now + 10**6) == "signin"
    page = browser(local).post("/unlock", data={"pin": PIN})
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "Masuk ke server" in text and "tetap tersimpan" in text and 'name="pin"' not in text
    assert store.get_meta("token") == "offline-token"  # nothing was wiped


def test_concurrent_wrong_pins_get_at_most_five_real_checks_and_never_unlock(local, monkeypatch):
    """40 wrong PINs at once against the real threaded local server: the count is atomic."""
    import threading

    import requests

    from field_client import security
    from field_client.launcher import launch_url, local_server

    checks, lock = [], threading.Lock()
    real_unwrap = security.crypto.unwrap

    def counting_unwrap(username, slot, pin):
        with lock:
            checks.append(pin)
        return real_unwrap(username, slot, pin)

    monkeypatch.setattr(security.crypto, "unwrap", counting_unwrap)
    server = local_server(local, 0)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.server_port}"
    sessions = [requests.Session() for _ in range(40)]
    for session in sessions:
        assert session.get(launch_url(server, TOKEN), allow_redirects=False).status_code == 302
    start, answers = threading.Barrier(len(sessions)), []

    def guess(session, pin):
        start.wait()
        response = session.post(f"{base}/unlock", data={"pin": pin}, allow_redirects=False)
        answers.append(response.status_code)

    try:
        threads = [
            threading.Thread(target=guess, args=(s, f"{100000 + i}"))
            for i, s in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(answers) == 40
        assert len(checks) <= 5, len(checks)  # FREE_PIN_FAILURES
        assert 302 not in answers and set(answers) <= {400, 429}, answers
        # Locked now: even the right PIN is not checked, and no session got in.
        right = sessions[0].post(f"{base}/unlock", data={"pin": PIN}, allow_redirects=False)
        assert right.status_code == 429 and len(checks) <= 5
        for session in sessions:
            assert session.get(f"{base}/registrasi", allow_redirects=False).status_code == 302
    finally:
        server.shutdown()
        server.server_close()
        for session in sessions:
            session.close()


# -- re-binding a locked device (audit #18, finding 1) ----------------------------------------------

BOUND_SERVER = "http://puskesmas.example:5000"


class OtherServer:
    """A server the attacker controls: records every request, accepts any sign-in."""

    def __init__(self):
        import http.server
        import threading

        self.requests = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append((self.path, self.rfile.read(length)))
                body = json.dumps(
                    {
                        "token": "attacker-token",
                        "device_id": "attacker-device",
                        "user": {"name": "Attacker", "role": "kader", "scope": {}},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_server():
    server = OtherServer()
    yield server
    server.close()


@pytest.fixture
def bound(local):
    """The device signed in to its puskesmas server, with one unsent change."""
    store = local.extensions["posyandu"].store
    store.set_meta(server_url=BOUND_SERVER, username="kader_a1", user={"name": "Kader A1"})
    client = local.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    response = client.post(
        "/api/records/person",
        json={"posyandu_id": "PSY-A1", "name": "Ani", "sex": "F", "birth_date": "2025-06-10"},
    )
    assert response.status_code == 201
    return local


def binding(app) -> tuple:
    """Return what re-binding would change: server, token, device, outbox and records."""
    store = app.extensions["posyandu"].store
    meta = store.all_meta()
    return (
        meta.get("server_url"),
        meta.get("token"),
        meta.get("device_id"),
        [m.seq for m in store.pending()],
        [r.id for r in store.list("person")],
    )


def rebind(client, server_url, **headers):
    return client.post(
        "/setup",
        data={
            "server_url": server_url,
            "username": "attacker",
            "password": "attacker-password",
            "device_name": "laptop",
        },
        headers=headers,
    )


def test_a_locked_device_cannot_be_re_bound_to_another_server(bound, other_server):
    """Someone at the laptop, PIN unknown: POST /setup pointing at their server is refused
    before anything is sent there; the token, the outbox and the replica are untouched."""
    before = binding(bound)
    client = browser(bound)
    assert client.get("/setup").location.startswith("/unlock")
    response = rebind(client, other_server.url)
    assert response.status_code == 403
    assert "Buka dulu dengan PIN" in response.get_data(as_text=True)
    # The launch-token header (an automation client) does not replace the PIN here either.
    automation = rebind(bound.test_client(), other_server.url, **{"X-Launch-Token": TOKEN})
    assert automation.status_code == 403
    assert other_server.requests == []
    assert binding(bound) == before
    # Even with the outbox sent, a locked device stays bound to its server.
    store = bound.extensions["posyandu"].store
    store.apply_push_results([{"seq": s, "status": "applied", "version": 1} for s in before[3]])
    assert rebind(browser(bound), other_server.url).status_code == 403
    assert other_server.requests == [] and store.get_meta("server_url") == BOUND_SERVER


def test_unlocked_re_binding_to_another_server_keeps_unsent_changes(bound, other_server):
    """The kader, unlocked, may change server only once the outbox is empty: the unsent
    changes are neither sent to the other server nor dropped, and the password stays home."""
    before = binding(bound)
    client = unlocked(bound)
    response = rebind(client, other_server.url)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "1 perubahan yang belum terkirim" in text and BOUND_SERVER in text
    assert other_server.requests == []
    assert binding(bound) == before


# -- the launch token in the access log (audit #18, finding 16) ---------------------------------------


def test_the_access_log_never_shows_the_launch_token_and_the_url_is_cleaned(local, caplog):
    """The real local server: the launch URL becomes a cookie and a clean URL; the access log
    (and werkzeug's error log of a malformed request) shows no token and no searched name."""
    import logging
    import threading

    import requests

    from field_client.launcher import launch_url, local_server

    caplog.set_level(logging.INFO, logger="werkzeug")
    server = local_server(local, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with requests.Session() as session:
            response = session.get(launch_url(server, TOKEN) + "&lang=id")
            assert response.status_code == 200
            assert [r.status_code for r in response.history][0] == 302
            assert TOKEN not in response.url and all(
                TOKEN not in r.headers.get("Location", "") for r in response.history
            )
            assert session.cookies.get("posyandu_launch") == TOKEN
            session.post(f"{base}/unlock", data={"pin": PIN})
            assert session.get(f"{base}/registrasi", params={"q": "Zorbname"}).status_code == 200
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as raw:
            raw.sendall(f"GET /?launch={TOKEN} HTTP/1.1 junk\r\n\r\n".encode())
            raw.recv(1024)
    finally:
        server.shutdown()
        server.server_close()
    logged = caplog.text
    assert "/?launch=***" in logged and "/registrasi?q=***" in logged, logged
    assert TOKEN not in logged and "Zorbname" not in logged, logged


# -- invisible characters in names (audit #18, finding 15, client side) ----------------------------

INVISIBLE = "\u202e\u202d\u202a\u2066\u2067\u2069\u200e\u200f\u200b\u200c\u200d\u2060\ufeff\u00ad"


def test_bidi_and_zero_width_characters_are_stripped_from_names_on_input(local):
    """``U+202E`` turns a name around on screen and zero-width characters make two equal
    names differ (escaping the duplicate check): the client stores neither."""
    import unicodedata

    client = local.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    person = {
        "posyandu_id": "PSY-A1",
        "name": "Ani\u202e ilA\u200b",
        "sex": "F",
        "birth_date": "2025-06-10",
        "mother_name": "S\u200biti\u2066\ufeff",
    }
    response = client.post("/api/records/person", json=person)
    assert response.status_code == 201, response.text
    saved = response.json["fields"]
    assert (saved["name"], saved["mother_name"]) == ("Ani ilA", "Siti")
    store = local.extensions["posyandu"].store
    [mutation] = store.pending()
    assert mutation.fields["name"] == "Ani ilA" and mutation.fields["mother_name"] == "Siti"
    # Every invisible character, in every text field, also through an edit.
    patch = client.patch(
        f"/api/records/person/{response.json['id']}", json={"name": f"B{INVISIBLE}udi", "nik": None}
    )
    assert patch.status_code == 200, patch.text
    stored = store.get("person", response.json["id"]).fields
    assert stored["name"] == "Budi"
    assert not [
        ch
        for v in stored.values()
        if isinstance(v, str)
        for ch in v
        if unicodedata.category(ch) == "Cf"
    ]
    # The same name with a hidden character is still found as a likely duplicate.
    found = client.get(
        "/api/persons/duplicates",
        query_string={"name": "Bu\u200bdi", "birth_date": "2025-06-10", "mother_name": "Siti"},
    ).get_json()
    assert found["count"] == 1
    # A name made only of invisible characters is an empty name: refused.
    empty = client.post("/api/records/person", json={**person, "name": INVISIBLE})
    assert empty.status_code == 422 and "name" in empty.json["error"]["details"]


# -- the real client, locked: findings 1, 2 and 7 together (issue #18) -------------------------------

SECRET_NIK = "6106014501250007"


def start_real_client(data_dir):
    """Start ``posyandu-client --browser --no-open`` on ``data_dir``; return (process, base,
    launch URL, launch token)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "field_client.cli", "--data-dir", str(data_dir), "--browser"]
        + ["--no-open"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    deadline, found, output = time.monotonic() + 60, None, []
    while time.monotonic() < deadline and found is None:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        output.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+)/\?launch=(\S+)", line)
    assert found is not None, "".join(output)[-2000:]
    return process, found.group(1), found.group(0), found.group(2)


def stop_real_client(process):
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    process.stdout.close()


def test_the_real_locked_client_gives_nothing_away_and_loses_nothing(tmp_path, other_server):
    """Someone with the laptop (and its account) but not the PIN, against the real client
    process started on an encrypted device: re-binding (finding 1), reading the files
    (finding 2) and a burst of PIN guesses (finding 7) all fail; the unsent work survives."""
    import stat
    import threading

    import requests

    from field_client import crypto, security
    from field_client.app import create_app
    from field_client.store import DB_FILENAME

    data_dir = tmp_path / "device"
    app = create_app(data_dir, TOKEN, test_config={"TESTING": True})
    store = app.extensions["posyandu"].store
    store.set_meta(token="offline-token", device_id="dev-1", server_url=BOUND_SERVER)
    store.set_meta(username="kader_a1", user={"name": "Kader A1"}, scope={"posyandu": ["PSY-A1"]})
    security.set_pin(store, "482916")
    client = app.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = TOKEN
    person = {"posyandu_id": "PSY-A1", "name": "Sekar", "sex": "F", "birth_date": "2025-06-10"}
    saved = client.post("/api/records/person", json={**person, "nik": SECRET_NIK})
    assert saved.status_code == 201
    app.extensions["posyandu"].close()

    process, base, launch, token = start_real_client(data_dir)
    sessions = [requests.Session() for _ in range(40)]
    try:
        for session in sessions:
            assert session.get(launch, allow_redirects=False).status_code == 302
        # Finding 1: the locked client cannot be pointed at another server.
        attempt = sessions[0].post(
            f"{base}/setup",
            data={"server_url": other_server.url, "username": "x", "password": "y" * 12},
            allow_redirects=False,
        )
        assert attempt.status_code == 403 and other_server.requests == []
        api = requests.get(f"{base}/api/records/person", headers={"X-Launch-Token": token})
        assert api.status_code in (401, 403) and SECRET_NIK not in api.text
        # Finding 2: the files, read while the client runs, hold nothing readable.
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        for path in data_dir.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
            content = path.read_bytes()
            for secret in (SECRET_NIK, "Sekar", "offline-token", "482916"):
                assert secret.encode() not in content, (path.name, secret)
        plain = sqlite3.connect(data_dir / DB_FILENAME)
        with pytest.raises(sqlite3.DatabaseError):
            plain.execute("SELECT value FROM meta").fetchall()
        plain.close()
        # Finding 7: 40 guesses at once get at most five real checks, and none gets in.
        start, answers = threading.Barrier(len(sessions)), []

        def guess(session, pin):
            start.wait()
            response = session.post(f"{base}/unlock", data={"pin": pin}, allow_redirects=False)
            answers.append(response.status_code)

        threads = [
            threading.Thread(target=guess, args=(s, f"{100000 + i}"))
            for i, s in enumerate(sessions)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert len(answers) == 40 and 302 not in answers, answers
        slot = crypto.Keyring(data_dir).slots()["kader_a1"]
        assert slot["failures"] == security.FREE_PIN_FAILURES  # five checked, the rest waited
        right = sessions[0].post(f"{base}/unlock", data={"pin": "482916"}, allow_redirects=False)
        assert right.status_code == 429
        for session in sessions:
            assert session.get(f"{base}/registrasi", allow_redirects=False).status_code == 302
    finally:
        for session in sessions:
            session.close()
        stop_real_client(process)
    # Nothing was lost: after the wait, the kader's PIN opens the store with the work unsent.
    verdict, key = security.attempt(
        crypto.Keyring(data_dir), "kader_a1", "482916", now=time.time() + 3600
    )
    assert verdict == "ok"
    with crypto.open_device_store(data_dir, key) as reopened:
        [pending] = reopened.pending()
        assert pending.fields["nik"] == SECRET_NIK
        assert reopened.get_meta("server_url") == BOUND_SERVER
