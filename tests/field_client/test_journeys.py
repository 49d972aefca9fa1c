"""The kader's day in Chromium, clicked as a new user would (issue #14).

Every page is watched: a console error, a failed request or an answer >= 400 that the journey did
not expect fails the test. Screenshots of the changed pages go to tests/artifacts/ (not committed).
"""

import os
import re
import threading
from datetime import date, timedelta

import pytest

from field_client.app import create_app
from field_client.launcher import launch_url, local_server
from field_client.service import RecordService

from .conftest import REPORTS, WATCH_FAILED
from .journeys_support import finish, record_touches
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium is not at {CHROMIUM}"),
]

TOKEN = "journey-launch-token"
PIN = "1357"
POSYANDU = "PSY-A1"
DESA = "6111012001"
TODAY = date.today()


def shot(page, name: str) -> None:
    """Keep a full-page screenshot for reviewers."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f"journey-{name}.png"), full_page=True)


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class Watch:
    """Collect what a user would call broken: console errors, failed or refused requests."""

    def __init__(self, page):
        self.problems: list[str] = []
        self.expected: list[tuple[str, str, int]] = []  # (method, path regex, status)
        self.seen_expected: list[int] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def expect(self, method: str, path: str, status: int) -> None:
        """Allow one kind of refusal the journey provokes on purpose (409, 422)."""
        self.expected.append((method, path, status))

    def _console(self, message):
        if message.type != "error":
            return
        found = re.search(r"status of (\d+)", message.text)
        if found and int(found.group(1)) in self.seen_expected:
            return  # Chromium logs every refused fetch; this one was provoked on purpose
        self.problems.append(f"console: {message.text}")

    def _failed(self, request):
        if "ERR_ABORTED" in (request.failure or ""):
            return  # a preview request cut short by the page moving on after Simpan
        self.problems.append(f"failed: {request.method} {request.url} {request.failure}")

    def _response(self, response):
        if response.status < 400:
            return
        path = re.sub(r"^https?://[^/]+", "", response.url)
        method = response.request.method
        for want_method, pattern, status in self.expected:
            if want_method == method and re.fullmatch(pattern, path) and status == response.status:
                self.seen_expected.append(status)
                return
        self.problems.append(f"answer {response.status}: {method} {path}")

    def check(self) -> None:
        assert self.problems == []


@pytest.fixture
def app_url(tmp_path):
    """Serve the field client on loopback, signed in (offline) with a PIN, as after setup."""
    from field_client import security

    app = create_app(tmp_path / "device", TOKEN)
    store = app.extensions["posyandu"].store
    store.set_meta(
        token="offline-token",
        device_id="dev-1",
        user={"name": "Kader Ani"},
        scope={"posyandu": [POSYANDU], "desa": [DESA]},
    )
    security.set_pin(store, PIN)
    server = local_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, launch_url(server, TOKEN), f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    server.server_close()
    app.extensions["posyandu"].close()


@pytest.fixture
def browser_page(request):
    """A Chromium tab. What a journey does in it is recorded for the coverage test
    (``journeys_support``); the coverage test's own page renderer is not a journey."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    journey = request.node.originalname  # parametrized journeys (backend) share one name
    recording = request.node.get_closest_marker("journey_coverage") is None
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        if recording:
            record_touches(tab, journey)
        yield tab
        context.close()
        browser.close()
    if recording:  # a journey whose test or watch failed proves nothing
        call = request.node.stash.get(REPORTS, {}).get("call")
        finish(
            journey, bool(call and call.passed) and not request.node.stash.get(WATCH_FAILED, False)
        )


@pytest.fixture
def kader(app_url, browser_page, request):
    """The kader's unlocked browser tab, with its watch; returns (app, base, page, watch)."""
    from playwright.sync_api import expect

    app, url, base = app_url
    watch = Watch(browser_page)
    browser_page.goto(url)
    expect(browser_page).to_have_url(re.compile(r"/unlock"))
    browser_page.fill("input[name=pin]", PIN)
    browser_page.click("button[type=submit]")
    expect(browser_page).to_have_url(f"{base}/")
    yield app, base, browser_page, watch
    try:
        watch.check()
    except AssertionError:
        request.node.stash[WATCH_FAILED] = True
        raise


def seed_child(app, name="Bima", weights=()):
    """Register a child with visits (days before today, kg) straight through the service."""
    service = RecordService(app.extensions["posyandu"].store)
    child = service.create(
        "person",
        {
            "posyandu_id": POSYANDU,
            "name": name,
            "sex": "M",
            "birth_date": (TODAY - timedelta(days=400)).isoformat(),
            "mother_name": "Wati",
        },
    )
    for days_ago, kg in weights:
        service.create(
            "child_visit",
            {
                "person_id": child.id,
                "visit_date": (TODAY - timedelta(days=days_ago)).isoformat(),
                "weight_kg": kg,
            },
        )
    return child


def test_hapus_then_urungkan_on_a_visit_and_a_person(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    child = seed_child(app, weights=[(3, 9.5)])
    page.goto(f"{base}/balita/{child.id}")
    expect(page.locator("#visits tbody tr[data-visit]")).to_have_count(1)
    page.click("#visits tbody tr[data-visit] a")
    page.click("[data-delete-id]")
    confirm = page.locator(".delete-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(f"Hapus kunjungan Bima tanggal {dmy(TODAY - timedelta(3))}?")
    shot(page, "hapus-konfirmasi")
    page.click(".delete-confirm [data-delete-yes]")
    expect(page.locator("#undo-banner")).to_be_visible()
    expect(page.locator("#undo-banner")).to_contain_text("kunjungan Bima")
    expect(page.locator("#visits tbody tr[data-visit]")).to_have_count(0)
    shot(page, "hapus-urungkan")
    page.click("#undo-banner [data-undo]")
    expect(page.locator("#done-banner")).to_contain_text("Dipulihkan")
    expect(page.locator("#visits tbody tr[data-visit]")).to_have_count(1)
    expect(page.locator("#visits tbody tr[data-visit] td").nth(2)).to_have_text("9,5")

    page.click("#person-edit summary")
    page.click("#person-edit [data-delete-id]")
    expect(page.locator("#person-edit .delete-confirm")).to_contain_text("Hapus Bima")
    page.click("#person-edit [data-delete-yes]")
    expect(page).to_have_url(re.compile(r"/registrasi\?"))
    expect(page.locator("#undo-banner")).to_contain_text("Bima")
    expect(page.locator("#people")).not_to_contain_text("Bima")
    page.click("#undo-banner [data-undo]")
    expect(page.locator("h1")).to_contain_text("Bima")
    expect(page.locator("#visits tbody tr[data-visit]")).to_have_count(1)
    store = app.extensions["posyandu"].store
    assert [m.op for m in store.pending() if m.id == child.id] == ["upsert", "delete", "upsert"]


def test_registering_a_duplicate_offers_the_choice_next_to_simpan(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    existing = seed_child(app, name="Putri Anggraini", weights=[(10, 9.0)])
    birth = TODAY - timedelta(days=398)
    watch.expect("POST", "/api/records/person", 409)
    page.click("a[href='/registrasi/baru'] >> nth=0")
    expect(page).to_have_url(f"{base}/registrasi/baru")
    page.fill("#person-form-name", "Putri \u200bAngraini")
    page.select_option("#person-form-sex", "M")
    page.fill("#person-form-birth_date", dmy(birth))
    page.fill("#person-form-mother_name", "Wati")
    page.click("#person-form button[type=submit]")
    panel = page.locator("#person-form .duplicates")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Putri Anggraini")
    expect(panel).to_contain_text(dmy(TODAY - timedelta(days=400)))
    expect(panel).to_contain_text("Wati")
    expect(panel).to_contain_text(dmy(TODAY - timedelta(days=10)))
    box = panel.bounding_box()
    button = page.locator("#person-form button[type=submit]").bounding_box()
    assert abs(box["y"] - (button["y"] + button["height"])) < 250  # beside Simpan, not far above
    shot(page, "registrasi-duplikat")
    panel.locator(f"a[href='/orang/{existing.id}']").click()
    expect(page.locator("h1")).to_contain_text("Putri Anggraini")

    page.goto(f"{base}/registrasi/baru")
    page.fill("#person-form-name", "Putri Angraini")
    page.select_option("#person-form-sex", "M")
    page.fill("#person-form-birth_date", dmy(birth))
    page.fill("#person-form-mother_name", "Wati")
    page.click("#person-form button[type=submit]")
    page.click("#person-form [data-different-person]")
    expect(page.locator("h1")).to_contain_text("Putri Angraini")
    names = sorted(r.fields["name"] for r in app.extensions["posyandu"].store.list("person"))
    assert names == ["Putri Anggraini", "Putri Angraini"]


def test_implausible_drop_is_saved_after_saya_sudah_mengukur_ulang(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    child = seed_child(app, weights=[(30, 9.7)])
    watch.expect("POST", "/api/records/child_visit", 409)
    page.goto(f"{base}/balita/{child.id}/kunjungan")
    page.fill("#visit-form-weight_kg", "7,2")
    expect(page.locator('[data-alert="history"]')).to_be_visible()
    page.click("#visit-form button[type=submit]")
    expect(page.locator('[data-error-for="weight_kg"]')).to_contain_text("9,7")
    confirm = page.locator("#visit-form .confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Saya sudah mengukur ulang")
    shot(page, "kunjungan-ukur-ulang")
    page.check("#visit-form input[name=_confirm]")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#visits tbody tr[data-visit]")).to_have_count(2)
    expect(page.locator("#visits .flag-remeasured")).to_have_count(1)
    shot(page, "balita-diukur-ulang")


def test_a_hard_limit_weight_shows_no_zscore_and_no_confirmation(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    child = seed_child(app)
    watch.expect("POST", "/api/records/child_visit", 422)
    page.goto(f"{base}/balita/{child.id}/kunjungan")
    page.fill("#visit-form-weight_kg", "95")
    expect(page.locator("#growth-preview [data-hard-limit]")).to_contain_text("40")
    expect(page.locator('#growth-preview tr[data-index="waz"]')).to_be_hidden()
    expect(page.locator("#visit-form .confirm")).to_be_hidden()
    page.click("#visit-form button[type=submit]")
    expect(page.locator('[data-error-for="weight_kg"]')).to_contain_text("40")
    expect(page.locator("#visit-form .confirm")).to_be_hidden()
    shot(page, "kunjungan-batas")


def test_every_page_shows_words_dates_and_decimal_commas_without_errors(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    service = RecordService(app.extensions["posyandu"].store)
    child = seed_child(app, weights=[(3, 9.5)])
    elder = service.create(
        "person",
        {"posyandu_id": POSYANDU, "name": "Pak Umar", "sex": "M", "birth_date": "1950-01-01"},
    )
    page.goto(f"{base}/dewasa/{elder.id}/kunjungan")
    page.fill("#adult-form-weight_kg", "60")
    page.fill("#adult-form-height_cm", "160")
    expect(page.locator('[data-value="bmi"]')).to_have_text("23,4")
    expect(page.locator('[data-value="bmi_category"]')).to_have_text("(normal)")
    shot(page, "dewasa-pratinjau")
    paths = [
        "/",
        "/registrasi",
        "/registrasi/baru",
        f"/balita/{child.id}",
        f"/balita/{child.id}/kunjungan",
        f"/orang/{elder.id}",
        "/hari-buka",
        "/laporan-bulanan",
        "/laporan-desa",
        "/sinkronisasi",
    ]
    app.extensions["posyandu"].store.set_meta(last_sync_at="2026-11-24T03:05:00+00:00")
    shots = {"/": "beranda", "/registrasi/baru": "registrasi-baru", "/sinkronisasi": "sinkronisasi"}
    shots[f"/orang/{elder.id}"] = "orang-pindah-meninggal"
    shots[f"/balita/{child.id}"] = "balita"
    for path in paths:
        page.goto(base + path)
        expect(page.locator("body")).to_have_attribute("data-ready", "1")
        text = page.locator("body").inner_text()
        assert not re.search(r"\b(client|records)\.[a-z_]+\.", text), path
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), (path, text[:400])
        if path in shots:
            shot(page, shots[path])
    page.goto(f"{base}/sinkronisasi")
    expect(page.locator('[data-status="last_sync_text"]')).to_have_text("24/11/2026 10.05 WIB")


def test_pindah_is_an_action_on_the_person_page(kader):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    child = seed_child(app, name="Dewi")
    page.goto(f"{base}/registrasi/baru")
    expect(page.locator("input[name=moved_out_on]")).to_have_count(0)
    page.goto(f"{base}/balita/{child.id}")
    page.click("#move-out summary")
    page.fill("#move-out-form-moved_out_on", dmy(TODAY - timedelta(days=1)))
    page.click("#move-out-form button[type=submit]")
    expect(page.locator("#done-banner")).to_have_text("Data tersimpan.")
    expect(page.locator("#moved-out")).to_have_text(
        f"Pindah pada {dmy(TODAY - timedelta(days=1))}."
    )
    shot(page, "balita-pindah")
    stored = app.extensions["posyandu"].store.get("person", child.id)
    assert stored.fields["moved_out_on"] == (TODAY - timedelta(days=1)).isoformat()
