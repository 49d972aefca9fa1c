"""Chromium: dinas drills down from the kabupaten to a posyandu, opens a child, downloads exports."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.web.conftest import browser_sign_in, shot
from tests.web.test_summary import NIK_A, PERIOD, seed


def read_book(download):
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        return load_workbook(io.BytesIO(handle.read()), read_only=True)


def test_dinas_drills_down_to_a_child_and_downloads_exports(app, server, page):
    kids = seed(app)
    browser_sign_in(page, server.url, "dinas")
    page.wait_for_url("**/ringkasan")
    page.goto(f"{server.url}/ringkasan?period={PERIOD}")
    assert page.locator("#headline [data-key=ds]").inner_text().endswith("(3/3)")
    shot(page, "ringkasan")
    for name in ("Kayong Utara", "Sukadana", "Puskesmas Sukadana", "Sutera", "Posyandu Melati"):
        page.locator("#units a", has_text=name).first.click()
        page.wait_for_load_state()
    assert "posyandu=PSY-A1" in page.url
    assert page.locator("#children tbody tr").count() == 2
    assert NIK_A not in page.content() and "6111********0001" in page.content()
    shot(page, "ringkasan-posyandu")

    with page.expect_download() as info:
        page.click("#export-eppgbm")
    book = read_book(info.value)
    assert book.sheetnames == ["Data Dasar", "Pemantauan Pertumbuhan"]
    names = {row[2] for row in book["Data Dasar"].iter_rows(min_row=2, values_only=True)}
    assert names == {"Ani Lestari", "Budi Santoso"}
    nik = {row[2]: row[1] for row in book["Data Dasar"].iter_rows(min_row=2, values_only=True)}
    assert nik["Ani Lestari"] == NIK_A  # dinas gets the full NIK in the e-PPGBM upload file

    with page.expect_download() as info:
        page.click("#export-sip6")
    sip = read_book(info.value)
    values = {
        row[1]: row[2]
        for row in sip["Format 6"].iter_rows(values_only=True)
        if len(row) > 2 and row[1]
    }
    assert values["D: balita ditimbang"] == 2

    with page.expect_download() as info:
        page.click("text=CSV")
    with open(info.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert {row[1] for row in rows[1:]} == {"Ani Lestari", "Budi Santoso"}

    page.locator("#children a", has_text="Budi Santoso").click()
    page.wait_for_url(f"**/anak/{kids['budi']}")
    page.wait_for_function("document.getElementById('chart-weight').dataset.points === '2'")
    assert page.locator("#visits tbody tr").count() == 2
    shot(page, "anak")

    page.goto(f"{server.url}/tren?code=611101&period={PERIOD}")
    page.wait_for_function("document.getElementById('chart-skdn').dataset.points === '12'")
    assert page.locator("#trend tbody tr").count() == 12
    shot(page, "tren")
