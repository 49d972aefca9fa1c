"""Every Pokjanal page renders cleanly, and every control on it is used by a journey.

The pages are the server web's own GET routes (its url_map, without the sync API and static
files): a new page fails here until it is listed in PAGE_URLS with the users and addresses that
show it with content, or in NOT_PAGES with the reason it is not a page. Each address is opened in
Chromium, signed in as a user who sees it, on a server filled by ``journeys_support.seed_world``;
a console error, a failed request or an answer >= 400 fails the test, and a screenshot of every
page goes to tests/artifacts/ (``web-page-*.png``).

The controls found (links, buttons, fields, forms, disclosure toggles) are then compared with what
the journeys (JOURNEY_MODULES) touched in this run: every control must have been clicked, typed
in, chosen or submitted by a passing journey, or be exempt with its reason. The run's figures are
in tests/artifacts/web-journey-touches.json. Run it with the journey modules, e.g.
``pytest -m browser tests/web tests/server/test_author_push.py``.
"""

from __future__ import annotations

import os
import re

import pytest

from testkit import world as world_mod
from tests.support.journeys import exempted, journey_tests, slug
from tests.web.conftest import CHROMIUM, browser_sign_in, shot
from tests.web.journeys_support import RECORDER, seed_world, watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.journey_coverage,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not at {CHROMIUM}"),
]

JOURNEY_MODULES = (
    "tests.web.test_pokjanal_browser",
    "tests.web.test_lokmin_browser",
    "tests.web.test_rekonsiliasi_browser",
    "tests.web.test_pengguna_email_browser",
    "tests.web.test_review_browser",
    "tests.web.test_summary_browser",
    "tests.web.test_sinyal_browser",
    "tests.web.test_rank",
    "tests.web.test_journeys_pokjanal_more",
    "tests.web.test_bundel_browser",
    "tests.web.test_hari_buka_browser",
    "tests.server.test_author_push",
)
# a test of those modules driving Chromium (the page, or the page watched) is a journey
JOURNEY_FIXTURES = ("page", "watched")

# endpoint -> (user, address) showing the page in each of its states ({name} = a seeded id);
# the user is one who sees it, and where a role sees other controls, that role too.
PAGE_URLS = {
    "web.login": [(None, "/masuk")],
    "web.account": [("pkm_a", "/akun")],
    "web.summary": [
        ("admin", "/ringkasan?period=2026-06"),
        ("dinas", "/ringkasan?posyandu=PSY-A1&period=2026-06"),
    ],
    "web.child": [("dinas", "/anak/{child}")],
    "web.trend": [("dinas", "/tren?code=611101&period=2026-06")],
    "web.rank": [("dinas", "/peringkat?indicator=ds&period=2026-06")],
    "web.quality": [("pkm_a", "/mutu-data")],
    "web.conflicts": [("pkm_a", "/konflik"), ("pkm_a", "/konflik?status=resolved")],
    "web.lokmin": [("kec_a", "/lokmin"), ("dinas", "/lokmin")],
    "web.lokmin_meeting": [("kec_a", "/lokmin/pertemuan/{meeting}")],
    "web.lokmin_edit_meeting": [("kec_a", "/lokmin/pertemuan/{meeting}/ubah")],
    "web.weekly": [
        ("dinas", "/evaluasi-mingguan?week=2026-W41"),
        ("dinas", "/evaluasi-mingguan?week=2026-W41&puskesmas=PKM-A"),
    ],
    "web.verify": [("bidan_a", "/verifikasi?period=2026-06"), ("dinas", "/verifikasi")],
    "web.duplicates": [("pkm_a", "/data-ganda")],
    "web.reconcile": [("pkm_a", "/rekonsiliasi?period=2026-10"), ("dinas", "/rekonsiliasi")],
    "web.kia": [("dinas", "/kia"), ("dinas", "/kia?level=puskesmas&parent=611101")],
    "web.deaths": [("dinas", "/kematian"), ("pkm_a", "/kematian")],
    "web.odf": [("dinas", "/odf")],
    "web.signals": [("pkm_a", "/sinyal")],
    "web.ilp": [("dinas", "/ilp"), ("dinas", "/ilp?level=puskesmas&parent=611101")],
    "web.meeting_pack": [("dinas", "/paket-rapat")],
    "web.bundles": [("pkm_a", "/bundel")],
    "web.users": [("admin", "/pengguna")],
}
NOT_PAGES = {
    "web.index": "redirects to Ringkasan (the brand link in the top bar is a control)",
    "web.favicon": "the icon, not a page",
    "web.static": "style sheets, scripts and images of the pages",
    "static": "Flask's own static folder",
    "web.export_bundle": "a download (the answer for a device), its button is on /bundel",
    "web.export_eppgbm": "an XLSX download, its link is on the posyandu's Ringkasan",
    "web.export_sip6": "an XLSX download, its link is on the posyandu's Ringkasan",
    "web.lokmin_attachment": "a file download, its link is on the meeting's report",
}
# Controls no journey here clicks, with the reason; any other control left untouched fails.
EXEMPT: tuple[tuple[str, str], ...] = ()
RENDERED: dict[str, list[str]] = {}  # "user address" -> its controls, for the coverage test


def page_endpoints(app) -> set[str]:
    """Return the endpoints of the app's GET pages (the sync API excluded)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith("/api/")
    }


def switch_user(page, base: str, user: str | None, current: list) -> None:
    """Sign in as ``user`` (None: signed out) unless already."""
    if current and current[0] == user:
        return
    page.context.clear_cookies()
    if user is not None:
        browser_sign_in(page, base, user, world_mod.PASSWORD)
        page.wait_for_url("**/ringkasan")
    current[:] = [user]


def test_every_page_renders_with_content_and_without_errors(app, server, device, page):
    endpoints = page_endpoints(app)
    assert endpoints - PAGE_URLS.keys() - NOT_PAGES.keys() == set(), "pages nobody opens"
    assert PAGE_URLS.keys() - endpoints == set(), "PAGE_URLS names pages that are gone"
    ids = seed_world(app, device)
    problems, current = watch(page), []
    for addresses in PAGE_URLS.values():
        for user, template in addresses:
            switch_user(page, server.url, user, current)
            response = page.goto(server.url + template.format(**ids))
            assert response.status == 200, (user, template, response.status)
            text = page.locator("main").inner_text()
            assert text.strip(), (user, template)
            assert not re.search(r"\bweb\.[a-z_]+\.[a-z_.]+", text), (user, template)  # raw keys
            RENDERED[f"{user} {template}"] = RECORDER.page_controls(page)
            shot(page, "page-" + slug(f"{user or 'tamu'} {template}"))
    assert problems == []
    assert sum(len(c) for c in RENDERED.values()) > 100


def test_every_control_on_every_page_is_touched_by_a_journey():
    if not RENDERED:
        pytest.skip("the pages were not rendered in this run")
    journeys = journey_tests(JOURNEY_MODULES, JOURNEY_FIXTURES, qualified=True)
    missing = journeys - RECORDER.passed
    if missing == journeys:
        pytest.skip("no journey ran in this run: run the journey modules (JOURNEY_MODULES) too")
    where: dict[str, str] = {}
    for address, controls in RENDERED.items():
        for control in controls:
            where.setdefault(control, address)
    exempt = exempted(list(where), EXEMPT)
    summary = RECORDER.write(RENDERED, exempt, journeys)
    assert missing == set(), f"journeys that did not pass: {sorted(missing)}"
    uncovered = [f"{c}  (on {where[c]})" for c in summary["uncovered"]]
    assert uncovered == [], (
        f"{len(uncovered)} of {summary['controls']} controls are touched by no journey:\n"
        + "\n".join(uncovered)
    )
    assert [c for c in exempt if c in summary["touched"]] == [], "touched after all: unlist it"
