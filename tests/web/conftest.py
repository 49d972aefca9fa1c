"""Web page fixtures: the server app with its world, CSRF-aware sign-in, Chromium."""

from __future__ import annotations

import os
import re

import pytest

from testkit import world as world_mod
from tests.support.journeys import JOURNEY
from tests.web.journeys_support import RECORDER

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "artifacts")


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form in ``html``."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, username: str, password: str = world_mod.PASSWORD):
    """Sign a Flask test client in through the real login form."""
    page = client.get("/masuk")
    response = client.post(
        "/masuk",
        data={"username": username, "password": password, "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302, response.text
    return client


@pytest.fixture
def web(app, world):
    """Return a factory of signed-in test clients: ``web('dinas')``."""

    def signed_in(username: str):
        return sign_in(app.test_client(), username)

    return signed_in


@pytest.fixture
def page(request):
    """Open a page in headless Chromium (Debian's, never a downloaded one). What a test does in
    it is recorded for the journey coverage test (``journeys_support``), but for that test's own
    page renderer."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="id-ID", accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        if request.node.get_closest_marker("journey_coverage") is None:
            journey = f"{request.node.module.__name__}::{request.node.originalname}"
            RECORDER.record(tab, journey)
            request.node.stash[JOURNEY] = (RECORDER, journey)  # settled after the teardown
        yield tab
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    """Keep a full-page screenshot for reviewers (tests/artifacts/, not committed)."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"web-{name}.png"), full_page=True)


def browser_sign_in(page, base_url: str, username: str, password: str = world_mod.PASSWORD):
    """Sign in through the login page in Chromium."""
    page.goto(f"{base_url}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
