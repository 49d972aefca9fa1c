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
    assert "Diisi oleh Pkm A (Petugas puskesmas)" in row.inner_text()
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


def test_sasaran_set_and_loaded_from_a_csv_in_the_browser(app, server, page, tmp_path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    seed_children(app)  # two balita registered at PSY-A1, desa Sutera
    browser_sign_in(page, server.url, "dinas")
    page.goto(f"{server.url}/rekonsiliasi?period={PERIOD}")
    sutera = page.locator('#sasaran-desa tr[data-desa="6111012001"]')
    assert "belum diisi" in sutera.locator('[data-key="target"]').inner_text()
    sutera.locator("summary").click()  # "Isi sasaran"
    sutera.locator("input[name=balita]").fill("4")
    sutera.locator("input[name=sumber]").fill("Proyeksi BPS 2026")
    sutera.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("p[role=status]")
    assert page.locator("p[role=status]").inner_text() == "Sasaran disimpan."
    sutera = page.locator('#sasaran-desa tr[data-desa="6111012001"]')
    assert sutera.locator('[data-key="registered"]').inner_text() == "2"
    assert sutera.locator('[data-key="target"]').inner_text() == "4"
    assert sutera.locator("[data-gap]").inner_text() == "-2"
    assert sutera.locator("[data-pct]").inner_text() == "(50,0 %)"

    csv_file = tmp_path / "sasaran-2026.csv"
    csv_file.write_text("kode_desa,tahun,sasaran_balita\n6111022001,2026,7\n6111012001,2026,3\n")
    page.locator("#sasaran-upload summary").click()  # "Unggah CSV sasaran"
    form = page.locator("#sasaran-upload form")
    form.locator("input[name=berkas]").set_input_files(str(csv_file))
    form.locator("input[name=sumber]").fill("SK Kadinkes 2026")
    form.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("text=2 sasaran dari CSV disimpan.")
    teluk = page.locator('#sasaran-desa tr[data-desa="6111022001"]')
    assert teluk.locator('[data-key="target"]').inner_text() == "7"
    assert "SK Kadinkes 2026 · sasaran-2026.csv · sha256" in teluk.inner_text()
    sutera = page.locator('#sasaran-desa tr[data-desa="6111012001"]')
    assert sutera.locator('[data-key="target"]').inner_text() == "3"
    assert (
        page.locator('#sasaran-desa tr[data-desa="total"] [data-key="target"]').inner_text() == "10"
    )
    assert page.locator("#reconcile-weekly tr[data-week]").count() == 5
    shot(page, "rekonsiliasi-sasaran")
    assert dialogs == []
