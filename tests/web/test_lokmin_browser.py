"""Chromium: the lokmin page and its "melewati tenggat" filter, with no console error and no
failed request (a screenshot for reviewers in tests/artifacts/)."""

from __future__ import annotations

from tests.web.conftest import browser_sign_in, shot
from tests.web.test_review import agreement, meeting, write


def test_lokmin_overdue_filter_in_a_browser(app, server, page):
    m = meeting()
    write(
        app,
        [
            ("lokmin_meeting", m),
            ("lokmin_agreement", agreement(m, action="Terlambat sekali")),
            ("lokmin_agreement", agreement(m, action="Sudah beres", status="done")),
        ],
    )
    errors, failed = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    browser_sign_in(page, server.url, "kec_a")
    page.wait_for_url("**/ringkasan")
    page.goto(f"{server.url}/lokmin")
    assert "Sudah beres" in page.content()
    page.click("#overdue-filter a")
    page.wait_for_load_state()
    assert "tenggat=lewat" in page.url
    assert "Terlambat sekali" in page.content() and "Sudah beres" not in page.content()
    shot(page, "lokmin-tenggat")
    assert not errors, errors
    assert not failed, failed


# -- the lokmin of Kecamatan Pagu's Tribulan II, entered in one sitting and printed --------------

PEOPLE = [
    ("Kapten Inf. Suyanto", "Danramil", "Koramil"),
    ("AKP Budi Hartono", "Kapolsek", "Polsek"),
    ("Drs. Hasan Basri", "Camat", "Kecamatan"),
    ("dr. Rina Wulandari", "Kepala Puskesmas", "Puskesmas"),
    ("Ibu Sri", "Ketua TP PKK", "PKK"),
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
    b"\x00\x00\x00\nIDATx\x9cc\x00\x00\x00\x02\x00\x01H\xaf\xa4q\x00\x00\x00\x00IEND\xaeB`\x82"
)


def watch(page):
    errors, failed = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    return errors, failed


def fill_meeting(form):
    form.locator("select[name=kind]").select_option(label="Tribulanan lintas sektor rutin")
    form.locator("input[name=year]").fill("2026")
    form.locator("input[name=quarter]").fill("II")
    form.locator("input[name=meeting_date]").fill("2026-05-12")
    form.locator("select[name=status]").select_option(label="Terlaksana")
    form.locator("input[name=venue]").fill("Aula Kantor Camat Pagu")
    form.locator("input[name=chair_name]").fill("Drs. Hasan Basri")
    form.locator("textarea[name=problems]").fill("D/S turun di Desa Sutera\nStunting 24 %")


def test_pagu_tribulan_ii_entered_in_one_sitting_printed_edited_and_deleted(
    app, server, page, tmp_path
):
    import io
    import subprocess
    from pathlib import Path

    from openpyxl import load_workbook

    app.config["LOKMIN_ATTACHMENT_DIR"] = str(tmp_path / "lampiran")
    errors, failed = watch(page)
    browser_sign_in(page, server.url, "kec_a")
    page.wait_for_url("**/ringkasan")
    page.goto(f"{server.url}/lokmin")
    page.click("#new-meeting summary")
    form = page.locator("#new-meeting-form")
    fill_meeting(form)
    for i, (name, position, sector) in enumerate(PEOPLE[:4]):
        form.locator(f"input[name=attendance-{i}-name]").fill(name)
        form.locator(f"input[name=attendance-{i}-position]").fill(position)
        form.locator(f"select[name=attendance-{i}-sector]").select_option(label=sector)
    # "Tambah baris": the form comes back with what was typed and one more attendance row
    form.locator("fieldset[data-group=attendance] button.add-row").click()
    page.wait_for_load_state()
    form = page.locator("#new-meeting-form")
    assert form.locator("input[name=attendance-3-name]").input_value() == "dr. Rina Wulandari"
    assert form.locator("input[name=venue]").input_value() == "Aula Kantor Camat Pagu"
    assert form.locator("input[name=attendance-5-name]").count() == 0
    assert page.locator("[role=alert]").count() == 0  # nothing was refused: no error banner
    name, position, sector = PEOPLE[4]
    form.locator("input[name=attendance-4-name]").fill(name)
    form.locator("input[name=attendance-4-position]").fill(position)
    form.locator("select[name=attendance-4-sector]").select_option(label=sector)
    plans = [
        ("Koramil", "Babinsa mendampingi posyandu", "12 posyandu", "2026-07", "Swadaya masyarakat"),
        ("Puskesmas", "PMT pemulihan balita gizi kurang", "30 balita", "2026-08", "BOK"),
        ("PKK", "Kelas ibu balita di tiap desa", "8 desa", "2026-09", "Dana Desa"),
    ]
    form.locator("fieldset[data-group=plan] button.add-row").click()
    page.wait_for_load_state()
    form = page.locator("#new-meeting-form")
    assert form.locator("input[name=attendance-4-name]").input_value() == "Ibu Sri"
    assert form.locator("select[name=plan-2-sector]").count() == 1
    for i, (sector, activity, target, month, funds) in enumerate(plans):
        form.locator(f"select[name=plan-{i}-sector]").select_option(label=sector)
        form.locator(f"input[name=plan-{i}-activity]").fill(activity)
        form.locator(f"input[name=plan-{i}-target]").fill(target)
        form.locator(f"input[name=plan-{i}-month]").fill(month)
        form.locator(f"select[name=plan-{i}-budget_source]").select_option(label=funds)
    agreements = [
        (
            "Babinsa ikut sweeping balita tidak datang",
            "Koramil",
            "Kapten Inf. Suyanto",
            "2026-06-30",
        ),
        ("Bhabinkamtibmas hadir di hari buka posyandu", "Polsek", "AKP Budi Hartono", "2026-06-30"),
        (
            "Surat edaran camat tentang hari buka posyandu",
            "Kecamatan",
            "Drs. Hasan Basri",
            "2026-05-31",
        ),
    ]
    form.locator("fieldset[data-group=agreement] button.add-row").click()
    page.wait_for_load_state()
    form = page.locator("#new-meeting-form")
    assert form.locator("input[name=plan-2-activity]").input_value() == plans[2][1]
    for i, (action, sector, pic, due) in enumerate(agreements):
        form.locator(f"textarea[name=agreement-{i}-action]").fill(action)
        form.locator(f"select[name=agreement-{i}-sector]").select_option(label=sector)
        form.locator(f"input[name=agreement-{i}-pic_name]").fill(pic)
        form.locator(f"input[name=agreement-{i}-due_date]").fill(due)
    shot(page, "lokmin-formulir")
    form.locator("button.save").click()
    page.wait_for_url("**/lokmin/pertemuan/*?ok=1")
    meeting_url = page.url.split("?")[0]
    assert page.locator("[role=status]").inner_text() == "Tersimpan."
    assert page.locator("#report-attendance tbody tr").count() == 5
    assert "Kapten Inf. Suyanto" in page.locator("#report-attendance").inner_text()
    koramil = page.locator("[data-sector=koramil]").inner_text()
    assert "Babinsa mendampingi posyandu" in koramil and "Babinsa ikut sweeping" in koramil
    assert "07/2026" in koramil and "30/06/2026" in koramil
    assert "12/05/2026" in page.locator("#report-meeting").inner_text()

    # attach the photo of the signed agreement, open it
    page.locator("#upload-form select[name=label]").select_option(
        label="Kesepakatan yang ditandatangani"
    )
    photo = tmp_path / "kesepakatan-ttd.png"
    photo.write_bytes(PNG)
    page.locator("#upload-form input[type=file]").set_input_files(str(photo))
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_url("**lampiran=1")
    assert page.locator("[role=status]").inner_text() == "Lampiran tersimpan."
    link = page.locator("ul.attachments a")
    assert link.inner_text() == "kesepakatan-ttd.png"
    with page.expect_download() as info:
        link.click()
    assert Path(info.value.path()).read_bytes() == PNG
    shot(page, "lokmin-laporan")

    # the workbook for next quarter's follow-up
    with page.expect_download() as info:
        page.click("a.xlsx-link")
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    sheet = book["Daftar hadir"]
    assert [sheet.cell(r, 2).value for r in range(8, 13)] == [p[0] for p in PEOPLE]
    plan_sheet = book["Rencana sektor"]
    assert [plan_sheet.cell(r, 2).value for r in range(8, 11)] == [p[1] for p in plans]

    # "Cetak" opens the print dialog; the printed page (print CSS) has no controls
    page.evaluate(
        "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
    )
    page.click("#print-report")
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    pdf = tmp_path / "lokmin.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.emulate_media(media="screen")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Laporan Lokakarya Mini Lintas Sektor" in text and "Kapten Inf. Suyanto" in text
    assert "PMT pemulihan balita gizi kurang" in text
    assert "Unggah lampiran" not in text and "Riwayat perubahan" not in text

    # edit: change the venue and remove one agreement; the history says who and what
    page.click("a.edit-link")
    page.wait_for_url("**/ubah")
    form = page.locator("#edit-form")
    form.locator("input[name=venue]").fill("Balai Desa Sutera")
    removed = form.locator("textarea[name=agreement-2-action]").input_value()
    form.locator("input[name=agreement-2-hapus]").check()
    form.locator("button.save").click()
    page.wait_for_url("**/lokmin/pertemuan/*?ok=1")
    history = page.locator("#report-history").inner_text()
    assert "Kec A (Tim kecamatan)" in history and "kec_a" not in history
    assert "Tempat: Aula Kantor Camat Pagu → Balai Desa Sutera" in history
    assert "Kesepakatan dihapus" in history
    assert removed not in page.locator("#report-sectors").inner_text()

    # delete the attachment, then the meeting (a confirmation naming it)
    page.locator("ul.attachments button[type=submit]").click()
    page.wait_for_url("**lampiran=0")
    assert page.locator("[role=status]").inner_text() == "Lampiran dihapus."
    assert page.locator("ul.attachments").count() == 0
    page.click("a.edit-link")
    page.wait_for_url("**/ubah")
    page.click("#delete-meeting summary")
    assert (
        "Hapus pertemuan Sukadana 12/05/2026 beserta 2 kesepakatannya?"
        in page.locator("#delete-meeting").inner_text()
    )
    page.locator("#delete-meeting button[type=submit]").click()
    page.wait_for_url("**/lokmin?dihapus=1")
    assert page.locator("[role=status]").inner_text() == "Pertemuan dihapus."
    assert page.locator("article[id^=meeting-]").count() == 0
    assert "Pertemuan dihapus" in page.locator("#recent-history").inner_text()
    shot(page, "lokmin-dihapus")
    assert page.request.get(meeting_url).status == 404  # the deleted meeting is gone
    assert not errors, errors
    assert not failed, failed
