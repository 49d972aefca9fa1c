"""Compaction: old tombstones and mutation-log rows go, the horizon makes old cursors start afresh,
and a device reset past the horizon keeps its unsent edits. SQLite, and PostgreSQL when set."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from field_client.store import Store
from field_client.sync import SyncAgent
from server.cli import cli
from testkit import factories
from testkit.world import PASSWORD


def age(app, table, days: int, where=None) -> None:
    """Move rows of ``table`` ``days`` into the past (their last change or arrival)."""
    from server.extensions import db
    from server.models import MutationLog, Record, utcnow

    column = {Record: Record.updated_at, MutationLog: MutationLog.received_at}[table]
    with app.app_context():
        query = sa.update(table).values({column: utcnow() - timedelta(days=days)})
        db.session.execute(query if where is None else query.where(where))
        db.session.commit()


def compact(app, keep_days: int = 30) -> dict:
    result = app.test_cli_runner().invoke(
        cli, ["compact", "--keep-days", str(keep_days), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def rows(app, query):
    from server.extensions import db

    with app.app_context():
        return db.session.execute(query).all()


def push_ok(dev, mutations) -> list[dict]:
    answer = dev.push(mutations)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def delete(dev, record_id: str, version: int = 1) -> dict:
    return dev.mutation("person", {}, record_id=record_id, op="delete", base_version=version)


def test_old_tombstones_go_and_the_horizon_is_their_highest_position(app, device):
    from server.models import Record

    dev = device("kader_a1")
    people = [dev.mutation("person", factories.person()) for _ in range(4)]
    push_ok(dev, people)
    push_ok(dev, [delete(dev, people[0]["id"]), delete(dev, people[1]["id"])])
    push_ok(dev, [delete(dev, people[2]["id"])])  # deleted recently: stays
    old = Record.id.in_([people[0]["id"], people[1]["id"]])
    age(app, Record, 40, old)
    positions = [r.change_seq for r in rows(app, sa.select(Record.change_seq).where(old))]
    report = compact(app, keep_days=30)
    assert (report["tombstones_before"], report["tombstones_purged"]) == (3, 2)
    assert report["records_after"] == report["records_before"] - 2
    assert report["horizon_before"] == 0 and report["horizon"] == max(positions)
    left = {r.id for r in rows(app, sa.select(Record.id).where(Record.kind == "person"))}
    assert left == {people[2]["id"], people[3]["id"]}
    again = compact(app, keep_days=30)  # nothing more to do; the horizon never goes back
    assert again["tombstones_purged"] == 0 and again["horizon"] == report["horizon"]


def test_a_tombstone_with_a_conflict_stays_even_once_resolved(app, device):
    from server.models import Record

    first, second = device("kader_a1"), device("kader_a1")
    record = first.mutation("person", factories.person())
    push_ok(first, [record])
    push_ok(
        first, [first.mutation("person", {"name": "Satu"}, record_id=record["id"], base_version=1)]
    )
    second.clock_ms += 60_000  # the concurrent delete is the later one: it wins
    results = push_ok(second, [delete(second, record["id"], version=1)])
    assert results[0]["status"] == "conflict"
    from server.extensions import db
    from server.models import Conflict

    with app.app_context():  # resolved, and so it may be reopened
        db.session.execute(sa.update(Conflict).values(status="resolved", resolution="winner"))
        db.session.commit()
    age(app, Record, 400)
    report = compact(app, keep_days=30)
    assert (report["tombstones_before"], report["tombstones_purged"]) == (1, 0)
    assert rows(app, sa.select(Record.deleted).where(Record.id == record["id"])) == [(True,)]


def test_a_cursor_below_the_horizon_starts_afresh(app, device):
    from server.models import Record

    reader, writer = device("kader_a1"), device("kader_a1")
    people = [writer.mutation("person", factories.person()) for _ in range(3)]
    push_ok(writer, people)
    reader.pull_all()
    stale_cursor = reader.cursor
    push_ok(writer, [delete(writer, people[0]["id"])])
    age(app, Record, 40, Record.id == people[0]["id"])
    assert compact(app)["tombstones_purged"] == 1
    page = reader.http.get(
        f"{reader.base}/sync/pull", params={"cursor": stale_cursor, "limit": 100}, timeout=30
    ).json()
    assert page["reset"] is True and page["changes"] == []
    # Afresh, a page at a time: these cursors lie below the horizon too, but were issued after
    # the purge, so the download carries on (no reset loop) and the deleted record is not there.
    reader.cursor, resets = page["cursor"], 0
    reader.replica.clear()
    while True:
        params = {"cursor": reader.cursor, "limit": 1}
        page = reader.http.get(f"{reader.base}/sync/pull", params=params, timeout=30).json()
        resets += page["reset"]
        reader.replica.update({c["id"]: c for c in page["changes"]})
        reader.cursor = page["cursor"]
        if not page["more"]:
            break
    assert resets == 0
    persons = {i for i, change in reader.replica.items() if change["kind"] == "person"}
    assert persons == {people[1]["id"], people[2]["id"]}
    page = reader.http.get(
        f"{reader.base}/sync/pull", params={"cursor": reader.cursor, "limit": 100}, timeout=30
    ).json()
    assert page["reset"] is False  # a cursor past the horizon carries on


def test_mutation_log_keeps_what_replays_need(app, device):
    from server.models import Device, MutationLog

    dev, quiet, revoked = device("kader_a1"), device("kader_a1"), device("kader_a1")
    first = [dev.mutation("person", factories.person()) for _ in range(3)]
    accepted = dev.mutation("person", factories.person())
    refused = dev.mutation("person", factories.person("PSY-B1", desa_code="6111022001"))
    second = [accepted, refused]
    push_ok(dev, first)
    push_ok(dev, second)  # from seq 4: seqs 1-3 were answered
    push_ok(quiet, [quiet.mutation("person", factories.person()) for _ in range(2)])
    push_ok(revoked, [revoked.mutation("person", factories.person()) for _ in range(2)])
    assert app.test_cli_runner().invoke(cli, ["revoke-device", revoked.device_id]).exit_code == 0
    age(app, MutationLog, 40)
    report = compact(app)
    assert (report["mutation_log_before"], report["mutation_log_purged"]) == (9, 4)
    kept = rows(app, sa.select(MutationLog.device_id, MutationLog.seq).order_by(MutationLog.id))
    assert [s for d, s in kept if d == dev.device_id] == [4, 5]
    assert [s for d, s in kept if d == quiet.device_id] == [1, 2]  # never answered for sure
    assert [s for d, s in kept if d == revoked.device_id] == [2]  # only its newest
    acked = rows(app, sa.select(Device.acked_seq).where(Device.id == dev.device_id))
    assert acked == [(3,)]
    # The answer to the second batch was lost: the device resends it and hears the same.
    again = push_ok(dev, second)
    assert [(r["status"], r["outcome"]) for r in again] == [
        ("duplicate", "applied"),
        ("duplicate", "rejected"),
    ]


def test_recent_mutation_log_rows_stay(app, device):
    dev = device("kader_a1")
    push_ok(dev, [dev.mutation("person", factories.person())])
    push_ok(dev, [dev.mutation("person", factories.person())])
    assert compact(app, keep_days=30)["mutation_log_purged"] == 0


def test_device_reset_past_the_horizon_keeps_its_unsent_edits(app, server, device, tmp_path):
    from server.models import Record

    writer = device("kader_a1")
    kept, gone = factories.person(name="Tetap"), factories.person(name="Dihapus")
    push_ok(writer, [writer.mutation("person", kept), writer.mutation("person", gone)])
    with Store.open(tmp_path / "tab") as store:
        agent = SyncAgent(store)
        agent.login(server.url, "kader_a1", PASSWORD, "tab-kader")
        agent.sync()
        assert {r.id for r in store.list("person")} == {kept["id"], gone["id"]}
        push_ok(writer, [delete(writer, gone["id"])])  # the device does not hear of it...
        age(app, Record, 40, Record.id == gone["id"])
        assert compact(app)["tombstones_purged"] == 1  # ...and now never will, record by record
        # Offline edits waiting on the device: a correction and a new child.
        store.save("person", kept["id"], {**kept, "name": "Tetap (dikoreksi)"})
        new = factories.person(name="Baru")
        store.save("person", new["id"], new)
        report = agent.pull()
        assert report.resets == 1
        local = {r.id: r for r in store.list("person")}
        assert set(local) == {kept["id"], new["id"]}  # the deleted record went with the reset
        assert local[kept["id"]].fields["name"] == "Tetap (dikoreksi)"
        assert local[kept["id"]].version == 1 and local[kept["id"]].sync_state == "pending"
        assert store.outbox_counts()["pending"] == 2
        assert agent.sync().pushed == 2
        agent.session.close()
    writer.pull_all()
    assert writer.replica[kept["id"]]["fields"]["name"] == "Tetap (dikoreksi)"
    assert new["id"] in writer.replica and gone["id"] not in writer.replica


def test_cursors_from_before_compaction_existed_still_read():
    from server.sync.pull import encode_cursor, read_cursor

    old = encode_cursor(42, "abc")  # as issued before this change: no horizon part
    assert read_cursor(old) == (42, "abc", 0)
    assert read_cursor(encode_cursor(42, "abc", 7)) == (42, "abc", 7)
