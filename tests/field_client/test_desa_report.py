"""The desa report starts from the device's records and refuses counts that contradict them or each
other (issue #14, item 9)."""

import re

from field_client.service import RecordService
from field_client.store import Change

from .conftest import POSYANDU, make_person

DESA, OTHER_DESA = "6111012001", "6111022001"


def died(local_client, person, on):
    response = local_client.patch(f"/api/records/person/{person['id']}", json={"died_on": on})
    assert response.status_code == 200, response.get_json()


def seed_month(local_client):
    """November 2026 in desa Sutera: two newborns (one died at 10 days), a toddler who died, a
    mother who died after giving birth, a stillbirth; and people who must not count."""
    bayi = make_person(local_client, name="Bayi Satu", birth_date="2026-11-02", desa_code=DESA)
    make_person(local_client, name="Bayi Dua", birth_date="2026-11-15", desa_code=DESA)
    make_person(local_client, name="Bayi Lain", birth_date="2026-11-03", desa_code=OTHER_DESA)
    make_person(local_client, name="Bayi Oktober", birth_date="2026-10-30", desa_code=DESA)
    balita = make_person(local_client, name="Balita", birth_date="2023-05-01", desa_code=DESA)
    ibu = make_person(local_client, name="Ibu Rina", birth_date="1995-01-01")  # desa of posyandu
    old = make_person(local_client, name="Kakek", sex="M", birth_date="1940-01-01", desa_code=DESA)
    pregnancy = local_client.post(
        "/api/records/pregnancy",
        json={"person_id": ibu["id"], "registered_on": "2026-03-01"},
    ).get_json()
    local_client.patch(
        f"/api/records/pregnancy/{pregnancy['id']}",
        json={"status": "delivered", "delivery_date": "2026-11-05", "outcome": "stillbirth"},
    )
    died(local_client, bayi, "2026-11-12")
    died(local_client, balita, "2026-11-20")
    died(local_client, ibu, "2026-11-25")
    died(local_client, old, "2026-11-21")


def test_month_facts_count_the_desa_births_and_deaths_by_age(local_app, local_client):
    from field_client.desa_report import month_facts

    seed_month(local_client)
    store = local_app.extensions["posyandu"].store
    facility = {"id": POSYANDU, "kind": "posyandu", "name": "Posyandu Melati", "desa_code": DESA}
    store.apply_changes([Change(POSYANDU, "facility", 1, False, facility)])
    assert month_facts(store, DESA, "2026-11") == {
        "births_live": 2,
        "births_still": 1,
        "deaths_maternal": 1,
        "deaths_neonatal": 1,
        "deaths_infant": 1,
        "deaths_under5": 2,
    }
    assert month_facts(store, OTHER_DESA, "2026-11")["births_live"] == 1
    assert month_facts(store, DESA, "2026-10")["births_live"] == 1
    assert month_facts(store, DESA, "bukan-bulan")["births_live"] == 0


def test_a_new_desa_report_is_pre_filled_and_can_be_changed(local_app, local_client):
    make_person(local_client, name="Bayi Satu", birth_date="2026-11-02", desa_code=DESA)
    local_app.extensions["posyandu"].store.set_meta(scope={"desa": [DESA], "posyandu": [POSYANDU]})
    page = local_client.get("/laporan-desa").get_data(as_text=True)
    assert 'id="desa-prefill"' in page
    assert re.search(r'name="births_live"[^>]*value="1"', page)
    assert re.search(r'name="deaths_infant"[^>]*value="0"', page)
    assert re.search(r'name="period"[^>]*value="2026-11"', page)
    facts = local_client.get(f"/api/desa-report/facts?desa_code={DESA}&period=2026-10")
    assert facts.get_json()["births_live"] == 0
    saved = local_client.post(
        "/api/records/desa_report",
        json={"desa_code": DESA, "period": "2026-11", "births_live": 3, "deaths_infant": 0},
    )
    assert saved.status_code == 201, saved.get_json()


def test_a_desa_report_may_not_undercount_the_newborns_registered(local_client):
    make_person(local_client, name="Bayi Satu", birth_date="2026-11-02", desa_code=DESA)
    make_person(local_client, name="Bayi Dua", birth_date="2026-11-15", desa_code=DESA)
    refused = local_client.post(
        "/api/records/desa_report",
        json={"desa_code": DESA, "period": "2026-11", "births_live": 1},
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"]["births_live"] == [
        "Lahir hidup (1) tidak boleh kurang dari bayi yang lahir bulan ini dan sudah terdaftar "
        "di perangkat ini (2)."
    ]


def test_one_neonatal_death_with_no_infant_death_is_refused(store):
    service = RecordService(store)
    report = {"desa_code": DESA, "period": "2026-11", "deaths_neonatal": 1, "deaths_infant": 0}
    try:
        service.create("desa_report", report)
    except Exception as exc:  # noqa: BLE001  (the service's Invalid)
        errors = exc.errors
    else:
        raise AssertionError("a neonatal death without an infant death was saved")
    assert errors == {
        "deaths_infant": [
            "Kematian bayi (0) tidak boleh kurang dari kematian neonatal (1): bayi yang "
            "meninggal pada umur 0–28 hari juga dihitung sebagai kematian bayi."
        ]
    }
