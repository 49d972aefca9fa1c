"""Chromium: the admin sets digest addresses on Pengguna, a puskesmas user sets their own on Akun
saya, and ``posyandu-server signals digest`` sends to exactly those addresses (a real SMTP server,
aiosmtpd on loopback)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from tests.server.test_signal_digest import inbox  # noqa: F401  (the aiosmtpd fixture)
from tests.web.conftest import browser_sign_in, shot
from tests.web.test_sinyal import world_items

pytest.importorskip("aiosmtpd.controller")

TODAY = dt.date.today()


def emails(app) -> dict[str, str | None]:
    from server.extensions import db
    from server.models import User

    with app.app_context():
        rows = db.session.execute(sa.select(User.username, User.email))
        return {name: address for name, address in rows}


@pytest.fixture
def signals(app, world):
    """The maternal death (A1), the silent posyandu (A2) and the gizi buruk case (B1), open."""
    from server.extensions import db
    from server.reference import write_records
    from server.signals.evaluate import evaluate

    with app.app_context():
        assert not write_records(db.session, world_items()).rejected
        assert evaluate(db.session, TODAY) == 3
        db.session.commit()
    return app


def admin_sets_addresses(page, app, base: str) -> None:
    browser_sign_in(page, base, "admin")
    page.wait_for_url("**/ringkasan")
    page.goto(f"{base}/pengguna")
    row = page.locator('tr[data-user="pkm_a"]')
    assert row.locator(".email").inner_text() == "–"

    row.locator("input[name=email]").fill("pkm a@puskesmas")  # a space, no dot in the domain
    row.get_by_role("button", name="Simpan").click()
    row = page.locator('tr[data-user="pkm_a"]')
    assert "Alamat e-mail tidak sah" in row.locator("[role=alert]").inner_text()
    assert row.locator("input[name=email]").input_value() == "pkm a@puskesmas"  # kept to mend
    assert emails(app)["pkm_a"] is None
    shot(page, "pengguna-email-salah")

    row.locator("input[name=email]").fill("pkm.a@puskesmas.example.id")
    row.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/pengguna\?ok=email&user=pkm_a#"))
    assert "Alamat e-mail pkm_a tersimpan." in page.locator("p.notice").inner_text()
    row = page.locator('tr[data-user="pkm_a"]')
    assert row.locator(".email").inner_text() == "pkm.a@puskesmas.example.id"

    # The dinas gets an address, then it is removed again: no digest for the dinas.
    row = page.locator('tr[data-user="dinas"]')
    row.locator("input[name=email]").fill("dinas@dinkes.example.id")
    row.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/pengguna\?ok=email&user=dinas#"))
    row = page.locator('tr[data-user="dinas"]')
    assert row.locator(".email").inner_text() == "dinas@dinkes.example.id"
    assert emails(app)["dinas"] == "dinas@dinkes.example.id"
    row.get_by_role("button", name="Hapus").click()
    page.wait_for_url(re.compile(r"/pengguna\?ok=email_removed&user=dinas#"))
    assert "dihapus" in page.locator("p.notice").inner_text()
    assert page.locator('tr[data-user="dinas"] .email').inner_text() == "–"
    assert emails(app)["dinas"] is None
    shot(page, "pengguna-email")
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/masuk**")


def user_sets_own_address(page, app, base: str) -> None:
    browser_sign_in(page, base, "pkm_b")
    page.wait_for_url("**/ringkasan")
    page.get_by_role("link", name="Akun saya").click()
    page.wait_for_url("**/akun")
    assert page.locator("dd.last-sent").inner_text() == "belum pernah"
    page.locator("#digest input[name=email]").fill("bidan@@b.id")
    page.locator("#digest").get_by_role("button", name="Simpan").click()
    assert "Alamat e-mail tidak sah" in page.locator("#digest [role=alert]").inner_text()
    assert emails(app)["pkm_b"] is None
    page.locator("#digest input[name=email]").fill("pkm.b@puskesmas.example.id")
    page.locator("#digest").get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r"/akun\?ok=saved$"))
    assert page.locator("dd.email").inner_text() == "pkm.b@puskesmas.example.id"
    assert emails(app)["pkm_b"] == "pkm.b@puskesmas.example.id"


def test_addresses_set_on_the_pages_receive_the_digest(server, signals, inbox, page):  # noqa: F811
    admin_sets_addresses(page, signals, server.url)
    user_sets_own_address(page, signals, server.url)

    from server.signals.cli import signals_cli

    result = signals.test_cli_runner().invoke(signals_cli, ["digest"])
    assert result.exit_code == 0, result.output
    assert "ringkasan terkirim: 2" in result.output
    assert sorted(rcpt for rcpt, _ in inbox.messages) == [
        ["pkm.a@puskesmas.example.id"],
        ["pkm.b@puskesmas.example.id"],
    ]
    (pkm_b,) = inbox.to("pkm.b@puskesmas.example.id")
    assert "Gizi buruk" in pkm_b.get_content() and "Kematian ibu" not in pkm_b.get_content()
    (pkm_a,) = inbox.to("pkm.a@puskesmas.example.id")
    assert "Kematian ibu" in pkm_a.get_content()

    # Akun saya now tells when the digest went: today in the kabupaten's zone (WIB here).
    page.reload()
    assert signals.config["LOCAL_TIMEZONE"] == "WIB"
    sent = page.locator("dd.last-sent").inner_text()
    today_wib = dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%d/%m/%Y")
    assert sent.startswith(today_wib + " ") and sent.endswith(" WIB"), sent
    shot(page, "akun-saya")
    page.get_by_role("button", name="Hapus").click()
    page.wait_for_url(re.compile(r"/akun\?ok=removed$"))
    assert page.locator("dd.email").inner_text() == "–"
    assert emails(signals)["pkm_b"] is None
