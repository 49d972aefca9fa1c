"""The sync agent against the real server on loopback: exactly-once push, pull, repair."""

import gzip
import json
import threading
import time

import pytest
import requests

from field_client.sync import AutoSync, SyncError

from .conftest import POSYANDU


def register(device, name="Ani", **fields):
    return device.service().create(
        "person",
        {
            "posyandu_id": POSYANDU,
            "name": name,
            "sex": "F",
            "birth_date": "2025-06-10",
            "mother_name": "Siti",
            **fields,
        },
    )


def replica(device, kind="person"):
    return {r.id: (r.version, r.fields) for r in device.store.list(kind)}


def server_record(live_server, device, record_id):
    response = requests.post(
        f"{live_server.url}/api/v1/sync/fetch",
        json={"ids": [record_id]},
        headers={"Authorization": f"Bearer {device.store.get_meta('token')}"},
        timeout=30,
    )
    changes = response.json()["changes"]
    return changes[0] if changes else None


def test_login_keeps_token_device_and_scope(make_device):
    device = make_device()
    meta = device.store.all_meta()
    assert meta["token"] and meta["device_id"] and meta["server_url"].startswith("http://127.0.0.1")
    assert POSYANDU in device.user["scope"]["posyandu"]


def test_wrong_password_is_refused_in_plain_words(tmp_path, live_server):
    from field_client.auth import sync_error_text
    from field_client.store import Store
    from field_client.sync import SyncAgent

    with Store.open(tmp_path) as store:
        agent = SyncAgent(store)
        with pytest.raises(SyncError) as caught:
            agent.login(live_server.url, "kader_a1", "wrong-password")
        agent.session.close()
    assert caught.value.code == "login_failed"
    assert "kata sandi salah" in sync_error_text(caught.value, "id")


def test_unreachable_server_is_reported_as_offline(tmp_path):
    from field_client.store import Store
    from field_client.sync import SyncAgent, make_session

    with Store.open(tmp_path) as store:
        store.set_meta(server_url="http://127.0.0.1:9", token="t", device_id="d")
        agent = SyncAgent(store, session=make_session(retries=0), timeout=(2, 2))
        with pytest.raises(SyncError) as caught:
            agent.sync()
        agent.session.close()
        assert caught.value.code == "offline"
        assert store.get_meta("last_error")["code"] == "offline"


def test_two_devices_converge_after_offline_edits_on_both(make_device):
    a, b = make_device("a"), make_device("b")
    ani = register(a, "Ani")
    budi = register(b, "Budi", sex="M")
    a.service().create(
        "child_visit", {"person_id": ani.id, "visit_date": "2026-10-05", "weight_kg": 8.2}
    )
    a.agent.sync()
    b.agent.sync()
    report = a.agent.sync()
    assert report.digest_ok is True
    assert replica(a) == replica(b)
    assert set(replica(a)) == {ani.id, budi.id}
    assert replica(a, "child_visit") == replica(b, "child_visit")
    assert a.store.outbox_counts() == {"pending": 0, "quarantined": 0}
    assert all(version is not None for version, _ in replica(b).values())


def test_edits_of_different_fields_are_merged(make_device):
    a, b = make_device("a"), make_device("b")
    ani = register(a)
    a.agent.sync()
    b.agent.sync()
    a.service().update("person", ani.id, {"address": "RT 02 Sutera"})
    b.service().update("person", ani.id, {"phone": "081234567890"})
    a.agent.sync()
    b.agent.sync()
    a.agent.sync()
    for device in (a, b):
        fields = device.store.get("person", ani.id).fields
        assert fields["address"] == "RT 02 Sutera" and fields["phone"] == "081234567890"
    assert replica(a) == replica(b)


def test_same_field_changed_on_both_is_a_reported_conflict_and_replicas_agree(make_device):
    a, b = make_device("a"), make_device("b")
    ani = register(a)
    a.agent.sync()
    b.agent.sync()
    a.service().update("person", ani.id, {"name": "Ani Dari A"})
    b.service().update("person", ani.id, {"name": "Ani Dari B"})
    a.agent.sync()
    report = b.agent.sync()
    a.agent.sync()
    assert report.conflicts == 1
    assert replica(a) == replica(b)
    conflicts = b.store.conflicts()
    assert [c["field"] for c in conflicts] == ["name"]
    assert {conflicts[0].get("winner_value"), conflicts[0].get("loser_value")} == {
        "Ani Dari A",
        "Ani Dari B",
    }


def test_rejected_mutation_is_quarantined_and_the_rest_still_syncs(make_device, live_server):
    device = make_device()
    # Written straight to the store, as if validated by an older client: outside the scope.
    device.store.save(
        "person",
        "0b6f3c1e-8a4d-4f7e-9c2b-5d1a7e3f9b20",
        {"posyandu_id": "PSY-B1", "name": "Luar", "sex": "F", "birth_date": "2025-01-01"},
    )
    good = register(device, "Dalam")
    report = device.agent.sync()
    assert report.quarantined == 1 and report.pushed == 1
    [quarantined] = device.store.quarantined()
    assert quarantined.errors
    assert server_record(live_server, device, good.id)["fields"]["name"] == "Dalam"
    # Fixed and resent under a new seq, it goes through.
    device.service().resend(quarantined.seq, {"posyandu_id": POSYANDU})
    device.agent.sync()
    assert device.store.outbox_counts() == {"pending": 0, "quarantined": 0}
    fixed = server_record(live_server, device, "0b6f3c1e-8a4d-4f7e-9c2b-5d1a7e3f9b20")
    assert fixed["fields"]["posyandu_id"] == POSYANDU


def test_push_whose_answer_was_lost_is_not_applied_twice(make_device, live_server, monkeypatch):
    device = make_device()
    ani = register(device)
    store = device.store
    real = store.apply_push_results

    def lose_answer(results, **_hooks):
        monkeypatch.setattr(store, "apply_push_results", real)
        raise SyncError("timeout", "answer lost after the server committed")

    monkeypatch.setattr(store, "apply_push_results", lose_answer)
    with pytest.raises(SyncError):
        device.agent.sync()
    assert store.outbox_counts()["pending"] == 1
    device.agent.sync()
    assert store.outbox_counts()["pending"] == 0
    assert server_record(live_server, device, ani.id)["version"] == 1
    assert store.get("person", ani.id).version == 1


def test_seq_gap_makes_the_client_resend_from_the_expected_seq(make_device, live_server):
    device = make_device()
    first, second = register(device, "Satu"), register(device, "Dua")
    third = register(device, "Tiga")
    # The device believes seq 1 was acknowledged, but the server never received it.
    device.store.apply_push_results([{"seq": 1, "status": "applied", "version": 1}])
    device.agent.sync()
    assert device.store.outbox_counts()["pending"] == 0
    assert server_record(live_server, device, second.id)["fields"]["name"] == "Dua"
    assert server_record(live_server, device, third.id)["fields"]["name"] == "Tiga"
    assert server_record(live_server, device, first.id) is None
    _, seq = device.store.save("person", first.id, {**first.fields, "name": "Satu lagi"})
    assert seq == 3  # numbering continues after what the server acknowledged


def test_pending_local_edit_survives_a_pull_and_is_then_pushed(make_device, live_server):
    a, b = make_device("a"), make_device("b")
    ani = register(a)
    a.agent.sync()
    b.agent.sync()
    b.service().update("person", ani.id, {"address": "Dusun Baru"})
    b.agent.sync()
    a.service().update("person", ani.id, {"name": "Ani Baru"})
    a.agent.pull()
    local = a.store.get("person", ani.id)
    assert local.fields["name"] == "Ani Baru" and local.fields["address"] == "Dusun Baru"
    assert local.sync_state == "pending"
    a.agent.sync()
    on_server = server_record(live_server, a, ani.id)["fields"]
    assert on_server["name"] == "Ani Baru" and on_server["address"] == "Dusun Baru"


def test_digest_mismatch_is_repaired_record_by_record(make_device):
    device = make_device()
    kept, lost = register(device, "Tetap"), register(device, "Hilang")
    device.agent.sync()
    with device.store.transaction() as db:  # damage the replica behind the agent's back
        db.execute("DELETE FROM records WHERE id = ?", (lost.id,))
        db.execute("UPDATE records SET version = 99 WHERE id = ?", (kept.id,))
        db.execute(
            "INSERT INTO records (id, kind, version, fields, updated_at) VALUES "
            "('ghost', 'person', 1, '{}', 'x')"
        )
    report = device.agent.sync()
    assert report.digest_ok is False and report.repaired == 2 and report.removed == 1
    assert device.store.get("person", lost.id).fields["name"] == "Hilang"
    assert device.store.get("person", kept.id).version == 1
    assert device.store.get("person", "ghost") is None
    assert device.agent.sync().digest_ok is True


def test_digest_is_checked_first_then_at_most_every_interval(make_device):
    now = [1_790_000_000_000]
    device = make_device(digest_every=3600, clock_ms=lambda: now[0])
    ani = register(device, "Ani")
    assert device.agent.sync().digest_ok is True  # the first pull always checks
    with device.store.transaction() as db:  # a replica gone wrong behind the agent's back
        db.execute("UPDATE records SET version = 99 WHERE id = ?", (ani.id,))
    now[0] += 1_000_000  # 17 minutes later: no check yet, the damage stays unseen
    assert device.agent.sync().digest_ok is None
    assert device.store.get("person", ani.id).version == 99
    now[0] += 3_600_000  # past the interval: checked and repaired
    report = device.agent.sync()
    assert report.digest_ok is False and report.repaired == 1
    assert device.store.get("person", ani.id).version == 1


def test_large_outbox_is_pushed_gzipped_in_batches_of_200_on_a_slow_link(make_device):
    ticks = iter(range(0, 10_000, 6))  # each answer 6 s after its request: no growth
    device = make_device(monotonic=lambda: next(ticks))
    for i in range(450):
        device.store.save(
            "person",
            f"00000000-0000-4000-8000-{i:012d}",
            {"posyandu_id": POSYANDU, "name": f"Anak {i}", "sex": "M", "birth_date": "2025-01-01"},
        )
    sizes = []

    def record(response, *args, **kwargs):
        request = response.request
        if request.url.endswith("/sync/push"):
            assert request.headers["Content-Encoding"] == "gzip"
            sizes.append(len(json.loads(gzip.decompress(request.body))["mutations"]))

    device.agent.session.hooks["response"].append(record)
    progress = []
    report = device.agent.sync(progress.append)
    assert sizes == [200, 200, 50]
    assert report.pushed == 450 and device.store.count("person") == 450
    pushes = [p for p in progress if p["phase"] == "push"]
    assert pushes[-1]["done"] == 450 and pushes[-1]["total"] == 450


def test_clock_offset_and_hlc_follow_the_server(make_device):
    slow = make_device(clock_ms=lambda: int(time.time() * 1000) - 600_000)
    slow.agent.sync()
    assert slow.agent.status()["clock_offset_seconds"] >= 590
    from shared.sync import hlc

    assert hlc.parse(slow.store.get_meta("hlc_last")).ms >= int(time.time() * 1000) - 60_000


def test_app_sync_button_runs_a_sync_and_status_follows(make_device, live_server, tmp_path):
    from field_client.app import create_app

    device = make_device("app")
    register(device)
    device.close()
    app = create_app(tmp_path / "app", "tok", test_config={"TESTING": True})
    client = app.test_client()
    client.environ_base["HTTP_X_LAUNCH_TOKEN"] = "tok"
    try:
        assert client.get("/api/sync/status").get_json()["pending"] == 1
        assert client.post("/api/sync", json={}).status_code == 202
        app.extensions["posyandu"].wait_for_sync()
        status = client.get("/api/sync/status").get_json()
        assert status["pending"] == 0 and status["last_sync_at"] and not status["last_error"]
        assert not status["in_progress"]
    finally:
        app.extensions["posyandu"].close()


def test_auto_sync_runs_when_triggered_and_stops(make_device):
    device = make_device()
    register(device)
    done = threading.Event()
    real_sync = device.agent.sync

    def sync_and_signal(*args, **kwargs):
        try:
            return real_sync(*args, **kwargs)
        finally:
            done.set()

    device.agent.sync = sync_and_signal
    auto = AutoSync(device.agent, interval=3600, first_delay=3600).start()
    try:
        auto.trigger()
        assert done.wait(30)
    finally:
        auto.stop()
    assert device.store.outbox_counts()["pending"] == 0 and auto.runs == 1


def test_cli_login_sync_and_status(tmp_path, live_server, capsys):
    from field_client.cli import main
    from testkit.world import PASSWORD

    data = str(tmp_path / "cli")
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n")
    assert (
        main(
            [
                "--data-dir",
                data,
                "login",
                "--server",
                live_server.url,
                "--username",
                "kader_a1",
                "--password-file",
                str(password_file),
            ]
        )
        == 0
    )
    assert main(["--data-dir", data, "sync"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["signed_in"] and status["last_sync_at"] and status["pending"] == 0


def test_pulled_reference_records_are_stored(make_device):
    device = make_device()
    device.agent.sync()
    assert device.store.get("facility", POSYANDU).fields["name"] == "Posyandu Melati"


def test_kader_moved_to_another_posyandu_gets_a_fresh_replica_and_keeps_unsent_edits(
    make_device, live_server
):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from server.cli import update_user_command

    device = make_device()
    sent = register(device, "Terkirim")
    device.agent.sync()
    other = make_device("mawar", username="kader_a2")
    theirs = other.service().create(
        "person",
        {
            "posyandu_id": "PSY-A2",
            "name": "Di Mawar",
            "sex": "M",
            "birth_date": "2025-01-02",
            "mother_name": "Rina",
        },
    )
    other.agent.sync()
    unsent = register(device, "Belum")

    moved = CliRunner().invoke(
        update_user_command,
        ["kader_a1", "--facility", "PSY-A2"],
        obj=ScriptInfo(create_app=lambda: live_server.app),
    )
    assert moved.exit_code == 0, moved.output
    report = device.agent.sync()

    assert report.resets == 1
    assert device.store.get("person", sent.id) is None  # PSY-A1 is no longer this kader's
    assert device.store.get("person", theirs.id).fields["name"] == "Di Mawar"
    # The edit made before the move is not dropped: the server refuses it (out of scope now)
    # and the device keeps it, quarantined, for the kader or the puskesmas to sort out.
    kept = device.store.get("person", unsent.id)
    assert kept is not None and kept.fields["name"] == "Belum"
    quarantined = device.store.quarantined()
    assert [m.id for m in quarantined] == [unsent.id] and quarantined[0].errors


def test_a_large_outbox_goes_in_growing_batches_and_every_record_arrives(make_device):
    """On a fast link the batches grow to the server's largest (issue #19): 5,050 new records in
    six pushes (200, 400, 800, 1,600, 2,000, 50) instead of twenty-six, each applied once; a
    second device pulls every one."""
    from field_client.sync import PUSH_BATCH_MAX
    from testkit.factories import person

    kader = make_device("fast", monotonic=lambda: 0.0)
    for i in range(5050):
        fields = person(POSYANDU, name=f"Anak {i:04d}")
        kader.store.save("person", fields["id"], fields)
    steps = []
    report = kader.agent.push(progress=lambda state: steps.append(state["done"]))
    assert report.pushed == 5050 and report.quarantined == 0
    sizes = [b - a for a, b in zip(steps, steps[1:], strict=False) if b > a]
    assert PUSH_BATCH_MAX == 2000
    assert sizes == [200, 400, 800, 1600, 2000, 50]
    other = make_device("other")
    other.agent.sync()
    names = {r.fields["name"] for r in other.store.list("person")}
    assert len(names) == 5050


def _outbox_of(device, count):
    from testkit.factories import person

    for i in range(count):
        fields = person(POSYANDU, name=f"Anak {i:04d}")
        device.store.save("person", fields["id"], fields)


def test_the_next_batch_is_sent_while_the_answer_before_it_is_stored(make_device, monkeypatch):
    """Push one batch ahead (issue #19): batch 2 goes out before batch 1's answers are stored.
    Storing an answer waits (bounded) for the next batch's request: a client that sent it only
    after storing would fail here."""
    device = make_device("ahead", push_batch=100)
    _outbox_of(device, 300)
    store, session = device.store, device.agent.session
    real_store, real_send = store.apply_push_results, session.send
    sent = {seq: threading.Event() for seq in (1, 101, 201)}
    order = []

    def send(request, **kwargs):
        if request.url.endswith("/sync/push"):
            first = json.loads(gzip.decompress(request.body))["mutations"][0]["seq"]
            order.append(("send", first))
            sent[first].set()
        return real_send(request, **kwargs)

    def stored(results, **hooks):
        following = results[0]["seq"] + 100
        if following in sent:
            assert sent[following].wait(10), f"batch {following} not sent before storing"
        order.append(("store", results[0]["seq"]))
        return real_store(results, **hooks)

    monkeypatch.setattr(session, "send", send)
    monkeypatch.setattr(store, "apply_push_results", stored)
    assert device.agent.push().pushed == 300
    assert order == [
        ("send", 1),
        ("send", 101),
        ("store", 1),
        ("send", 201),
        ("store", 101),
        ("store", 201),
    ]


def test_the_next_batch_is_read_and_encoded_while_the_one_before_is_on_the_server(
    make_device, monkeypatch
):
    """The batch after the one on the server is read from the outbox before that one's answer
    arrives (issue #19), so the server waits for no device work between two batches. Sending
    batch 1 waits (bounded) until batch 2 has been read: a client that read it only after the
    answer would be caught here. Every batch goes out exactly once, in order."""
    device = make_device("prepared", push_batch=100)
    _outbox_of(device, 300)
    store, session = device.store, device.agent.session
    real_pending, real_send = store.pending, session.send
    read = {seq: threading.Event() for seq in (101, 201)}
    late, firsts = [], []

    def pending(limit, from_seq=0):
        rows = real_pending(limit, from_seq=from_seq)
        if from_seq in read:
            read[from_seq].set()
        return rows

    def send(request, **kwargs):
        if request.url.endswith("/sync/push"):
            first = json.loads(gzip.decompress(request.body))["mutations"][0]["seq"]
            firsts.append(first)
            if first + 100 in read and not read[first + 100].wait(10):
                late.append(first + 100)
        return real_send(request, **kwargs)

    monkeypatch.setattr(store, "pending", pending)
    monkeypatch.setattr(session, "send", send)
    assert device.agent.push().pushed == 300
    assert late == []  # each next batch was read while the one before it was out
    assert firsts == [1, 101, 201]


def test_a_device_stopped_between_a_sent_batch_and_the_stored_answer_loses_nothing(
    make_device, live_server, monkeypatch
):
    """The device fails to store batch 1's answers after batch 2 went out (a crash, a full
    disk): the next sync resends what is unanswered, the server answers duplicates, every record
    is on the server once and the outbox empties."""
    device = make_device("stopped", push_batch=100)
    _outbox_of(device, 250)
    store = device.store
    real = store.apply_push_results

    def fail(results, **_hooks):
        monkeypatch.setattr(store, "apply_push_results", real)
        raise OSError("disk full")

    monkeypatch.setattr(store, "apply_push_results", fail)
    with pytest.raises(OSError):
        device.agent.push()
    assert store.outbox_counts()["pending"] == 250  # nothing stored as answered
    report = device.agent.push()
    assert report.pushed == 250 and store.outbox_counts()["pending"] == 0
    other = make_device("reader", username="kader_a1")
    other.agent.sync()
    assert other.store.count("person") == 250
    versions = {r.version for r in other.store.list("person")}
    assert versions == {1}  # each applied once
