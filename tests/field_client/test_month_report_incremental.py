"""The month report kept up to date person by person (field_client/month_report.py).

After every kind of write (a new weighing, an edit, a delete and its Urungkan, a person who
died, a new person, a write by another connection such as the CLI's sync) the kept report must
equal the report computed from scratch, and S and D must be what the writes make them (counted
by hand below). A write recounts only the touched person's bucket.
"""

from field_client import month_report as month_report_module
from field_client.service import RecordService
from field_client.store import Store

from .conftest import make_person

YEAR, MONTH = 2026, 11  # TODAY is 2026-11-24


def weigh(client, person, day, kg):
    response = client.post(
        "/api/records/child_visit",
        json={"person_id": person["id"], "visit_date": day, "weight_kg": kg, "_confirm": True},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _same(kept, fresh):
    """Assert the kept report equals the fresh one (lists compared as sets of rows)."""
    a, b = kept["indicators"], fresh["indicators"]
    assert a.counts == b.counts
    assert {k: v.to_dict() for k, v in a.values.items()} == {
        k: v.to_dict() for k, v in b.values.items()
    }
    assert a.children == b.children
    assert sorted(map(repr, kept["persons"])) == sorted(map(repr, fresh["persons"]))
    assert sorted(map(repr, kept["recent_child_visits"])) == sorted(
        map(repr, fresh["recent_child_visits"])
    )
    assert kept["sessions"] == fresh["sessions"]


def _check(service, s, d, month=MONTH):
    kept = service.month_report(YEAR, month)
    _same(kept, service._month_report(YEAR, month))
    assert (kept["indicators"].counts["S"], kept["indicators"].counts["D"]) == (s, d)
    return kept


def test_report_after_each_write_equals_a_fresh_computation(local_client, local_app, data_dir):
    store = local_app.extensions["posyandu"].store
    service = RecordService(store)
    ani = make_person(local_client, name="Ani", birth_date="2025-06-10")
    budi = make_person(local_client, name="Budi", sex="M", birth_date="2024-03-10")
    for day, kg in (("2026-08-10", 9.0), ("2026-09-10", 9.3), ("2026-10-10", 9.6)):
        weigh(local_client, ani, day, kg)
    _check(service, s=2, d=0)
    _check(service, s=2, d=1, month=10)  # Laporan bulanan of October, kept too

    november = weigh(local_client, ani, "2026-11-10", 9.9)  # Ani weighed: D 1
    _check(service, s=2, d=1)
    kept = service.month_report(YEAR, MONTH)
    assert kept["indicators"].children[ani["id"]].status == "N"  # 9.6 -> 9.9 kg

    store.save("child_visit", november["id"], {**november["fields"], "weight_kg": 9.6})
    kept = _check(service, s=2, d=1)  # the same weight as October: T
    assert kept["indicators"].children[ani["id"]].status == "T"

    weigh(local_client, budi, "2026-11-12", 13.0)
    _check(service, s=2, d=2)
    store.delete("child_visit", november["id"])
    _check(service, s=2, d=1)
    store.restore("child_visit", november["id"])
    _check(service, s=2, d=2)

    store.save("person", budi["id"], {**budi["fields"], "died_on": "2026-11-20"})
    _check(service, s=1, d=1)  # Budi leaves S, and his weighing D
    make_person(local_client, name="Citra", birth_date="2026-01-05")
    _check(service, s=2, d=1)

    # another connection (the CLI's sync) writes: the kept report must see it
    with Store.open(data_dir, key=store.data_key) as other:
        other.delete("child_visit", november["id"])
    _check(service, s=2, d=0)
    # October after all of it: Citra (born in January) joins S, Budi died only in November
    _check(service, s=3, d=1, month=10)


def test_a_write_recounts_only_the_touched_persons_bucket(local_client, local_app, monkeypatch):
    store = local_app.extensions["posyandu"].store
    service = RecordService(store)
    names = ("Ani", "Budi", "Citra", "Dedi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko")
    people = [
        make_person(local_client, name=name, mother_name=f"Ibu {name}", birth_date="2025-06-10")
        for name in names
    ]
    for person in people:
        weigh(local_client, person, "2026-11-10", 9.0)
    service.month_report(YEAR, MONTH)

    calls = []
    counting = month_report_module.month_indicators

    def spy(persons, visits, *args, **kwargs):
        calls.append([p["id"] for p in persons])
        return counting(persons, visits, *args, **kwargs)

    monkeypatch.setattr(month_report_module, "month_indicators", spy)
    weigh(local_client, people[3], "2026-11-20", 9.2)
    _same(service.month_report(YEAR, MONTH), service._month_report(YEAR, MONTH))
    recounted = [ids for ids in calls if ids]  # the other call counts the month's ANC/sessions
    assert len(recounted) == 1 and people[3]["id"] in recounted[0]
    assert len(recounted[0]) < len(people)
