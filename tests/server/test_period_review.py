"""Issue #16: a posyandu-month submitted, verified and closed; reopened; the input deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.records.review_kinds import review_id
from testkit.factories import child_visit, new_id, person


def review(dev, posyandu: str, period: str, status: str, note: str | None = None):
    """Post a review step as ``dev``'s user; return the response."""
    return dev.http.post(
        f"{dev.base}/reviews/{posyandu}/{period}", json={"status": status, "note": note}, timeout=30
    )


def submit(kader, posyandu: str, period: str) -> dict:
    """Push the kader's submission of a month from the device; return its result."""
    fields = {"id": review_id(posyandu, period), "posyandu_id": posyandu, "period": period}
    fields |= {"status": "submitted", "by": kader.user["name"]}
    return kader.push([kader.mutation("period_review", fields)]).json()["results"][0]


@pytest.fixture
def child(device):
    """Return (kader device, person, June visit) already on the server."""
    kader = device("kader_a1")
    p = person()
    v = child_visit(p, visit_date="2026-06-10")
    results = kader.push([kader.mutation("person", p), kader.mutation("child_visit", v)]).json()
    assert [r["status"] for r in results["results"]] == ["applied", "applied"]
    return kader, p, v


def test_verified_month_refuses_an_offline_device_and_reopen_lets_it_in(device, child):
    kader, p, v = child
    offline = device("kader_a1")  # a second laptop, offline since before the verification
    assert submit(kader, "PSY-A1", "2026-06")["status"] == "applied"
    answer = review(device("bidan_a"), "PSY-A1", "2026-06", "verified")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "verified"

    edit = offline.mutation("child_visit", {"weight_kg": 9.4}, record_id=v["id"], base_version=1)
    late = offline.mutation("child_visit", child_visit(p, visit_date="2026-06-20"))
    july = offline.mutation("child_visit", child_visit(p, visit_date="2026-07-02"))
    results = offline.push([edit, late, july]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert results[0]["code"] == results[1]["code"] == "period_locked"
    message = results[0]["errors"]["_schema"][0]
    assert (
        "Bulan Juni 2026 sudah diverifikasi" in message
        and "oleh Bidan A (Bidan desa)" in message  # by name, never the username
        and "bidan_a" not in message
        and "membuka kembali" in message
    )
    assert "code" not in results[2]

    reopened = review(device("pkm_a"), "PSY-A1", "2026-06", "reopened")
    assert reopened.status_code == 200, reopened.text
    again = offline.mutation("child_visit", {"weight_kg": 9.4}, record_id=v["id"], base_version=1)
    assert offline.push([again]).json()["results"][0]["status"] == "applied"


def test_a_visit_cannot_be_moved_out_of_a_verified_month(device, child):
    kader, p, v = child
    submit(kader, "PSY-A1", "2026-06")
    assert review(device("pkm_a"), "PSY-A1", "2026-06", "verified").status_code == 200
    move = kader.mutation(
        "child_visit", {"visit_date": "2026-07-01"}, record_id=v["id"], base_version=1
    )
    result = kader.push([move]).json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "period_locked")


def test_each_role_takes_only_its_steps(device, child):
    kader, _, _ = child
    bidan, pkm_a, pkm_b, dinas = (device(u) for u in ("bidan_a", "pkm_a", "pkm_b", "dinas"))
    assert review(kader, "PSY-A1", "2026-06", "verified").status_code == 403  # kader: submit only
    assert review(kader, "PSY-A1", "2026-06", "submitted").status_code == 200
    assert review(pkm_b, "PSY-A1", "2026-06", "verified").status_code == 403  # outside its scope
    assert review(dinas, "PSY-A1", "2026-06", "verified").status_code == 403  # reads only
    returned = review(bidan, "PSY-A1", "2026-06", "returned", "BB bulan Juni belum lengkap")
    assert returned.json()["note"] == "BB bulan Juni belum lengkap"
    assert review(kader, "PSY-A1", "2026-06", "submitted").status_code == 200
    assert review(bidan, "PSY-A1", "2026-06", "verified").status_code == 200
    assert review(bidan, "PSY-A1", "2026-06", "reopened").status_code == 403  # puskesmas only
    assert review(kader, "PSY-A1", "2026-06", "submitted").status_code == 403  # verified: closed
    assert review(pkm_a, "PSY-A1", "2026-06", "reopened").status_code == 200
    kader.pull_all()
    stored = kader.replica[review_id("PSY-A1", "2026-06")]["fields"]
    assert (stored["status"], stored["by"]) == ("reopened", "pkm_a")


def test_a_review_with_another_id_is_refused(device):
    kader = device("kader_a1")
    fields = {"id": new_id(), "posyandu_id": "PSY-A1", "period": "2026-06", "status": "submitted"}
    result = kader.push([kader.mutation("period_review", fields)]).json()["results"][0]
    assert result["status"] == "rejected" and "id" in result["errors"]


def test_the_input_deadline_closes_a_month_until_the_puskesmas_reopens_it(app, device, child):
    kader, p, v = child
    app.config["POSYANDU_LOCK_AFTER_DAY"] = 10
    today = dt.date.today().isoformat()
    old = kader.mutation("child_visit", {"weight_kg": 9.2}, record_id=v["id"], base_version=1)
    now = kader.mutation("child_visit", child_visit(p, visit_date=today))
    results = kader.push([old, now]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["code"] == "period_locked"
    assert "Masa input bulan Juni 2026 sudah ditutup" in results[0]["errors"]["_schema"][0]
    assert review(device("pkm_a"), "PSY-A1", "2026-06", "reopened").status_code == 200
    again = kader.mutation("child_visit", {"weight_kg": 9.2}, record_id=v["id"], base_version=1)
    assert kader.push([again]).json()["results"][0]["status"] == "applied"


def test_the_desa_report_closes_when_every_posyandu_of_the_desa_is_verified(device):
    bidan = device("bidan_a")
    report = {"id": new_id(), "desa_code": "6111012001", "period": "2026-06", "births_live": 2}
    for posyandu in ("PSY-A1", "PSY-A2"):
        assert review(bidan, posyandu, "2026-06", "submitted").status_code == 200
    assert review(bidan, "PSY-A1", "2026-06", "verified").status_code == 200
    first = bidan.push([bidan.mutation("desa_report", report)]).json()["results"][0]
    assert first["status"] == "applied"
    assert review(bidan, "PSY-A2", "2026-06", "verified").status_code == 200
    edit = bidan.mutation("desa_report", {"births_live": 3}, record_id=report["id"], base_version=1)
    result = bidan.push([edit]).json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "period_locked")


def test_the_system_writer_is_not_held_by_locks(app, device, child):
    from server.extensions import db
    from server.sync.changes import ChangeSet, Writer

    kader, p, v = child
    submit(kader, "PSY-A1", "2026-06")
    assert review(device("pkm_a"), "PSY-A1", "2026-06", "verified").status_code == 200
    with app.app_context():
        changes = ChangeSet(db.session, Writer.system("demo"))
        assert changes.server_write("child_visit", v["id"], {"weight_kg": 9.3}) == "updated"
        changes.commit()
        db.session.commit()


def test_a_server_write_by_a_user_meets_the_same_lock(app, device, child):
    from server.auth import user_scope
    from server.extensions import db
    from server.models import User
    from server.sync.changes import ChangeSet, Rejected, Writer

    kader, p, v = child
    submit(kader, "PSY-A1", "2026-06")
    assert review(device("pkm_a"), "PSY-A1", "2026-06", "verified").status_code == 200
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="bidan_a")).scalar_one()
        changes = ChangeSet(db.session, Writer.user("bidan_a", user_scope(db.session, user)))
        with pytest.raises(Rejected) as refused:
            changes.server_write("child_visit", v["id"], {"weight_kg": 9.3})
        assert refused.value.code == "period_locked"
        db.session.rollback()


def test_a_verification_inside_one_change_set_closes_the_month_for_what_follows(app, device, child):
    """The month's lock is asked once per change set and month (issue #19's speed work); a
    review step written in the same change set must be seen by the records after it."""
    from server.auth import user_scope
    from server.extensions import db
    from server.models import User
    from server.sync.changes import ChangeSet, Rejected, Writer

    kader, p, v = child
    submit(kader, "PSY-A1", "2026-06")
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(username="bidan_a")).scalar_one()
        changes = ChangeSet(db.session, Writer.user("bidan_a", user_scope(db.session, user)))
        assert changes.server_write("child_visit", v["id"], {"weight_kg": 9.2}) == "updated"
        rid = review_id("PSY-A1", "2026-06")
        assert changes.server_write("period_review", rid, {"status": "verified"}) == "updated"
        with pytest.raises(Rejected) as refused:
            changes.server_write("child_visit", v["id"], {"weight_kg": 9.3})
        assert refused.value.code == "period_locked"
        db.session.rollback()


def test_a_merge_moving_a_visit_of_a_verified_month_is_refused(device, child):
    kader, p, v = child
    twin = person(name=p["name"], birth_date="2025-06-11")
    kader.push([kader.mutation("person", twin)])
    submit(kader, "PSY-A1", "2026-06")
    pkm = device("pkm_a")
    assert review(pkm, "PSY-A1", "2026-06", "verified").status_code == 200
    answer = pkm.http.post(
        f"{pkm.base}/persons/{p['id']}/merge", json={"into": twin["id"]}, timeout=30
    )
    assert answer.status_code == 422 and "Juni 2026" in str(answer.json()["error"]["details"])
    kader.pull_all()
    assert kader.replica[v["id"]]["fields"]["person_id"] == p["id"]  # nothing moved


def stored_review(dev, posyandu: str, period: str) -> tuple[dict, int]:
    """Pull and return the review's fields and version as ``dev`` holds them."""
    dev.pull_all()
    stored = dev.replica[review_id(posyandu, period)]
    return stored["fields"], stored["version"]


def test_the_server_stamps_who_took_each_step_and_when(device, child):
    kader, _, _ = child
    fields = {"id": review_id("PSY-A1", "2026-06"), "posyandu_id": "PSY-A1", "period": "2026-06"}
    claimed = fields | {
        "status": "submitted",
        "by": "pkm_a",
        "by_name": "Pkm A",
        "reviewed_at": "2020-01-01",
    }
    result = kader.push([kader.mutation("period_review", claimed)]).json()["results"][0]
    assert result["status"] == "applied", result
    submitted, _ = stored_review(kader, "PSY-A1", "2026-06")
    assert submitted["by"] == "kader_a1"  # the device's signed-in user, not the claimed name
    assert submitted["by_name"] == "Kader A1"  # for the device, which has no user list
    assert submitted["reviewed_at"] > "2026-01-01"
    assert review(device("bidan_a"), "PSY-A1", "2026-06", "verified").status_code == 200
    verified, version = stored_review(kader, "PSY-A1", "2026-06")
    assert verified["by"] == "bidan_a" and verified["reviewed_at"] >= submitted["reviewed_at"]
    assert verified["by_name"] == "Bidan A"

    # the kader's reopen request changes only the request: the verifier and the time stay
    ask = {"reopen_request": "2 kunjungan tertahan", "by": "kader_a1", "reviewed_at": "x"}
    asked = kader.mutation("period_review", ask, record_id=fields["id"], base_version=version)
    assert kader.push([asked]).json()["results"][0]["status"] == "applied"
    requested, _ = stored_review(kader, "PSY-A1", "2026-06")
    assert requested["reopen_request"] == "2 kunjungan tertahan"
    assert (requested["by"], requested["by_name"], requested["reviewed_at"]) == (
        "bidan_a",
        "Bidan A",
        verified["reviewed_at"],
    )
    assert requested["status"] == "verified"


@pytest.mark.parametrize(
    "change", [{"note": "sudah benar semua"}, {"note": "x", "reopen_request": "buka"}]
)
def test_without_a_status_step_only_the_reopen_request_may_change(device, child, change):
    kader, _, _ = child
    assert submit(kader, "PSY-A1", "2026-06")["status"] == "applied"
    assert review(device("bidan_a"), "PSY-A1", "2026-06", "verified").status_code == 200
    before, version = stored_review(kader, "PSY-A1", "2026-06")
    record_id = review_id("PSY-A1", "2026-06")
    edit = kader.mutation("period_review", change, record_id=record_id, base_version=version)
    result = kader.push([edit]).json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "review_step_refused")
    assert "hanya boleh diberi permintaan buka kembali" in result["errors"]["_schema"][0]
    after, after_version = stored_review(device("bidan_a"), "PSY-A1", "2026-06")
    assert (after, after_version) == (before, version)  # nothing of it written


def test_a_web_review_keeping_its_status_cannot_change_the_note(device, child):
    kader, _, _ = child
    bidan = device("bidan_a")
    assert submit(kader, "PSY-A1", "2026-06")["status"] == "applied"
    assert review(bidan, "PSY-A1", "2026-06", "returned", "BB belum lengkap").status_code == 200
    before, version = stored_review(kader, "PSY-A1", "2026-06")
    answer = review(bidan, "PSY-A1", "2026-06", "returned", "catatan lain")
    assert answer.status_code in (403, 422), answer.text
    assert "permintaan buka kembali" in answer.text
    assert stored_review(kader, "PSY-A1", "2026-06") == (before, version)
    # the same step again (a replay) changes nothing and is not refused
    assert review(bidan, "PSY-A1", "2026-06", "returned", "BB belum lengkap").status_code == 200
