"""End to end in Chromium: sign in, register a child, record a visit, sync, find it on the server."""

import os
import re
import threading
from datetime import date, timedelta

import pytest
import requests

from field_client.app import create_app
from field_client.launcher import launch_url, local_server
from testkit.world import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    ),
]


ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "artifacts")


def shot(page, name: str) -> None:
    """Keep a full-page screenshot for reviewers (tests/artifacts/, not committed)."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"client-{name}.png"), full_page=True)


@pytest.fixture
def field_client(tmp_path):
    """Serve the field client on 127.0.0.1 as ``posyandu-client --browser`` does."""
    app = create_app(tmp_path / "device", "browser-launch-token")
    server = local_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, launch_url(server, "browser-launch-token"), f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    server.server_close()
    app.extensions["posyandu"].close()


@pytest.fixture
def page():
    """Open a page in headless Chromium."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="id-ID")
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        yield tab
        context.close()
        browser.close()


def test_kader_signs_in_records_a_visit_sees_zscores_and_syncs(field_client, page, live_server):
    from playwright.sync_api import expect

    app, url, base = field_client
    page.goto(url)
    expect(page).to_have_url(f"{base}/setup")
    page.fill("input[name=server_url]", live_server.url)
    page.fill("input[name=username]", "kader_a1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/pin")
    page.fill("input[name=pin]", "246813")
    page.fill("input[name=pin2]", "246813")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")

    birth = (date.today() - timedelta(days=365)).isoformat()
    page.click("#register-new")
    page.fill("#person-form-name", "Sari Lestari")
    page.select_option("#person-form-sex", "F")
    page.fill("#person-form-birth_date", birth)
    page.fill("#person-form-mother_name", "Wati")
    page.check("#person-form input[name=has_kia_book]")
    page.click("#person-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Sari Lestari")
    assert "/balita/" in page.url

    page.click("#new-visit")
    page.fill("#visit-form-weight_kg", "9")
    page.fill("#visit-form-length_cm", "74")
    page.select_option("#visit-form-position", "lying")
    expect(page.locator('[data-z="waz"]')).not_to_have_text("")
    expect(page.locator('[data-cat="waz"]')).to_have_text("Berat badan normal")
    expect(page.locator('tr[data-index="waz"]')).to_have_class("level-ok")
    expect(page.locator('[data-out="growth"]')).to_contain_text("B")
    shot(page, "kunjungan-preview")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#visits tbody tr")).to_have_count(1)
    shot(page, "balita-detail")
    visit_id = page.locator("#visits tbody tr").get_attribute("data-visit")

    page.click("a[href='/sinkronisasi']")
    expect(page.locator('[data-status="pending"]')).to_have_text("2")
    page.click("#sync-now")
    expect(page.locator('[data-status="pending"]')).to_have_text("0", timeout=30_000)
    expect(page.locator("#sync-error")).to_be_hidden()
    shot(page, "sinkronisasi")
    page.goto(f"{base}/")
    shot(page, "beranda")

    token = app.extensions["posyandu"].store.get_meta("token")
    fetched = requests.post(
        f"{live_server.url}/api/v1/sync/fetch",
        json={"ids": [visit_id]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    [change] = fetched["changes"]
    assert change["kind"] == "child_visit" and change["fields"]["weight_kg"] == 9
    assert change["fields"]["waz"] is not None  # derived again by the server


def test_implausible_weight_needs_a_tick_before_saving(field_client, page):
    from playwright.sync_api import expect

    app, url, base = field_client
    store = app.extensions["posyandu"].store
    store.set_meta(token="offline-token", device_id="dev-1", scope={"posyandu": ["PSY-A1"]})
    from field_client import security

    security.set_pin(store, "1357")
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/unlock"))
    page.fill("input[name=pin]", "1357")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    page.goto(f"{base}/registrasi/baru")
    page.fill("#person-form-name", "Ani")
    page.select_option("#person-form-sex", "F")
    page.fill("#person-form-birth_date", (date.today() - timedelta(days=200)).isoformat())
    page.click("#person-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Ani")
    page.click("#new-visit")
    page.fill("#visit-form-weight_kg", "30")
    expect(page.locator('[data-alert="implausible"]')).to_be_visible()
    page.click("#visit-form button[type=submit]")
    expect(page.locator('[data-error-for="weight_kg"]')).to_contain_text("tidak masuk akal")
    page.check("#visit-form input[name=_confirm]")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#visits tbody tr")).to_have_count(1)
