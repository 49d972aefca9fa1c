"""Each fault of the proxy, with the real field client and the real server: exact outcomes."""

from __future__ import annotations

import gzip
import json
import threading

import pytest

from field_client.store import Store
from field_client.sync import SyncAgent, SyncError, make_session

from .conftest import assert_converged, server_log, server_records


def push_statuses(device) -> list[list[str]]:
    """Record the result statuses of every push answer the device receives."""
    seen: list[list[str]] = []

    def hook(response, *args, **kwargs):
        if response.request.url.endswith("/sync/push") and response.status_code == 200:
            seen.append([r["status"] for r in response.json()["results"]])

    device.agent.session.hooks["response"].append(hook)
    return seen


def test_dropped_request_is_retried_by_the_client_and_applied_once(make_device, proxy, app):
    device = make_device()  # the default session: retries with backoff
    ani = device.register()
    proxy.arm("drop_request", path="/sync/push")
    report = device.agent.sync()
    assert proxy.fired["drop_request"] == 1
    pushes = [e for e in proxy.log if e["path"].endswith("/sync/push")]
    assert [e["action"] for e in pushes] == ["drop_request", "pass"]
    assert "upstream_status" not in pushes[0]  # never reached the server
    assert report.pushed == 1
    assert server_log(app, device.device_id) == [(1, ani.id, "upsert", "applied")]
    assert_converged(device, app)


def test_response_dropped_after_commit_comes_back_as_duplicate(make_device, proxy, app):
    device = make_device(retries=0)
    ids = [device.register(f"Anak {i}").id for i in range(3)]
    statuses = push_statuses(device)
    proxy.arm("drop_response", path="/sync/push")
    with pytest.raises(SyncError) as error:
        device.agent.sync()
    assert error.value.code in ("offline", "network")
    assert [e["upstream_status"] for e in proxy.log if e["action"] == "drop_response"] == [200]
    # The server committed; the device does not know it yet.
    assert [r[3] for r in server_log(app, device.device_id)] == ["applied"] * 3
    assert device.store.outbox_counts()["pending"] == 3
    device.agent.sync()
    assert statuses == [["duplicate"] * 3]
    assert server_log(app, device.device_id) == [
        (i + 1, rid, "upsert", "applied") for i, rid in enumerate(ids)
    ]
    assert {rid: v[0] for rid, v in server_records(app).items()} == dict.fromkeys(ids, 1)
    assert {r.id: r.version for r in device.store.list("person")} == dict.fromkeys(ids, 1)
    assert_converged(device, app)


@pytest.mark.parametrize("which", ["first", "second"])
def test_request_delivered_twice_is_applied_once(make_device, proxy, app, which):
    device = make_device(retries=0)
    ani = device.register()
    device.service.update("person", ani.id, {"address": "RT 02 Sutera"})
    statuses = push_statuses(device)
    proxy.arm("duplicate", path="/sync/push", which=which)
    device.agent.sync()
    [entry] = [e for e in proxy.log if e["action"] == "duplicate"]
    assert entry["upstream_status"] == entry["upstream_status_2"] == 200
    # The edit was saved before the create was acknowledged (base_version None): "merged".
    assert statuses == [["applied", "merged"] if which == "first" else ["duplicate", "duplicate"]]
    assert server_log(app, device.device_id) == [
        (1, ani.id, "upsert", "applied"),
        (2, ani.id, "upsert", "merged"),
    ]
    version, _, fields = server_records(app)[ani.id]
    assert version == 2 and fields["address"] == "RT 02 Sutera"
    assert_converged(device, app)


def test_slow_link_times_out_after_commit_and_the_retry_is_a_duplicate(make_device, proxy, app):
    # The read timeout is shorter than the delay: the client gives up while the server commits.
    device = make_device(retries=0)
    ani = device.register()
    device.agent.timeout = (5.0, 0.2)
    proxy.arm("delay", path="/sync/push", seconds=1.0)
    with pytest.raises(SyncError) as error:
        device.agent.sync()
    assert error.value.code == "timeout"
    assert proxy.wait_for(lambda: any(e["action"] == "delay" for e in proxy.log), 10)
    assert server_log(app, device.device_id) == [(1, ani.id, "upsert", "applied")]
    statuses = push_statuses(device)
    device.agent.timeout = (5.0, 30.0)
    device.agent.sync()
    assert statuses == [["duplicate"]]
    assert server_log(app, device.device_id) == [(1, ani.id, "upsert", "applied")]
    assert_converged(device, app)


def test_request_cut_mid_body_applies_nothing_and_the_resend_applies_once(make_device, proxy, app):
    device = make_device(retries=0)
    ids = [device.register(f"Anak {i}").id for i in range(20)]
    proxy.arm("cut_request", path="/sync/push", fraction=0.5)
    with pytest.raises(SyncError):
        device.agent.sync()
    [entry] = [e for e in proxy.log if e["action"] == "cut_request"]
    assert entry["upstream_status"] == 0 or entry["upstream_status"] >= 400
    assert server_log(app, device.device_id) == []
    assert server_records(app) == {}
    device.agent.sync()
    assert [r[1] for r in server_log(app, device.device_id)] == ids
    assert_converged(device, app)


def test_response_cut_mid_body_on_push_then_duplicate(make_device, proxy, app):
    device = make_device(retries=0)
    ids = [device.register(f"Anak {i}").id for i in range(20)]
    proxy.arm("cut_response", path="/sync/push", fraction=0.5)
    with pytest.raises(SyncError) as error:
        device.agent.sync()
    assert error.value.code in ("network", "offline", "bad_response")
    assert device.store.outbox_counts()["pending"] == 20  # nothing half-applied on the device
    assert len(server_log(app, device.device_id)) == 20
    statuses = push_statuses(device)
    device.agent.sync()
    assert statuses == [["duplicate"] * 20]
    assert [r[1] for r in server_log(app, device.device_id)] == ids
    assert_converged(device, app)


def test_pull_cut_mid_body_leaves_the_cursor_and_replica_untouched(make_device, proxy, app):
    writer, reader = make_device("writer"), make_device("reader", retries=0)
    for i in range(30):
        writer.register(f"Anak {i}")
    writer.agent.sync()
    cursor = reader.store.get_meta("cursor")
    proxy.arm("cut_response", path="/sync/pull", fraction=0.3)
    with pytest.raises(SyncError):
        reader.agent.sync()
    assert reader.store.get_meta("cursor") == cursor
    assert reader.store.count("person") == 0
    assert_converged(reader, app)
    assert reader.store.count("person") == 30


def test_two_overlapping_syncs_of_one_device_settle_every_mutation_once(make_device, proxy, app):
    """The app's auto-sync and the CLI on one data folder: two agents, two connections."""
    device = make_device("tab")
    ids = [device.register(f"Anak {i}").id for i in range(250)]  # two push batches
    second_store = Store.open(device.dir)
    second = SyncAgent(second_store, session=make_session())
    # Hold the first push until the second sync's push reaches the proxy.
    proxy.arm("overlap", path="/sync/push", timeout=20)
    errors: list[BaseException] = []

    def run(agent):
        try:
            agent.sync()
        except Exception as exc:  # recorded and judged below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in (device.agent, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert proxy.fired["overlap"] == 1
        overlapped = [e for e in proxy.log if e["path"].endswith("/sync/push")]
        assert len(overlapped) >= 2
        assert errors == [], errors
        assert [r[1] for r in server_log(app, device.device_id)] == ids
        assert all(r[3] == "applied" for r in server_log(app, device.device_id))
        assert_converged(device, app)
        assert second_store.outbox_counts() == {"pending": 0, "quarantined": 0}
    finally:
        second.session.close()
        second_store.close()


def test_proxy_relays_gzip_push_bodies_byte_for_byte(make_device, proxy, app):
    """The relay itself changes nothing: what the server received is what the client sent."""
    device = make_device()
    sent = []

    def hook(response, *args, **kwargs):
        if response.request.url.endswith("/sync/push"):
            sent.append(json.loads(gzip.decompress(response.request.body)))

    device.agent.session.hooks["response"].append(hook)
    ani = device.register()
    device.agent.sync()
    assert [m["id"] for m in sent[0]["mutations"]] == [ani.id]
    assert server_log(app, device.device_id) == [(1, ani.id, "upsert", "applied")]
    assert proxy.fired == {}


def test_seeded_random_plan_is_reproducible_and_the_client_converges_through_it(
    make_device, proxy, app
):
    plans = [proxy.random_plan(7, rate=0.5) for _ in range(2)]
    fates = [[plan("POST", "/api/v1/sync/push", i) for i in range(40)] for plan in plans]
    assert fates[0] == fates[1]
    assert {f[0] for f in fates[0] if f} == {
        "drop_request",
        "drop_response",
        "duplicate",
        "cut_request",
        "cut_response",
    }
    proxy.heal()
    device = make_device(retries=0, push_batch=10)
    ids = [device.register(f"Anak {i}").id for i in range(60)]
    proxy.random_plan(11, rate=0.4, path="/sync/push")
    for _ in range(60):  # every sync settles at least one batch or fails on a fault
        try:
            device.agent.sync()
        except SyncError:
            continue
        if not device.store.pending():
            break
    assert sum(proxy.fired.values()) > 0
    proxy.heal()
    assert [r[1] for r in server_log(app, device.device_id)] == ids
    assert_converged(device, app)
