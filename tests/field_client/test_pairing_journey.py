"""Journey: the "5 meja" day. The laptop serves two phones over its hotspot address.

Real Chromium, three browser contexts (the laptop and two phones, each with its own cookies),
against the real app on 127.0.0.1 (the laptop) and 127.0.0.2 (standing for the hotspot
address). Every control of the Meja page is clicked and its effect checked.
"""

from __future__ import annotations

import os
import re
import socket
from datetime import date, timedelta

import pytest

from . import journeys_support as support
from .test_browser import CHROMIUM
from .test_journeys import Watch, browser_page, dmy, shot
from .test_pairing import DESA, FIRST, LAN_ADDRESS, POSYANDU, SECOND, TOKEN, _can_bind, laptop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not at {CHROMIUM}"),
    pytest.mark.skipif(not _can_bind(LAN_ADDRESS), reason=f"{LAN_ADDRESS} cannot be bound"),
]

__all__ = ["browser_page", "laptop"]


def _unlock(page, kader) -> None:
    from playwright.sync_api import expect

    page.click(f'a[data-kader="{kader[0]}"]')
    page.fill("input[name=pin]", kader[2])
    page.click("form[action='/unlock'] button[type=submit]")
    expect(page.locator("#kader-name")).to_have_text(f"Pengguna: {kader[1]}")


def _phone(page, journey: str):
    """A second browser context in the same Chromium: another phone with its own cookies."""
    context = page.context.browser.new_context(
        locale="id-ID", viewport={"width": 390, "height": 844}
    )
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    support.record_touches(phone, journey)
    return phone


def _pair(phone, lan_base: str, code: str, kader) -> None:
    from playwright.sync_api import expect

    phone.goto(f"{lan_base}/")
    expect(phone).to_have_url(f"{lan_base}/pasang")
    phone.fill("#pair-code", code)
    phone.click("#pair-submit")
    expect(phone).to_have_url(re.compile(r"/unlock"))
    _unlock(phone, kader)
    expect(phone).to_have_url(f"{lan_base}/meja")


def _seed_weighed_child(app) -> str:
    from field_client.service import RecordService

    service = RecordService(app.extensions["posyandu"].store, today=date.today())
    child = service.create(
        "person",
        {
            "posyandu_id": POSYANDU,
            "desa_code": DESA,
            "name": "Citra",
            "sex": "F",
            "birth_date": (date.today() - timedelta(days=300)).isoformat(),
            "mother_name": "Wati",
        },
    )
    service.create(
        "child_visit",
        {
            "person_id": child.id,
            "posyandu_id": POSYANDU,
            "visit_date": date.today().isoformat(),
            "weight_kg": 8.2,
        },
    )
    return child.id


def _register(phone, name: str, mother: str) -> None:
    phone.fill("#person-form-name", name)
    phone.select_option("#person-form-sex", "F")
    phone.fill("#person-form-birth_date", dmy(date.today() - timedelta(days=200)))
    phone.fill("#person-form-mother_name", mother)


def test_meja_day_laptop_serves_two_phones_with_two_kader(laptop, browser_page):
    from playwright.sync_api import expect

    app, base = laptop
    child_id = _seed_weighed_child(app)
    page, watch = browser_page, Watch(browser_page)
    page.goto(f"{base}/?launch={TOKEN}")
    _unlock(page, FIRST)
    page.click("#nav-meja")
    expect(page).to_have_url(f"{base}/meja")
    expect(page.locator("#hadir-list")).to_contain_text("Citra")
    shot(page, "meja-off")
    # Turn on serving on the hotspot address; the address and a code are shown.
    page.fill("#lan-address", LAN_ADDRESS)
    page.click("#lan-on")
    expect(page.locator("#lan-url")).to_contain_text(f"http://{LAN_ADDRESS}:")
    lan_base = re.search(r"http://[0-9.]+:\d+", page.locator("#lan-url").inner_text()).group(0)
    first_code = page.locator("#lan-code").inner_text()
    page.click("#lan-code-new")
    expect(page.locator("#lan-code")).not_to_have_text(first_code)
    code = page.locator("#lan-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    shot(page, "meja-on")

    journey = "test_meja_day_laptop_serves_two_phones_with_two_kader"
    phone_a, phone_b = _phone(page, journey), _phone(page, journey)
    watch_a, watch_b = Watch(phone_a), Watch(phone_b)
    # Phone A: a wrong code first (an Indonesian error), then the right one; kader 2's PIN.
    watch_a.expect("POST", "/pasang", 400)
    phone_a.goto(f"{lan_base}/")
    expect(phone_a).to_have_url(f"{lan_base}/pasang")
    phone_a.fill("#pair-code", "SALAH234")
    phone_a.click("#pair-submit")
    expect(phone_a.locator("#pair-error")).to_have_text("Kode salah. Sisa percobaan: 4.")
    shot(phone_a, "pair-wrong-code")
    phone_a.fill("#pair-code", code)
    phone_a.click("#pair-submit")
    expect(phone_a).to_have_url(re.compile(r"/unlock"))
    _unlock(phone_a, SECOND)
    # The code was single-use: the laptop makes a new one for phone B (kader 1).
    page.reload()
    expect(page.locator("#lan-code-gone")).to_be_visible()
    expect(page.locator("#lan-devices li")).to_have_count(1)
    expect(page.locator("#lan-devices li")).to_contain_text("HP 1 · Kader Dua")
    page.click("#lan-code-new")
    _pair(phone_b, lan_base, page.locator("#lan-code").inner_text(), FIRST)

    # Each phone picks its meja; both register a person and press Simpan at once.
    phone_a.click("#meja-1")
    phone_b.click("#meja-1")
    expect(phone_a).to_have_url(f"{lan_base}/registrasi/baru")
    expect(phone_b).to_have_url(f"{lan_base}/registrasi/baru")
    _register(phone_a, "Ayu Lestari", "Sari")
    _register(phone_b, "Bunga Citra", "Rina")
    phone_a.click("#person-form button[type=submit]", no_wait_after=True)
    phone_b.click("#person-form button[type=submit]", no_wait_after=True)
    expect(phone_a.locator("h1")).to_contain_text("Ayu Lestari")
    expect(phone_b.locator("h1")).to_contain_text("Bunga Citra")
    store = app.extensions["posyandu"].store
    names = sorted(r.fields["name"] for r in store.list("person"))
    assert names == ["Ayu Lestari", "Bunga Citra", "Citra"]
    # The queue is on every station's pages once a meja is chosen; a name opens the person.
    expect(phone_b.locator("#hadir-aside")).to_contain_text("Hadir hari ini: 1")
    phone_b.click(f"#hadir-aside a[href='/orang/{child_id}']")
    expect(phone_b.locator("h1")).to_contain_text("Citra")
    phone_b.click("#nav-meja")
    phone_b.click("#meja-5")
    expect(phone_b).to_have_url(f"{lan_base}/hari-buka")
    shot(phone_b, "meja-phone-station")

    # The laptop chooses its own meja, opens the queue, then revokes phone A.
    page.click("#nav-meja")
    page.click("#meja-2")
    expect(page).to_have_url(f"{base}/")
    page.click("#nav-meja")
    page.click(f"#hadir-list a[href='/orang/{child_id}']")
    expect(page.locator("h1")).to_contain_text("Citra")
    page.click("#nav-meja")
    expect(page.locator("#lan-devices li")).to_have_count(2)
    page.locator("#lan-devices li").first.locator("button[data-revoke]").click()
    expect(page.locator("#lan-devices li")).to_have_count(1)
    phone_a.goto(f"{lan_base}/registrasi")
    expect(phone_a).to_have_url(f"{lan_base}/pasang")
    # Matikan: the listener is closed; the laptop's own listener goes on.
    port = int(lan_base.rsplit(":", 1)[1])
    page.click("#lan-off")
    expect(page.locator("#lan-on")).to_be_visible()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((LAN_ADDRESS, port), timeout=2).close()
    shot(page, "meja-after-off")
    watch.check()
    watch_a.check()
    watch_b.check()
