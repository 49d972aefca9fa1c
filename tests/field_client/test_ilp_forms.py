"""The device's ILP forms (issue #15) through the local API and the rendered pages.

Doses ticked on a child visit are judged by the schedule before anything is saved; every expected
date, reason and status below is worked out by hand from ``shared/immunisation/data/schedule.csv``
(2023-08-15 version) and ``shared/clinical/data/thresholds.csv``, not by the code under test.
Today is 24/11/2026 (conftest.TODAY).
"""

import re

from .conftest import POSYANDU, make_person


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def child_visit(client, child, day="2026-11-24", doses=(), **extra):
    body = {"person_id": child["id"], "visit_date": day, "weight_kg": 5.5, **extra}
    body["_doses"] = list(doses)
    return client.post("/api/records/child_visit", json=body)


def records(client, kind, person_id):
    found = client.get(f"/api/records/{kind}?person_id={person_id}").get_json()["records"]
    return sorted(found, key=lambda r: r["fields"].get("antigen") or "")


def test_dpt1_and_dpt2_on_one_day_refuse_the_second_and_save_nothing(local_client):
    # born 20/08/2026: 96 days old on 24/11/2026, DPT-HB-Hib 1 allowed from day 42
    child = make_person(local_client, sex="M", birth_date="2026-08-20")["id"]
    answer = child_visit(local_client, {"id": child}, doses=["DPT_HB_HIB1", "DPT_HB_HIB2"])
    assert answer.status_code == 422
    [message] = answer.get_json()["error"]["details"]["_doses"]
    assert message == (
        "DPT-HB-Hib 2 ditolak: Jarak dari DPT-HB-Hib 1 baru 0 hari; paling sedikit 28 hari."
    )
    assert records(local_client, "child_visit", child) == []
    assert records(local_client, "immunization", child) == []


def test_hb0_for_a_five_day_old_is_refused_with_the_birth_dose_window(local_client):
    child = make_person(local_client, sex="F", birth_date="2026-11-19")["id"]
    answer = child_visit(local_client, {"id": child}, weight_kg=3.2, doses=["HB0"])
    assert answer.status_code == 422
    [message] = answer.get_json()["error"]["details"]["_doses"]
    assert message.startswith("Hepatitis B 0 (< 24 jam) ditolak: HB0 hanya diberikan sebelum")


def test_a_dose_below_the_minimum_age_is_refused_with_the_ages(local_client):
    # born 25/10/2026: 30 days old; DPT-HB-Hib 1 at the earliest on day 42
    child = make_person(local_client, sex="F", birth_date="2026-10-25")["id"]
    answer = child_visit(local_client, {"id": child}, weight_kg=4.1, doses=["DPT_HB_HIB1"])
    assert answer.status_code == 422
    assert answer.get_json()["error"]["details"]["_doses"] == [
        "DPT-HB-Hib 1 ditolak: Umur anak belum cukup: 30 hari, paling muda 42 hari."
    ]


def test_valid_doses_become_immunization_records_and_a_late_one_is_marked(local_client):
    # born 10/08/2026: 106 days old. BCG (0-60 days on time) is late; OPV1 late too;
    # DPT-HB-Hib 1 (on time until day 91) is late.
    child = make_person(local_client, sex="M", birth_date="2026-08-10")["id"]
    answer = child_visit(local_client, {"id": child}, doses=["BCG", "DPT_HB_HIB1"])
    assert answer.status_code == 201, answer.get_json()
    saved = records(local_client, "immunization", child)
    assert [(r["fields"]["antigen"], r["fields"]["given_on"]) for r in saved] == [
        ("BCG", "2026-11-24"),
        ("DPT_HB_HIB1", "2026-11-24"),
    ]
    assert all(r["sync_state"] == "pending" for r in saved)
    page = visible(local_client.get(f"/balita/{child}").get_data(as_text=True))
    assert "Status imunisasi" in page
    assert "DPT-HB-Hib 1 Diberikan terlambat 24/11/2026" in page
    assert "BCG Diberikan terlambat 24/11/2026" in page
    # DPT-HB-Hib 2 now waits 28 days: allowed from 22/12/2026, so not offered today
    form = local_client.get(f"/balita/{child}/kunjungan").get_data(as_text=True)
    due, _, other = form.partition('id="doses-more"')
    assert 'value="DPT_HB_HIB2"' not in due and 'value="DPT_HB_HIB2"' in other
    assert 'value="BCG"' not in form


def test_visit_form_offers_due_doses_first_and_the_rest_behind_lainnya(local_client):
    # born 20/09/2026: 65 days old. Allowed today: HB0? no (day 1 max); BCG, OPV1 (day 0+),
    # DPT-HB-Hib 1 and PCV1 (day 42+); RV1 (day 42+, max 105 [K]). OPV2 needs OPV1 first.
    child = make_person(local_client, sex="F", birth_date="2026-09-20")["id"]
    form = local_client.get(f"/balita/{child}/kunjungan").get_data(as_text=True)
    due, _, other = form.partition('id="doses-more"')
    offered = re.findall(r'name="_doses" value="(\w+)"', due)
    assert {"BCG", "OPV1", "DPT_HB_HIB1", "PCV1"} <= set(offered)
    assert "HB0" not in offered and "OPV2" not in offered and "MR1" not in offered
    assert 'value="HB0"' in other and 'value="MR1"' in other
    assert 'name="immunizations"' not in form  # the 21 boxes are gone


def test_youth_anaemia_suggests_a_referral_in_one_click(local_client):
    girl = make_person(local_client, sex="F", birth_date="2012-05-01", name="Rina")["id"]
    visit = {
        "person_id": girl,
        "visit_date": "2026-11-24",
        "weight_kg": 40,
        "height_cm": 150,
        "hb_g_dl": 10.2,
        "ttd_given": True,
    }
    answer = local_client.post("/api/records/youth_visit", json=visit)
    assert answer.status_code == 201, answer.get_json()
    page = local_client.get(f"/orang/{girl}/remaja").get_data(as_text=True)
    assert "Anemia: Hb di bawah batas." in visible(page)
    form = re.search(r'<form[^>]*id="refer-[^"]+".*?</form>', page, re.S).group(0)
    hidden = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert hidden["reason"] == "anaemia" and hidden["destination"] == "puskesmas"
    assert hidden["source_kind"] == "youth_visit"
    assert hidden["source_id"] == answer.get_json()["id"]
    referral = local_client.post("/api/records/referral", json=hidden)
    assert referral.status_code == 201, referral.get_json()
    page = local_client.get(f"/orang/{girl}/remaja").get_data(as_text=True)
    assert "Sudah dirujuk" in page and 'id="refer-' not in page
    person = visible(local_client.get(f"/orang/{girl}").get_data(as_text=True))
    assert "Rujukan terbuka: 1" in person


def test_a_boy_cannot_be_given_ttd_and_the_error_is_indonesian(local_client):
    boy = make_person(local_client, sex="M", birth_date="2012-05-01", name="Rudi")["id"]
    visit = {"person_id": boy, "visit_date": "2026-11-24", "weight_kg": 40, "ttd_given": True}
    answer = local_client.post("/api/records/youth_visit", json=visit)
    assert answer.status_code == 422
    assert "ttd_given" in answer.get_json()["error"]["details"]
    assert records(local_client, "youth_visit", boy) == []


def test_tb_cough_two_weeks_is_a_suspect_with_a_referral(local_client):
    man = make_person(local_client, sex="M", birth_date="1980-01-01", name="Pak Umar")["id"]
    body = {"person_id": man, "visit_date": "2026-11-24", "symptoms": ["cough_2_weeks"]}
    assert local_client.post("/api/records/tb_screening", json=body).status_code == 201
    page = visible(local_client.get(f"/orang/{man}/tbc").get_data(as_text=True))
    assert "Terduga TBC" in page and "Rujuk ke Puskesmas" in page


def test_nifas_page_shows_the_kf_windows_and_a_danger_sign(local_client):
    mother = make_person(local_client, sex="F", birth_date="1998-03-01", name="Siti")["id"]
    pregnancy = {
        "person_id": mother,
        "posyandu_id": POSYANDU,
        "registered_on": "2026-04-01",
        "lmp_date": "2026-02-10",
        "status": "delivered",
        "delivery_date": "2026-11-20",
        "outcome": "live_birth",
    }
    answer = local_client.post("/api/records/pregnancy", json=pregnancy)
    assert answer.status_code == 201, answer.get_json()
    person = local_client.get(f"/orang/{mother}").get_data(as_text=True)
    assert f'href="/orang/{mother}/nifas"' in person and f'href="/orang/{mother}/kb"' in person
    page = visible(local_client.get(f"/orang/{mother}/nifas").get_data(as_text=True))
    # delivered 20/11: KF1 days 0-2 (20-22/11) missed, KF2 days 3-7 (23-27/11) due today
    assert "KF1 20/11/2026–22/11/2026 Terlewat" in page
    assert "KF2 23/11/2026–27/11/2026 Jadwalnya sekarang" in page
    visit = {
        "person_id": mother,
        "pregnancy_id": answer.get_json()["id"],
        "visit_date": "2026-11-24",
        "danger_signs": ["fever"],
    }
    assert local_client.post("/api/records/postpartum_visit", json=visit).status_code == 201
    page = visible(local_client.get(f"/orang/{mother}/nifas").get_data(as_text=True))
    assert "KF2 23/11/2026–27/11/2026 Sudah dikunjungi (24/11/2026)" in page
    assert "tanda bahaya masa nifas" in page


def test_closing_a_referral_needs_the_follow_up_date(local_client):
    person = make_person(local_client, sex="F", birth_date="1990-01-01", name="Wati")["id"]
    body = {
        "person_id": person,
        "referral_date": "2026-11-20",
        "reason": "ptm",
        "destination": "puskesmas",
    }
    referral = local_client.post("/api/records/referral", json=body).get_json()["id"]
    url = f"/api/records/referral/{referral}"
    refused = local_client.patch(url, json={"status": "completed", "follow_up_date": None})
    assert refused.status_code == 422
    assert "follow_up_date" in refused.get_json()["error"]["details"]
    closed = local_client.patch(
        url,
        json={"status": "completed", "follow_up_date": "24/11/2026", "followed_up_by": "Bidan"},
    )
    assert closed.status_code == 200, closed.get_json()
    page = visible(local_client.get(f"/rujukan/{referral}").get_data(as_text=True))
    assert "Selesai" in page or "selesai" in page
    assert "24/11/2026 · Bidan" in page


def test_a_person_page_offers_the_forms_of_their_life_stage(local_client):
    pupil = make_person(local_client, sex="M", birth_date="2016-01-01", name="Andi")["id"]
    elder = make_person(local_client, sex="M", birth_date="1950-01-01", name="Pak Tua")["id"]
    pupil_page = local_client.get(f"/orang/{pupil}").get_data(as_text=True)
    elder_page = local_client.get(f"/orang/{elder}").get_data(as_text=True)
    assert f'href="/orang/{pupil}/remaja"' in pupil_page
    assert f'href="/orang/{pupil}/kb"' not in pupil_page
    assert f'href="/orang/{elder}/tbc"' in elder_page
    assert f'href="/orang/{elder}/remaja"' not in elder_page
    assert f'href="/orang/{elder}/kb"' not in elder_page
    assert local_client.get(f"/orang/{elder}/bukan-halaman").status_code == 404


def test_another_persons_record_is_not_shown_under_this_person(local_client):
    rina = make_person(local_client, sex="F", birth_date="2012-05-01", name="Rina")["id"]
    andi = make_person(local_client, sex="M", birth_date="2013-05-01", name="Andi")["id"]
    body = {"person_id": rina, "visit_date": "2026-11-24", "weight_kg": 40}
    visit = local_client.post("/api/records/youth_visit", json=body).get_json()["id"]
    assert local_client.get(f"/orang/{rina}/remaja?id={visit}").status_code == 200
    assert local_client.get(f"/orang/{andi}/remaja?id={visit}").status_code == 404
    assert local_client.get(f"/orang/{andi}/remaja?id=bukan-id").status_code == 404
    page = local_client.get(f"/orang/{andi}/rujukan?dari=youth_visit:{visit}")
    assert page.status_code == 200
    assert 'name="source_id"' not in page.get_data(as_text=True)
    assert local_client.get(f"/orang/{andi}/rujukan?dari=%00:%ff").status_code == 200


def test_an_immunization_record_sent_directly_is_judged_by_the_schedule_too(local_client):
    child = make_person(local_client, sex="F", birth_date="2026-11-19")["id"]
    dose = {"person_id": child, "antigen": "HB0", "given_on": "2026-11-24"}
    refused = local_client.post("/api/records/immunization", json=dose)
    assert refused.status_code == 422
    [message] = refused.get_json()["error"]["details"]["antigen"]
    assert message.startswith("Hepatitis B 0 (< 24 jam) ditolak: HB0 hanya diberikan sebelum")
    saved = local_client.post("/api/records/immunization", json={**dose, "given_on": "2026-11-20"})
    assert saved.status_code == 201, saved.get_json()
    # correcting the record's own notes is not "already given"
    url = f"/api/records/immunization/{saved.get_json()['id']}"
    assert local_client.patch(url, json={"notes": "di rumah bersalin"}).status_code == 200
    again = local_client.post("/api/records/immunization", json={**dose, "given_on": "2026-11-20"})
    assert again.status_code == 422
    assert "sudah diberikan pada 20/11/2026" in again.get_json()["error"]["details"]["antigen"][0]


def test_the_printed_card_lists_doses_recorded_as_immunization_records(local_client):
    child = make_person(local_client, sex="M", birth_date="2026-08-10")["id"]
    assert child_visit(local_client, {"id": child}, doses=["BCG"]).status_code == 201
    card = local_client.get(f"/balita/{child}/cetak").get_data(as_text=True)
    row = re.search(r'<tr data-antigen="BCG">.*?</tr>', card, re.S).group(0)
    assert "24/11/2026" in row
