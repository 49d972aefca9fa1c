"""Issue #16: one person, one record: duplicates found, merged, followed by devices."""

from __future__ import annotations

import uuid

from testkit.factories import child_visit, person


def merge(dev, duplicate: str, survivor: str, choices: dict | None = None):
    """Ask to merge ``duplicate`` into ``survivor`` as ``dev``'s user."""
    return dev.http.post(
        f"{dev.base}/persons/{duplicate}/merge",
        json={"into": survivor, "fields": choices or {}},
        timeout=30,
    )


def skdn(app, posyandu: str, period: str) -> dict:
    """Return the stored SKDN counts of a posyandu-month."""
    from server.extensions import db
    from server.models import IndicatorMonth

    with app.app_context():
        row = db.session.get(IndicatorMonth, (posyandu, period))
        counts = dict(row.counts) if row is not None else {}
        db.session.rollback()
    return counts


def twins(kader):
    """Push one child registered twice, each record with a weighing; return both and visits."""
    a = person(name="Siti Aminah", nik="6111014506250001")
    b = person(name="Siti Aminah", birth_date="2025-06-12", phone="081234567890")
    va, vb = child_visit(a, visit_date="2026-06-10"), child_visit(b, visit_date="2026-06-11")
    muts = [kader.mutation(k, f) for k, f in (("person", a), ("person", b))]
    muts += [kader.mutation("child_visit", v) for v in (va, vb)]
    assert {r["status"] for r in kader.push(muts).json()["results"]} == {"applied"}
    return a, b, va, vb


def test_merge_moves_the_visits_counts_the_child_once_and_devices_follow(app, device):
    from server.extensions import db
    from server.scope import Scope
    from server.sync.person_merge import find_duplicates

    kader = device("kader_a1")
    a, b, va, vb = twins(kader)
    with app.app_context():
        found = find_duplicates(db.session, Scope("admin", everything=True))
        db.session.rollback()
    assert [(x["id"], y["id"], why) for x, y, why in found] == [(a["id"], b["id"], "similar")]
    assert skdn(app, "PSY-A1", "2026-06")["S"] == 2

    answer = merge(device("pkm_a"), b["id"], a["id"], {"phone": "duplicate"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["moved"] == {"child_visit": [vb["id"]]}
    assert skdn(app, "PSY-A1", "2026-06")["S"] == 1

    kader.pull_all()
    children = [c for c in kader.replica.values() if c["kind"] == "person"]
    assert [c["id"] for c in children] == [a["id"]]
    assert children[0]["fields"]["phone"] == "081234567890"  # chosen from the duplicate
    assert kader.replica[vb["id"]]["fields"]["person_id"] == a["id"]
    with app.app_context():
        from server.models import Record

        row = db.session.get(Record, b["id"])
        assert row.deleted and row.fields["merged_into"] == a["id"]
        assert row.field_meta["merged_into"][2] == "pkm_a"  # the audit: who merged
        db.session.rollback()


def test_a_device_pulling_after_the_merge_sees_the_duplicate_deleted(device):
    kader, other = device("kader_a1"), device("kader_a1")
    a, b, _, vb = twins(kader)
    other.pull_all()
    assert b["id"] in other.replica
    assert merge(device("pkm_a"), b["id"], a["id"]).status_code == 200
    seen = other.pull_all()
    gone = [c for c in seen if c["id"] == b["id"]]
    assert gone and gone[0]["deleted"] and gone[0]["fields"]["merged_into"] == a["id"]
    assert b["id"] not in other.replica


def test_a_device_still_writing_to_the_merged_id_is_told_the_survivor(device):
    kader, offline = device("kader_a1"), device("kader_a1")
    a, b, _, _ = twins(kader)
    assert merge(device("pkm_a"), b["id"], a["id"]).status_code == 200
    edit = offline.mutation("person", {"address": "RT 03"}, record_id=b["id"], base_version=1)
    visit = offline.mutation("child_visit", child_visit(b, visit_date="2026-07-01"))
    results = offline.push([edit, visit]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert [r["code"] for r in results] == ["merged", "merged"]
    assert [r["merged_into"] for r in results] == [a["id"], a["id"]]
    assert a["id"] in results[0]["errors"]["_schema"][0]


def test_persons_of_two_puskesmas_are_merged_only_by_dinas_or_admin(device):
    kader_a, kader_b = device("kader_a1"), device("kader_b1")
    a = person(name="Budi Santoso", sex="M")
    b = person("PSY-B1", desa_code="6111022001", name="Budi Santosa", sex="M")
    kader_a.push([kader_a.mutation("person", a)])
    kader_b.push([kader_b.mutation("person", b)])
    assert merge(device("pkm_a"), b["id"], a["id"]).status_code in (403, 404)
    assert merge(device("pkm_b"), b["id"], a["id"]).status_code in (403, 404)
    assert merge(device("kader_a1"), b["id"], a["id"]).status_code == 403
    assert merge(device("dinas"), b["id"], a["id"]).status_code == 200
    again = merge(device("admin"), b["id"], a["id"])  # already merged: sent again, no effect
    assert (again.status_code, again.json()["already_merged"]) == (200, True)
    assert merge(device("admin"), b["id"], str(uuid.uuid4())).status_code == 404


def test_equal_nik_is_a_duplicate_whatever_the_names(app, device):
    from server.extensions import db
    from server.scope import Scope
    from server.sync.person_merge import find_duplicates

    kader = device("kader_a1")
    nik = "6111014506250002"
    a, b = person(name="Ani", nik=nik), person(name="Rina", nik=nik, birth_date="2024-01-01")
    kader.push([kader.mutation("person", a), kader.mutation("person", b)])
    with app.app_context():
        found = find_duplicates(db.session, Scope("admin", everything=True))
        db.session.rollback()
    assert {frozenset((x["id"], y["id"])) for x, y, why in found if why == "nik"} == {
        frozenset((a["id"], b["id"]))
    }
