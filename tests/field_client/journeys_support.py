"""The field client's journey coverage (issue #14): its recorder, and a store with one of everything.

How controls are named and touches recorded is ``tests/support/journeys.py`` (shared with the
Pokjanal pages); here are the field client's own naming rule (quarantine numbers ``fix-{seq}``)
and ``seed_world``. The touches of each run are written to ``tests/artifacts/journey-touches.json``.
"""

from __future__ import annotations

from typing import Any

from tests.support.journeys import Recorder

RECORDER = Recorder("journey-touches.json", rules=((r"^fix-\d+", "", "fix-{seq}"),))
TOUCHED, PASSED = RECORDER.touched, RECORDER.passed
record_touches, finish = RECORDER.record, RECORDER.finish
page_controls, write_touches = RECORDER.page_controls, RECORDER.write


# -- a store with something on every page ----------------------------------------------------


def seed_world(app: Any, today: Any, posyandu: str, desa: str) -> dict[str, str]:
    """Fill the device with one of everything a page shows; return the ids (and ``month``).

    A child with weighings and immunisations (one value re-measured, one visit deleted so the
    Urungkan banner can be shown), a mother with a pregnancy and an ANC visit, a lansia with a
    visit, this month's opening day and desa report, a refused change and a conflict.
    """
    from datetime import timedelta

    from field_client.service import RecordService

    store = app.extensions["posyandu"].store
    service = RecordService(store, today=today)

    def days(n: int) -> str:
        return (today - timedelta(days=n)).isoformat()

    person = {"posyandu_id": posyandu, "desa_code": desa}
    child = service.create(
        "person",
        {
            **person,
            "name": "Bima",
            "sex": "M",
            "birth_date": days(400),
            "mother_name": "Wati",
            "nik": "6111010101250001",
            "has_kia_book": True,
            "birth_weight_kg": 3.1,
        },
    )
    ids = {"child": child.id, "month": f"{today.year:04d}-{today.month:02d}"}
    for key, ago, kg, extra in (
        ("visit_old", 60, 9.0, {"immunizations": ["MR1"]}),
        ("visit_prev", 31, 9.2, {}),
        ("visit", 2, 9.5, {"length_cm": 76.5, "position": "lying"}),
        ("deleted_visit", 1, 9.6, {}),
    ):
        visit = {"person_id": child.id, "visit_date": days(ago), "weight_kg": kg, **extra}
        ids[key] = service.create("child_visit", visit).id
    service.delete("child_visit", ids["deleted_visit"])
    other = service.create(
        "person", {**person, "name": "Citra", "sex": "F", "birth_date": days(300)}
    )
    ids["other_child"] = other.id
    service.create("child_visit", {"person_id": other.id, "visit_date": days(40), "weight_kg": 8.2})
    remeasured = {"person_id": other.id, "visit_date": days(1), "weight_kg": 6.1}
    ids["remeasured_visit"] = service.create("child_visit", remeasured, confirm=True).id
    ids.update(_seed_adults(service, person, days))
    ids.update(_seed_reports(service, store, posyandu, desa, days, ids["month"]))
    ids.update(seed_ilp(service, person, days, ids))
    return ids


def seed_ilp(service: Any, person: dict, days: Any, ids: dict[str, str]) -> dict[str, str]:
    """The ILP records of issue #15: a schoolgirl with an anaemic youth visit, a mother 4 days
    after delivery with a nifas visit and KB, a TB screen, and an open and a closed referral."""
    pupil = service.create(
        "person", {**person, "name": "Rina", "sex": "F", "birth_date": days(12 * 365)}
    )
    links = {"person_id": pupil.id, "posyandu_id": person["posyandu_id"]}
    youth = service.create(
        "youth_visit", {**links, "visit_date": days(3), "weight_kg": 38.0, "hb_g_dl": 10.1}
    )
    mother = service.create(
        "person", {**person, "name": "Dewi", "sex": "F", "birth_date": days(28 * 365)}
    )
    links = {"person_id": mother.id, "posyandu_id": person["posyandu_id"]}
    pregnancy = service.create(
        "pregnancy",
        {
            **links,
            "registered_on": days(200),
            "lmp_date": days(280),
            "status": "delivered",
            "delivery_date": days(4),
            "outcome": "live_birth",
        },
    )
    nifas = service.create(
        "postpartum_visit", {**links, "pregnancy_id": pregnancy.id, "visit_date": days(1)}
    )
    kb = service.create(
        "family_planning", {**links, "visit_date": days(1), "status": "pus", "method": "suntik"}
    )
    elder = {"person_id": ids["elder"], "posyandu_id": person["posyandu_id"]}
    tb = service.create("tb_screening", {**elder, "visit_date": days(3), "symptoms": ["fever"]})
    referral = {**elder, "referral_date": days(3), "destination": "puskesmas"}
    open_ = service.create("referral", {**referral, "reason": "ptm"})
    closed = service.create(
        "referral",
        {**referral, "reason": "skilas", "status": "completed", "follow_up_date": days(1)},
    )
    return {
        "pupil": pupil.id,
        "youth_visit": youth.id,
        "nifas_mother": mother.id,
        "postpartum_visit": nifas.id,
        "family_planning": kb.id,
        "tb_screening": tb.id,
        "referral": open_.id,
        "closed_referral": closed.id,
    }


def _seed_adults(service: Any, person: dict, days: Any) -> dict[str, str]:
    mother = service.create(
        "person", {**person, "name": "Siti Aminah", "sex": "F", "birth_date": days(25 * 365)}
    )
    pregnancy = service.create(
        "pregnancy",
        {
            "person_id": mother.id,
            "posyandu_id": person["posyandu_id"],
            "registered_on": days(60),
            "lmp_date": days(120),
            "gravida": 1,
        },
    )
    anc = service.create(
        "anc_visit",
        {
            "pregnancy_id": pregnancy.id,
            "person_id": mother.id,
            "posyandu_id": person["posyandu_id"],
            "visit_date": days(5),
            "weight_kg": 55.0,
            "muac_cm": 24.0,
        },
    )
    elder = service.create(
        "person", {**person, "name": "Pak Umar", "sex": "M", "birth_date": "1950-01-01"}
    )
    adult_visit = service.create(
        "adult_visit",
        {
            "person_id": elder.id,
            "posyandu_id": person["posyandu_id"],
            "visit_date": days(3),
            "weight_kg": 60.0,
            "height_cm": 160.0,
        },
    )
    return {
        "mother": mother.id,
        "pregnancy": pregnancy.id,
        "anc_visit": anc.id,
        "elder": elder.id,
        "adult_visit": adult_visit.id,
    }


def _seed_reports(service, store, posyandu, desa, days, month) -> dict[str, str]:
    session = service.create(
        "posyandu_session",
        {"posyandu_id": posyandu, "session_date": days(2), "opened": True, "kader_present": 4},
    )
    report = service.create("desa_report", {"desa_code": desa, "period": month, "births_live": 1})
    refused = service.create(
        "person", {"posyandu_id": posyandu, "name": "Ditolak", "sex": "F", "birth_date": days(900)}
    )
    gone = service.create(
        "person", {"posyandu_id": posyandu, "name": "Dihapus", "sex": "M", "birth_date": days(800)}
    )
    service.delete("person", gone.id)
    seqs = {m.id: m.seq for m in store.pending() if m.op == "upsert"} | {
        m.id + ":delete": m.seq for m in store.pending() if m.op == "delete"
    }
    refusal = {"status": "rejected", "errors": {"name": ["Nama ditolak server."]}}
    store.apply_push_results(
        [{**refusal, "seq": seqs[refused.id]}, {**refusal, "seq": seqs[gone.id + ":delete"]}]
    )
    store.add_conflicts(_conflicts(report.id, refused.id))
    return {"session": session.id, "desa_report": report.id, "refused": refused.id, "gone": gone.id}


def _conflicts(report_id: str, person_id: str) -> list[dict[str, Any]]:
    """A kader's conflict notice, and two the server listed for a reviewer to decide: one open,
    one already decided (with its history), so Sinkronisasi shows every conflict control."""
    listed = {"kind": "person", "field": "name", "record_id": person_id, "may_resolve": True}
    return [
        {
            "id": "c-1",
            "record_id": report_id,
            "kind": "desa_report",
            "field": "births_live",
            "winner_value": 2,
            "loser_value": 1,
        },
        {
            **listed,
            "id": "101",
            "status": "open",
            "winner_value": "Ditolak",
            "loser_value": "Ditolak S",
        },
        {
            **listed,
            "id": "102",
            "field": "mother_name",
            "status": "resolved",
            "resolution": "loser",
            "winner_value": "Wati",
            "loser_value": "Wati S",
            "resolved_by": "pkm_a",
            "resolved_at": "2026-11-24T03:05:00+00:00",
            "events": [
                {
                    "action": "resolved",
                    "choice": "loser",
                    "actor": "pkm_a",
                    "at": "2026-11-24T03:05:00+00:00",
                    "kept_value": "Wati S",
                }
            ],
        },
    ]
