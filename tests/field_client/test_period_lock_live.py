"""Issue #16 on a device: an edit into a verified month is kept, quarantined, with the reason."""

import requests

from shared.records.review_kinds import review_id
from testkit import world

from .conftest import POSYANDU


def review(live_server, username: str, period: str, status: str) -> None:
    """Take a review step as ``username`` over the API."""
    login = requests.post(
        f"{live_server.url}/api/v1/auth/login",
        json={"username": username, "password": world.PASSWORD, "device_name": "web"},
        timeout=30,
    ).json()
    response = requests.post(
        f"{live_server.url}/api/v1/reviews/{POSYANDU}/{period}",
        json={"status": status},
        headers={"Authorization": f"Bearer {login['token']}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text


def test_an_offline_edit_into_a_verified_month_waits_in_quarantine(make_device, live_server):
    a, b = make_device("a"), make_device("b")
    ani = a.service().create(
        "person",
        {"posyandu_id": POSYANDU, "name": "Ani", "sex": "F", "birth_date": "2025-06-10"},
    )
    visit = a.service().create(
        "child_visit", {"person_id": ani.id, "visit_date": "2026-10-05", "weight_kg": 8.2}
    )
    a.agent.sync()
    b.agent.sync()
    b.service().update("child_visit", visit.id, {"weight_kg": 8.4})  # offline, then verified
    month = {"posyandu_id": POSYANDU, "period": "2026-10", "status": "submitted"}
    a.service().create("period_review", {"id": review_id(POSYANDU, "2026-10"), **month})
    a.agent.sync()  # the kader sends the month from the device
    review(live_server, "bidan_a", "2026-10", "verified")

    report = b.agent.sync()
    assert report.quarantined == 1
    [held] = b.store.quarantined()
    assert (
        "Bulan Oktober 2026 sudah diverifikasi oleh Bidan A (Bidan desa)"
        in held.errors["_schema"][0]
    )
    assert b.store.get("child_visit", visit.id).fields["weight_kg"] == 8.4  # kept, not dropped

    review(live_server, "pkm_a", "2026-10", "reopened")
    b.service().resend(held.seq, {})
    b.agent.sync()
    assert b.store.outbox_counts() == {"pending": 0, "quarantined": 0}
    a.agent.sync()
    assert a.store.get("child_visit", visit.id).fields["weight_kg"] == 8.4
