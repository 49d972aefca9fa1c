"""Versions (426 for an app too old, nothing lost) and overload (503 + Retry-After, honoured).

The load test pushes from many real field-client agents (each its own SQLite store) at once to the
real server on loopback, in one process (server threads and device threads share the GIL, so its
latencies are pessimistic). ``OVERLOAD_DEVICES`` sets how many (default 200).
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import threading
import time

import pytest
import requests
import sqlalchemy as sa

from field_client.store import Store
from field_client.sync import APP_VERSION, AutoSync, SyncAgent, SyncError, busy_delay
from testkit import factories
from testkit.world import PASSWORD

OVERLOAD_DEVICES = int(os.environ.get("OVERLOAD_DEVICES", "200"))
MUTATIONS_EACH = 5


def api(server, path: str) -> str:
    return f"{server.url}/api/v1{path}"


# -- versions ----------------------------------------------------------------------------------


def test_every_api_answer_states_what_the_server_accepts(app, server):
    answer = requests.get(api(server, "/sync/pull"), timeout=30)  # even a 401
    assert answer.status_code == 401
    assert answer.headers["X-Protocol-Versions"] == "1"
    assert "X-Min-App-Version" not in answer.headers
    app.config["MIN_APP_VERSION"] = "0.1.0"
    answer = requests.get(api(server, "/sync/pull"), timeout=30)
    assert answer.headers["X-Min-App-Version"] == "0.1.0"


def test_an_app_too_old_gets_426_in_indonesian_and_nothing_is_applied(app, server, device):
    dev = device("kader_a1")
    app.config["MIN_APP_VERSION"] = "2.0"
    old = {"X-App-Version": "1.9.9", "X-Protocol-Version": "1"}
    answer = dev.http.post(
        api(server, "/sync/push"),
        json={
            "device_id": dev.device_id,
            "mutations": [dev.mutation("person", factories.person())],
        },
        headers=old,
        timeout=30,
    )
    assert answer.status_code == 426
    error = answer.json()["error"]
    assert error["code"] == "upgrade_required"
    assert error["details"] == {"min_app_version": "2.0", "app_version": "1.9.9"}
    assert "Perbarui aplikasi ke versi 2.0" in error["message"]
    assert "Data di perangkat tetap aman" in error["message"]
    login = requests.post(
        api(server, "/auth/login"),
        json={"username": "kader_a1", "password": PASSWORD, "device_name": "x"},
        headers=old,
        timeout=30,
    )
    assert login.status_code == 426
    from server.extensions import db
    from server.models import MutationLog

    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(MutationLog)).scalar() == 0
    new = {"X-App-Version": "2.0.1", "X-Protocol-Version": "1"}
    assert dev.http.get(api(server, "/sync/pull"), headers=new, timeout=30).status_code == 200
    # A request that declares no version (a script) is served as before.
    assert dev.http.get(api(server, "/sync/pull"), timeout=30).status_code == 200


def test_a_protocol_the_server_does_not_speak_gets_426(server, device):
    dev = device("kader_a1")
    answer = dev.http.get(
        api(server, "/sync/pull"), headers={"X-Protocol-Version": "2"}, timeout=30
    )
    assert answer.status_code == 426
    assert answer.json()["error"]["code"] == "protocol_unsupported"
    assert answer.json()["error"]["details"] == {"protocol_versions": [1]}


def test_version_comparison():
    from server.api.sync import version_tuple

    assert version_tuple("0.1.0") < version_tuple("0.2") < version_tuple("0.10.0")
    assert version_tuple("v1.2.3rc1") == (1, 2, 3)
    assert version_tuple("banana") is None


@pytest.fixture
def agent(server, tmp_path):
    """A real field-client agent signed in to the live server."""
    store = Store.open(tmp_path / "device")
    signed_in = SyncAgent(store)
    signed_in.login(server.url, "kader_a1", PASSWORD, "tab-versi")
    yield signed_in
    signed_in.session.close()
    store.close()


def test_client_sends_its_versions(agent, server, monkeypatch):
    sent = []
    original = agent.session.request

    def spy(method, url, **kw):
        sent.append(kw["headers"])
        return original(method, url, **kw)

    monkeypatch.setattr(agent.session, "request", spy)
    agent.sync()
    assert all(h["X-Protocol-Version"] == "1" and h["X-App-Version"] == APP_VERSION for h in sent)


def test_client_refused_as_too_old_stops_and_keeps_its_outbox(app, agent):
    from field_client.auth import sync_error_text

    for i in range(3):
        agent.store.save("person", f"p{i}", factories.person(id=f"p{i}"))
    before = [m.to_wire() for m in agent.store.pending()]
    app.config["MIN_APP_VERSION"] = "99.0"
    with pytest.raises(SyncError) as caught:
        agent.sync()
    assert caught.value.code == "upgrade_required" and caught.value.status == 426
    assert [m.to_wire() for m in agent.store.pending()] == before
    status = agent.status()
    assert status["upgrade_required"]["min_app_version"] == "99.0"
    assert status["last_error"]["code"] == "upgrade_required"
    assert "Perbarui aplikasi" in sync_error_text(caught.value, "id")
    # Auto-sync does not knock again on its own while this version runs...
    auto = AutoSync(agent, interval=0.05, first_delay=0.0).start()
    time.sleep(0.5)
    assert auto.runs == 0
    # ...but once the server accepts it again ("Kirim sekarang"), everything goes, once.
    app.config["MIN_APP_VERSION"] = ""
    auto.trigger()
    deadline = time.monotonic() + 30
    while agent.store.outbox_counts()["pending"] and time.monotonic() < deadline:
        time.sleep(0.05)
    auto.stop()
    assert agent.store.outbox_counts()["pending"] == 0
    assert agent.status()["upgrade_required"] is None


# -- overload ----------------------------------------------------------------------------------


def test_a_full_server_answers_503_with_retry_after_and_applies_nothing(app, server, device):
    from server.api.sync import _push_slots

    app.config.update(MAX_CONCURRENT_PUSHES=1, PUSH_QUEUE_WAIT_MS=50, BUSY_RETRY_AFTER=7)
    dev = device("kader_a1")
    mutation = dev.mutation("person", factories.person())
    with app.app_context():
        slots = _push_slots()
    assert slots.acquire(timeout=5)  # another push holds the only slot
    try:
        answer = dev.push([mutation])
    finally:
        slots.release()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "7"
    assert answer.json()["error"]["code"] == "server_busy"
    assert "sedang sibuk" in answer.json()["error"]["message"]
    again = dev.push([mutation])  # the same seq again, once there is room
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "applied"


class BusySession(requests.Session):
    """Answers pushes from a script of (status, Retry-After) and records them."""

    def __init__(self, script):
        super().__init__()
        self.script = list(script)
        self.sent = []

    def request(self, method, url, data=None, headers=None, **kw):
        body = json.loads(gzip.decompress(data))
        self.sent.append([m["seq"] for m in body["mutations"]])
        status, retry_after = self.script.pop(0)
        response = requests.Response()
        response.status_code = status
        if status == 503:
            response.headers["Retry-After"] = str(retry_after)
            payload = {"error": {"code": "server_busy", "message": "sibuk", "details": {}}}
        else:
            seqs = self.sent[-1]
            payload = {
                "last_seq": seqs[-1],
                "results": [{"seq": s, "status": "applied", "version": 1} for s in seqs],
            }
        response._content = json.dumps(payload).encode()
        return response


def scripted_agent(store, script, **kw):
    store.set_meta(server_url="http://server", token="tok", device_id="dev-1")
    slept = []
    agent = SyncAgent(store, session=BusySession(script), sleep=slept.append, **kw)
    return agent, slept


def test_client_waits_at_least_retry_after_with_jitter(tmp_path):
    with Store.open(tmp_path) as store:
        store.save("person", "a", factories.person(id="a"))
        agent, slept = scripted_agent(store, [(503, 2), (503, 3), (200, None)])
        agent.push()
        assert agent.session.sent == [[1], [1], [1]]  # the same seq each time
        assert 2 <= slept[0] <= 3 and 3 <= slept[1] <= 4.5
        assert store.outbox_counts()["pending"] == 0


def test_client_gives_up_for_now_when_busy_too_long_and_keeps_everything(tmp_path):
    with Store.open(tmp_path) as store:
        store.save("person", "a", factories.person(id="a"))
        agent, slept = scripted_agent(store, [(503, 1)] * 3, busy_retries=2)
        with pytest.raises(SyncError) as caught:
            agent.push()
        assert caught.value.code == "server_busy" and len(slept) == 2
        assert store.outbox_counts()["pending"] == 1
        # A Retry-After longer than a sync should wait ends it at once (auto-sync returns later).
        agent, slept = scripted_agent(store, [(503, 3600)])
        with pytest.raises(SyncError):
            agent.push()
        assert slept == []


def test_the_http_layer_leaves_retry_after_answers_to_the_agent():
    from field_client.sync import make_session

    session = make_session()
    retry = session.get_adapter("http://x").max_retries
    assert retry.is_retry("POST", 503, has_retry_after=True) is False  # the agent, with jitter
    assert retry.is_retry("POST", 503, has_retry_after=False) is True  # a proxy's 503: backoff
    assert retry.is_retry("POST", 502) is True
    session.close()


def test_auto_sync_waits_at_least_retry_after_after_a_busy_refusal():
    class BusyAgent:
        def sync(self):
            raise SyncError("server_busy", details={"retry_after_seconds": 30})

    auto = AutoSync(BusyAgent())
    before = time.monotonic()
    assert auto.sync_once() is None
    assert auto._busy_until - before >= 30


def test_busy_delay_is_never_shorter_than_retry_after():
    delays = [busy_delay(4) for _ in range(1000)]
    assert min(delays) >= 4 and max(delays) <= 6 and statistics.pstdev(delays) > 0.1


class TimedDevice:
    """A field-client agent whose every HTTP answer is timed and kept."""

    def __init__(self, server_url: str, folder, name: str):
        self.store = Store.open(folder)
        self.agent = SyncAgent(self.store)
        self.agent.login(server_url, "kader_a1", PASSWORD, name)
        self.answers: list[tuple[int, float, str | None]] = []
        original = self.agent.session.request

        def timed(method, url, **kw):
            started = time.perf_counter()
            response = original(method, url, **kw)
            elapsed = time.perf_counter() - started
            self.answers.append(
                (response.status_code, elapsed, response.headers.get("Retry-After"))
            )
            return response

        self.agent.session.request = timed
        for _ in range(MUTATIONS_EACH):
            record = factories.person()
            self.store.save("person", record["id"], record)

    def push_until_done(self, start: threading.Barrier, deadline: float) -> str | None:
        """Push until the outbox is empty, as auto-sync would (waiting after a 503)."""
        start.wait()
        while self.store.outbox_counts()["pending"] and time.monotonic() < deadline:
            try:
                self.agent.push()
            except SyncError as exc:
                if exc.code != "server_busy":
                    return f"{exc.code}: {exc.message}"
                time.sleep(busy_delay(float(exc.details.get("retry_after_seconds") or 1)))
        return None

    def close(self):
        self.agent.session.close()
        self.store.close()


@pytest.fixture
def gunicorn_server(app, world, tmp_path):
    """Serve the test database with gunicorn (as production does) in its own process.

    One gthread worker with 32 threads: requests reach the process, which admits at most 4
    pushes at once (POSYANDU_MAX_CONCURRENT_PUSHES), waits 100 ms for a slot, then answers 503
    with Retry-After: 1. A process of its own keeps the devices' threads off the server's GIL.
    """
    import subprocess
    import sys
    from pathlib import Path

    from bench.procs import free_port, stop, wait_http

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "POSYANDU_DATA_DIR": app.instance_path,
        "SECRET_KEY": "test-secret",
        "POSYANDU_MAX_CONCURRENT_PUSHES": "4",
        "POSYANDU_PUSH_QUEUE_WAIT_MS": "100",
        "POSYANDU_BUSY_RETRY_AFTER": "1",
    }
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--worker-class", "gthread"]
        + ["--workers", "1", "--threads", "32", "--backlog", "2048", "--timeout", "120"]
        + ["--bind", f"127.0.0.1:{port}", "--error-logfile", str(log), "server:create_app()"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v1/openapi.json", process, "gunicorn", detail=log.read_text)
        yield url
    finally:
        stop(process)


@pytest.mark.slow
def test_many_devices_pushing_at_once_all_converge_exactly_once(app, gunicorn_server, tmp_path):
    from server.extensions import db
    from server.models import Device, MutationLog, Record

    devices = [
        TimedDevice(gunicorn_server, tmp_path / f"d{i}", f"tab-{i}")
        for i in range(OVERLOAD_DEVICES)
    ]
    start = threading.Barrier(len(devices))
    deadline = time.monotonic() + 600
    failures: list[str | None] = [None] * len(devices)

    def run(i):
        failures[i] = devices[i].push_until_done(start, deadline)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(devices))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    answers = [a for d in devices for a in d.answers]
    ids = [d.store.get_meta("device_id") for d in devices]
    assert all(d.store.outbox_counts() == {"pending": 0, "quarantined": 0} for d in devices)
    for d in devices:
        d.close()

    assert [f for f in failures if f] == []
    assert {status for status, _, _ in answers} <= {200, 503}
    assert all(retry for status, _, retry in answers if status == 503)
    with app.app_context():
        logs = db.session.execute(
            sa.select(
                MutationLog.device_id, sa.func.count(), sa.func.count(sa.distinct(MutationLog.seq))
            )
            .where(MutationLog.device_id.in_(ids))
            .group_by(MutationLog.device_id)
        ).all()
        assert sorted((n, distinct) for _, n, distinct in logs) == [
            (MUTATIONS_EACH, MUTATIONS_EACH)
        ] * len(devices)
        assert {
            d.last_seq
            for d in db.session.execute(sa.select(Device).where(Device.id.in_(ids))).scalars()
        } == {MUTATIONS_EACH}
        people = db.session.execute(
            sa.select(sa.func.count()).select_from(Record).where(Record.kind == "person")
        ).scalar()
        assert people == MUTATIONS_EACH * len(devices)
    print(f"\noverload: {len(devices)} devices, {len(answers)} answers, converged in {wall:.1f} s")
    for label, wanted in (("all", {200, 503}), ("200", {200}), ("503", {503})):
        times = sorted(elapsed * 1000 for status, elapsed, _ in answers if status in wanted)
        if times:
            p99 = times[int(0.99 * (len(times) - 1))]
            print(
                f"  {label}: {len(times)} answers, p50 {statistics.median(times):.0f} ms, "
                f"p99 {p99:.0f} ms, max {times[-1]:.0f} ms"
            )
