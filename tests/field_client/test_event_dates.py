"""The device places every dated kind in time by its own date field (shared/records registry).

Before schema 4 the device's event date was the first of a hand list of field names that lacked
``given_on`` and ``referral_date``: immunisation doses and referrals had no date on the device,
so a date filter never found them and they sorted before every visit.
"""

from __future__ import annotations

import sqlite3

from field_client.store import SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_VERSION, Store
from shared import records

PERSON = "person-1"


def save_dated(store: Store) -> None:
    store.save("immunization", "imm-1", {"person_id": PERSON, "given_on": "2026-03-02"})
    store.save("referral", "ref-1", {"person_id": PERSON, "referral_date": "2026-04-15"})
    store.save("child_visit", "vis-1", {"person_id": PERSON, "visit_date": "2026-03-20"})


def event_dates(store: Store) -> dict[str, str | None]:
    rows = store._db.execute("SELECT id, event_date FROM records ORDER BY id").fetchall()
    return {row[0]: row[1] for row in rows}


def test_doses_and_referrals_have_their_date_on_the_device(store):
    save_dated(store)
    assert event_dates(store) == {
        "imm-1": "2026-03-02",
        "ref-1": "2026-04-15",
        "vis-1": "2026-03-20",
    }
    march = store.list("immunization", date_from="2026-03-01", date_to="2026-03-31")
    assert [r.id for r in march] == ["imm-1"]
    assert store.list("referral", date_from="2026-05-01") == []
    assert [r.id for r in store.list("referral", date_to="2026-04-30")] == ["ref-1"]


def test_every_kind_with_an_event_date_field_has_that_field():
    dated = records.event_date_fields()
    assert dated["immunization"] == "given_on" and dated["referral"] == "referral_date"
    for kind, name in dated.items():
        assert name in records.spec(kind).fields, (kind, name)


def test_a_schema_3_store_gets_the_dates_of_its_doses_and_referrals(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for script in (SCHEMA_V1, SCHEMA_V2, SCHEMA_V3):
        db.executescript(script)
    db.execute(
        "INSERT INTO records (id, kind, version, fields, updated_at) VALUES "
        '(\'imm-1\', \'immunization\', 4, \'{"person_id": "p", "given_on": "2026-03-02"}\', '
        "'2026-03-02T01:00:00+00:00')"
    )
    assert db.execute("SELECT event_date FROM records").fetchone() == (None,)
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert event_dates(store) == {"imm-1": "2026-03-02"}
        assert store.get("immunization", "imm-1").fields["given_on"] == "2026-03-02"
        indexes = {r[0] for r in store._db.execute("SELECT name FROM sqlite_master")}
        assert {"records_kind_date", "records_kind_person", "records_kind_posyandu"} <= indexes
