"""Every page of the field client renders cleanly, and every control on it is used by a journey.

The pages are the app's own GET routes (its url_map, without the JSON API): a new page fails here
until it is listed in PAGE_URLS with addresses that show it with content, or in NOT_PAGES with
the reason it is not a page. Each address is opened in Chromium on a device filled by
``journeys_support.seed_world``; a console error or a failed request fails the test, and a
screenshot of every page goes to tests/artifacts/ (``page-*.png``).

The controls found (links, buttons, fields, forms, disclosure toggles) are then compared with what
the journeys (test_journeys*.py) touched in this run: every control must have been clicked, typed
in, chosen or submitted by at least one passing journey. ``journeys_support`` explains how
controls are named; the run's figures are in tests/artifacts/journey-touches.json.
"""

import os
import re

import pytest

from tests.support.journeys import exempted, journey_tests, slug

from . import journeys_support as support
from . import test_journeys as journeys
from .test_browser import CHROMIUM
from .test_journeys import DESA, PIN, POSYANDU, TODAY, Watch, shot

app_url, browser_page = journeys.app_url, journeys.browser_page  # the journeys' fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.journey_coverage,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not at {CHROMIUM}"),
]

JOURNEY_MODULES = (
    "tests.field_client.test_journeys",
    "tests.field_client.test_journeys_kader",
    "tests.field_client.test_journeys_review",
    "tests.field_client.test_journeys_beranda",
    "tests.field_client.test_users_journey",
    "tests.field_client.test_bundle_page",
    "tests.field_client.test_journeys_ilp",
    "tests.field_client.test_journeys_month_review",
    "tests.field_client.test_pairing_journey",
)
JOURNEY_FIXTURES = ("kader", "browser_page")  # a test driving Chromium through these is a journey

# endpoint -> addresses showing the page in each of its states ({name} = a seeded id)
PAGE_URLS = {
    "pages.home": ["/"],
    "pages.registry": ["/registrasi", "/registrasi?q=Bima&tahap=balita"],
    "pages.register": ["/registrasi/baru"],
    "pages.person": [
        "/orang/{mother}",
        "/orang/{elder}",
        "/orang/{child}?edit=1",
        "/orang/{pupil}",
        "/orang/{nifas_mother}",
    ],
    "pages.child": [
        "/balita/{child}",
        "/balita/{child}?done=deleted&undo=child_visit:{deleted_visit}",
    ],
    "pages.child_visit": ["/balita/{child}/kunjungan", "/balita/{child}/kunjungan?visit={visit}"],
    "printing.child_card": ["/balita/{child}/cetak"],
    "pages.adult_visit": [
        "/dewasa/{elder}/kunjungan",
        "/dewasa/{elder}/kunjungan?visit={adult_visit}",
    ],
    "pages.pregnancy": ["/kehamilan/{pregnancy}", "/kehamilan/{pregnancy}?visit={anc_visit}"],
    "pages.session": ["/hari-buka", "/hari-buka?id={session}"],
    "pages.monthly": ["/laporan-bulanan"],
    "printing.monthly_report": ["/laporan-bulanan/{month}/cetak"],
    "pages.desa": ["/laporan-desa", "/laporan-desa?id={desa_report}"],
    "pages.sync": ["/sinkronisasi"],
    "ilp.record_page": [
        "/orang/{pupil}/remaja",
        "/orang/{pupil}/remaja?id={youth_visit}",
        "/orang/{nifas_mother}/nifas",
        "/orang/{mother}/nifas",
        "/orang/{nifas_mother}/kb",
        "/orang/{elder}/tbc",
    ],
    "ilp.referrals": ["/orang/{elder}/rujukan", "/orang/{child}/rujukan?dari=child_visit:{visit}"],
    "ilp.referral": ["/rujukan/{referral}", "/rujukan/{closed_referral}"],
    "auth.pin": ["/pin"],
    "auth.setup": ["/setup"],
    "auth.unlock": ["/unlock"],
    "recovery.page": ["/pemulihan"],
    "search.page": ["/cari", "/cari?q=Bima", "/cari?q=tidak%20ada"],
    "pairing.meja": ["/meja"],
}
NOT_PAGES = {
    "pages.set_language": "switches the language and redirects back (its links are controls)",
    "ilp.dose_picker": "a part of the child visit form (its dose offer for the visit date typed), "
    "fetched by doses.js when the date changes; test_journeys_ilp changes the date",
    "recovery.download": "a file download, only after an export from a damaged store",
    "pairing.pair": "the phone's pairing page: served on the LAN listener only (on the laptop "
    "it redirects to /meja); its controls are clicked by test_pairing_journey",
}
# Controls no journey can reach, with the reason; any other control left untouched fails.
UNREACHABLE = (
    (
        r"^(input|select|textarea)#fix-\{seq\}-(?!name$)|^form#fix-\{seq\} \[name=(?!name\])",
        "the fix form of a refused change is the record's own form again: the journey corrects "
        "the refused field (name); the other fields are the registration form's, each filled by "
        "a journey there",
    ),
)
RENDERED: dict[str, list[str]] = {}  # address -> its controls, for the coverage test


def page_endpoints(app) -> set[str]:
    """Return the endpoints of the app's GET pages (the JSON API and static files excluded)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith(("/api/", "/static/"))
    }


def test_every_page_renders_with_content_and_without_errors(app_url, browser_page):
    from playwright.sync_api import expect

    app, url, base = app_url
    endpoints = page_endpoints(app)
    assert endpoints - PAGE_URLS.keys() - NOT_PAGES.keys() == set(), "pages nobody opens"
    assert PAGE_URLS.keys() - endpoints == set(), "PAGE_URLS names pages that are gone"
    ids = support.seed_world(app, TODAY, POSYANDU, DESA)
    page, watch = browser_page, Watch(browser_page)
    page.goto(url)
    page.fill("input[name=pin]", PIN)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    for addresses in PAGE_URLS.values():
        for template in addresses:
            address = template.format(**ids)
            response = page.goto(base + address)
            assert response.status == 200, (address, response.status)
            expect(page.locator("body")).to_have_attribute("data-ready", "1")
            text = page.locator("main").inner_text()
            assert not re.search(r"\b(client|records)\.[a-z_]+\.", text), address
            RENDERED[template] = support.page_controls(page)
            shot(page, "page-" + slug(template))
    watch.check()
    assert sum(len(c) for c in RENDERED.values()) > 100


def _journeys() -> set[str]:
    """Return the names of every journey (a test of a journey module driving Chromium)."""
    return journey_tests(JOURNEY_MODULES, JOURNEY_FIXTURES)


def test_every_control_on_every_page_is_touched_by_a_journey():
    if not RENDERED:
        pytest.skip("the pages were not rendered in this run")
    missing = _journeys() - support.PASSED
    if missing == _journeys():
        pytest.skip("no journey ran in this run: run tests/field_client/ (or the journey modules)")
    where = {}
    for address, controls in RENDERED.items():
        for control in controls:
            where.setdefault(control, address)
    exempt = exempted(list(where), UNREACHABLE)
    summary = support.write_touches(RENDERED, exempt)
    assert missing == set(), f"journeys that did not pass: {sorted(missing)}"
    uncovered = [f"{c}  (on {where[c]})" for c in summary["uncovered"]]
    assert uncovered == [], (
        f"{len(uncovered)} of {summary['controls']} controls are touched by no journey:\n"
        + "\n".join(uncovered)
    )
    assert [c for c in exempt if support.TOUCHED.get(c)] == [], "reachable after all: unlist it"
