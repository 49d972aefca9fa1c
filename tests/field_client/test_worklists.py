"""Beranda's work lists (issue 15): a seeded posyandu, counted by hand.

The posyandu is seeded through the device's own API (so z-scores and the other derived values are
the real ones) on 2026-11-24 (month end 2026-11-30). The expected members of each list are written
out below from the definitions in ``field_client/worklists.py``, not computed by it.
"""

from datetime import date

import pytest

from field_client import worklists
from field_client.worklists import DeviceData

from .conftest import POSYANDU, TODAY, make_person

ON = date.fromisoformat(TODAY)


def post(client, kind, **fields):
    response = client.post(f"/api/records/{kind}", json={"posyandu_id": POSYANDU, **fields})
    assert response.status_code == 201, (kind, response.get_json())
    return response.get_json()


def weigh(client, person, day, kg):
    return post(
        client, "child_visit", person_id=person["id"], visit_date=day, weight_kg=kg, _confirm=True
    )


@pytest.fixture
def posyandu(local_client):
    """Seed the posyandu; return {name: person record}."""
    c = local_client
    people = {}

    def person(name, sex, birth, **extra):
        people[name] = make_person(c, name=name, sex=sex, birth_date=birth, **extra)
        return people[name]

    # balita
    ani = person("Ani Lestari", "F", "2025-06-10")
    for day, kg in (("2026-09-10", 9.6), ("2026-10-10", 9.9), ("2026-11-10", 10.2)):
        weigh(c, ani, day, kg)
    weigh(c, ani, TODAY, 10.3)  # served today
    person("Budi Santoso", "M", "2024-03-10")  # not weighed
    citra = person("Citra", "F", "2025-01-15")
    weigh(c, citra, "2026-11-05", 7.0)  # WAZ far below -3: BGM
    dedi = person("Dedi", "M", "2024-11-20")
    for day, kg in (("2026-09-10", 11.0), ("2026-10-10", 11.0), ("2026-11-10", 10.9)):
        weigh(c, dedi, day, kg)  # T in October and November: 2T
    post(
        c,
        "referral",
        person_id=dedi["id"],
        referral_date="2026-11-12",
        reason="growth",
        destination="puskesmas",
        status="referred",
    )
    eka = person("Eka", "F", "2026-09-24")  # 2 months today, birth doses given
    for code in ("HB0", "BCG", "OPV1"):
        post(c, "immunization", person_id=eka["id"], antigen=code, given_on="2026-09-24")
    # ibu hamil and nifas
    gita = person("Gita", "F", "1998-01-01")
    pregnancy = post(
        c,
        "pregnancy",
        person_id=gita["id"],
        registered_on="2026-05-01",
        lmp_date="2026-03-01",  # HPL 2026-12-06: within 4 weeks
    )
    post(
        c,
        "anc_visit",
        pregnancy_id=pregnancy["id"],
        person_id=gita["id"],
        visit_date="2026-11-03",
        muac_cm=22.0,
        hb_g_dl=10.2,
        systolic_bp=145,
        diastolic_bp=95,
    )
    post(
        c,
        "referral",
        person_id=gita["id"],
        referral_date="2026-11-03",
        reason="pregnancy_risk",
        destination="puskesmas",
        status="completed",
        follow_up_date="2026-11-10",
    )
    hana = person("Hana", "F", "2000-02-02")
    pregnancy = post(
        c, "pregnancy", person_id=hana["id"], registered_on="2026-08-01", lmp_date="2026-07-01"
    )
    post(
        c,
        "anc_visit",
        pregnancy_id=pregnancy["id"],
        person_id=hana["id"],
        visit_date="2026-10-05",
        muac_cm=25.0,
        hb_g_dl=12.0,
        systolic_bp=110,
        diastolic_bp=70,
    )
    for name, born, lmp, delivered, visit in (
        ("Indah", "1995-05-05", "2026-02-10", "2026-11-20", "2026-11-21"),  # KF1 only, KF2 open
        ("Juli", "1990-01-01", "2026-01-25", "2026-11-01", "2026-11-15"),  # KF3 done
    ):
        mother = person(name, "F", born)
        pregnancy = post(
            c,
            "pregnancy",
            person_id=mother["id"],
            registered_on="2026-04-01",
            lmp_date=lmp,
            status="delivered",
            delivery_date=delivered,
            outcome="live_birth",
        )
        post(
            c,
            "postpartum_visit",
            pregnancy_id=pregnancy["id"],
            person_id=mother["id"],
            visit_date=visit,
        )
    # lansia
    no_signs = dict.fromkeys(
        ("cognitive", "mobility", "malnutrition", "vision", "hearing", "depression"), False
    )
    lukas = person("Kakek Lukas", "M", "1950-01-01")
    post(c, "adult_visit", person_id=lukas["id"], visit_date="2026-06-01", skilas=no_signs)
    post(c, "adult_visit", person_id=lukas["id"], visit_date=TODAY, weight_kg=60)
    mira = person("Nenek Mira", "F", "1955-03-03")
    post(c, "adult_visit", person_id=mira["id"], visit_date="2025-10-01", skilas=no_signs)
    nur = person("Nenek Nur", "F", "1960-01-01")
    post(
        c,
        "referral",
        person_id=nur["id"],
        referral_date="2026-11-20",
        reason="ptm",
        destination="pustu",
    )
    return people


def computed(local_app):
    store = local_app.extensions["posyandu"].store
    return worklists.work_lists(worklists.load(store, ON), ON)


def names(work_list):
    return sorted(item.name for item in work_list.items)


def codes(item):
    return [reason.code for reason in item.reasons]


def test_each_list_holds_exactly_the_people_counted_by_hand(local_app, posyandu):
    lists = computed(local_app)
    assert list(lists) == list(worklists.LISTS)
    assert names(lists["to_weigh"]) == ["Budi Santoso", "Eka"]
    assert names(lists["immunisation"]) == ["Ani Lestari", "Budi Santoso", "Citra", "Dedi", "Eka"]
    assert names(lists["follow_up"]) == ["Citra", "Dedi"]
    assert names(lists["pregnant_risk"]) == ["Gita", "Hana"]
    assert names(lists["nifas_kf"]) == ["Indah"]
    assert names(lists["lansia_skilas"]) == ["Nenek Mira", "Nenek Nur"]
    assert names(lists["referrals"]) == ["Dedi", "Nenek Nur"]
    assert {k: wl.count for k, wl in lists.items()} == {
        "sasaran": 16,
        "immunisation": 5,
        "to_weigh": 2,
        "follow_up": 2,
        "pregnant_risk": 2,
        "nifas_kf": 1,
        "lansia_skilas": 2,
        "referrals": 2,
    }


def test_sasaran_by_cluster_counts_who_was_served_today(local_app, posyandu):
    sasaran = computed(local_app)["sasaran"]
    assert sasaran.totals == {
        "balita": (1, 5),  # Ani weighed today
        "usia_sekolah_remaja": (0, 0),
        "dewasa": (0, 4),
        "lansia": (1, 3),  # Kakek Lukas seen today
        "ibu_hamil_nifas": (0, 4),  # Gita, Hana pregnant; Indah, Juli in nifas
    }
    waiting = {(item.group, item.name) for item in sasaran.items}
    assert ("balita", "Ani Lestari") not in waiting and ("balita", "Budi Santoso") in waiting
    assert ("lansia", "Kakek Lukas") not in waiting and ("lansia", "Nenek Nur") in waiting
    assert ("ibu_hamil_nifas", "Indah") in waiting and ("dewasa", "Indah") in waiting


def test_reasons_say_why_each_person_is_listed(local_app, posyandu):
    lists = computed(local_app)
    by_name = {k: {i.name: i for i in wl.items} for k, wl in lists.items()}
    assert codes(by_name["follow_up"]["Citra"]) == ["bgm", "not_followed_up"]
    dedi = by_name["follow_up"]["Dedi"]
    assert codes(dedi) == ["two_t", "referred"]
    assert worklists.reason_text(dedi.reasons[-1]) == "tindak lanjut: dirujuk, Dirujuk"
    gita = by_name["pregnant_risk"]["Gita"]
    assert codes(gita) == ["anc_kek", "anc_anaemia", "anc_hypertension", "hpl_soon"]
    assert worklists.reason_text(gita.reasons[-1]) == "HPL 06/12/2026 (dalam 4 minggu)"
    assert codes(by_name["pregnant_risk"]["Hana"]) == ["anc_due"]
    assert worklists.reason_text(by_name["nifas_kf"]["Indah"].reasons[0]) == "KF2 sampai 27/11/2026"
    mira, nur = by_name["lansia_skilas"]["Nenek Mira"], by_name["lansia_skilas"]["Nenek Nur"]
    assert worklists.reason_text(mira.reasons[0]) == "SKILAS terakhir 01/10/2025"
    assert worklists.reason_text(nur.reasons[0]) == "belum pernah SKILAS"
    eka = by_name["immunisation"]["Eka"]
    assert codes(eka) == ["imm_due"]  # birth doses given: nothing overdue
    assert "DPT-HB-Hib 1" in worklists.reason_text(eka.reasons[0])
    assert codes(by_name["immunisation"]["Budi Santoso"])[0] == "imm_overdue"


def test_each_item_links_to_where_the_kader_acts(local_app, posyandu):
    lists = computed(local_app)
    ids = {name: p["id"] for name, p in posyandu.items()}
    hrefs = {k: {i.name: i.href for i in wl.items} for k, wl in lists.items()}
    assert hrefs["to_weigh"]["Eka"] == f"/balita/{ids['Eka']}/kunjungan"
    assert hrefs["follow_up"]["Citra"] == f"/balita/{ids['Citra']}"
    assert hrefs["pregnant_risk"]["Gita"].startswith("/kehamilan/")
    assert hrefs["lansia_skilas"]["Nenek Nur"] == f"/dewasa/{ids['Nenek Nur']}/kunjungan"
    assert hrefs["referrals"]["Nenek Nur"] == f"/orang/{ids['Nenek Nur']}"


def test_beranda_shows_each_count_and_the_names(local_client, posyandu):
    page = local_client.get("/").get_data(as_text=True)

    def count(key):
        return int(page.split(f'data-list-count="{key}">')[1].split("<")[0])

    assert [count(k) for k in worklists.LISTS] == [16, 5, 2, 2, 2, 1, 2, 2]
    section = page.split('id="wl-nifas_kf"')[1].split("</details>")[0]
    assert 'href="/kehamilan/' in section and "Indah" in section and "27/11/2026" in section
    assert "client.work" not in page and "2026-11-27" not in page


def test_a_long_list_shows_its_first_names_then_all_on_request(local_client, monkeypatch):
    from field_client import pages

    monkeypatch.setattr(pages, "WORK_LIST_SHOWN", 2)
    for name, mother, born in (
        ("Agus", "Wati", "2025-01-01"),
        ("Bayu", "Yuni", "2024-05-03"),
        ("Candra", "Rini", "2023-08-09"),
    ):
        make_person(local_client, name=name, mother_name=mother, birth_date=born)
    page = local_client.get("/").get_data(as_text=True)
    due = page.split('id="due-list"')[1].split("</ul>")[0]
    assert due.count("<li><a") == 2 and 'href="/?semua=to_weigh#wl-to_weigh"' in page
    page = local_client.get("/?semua=to_weigh").get_data(as_text=True)
    assert page.split('id="due-list"')[1].split("</ul>")[0].count("<li><a") == 3
    assert local_client.get("/?semua=%3Cscript%3E").status_code == 200


def test_newly_stunted_needs_an_earlier_length_not_stunted():
    child = {"id": "c1", "name": "Gilang", "birth_date": "2024-05-01", "sex": "M"}

    def v(day, lhaz, kg=12.0):
        return {"person_id": "c1", "visit_date": day, "weight_kg": kg, "lhaz": lhaz, "waz": -1.0}

    data = DeviceData(persons=[child], child_visits=[v("2026-10-05", -1.8), v("2026-11-05", -2.3)])
    assert codes(worklists.follow_up(data, ON).items[0])[0] == "newly_stunted"
    data.child_visits = [v("2026-10-05", -2.1), v("2026-11-05", -2.3)]  # stunted already
    assert worklists.follow_up(data, ON).items == []


def test_wasting_bands_gizi_kurang_and_gizi_buruk():
    child = {"id": "c1", "name": "Gilang", "birth_date": "2024-05-01", "sex": "M"}

    def listed(wlhz):
        visit = {"person_id": "c1", "visit_date": "2026-11-05", "weight_kg": 12.0, "wlhz": wlhz}
        data = DeviceData(persons=[child], child_visits=[visit])
        items = worklists.follow_up(data, ON).items
        return codes(items[0])[:-1] if items else []

    assert listed(-2.0) == []
    assert listed(-2.01) == ["gizi_kurang"]
    assert listed(-3.0) == ["gizi_kurang"]
    assert listed(-3.01) == ["gizi_buruk"]


def test_hpl_thresholds_and_a_passed_hpl():
    mother = {"id": "m1", "name": "Ratna", "birth_date": "1995-01-01", "sex": "F"}
    anc = {"pregnancy_id": "p1", "person_id": "m1", "visit_date": "2026-11-02"}

    def reasons(edd):
        pregnancy = {"id": "p1", "person_id": "m1", "registered_on": "2026-05-01", "edd": edd}
        data = DeviceData(persons=[mother], pregnancies=[pregnancy], anc_visits=[anc])
        items = worklists.pregnant_risk(data, ON).items
        return codes(items[0]) if items else []

    assert reasons("2026-12-22") == ["hpl_soon"]  # today + 28 days
    assert reasons("2026-12-23") == []
    assert reasons("2026-11-23") == ["hpl_passed"]


def test_a_dose_whose_window_has_closed_is_not_asked_for():
    child = {"id": "c1", "name": "Tono", "birth_date": "2026-01-28", "sex": "M"}  # 300 days
    item = worklists.immunisation_due(DeviceData(persons=[child]), ON).items[0]
    overdue = next(r for r in item.reasons if r.code == "imm_overdue").params["codes"]
    assert "HB0" not in overdue and "BCG" in overdue  # HB0 only within 24 hours; BCG still
    # the first dose given, the next is asked for, not the first again
    given = [{"person_id": "c1", "antigen": "BCG", "given_on": "2026-02-05"}]
    item = worklists.immunisation_due(DeviceData(persons=[child], immunizations=given), ON)
    overdue = next(r for r in item.items[0].reasons if r.code == "imm_overdue").params["codes"]
    assert "BCG" not in overdue and "OPV1" in overdue


def test_a_pregnancy_never_closed_leaves_the_sasaran_after_the_nifas_of_its_hpl():
    mother = {"id": "m1", "name": "Ratna", "birth_date": "1995-01-01", "sex": "F"}

    def sasaran(lmp):
        pregnancy = {"id": "p1", "person_id": "m1", "registered_on": "2025-05-01", "lmp_date": lmp}
        data = DeviceData(persons=[mother], pregnancies=[pregnancy])
        return worklists.sasaran(data, ON).totals["ibu_hamil_nifas"]

    # HPHT 2026-01-06: HPL 2026-10-13 (+ 280 days), nifas until 2026-11-24 (+ 42 days) = today
    assert sasaran("2026-01-06") == (0, 1)
    assert sasaran("2026-01-05") == (0, 0)  # its nifas ended yesterday


def test_a_pregnancy_alert_without_a_work_list_text_uses_the_clinical_one():
    from shared.i18n import t

    text = worklists.reason_text(worklists.Reason("anc_gds_high"))
    assert text == t("clinical.alert.gds_high", "id") and "client." not in text
