"""The one write path: every writer leaves what a device push of the same change leaves.

Rows (fields with their derived values, scope columns, deletion), change-log positions and
indicator aggregates are compared after the same change made by a device push, by a server-side
reference write and by a conflict resolution; and a resolution that moves a record refiles it (its
scope columns follow its data) and is refused outside the reviewer's units.
"""

from __future__ import annotations

import sqlalchemy as sa

from testkit import world as world_mod
from testkit.factories import child_visit, person
from testkit.servers import reset_database

ROW_COLUMNS = ("kind", "deleted", "posyandu_id", "desa_code", "kecamatan_code", "puskesmas_id")


def snapshot(app, ids: list[str]) -> dict:
    """Return the rows of some records, the change log's positions and the aggregates."""
    from server.extensions import db
    from server.models import IndicatorMonth, Record

    with app.app_context():
        rows = {
            r.id: (
                {c: getattr(r, c) for c in ROW_COLUMNS},
                r.fields,
                r.person_id,
                r.change_seq is not None,
            )
            for r in db.session.execute(sa.select(Record).where(Record.id.in_(ids))).scalars()
        }
        positions = [
            s
            for (s,) in db.session.execute(
                sa.select(Record.change_seq).where(Record.change_seq.is_not(None))
            )
        ]
        aggregates = {
            (m.posyandu_id, m.period): (m.values, m.counts, m.extra)
            for m in db.session.execute(sa.select(IndicatorMonth)).scalars()
        }
        db.session.rollback()
    assert len(positions) == len(set(positions))  # one record per change-log position
    return {"rows": rows, "aggregates": aggregates}


def restart(app) -> None:
    """Empty the database and rebuild the small world."""
    reset_database(app)
    world_mod.build(app)


def test_a_reference_write_leaves_what_a_push_leaves(app, device):
    from server.extensions import db
    from server.reference import write_records

    child = person(birth_date="2025-06-10")
    visits = [
        child_visit(child, visit_date="2026-05-10", weight_kg=8.6, length_cm=70.0),
        child_visit(child, visit_date="2026-06-10", weight_kg=8.5, length_cm=71.0),
    ]
    ids = [child["id"], *(v["id"] for v in visits)]
    kader = device("kader_a1")
    pushed = kader.push(
        [kader.mutation("person", child)] + [kader.mutation("child_visit", v) for v in visits]
    ).json()
    assert [r["status"] for r in pushed["results"]] == ["applied"] * 3
    by_push = snapshot(app, ids)

    restart(app)
    with app.app_context():
        report = write_records(
            db.session, [("person", child)] + [("child_visit", v) for v in visits]
        )
        db.session.commit()
    assert (report.created, report.rejected) == (3, [])
    by_server = snapshot(app, ids)

    assert by_server == by_push
    second = by_push["rows"][visits[1]["id"]][1]
    assert second["growth_status"] == "T"  # derived values were computed (8.6 -> 8.5 kg: T)
    assert by_push["aggregates"][("PSY-A1", "2026-06")][1]["T"] == 1


def conflict_on(device, field: str, loser, winner, record: dict, kind: str = "person"):
    """Make two bidan devices edit one field concurrently; return (reviewer, conflict)."""
    first, second = device("bidan_a"), device("bidan_a")
    first.push([first.mutation(kind, {field: loser}, record_id=record["id"], base_version=1)])
    second.clock_ms = first.clock_ms + 1000  # the later edit wins
    result = second.push(
        [second.mutation(kind, {field: winner}, record_id=record["id"], base_version=1)]
    ).json()["results"][0]
    assert result["status"] == "conflict", result
    reviewer = device("pkm_a")
    [conflict] = reviewer.http.get(f"{reviewer.base}/conflicts", timeout=10).json()["conflicts"]
    assert (conflict["winner_value"], conflict["loser_value"]) == (winner, loser)
    return reviewer, conflict


def test_a_resolution_leaves_what_a_push_of_the_losing_value_leaves(app, device):
    child = person(birth_date="2025-06-10")
    visit = child_visit(child, visit_date="2026-06-10", weight_kg=9.0, length_cm=72.0)
    ids = [child["id"], visit["id"]]
    kader = device("kader_a1")
    kader.push([kader.mutation("person", child), kader.mutation("child_visit", visit)])
    kader.push([kader.mutation("child_visit", {"length_cm": 60.0}, record_id=visit["id"])])
    by_push = snapshot(app, ids)

    restart(app)
    kader = device("kader_a1")
    kader.push([kader.mutation("person", child), kader.mutation("child_visit", visit)])
    reviewer, conflict = conflict_on(device, "length_cm", 60.0, 72.5, visit, kind="child_visit")
    done = reviewer.http.post(
        f"{reviewer.base}/conflicts/{conflict['id']}/resolve", json={"choice": "loser"}, timeout=10
    )
    assert done.status_code == 200, done.text
    by_resolution = snapshot(app, ids)

    assert by_resolution == by_push
    assert by_push["rows"][visit["id"]][1]["lhaz"] < -2  # 60 cm at one year: stunted
    assert by_push["aggregates"][("PSY-A1", "2026-06")][0]["stunting"] == [1, 1]


def test_resolving_with_another_posyandu_refiles_the_record(app, device):
    from server.extensions import db
    from server.models import Record

    child = person("PSY-A1")
    kader_a1 = device("kader_a1")
    kader_a1.push([kader_a1.mutation("person", child)])
    reviewer, conflict = conflict_on(device, "posyandu_id", "PSY-A2", "PSY-A1", child)
    done = reviewer.http.post(
        f"{reviewer.base}/conflicts/{conflict['id']}/resolve", json={"choice": "loser"}, timeout=10
    )
    assert done.status_code == 200, done.text
    with app.app_context():
        row = db.session.get(Record, child["id"])
        assert (row.fields["posyandu_id"], row.posyandu_id) == ("PSY-A2", "PSY-A2")
        db.session.rollback()
    # The new posyandu's kader sees the person and may edit it; the old one's no longer does.
    kader_a2 = device("kader_a2")
    kader_a2.pull_all()
    assert child["id"] in kader_a2.replica
    edit = kader_a2.push(
        [
            kader_a2.mutation(
                "person",
                {"address": "Dusun III"},
                record_id=child["id"],
                base_version=kader_a2.replica[child["id"]]["version"],
            )
        ]
    ).json()["results"][0]
    assert edit["status"] in ("applied", "merged"), edit
    kader_a1.pull_all()
    assert child["id"] not in kader_a1.replica


def test_a_resolution_cannot_move_a_record_outside_the_reviewers_units(app, device):
    """A conflict whose losing value names another puskesmas' posyandu cannot be applied by
    the first puskesmas: the record stays where it is (audit finding 3)."""
    from server.extensions import db
    from server.models import Conflict, Record

    child = person("PSY-A1")
    kader = device("kader_a1")
    kader.push([kader.mutation("person", child)])
    with app.app_context():  # a conflict left from before a scope change (no device can make it)
        db.session.add(
            Conflict(
                record_id=child["id"],
                kind="person",
                field="posyandu_id",
                winner_value="PSY-A1",
                loser_value="PSY-B1",
                winner_hlc=kader.hlc(),
                loser_hlc=kader.hlc(),
                winner_device=kader.device_id,
                loser_device="another-device",
                posyandu_id="PSY-A1",
                desa_code="6111012001",
                kecamatan_code="611101",
                puskesmas_id="PKM-A",
                created_at=db.func.now(),
            )
        )
        db.session.commit()
    reviewer = device("pkm_a")
    [conflict] = reviewer.http.get(f"{reviewer.base}/conflicts", timeout=10).json()["conflicts"]
    refused = reviewer.http.post(
        f"{reviewer.base}/conflicts/{conflict['id']}/resolve", json={"choice": "loser"}, timeout=10
    )
    assert refused.status_code == 422, refused.text
    assert "tidak berwenang" in refused.text
    with app.app_context():
        row = db.session.get(Record, child["id"])
        assert (row.fields["posyandu_id"], row.posyandu_id, row.version) == ("PSY-A1", "PSY-A1", 1)
        assert db.session.get(Conflict, conflict["id"]).status == "open"
        db.session.rollback()


def test_a_device_cannot_push_the_kinds_written_from_the_pokjanal_pages(app, device):
    """Signals, death reviews and ODF verifications come from the pages; a device push of one
    (a kader closing a signal of its own posyandu, say) is refused."""
    import uuid

    kader = device("kader_a1")
    signal = {
        "id": str(uuid.uuid4()),
        "posyandu_id": "PSY-A1",
        "rule": "posyandu_silent",
        "period": "2026-06",
        "raised_on": "2026-06-30",
        "status": "closed",
        "closed_on": "2026-07-01",
        "note": "ditutup oleh kader",
    }
    result = kader.push([kader.mutation("signal", signal)]).json()["results"][0]
    assert result["status"] == "rejected", result
    assert list(result["errors"]) == ["_schema"]  # valid values, refused for who sends them
