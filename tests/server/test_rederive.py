"""``posyandu-server rederive``: every stored record's derived values derived again (after a
rule-table change), stored as server changes devices pull; on SQLite and PostgreSQL.

Records are pushed by a device, then some derived values are set in the database the way an older
rule would have left them (no new version) and the aggregates rebuilt from those; the command must
fix exactly those records (values from a fresh derivation over the inputs, by the shared code), as
new versions a device's pull brings, keep the indicator aggregates equal to a rebuild, and change
nothing when run again.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from shared.derive import (
    derive_adult_visit,
    derive_anc_visit,
    derive_child_visits,
    derive_person_records,
)
from testkit.factories import child_visit, new_id, person
from tests.server.test_aggregates import _ok


def _records() -> dict[str, tuple[str, dict]]:
    """Return the pushed records by name: two children with visits, a dose, a mother with an ANC
    visit, an adult with a visit."""
    ana = person(name="Ana", sex="F", birth_date="2025-06-10")
    beni = person(name="Beni", sex="M", birth_date="2024-11-02")
    ibu = person(name="Ibu Ana", sex="F", birth_date="1996-04-01")
    pak = person(name="Pak Harun", sex="M", birth_date="1960-05-05")
    out = {"ana": ("person", ana), "beni": ("person", beni)}
    for month, kg in ((3, 7.6), (4, 7.9), (5, 7.8), (6, 8.4), (7, 8.9)):
        day = f"2026-{month:02d}-10"
        out[f"ana-{month}"] = ("child_visit", child_visit(ana, visit_date=day, weight_kg=kg))
    for month, kg in ((4, 10.1), (5, 10.4), (6, 10.4)):
        day = f"2026-{month:02d}-12"
        visit = child_visit(beni, visit_date=day, weight_kg=kg, length_cm=78.0, position="lying")
        out[f"beni-{month}"] = ("child_visit", visit)
    out["ana-bcg"] = (
        "immunization",
        {
            "id": new_id(),
            "person_id": ana["id"],
            "posyandu_id": "PSY-A1",
            "antigen": "BCG",
            "given_on": "2025-06-20",
        },
    )
    pregnancy = {
        "id": new_id(),
        "person_id": ibu["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": "2026-08-01",
        "lmp_date": "2026-06-20",
        "status": "active",
    }
    out |= {"ibu": ("person", ibu), "pak": ("person", pak), "hamil": ("pregnancy", pregnancy)}
    out["anc"] = (
        "anc_visit",
        {
            "id": new_id(),
            "pregnancy_id": pregnancy["id"],
            "person_id": ibu["id"],
            "posyandu_id": "PSY-A1",
            "visit_date": "2026-10-05",
            "weight_kg": 58.0,
            "muac_cm": 24.0,
        },
    )
    out["adult"] = (
        "adult_visit",
        {
            "id": new_id(),
            "person_id": pak["id"],
            "posyandu_id": "PSY-A1",
            "visit_date": "2026-10-12",
            "weight_kg": 70.0,
            "height_cm": 165.0,
            "systolic_bp": 150,
            "diastolic_bp": 95,
        },
    )
    return out


def _expected(records: dict[str, tuple[str, dict]]) -> dict[str, dict]:
    """Return every record's derived values, derived afresh from the pushed inputs."""
    by_id = {fields["id"]: (kind, fields) for kind, fields in records.values()}
    expected: dict[str, dict] = {}
    for person_id, (kind, person_fields) in by_id.items():
        if kind != "person":
            continue
        own = [(k, f) for k, f in by_id.values() if k != "person" and f["person_id"] == person_id]
        visits = [f for k, f in own if k == "child_visit"]
        if visits:
            expected |= derive_child_visits(person_fields, visits)
        expected |= derive_person_records(person_fields, own)
    for kind, fields in by_id.values():
        if kind == "anc_visit":
            expected[fields["id"]] = derive_anc_visit(fields, by_id[fields["pregnancy_id"]][1])
        elif kind == "adult_visit":
            expected[fields["id"]] = derive_adult_visit(fields)
    return expected


def _stored(app) -> dict[str, tuple[int, int, dict]]:
    """Return every record's (version, change-log position, fields)."""
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        rows = db.session.execute(
            sa.select(Record.id, Record.version, Record.change_seq, Record.fields)
        )
        stored = {i: (v, s, f) for i, v, s, f in rows}
        db.session.rollback()
    return stored


def _aggregates(app, *, rebuild: bool = False, commit: bool = False) -> dict:
    """Return the indicator aggregates kept (or, ``rebuild``, rebuilt from the records)."""
    from server.extensions import db
    from server.indicators.refresh import rebuild_all
    from server.models import IndicatorMonth

    with app.app_context():
        if rebuild:
            rebuild_all(db.session)
        rows = {
            (r.posyandu_id, r.period): (r.values, r.counts, r.extra)
            for r in db.session.execute(sa.select(IndicatorMonth)).scalars()
        }
        db.session.commit() if commit else db.session.rollback()
    return rows


def _corrupt(app, ids_and_values: dict[str, dict]) -> None:
    """Overwrite derived values in the database, as an old rule left them: no new version."""
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        for record_id, values in ids_and_values.items():
            fields = db.session.get(Record, record_id).fields
            db.session.execute(
                sa.update(Record).where(Record.id == record_id).values(fields={**fields, **values})
            )
        db.session.commit()


def _rederive(app, *args) -> tuple[int, str]:
    from server.sync.commands import rederive_command

    result = app.test_cli_runner().invoke(rederive_command, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_rederive_fixes_exactly_the_stale_records_as_server_changes(app, device):
    records = _records()
    kader, bidan = device("kader_a1"), device("bidan_a")
    _ok(kader.push([kader.mutation(kind, fields) for kind, fields in records.values()]))
    bidan.pull_all()
    expected = _expected(records)
    ids = {name: fields["id"] for name, (_, fields) in records.items()}
    pushed = _stored(app)
    for record_id, values in expected.items():  # the push derived them all
        assert {k: pushed[record_id][2].get(k) for k in values} == values, record_id

    ana3, ana5 = expected[ids["ana-3"]], expected[ids["ana-5"]]
    assert (ana3["growth_status"], ana5["growth_status"]) == ("B", "T")
    stale = {
        ids["ana-3"]: {"waz": ana3["waz"] + 1.5},  # a z-score by an older table
        ids["ana-5"]: {"growth_status": "N", "kbm_g": 100, "growth_gain_g": 0},  # an older KBM
        ids["beni-6"]: {"waz": -3.5, "bgm": True, "two_t": True},  # BGM in the aggregates
        ids["ana-bcg"]: {"status": "invalid"},
        ids["anc"]: {"kek": True},
        ids["adult"]: {"bmi": 20.0, "bmi_category": "normal"},
    }
    _corrupt(app, stale)
    old_aggregates = _aggregates(app, rebuild=True, commit=True)  # as the old values left them
    before = _stored(app)

    code, output = _rederive(app, "--json", "--batch", "2")
    assert code == 0, output
    assert json.loads(output) == {
        "persons": 4,
        "changed": len(stale),
        "by_kind": {
            "child_visit": 3,
            "immunization": 1,
            "anc_visit": 1,
            "adult_visit": 1,
        },
    }
    after = _stored(app)
    for record_id, values in expected.items():
        assert {k: after[record_id][2].get(k) for k in values} == values, record_id
    for record_id, (version, position, fields) in before.items():
        if record_id in stale:
            assert after[record_id][0] == version + 1
            assert after[record_id][1] > max(p for _, p, _ in before.values() if p is not None)
        else:
            assert after[record_id] == (version, position, fields), record_id
    # A device pulling from where it was gets exactly the fixed records, with their new values.
    pulled = {change["id"]: change for change in bidan.pull_all()}
    assert set(pulled) == set(stale)
    for record_id, change in pulled.items():
        assert change["version"] == before[record_id][0] + 1
        assert {k: change["fields"].get(k) for k in expected[record_id]} == expected[record_id]
    # The aggregates moved back from what the stale values gave, to a rebuild's.
    kept = _aggregates(app)
    assert kept != old_aggregates
    assert kept == _aggregates(app, rebuild=True)

    # Run again: nothing left to change.
    code, output = _rederive(app)
    assert code == 0, output
    assert output.strip() == "nilai turunan dihitung ulang: 4 orang diperiksa, 0 data berubah"
    assert _stored(app) == after
    assert bidan.pull_all() == []


def test_rederive_of_an_empty_database_and_in_chunks_of_one(app, world):
    code, output = _rederive(app, "--json")
    assert (code, json.loads(output)) == (0, {"persons": 0, "changed": 0, "by_kind": {}})
    from server.extensions import db
    from server.reference import write_records

    child = person(birth_date="2025-06-10")
    visits = [
        child_visit(child, visit_date="2026-05-10", weight_kg=8.6),
        child_visit(child, visit_date="2026-06-10", weight_kg=8.5),
    ]
    others = [person(birth_date="2024-01-01") for _ in range(3)]
    with app.app_context():
        write_records(
            db.session,
            [("person", child), *(("person", o) for o in others)]
            + [("child_visit", v) for v in visits],
        )
        db.session.commit()
    _corrupt(app, {visits[1]["id"]: {"growth_status": "N"}})
    code, output = _rederive(app, "--batch", "1")
    assert code == 0, output
    assert output.strip() == (
        "nilai turunan dihitung ulang: 4 orang diperiksa, 1 data berubah (child_visit 1)"
    )
    assert _stored(app)[visits[1]["id"]][2]["growth_status"] == "T"  # 8.6 -> 8.5 kg
