"""Two identical merges sent at once (a double click on two screens, or a resend racing the
first answer) must apply once: the second sees the first's result and answers already merged."""

from __future__ import annotations

import functools

from testkit.factories import child_visit, person

from .test_period_review_race import race

ROUNDS = 8


def versions(app, *ids: str) -> list[int]:
    """Return the stored versions of records."""
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        found = [db.session.get(Record, i).version for i in ids]
        db.session.rollback()
        return found


def test_two_identical_merges_at_once_apply_once(app, device):
    kader, pkm, dinas = device("kader_a1"), device("pkm_a"), device("dinas")
    for round_ in range(ROUNDS):
        a = person(name=f"Siti Aminah {round_}")
        b = person(name=f"Siti Aminah {round_}", birth_date="2025-06-12")
        visit = child_visit(b, visit_date="2026-11-02")
        pushed = kader.push(
            [kader.mutation("person", a), kader.mutation("person", b)]
            + [kader.mutation("child_visit", visit)]
        )
        assert [r["status"] for r in pushed.json()["results"]] == ["applied"] * 3
        before = versions(app, b["id"], visit["id"])

        url, body = f"{kader.base}/persons/{b['id']}/merge", {"into": a["id"]}
        answers = race(
            functools.partial(pkm.http.post, url, json=body, timeout=60),
            functools.partial(dinas.http.post, url, json=body, timeout=60),
        )
        assert [answers[k].status_code for k in ("push", "verify")] == [200, 200]
        again = sorted(answers[k].json().get("already_merged", False) for k in answers)
        assert again == [False, True], (round_, [answers[k].json() for k in answers])
        # the duplicate deleted once and the visit moved once: one version each, not two
        assert versions(app, b["id"], visit["id"]) == [before[0] + 1, before[1] + 1]
