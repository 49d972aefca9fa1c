"""More of the kader's journeys in Chromium, clicked as a kader would (issue #14).

Together with test_journeys.py they use every button, link, field and form of every page
(test_journey_coverage checks it). Each journey checks what the store holds afterwards: a field a
kader types (dd/mm/yyyy, decimal comma) must arrive as the value meant. The watch of
test_journeys fails a journey on any console error or failed request it did not provoke.
"""

import re
from datetime import timedelta

from field_client.service import RecordService

from . import journeys_support as support
from . import test_journeys as journeys
from .test_journeys import DESA, POSYANDU, TODAY, dmy, seed_child, shot

pytestmark = journeys.pytestmark
app_url, browser_page, kader = journeys.app_url, journeys.browser_page, journeys.kader

# window.print() opens the browser's dialog; here it only counts, so a journey can see it called.
PRINT_STUB = "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"


def store_of(app):
    return app.extensions["posyandu"].store


def fill_all(page, values: dict[str, str]) -> None:
    """Type each value into the field with that CSS selector (dates dd/mm/yyyy, decimal comma)."""
    for selector, value in values.items():
        page.fill(selector, value)


def delete_after_second_thoughts(page, kind: str) -> None:
    """Hapus, then Batal, then Hapus and Ya: what a careful kader does."""
    from playwright.sync_api import expect

    # the buttons work once app.js has wired them (a loaded machine can be slower than a click)
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    box = page.locator(f".delete-box:has([data-delete-kind={kind}])")
    box.locator("[data-delete-kind]").click()
    expect(box.locator(".delete-confirm")).to_be_visible()
    box.locator("[data-delete-no]").click()
    expect(box.locator(".delete-confirm")).to_be_hidden()
    box.locator("[data-delete-kind]").click()
    box.locator("[data-delete-yes]").click()
    expect(page.locator("#undo-banner")).to_be_visible()


PERSON_FIELDS = {
    "#person-form-name": "Sari Lestari",
    "#person-form-nik": "6111014506250002",
    "#person-form-no_kk": "6111010101200003",
    "#person-form-mother_name": "Wati Susanti",
    "#person-form-mother_nik": "6111014101950004",
    "#person-form-father_name": "Budi Santoso",
    "#person-form-father_nik": "6111010101900005",
    "#person-form-address": "Jl. Pelabuhan 3, Sukadana",
    "#person-form-rt": "002",
    "#person-form-rw": "001",
    "#person-form-birth_weight_kg": "2,45",
    "#person-form-birth_length_cm": "47,5",
    "#person-form-birth_order": "2",
    "#person-form-phone": "081234567890",
    "#person-form-notes": "Pindahan dari Teluk Batang",
}


def test_registering_a_balita_with_every_field_then_finding_her(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    birth = TODAY - timedelta(days=500)
    page.click("header.topbar a[href='/registrasi']")
    page.click("#register-new")
    page.check("#stage-pick input[value=anak]")
    expect(page.locator("[data-field=birth_weight_kg]")).to_be_hidden()
    page.check("#stage-pick input[value=balita]")
    fill_all(page, {**PERSON_FIELDS, "#person-form-birth_date": dmy(birth)})
    expect(page.locator("#person-form [data-bblr]")).to_be_visible()  # 2,45 kg: BBLR
    page.select_option("#person-form-sex", "F")
    page.select_option("#person-form-desa_code", DESA)
    page.check("#person-form input[name=has_kia_book]")
    shot(page, "registrasi-lengkap")
    page.click("#person-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Sari Lestari")
    expect(page.locator("[data-flag=bblr]")).to_be_visible()
    [person] = store_of(app).list("person", search="Sari")
    assert (
        person.fields
        | {
            "birth_date": birth.isoformat(),
            "sex": "F",
            "desa_code": DESA,
            "has_kia_book": True,
            "birth_weight_kg": 2.45,
            "birth_length_cm": 47.5,
            "birth_order": 2,
            "rt": "002",
            "nik": "6111014506250002",
            "phone": "081234567890",
        }
        == person.fields
    )

    page.click("header.topbar a[href='/registrasi']")
    page.fill("form[action='/registrasi'] input[name=q]", "lestari")
    page.select_option("form[action='/registrasi'] select[name=tahap]", "balita")
    page.click("form[action='/registrasi'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"q=lestari&tahap=balita"))
    page.click(f"#people a[href='/orang/{person.id}']")
    expect(page).to_have_url(f"{base}/balita/{person.id}")
    page.click("#person-edit summary")  # Hapus opened by mistake: Batal keeps her
    page.click("#person-edit [data-delete-kind=person]")
    page.click("#person-edit [data-delete-no]")
    expect(page.locator("#person-edit .delete-confirm")).to_be_hidden()
    page.click("#new-visit")  # the next step at the posyandu: weigh her
    expect(page.locator("h1")).to_have_text("Kunjungan balita: Sari Lestari")
    assert store_of(app).get("person", person.id) is not None


# What the visit form offers a 400-day-old with no dose recorded (schedule.csv, by hand): the
# doses without an age limit whose previous dose is not needed. RV (limit) and HB0 (< 24 h) are
# not offered; the second doses wait for the first (issue #15).
DUE_AT_400_DAYS = ["BCG", "OPV1", "DPT_HB_HIB1", "PCV1", "IPV1", "MR1"]


def record_full_visit(page) -> None:
    """Fill every field of the visit form (and give the doses due today) and save."""
    from playwright.sync_api import expect

    fill_all(
        page,
        {
            "#visit-form-visit_date": dmy(TODAY),
            "#visit-form-weight_kg": "9,6",
            "#visit-form-length_cm": "77,5",
            "#visit-form-head_cm": "46,5",
            "#visit-form-muac_cm": "14,5",
            "#visit-form-notes": "Penyuluhan gizi",
        },
    )
    page.select_option("#visit-form-position", "lying")
    page.select_option("#visit-form-vitamin_a", "red")
    page.check("#visit-form input[name=oedema]")  # a slip: oedema alarms, the kader unticks
    expect(page.locator("#growth-preview")).to_contain_text("Edema")
    page.uncheck("#visit-form input[name=oedema]")
    page.check("#visit-form input[name=exclusive_breastfeeding]")  # not at 13 months: untick
    page.uncheck("#visit-form input[name=exclusive_breastfeeding]")
    page.check("#visit-form input[name=deworming]")
    offered = page.locator("#doses > label input[name=_doses]")
    assert sorted(offered.evaluate_all("(els) => els.map((e) => e.value)")) == sorted(
        DUE_AT_400_DAYS
    )
    for code in DUE_AT_400_DAYS:
        page.check(f"#visit-form input[name=_doses][value={code}]")
    shot(page, "kunjungan-lengkap")
    page.click("#visit-form button[type=submit]")


def test_a_visit_with_every_measure_and_service_then_the_card_is_printed(kader):
    """The kader records a full visit with the doses due today, then prints the card."""
    from playwright.sync_api import expect

    app, base, page, watch = kader
    child = seed_child(app, name="Bima", weights=[(35, 9.2)])
    page.add_init_script(PRINT_STUB)
    page.click("header.topbar a[href='/']")
    page.click(f"#due-list a[href='/balita/{child.id}/kunjungan']")
    record_full_visit(page)
    expect(page.locator("#visits tbody tr[data-visit]")).to_have_count(2)
    [visit] = [
        v for v in store_of(app).list("child_visit", person_id=child.id) if v.fields.get("head_cm")
    ]
    assert {k: visit.fields.get(k) for k in ("weight_kg", "length_cm", "head_cm", "muac_cm")} == {
        "weight_kg": 9.6,
        "length_cm": 77.5,
        "head_cm": 46.5,
        "muac_cm": 14.5,
    }
    assert visit.fields["visit_date"] == TODAY.isoformat() and visit.fields["vitamin_a"] == "red"
    assert visit.fields["deworming"] is True and not visit.fields.get("oedema")
    doses = store_of(app).list("immunization", person_id=child.id)
    assert sorted(d.fields["antigen"] for d in doses) == sorted(DUE_AT_400_DAYS)
    assert {d.fields["given_on"] for d in doses} == {TODAY.isoformat()}

    page.click("header.topbar a[href='/']")
    page.click(f"#measured-list a[href='/balita/{child.id}']")
    page.click("#print-card")
    expect(page).to_have_url(f"{base}/balita/{child.id}/cetak")  # ?cetak=1 is gone
    expect(page.locator("#child-card")).to_contain_text("9,6")
    page.wait_for_function("window.__printed === 1")  # printed once, by itself
    page.click("#print-now")
    page.wait_for_function("window.__printed === 2")
    page.click("#print-back")
    expect(page).to_have_url(f"{base}/balita/{child.id}")
    page.click("#visits tbody tr[data-visit] >> nth=1 >> a")  # the older visit: Hapus, Batal
    page.click("[data-delete-kind=child_visit]")
    page.click("[data-delete-no]")
    expect(page.locator(".delete-confirm")).to_be_hidden()
    assert len(store_of(app).list("child_visit", person_id=child.id)) == 2


def test_the_monthly_report_month_by_month_and_printed(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    page.add_init_script(PRINT_STUB)
    page.click("header.topbar a[href='/laporan-bulanan']")
    d_count = page.locator("#skdn-table [data-count=D] td.num").inner_text()
    page.click("#month-previous")
    expect(page).to_have_url(re.compile(r"/laporan-bulanan\?bulan=\d{4}-\d{2}$"))
    page.click("main a[href='/hari-buka']")  # no opening day recorded that month: record one
    expect(page.locator("#session-form")).to_be_visible()
    page.go_back()
    page.click("#month-next")
    page.click("#month-next")
    page.click("#month-previous")
    expect(page.locator("#skdn-table [data-count=D] td.num")).to_have_text(d_count)
    page.click("#print-report")
    expect(page).to_have_url(f"{base}/laporan-bulanan/{ids['month']}/cetak")
    expect(page.locator("#print-skdn [data-count=D] td.num")).to_have_text(d_count)
    page.wait_for_function("window.__printed === 1")
    shot(page, "laporan-cetak")
    page.click("#print-back")
    page.click(f"main a[href='/hari-buka?id={ids['session']}']")
    expect(page.locator("#session-form-kader_present")).to_have_value("4")


def register_pregnancy(page, app) -> str:
    """Open "Daftarkan kehamilan" on the mother's page, fill every field, save; return its id."""
    from playwright.sync_api import expect

    page.click("details:has(#pregnancy-form) > summary")
    lmp = TODAY - timedelta(days=70)
    fill_all(
        page,
        {
            "#pregnancy-form-registered_on": dmy(TODAY - timedelta(days=1)),
            "#pregnancy-form-lmp_date": dmy(lmp),
            "#pregnancy-form-edd": dmy(lmp + timedelta(days=280)),
            "#pregnancy-form-gravida": "3",
            "#pregnancy-form-para": "1",
            "#pregnancy-form-abortus": "1",
            "#pregnancy-form-height_cm": "151,5",
            "#pregnancy-form-notes": "Kehamilan ketiga",
        },
    )
    page.check("#pregnancy-form input[name=has_kia_book]")
    page.click("#pregnancy-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/kehamilan/[0-9a-f-]{36}\?done=saved"))
    pregnancy = page.url.split("/kehamilan/")[1].split("?")[0]
    stored = store_of(app).get("pregnancy", pregnancy).fields
    assert (stored["gravida"], stored["para"], stored["abortus"]) == (3, 1, 1)
    assert stored["height_cm"] == 151.5 and stored["has_kia_book"] is True
    assert stored["edd"] == (lmp + timedelta(days=280)).isoformat()
    return pregnancy


def anc_visit_then_deleted(page, app, pregnancy: str) -> None:
    """Record an ANC visit with every field (LiLA 22,5: KEK), open it, delete it."""
    from playwright.sync_api import expect

    fill_all(
        page,
        {
            "#anc-form-visit_date": dmy(TODAY),
            "#anc-form-weight_kg": "52,5",
            "#anc-form-muac_cm": "22,5",
            "#anc-form-systolic_bp": "110",
            "#anc-form-diastolic_bp": "70",
            "#anc-form-iron_tablets": "30",
            "#anc-form-hb_g_dl": "10,5",
            "#anc-form-notes": "Diberi tablet tambah darah",
        },
    )
    page.click("#anc-form button[type=submit]")
    visit_link = page.locator(f"a[href^='/kehamilan/{pregnancy}?visit=']")
    expect(visit_link).to_have_count(1)
    [anc] = store_of(app).list("anc_visit", pregnancy_id=pregnancy)
    assert (anc.fields["muac_cm"], anc.fields["hb_g_dl"], anc.fields["iron_tablets"]) == (
        22.5,
        10.5,
        30,
    )
    visit_link.click()
    delete_after_second_thoughts(page, "anc_visit")
    expect(visit_link).to_have_count(0)


def test_a_pregnancy_from_registration_to_delivery_with_an_anc_visit(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    mother = ids["mother"]
    page.click("header.topbar a[href='/registrasi']")
    page.fill("form[action='/registrasi'] input[name=q]", "Siti")
    page.click("form[action='/registrasi'] button[type=submit]")
    page.click(f"#people a[href='/orang/{mother}']")
    pregnancy = register_pregnancy(page, app)
    anc_visit_then_deleted(page, app, pregnancy)

    page.click("details:has(#pregnancy-form) > summary")
    page.select_option("#pregnancy-form-status", "delivered")
    page.fill("#pregnancy-form-delivery_date", dmy(TODAY))
    page.select_option("#pregnancy-form-delivery_place", "facility")
    page.select_option("#pregnancy-form-delivery_attendant", "nakes")
    page.select_option("#pregnancy-form-outcome", "live_birth")
    page.click("#pregnancy-form button[type=submit]")
    expect(page.locator("#done-banner")).to_be_visible()
    stored = store_of(app).get("pregnancy", pregnancy).fields
    assert (stored["status"], stored["delivery_date"], stored["outcome"]) == (
        "delivered",
        TODAY.isoformat(),
        "live_birth",
    )
    page.click(f"h1 a[href='/orang/{mother}']")
    page.click(f"a[href='/kehamilan/{pregnancy}']")
    page.click("details:has(#pregnancy-form) > summary")
    delete_after_second_thoughts(page, "pregnancy")
    expect(page).to_have_url(re.compile(f"/orang/{mother}"))


def test_a_lansia_visit_with_skilas_then_a_death_is_recorded(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    elder = ids["elder"]
    page.goto(f"{base}/registrasi?tahap=lansia")
    page.click(f"#people a[href='/orang/{elder}']")
    page.click("#new-adult-visit")
    fill_all(
        page,
        {
            "#adult-form-visit_date": dmy(TODAY),
            "#adult-form-weight_kg": "58,5",
            "#adult-form-height_cm": "158",
            "#adult-form-waist_cm": "88,5",
            "#adult-form-systolic_bp": "150",
            "#adult-form-diastolic_bp": "95",
            "#adult-form-blood_glucose_mg_dl": "180",
            "#adult-form-notes": "Rujuk ke puskesmas",
        },
    )
    expect(page.locator("[data-flag=hypertension]")).to_be_visible()
    page.check("#adult-form input[data-group-toggle=skilas]")
    for part in ("cognitive", "mobility", "malnutrition", "vision", "hearing", "depression"):
        page.check(f"#adult-form input[name='skilas.{part}']")
    page.uncheck("#adult-form input[name='skilas.depression']")
    shot(page, "lansia-skilas")
    page.click("#adult-form button[type=submit]")
    expect(page).to_have_url(re.compile(f"/orang/{elder}\\?done=saved"))
    [visit] = [
        v
        for v in store_of(app).list("adult_visit", person_id=elder)
        if v.fields["visit_date"] == TODAY.isoformat()
    ]
    assert (
        visit.fields["skilas"]["vision"] is True and visit.fields["skilas"]["depression"] is False
    )
    assert (visit.fields["weight_kg"], visit.fields["waist_cm"]) == (58.5, 88.5)
    page.click(f"a[href='/dewasa/{elder}/kunjungan?visit={visit.id}']")
    delete_after_second_thoughts(page, "adult_visit")

    page.goto(f"{base}/orang/{elder}")
    page.click("#death summary")
    page.fill("#death-form-died_on", dmy(TODAY))
    page.fill("#death-form-death_cause", "Stroke")
    page.click("#death-form button[type=submit]")
    expect(page.locator("#died")).to_have_text(f"Meninggal pada {dmy(TODAY)}.")
    assert store_of(app).get("person", elder).fields["death_cause"] == "Stroke"


SESSION_NUMBERS = {
    "kader_registered": "6",
    "kader_present": "5",
    "nakes_present": "1",
    "kb_served": "7",
    "diarrhoea_cases": "2",
    "diarrhoea_oralit": "1",
    "oralit_given": "4",
    "families_target": "80",
    "families_contributing": "64",
    "dana_sehat_rp": "250000",
}
DESA_NUMBERS = {
    "births_live": "3",
    "births_still": "0",
    "deaths_maternal": "0",
    "deaths_neonatal": "1",
    "deaths_infant": "1",
    "deaths_under5": "1",
}


def test_an_opening_day_and_a_desa_report_are_recorded_then_deleted(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    page.click("header.topbar a[href='/hari-buka']")
    page.fill("#session-form-session_date", dmy(TODAY))
    page.uncheck("#session-form input[name=opened]")
    page.check("#session-form input[name=opened]")
    fill_all(page, {f"#session-form-{k}": v for k, v in SESSION_NUMBERS.items()})
    page.check("#session-form input[name=pmt_given]")
    for program in ("bkb", "paud", "lansia", "dana_sehat", "lainnya"):
        page.check(f"#session-form input[name=program_tambahan][value={program}]")
    page.fill("#session-form-notes", "Hujan, buka terlambat")
    page.click("#session-form button[type=submit]")
    # the save is asynchronous: read the store once the page lists the saved day
    expect(page.locator("#sessions a[href^='/hari-buka?id=']")).to_have_count(1)
    expect(page).to_have_url(f"{base}/hari-buka?done=saved")  # saved, not still on its way
    [session] = store_of(app).list("posyandu_session")
    assert {k: session.fields[k] for k in SESSION_NUMBERS} == {
        k: int(v) for k, v in SESSION_NUMBERS.items()
    }
    assert len(session.fields["program_tambahan"]) == 5 and session.fields["pmt_given"] is True
    page.click(f"#sessions a[href='/hari-buka?id={session.id}']")
    delete_after_second_thoughts(page, "posyandu_session")

    period = f"{TODAY.year:04d}-{TODAY.month:02d}"
    page.click("header.topbar a[href='/laporan-desa']")
    page.select_option("#desa-form-desa_code", DESA)
    page.fill("#desa-form-period", period)
    fill_all(page, {f"#desa-form-{k}": v for k, v in DESA_NUMBERS.items()})
    page.select_option("#desa-form-odf_status", "odf")
    page.fill("#desa-form-odf_verified_on", dmy(TODAY - timedelta(days=3)))
    page.fill("#desa-form-notes", "Verifikasi oleh sanitarian")
    page.click("#desa-form button[type=submit]")
    expect(page.locator("a[href^='/laporan-desa?id=']")).to_have_count(1)
    [report] = store_of(app).list("desa_report")
    assert report.fields["period"] == period and report.fields["odf_status"] == "odf"
    assert report.fields["odf_verified_on"] == (TODAY - timedelta(days=3)).isoformat()
    assert {k: report.fields[k] for k in DESA_NUMBERS} == {
        k: int(v) for k, v in DESA_NUMBERS.items()
    }
    page.click(f"a[href='/laporan-desa?id={report.id}']")
    delete_after_second_thoughts(page, "desa_report")
    expect(page.locator("#desa-reports")).not_to_contain_text("\u2014 ")


def test_sinkronisasi_fixing_resending_and_discarding_refused_changes(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    page.on("dialog", lambda dialog: dialog.accept())  # "Batalkan perubahan ini?"
    page.click("header.topbar a[href='/']")
    page.click("main a[href='/sinkronisasi']")  # "2 perubahan ditolak server"
    page.click("#sync-now")
    expect(page.locator("#sync-error")).to_be_visible()  # no server yet: said in words
    store = store_of(app)
    fix = page.locator("form[id^=fix-]")
    page.fill("form[id^=fix-] input[name=name]", "Diterima")
    fix.locator("button[type=submit]").click()
    expect(page.locator("#done-banner")).to_be_visible()
    assert store.get("person", ids["refused"]).fields["name"] == "Diterima"
    page.click("[data-resend-delete]")
    expect(page.locator("#no-quarantine")).to_be_visible()
    assert store.quarantined() == []
    refused = RecordService(store).create(
        "person",
        {"posyandu_id": POSYANDU, "name": "Lagi", "sex": "F", "birth_date": "2024-01-01"},
    )
    seq = next(m.seq for m in store.pending() if m.id == refused.id)
    store.apply_push_results([{"seq": seq, "status": "rejected", "errors": {}}])
    page.reload()
    page.click(f"[data-discard-seq='{seq}']")
    # The reloaded page still shows the "resent" banner: wait for the discard's own page.
    expect(page).to_have_url(re.compile(r"done=discarded"))
    expect(page.locator("#done-banner")).to_contain_text("Perubahan dibatalkan")
    assert store.quarantined() == []
    page.click("header.topbar a[href='/sinkronisasi']")
    expect(page.locator("#no-quarantine")).to_be_visible()


def test_a_longer_pin_the_english_pages_and_a_sign_in_without_connection(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    expect(page.locator("#pin-weak")).to_be_visible()  # PIN 1357: four digits are too few
    page.click("#pin-weak a[href='/pin']")
    page.fill("form[action='/pin'] input[name=pin]", "135792")
    page.fill("form[action='/pin'] input[name=pin2]", "135792")
    page.click("form[action='/pin'] button[type=submit]")
    expect(page.locator("#pin-weak")).to_have_count(0)

    page.click("header.topbar a[href='/bahasa/en']")
    expect(page.locator("header.topbar nav")).to_contain_text("Registry")
    page.click("header.topbar a[href='/bahasa/id']")
    expect(page.locator("header.topbar nav")).to_contain_text("Registrasi")
    page.click("header.topbar a.brand")

    watch.expect("POST", "/setup", 400)
    page.goto(f"{base}/setup")
    page.fill("form[action='/setup'] input[name=server_url]", "127.0.0.1:9")
    page.fill("form[action='/setup'] input[name=username]", "kader_a1")
    page.fill("form[action='/setup'] input[name=password]", "rahasia")
    page.fill("form[action='/setup'] input[name=device_name]", "Laptop Posyandu")
    page.click("form[action='/setup'] button[type=submit]")
    expect(page.locator("#setup-error")).to_be_visible()
    assert store_of(app).get_meta("server_url") in (None, "")
