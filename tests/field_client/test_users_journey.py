"""Journey: two kader share one laptop; switching from one to the other takes two taps.

Real Chromium against the real local app on loopback. Each kader has their own PIN slot of the
device keyring (field_client/crypto.py); the header names who is using the app.
"""

from __future__ import annotations

import os
import re
import threading

import pytest

from field_client import security
from field_client.app import create_app
from field_client.launcher import launch_url, local_server

from .test_browser import CHROMIUM
from .test_journeys import DESA, POSYANDU, TOKEN, Watch, browser_page, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not at {CHROMIUM}"),
]

__all__ = ["browser_page"]  # the journeys' Chromium fixture (records touched controls)

FIRST, SECOND = ("kader_satu", "Kader Satu", "246810"), ("kader_dua", "Kader Dua", "135799")


@pytest.fixture
def two_kader(tmp_path):
    """The client served on loopback with two kader of the same posyandu, each with a PIN."""
    app = create_app(tmp_path / "device", TOKEN)
    store = app.extensions["posyandu"].store
    store.set_meta(
        token="offline-token",
        device_id="dev-1",
        username=FIRST[0],
        user={"name": FIRST[1]},
        scope={"posyandu": [POSYANDU], "desa": [DESA]},
    )
    for username, name, pin in (FIRST, SECOND):
        security.set_pin(store, pin, username=username, name=name)
    server = local_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, launch_url(server, TOKEN), f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    server.server_close()
    app.extensions["posyandu"].close()


def unlock_as(page, base, kader) -> None:
    from playwright.sync_api import expect

    page.click(f'a[data-kader="{kader[0]}"]')
    expect(page.locator("#unlock-hello")).to_contain_text(kader[1])
    page.fill("input[name=pin]", kader[2])
    page.click("form[action='/unlock'] button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("#kader-name")).to_have_text(f"Pengguna: {kader[1]}")


def test_switching_kader_takes_two_taps(two_kader, browser_page):
    from playwright.sync_api import expect

    app, url, base = two_kader
    page, watch = browser_page, Watch(browser_page)
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/unlock"))
    expect(page.locator("#kader-list a")).to_have_count(2)
    unlock_as(page, base, FIRST)
    # Tap 1: "Ganti pengguna" locks and lists who can unlock. Tap 2: the other kader's name.
    page.click("#switch-user")
    expect(page).to_have_url(re.compile(r"/unlock"))
    expect(page.locator("#kader-list a")).to_have_count(2)
    shot(page, "users-switch")
    unlock_as(page, base, SECOND)
    expect(page.locator("main p.muted").first).to_have_text("Masuk sebagai Kader Dua")
    shot(page, "users-header")
    page.goto(f"{base}/registrasi")
    expect(page.locator("#kader-name")).to_have_text("Pengguna: Kader Dua")
    # "Tambah kader": the online sign-in of another kader of this posyandu.
    page.click("#add-kader")
    expect(page).to_have_url(f"{base}/setup?add=1")
    expect(page.locator("main p").first).to_contain_text("Kader lain")
    expect(page.locator("input[name=add]")).to_have_value("1")
    watch.check()
