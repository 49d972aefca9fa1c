"""File bundles between real device stores and the real server, and the store's schema versions.

The devices sign in once online (tests/field_client/conftest.py: ``make_device``), then work
without signal: their changes travel to the server in a bundle file, the server's answer comes back
in another. The server side runs ``posyandu-server bundle ...`` on the live server's app.
"""

from __future__ import annotations

import gzip
import json
import sqlite3

import pytest
import sqlalchemy as sa

from field_client import cli as client_cli
from field_client.bundle import BundleError, export_bundle, import_bundle
from field_client.store import (
    SCHEMA_V1,
    SCHEMA_V2,
    SCHEMA_V3,
    SCHEMA_V4,
    SCHEMA_V5,
    SCHEMA_VERSION,
    Store,
    StoreError,
)
from server.cli import cli as server_cli

from .conftest import POSYANDU


def register(device, name="Ani"):
    return device.service().create(
        "person",
        {
            "posyandu_id": POSYANDU,
            "name": name,
            "sex": "F",
            "birth_date": "2025-06-10",
            "mother_name": "Siti",
        },
    )


def server_run(live_server, *args):
    """Run a posyandu-server command on the live server's database."""
    runner = live_server.app.test_cli_runner()
    return runner.invoke(server_cli, [str(a) for a in args], catch_exceptions=False)


def server_import(live_server, path) -> dict:
    result = server_run(live_server, "bundle", "import", path, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def server_export(live_server, device, path) -> dict:
    device_id = device.store.get_meta("device_id")
    result = server_run(live_server, "bundle", "export", "--device", device_id, path, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def mutation_log_count(live_server, device) -> int:
    from server.extensions import db
    from server.models import MutationLog

    with live_server.app.app_context():
        return db.session.execute(
            sa.select(sa.func.count())
            .select_from(MutationLog)
            .where(MutationLog.device_id == device.store.get_meta("device_id"))
        ).scalar_one()


def names(device) -> dict[str, tuple]:
    return {r.id: (r.fields["name"], r.version) for r in device.store.list("person")}


def test_round_trip_without_signal(make_device, live_server, tmp_path):
    dev, other = make_device("tab1"), make_device("tab2")
    register(other, "Sudah ada")
    other.agent.sync()
    dev.agent.sync()
    dev.agent.sync()  # the second pull shows the server the cursor this device holds
    # No signal from here on for ``dev``: three new children, one of them corrected.
    mine = [register(dev, f"Anak {i}") for i in range(3)]
    dev.service().update("person", mine[0].id, {"name": "Anak 0 (benar)"})
    register(other, "Dari tab2")
    other.agent.sync()

    summary = export_bundle(dev.store, tmp_path / "tab1.psb")
    assert (summary["count"], summary["first_seq"], summary["last_seq"]) == (4, 1, 4)
    assert summary["filename"].startswith("kiriman-") and summary["filename"].endswith(".posyandu")
    assert summary["bytes"] == (tmp_path / "tab1.psb").stat().st_size
    assert dev.store.outbox_counts()["pending"] == 4  # kept until the server's answer
    report = server_import(live_server, tmp_path / "tab1.psb")
    assert report["mutations"] == 4 and report["applied"] + report["merged"] == 4
    exported = server_export(live_server, dev, tmp_path / "untuk-tab1.psb")
    assert exported["reset"] is False and exported["acks"] == 4
    assert exported["filename"].startswith("jawaban-")

    outcome = import_bundle(dev.store, tmp_path / "untuk-tab1.psb")
    assert (outcome["acked"], outcome["quarantined"], outcome["pending_left"]) == (4, 0, 0)
    assert outcome["cursor_advanced"] is True
    replica = names(dev)
    assert replica[mine[0].id] == ("Anak 0 (benar)", 2)
    assert ("Dari tab2", 1) in replica.values()
    assert [b["direction"] for b in dev.store.bundles()] == ["import", "export"]
    # Back in signal: nothing left to send, nothing doubled, and the replica is whole.
    report = dev.agent.sync()
    assert report.pushed == 0 and report.digest_ok is not False
    other.agent.sync()
    assert names(dev) == names(other)
    assert mutation_log_count(live_server, dev) == 4


def test_bundles_imported_twice_change_nothing_the_second_time(make_device, live_server, tmp_path):
    dev = make_device("tab1")
    dev.agent.sync()
    register(dev, "Satu")
    register(dev, "Dua")
    export_bundle(dev.store, tmp_path / "out.psb")
    assert server_import(live_server, tmp_path / "out.psb")["applied"] == 2
    again = server_import(live_server, tmp_path / "out.psb")
    assert (again["applied"], again["duplicate"]) == (0, 2)
    server_export(live_server, dev, tmp_path / "in.psb")
    first = import_bundle(dev.store, tmp_path / "in.psb")
    before = names(dev)
    second = import_bundle(dev.store, (tmp_path / "in.psb").read_bytes())  # as uploaded bytes
    assert first["acked"] == 2 and second["acked"] == 0
    assert names(dev) == before and dev.store.outbox_counts() == {"pending": 0, "quarantined": 0}
    assert mutation_log_count(live_server, dev) == 2


def test_bundle_then_online_sync_doubles_nothing(make_device, live_server, tmp_path):
    dev = make_device("tab1")
    register(dev, "Satu")
    register(dev, "Dua")
    export_bundle(dev.store, tmp_path / "out.psb")
    assert server_import(live_server, tmp_path / "out.psb")["applied"] == 2
    register(dev, "Tiga")  # made after the bundle was written
    report = dev.agent.sync()  # the answer to the bundle never came back; signal did
    assert report.pushed == 3 and dev.store.outbox_counts()["pending"] == 0
    assert mutation_log_count(live_server, dev) == 3
    assert sorted(n for n, _ in names(dev).values()) == ["Dua", "Satu", "Tiga"]
    # The server's bundle, made later, acknowledges what is already acknowledged: harmless.
    server_export(live_server, dev, tmp_path / "in.psb")
    assert import_bundle(dev.store, tmp_path / "in.psb")["acked"] == 0


def test_online_sync_then_bundle_doubles_nothing(make_device, live_server, tmp_path):
    dev = make_device("tab1")
    register(dev, "Satu")
    export_bundle(dev.store, tmp_path / "out.psb")
    dev.agent.sync()  # signal came back before the file reached the server
    report = server_import(live_server, tmp_path / "out.psb")
    assert (report["applied"], report["duplicate"]) == (0, 1)
    assert mutation_log_count(live_server, dev) == 1
    server_export(live_server, dev, tmp_path / "in.psb")
    assert import_bundle(dev.store, tmp_path / "in.psb")["pending_left"] == 0
    assert [v for _, v in names(dev).values()] == [1]


def test_tampered_server_bundle_is_refused_and_nothing_changes(make_device, live_server, tmp_path):
    dev = make_device("tab1")
    register(dev, "Satu")
    export_bundle(dev.store, tmp_path / "out.psb")
    server_import(live_server, tmp_path / "out.psb")
    server_export(live_server, dev, tmp_path / "in.psb")
    envelope = json.loads(gzip.decompress((tmp_path / "in.psb").read_bytes()))
    envelope["payload"] = envelope["payload"].replace('"Satu"', '"Palsu"')
    (tmp_path / "in.psb").write_bytes(gzip.compress(json.dumps(envelope).encode()))
    before = names(dev)
    with pytest.raises(BundleError) as caught:
        import_bundle(dev.store, tmp_path / "in.psb")
    assert caught.value.code == "signature"
    assert "Tanda tangan kiriman tidak cocok" in caught.value.text("id")
    assert names(dev) == before and dev.store.outbox_counts()["pending"] == 1


def test_another_devices_bundle_is_refused(make_device, live_server, tmp_path):
    dev, other = make_device("tab1"), make_device("tab2")
    register(dev, "Satu")
    server_export(live_server, other, tmp_path / "untuk-tab2.psb")
    with pytest.raises(BundleError) as caught:
        import_bundle(dev.store, tmp_path / "untuk-tab2.psb")
    assert caught.value.code == "other_device"
    assert "untuk perangkat lain" in caught.value.text("id")
    assert dev.store.outbox_counts()["pending"] == 1
    export_bundle(dev.store, tmp_path / "own.psb")  # a device's own bundle is for the server
    with pytest.raises(BundleError) as caught:
        import_bundle(dev.store, tmp_path / "own.psb")
    assert caught.value.code == "wrong_kind"


def test_revoked_devices_bundle_is_refused_and_its_data_stays_on_the_device(
    make_device, live_server, tmp_path
):
    dev = make_device("tab1")
    register(dev, "Satu")
    register(dev, "Dua")
    export_bundle(dev.store, tmp_path / "out.psb")
    device_id = dev.store.get_meta("device_id")
    assert server_run(live_server, "revoke-device", device_id).exit_code == 0
    result = server_run(live_server, "bundle", "import", tmp_path / "out.psb")
    assert result.exit_code == 1 and "sudah dicabut" in result.output
    result = server_run(live_server, "bundle", "export", "--device", device_id, tmp_path / "in")
    assert result.exit_code == 1 and "sudah dicabut" in result.output
    assert mutation_log_count(live_server, dev) == 0
    assert dev.store.outbox_counts()["pending"] == 2
    assert sorted(n for n, _ in names(dev).values()) == ["Dua", "Satu"]
    summary = export_bundle(dev.store, tmp_path / "again.psb")  # still there to send later
    assert summary["count"] == 2


def test_a_signed_out_device_cannot_make_or_check_bundles(make_device, tmp_path):
    dev = make_device("tab1")
    register(dev, "Satu")
    dev.agent.logout()
    with pytest.raises(BundleError) as caught:
        export_bundle(dev.store, tmp_path / "out.psb")
    assert caught.value.code == "not_signed_in" and "Masuk sekali" in caught.value.text("id")
    assert not (tmp_path / "out.psb").exists()


def test_client_command_line_bundle_export_and_refusal(make_device, tmp_path, capsys):
    dev = make_device("tab1")
    register(dev, "Satu")
    data_dir = str(dev.store.path.parent)
    out = tmp_path / "out.psb"
    assert client_cli.main(["bundle", "export", str(out), "--json", "--data-dir", data_dir]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 1
    assert client_cli.main(["bundle", "import", str(out), "--data-dir", data_dir]) == 1
    assert "bukan jawaban dari server" in capsys.readouterr().err
    assert dev.store.outbox_counts()["pending"] == 1


# -- the store's schema versions ---------------------------------------------------------------


def old_store(path, ddl_steps, version, *, mutations=300):
    """Write a store as an app of ``version`` left it: its DDL, settings and a full outbox."""
    db = sqlite3.connect(path)
    for ddl in ddl_steps:
        db.executescript(ddl)
    meta = {"device_uuid": "old-device", "next_seq": mutations + 1, "device_id": "dev-old"}
    db.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()]
    )
    for seq in range(1, mutations + 1):
        rid = f"rec-{seq % 50}"
        fields = json.dumps({"posyandu_id": POSYANDU, "name": f"Anak {seq}"})
        db.execute(
            "INSERT OR REPLACE INTO records (id, kind, version, deleted, fields, derived, "
            "updated_at) VALUES (?, 'person', NULL, 0, ?, '{}', '2026-11-01T00:00:00+00:00')",
            (rid, fields),
        )
        db.execute(
            "INSERT INTO outbox (seq, record_id, kind, op, base_version, fields, hlc, device_time,"
            " state, error, created_at) VALUES (?, ?, 'person', 'upsert', NULL, ?, ?, "
            "'2026-11-01T08:00:00+07:00', ?, ?, '2026-11-01T01:00:00+00:00')",
            (
                seq,
                rid,
                fields,
                f"{1_761_000_000_000 + seq:016d}:00000:old-device",
                "quarantined" if seq % 97 == 0 else "pending",
                '{"name": ["x"]}' if seq % 97 == 0 else None,
            ),
        )
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()


# the outbox as version 1 shipped it (later versions add columns: author in 6)
OUTBOX_V1_COLUMNS = (
    "seq, record_id, kind, op, base_version, fields, hlc, device_time, state, error, created_at"
)


def outbox_rows(path):
    db = sqlite3.connect(path)
    rows = db.execute(f"SELECT {OUTBOX_V1_COLUMNS} FROM outbox ORDER BY seq").fetchall()
    db.close()
    return rows


# Every schema version before the current one, by its DDL (as that version's app created it).
EARLIER_VERSIONS = {
    1: [SCHEMA_V1],
    2: [SCHEMA_V1, SCHEMA_V2],
    3: [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3],
    4: [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4],
    5: [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5],
}


def test_every_schema_version_is_listed_here():
    assert sorted(EARLIER_VERSIONS) == list(range(1, SCHEMA_VERSION))


@pytest.mark.parametrize("version", sorted(EARLIER_VERSIONS))
def test_a_store_of_an_earlier_schema_opens_with_its_outbox_whole(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    old_store(path, EARLIER_VERSIONS[version], version)
    before = outbox_rows(path)
    with Store(path) as store:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        pending = store.pending()
        assert [m.seq for m in pending] == [r[0] for r in before if r[8] == "pending"]
        assert len(store.quarantined()) == 3
        assert store.bundles() == []
        _, seq = store.save("person", "rec-new", {"posyandu_id": POSYANDU, "name": "Baru"})
        assert seq == 301  # numbering carries on
    after = outbox_rows(path)
    assert after[:-1] == before


def test_an_empty_file_becomes_a_current_store(tmp_path):
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    with Store(path) as store:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.get_meta("next_seq") == 1


def test_a_store_from_a_newer_app_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    old_store(path, [SCHEMA_V1], SCHEMA_VERSION + 1, mutations=5)
    before = outbox_rows(path)
    with pytest.raises(StoreError):
        Store(path)
    assert outbox_rows(path) == before


def test_the_command_line_says_so_of_a_newer_apps_data(tmp_path, capsys):
    old_store(tmp_path / "posyandu-client.sqlite3", [SCHEMA_V1], SCHEMA_VERSION + 1, mutations=2)
    assert client_cli.main(["status", "--data-dir", str(tmp_path)]) == 2
    assert "versi aplikasi yang lebih baru" in capsys.readouterr().err
