"""Journeys in Chromium for issue #14 items 4, 9 and 12: a reviewer decides a conflict on the
device with a confirmation and reopens it; the desa report comes pre-filled and a wrong count is
refused; the sign-in form knows the server address. Every page is watched (test_journeys.Watch).
"""

import re
import threading
from contextlib import contextmanager

import pytest

from field_client import security
from field_client.app import create_app
from field_client.launcher import launch_url, local_server

from . import test_journeys as journeys
from .test_conflicts_live import concurrent_names
from .test_journeys import DESA, PIN, POSYANDU, TODAY, TOKEN, Watch, shot

pytestmark = journeys.pytestmark  # Chromium: the same marker and skip rule as the kader's day
# The kader's day fixtures: a signed-in offline device (app_url, kader) and Chromium (browser_page).
app_url, browser_page, kader = journeys.app_url, journeys.browser_page, journeys.kader


@contextmanager
def serving(app):
    """Serve a field client app on loopback; yield (launch url, base url)."""
    server = local_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield launch_url(server, TOKEN), f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        app.extensions["posyandu"].close()


def unlock(page, url, base):
    from playwright.sync_api import expect

    page.goto(url)
    expect(page).to_have_url(re.compile(r"/unlock"))
    page.fill("input[name=pin]", PIN)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")


@pytest.fixture
def reviewer_app(tmp_path, live_server):
    """A puskesmas reviewer's field client, signed in to the live server, synced, with a PIN."""
    from testkit.world import PASSWORD

    app = create_app(tmp_path / "pkm-device", TOKEN)
    context = app.extensions["posyandu"]
    context.agent.login(live_server.url, "pkm_a", PASSWORD, "laptop-pkm")
    security.set_pin(context.store, PIN)
    return app


def test_a_reviewer_decides_with_a_confirmation_and_reopens_on_the_device(
    make_device, reviewer_app, browser_page
):
    from playwright.sync_api import expect

    a, b, ani = concurrent_names(make_device)
    reviewer_app.extensions["posyandu"].agent.sync()
    [conflict] = reviewer_app.extensions["posyandu"].store.conflicts()
    winner, loser = conflict["winner_value"], conflict["loser_value"]
    page, watch = browser_page, Watch(browser_page)
    with serving(reviewer_app) as (url, base):
        unlock(page, url, base)
        page.goto(f"{base}/sinkronisasi")
        card = page.locator(f"[data-conflict='{conflict['id']}']")
        expect(card.locator("[data-conflict-record]")).to_have_text(
            f"Sasaran {winner}, lahir 10/06/2025"
        )
        expect(card.locator("[data-conflict-field]")).to_have_text("Nama")
        expect(card.locator("[data-value=kept]")).to_have_text(winner)

        card.locator("[data-conflict-ask=loser]").click()
        ask = card.locator("[data-conflict-confirm=loser]")
        expect(ask).to_be_visible()
        expect(ask).to_contain_text(f"Pakai {loser} untuk Nama pada Sasaran {winner}")
        expect(ask).to_contain_text(f"Nilai lain ({winner}) disisihkan")
        shot(page, "konflik-konfirmasi")
        ask.locator("[data-conflict-no]").click()  # Batal: nothing is sent
        expect(ask).to_be_hidden()
        expect(card).to_have_attribute("data-status", "open")

        card.locator("[data-conflict-ask=loser]").click()
        ask.locator("[data-conflict-yes]").click()
        expect(page.locator("#done-banner")).to_contain_text("Keputusan tersimpan")
        expect(card).to_have_attribute("data-status", "resolved")
        expect(card.locator("[data-resolved]")).to_contain_text("Diputuskan oleh pkm_a")
        expect(card.locator("[data-value=kept]")).to_have_text(loser)

        card.locator("[data-conflict-ask=reopen]").click()
        expect(card.locator("[data-conflict-confirm=reopen]")).to_contain_text(
            f"{loser} tetap dipakai"
        )
        card.locator("[data-conflict-yes=reopen]").click()
        expect(page.locator("#done-banner")).to_contain_text("Dibuka lagi")
        expect(card).to_have_attribute("data-status", "open")
        expect(card.locator("[data-value=kept]")).to_have_text(loser)

        card.locator("[data-conflict-ask=winner]").click()
        card.locator("[data-conflict-yes=winner]").click()
        expect(card).to_have_attribute("data-status", "resolved")
        expect(card.locator("[data-value=kept]")).to_have_text(winner)
        expect(card.locator("[data-conflict-record]")).to_have_text(
            f"Sasaran {winner}, lahir 10/06/2025"  # the record as it now stands on the device
        )
        card.locator("[data-history] summary").click()
        expect(card.locator("[data-history] li")).to_have_count(3)
        shot(page, "konflik-riwayat")
        watch.check()

    a.agent.sync()
    [seen] = a.store.conflicts()
    assert (seen["status"], seen["resolution"]) == ("resolved", "winner")
    assert [e["action"] for e in seen["events"]] == ["resolved", "reopened", "resolved"]
    assert a.store.get("person", ani).fields["name"] == winner


def test_the_desa_report_starts_from_the_month_recorded_and_refuses_a_wrong_count(kader):
    from datetime import timedelta

    from playwright.sync_api import expect

    from field_client.service import RecordService

    app, base, page, watch = kader
    first = TODAY.replace(day=1)
    service = RecordService(app.extensions["posyandu"].store)
    for name, died in (("Bayi Melati", None), ("Bayi Mawar", TODAY)):
        fields = {"posyandu_id": POSYANDU, "name": name, "sex": "F", "birth_date": str(first)}
        service.create("person", {**fields, "desa_code": DESA, "died_on": died and str(died)})
    this_month, last_month = f"{first:%Y-%m}", f"{first - timedelta(days=1):%Y-%m}"

    page.goto(f"{base}/laporan-desa")
    expect(page.locator("#desa-prefill")).to_be_visible()
    births = page.locator("#desa-form-births_live")
    expect(births).to_have_value("2")
    for field, value in (("deaths_neonatal", "1"), ("deaths_infant", "1"), ("deaths_under5", "1")):
        expect(page.locator(f"#desa-form-{field}")).to_have_value(value)
    page.fill("#desa-form-period", last_month)  # another month: its own numbers
    expect(births).to_have_value("0")
    page.fill("#desa-form-period", this_month)
    expect(births).to_have_value("2")
    shot(page, "laporan-desa-terisi")

    watch.expect("POST", r"/api/records/desa_report", 422)
    births.fill("1")
    page.click("#desa-form button[type=submit]")
    expect(page.locator("[data-error-for=births_live]")).to_have_text(
        "Lahir hidup (1) tidak boleh kurang dari bayi yang lahir bulan ini dan sudah terdaftar "
        "di perangkat ini (2)."
    )
    births.fill("3")
    page.fill("#desa-form-deaths_infant", "0")
    page.click("#desa-form button[type=submit]")
    expect(page.locator("[data-error-for=deaths_infant]")).to_contain_text(
        "Kematian bayi (0) tidak boleh kurang dari kematian neonatal (1)"
    )
    shot(page, "laporan-desa-ditolak")
    page.fill("#desa-form-deaths_infant", "1")
    page.click("#desa-form button[type=submit]")
    expect(page.locator("#done-banner")).to_be_visible()
    expect(page.locator("#desa-reports tbody")).to_contain_text("3")
    [report] = app.extensions["posyandu"].store.list("desa_report")
    assert (report.fields["births_live"], report.fields["deaths_neonatal"]) == (3, 1)


def test_the_sign_in_form_knows_the_server_make_run_started(
    tmp_path, live_server, browser_page, monkeypatch
):
    from playwright.sync_api import expect

    from testkit.world import PASSWORD

    monkeypatch.setenv("POSYANDU_SERVER_URL", live_server.url)  # as scripts/run-demo.sh does
    app = create_app(tmp_path / "new-device", TOKEN)
    page, watch = browser_page, Watch(browser_page)
    with serving(app) as (url, base):
        page.goto(url)
        expect(page).to_have_url(f"{base}/setup")
        expect(page.locator("input[name=server_url]")).to_have_value(live_server.url)
        shot(page, "masuk-alamat-terisi")
        page.fill("input[name=username]", "kader_a1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{base}/pin")
        assert app.extensions["posyandu"].store.get_meta("server_url") == live_server.url
        watch.check()
