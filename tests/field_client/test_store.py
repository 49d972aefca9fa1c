"""The device store and its outbox."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from field_client.store import Change, RecordNotFound, Store

ROOT = Path(__file__).resolve().parents[2]
CHILD = {"posyandu_id": "p1", "name": "Ani", "sex": "F", "birth_date": "2025-01-10"}


def test_store_uses_wal_full_sync_and_foreign_keys(store):
    db = store._db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_saving_a_new_record_enqueues_all_its_fields(store):
    record, seq = store.save("person", "r1", {"id": "r1", **CHILD})
    assert record.fields == CHILD and record.version is None and record.sync_state == "pending"
    [mutation] = store.pending()
    assert (mutation.seq, mutation.id, mutation.op, mutation.base_version) == (
        seq,
        "r1",
        "upsert",
        None,
    )
    assert mutation.fields == CHILD
    assert mutation.hlc.count(":") == 2 and mutation.device_time


def test_update_sends_only_changed_fields_against_the_server_version(store):
    store.save("person", "r1", CHILD)
    store.apply_push_results([{"seq": 1, "id": "r1", "status": "applied", "version": 3}])
    store.save("person", "r1", {**CHILD, "name": "Ani Lestari"})
    [mutation] = store.pending()
    assert mutation.fields == {"name": "Ani Lestari"} and mutation.base_version == 3


def test_saving_unchanged_fields_enqueues_nothing(store):
    store.save("person", "r1", CHILD)
    _, seq = store.save("person", "r1", CHILD)
    assert seq is None and len(store.pending()) == 1


def test_record_and_mutation_are_written_together_or_not_at_all(store, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(store, "_enqueue", broken)
    with pytest.raises(RuntimeError):
        store.save("person", "r1", CHILD)
    assert store.get("person", "r1") is None
    assert store.pending() == []


def test_seq_is_never_reused_after_an_acknowledgement(store):
    store.save("person", "r1", CHILD)
    store.save("person", "r2", CHILD)
    store.apply_push_results(
        [
            {"seq": 1, "status": "applied", "version": 1},
            {"seq": 2, "status": "applied", "version": 1},
        ]
    )
    assert store.pending() == []
    _, seq = store.save("person", "r3", CHILD)
    assert seq == 3


def test_seq_keeps_counting_after_reopening(data_dir):
    with Store.open(data_dir) as first:
        first.save("person", "r1", CHILD)
        first.apply_push_results([{"seq": 1, "status": "applied", "version": 1}])
    with Store.open(data_dir) as again:
        _, seq = again.save("person", "r2", CHILD)
    assert seq == 2


def test_delete_tombstones_the_record_and_enqueues_a_delete(store):
    store.save("person", "r1", CHILD)
    store.apply_push_results([{"seq": 1, "status": "applied", "version": 1}])
    store.delete("person", "r1")
    assert store.get("person", "r1") is None
    assert store.get("person", "r1", include_deleted=True).deleted
    [mutation] = store.pending()
    assert (mutation.op, mutation.base_version, mutation.fields) == ("delete", 1, {})
    with pytest.raises(RecordNotFound):
        store.delete("person", "r1")


def test_applied_mutation_leaves_outbox_and_sets_version(store):
    store.save("person", "r1", CHILD)
    tally = store.apply_push_results([{"seq": 1, "id": "r1", "status": "applied", "version": 1}])
    assert tally["acked"] == 1
    record = store.get("person", "r1")
    assert record.version == 1 and record.sync_state == "synced"


def test_merged_result_takes_the_servers_current_record(store):
    store.save("person", "r1", CHILD)
    current = {
        "version": 4,
        "deleted": False,
        "fields": {**CHILD, "id": "r1", "address": "Dusun II (dari perangkat lain)"},
    }
    store.apply_push_results(
        [{"seq": 1, "id": "r1", "status": "merged", "version": 4, "current": current}]
    )
    record = store.get("person", "r1")
    assert record.version == 4 and record.fields["address"] == "Dusun II (dari perangkat lain)"


def test_merged_result_without_current_does_not_claim_the_unseen_version(store):
    # Advancing to 4 would let the next edit silently overwrite fields this device never saw.
    store.save("person", "r1", CHILD)
    store.apply_push_results([{"seq": 1, "id": "r1", "status": "merged", "version": 4}])
    assert store.get("person", "r1").version is None
    assert store.pending() == []


def test_rejected_mutation_is_quarantined_and_does_not_block_the_queue(store):
    store.save("person", "bad", CHILD)
    store.save("person", "good", CHILD)
    store.apply_push_results(
        [{"seq": 1, "status": "rejected", "errors": {"birth_date": ["Tanggal lahir tidak valid."]}}]
    )
    assert [m.id for m in store.pending()] == ["good"]
    [quarantined] = store.quarantined()
    assert quarantined.errors == {"birth_date": ["Tanggal lahir tidak valid."]}
    assert store.get("person", "bad").sync_state == "quarantined"
    assert store.outbox_counts() == {"pending": 1, "quarantined": 1}


def test_fixed_quarantined_record_is_resent_with_a_new_seq(store):
    store.save("person", "bad", CHILD)
    store.save("person", "other", CHILD)
    store.apply_push_results([{"seq": 1, "status": "rejected", "errors": {"name": ["x"]}}])
    new_seq = store.resend_quarantined(1, {"name": "Ani Fixed"})
    assert new_seq == 3
    assert store.quarantined() == []
    resent = store.pending()[-1]
    assert resent.fields["name"] == "Ani Fixed" and resent.fields["sex"] == "F"
    assert store.get("person", "bad").fields["name"] == "Ani Fixed"


def test_discarding_a_never_synced_rejected_record_removes_it(store):
    store.save("person", "bad", CHILD)
    store.apply_push_results([{"seq": 1, "status": "rejected", "errors": {}}])
    store.discard_quarantined(1)
    assert store.get("person", "bad") is None and store.quarantined() == []


def test_pulled_page_keeps_pending_local_fields_on_top(store):
    store.apply_changes(
        [Change("r1", "person", 2, False, {**CHILD, "address": "RT 1"})], cursor="c1"
    )
    store.save("person", "r1", {**CHILD, "address": "RT 1", "name": "Ani Baru"})
    store.apply_changes(
        [Change("r1", "person", 3, False, {**CHILD, "address": "RT 2", "name": "Ani Server"})],
        cursor="c2",
    )
    record = store.get("person", "r1")
    assert record.version == 3
    assert record.fields["name"] == "Ani Baru"  # pending edit survives
    assert record.fields["address"] == "RT 2"  # the server's other change arrives
    assert store.get_meta("cursor") == "c2"


def test_pulled_page_does_not_undelete_a_pending_delete(store):
    store.apply_changes([Change("r1", "person", 1, False, CHILD)])
    store.delete("person", "r1")
    store.apply_changes([Change("r1", "person", 2, False, {**CHILD, "name": "X"})])
    assert store.get("person", "r1") is None


def test_older_pulled_version_does_not_overwrite_a_newer_one(store):
    store.apply_changes([Change("r1", "person", 5, False, {**CHILD, "name": "New"})])
    applied = store.apply_changes([Change("r1", "person", 4, False, {**CHILD, "name": "Old"})])
    assert applied == 0 and store.get("person", "r1").fields["name"] == "New"


def test_a_page_is_applied_in_order_within_itself(store):
    """A page applied at once (issue #19) still reads as one change after another: a record
    twice in a page ends at its later version, an older one after it is skipped, and records
    with and without unsent edits in the same page each get their own treatment."""
    store.apply_changes([Change("held", "person", 7, False, {**CHILD, "name": "Tujuh"})])
    store.save("person", "mine", {**CHILD, "name": "Lokal"})
    applied = store.apply_changes(
        [
            Change("twice", "person", 1, False, {**CHILD, "name": "Satu"}),
            Change("held", "person", 6, False, {**CHILD, "name": "Enam"}),
            Change("twice", "person", 2, False, {**CHILD, "name": "Dua"}),
            Change("twice", "person", 1, False, {**CHILD, "name": "Lama"}),
            Change("mine", "person", 3, False, {**CHILD, "name": "Server", "address": "RT 9"}),
        ],
        cursor="c1",
    )
    assert applied == 3
    assert store.get("person", "twice").fields["name"] == "Dua"
    assert store.get("person", "twice").version == 2
    assert store.get("person", "held").fields["name"] == "Tujuh"
    mine = store.get("person", "mine")
    assert (mine.version, mine.fields["name"], mine.fields["address"]) == (3, "Lokal", "RT 9")
    assert store.get_meta("cursor") == "c1"


def test_derived_fields_from_the_server_are_kept_apart(store):
    store.apply_changes(
        [Change("v1", "child_visit", 1, False, {"person_id": "r1", "weight_kg": 9.5, "waz": -0.4})],
        derived_fields=lambda kind: ("waz",),
    )
    record = store.get("child_visit", "v1")
    assert record.fields == {"person_id": "r1", "weight_kg": 9.5}
    assert record.derived == {"waz": -0.4}


def test_a_page_and_its_cursor_are_applied_together_or_not_at_all(store):
    store.set_meta(cursor="c1")

    def bad_derive(kind, fields):
        raise KeyboardInterrupt  # the process is stopped mid-page

    with pytest.raises(KeyboardInterrupt):
        store.apply_changes(
            [Change("a", "person", 1, False, CHILD), Change("b", "person", 1, False, CHILD)],
            cursor="c2",
            derive=bad_derive,
        )
    assert store.get("person", "a") is None and store.get_meta("cursor") == "c1"


def test_reset_drops_the_replica_but_keeps_unsent_edits(store):
    store.apply_changes([Change("srv", "person", 1, False, CHILD)], cursor="c9")
    store.save("person", "mine", CHILD)
    store.reset_replica()
    assert store.get("person", "srv") is None
    assert store.get("person", "mine") is not None
    assert store.get_meta("cursor") is None and len(store.pending()) == 1


def test_renumbering_after_a_lost_server_state_keeps_order_and_skips_quarantine(store):
    for rid in ("a", "b", "c", "d"):
        store.save("person", rid, CHILD)
    store.apply_push_results([{"seq": 2, "status": "rejected", "errors": {}}])
    store.renumber_pending(1)
    assert [(m.seq, m.id) for m in store.pending()] == [(1, "a"), (2, "c"), (3, "d")]
    assert [(m.seq, m.id) for m in store.quarantined()] == [(4, "b")]
    _, seq = store.save("person", "e", CHILD)
    assert seq == 5


def test_list_filters_by_person_and_date_and_searches_names(store):
    store.save("person", "p1", CHILD)
    store.save("person", "p2", {**CHILD, "name": "Budi", "nik": "6406010101010001"})
    for i, day in enumerate(["2026-01-05", "2026-02-05", "2026-03-05"]):
        store.save(
            "child_visit", f"v{i}", {"person_id": "p1", "visit_date": day, "weight_kg": 8 + i}
        )
    store.save("child_visit", "vx", {"person_id": "p2", "visit_date": "2026-02-06"})
    visits = store.list("child_visit", person_id="p1", date_from="2026-02-01")
    assert [v.id for v in visits] == ["v1", "v2"]
    assert [r.id for r in store.list("person", search="bud")] == ["p2"]
    assert [r.id for r in store.list("person", search="64060101")] == ["p2"]
    store.save("person", "p3", {**CHILD, "name": "Sri_50%"})  # wildcards match literally
    assert [r.id for r in store.list("person", search="_50%")] == ["p3"]
    assert store.list("person", search="%") == [store.get("person", "p3")]
    assert [
        v.id for v in store.list("child_visit", date_from="2026-02-01", date_to="2026-02-28")
    ] == ["v1", "vx"]


def test_saved_data_survives_a_killed_process(data_dir):
    script = textwrap.dedent(f"""
        import os, signal
        from field_client.store import Store
        store = Store.open({str(data_dir)!r})
        store.save("person", "r1", {{"name": "Ani", "sex": "F"}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == -9, proc.stderr.decode()
    with Store.open(data_dir) as reopened:
        assert reopened.get("person", "r1").fields["name"] == "Ani"
        assert [m.id for m in reopened.pending()] == ["r1"]


def test_outbox_row_cannot_point_at_a_missing_record(store):
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
        db.execute(
            "INSERT INTO outbox (seq, record_id, kind, op, fields, hlc, device_time, "
            "created_at) VALUES (99, 'nope', 'person', 'upsert', ?, 'h', 't', 't')",
            (json.dumps({}),),
        )


def test_last_before_gives_each_persons_latest_matching_record(store):
    for rid, person, day, weight in (
        ("a", "p1", "2026-01-05", 8),
        ("b", "p1", "2026-03-05", 9),
        ("c", "p1", "2026-04-05", None),
        ("d", "p2", "2026-02-01", 7),
        ("e", "p2", "2026-09-01", 8),
    ):
        store.save(
            "child_visit", rid, {"person_id": person, "visit_date": day, "weight_kg": weight}
        )
    found = store.last_before("child_visit", "2026-06-01", having="weight_kg")
    assert sorted(r["id"] for r in found) == ["b", "d"]


def test_last_before_skips_deleted_records_and_returns_the_derived_values_asked(store):
    for rid, person, day, weight in (
        ("a", "p1", "2026-01-05", 8),
        ("b", "p1", "2026-03-05", 9),
        ("c", "p2", "2026-02-01", 7),
        ("d", "p2", "2026-04-01", 7.5),
        ("e", "p3", "2026-05-01", 6),
    ):
        store.save(
            "child_visit",
            rid,
            {"person_id": person, "visit_date": day, "weight_kg": weight},
            {"waz": -1.5, "lhaz": None},
        )
    store.delete("child_visit", "b")
    store.delete("child_visit", "e")
    found = store.last_before(
        "child_visit", "2026-06-01", having="weight_kg", derived_keys=("waz", "lhaz")
    )
    assert sorted((r["id"], r["person_id"], r["waz"], r["lhaz"]) for r in found) == [
        ("a", "p1", -1.5, None),
        ("d", "p2", -1.5, None),
    ]
    assert store.last_before("child_visit", "2026-01-05", having="weight_kg") == []


# -- file permissions (audit #18, finding 2) ---------------------------------------------------


def modes(folder):
    """Return {name: permission bits} of the folder ('.') and every file in it."""
    found = {".": folder.stat().st_mode & 0o777}
    found.update({p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()})
    return found


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_data_folder_and_every_file_in_it_are_private(tmp_path):
    folder = tmp_path / "new-device"
    old_umask = os.umask(0o022)  # the usual umask: without care, 0755 and 0644
    try:
        with Store.open(folder) as store:
            store.save("person", "p1", CHILD)
            found = modes(folder)
    finally:
        os.umask(old_umask)
    assert {"posyandu-client.sqlite3", "posyandu-client.sqlite3-wal"} <= set(found)
    assert found == {".": 0o700, **{name: 0o600 for name in found if name != "."}}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_an_existing_install_is_made_private_on_open(tmp_path):
    folder = tmp_path / "old-device"
    with Store.open(folder) as store:
        store.save("person", "p1", CHILD)
    (folder / "client.log").write_text("old log\n")
    os.chmod(folder, 0o755)
    for path in folder.iterdir():
        os.chmod(path, 0o644)
    with Store.open(folder) as store:
        found = modes(folder)
        assert store.get("person", "p1") is not None
    assert found["."] == 0o700
    assert {name: mode for name, mode in found.items() if name != "."} == {
        name: 0o600 for name in found if name != "."
    }
    assert "client.log" in found


def test_persons_on_finds_each_kind_by_its_own_date_and_takes_no_date_field(store):
    store.save("person", "p1", CHILD)
    store.save("person", "p2", {**CHILD, "name": "Budi"})
    store.save(
        "immunization", "i1", {"person_id": "p1", "antigen": "BCG", "given_on": "2026-02-05"}
    )
    store.save("referral", "r1", {"person_id": "p2", "referral_date": "2026-02-05"})
    store.save("child_visit", "v1", {"person_id": "p2", "visit_date": "2026-02-05"})
    store.save("child_visit", "v2", {"person_id": "p1", "visit_date": "2026-02-06"})
    store.delete("child_visit", "v2")
    assert store.persons_on("immunization", "2026-02-05") == {"p1"}
    assert store.persons_on("referral", "2026-02-05") == {"p2"}
    assert store.persons_on("child_visit", "2026-02-05") == {"p2"}
    assert store.persons_on("child_visit", "2026-02-06") == set()  # deleted
    with pytest.raises(TypeError):  # the old JSON-scan branch is gone
        store.persons_on("child_visit", "2026-02-05", "visit_date")


def test_a_long_download_checkpoints_less_often_and_restores_the_default_even_on_error(store):
    def wal_pages():
        return store._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]

    assert wal_pages() == 1000
    with pytest.raises(RuntimeError), store.long_download(wal_pages=4000):
        assert wal_pages() == 4000
        store.apply_changes([Change("p1", "person", 1, False, {"name": "Ani"})], cursor="c1")
        raise RuntimeError("connection lost")
    assert wal_pages() == 1000
    assert store.get("person", "p1").version == 1 and store.get_meta("cursor") == "c1"
