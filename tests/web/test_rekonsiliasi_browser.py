"""Chromium (issue #16): the puskesmas enters a posyandu-month's paper register on /rekonsiliasi
and sees the gap; the dinas drills down Evaluasi mingguan from a puskesmas to its posyandu and on
to the posyandu's Ringkasan."""

from __future__ import annotations

from tests.web.conftest import browser_sign_in, shot

from .test_rekonsiliasi import PERIOD
from .test_rekonsiliasi import seed as seed_children
from .test_weekly_district import WEEK
from .test_weekly_district import seed as seed_week


def test_paper_counts_entered_in_the_browser_show_their_gap(app, server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    seed_children(app)
    browser_sign_in(page, server.url, "pkm_a")
    page.goto(f"{server.url}/rekonsiliasi")
    page.fill("#reconcile-period input[name=period]", PERIOD)
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url(f"**/rekonsiliasi?period={PERIOD}")
    row = page.locator('#reconcile tr[data-posyandu="PSY-A1"]')
    assert "belum diisi" in row.inner_text()
    row.locator("summary").click()  # "Isi angka register"
    for name, value in (("s", "3"), ("k", "3"), ("d", "2"), ("n", "1"), ("weighings", "2")):
        row.locator(f"input[name={name}]").fill(value)
    row.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("p[role=status]")
    assert page.locator("p[role=status]").inner_text() == "Angka register disimpan."
    row = page.locator('#reconcile tr[data-posyandu="PSY-A1"]')
    assert row.locator('[data-key="s"] [data-paper]').inner_text() == "3"
    assert row.locator('[data-key="s"] [data-gap]').inner_text() == "-1"
    assert row.locator('[data-key="weighings"] [data-pct]').inner_text() == "(50,0 %)"
    assert "Diisi oleh pkm_a" in row.inner_text()
    shot(page, "rekonsiliasi")
    assert dialogs == []


def test_weekly_drill_down_from_puskesmas_to_posyandu_to_ringkasan(app, server, page):
    seed_week(app)
    browser_sign_in(page, server.url, "dinas")
    page.goto(f"{server.url}/evaluasi-mingguan?week={WEEK}")
    unit = page.locator('#weekly tr[data-puskesmas="PKM-A"]')
    assert unit.locator('[data-key="scheduled"]').inner_text() == "2"
    shot(page, "evaluasi-mingguan-kabupaten")
    unit.locator("a.drill").click()
    page.wait_for_url("**puskesmas=PKM-A**")
    melati = page.locator('#weekly-posyandu tr[data-posyandu="PSY-A1"]')
    assert "Posyandu Melati (Sutera)" in melati.inner_text()
    assert "Hari buka: tanggal 8" in melati.inner_text()
    assert page.locator('#weekly tr[data-puskesmas="PKM-B"]').count() == 0
    shot(page, "evaluasi-mingguan-puskesmas")
    page.locator("#week-prev").click()  # the previous week keeps the drill-down
    page.wait_for_url("**2026-W40**")
    assert "puskesmas=PKM-A" in page.url
    page.locator("#all-units").click()
    page.wait_for_url("**week=2026-W40")
    page.goto(f"{server.url}/evaluasi-mingguan?week={WEEK}&puskesmas=PKM-A")
    page.locator('#weekly-posyandu tr[data-posyandu="PSY-A1"] a.drill').click()
    page.wait_for_url("**/ringkasan?posyandu=PSY-A1&period=2026-10")
    assert "Posyandu Melati" in page.locator("h1").inner_text()
