"""Issue #16 follow-ups: a refusal replayed answers its code again; the lock names the month in
words; a push and a verification racing on PostgreSQL cannot both win."""

from __future__ import annotations

import threading

import pytest

from shared.records.review_kinds import review_id
from testkit.factories import child_visit, person

from .test_period_review import review, submit


@pytest.fixture
def kader_child(device):
    """Return (kader device, person) already on the server."""
    kader = device("kader_a1")
    p = person()
    assert kader.push([kader.mutation("person", p)]).json()["results"][0]["status"] == "applied"
    return kader, p


def test_a_replayed_period_locked_refusal_answers_the_same_code(device, kader_child):
    kader, p = kader_child
    submit(kader, "PSY-A1", "2026-06")
    assert review(device("bidan_a"), "PSY-A1", "2026-06", "verified").status_code == 200
    late = kader.mutation("child_visit", child_visit(p, visit_date="2026-06-20"))
    first = kader.push([late]).json()["results"][0]
    assert (first["status"], first["code"]) == ("rejected", "period_locked")
    # the acknowledgement was lost: the device sends the same mutation (same seq) again
    again = kader.push([late]).json()["results"][0]
    assert (again["status"], again["outcome"]) == ("duplicate", "rejected")
    assert again["code"] == "period_locked"
    assert again["errors"] == first["errors"]


def test_a_replayed_merged_refusal_names_the_survivor_again(device):
    kader, offline = device("kader_a1"), device("kader_a1")
    a, b = person(name="Siti Aminah"), person(name="Siti Aminah", birth_date="2025-06-12")
    kader.push([kader.mutation("person", a), kader.mutation("person", b)])
    merged = device("pkm_a").http.post(
        f"{kader.base}/persons/{b['id']}/merge", json={"into": a["id"]}, timeout=30
    )
    assert merged.status_code == 200, merged.text
    edit = offline.mutation("person", {"address": "RT 03"}, record_id=b["id"], base_version=1)
    first = offline.push([edit]).json()["results"][0]
    assert (first["code"], first["merged_into"]) == ("merged", a["id"])
    again = offline.push([edit]).json()["results"][0]
    assert (again["status"], again["outcome"]) == ("duplicate", "rejected")
    assert (again["code"], again["merged_into"]) == ("merged", a["id"])


def test_the_lock_message_names_the_month_in_words(device, kader_child):
    kader, p = kader_child
    submit(kader, "PSY-A1", "2026-06")
    assert review(device("pkm_a"), "PSY-A1", "2026-06", "verified").status_code == 200
    english = device("kader_a1", lang="en")
    result = english.push([english.mutation("child_visit", child_visit(p))]).json()["results"][0]
    assert (
        "Month June 2026 was verified by Pkm A (Puskesmas officer)"
        in result["errors"]["_schema"][0]
    )
    result = kader.push([kader.mutation("child_visit", child_visit(p))]).json()["results"][0]
    message = result["errors"]["_schema"][0]
    assert message.startswith("Bulan Juni 2026 sudah diverifikasi oleh Pkm A (Petugas puskesmas)")
    assert "2026-06" not in message


def positions(app, *ids: str) -> list[int | None]:
    """Return the change-log positions of records (None for a record not stored)."""
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        found = [db.session.get(Record, i) for i in ids]
        db.session.rollback()
        return [r.change_seq if r is not None else None for r in found]


MONTHS = [
    f"{y}-{m:02d}" for y, m in [(2025, 7 + i) for i in range(6)] + [(2026, i) for i in range(1, 11)]
]


def verify(bidan, period: str):
    return review(bidan, "PSY-A1", period, "verified")


def race(push, verify) -> dict:
    """Run both requests from two threads released by one barrier; return their answers."""
    barrier, answers = threading.Barrier(2), {}

    def run(name, call):
        barrier.wait()
        answers[name] = call()

    threads = [threading.Thread(target=run, args=a) for a in (("push", push), ("verify", verify))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_a_push_and_a_verification_racing_cannot_both_win(app, device, kader_child):
    """Each round: a month is submitted; then, released by one barrier, a second laptop pushes a
    visit into it (with a long tail of other months' visits) while the bidan verifies it. The
    push must be refused, or be applied before the verification (an earlier change-log
    position): applied after a verification it never saw would put data into a signed month."""
    kader, p = kader_child
    laptop, bidan = device("kader_a1"), device("bidan_a")
    outcomes = []
    for period in MONTHS:
        submit(kader, "PSY-A1", period)
        visit = child_visit(p, visit_date=f"{period}-15")
        tail = [child_visit(p, visit_date="2026-11-02") for _ in range(40)]
        batch = [laptop.mutation("child_visit", v) for v in (visit, *tail)]
        answers = race(lambda b=batch: laptop.push(b), lambda m=period: verify(bidan, m))
        assert answers["verify"].status_code == 200, answers["verify"].text
        assert answers["push"].status_code == 200, answers["push"].text
        first = answers["push"].json()["results"][0]
        visit_at, verified_at = positions(app, visit["id"], review_id("PSY-A1", period))
        if first["status"] == "applied":
            assert visit_at < verified_at, f"{period}: the visit went in after the verification"
            outcomes.append("before")
        else:
            assert (first["status"], first["code"]) == ("rejected", "period_locked")
            assert visit_at is None
            outcomes.append("refused")
    assert len(outcomes) == len(MONTHS)
