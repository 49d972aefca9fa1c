"""The device's ILP records (issue #15) through the real sync server on loopback.

The doses ticked on a child visit, a youth visit and the referral made from it are pushed by the
device's own sync agent; the server must hold each as sent, and judge the doses itself (the derived
``status`` it sends back). Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from datetime import date, timedelta

from .conftest import POSYANDU
from .test_sync_live import server_record


def test_doses_youth_visit_and_referral_reach_the_server(make_device, live_server):
    device = make_device()
    service = device.service()
    today = date.today()
    person = {"posyandu_id": POSYANDU, "mother_name": "Siti"}
    # 106 days old: BCG (on time to day 60) and DPT-HB-Hib 1 (to day 91) are both late
    child = service.create(
        "person",
        {**person, "name": "Bayu", "sex": "M", "birth_date": (today - timedelta(106)).isoformat()},
    )
    visit = {
        "person_id": child.id,
        "visit_date": today.isoformat(),
        "weight_kg": 5.9,
        "_doses": ["BCG", "DPT_HB_HIB1"],
    }
    service.create("child_visit", visit)
    doses = {d.fields["antigen"]: d.id for d in device.store.list("immunization")}
    assert set(doses) == {"BCG", "DPT_HB_HIB1"}
    girl = service.create(
        "person",
        {**person, "name": "Rina", "sex": "F", "birth_date": (today - timedelta(4700)).isoformat()},
    )
    youth = service.create(
        "youth_visit",
        {"person_id": girl.id, "visit_date": today.isoformat(), "weight_kg": 38.5, "hb_g_dl": 10.2},
    )
    assert youth.derived["refer"] is True and youth.derived["alert_codes"] == ["anaemia"]
    referral = service.create(
        "referral",
        {
            "person_id": girl.id,
            "referral_date": today.isoformat(),
            "reason": "anaemia",
            "destination": "puskesmas",
            "source_kind": "youth_visit",
            "source_id": youth.id,
        },
    )
    device.agent.sync()
    assert device.store.outbox_counts()["pending"] == 0
    for antigen, record_id in doses.items():
        change = server_record(live_server, device, record_id)
        assert change["fields"]["antigen"] == antigen
        assert change["fields"]["given_on"] == today.isoformat()
        # judged by the server itself (derived fields travel with the record)
        assert (change["fields"]["status"], change["fields"]["age_days"]) == ("given_late", 106)
    assert server_record(live_server, device, youth.id)["fields"]["hb_g_dl"] == 10.2
    sent = server_record(live_server, device, referral.id)["fields"]
    assert (sent["source_kind"], sent["source_id"], sent["status"]) == (
        "youth_visit",
        youth.id,
        "created",
    )
