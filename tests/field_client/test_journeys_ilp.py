"""The ILP forms in Chromium (issue #15), clicked as a kader would.

Each journey starts from the device filled by ``journeys_support.seed_world`` (the pages the
coverage test renders) and checks what the store holds afterwards. Expected schedule outcomes are
worked out by hand from ``shared/immunisation/data/schedule.csv``: Bima is 400 days old with MR1
recorded at day 340 (an old visit's antigen list), nothing else. Screenshots go to
tests/artifacts/journey-ilp-*.png.
"""

import re
from datetime import timedelta

from . import journeys_support as support
from . import test_journeys as journeys
from .test_journeys import DESA, POSYANDU, TODAY, dmy, shot
from .test_journeys_kader import delete_after_second_thoughts, fill_all, store_of

pytestmark = journeys.pytestmark
app_url, browser_page, kader = journeys.app_url, journeys.browser_page, journeys.kader

# Offered today to Bima (hand-checked): doses allowed now, previous dose not needed.
DUE = ["BCG", "OPV1", "DPT_HB_HIB1", "PCV1", "IPV1"]
# Behind "Lainnya": the rest not validly given (MR1 is given; JE is not in the national schedule).
OTHER = [
    "HB0",
    "OPV2",
    "RV1",
    "DPT_HB_HIB2",
    "OPV3",
    "PCV2",
    "RV2",
    "DPT_HB_HIB3",
    "OPV4",
    "RV3",
    "IPV2",
    "PCV3",
    "DPT_HB_HIB4",
    "MR2",
]


def values_of(locator) -> list[str]:
    return locator.evaluate_all("(els) => els.map((e) => e.value)")


def test_child_visit_offers_doses_by_schedule_and_refuses_invalid_ones(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    store = store_of(app)
    watch.expect("POST", "/api/records/child_visit", 422)
    page.goto(f"{base}/balita/{ids['child']}")
    card = page.locator("#immunisation-card")
    expect(card.locator("tr[data-dose=MR1] td").nth(1)).to_have_text("Diberikan terlambat")
    expect(card.locator("tr[data-dose=MR1] td").nth(2)).to_have_text(dmy(TODAY - timedelta(60)))
    expect(card.locator("tr[data-dose=BCG] td").nth(1)).to_have_text("Terlambat, belum diberikan")
    page.click("#new-visit")
    due = page.locator("#doses > label input[name=_doses]")
    assert values_of(due) == DUE
    expect(page.locator("#doses > label:has(input[value=BCG]) [data-late]")).to_be_visible()
    expect(page.locator("#doses-more input[name=_doses]").first).to_be_hidden()
    page.click("#doses-more summary")
    assert values_of(page.locator("#doses-more input[name=_doses]")) == OTHER
    page.fill("#visit-form-weight_kg", "9,5")
    for code in DUE + OTHER:  # a kader copying the whole Buku KIA page onto today
        page.check(f"#visit-form input[name=_doses][value={code}]")
    page.click("#visit-form button[type=submit]")
    error = page.locator('[data-error-for="_doses"]')
    expect(error).to_contain_text(
        "Hepatitis B 0 (< 24 jam) ditolak: HB0 hanya diberikan sebelum bayi berumur 24 jam"
    )
    expect(error).to_contain_text(
        "Polio tetes (OPV) 2 ditolak: Jarak dari Polio tetes (OPV) 1 baru 0 hari; paling sedikit"
        " 28 hari."
    )
    shot(page, "ilp-imunisasi-ditolak")
    assert store.list("immunization", person_id=ids["child"]) == []
    assert len(store.list("child_visit", person_id=ids["child"])) == 3  # nothing half-written
    for code in OTHER:
        page.uncheck(f"#visit-form input[name=_doses][value={code}]")
    page.click("#visit-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/balita/{ids['child']}\?done=saved"))
    doses = store.list("immunization", person_id=ids["child"])
    assert sorted(d.fields["antigen"] for d in doses) == sorted(DUE)
    assert {d.fields["given_on"] for d in doses} == {TODAY.isoformat()}
    for code in DUE:  # each past its on-time window: given, and marked late
        row = card.locator(f"tr[data-dose={code}] td")
        expect(row.nth(1)).to_have_text("Diberikan terlambat")
        expect(row.nth(2)).to_have_text(dmy(TODAY))
    shot(page, "ilp-status-imunisasi")


def test_a_referral_from_a_child_visit_is_followed_up_and_closed(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    watch.expect("PATCH", r"/api/records/referral/[\w-]+", 422)
    page.goto(f"{base}/balita/{ids['child']}")
    page.locator(f"#visits tr[data-visit='{ids['visit']}'] a.refer-link").click()
    expect(page.locator("#referral-source")).to_contain_text(
        f"kunjungan Bima tanggal {dmy(TODAY - timedelta(2))}"
    )
    page.select_option("#referral-form-reason", "growth")
    page.select_option("#referral-form-destination", "pustu")
    fill_all(
        page,
        {
            "#referral-form-referral_date": dmy(TODAY),
            "#referral-form-reason_text": "BB tidak naik 2 kali",
            "#referral-form-destination_name": "Pustu Sukadana",
            "#referral-form-notes": "Diantar ibu",
        },
    )
    page.click("#referral-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/rujukan/[\w-]+\?done=saved"))
    referral_id = page.url.split("/rujukan/")[1].split("?")[0]
    saved = store_of(app).get("referral", referral_id).fields
    assert (saved["source_kind"], saved["source_id"]) == ("child_visit", ids["visit"])
    assert (saved["reason"], saved["destination"], saved["status"]) == (
        "growth",
        "pustu",
        "created",
    )
    page.click("#referral-update summary")
    page.select_option("#referral-update-form-status", "received")
    fill_all(
        page,
        {
            "#referral-update-form-follow_up_date": dmy(TODAY),
            "#referral-update-form-followed_up_by": "Bidan Ani",
            "#referral-update-form-notes": "Diterima di pustu",
        },
    )
    page.click("#referral-update-form button[type=submit]")
    expect(page.locator("#referral-facts")).to_contain_text("Diterima di tujuan")
    page.click("#referral-close summary")  # folded away, then open again
    expect(page.locator("#referral-close-form")).to_be_hidden()
    page.click("#referral-close summary")
    page.fill("#referral-close-form-follow_up_date", "")  # a wrong value: closing needs a date
    page.click("#referral-close-form button[type=submit]")
    expect(page.locator('#referral-close-form [data-error-for="follow_up_date"]')).to_contain_text(
        "Tanggal tindak lanjut wajib diisi bila rujukan sudah selesai."
    )
    shot(page, "ilp-rujukan-tutup-salah")
    page.fill("#referral-close-form-follow_up_date", dmy(TODAY))
    page.fill("#referral-close-form-followed_up_by", "Kader Ani")
    page.click("#referral-close-form button[type=submit]")
    expect(page.locator("#referral-closed")).to_be_visible()
    closed = store_of(app).get("referral", referral_id).fields
    assert (closed["status"], closed["follow_up_date"], closed["followed_up_by"]) == (
        "completed",
        TODAY.isoformat(),
        "Kader Ani",
    )
    shot(page, "ilp-rujukan-selesai")
    page.click("#referral-back")
    row = page.locator(f"#referrals tr[data-referral='{referral_id}']")
    expect(row).to_contain_text("Selesai")
    row.locator("a").click()
    delete_after_second_thoughts(page, "referral")
    expect(page.locator("#undo-banner")).to_contain_text(f"rujukan Bima tanggal {dmy(TODAY)}")
    assert store_of(app).get("referral", referral_id) is None


def test_elder_open_referral_and_tb_screen_with_a_wrong_choice(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    watch.expect("POST", "/api/records/tb_screening", 422)
    page.goto(f"{base}/orang/{ids['elder']}")
    page.click(f"a.refer-link[href$='adult_visit:{ids['adult_visit']}']")  # from his visit
    expect(page.locator("#referral-source")).to_contain_text(
        f"kunjungan Pak Umar tanggal {dmy(TODAY - timedelta(3))}"
    )
    expect(page.locator("#referral-form input[name=source_id]")).to_have_value(ids["adult_visit"])
    page.go_back()
    expect(page.locator("#open-referrals")).to_contain_text("Rujukan terbuka: 1")
    page.click(f"#open-referrals a[href='/rujukan/{ids['referral']}']")
    expect(page.locator("#referral-facts")).to_contain_text("Penyakit tidak menular")
    page.goto(f"{base}/orang/{ids['elder']}")
    page.click(f"#ilp-links a[href='/orang/{ids['elder']}/rujukan']")
    expect(page.locator("#referrals tbody tr[data-referral]")).to_have_count(2)
    expect(page.locator(f"tr[data-referral='{ids['referral']}']")).to_contain_text("Dibuat")
    page.click("#referral-person")
    page.click(f"#ilp-links a[href='/orang/{ids['elder']}/tbc']")
    page.locator(f"#ilp-records tr[data-record='{ids['tb_screening']}'] a.refer-link").click()
    expect(page.locator("#referral-source")).to_contain_text("skrining TBC Pak Umar")
    page.go_back()
    codes = values_of(page.locator("#ilp-form input[name=symptoms]"))
    for code in codes:  # every symptom, "cough" and "cough of 2 weeks" both: a wrong choice
        page.check(f"#ilp-form input[name=symptoms][value={code}]")
    page.click("#ilp-form button[type=submit]")
    expect(page.locator('#ilp-form [data-error-for="symptoms"]')).to_contain_text(
        "Pilih salah satu saja"
    )
    page.uncheck("#ilp-form input[name=symptoms][value=cough]")
    page.fill("#ilp-form-notes", "Batuk sejak bulan lalu")
    page.click("#ilp-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/tbc\?done=saved"))
    new = [
        r
        for r in store_of(app).list("tb_screening", person_id=ids["elder"])
        if len(r.fields["symptoms"]) > 1
    ]
    assert len(new) == 1 and "cough" not in new[0].fields["symptoms"]
    row = page.locator(f"#ilp-records tr[data-record='{new[0].id}']")
    expect(row).to_contain_text("Terduga TBC: rujuk ke puskesmas")
    shot(page, "ilp-tbc-terduga")
    row.locator("button[type=submit]").click()  # Rujuk ke Puskesmas, one click
    expect(page).to_have_url(re.compile(r"/rujukan/[\w-]+\?done=saved"))
    referral = store_of(app).get("referral", page.url.split("/rujukan/")[1].split("?")[0])
    assert (referral.fields["reason"], referral.fields["source_id"]) == ("tb_suspect", new[0].id)
    page.goto(f"{base}/orang/{ids['elder']}/tbc")
    expect(
        page.locator(f"#ilp-records tr[data-record='{new[0].id}'] [data-referred]")
    ).to_be_visible()
    page.locator(f"#ilp-records tr[data-record='{new[0].id}'] a").first.click()
    expect(page.locator("#ilp-form-notes")).to_have_value("Batuk sejak bulan lalu")
    page.click("#ilp-person")
    expect(page.locator("h1")).to_contain_text("Pak Umar")


def test_remaja_visit_wrong_blood_pressure_then_anaemia_referred(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    watch.expect("POST", "/api/records/youth_visit", 422)
    page.goto(f"{base}/orang/{ids['pupil']}")
    page.click(f"#ilp-links a[href='/orang/{ids['pupil']}/remaja']")
    fill_all(
        page,
        {
            "#ilp-form-visit_date": dmy(TODAY),
            "#ilp-form-weight_kg": "38,5",
            "#ilp-form-height_cm": "145",
            "#ilp-form-muac_cm": "21,5",
            "#ilp-form-hb_g_dl": "10,2",
            "#ilp-form-systolic_bp": "400",
            "#ilp-form-diastolic_bp": "70",
            "#ilp-form-notes": "TTD diminum di sekolah",
        },
    )
    page.check("#ilp-form input[name=ttd_given]")
    page.check("#ilp-form input[name=smoking]")  # a slip: she does not smoke
    page.uncheck("#ilp-form input[name=smoking]")
    page.select_option("#ilp-form-mental_health", "normal")
    expect(
        page.locator(".preview [data-flag=refer]")
    ).to_be_visible()  # Hb 10,2: below the youth cut-off
    page.click("#ilp-form button[type=submit]")
    expect(page.locator('#ilp-form [data-error-for="systolic_bp"]')).not_to_be_empty()
    shot(page, "ilp-remaja-salah")
    page.fill("#ilp-form-systolic_bp", "110")
    page.click("#ilp-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/remaja\?done=saved"))
    [visit] = [
        v
        for v in store_of(app).list("youth_visit", person_id=ids["pupil"])
        if v.id != ids["youth_visit"]
    ]
    assert {k: visit.fields.get(k) for k in ("weight_kg", "hb_g_dl", "systolic_bp")} == {
        "weight_kg": 38.5,
        "hb_g_dl": 10.2,
        "systolic_bp": 110,
    }
    assert visit.fields["ttd_given"] is True and visit.fields["smoking"] is False
    row = page.locator(f"#ilp-records tr[data-record='{visit.id}']")
    expect(row).to_contain_text("Anemia: Hb di bawah batas.")
    shot(page, "ilp-remaja-anemia")
    row.locator("button[type=submit]").click()
    expect(page.locator("#referral-facts")).to_contain_text("Anemia")
    page.click("#referral-back")
    expect(page.locator("#referrals tbody tr[data-referral]")).to_have_count(1)
    page.click("#referral-person")
    page.click(f"#ilp-links a[href='/orang/{ids['pupil']}/remaja']")
    page.locator(f"#ilp-records tr[data-record='{ids['youth_visit']}'] a").first.click()
    delete_after_second_thoughts(page, "youth_visit")
    assert store_of(app).get("youth_visit", ids["youth_visit"]) is None


def test_nifas_visit_by_kf_window_and_family_planning(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    watch.expect("POST", "/api/records/postpartum_visit", 422)
    watch.expect("POST", "/api/records/family_planning", 422)
    page.goto(f"{base}/orang/{ids['nifas_mother']}")
    page.click(f"#ilp-links a[href='/orang/{ids['nifas_mother']}/nifas']")
    delivery = TODAY - timedelta(4)
    plan = page.locator("#kf-plan")
    # delivered 4 days ago, seen on day 3: KF1 (days 0-2) missed, KF2 (days 3-7) done
    expect(plan.locator("tr[data-kf=KF1]")).to_contain_text("Terlewat")
    expect(plan.locator("tr[data-kf=KF2]")).to_contain_text(
        f"{dmy(delivery + timedelta(3))}–{dmy(delivery + timedelta(7))}"
    )
    expect(plan.locator("tr[data-kf=KF2]")).to_contain_text(
        f"Sudah dikunjungi ({dmy(TODAY - timedelta(1))})"
    )
    expect(plan.locator("tr[data-kf=KF3]")).to_contain_text("Belum waktunya")
    seen = page.locator(f"#ilp-records tr[data-record='{ids['postpartum_visit']}']")
    expect(seen).to_contain_text("KF2")
    seen.locator("a.refer-link").click()  # no danger sign: a referral is still one link away
    expect(page.locator("#referral-source")).to_contain_text("kunjungan nifas Dewi")
    page.go_back()
    page.fill("#ilp-form-visit_date", dmy(TODAY))
    expect(page.locator(".preview [data-value=kf]")).to_have_text("KF2")  # day 4 of 3-7
    page.check("#ilp-form input[name=vitamin_a_given]")
    signs = values_of(page.locator("#ilp-form input[name=danger_signs]"))
    for code in signs:
        page.check(f"#ilp-form input[name=danger_signs][value={code}]")
    for code in signs[1:]:
        page.uncheck(f"#ilp-form input[name=danger_signs][value={code}]")
    page.select_option("#ilp-form-kb_method", "mop")  # a wrong value: vasectomy for a mother
    page.fill("#ilp-form-notes", "Demam sejak kemarin")
    page.click("#ilp-form button[type=submit]")
    expect(page.locator('#ilp-form [data-error-for="kb_method"]')).to_contain_text(
        "tidak sesuai untuk jenis kelamin"
    )
    page.select_option("#ilp-form-kb_method", "iud")
    page.click("#ilp-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/nifas\?done=saved"))
    [visit] = [
        v
        for v in store_of(app).list("postpartum_visit", person_id=ids["nifas_mother"])
        if v.id != ids["postpartum_visit"]
    ]
    assert visit.fields["danger_signs"] == [signs[0]] and visit.fields["kb_method"] == "iud"
    row = page.locator(f"#ilp-records tr[data-record='{visit.id}']")
    expect(row).to_contain_text("tanda bahaya masa nifas")
    expect(row).to_contain_text("KF2")
    shot(page, "ilp-nifas")
    row.locator("a").first.click()
    expect(page.locator("#ilp-form-notes")).to_have_value("Demam sejak kemarin")

    page.goto(f"{base}/orang/{ids['nifas_mother']}")
    page.click(f"#ilp-links a[href='/orang/{ids['nifas_mother']}/kb']")
    page.locator(f"#ilp-records tr[data-record='{ids['family_planning']}'] a.refer-link").click()
    expect(page.locator("#referral-source")).to_contain_text("catatan KB Dewi")
    page.go_back()
    page.select_option("#ilp-form-status", "wus")
    page.select_option("#ilp-form-method", "mop")
    page.click("#ilp-form button[type=submit]")
    expect(page.locator('#ilp-form [data-error-for="method"]')).to_contain_text(
        "tidak sesuai untuk jenis kelamin"
    )
    page.select_option("#ilp-form-method", "implan")
    page.fill("#ilp-form-start_date", dmy(TODAY - timedelta(1)))
    page.click("#ilp-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/kb\?done=saved"))
    [record] = [
        r
        for r in store_of(app).list("family_planning", person_id=ids["nifas_mother"])
        if r.id != ids["family_planning"]
    ]
    assert (record.fields["status"], record.fields["method"], record.fields["start_date"]) == (
        "wus",
        "implan",
        (TODAY - timedelta(1)).isoformat(),
    )
    page.locator(f"#ilp-records tr[data-record='{record.id}'] a").first.click()
    expect(page.locator("#ilp-form-method")).to_have_value("implan")
    shot(page, "ilp-kb")


def test_the_dose_offer_follows_the_visit_date_of_a_late_entry(kader):
    """Bima's visit typed in late, for the day he was 20 days old: the form offers that day's
    doses (hand-checked: BCG and OPV 1; DPT-HB-Hib 1 from 42 days) and saving judges by it."""
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    store = store_of(app)
    watch.expect("POST", "/api/records/child_visit", 422)
    late = TODAY - timedelta(380)
    page.goto(f"{base}/balita/{ids['child']}/kunjungan")
    due = page.locator("#doses > label input[name=_doses]")
    assert values_of(due) == DUE
    expect(page.locator("#doses [data-doses-day]")).to_contain_text(dmy(TODAY))
    page.check("#visit-form input[name=_doses][value=OPV1]")  # ticked before the date is changed
    page.fill("#visit-form-visit_date", dmy(late))
    expect(page.locator("#doses [data-doses-day]")).to_contain_text(dmy(late))
    expect(due).to_have_count(2)
    assert values_of(due) == ["BCG", "OPV1"]
    expect(page.locator("#visit-form input[name=_doses][value=OPV1]")).to_be_checked()
    expect(page.locator("#doses > label [data-late]")).to_have_count(0)  # on time that day
    page.click("#doses-more summary")
    page.check("#doses-more input[name=_doses][value=DPT_HB_HIB1]")
    page.fill("#visit-form-weight_kg", "3,9")
    page.click("#visit-form button[type=submit]")
    error = page.locator('[data-error-for="_doses"]')
    expect(error).to_contain_text(
        "DPT-HB-Hib 1 ditolak: Umur anak belum cukup: 20 hari, paling muda 42 hari."
    )
    shot(page, "ilp-imunisasi-tanggal-kunjungan")
    assert store.list("immunization", person_id=ids["child"]) == []
    page.uncheck("#doses-more input[name=_doses][value=DPT_HB_HIB1]")
    page.click("#visit-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/balita/{ids['child']}\?done=saved"))
    [dose] = store.list("immunization", person_id=ids["child"])
    assert (dose.fields["antigen"], dose.fields["given_on"]) == ("OPV1", late.isoformat())


def test_the_dose_offer_part_refuses_a_date_it_cannot_read(kader):
    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    watch.expect("GET", f"/balita/{ids['child']}/dosis", 400)
    answer = page.request.get(f"{base}/balita/{ids['child']}/dosis?tanggal=31/02/2026")
    assert answer.status == 400
    assert answer.text().startswith("Tanggal kunjungan tidak terbaca")
    fine = page.request.get(f"{base}/balita/{ids['child']}/dosis?tanggal={TODAY.isoformat()}")
    assert fine.status == 200 and 'data-day="' + TODAY.isoformat() + '"' in fine.text()
