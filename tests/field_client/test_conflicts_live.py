"""Conflicts on real devices against the real server: a reviewer's resolution reaches the devices,
a reviewer resolves and reopens from a device, and the device names conflicts (issue #14, 3–4)."""

from tests.support.server_fixtures import HttpDevice

from .conftest import POSYANDU


def concurrent_names(make_device):
    """Two kader devices rename Ani at once; return (a, b, person id) after both synced."""
    a, b = make_device("a"), make_device("b")
    ani = a.service().create(
        "person",
        {
            "posyandu_id": POSYANDU,
            "name": "Ani",
            "sex": "F",
            "birth_date": "2025-06-10",
            "mother_name": "Siti",
        },
    )
    a.agent.sync()
    b.agent.sync()
    a.service().update("person", ani.id, {"name": "Ani Dari A"})
    b.service().update("person", ani.id, {"name": "Ani Dari B"})
    a.agent.sync()
    b.agent.sync()
    a.agent.sync()
    return a, b, ani.id


def test_a_conflict_resolved_on_the_server_is_resolved_on_every_device(make_device, live_server):
    a, b, ani = concurrent_names(make_device)
    [open_on_b] = b.store.conflicts()
    assert open_on_b["status"] == "open"
    loser = open_on_b["loser_value"]

    reviewer = HttpDevice(live_server.url, "pkm_a")
    answer = reviewer.http.post(
        f"{reviewer.base}/conflicts/{open_on_b['id']}/resolve", json={"choice": "loser"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    for device in (a, b):
        device.agent.sync()
        [conflict] = device.store.conflicts()
        assert conflict["status"] == "resolved"
        assert (conflict["resolution"], conflict["resolved_by"]) == ("loser", "pkm_a")
        assert conflict["resolved_at"]
        assert device.store.get("person", ani).fields["name"] == loser
        assert device.store.conflicts("open") == []


def test_a_push_notice_resolved_before_the_device_saw_the_queue_is_followed(
    make_device, live_server
):
    a, b, ani = concurrent_names(make_device)
    [conflict] = b.store.conflicts()
    reviewer = HttpDevice(live_server.url, "pkm_a")
    reviewer.http.post(
        f"{reviewer.base}/conflicts/{conflict['id']}/resolve", json={"choice": "winner"}, timeout=10
    )
    # A device that only kept the push answer's notice (the server named the field only).
    with b.store.transaction() as db:
        db.execute("DELETE FROM conflicts")
        db.execute(
            "INSERT INTO conflicts (id, record_id, kind, field, data, reported_at) "
            "VALUES (?, ?, 'person', 'name', '{\"field\": \"name\"}', '2026-11-24T00:00:00Z')",
            (f"push:{ani}:name", ani),
        )
    b.agent.sync()
    [followed] = b.store.conflicts()
    assert (followed["id"], followed["status"]) == (str(conflict["id"]), "resolved")


def test_a_reviewer_resolves_and_reopens_from_a_device(make_device):
    a, b, ani = concurrent_names(make_device)
    review = make_device("pkm", username="pkm_a")
    review.agent.sync()
    [conflict] = review.store.conflicts()
    assert conflict["may_resolve"] is True and b.store.conflicts()[0]["may_resolve"] is False
    resolved = review.agent.resolve_conflict(conflict["id"], "loser")
    assert resolved["status"] == "resolved"
    review.agent.reopen_conflict(conflict["id"])
    assert review.store.conflicts()[0]["status"] == "open"
    review.agent.resolve_conflict(conflict["id"], "winner")
    for device in (a, review):
        device.agent.sync()
        [seen] = device.store.conflicts()
        assert [e["action"] for e in seen["events"]] == ["resolved", "reopened", "resolved"]
        assert device.store.get("person", ani).fields["name"] == conflict["winner_value"]


def test_the_device_names_a_conflict_by_person_date_and_field(make_device):
    from field_client.describe import conflict_label

    a, b = make_device("a"), make_device("b")
    service = a.service()
    bima = service.create(
        "person",
        {"posyandu_id": POSYANDU, "name": "Bima", "sex": "M", "birth_date": "2025-06-10"},
    )
    visit = service.create(
        "child_visit", {"person_id": bima.id, "visit_date": "2026-11-20", "weight_kg": 9.5}
    )
    a.agent.sync()
    b.agent.sync()
    a.service().update("child_visit", visit.id, {"weight_kg": 9.6})
    b.service().update("child_visit", visit.id, {"weight_kg": 9.7})
    a.agent.sync()
    b.agent.sync()
    [conflict] = b.store.conflicts()
    assert conflict_label(b.store, conflict, "id") == {
        "record": "Kunjungan balita Bima, 20/11/2026",
        "field": "Berat badan (kg)",
    }
