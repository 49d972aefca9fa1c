"""Beranda as the day's work lists, and the search box, clicked in Chromium (issue 15).

A posyandu with one person for each list is seeded through the service; the kader opens every
list, follows a name from each to the page where she acts, weighs the child due and sees the
lists change, then finds people from Beranda's search box, the header's and the search page's.
The counts expected are written out from the seed, not read from the app.
"""

import re
from datetime import timedelta

from field_client.service import RecordService

from . import test_journeys as journeys
from .test_journeys import POSYANDU, TODAY, dmy, shot

pytestmark = journeys.pytestmark
app_url, browser_page, kader = journeys.app_url, journeys.browser_page, journeys.kader


def days(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def seed(app) -> dict[str, str]:
    """One person on each list; return their ids by name."""
    service = RecordService(app.extensions["posyandu"].store, today=TODAY)

    def person(name, sex, birth, **extra):
        fields = {"posyandu_id": POSYANDU, "name": name, "sex": sex, "birth_date": birth}
        return service.create("person", {**fields, **extra}).id

    def record(kind, **fields):
        return service.create(kind, {"posyandu_id": POSYANDU, **fields}, confirm=True).id

    ids = {
        "Sekar Ayu": person(
            "Sekar Ayu", "F", days(400), mother_name="Wulandari", nik="6111014506250009"
        ),
        "Tono": person("Tono", "M", days(300), mother_name="Painem"),
        "Ratna": person("Ratna", "F", days(27 * 365)),
        "Dewi": person("Dewi", "F", days(30 * 365)),
        "Mbah Karto": person("Mbah Karto", "M", "1948-05-05"),
    }
    record("child_visit", person_id=ids["Sekar Ayu"], visit_date=days(35), weight_kg=9.2)
    record("child_visit", person_id=ids["Tono"], visit_date=days(0), weight_kg=6.0)  # BGM
    ratna = record("pregnancy", person_id=ids["Ratna"], registered_on=days(100), lmp_date=days(260))
    record(
        "anc_visit",
        pregnancy_id=ratna,
        person_id=ids["Ratna"],
        visit_date=days(10),
        muac_cm=22.5,
    )
    ids["ratna_pregnancy"] = ratna
    ids["dewi_pregnancy"] = record(
        "pregnancy",
        person_id=ids["Dewi"],
        registered_on=days(200),
        lmp_date=days(280),
        status="delivered",
        delivery_date=days(4),
        outcome="live_birth",
    )
    record(
        "referral",
        person_id=ids["Mbah Karto"],
        referral_date=days(2),
        reason="ptm",
        destination="puskesmas",
    )
    return ids


# list -> how many, from the seed above (sasaran: balita 2, dewasa 2, lansia 1, hamil/nifas 2)
EXPECTED = {
    "sasaran": 7,
    "immunisation": 2,
    "to_weigh": 1,
    "follow_up": 1,
    "pregnant_risk": 1,
    "nifas_kf": 1,
    "lansia_skilas": 1,
    "referrals": 1,
}


def open_list(page, key):
    """Open a list's disclosure (Balita belum ditimbang starts open)."""
    details = page.locator(f"#wl-{key}")
    if details.get_attribute("open") is None:
        page.click(f"#wl-{key} summary")
    else:  # a kader closes and reopens it
        page.click(f"#wl-{key} summary")
        page.click(f"#wl-{key} summary")


def test_every_work_list_opens_and_each_name_leads_to_where_the_kader_acts(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = seed(app)
    page.goto(f"{base}/")
    for key, n in EXPECTED.items():
        expect(page.locator(f"[data-list-count={key}]")).to_have_text(str(n))
    targets = {
        "sasaran": ("#wl-sasaran-lansia", "Mbah Karto", f"/orang/{ids['Mbah Karto']}"),
        "immunisation": (
            "#wl-immunisation-list",
            "Tono",
            f"/balita/{ids['Tono']}/kunjungan",
        ),
        "to_weigh": ("#due-list", "Sekar Ayu", f"/balita/{ids['Sekar Ayu']}/kunjungan"),
        "follow_up": ("#wl-follow_up-list", "Tono", f"/balita/{ids['Tono']}"),
        "pregnant_risk": (
            "#wl-pregnant_risk-list",
            "Ratna",
            f"/kehamilan/{ids['ratna_pregnancy']}",
        ),
        "nifas_kf": ("#wl-nifas_kf-list", "Dewi", f"/kehamilan/{ids['dewi_pregnancy']}"),
        "lansia_skilas": (
            "#wl-lansia_skilas-list",
            "Mbah Karto",
            f"/dewasa/{ids['Mbah Karto']}/kunjungan",
        ),
        "referrals": ("#wl-referrals-list", "Mbah Karto", f"/orang/{ids['Mbah Karto']}"),
    }
    for key, (list_id, name, href) in targets.items():
        page.goto(f"{base}/")
        open_list(page, key)
        items = page.locator(f"{list_id} li")
        expect(items.first).to_be_visible()
        if key == "follow_up":
            expect(items.first).to_contain_text("BGM")
            expect(items.first).to_contain_text("belum dikunjungi atau dirujuk")
        if key == "nifas_kf":
            expect(items.first).to_contain_text(f"KF2 sampai {dmy(TODAY + timedelta(days=3))}")
        if key == "pregnant_risk":
            expect(items.first).to_contain_text("KEK")
        page.click(f"{list_id} a:has-text('{name}')")
        expect(page).to_have_url(f"{base}{href}")
        expect(page.locator("main")).to_contain_text(name)
    page.goto(f"{base}/")
    for key in EXPECTED:
        if page.locator(f"#wl-{key}").get_attribute("open") is None:
            page.click(f"#wl-{key} summary")
    shot(page, "beranda-daftar-kerja")


def test_weighing_the_child_due_takes_her_off_the_list(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = seed(app)
    page.goto(f"{base}/")
    expect(page.locator("[data-list-count=to_weigh]")).to_have_text("1")
    expect(page.locator("#wl-sasaran")).to_contain_text("1 dari 2 sudah dilayani hari ini")
    page.click(f"#due-list a[href='/balita/{ids['Sekar Ayu']}/kunjungan']")
    page.fill("#visit-form-weight_kg", "9,5")
    page.click("#visit-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/balita/{ids['Sekar Ayu']}"))
    page.click("header.topbar a[href='/']")
    expect(page.locator("[data-list-count=to_weigh]")).to_have_text("0")
    expect(page.locator("#due-list")).to_contain_text("Semua balita sudah ditimbang")
    page.click("#wl-sasaran summary")
    expect(page.locator("#wl-sasaran")).to_contain_text("2 dari 2 sudah dilayani hari ini")
    expect(page.locator("#measured-list")).to_contain_text("Sekar Ayu")


def test_a_person_is_found_from_beranda_the_header_and_the_search_page(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    ids = seed(app)
    page.goto(f"{base}/")
    page.fill("#home-q", "sekar")
    page.click("#home-search-go")
    expect(page).to_have_url(f"{base}/cari?q=sekar")
    expect(page.locator("#search-results li")).to_have_count(1)
    page.click("#search-results a:has-text('Sekar Ayu')")
    expect(page).to_have_url(f"{base}/balita/{ids['Sekar Ayu']}")

    page.goto(f"{base}/registrasi")
    page.fill("#header-q", "Wulandary")  # the mother's name, misspelt
    page.click("#header-search-go")
    expect(page.locator("#search-results li").first).to_contain_text("Sekar Ayu")
    expect(page.locator("#search-results li").first).to_contain_text("nama ibu")

    page.fill("#search-q", "6111 0145")  # part of a NIK, as read off a card
    page.click("#search-go")
    expect(page.locator("#search-results li")).to_have_count(1)
    expect(page.locator("#search-results")).to_contain_text("6111014506250009")
    shot(page, "cari")
    page.fill("#search-q", "Karto")
    page.press("#search-q", "Enter")
    page.click("#search-results a:has-text('Mbah Karto')")
    expect(page).to_have_url(f"{base}/orang/{ids['Mbah Karto']}")
    page.fill("#header-q", "zzzz")
    page.press("#header-q", "Enter")
    expect(page.locator("#search-none")).to_be_visible()
