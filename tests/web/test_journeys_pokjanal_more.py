"""Chromium journeys over the Pokjanal controls no other journey clicks (test_journey_coverage).

Each journey starts from the server filled by ``journeys_support.seed_world`` (what the pages
show with content), clicks as a user would and checks the effect: the page a menu link opens,
the rows of a downloaded table, the record a form wrote. A console error, a failed request or
an answer >= 400 fails the journey. Screenshots go to tests/artifacts/web-*.png.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.web.conftest import browser_sign_in, shot
from tests.web.journeys_support import seed_world, watch

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(app, server, device):
    """The server with one of everything on its pages; returns the seeded ids."""
    return seed_world(app, device)


def sign_in(page, server, username: str) -> list[str]:
    """Sign ``username`` in (a fresh session); return the page's list of problems."""
    page.context.clear_cookies()
    browser_sign_in(page, server.url, username)
    page.wait_for_url("**/ringkasan")
    return watch(page)


def text_of(page, selector: str) -> str:
    return re.sub(r"\s+", " ", page.locator(selector).inner_text()).strip()


def downloaded_rows(page, link) -> list[list[str]]:
    """Click a download link; return the file's rows (CSV, or every sheet of an XLSX)."""
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    if info.value.suggested_filename.endswith(".csv"):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return [
        ["" if v is None else str(v) for v in row]
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
    ]


# -- the top bar ---------------------------------------------------------------------------


def test_the_menu_opens_every_page_and_the_language_switches(app, server, seeded, page):
    problems = sign_in(page, server, "admin")
    menu = page.locator("header.topbar nav a")
    links = [
        (menu.nth(i).get_attribute("href"), menu.nth(i).inner_text()) for i in range(menu.count())
    ]
    assert len(links) == 18  # the admin's menu: every Pokjanal page
    for href, label in links:
        page.click(f"header.topbar nav a[href='{href}']")
        page.wait_for_url(f"**{href}")
        current = page.locator("header.topbar nav a[aria-current=page]")
        assert current.get_attribute("href") == href and current.inner_text() == label
        assert page.locator("main h1").first.inner_text().strip(), href
    page.click("header.topbar a.brand")  # the app's name: back to Ringkasan
    page.wait_for_url("**/ringkasan")
    page.click("header.topbar .who a[href='/akun']")
    page.wait_for_url("**/akun")
    assert page.locator("header.topbar .who a[aria-current=page]").count() == 1
    page.click("header.topbar .lang a[href='?lang=en']")
    page.wait_for_url("**/akun?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert text_of(page, "header.topbar nav a[href='/ringkasan']") == "Summary"
    page.goto(f"{server.url}/konflik")  # the choice is kept (a cookie)
    assert text_of(page, "header.topbar nav a[href='/konflik']") == "Conflicts"
    shot(page, "menu-english")
    page.click("header.topbar .lang a[href='?lang=id']")
    page.wait_for_url("**/konflik?lang=id")
    assert page.locator("html").get_attribute("lang") == "id"
    assert text_of(page, "header.topbar nav a[href='/konflik']") == "Konflik"
    assert problems == []


# -- every table's CSV and XLSX ------------------------------------------------------------

DOWNLOADS = [
    # user, page, the links' container, a row the file must hold (by hand from the seed)
    ("admin", "/ringkasan?period=2026-06", "main", ["Kayong Utara"]),
    (
        "dinas",
        "/ringkasan?posyandu=PSY-A1&period=2026-06",
        "main",
        ["Budi Santoso", "6111********0002"],
    ),
    # the month as a code in the CSV (for machines), in words in the XLSX (for people)
    (
        "dinas",
        "/tren?code=611101&period=2026-06",
        "main",
        [("2026-06", "Juni 2026"), "2", "10", "1", "2"],
    ),
    ("pkm_a", "/mutu-data", "[data-table=devices]", ["Kader A1", "kader_a1"]),
    ("pkm_a", "/mutu-data", "[data-table=stale]", ["PSY-A2", "Posyandu Mawar"]),
    ("pkm_a", "/konflik", "main", ["Sasaran", "Nama", "Nama B"]),
    (
        "pkm_a",
        "/konflik?status=resolved",
        "main",
        ["Nama D", "Selesai", "Pkm A (Petugas puskesmas)"],
    ),
    ("kec_a", "/lokmin", "[data-table=meetings]", ["Sukadana", "611101", "2026"]),
    ("kec_a", "/lokmin", "[data-table=agreements]", ["Sweeping balita tidak datang", "PKK"]),
    ("dinas", "/evaluasi-mingguan?week=2026-W41", "main", ["PKM-B", "Puskesmas Teluk Melano"]),
    ("admin", "/pengguna", "[data-table=users]", ["pkm_a", "Pkm A"]),
    ("admin", "/pengguna", "[data-table=devices]", ["test-kader_a1"]),
    ("admin", "/pengguna", "[data-table=facilities]", ["PSY-A1", "Posyandu Melati"]),
]


def has_row(rows: list[list[str]], cells: list) -> bool:
    """Whether one row holds every cell of ``cells`` (in its order; a tuple: any of its values)."""
    wanted = [c if isinstance(c, tuple) else (c,) for c in cells]
    for row in rows:
        at = 0
        for cell in row:
            if at < len(wanted) and cell.strip() in wanted[at]:
                at += 1
        if at == len(wanted):
            return True
    return False


def test_every_table_downloads_as_csv_and_xlsx_with_its_rows(app, server, seeded, page):
    user, problems = None, []
    for who, address, where, row in DOWNLOADS:
        if who != user:
            problems += sign_in(page, server, who)
            user = who
        page.goto(server.url + address)
        for kind in ("csv", "xlsx"):
            link = page.locator(f"{where} a[href*='format={kind}']").first
            rows = downloaded_rows(page, link)
            assert has_row(rows, row), (address, where, kind, rows[:8])
    assert problems == []


# -- Ringkasan, Tren and a child's page ------------------------------------------------------


def test_summary_period_trend_and_the_way_back_up(app, server, seeded, page):
    problems = sign_in(page, server, "dinas")
    page.goto(f"{server.url}/ringkasan?period=2026-06")
    page.fill("form.filters input[name=period]", "2026-05")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/ringkasan?period=2026-05**")
    assert "Mei 2026" in text_of(page, "p.crumbs")  # the month in words, not 2026-05
    assert page.locator("form.filters input[name=period]").input_value() == "2026-05"
    page.click("#units tr[data-code='6111'] a.trend")  # the kabupaten's trend
    page.wait_for_url("**/tren?code=6111&period=2026-05")
    assert page.locator("#trend tbody tr").count() == 12
    page.fill("form.filters input[name=period]", "2026-06")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/tren?**period=2026-06**")
    page.wait_for_function("document.getElementById('chart-skdn').dataset.points === '12'")
    assert "Kayong Utara" in text_of(page, "h1")
    page.click("p.crumbs a[href^='/ringkasan']")  # back to the kabupaten's Ringkasan
    page.wait_for_url("**parent=6111**")
    assert "Kayong Utara" in text_of(page, "h1")

    page.goto(f"{server.url}/anak/{seeded['child']}")
    visits = text_of(page, "#visits")  # decimal commas: 9,1 kg, 78,0 cm, z-scores
    assert "9,1" in visits and "78,0" in visits and not re.search(r"\d\.\d", visits)
    page.click("p.crumbs a")  # the child's posyandu
    page.wait_for_url("**/ringkasan?posyandu=PSY-A1")
    assert "Posyandu Melati" in text_of(page, "h1")
    assert page.locator("#children a", has_text="Budi Santoso").count() == 1
    page.click("#up")  # one level up: the desa, its posyandu listed
    page.wait_for_url("**parent=6111012001**")
    assert "Sutera" in text_of(page, "h1")
    assert page.locator("#units a", has_text="Posyandu Melati").count() == 1
    page.click("p.crumbs a[href^='/ringkasan?period=']:not([href*=parent])")  # the top
    page.wait_for_load_state()
    assert "parent=" not in page.url and text_of(page, "h1") == "Ringkasan"
    assert page.locator("#units a", has_text="Kayong Utara").count() == 1
    assert problems == []


# -- the review pages' filters and one-click actions ------------------------------------------


def test_conflict_filters_show_open_resolved_and_all(app, server, seeded, page):
    problems = sign_in(page, server, "pkm_a")
    page.goto(f"{server.url}/konflik")
    assert [r.get_attribute("data-status") for r in page.locator("#conflicts tbody tr").all()] == [
        "open"
    ]
    page.click("a[href='/konflik?status=all']")
    page.wait_for_url("**status=all")
    statuses = sorted(
        r.get_attribute("data-status") for r in page.locator("#conflicts tbody tr").all()
    )
    assert statuses == ["open", "resolved"]
    page.click("a[href='/konflik?status=resolved']")
    page.wait_for_url("**status=resolved")
    assert "Nama D" in text_of(page, "#conflicts") and "Nama B" not in text_of(page, "#conflicts")
    page.click("a[href='/konflik?status=open']")
    page.wait_for_url("**status=open")
    assert "Nama B" in text_of(page, "#conflicts") and "Nama D" not in text_of(page, "#conflicts")
    row = page.locator("#conflicts tbody tr").first
    row.get_by_role("button", name="Pakai nilai berlaku").click()  # keep the winner: Nama B
    row.locator("details[open] form").get_by_role("button", name="Ya, simpan pilihan ini").click()
    page.wait_for_selector("p[role=status]")
    assert page.locator("#conflicts tbody tr").count() == 0
    page.click("a[href='/konflik?status=resolved']")
    page.wait_for_url("**status=resolved")
    assert "Pakai nilai berlaku" in text_of(page, "#conflicts tr:has-text('Nama B')")
    assert problems == []


def test_odf_verification_keeps_its_notes(app, server, seeded, page):
    problems = sign_in(page, server, "dinas")
    page.goto(f"{server.url}/odf")
    form = page.locator("#odf-form")
    form.locator("select[name=desa_code]").select_option("6111022001")
    form.locator("input[name=verified_on]").fill("2026-11-02")
    form.locator("select[name=status]").select_option("odf")
    form.locator("input[name=team]").fill("Tim STBM Puskesmas Teluk Melano")
    form.locator("input[name=decree]").fill("SK Camat 4/2026")
    form.locator("input[name=notes]").fill("Verifikasi ulang setelah banjir")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "02/11/2026" in text_of(page, "#odf tr[data-code='6111022001'] .timeline")
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        rows = db.session.execute(
            sa.select(Record.fields).where(Record.kind == "odf_verification")
        ).scalars()
        notes = {f["desa_code"]: f.get("notes") for f in rows if f["verified_on"] == "2026-11-02"}
        db.session.remove()
    assert notes == {"6111022001": "Verifikasi ulang setelah banjir"}
    assert problems == []


def test_mutu_data_days_and_weekly_next_week(app, server, seeded, page):
    problems = sign_in(page, server, "pkm_a")
    page.goto(f"{server.url}/mutu-data")
    page.fill("#stale input[name=days]", "45")
    page.click("#stale button[type=submit]")
    page.wait_for_url("**/mutu-data?days=45")
    assert "selama 45 hari" in text_of(page, "#stale h2")
    assert page.locator("#stale tr[data-posyandu='PSY-A2']").count() == 1  # never synced

    page.goto(f"{server.url}/evaluasi-mingguan?week=2026-W41")
    page.click("#week-next")
    page.wait_for_url("**week=2026-W42")
    assert "2026-W42" in page.url
    page.click("main a[href='/sinyal']")  # the signals named on the review
    page.wait_for_url("**/sinyal")
    assert page.locator("article[data-rule=maternal_death]").count() == 1
    assert problems == []


def test_bidan_submits_a_month_for_verification(app, server, seeded, page):
    problems = sign_in(page, server, "bidan_a")
    page.goto(f"{server.url}/verifikasi")
    page.fill("form[action='/verifikasi'] input[name=period]", "2026-06")
    page.click("form[action='/verifikasi'] button[type=submit]")
    page.wait_for_url("**/verifikasi?period=2026-06")
    row = page.locator("tr[data-posyandu='PSY-A1']")
    assert row.get_attribute("data-status") == ""
    row.locator("form button[type=submit]").first.click()  # Ajukan: the month is submitted
    page.wait_for_load_state()
    row = page.locator("tr[data-posyandu='PSY-A1']")
    assert row.get_attribute("data-status") == "submitted"
    assert "Bidan A" in row.inner_text()
    assert problems == []


def test_puskesmas_merges_a_child_registered_twice(app, server, seeded, page):
    problems = sign_in(page, server, "pkm_a")
    page.goto(f"{server.url}/data-ganda")
    pairs = page.locator("#duplicates tr[data-survivor]")
    before = pairs.count()
    assert before >= 1
    duplicate = pairs.first.get_attribute("data-duplicate")
    pairs.first.locator("button[type=submit]").click()
    page.wait_for_selector("p[role=status]")
    assert text_of(page, "p[role=status]") == "Data sudah digabung."
    assert page.locator("#duplicates tr[data-survivor]").count() == before - 1
    assert page.locator(f"#duplicates tr[data-duplicate='{duplicate}']").count() == 0
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        gone = db.session.execute(sa.select(Record.deleted).where(Record.id == duplicate)).scalar()
        db.session.remove()
    assert gone is True
    assert problems == []


def test_admin_revokes_a_device(app, server, seeded, page):
    problems = sign_in(page, server, "admin")
    page.goto(f"{server.url}/pengguna")
    row = page.locator(f"#devices tr[data-device='{seeded['device']}']")
    row.get_by_role("button", name="Cabut").click()
    page.wait_for_selector("p.notice")
    assert text_of(page, "p.notice") == "Akses perangkat dicabut."
    row = page.locator(f"#devices tr[data-device='{seeded['device']}']")
    assert "Dicabut" in row.inner_text() and row.locator("button").count() == 0
    import requests

    answer = requests.get(
        f"{server.url}/api/v1/sync/pull",
        headers={"Authorization": f"Bearer {seeded['token']}"},
        timeout=30,
    )
    assert answer.status_code == 401  # the revoked device may not sync any more
    assert problems == []


# -- lokmin: every field of the meeting form, new and edited, and an agreement added ----------

NEW_MEETING = {
    "select[name=kecamatan_code]": "611101",
    "select[name=kind]": "tribulanan_pertama",
    "input[name=year]": "2026",
    "input[name=quarter]": "III",
    "input[name=meeting_date]": "2026-08-14",
    "select[name=status]": "held",
    "input[name=venue]": "Aula Puskesmas Sukadana",
    "input[name=chair_name]": "Drs. Hasan Basri",
    "textarea[name=agenda]": "Evaluasi D/S triwulan II",
    "textarea[name=minutes]": "Rapat dibuka pukul 09.00 WITA",
    "textarea[name=problems]": "D/S turun di Sutera",
    "input[name=attendance-0-name]": "Ibu Sri",
    "input[name=attendance-0-position]": "Ketua TP PKK",
    "select[name=attendance-0-sector]": "pkk",
    "input[name=attendance-0-institution]": "TP PKK Kecamatan Sukadana",
    "select[name=plan-0-sector]": "puskesmas",
    "input[name=plan-0-activity]": "Kelas ibu balita",
    "input[name=plan-0-target]": "8 desa",
    "input[name=plan-0-month]": "2026-09",
    "select[name=plan-0-budget_source]": "bok",
    "textarea[name=agreement-0-action]": "Kunjungan rumah balita BGM",
    "select[name=agreement-0-sector]": "puskesmas",
    "input[name=agreement-0-pic_name]": "dr. Rina",
    "input[name=agreement-0-pic_role]": "Kepala Puskesmas",
    "input[name=agreement-0-start_date]": "2026-08-15",
    "input[name=agreement-0-due_date]": "2026-09-30",
    "select[name=agreement-0-budget_source]": "apbd",
    "select[name=agreement-0-status]": "in_progress",
}
EDITED = {
    "select[name=kind]": "tribulanan_rutin",
    "input[name=year]": "2026",
    "input[name=quarter]": "3",
    "input[name=meeting_date]": "2026-08-21",
    "select[name=status]": "planned",
    "input[name=chair_name]": "Camat Sukadana",
    "textarea[name=agenda]": "Evaluasi D/S dan BGM",
    "textarea[name=minutes]": "Rapat dibuka pukul 10.00",
    "textarea[name=problems]": "BGM naik di Sutera",
    "input[name=attendance-0-name]": "Ibu Sri Wahyuni",
    "input[name=attendance-0-position]": "Ketua",
    "select[name=attendance-0-sector]": "kecamatan",
    "input[name=attendance-0-institution]": "Kantor Camat",
    "select[name=plan-0-sector]": "pkk",
    "input[name=plan-0-activity]": "Kelas ibu hamil",
    "input[name=plan-0-target]": "10 desa",
    "input[name=plan-0-month]": "2026-10",
    "select[name=plan-0-budget_source]": "dana_desa",
    "textarea[name=agreement-0-action]": "Kunjungan rumah semua balita BGM",
    "select[name=agreement-0-sector]": "pkk",
    "input[name=agreement-0-pic_name]": "Ibu Sri",
    "input[name=agreement-0-pic_role]": "Ketua TP PKK",
    "input[name=agreement-0-start_date]": "2026-08-22",
    "input[name=agreement-0-due_date]": "2026-10-31",
    "select[name=agreement-0-budget_source]": "swadaya",
    "select[name=agreement-0-status]": "done",
    "input[name=agreement-0-progress_note]": "12 rumah dikunjungi",
}


def fill(form, values: dict[str, str]) -> None:
    for selector, value in values.items():
        field = form.locator(selector)
        if selector.startswith("select"):
            field.select_option(value)
        else:
            field.fill(value)


def stored_meeting(app, meeting_id: str) -> tuple[dict, list[dict]]:
    """The meeting's fields and its agreements' fields, as the server keeps them."""
    from server.extensions import db
    from server.models import Record

    with app.app_context():
        rows = db.session.execute(
            sa.select(Record.kind, Record.fields).where(Record.deleted.is_(False))
        ).all()
        db.session.remove()
    meeting = next(f for kind, f in rows if kind == "lokmin_meeting" and f["id"] == meeting_id)
    agreements = [
        f for kind, f in rows if kind == "lokmin_agreement" and f.get("meeting_id") == meeting_id
    ]
    return meeting, agreements


def test_every_field_of_a_lokmin_meeting_new_and_edited(app, server, seeded, page):
    problems = sign_in(page, server, "kec_a")
    page.goto(f"{server.url}/lokmin")
    page.click("#new-meeting summary")
    form = page.locator("#new-meeting-form")
    fill(form, NEW_MEETING)
    form.locator("input[name=attendance-0-signed]").check()
    form.locator("button.save").click()
    page.wait_for_url("**/lokmin/pertemuan/*?ok=1")
    meeting_id = page.url.split("/pertemuan/")[1].split("?")[0]
    report = text_of(page, "main")
    for shown in ("Evaluasi D/S triwulan II", "TP PKK Kecamatan Sukadana", "Kepala Puskesmas"):
        assert shown in report, shown
    meeting, (agreement,) = stored_meeting(app, meeting_id)
    assert meeting["kind"] == "tribulanan_pertama" and meeting["minutes"].endswith("09.00 WITA")
    assert meeting["attendance"][0]["signed"] is True
    assert meeting["attendance"][0]["institution"] == "TP PKK Kecamatan Sukadana"
    assert (agreement["start_date"], agreement["budget_source"]) == ("2026-08-15", "apbd")

    page.click("a.edit-link")
    page.wait_for_url("**/ubah")
    for group in ("attendance", "plan", "agreement"):  # Tambah baris keeps the form as it is
        rows = f"#edit-form select[name^={group}-][name$=-sector]"
        before = page.locator(rows).count()
        page.fill("#edit-form input[name=venue]", f"Aula {group}")
        page.click(f"#edit-form fieldset[data-group={group}] button.add-row")
        page.wait_for_load_state()
        assert page.locator(rows).count() == before + 1, group
        assert page.locator("#edit-form input[name=venue]").input_value() == f"Aula {group}"
    form = page.locator("#edit-form")
    fill(form, EDITED)
    form.locator("input[name=attendance-0-signed]").uncheck()
    form.locator("button.save").click()
    page.wait_for_url("**/lokmin/pertemuan/*?ok=1")
    meeting, (agreement,) = stored_meeting(app, meeting_id)
    assert (meeting["kind"], meeting["quarter"], meeting["status"]) == (
        "tribulanan_rutin",
        3,
        "planned",
    )
    assert (meeting["meeting_date"], meeting["chair_name"]) == ("2026-08-21", "Camat Sukadana")
    assert (meeting["agenda"], meeting["minutes"]) == (
        "Evaluasi D/S dan BGM",
        "Rapat dibuka pukul 10.00",
    )
    assert meeting["problems"][0]["description"] == "BGM naik di Sutera"
    person = meeting["attendance"][0]
    assert (person["name"], person["position"], person["sector"]) == (
        "Ibu Sri Wahyuni",
        "Ketua",
        "kecamatan",
    )
    assert person["institution"] == "Kantor Camat" and not person.get("signed")
    plan = meeting["plans"][0]
    assert (plan["sector"], plan["activity"], plan["target"], plan["month"]) == (
        "pkk",
        "Kelas ibu hamil",
        "10 desa",
        "2026-10",
    )
    assert plan["budget_source"] == "dana_desa"
    assert {k: agreement.get(k) for k in ("action", "sector", "pic_name", "pic_role")} == {
        "action": "Kunjungan rumah semua balita BGM",
        "sector": "pkk",
        "pic_name": "Ibu Sri",
        "pic_role": "Ketua TP PKK",
    }
    assert (agreement["start_date"], agreement["due_date"]) == ("2026-08-22", "2026-10-31")
    assert (agreement["budget_source"], agreement["status"]) == ("swadaya", "done")
    assert agreement["progress_note"] == "12 rumah dikunjungi"
    assert "Drs. Hasan Basri → Camat Sukadana" in text_of(page, "#report-history")
    page.click("main a[href='/lokmin']")  # back to the list: the meeting is there
    page.wait_for_url("**/lokmin")
    page.click(f"article#meeting-{meeting_id} a[href='/lokmin/pertemuan/{meeting_id}']")
    page.wait_for_url(f"**/lokmin/pertemuan/{meeting_id}")
    assert problems == []


def test_an_agreement_added_to_a_meeting_from_the_list(app, server, seeded, page):
    problems = sign_in(page, server, "kec_a")
    page.goto(f"{server.url}/lokmin")
    meeting_id = seeded["meeting"]
    page.click(f"#new-agreement-{meeting_id} summary")
    form = page.locator(f"form[action='/lokmin/pertemuan/{meeting_id}/kesepakatan']")
    fill(
        form,
        {
            "textarea[name=action]": "Posyandu buka tiap tanggal 8",
            "select[name=sector]": "kecamatan",
            "input[name=pic_name]": "Sekcam",
            "input[name=pic_role]": "Sekretaris Camat",
            "input[name=start_date]": "2026-10-12",
            "input[name=due_date]": "2026-12-31",
            "select[name=budget_source]": "apbd",
            "select[name=status]": "planned",
        },
    )
    form.locator("button[type=submit]").click()
    page.wait_for_selector("p[role=status]")
    line = page.locator("tr", has_text="Posyandu buka tiap tanggal 8")
    assert "Sekcam" in line.inner_text() and "31/12/2026" in line.inner_text()
    _, agreements = stored_meeting(app, meeting_id)
    added = next(a for a in agreements if a["action"] == "Posyandu buka tiap tanggal 8")
    assert (added["pic_role"], added["start_date"], added["budget_source"]) == (
        "Sekretaris Camat",
        "2026-10-12",
        "apbd",
    )
    assert problems == []


# -- Kiriman berkas: a device's bundle imported, the answer downloaded -----------------------


def test_puskesmas_imports_a_bundle_and_downloads_the_answer(
    app, server, seeded, device, page, tmp_path
):
    from shared.sync import bundle as fmt
    from tests.web.test_bundel import device_bundle, two_children

    kader = device("kader_a1")
    sent = tmp_path / "kiriman.posyandu"
    sent.write_bytes(device_bundle(kader, two_children(kader)))
    problems = sign_in(page, server, "pkm_a")
    page.goto(f"{server.url}/bundel")
    page.set_input_files("#bundle-file", str(sent))
    page.click("#bundle-import")
    page.wait_for_selector("#bundle-done")
    assert "2 perubahan" in text_of(page, "#bundle-done")
    assert text_of(page, "#bundle-report [data-status=applied] td") == "2"
    with page.expect_download() as info:
        page.click(f"a[href='/bundel/perangkat/{kader.device_id}']")
    assert info.value.suggested_filename.startswith("jawaban-")
    answer = fmt.open_bundle(Path(info.value.path()).read_bytes())
    answer.verify(fmt.token_hash(kader.token))
    assert answer.kind == fmt.SERVER and answer.payload["device_id"] == kader.device_id
    assert "Anak Pulau" in answer.text and "Anak Teluk" in answer.text  # the scope's changes
    assert problems == []
