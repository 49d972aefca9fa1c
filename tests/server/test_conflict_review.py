"""Reviewing conflicts: reopen and choose the other value, the audit, following a resolution by
record id, and conflicts named by person, date and field (issue #14, items 3 and 4)."""

from __future__ import annotations

from testkit.factories import child_visit, person


def make_conflict(device, field, loser, winner, record, kind="person"):
    """Two bidan devices edit one field from version 1; the later edit wins. Return the conflict."""
    first, second = device("bidan_a"), device("bidan_a")
    first.push([first.mutation(kind, {field: loser}, record_id=record["id"], base_version=1)])
    second.clock_ms = first.clock_ms + 1000
    result = second.push(
        [second.mutation(kind, {field: winner}, record_id=record["id"], base_version=1)]
    ).json()["results"][0]
    assert result["status"] == "conflict", result
    reviewer = device("pkm_a")
    listed = reviewer.http.get(f"{reviewer.base}/conflicts", timeout=10).json()["conflicts"]
    [conflict] = [c for c in listed if (c["record_id"], c["field"]) == (record["id"], field)]
    return reviewer, conflict


def post(caller, conflict_id, action, **body):
    return caller.http.post(
        f"{caller.base}/conflicts/{conflict_id}/{action}", json=body or None, timeout=10
    )


def current_name(caller, record_id):
    fetched = caller.http.post(f"{caller.base}/sync/fetch", json={"ids": [record_id]}, timeout=10)
    return fetched.json()["changes"][0]["fields"]["name"]


def test_a_resolved_conflict_can_be_reopened_and_the_other_value_chosen(device):
    kader = device("kader_a1")
    p = person(name="Siti")
    kader.push([kader.mutation("person", p)])
    reviewer, conflict = make_conflict(device, "name", "Siti A", "Siti B", p)
    assert conflict["may_resolve"] is True and conflict["events"] == []

    done = post(reviewer, conflict["id"], "resolve", choice="loser")
    assert done.status_code == 200, done.text
    assert current_name(reviewer, p["id"]) == "Siti A"
    again = post(reviewer, conflict["id"], "reopen")
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["resolution"]) == ("open", None)
    assert current_name(reviewer, p["id"]) == "Siti A"  # reopening changes no data
    final = post(reviewer, conflict["id"], "resolve", choice="winner")
    assert final.status_code == 200, final.text
    assert current_name(reviewer, p["id"]) == "Siti B"  # the winner is written back

    events = final.json()["events"]
    assert [(e["action"], e["choice"], e["kept_value"], e["actor"]) for e in events] == [
        ("resolved", "loser", "Siti A", "pkm_a"),
        ("reopened", None, None, "pkm_a"),
        ("resolved", "winner", "Siti B", "pkm_a"),
    ]
    assert events[0]["other_value"] == "Siti B" and all(e["at"] for e in events)
    kader.pull_all()
    assert kader.replica[p["id"]]["fields"]["name"] == "Siti B"


def test_only_a_reviewer_in_scope_reopens_and_only_a_resolved_conflict(device):
    kader = device("kader_a1")
    p = person()
    kader.push([kader.mutation("person", p)])
    reviewer, conflict = make_conflict(device, "name", "Nama A", "Nama B", p)
    assert post(reviewer, conflict["id"], "reopen").status_code == 409  # still open
    assert post(reviewer, conflict["id"], "resolve", choice="winner").status_code == 200
    assert post(kader, conflict["id"], "reopen").status_code == 403
    assert post(device("pkm_b"), conflict["id"], "reopen").status_code == 404
    assert post(reviewer, 2202519752983, "reopen").status_code == 404
    listed = kader.http.get(f"{kader.base}/conflicts", timeout=10).json()["conflicts"]
    assert [c["may_resolve"] for c in listed] == [False]


def test_a_device_follows_the_resolution_of_conflicts_on_its_records(device):
    kader = device("kader_a1")
    p, other = person(), person()
    kader.push([kader.mutation("person", p), kader.mutation("person", other)])
    reviewer, conflict = make_conflict(device, "name", "Nama A", "Nama B", p)
    assert post(reviewer, conflict["id"], "resolve", choice="loser").status_code == 200

    url = f"{kader.base}/conflicts"
    asked = kader.http.get(url, params={"record_ids": f"{p['id']},{other['id']}"}, timeout=10)
    assert asked.status_code == 200, asked.text
    [found] = asked.json()["conflicts"]
    assert (found["id"], found["status"], found["resolution"]) == (
        conflict["id"],
        "resolved",
        "loser",
    )
    assert found["resolved_by"] == "pkm_a" and found["resolved_at"]
    assert kader.http.get(url, params={"status": "open"}, timeout=10).json()["conflicts"] == []
    outsider = device("kader_b1")
    assert outsider.http.get(url, params={"record_ids": p["id"]}, timeout=10).json() == {
        "conflicts": []
    }
    too_many = ",".join(f"id-{i}" for i in range(201))
    assert kader.http.get(url, params={"record_ids": too_many}, timeout=10).status_code == 422


def test_reopening_an_old_resolution_keeps_it_in_the_audit(app, device):
    from server.extensions import db
    from server.models import Conflict, ConflictEvent

    kader = device("kader_a1")
    p = person()
    kader.push([kader.mutation("person", p)])
    reviewer, conflict = make_conflict(device, "name", "Nama A", "Nama B", p)
    assert post(reviewer, conflict["id"], "resolve", choice="loser").status_code == 200
    with app.app_context():  # as if resolved before conflict_event existed
        db.session.query(ConflictEvent).delete()
        db.session.commit()
    assert post(reviewer, conflict["id"], "reopen").status_code == 200
    done = post(reviewer, conflict["id"], "resolve", choice="winner")
    assert [e["action"] for e in done.json()["events"]] == ["resolved", "reopened", "resolved"]
    assert current_name(reviewer, p["id"]) == "Nama B"
    with app.app_context():
        assert db.session.get(Conflict, conflict["id"]).resolution == "winner"


def test_conflicts_are_named_by_person_date_and_field(app, device):
    from server.extensions import db
    from server.models import Conflict
    from server.sync.conflicts import describe, describe_many

    kader = device("kader_a1")
    child = person(name="Bima", birth_date="2025-06-10")
    visit = child_visit(child, visit_date="2026-11-20", weight_kg=9.0)
    kader.push([kader.mutation("person", child), kader.mutation("child_visit", visit)])
    make_conflict(device, "weight_kg", 9.1, 9.2, visit, kind="child_visit")
    make_conflict(device, "name", "Bima A", "Bima B", child)
    with app.app_context():
        by_record = {c.record_id: c for c in db.session.query(Conflict)}
        on_visit = by_record[visit["id"]]
        assert describe(on_visit, db.session, "id") == {
            "record": "Kunjungan balita Bima B, 20/11/2026",
            "field": "Berat badan (kg)",
        }
        names = describe_many(by_record.values(), db.session, "en")
        assert names[by_record[child["id"]].id] == {
            "record": "Person Bima B, born 10/06/2025",
            "field": "Name",
        }
