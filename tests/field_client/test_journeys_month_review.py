"""Issue #16 in Chromium, across a kader's device, the bidan and the puskesmas: the month is sent
from Laporan bulanan ("Kirim laporan bulan ini"), returned with a note, sent again, verified
(closed: an edit into it is held, the device says so and asks to reopen with one tap), reopened
by the puskesmas on /verifikasi, and verified again. Every page is watched (test_journeys.Watch).
"""

from __future__ import annotations

import re

import pytest

from field_client import security
from field_client.app import create_app

from . import test_journeys as journeys
from .test_journeys import PIN, POSYANDU, TODAY, TOKEN, Watch, shot
from .test_journeys_review import serving, unlock

pytestmark = journeys.pytestmark
browser_page = journeys.browser_page
MONTH = f"{TODAY:%Y-%m}"
NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus")
NAMES += ("September", "Oktober", "November", "Desember")
MONTH_WORDS = f"{NAMES[TODAY.month - 1]} {TODAY.year}"


@pytest.fixture
def kader_app(tmp_path, live_server):
    """The kader's field client, signed in to the live server, with a child weighed this month."""
    from field_client.service import RecordService
    from testkit.world import PASSWORD

    app = create_app(tmp_path / "kader-device", TOKEN)
    context = app.extensions["posyandu"]
    context.agent.login(live_server.url, "kader_a1", PASSWORD, "laptop-kader")
    security.set_pin(context.store, PIN)
    service = RecordService(context.store)
    child = service.create(
        "person",
        {"posyandu_id": POSYANDU, "name": "Bima", "sex": "M", "birth_date": "2025-06-10"},
    )
    visit = service.create(
        "child_visit", {"person_id": child.id, "visit_date": str(TODAY), "weight_kg": 8.2}
    )
    context.agent.sync()
    return app, visit.id


@pytest.fixture
def server_tab(browser_page):
    """A second Chromium context for the server's pages (its own cookies)."""
    context = browser_page.context.browser.new_context(locale="id-ID")
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def sign_in(tab, url: str, username: str) -> None:
    from testkit.world import PASSWORD

    tab.context.clear_cookies()
    tab.goto(f"{url}/masuk")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")


def verify_row(tab, url: str):
    """Open /verifikasi for MONTH through its own form; return the posyandu's row."""
    from playwright.sync_api import expect

    tab.goto(f"{url}/verifikasi")
    tab.fill("input[name=period]", MONTH)
    tab.get_by_role("button", name="Tampilkan").click()
    expect(tab).to_have_url(re.compile(rf"period={MONTH}"))
    return tab.locator(f"#reviews tr[data-posyandu={POSYANDU}]")


def test_a_month_is_sent_returned_verified_reopened_and_verified_again(
    kader_app, live_server, browser_page, server_tab
):
    from playwright.sync_api import expect

    app, visit_id = kader_app
    agent, store = app.extensions["posyandu"].agent, app.extensions["posyandu"].store
    page, watch, server_watch = browser_page, Watch(browser_page), Watch(server_tab)
    with serving(app) as (url, base):
        unlock(page, url, base)
        page.goto(f"{base}/laporan-bulanan?bulan={MONTH}")
        box = page.locator(f"[data-review={POSYANDU}]")
        expect(box.locator("[data-review-status]")).to_have_text("Belum dikirim.")
        page.click("#review-submit")
        expect(page.locator("#done-banner")).to_contain_text("Laporan bulan ini disimpan")
        expect(box).to_have_attribute("data-status", "submitted")
        expect(box.locator("[data-review-status]")).to_contain_text("menunggu sinkronisasi")
        agent.sync()

        # the bidan returns it with a note
        sign_in(server_tab, live_server.url, "bidan_a")
        row = verify_row(server_tab, live_server.url)
        expect(row).to_have_attribute("data-status", "submitted")
        row.locator("input[name=note]").fill("BB Bima belum lengkap")
        row.get_by_role("button", name="Kembalikan").click()
        expect(server_tab.locator("p[role=status]")).to_contain_text("Status laporan disimpan")
        row = server_tab.locator(f"#reviews tr[data-posyandu={POSYANDU}]")
        expect(row).to_have_attribute("data-status", "returned")

        agent.sync()
        page.reload()
        expect(box).to_have_attribute("data-status", "returned")
        expect(box.locator("[data-review-note]")).to_have_text("Catatan: BB Bima belum lengkap")
        expect(box.locator("[data-review-status]")).to_contain_text("oleh Bidan A")
        page.click("#review-submit")  # sent again
        expect(box).to_have_attribute("data-status", "submitted")
        agent.sync()

        row = verify_row(server_tab, live_server.url)
        row.get_by_role("button", name="Verifikasi").click()
        row = server_tab.locator(f"#reviews tr[data-posyandu={POSYANDU}]")
        expect(row).to_have_attribute("data-status", "verified")
        expect(server_tab.locator("#per-unit [data-key=verified]").first).to_have_text("1")
        shot(server_tab, "verifikasi-diverifikasi")

        # an edit into the verified month is held on the device, never dropped
        from field_client.service import RecordService

        RecordService(store).update("child_visit", visit_id, {"weight_kg": 8.4})
        assert agent.sync().quarantined == 1
        [held] = store.quarantined()
        assert (
            f"Bulan {MONTH_WORDS} sudah diverifikasi oleh Bidan A (Bidan desa)"
            in held.errors["_schema"][0]
        )
        page.reload()
        expect(box.locator("[data-review-locked]")).to_have_text(
            "Bulan ini sudah diverifikasi — minta puskesmas membuka kembali."
        )
        expect(box.locator("[data-review-held]")).to_contain_text("1 perubahan")
        expect(page.locator("#review-submit")).to_have_count(0)
        shot(page, "laporan-bulanan-terkunci")
        page.click("#review-ask-reopen")
        expect(page.locator("#done-banner")).to_contain_text("Permintaan buka kembali disimpan")
        expect(box.locator("[data-review-request]")).to_contain_text("1 perubahan tertahan")
        expect(page.locator("#review-ask-reopen")).to_have_count(0)
        agent.sync()

        # the puskesmas sees the request and reopens the month
        sign_in(server_tab, live_server.url, "pkm_a")
        row = verify_row(server_tab, live_server.url)
        expect(row.locator("[data-reopen-request]")).to_contain_text(
            "Diminta dibuka kembali: Kader meminta bulan ini dibuka kembali"
        )
        shot(server_tab, "verifikasi-minta-buka")
        row.get_by_role("button", name="Buka kembali").click()
        row = server_tab.locator(f"#reviews tr[data-posyandu={POSYANDU}]")
        expect(row).to_have_attribute("data-status", "reopened")
        expect(row.locator("[data-reopen-request]")).to_have_count(0)

        agent.sync()
        page.reload()
        expect(box).to_have_attribute("data-status", "reopened")
        box.locator("[data-review-held] a").click()  # to Sinkronisasi, where the edit waits
        expect(page).to_have_url(f"{base}/sinkronisasi")
        RecordService(store).resend(held.seq, {})
        agent.sync()
        assert store.outbox_counts() == {"pending": 0, "quarantined": 0}
        page.goto(f"{base}/laporan-bulanan?bulan={MONTH}")
        expect(box.locator("[data-review-held]")).to_have_count(0)
        page.click("#review-submit")
        agent.sync()

        sign_in(server_tab, live_server.url, "bidan_a")
        row = verify_row(server_tab, live_server.url)
        row.get_by_role("button", name="Verifikasi").click()
        expect(server_tab.locator(f"#reviews tr[data-posyandu={POSYANDU}]")).to_have_attribute(
            "data-status", "verified"
        )
        agent.sync()
        page.reload()
        expect(box).to_have_attribute("data-status", "verified")
        expect(box.locator("[data-review-status]")).to_have_text(
            "Status: Diverifikasi oleh Bidan A"
        )
        shot(page, "laporan-bulanan-diverifikasi")
        watch.check()
        server_watch.check()
        assert store.get("child_visit", visit_id).fields["weight_kg"] == 8.4


def test_a_child_registered_on_two_devices_is_merged_on_data_ganda_and_both_show_one(
    make_device, live_server, server_tab
):
    """Two laptops register the same child offline; the puskesmas merges the pair on /data-ganda
    in Chromium; after syncing, each laptop has one child with both weighings."""
    from playwright.sync_api import expect

    a, b = make_device("laptop-a"), make_device("laptop-b")
    children, visits = [], []
    for device, day in ((a, "2026-06-10"), (b, "2026-06-11")):
        child = device.service().create(
            "person",
            {
                "posyandu_id": POSYANDU,
                "name": "Rizky Ramadhan",
                "sex": "M",
                "birth_date": "2025-06-10",
                "mother_name": "Nur Aini",
            },
        )
        visit = device.service().create(
            "child_visit", {"person_id": child.id, "visit_date": day, "weight_kg": 8.1}
        )
        children.append(child.id)
        visits.append(visit.id)
        device.agent.sync()
    server_watch = Watch(server_tab)
    sign_in(server_tab, live_server.url, "pkm_a")
    server_tab.goto(f"{live_server.url}/data-ganda")
    row = server_tab.locator("#duplicates tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Rizky Ramadhan · 10/06/2025")
    survivor = row.first.get_attribute("data-survivor")
    duplicate = row.first.get_attribute("data-duplicate")
    assert {survivor, duplicate} == set(children)
    shot(server_tab, "data-ganda")
    row.first.get_by_role("button", name="Gabungkan").click()
    expect(server_tab.locator("p[role=status]")).to_have_text("Data sudah digabung.")
    expect(server_tab.locator("#duplicates tbody tr")).to_have_count(0)
    server_watch.check()

    for device in (a, b):
        device.agent.sync()
        people = [p.id for p in device.store.list("person")]
        assert people == [survivor], people
        for visit in visits:
            assert device.store.get("child_visit", visit).fields["person_id"] == survivor
        gone = device.store.get("person", duplicate, include_deleted=True)
        assert gone.deleted and gone.fields["merged_into"] == survivor
