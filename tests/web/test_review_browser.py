"""Chromium: resolve a conflict as a puskesmas user and update a lokmin agreement as kecamatan."""

from __future__ import annotations

from tests.web.conftest import browser_sign_in, shot
from tests.web.test_review import XSS, agreement, make_conflict, meeting, record, write


def test_resolve_conflict_and_update_lokmin_in_the_browser(app, server, device, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    a, _, p = make_conflict(device, name_a=XSS)
    m = meeting()
    late = agreement(m, action=f"Kunjungan rumah {XSS}", pic_name=XSS)
    write(app, [("lokmin_meeting", m), ("lokmin_agreement", late)])

    browser_sign_in(page, server.url, "pkm_a")
    page.goto(f"{server.url}/konflik")
    row = page.locator("#conflicts tbody tr").first
    assert XSS in row.inner_text()  # shown as text, not run
    shot(page, "konflik")
    row.get_by_role("button", name="Pakai nilai lain").click()  # opens the confirmation
    confirm = row.locator("details[open] form")
    assert "Lanjutkan?" in confirm.inner_text()
    shot(page, "konflik-konfirmasi")
    confirm.get_by_role("button", name="Ya, simpan pilihan ini").click()
    page.wait_for_selector("p[role=status]")
    assert page.locator("#conflicts tbody tr").count() == 0
    page.goto(f"{server.url}/konflik?status=resolved")
    assert "Diselesaikan oleh Pkm A (Petugas puskesmas)" in page.locator("#conflicts").inner_text()
    shot(page, "konflik-selesai")
    page.get_by_role("button", name="Buka lagi").click()  # reopened: back in the open queue
    page.wait_for_selector("p[role=status]")
    assert "dibuka lagi" in page.locator("p[role=status]").inner_text()
    assert page.locator("#conflicts tbody tr").count() == 1
    row = page.locator("#conflicts tbody tr").first
    row.get_by_role("button", name="Pakai nilai lain").click()
    row.locator("details[open] form").get_by_role("button", name="Ya, simpan pilihan ini").click()
    page.wait_for_selector("p[role=status]")
    assert record(app, p["id"])[0]["name"] == XSS
    a.pull_all()
    assert a.replica[p["id"]]["fields"]["name"] == XSS

    page.context.clear_cookies()
    browser_sign_in(page, server.url, "kec_a")
    page.goto(f"{server.url}/lokmin")
    line = page.locator(f"#agreement-{late['id']}")
    assert "overdue" in (line.get_attribute("class") or "")
    assert XSS in line.inner_text()
    shot(page, "lokmin")
    line.locator("select[name=status]").select_option("done")
    line.locator("input[name=progress_note]").fill("Sudah dikunjungi 12 rumah")
    line.get_by_role("button", name="Perbarui").click()
    page.wait_for_selector("p[role=status]")
    line = page.locator(f"#agreement-{late['id']}")
    assert "overdue" not in (line.get_attribute("class") or "")
    assert "Sudah dikunjungi 12 rumah" in line.inner_text()
    shot(page, "lokmin-diperbarui")
    assert record(app, late["id"])[0]["status"] == "done"

    for path, name in (("/mutu-data", "mutu-data"), ("/evaluasi-mingguan", "evaluasi-mingguan")):
        page.goto(f"{server.url}{path}")
        shot(page, name)
    page.context.clear_cookies()
    browser_sign_in(page, server.url, "admin")
    page.goto(f"{server.url}/pengguna")
    assert page.locator("#devices tbody tr").count() >= 2
    shot(page, "pengguna")
    assert dialogs == []
