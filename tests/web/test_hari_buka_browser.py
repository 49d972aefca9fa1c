"""Chromium (issue #16): the puskesmas sets a posyandu's hari buka on Evaluasi mingguan and sees
the week's denominator change (scheduled posyandu and their sasaran)."""

from __future__ import annotations

import pytest

from tests.web.conftest import browser_sign_in, shot

from .test_weekly_district import WEEK
from .test_weekly_district import seed as seed_week

pytestmark = pytest.mark.browser


def test_a_hari_buka_set_in_the_browser_changes_the_denominator(app, server, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    seed_week(app)  # Posyandu Anggrek (PSY-B1): latest session on the 20th, not in W41
    browser_sign_in(page, server.url, "pkm_b")
    page.goto(f"{server.url}/evaluasi-mingguan?week={WEEK}&puskesmas=PKM-B")
    unit = page.locator('#weekly tr[data-puskesmas="PKM-B"]')
    assert unit.locator('[data-key="scheduled"]').inner_text() == "0"
    assert unit.locator('[data-key="sasaran"]').inner_text() == "0"
    row = page.locator('#weekly-posyandu tr[data-posyandu="PSY-B1"]')
    assert "Hari buka: tanggal 20 (perkiraan dari sesi terakhir)" in row.inner_text()
    row.locator("summary").click()  # "Atur hari buka"
    row.locator("input[name=tanggal]").fill("6")
    row.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("p[role=status]")
    assert page.locator("p[role=status]").inner_text() == "Hari buka disimpan."
    assert "puskesmas=PKM-B" in page.url and f"week={WEEK}" in page.url
    unit = page.locator('#weekly tr[data-puskesmas="PKM-B"]')
    assert unit.locator('[data-key="scheduled"]').inner_text() == "1"
    assert unit.locator('[data-key="sasaran"]').inner_text() == "1"
    row = page.locator('#weekly-posyandu tr[data-posyandu="PSY-B1"]')
    assert "Hari buka: tanggal 6 setiap bulan" in row.inner_text()
    shot(page, "evaluasi-mingguan-hari-buka")
    assert dialogs == []
