"""Stored XSS: script, markup, javascript: URLs and template syntax in every displayed text field, in Chromium.

The hostile world (tests/security/conftest.py ``add_hostile``) puts the payloads in person and
mother names, addresses, notes, a posyandu's name (registry), lokmin meeting and agreement texts,
a user's display name, a device name and both values of a conflict. Chromium crawls every page
reachable by links in the Pokjanal view (as dinas, admin, puskesmas, kader) and in the
field client (after a real sync pulled that data), and checks on each page: no dialog opened, no
injected element or handler in the DOM, ``{{7*7}}`` not evaluated, the CSP header present.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urljoin, urlparse

import pytest

from testkit import world as world_mod
from testkit.servers import live_server
from tests.security.conftest import XSS

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
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    ),
]

# Elements or attributes only an injection would create (the apps use none of them).
INJECTED_JS = """() => {
  const found = [];
  document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], [onclick]')
    .forEach(e => found.push(e.outerHTML.slice(0, 120)));
  document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i]')
    .forEach(e => found.push(e.outerHTML.slice(0, 120)));
  document.querySelectorAll('script').forEach(s => {
    if (!s.src && s.type !== 'application/json') found.push('inline script: ' + s.text.slice(0, 80));
    if (s.type === 'application/json') { try { JSON.parse(s.textContent); }
      catch (e) { found.push('broken json block ' + s.id); } }
  });
  return found;
}"""
# The crawl visits every page it can reach, a few of each kind: an address's kind is its path with
# the ids replaced, plus the names of its query parameters. SAFETY_PAGES only stops a runaway crawl,
# and reaching it fails the test (the crawl once stopped silently at 40 pages and left pages unseen).
PER_KIND = 3
SAFETY_PAGES = 400


def page_kind(url: str) -> tuple[str, tuple[str, ...]]:
    """Return the kind of page an address shows: its path without ids, and its query's names."""
    parsed = urlparse(url)
    path = "/".join(
        "*" if any(ch.isdigit() for ch in part) or len(part) > 24 else part
        for part in parsed.path.split("/")
    )
    names = tuple(sorted({pair.split("=")[0] for pair in parsed.query.split("&") if pair}))
    return path, names


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Visitor:
    """One Chromium tab that records dialogs and checks each page it opens."""

    def __init__(self, browser):
        self.context = browser.new_context(locale="id-ID")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.checked: list[str] = []
        self.downloads: list[str] = []
        self.text_seen = ""

    def visit(self, url: str) -> bool:
        """Open ``url`` and check it; return False when it was a download, not a page."""
        try:
            response = self.page.goto(url)
        except Exception as error:  # playwright's Error; a file link starts a download
            if "Download is starting" in str(error):
                self.downloads.append(url)
                return False
            raise
        assert response is not None and response.status < 500, (url, response and response.status)
        self.page.wait_for_load_state("load")
        csp = response.headers.get("content-security-policy", "")
        assert (
            "script-src 'self'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        ), (url, csp)
        injected = self.page.evaluate(INJECTED_JS)
        assert injected == [], (url, injected)
        assert not self.dialogs, (url, self.dialogs)
        text = self.page.inner_text("body")
        assert "Anak 49" not in text and "Ibu 49" not in text, url  # {{7*7}} not evaluated
        self.text_seen += text
        self.checked.append(url)
        return True

    def crawl(self, base: str, starts: list[str], skip=()) -> None:
        queue, seen, kinds = [base + s for s in starts], set(), {}
        chosen = set(queue)  # the start pages are visited whatever their kind
        while queue:
            url = queue.pop(0)
            key = url.split("#")[0]
            kind = page_kind(key)
            if key in seen or (key not in chosen and kinds.get(kind, 0) >= PER_KIND):
                continue
            assert len(seen) < SAFETY_PAGES, f"the crawl did not end after {SAFETY_PAGES} pages"
            seen.add(key)
            kinds[kind] = kinds.get(kind, 0) + 1
            if not self.visit(key):
                continue
            for href in self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                parsed = urlparse(urljoin(key, href))
                target = parsed._replace(fragment="").geturl()
                if (
                    parsed.netloc != urlparse(base).netloc
                    or "format=" in target
                    or parsed.path.startswith(("/ekspor/", "/static/", "/keluar", "/bahasa"))
                    or "lang=" in target
                    or any(s in parsed.path for s in skip)
                ):
                    continue
                if target not in seen:
                    queue.append(target)

    def close(self):
        self.context.close()


def sign_in(visitor: Visitor, base: str, username: str) -> None:
    page = visitor.page
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", world_mod.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/ringkasan**")


def test_pokjanal_pages_render_hostile_text_inert(hostile, browser):
    with live_server(hostile.app) as server:
        total = 0
        for username in ("dinas", "admin", "pkm_a", "kader_a1"):
            visitor = Visitor(browser)
            try:
                sign_in(visitor, server.url, username)
                starts = [
                    "/ringkasan?period=2026-10",
                    "/ringkasan?posyandu=PSY-A1&period=2026-10",
                    "/konflik?status=all",
                    "/lokmin",
                    "/mutu-data?days=3650",
                    "/evaluasi-mingguan",
                    "/tren?code=PSY-A1",
                    # the pages of this wave, which show names, notes and free text too
                    "/verifikasi?period=2026-10",
                    "/data-ganda",
                    "/rekonsiliasi?period=2026-10",
                    "/kia",
                    "/kematian",
                    "/sinyal",
                    "/paket-rapat",
                    "/bundel",
                ]
                starts += [f"/anak/{pid}" for pid in hostile_person_ids(hostile)]
                if username == "admin":
                    starts.append("/pengguna")
                visitor.crawl(server.url, starts)
                total += len(visitor.checked)
                # The payloads were on the pages, shown as text (not an empty pass).
                for payload in XSS[:4]:
                    assert payload in visitor.text_seen, (username, payload)
            finally:
                visitor.close()
        # Error and sign-in pages carry the CSP too.
        anonymous = Visitor(browser)
        try:
            anonymous.visit(f"{server.url}/masuk?next=javascript:alert(1)")
            anonymous.visit(f"{server.url}/tidak-ada-{XSS[0]}")
        finally:
            anonymous.close()
    assert total >= 150, total  # 267 pages over the four users when this was written


def hostile_person_ids(s) -> list[str]:
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Record

    with s.app.app_context():
        rows = db.session.execute(
            sa.select(Record.id, Record.fields).where(Record.kind == "person")
        ).all()
    return [r.id for r in rows if any(p in (r.fields.get("name") or "") for p in XSS)]


def test_field_client_pages_render_hostile_text_inert(hostile, browser, tmp_path):
    from field_client import security
    from field_client.app import create_app
    from field_client.launcher import launch_url, local_server

    with live_server(hostile.app) as server:
        app = create_app(tmp_path / "device", "xss-launch-token")
        context = app.extensions["posyandu"]
        context.agent.login(server.url, "kader_a1", world_mod.PASSWORD, "xss-test")
        context.agent.sync()
        assert len(context.store.list("person")) >= len(XSS)
        security.set_pin(context.store, "246813")
        local = local_server(app, 0)
        thread = threading.Thread(target=local.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{local.server_port}"
        visitor = Visitor(browser)
        try:
            visitor.page.goto(launch_url(local, "xss-launch-token"))
            visitor.page.fill("input[name=pin]", "246813")
            visitor.page.click("button[type=submit]")
            visitor.page.wait_for_url(f"{base}/")
            people = [
                r.id
                for r in context.store.list("person")
                if any(p in (r.fields.get("name") or "") for p in XSS)
            ]
            pregnancies = [r.id for r in context.store.list("pregnancy")]
            assert pregnancies, "the hostile pregnancy was not pulled"
            starts = (
                [
                    "/",
                    "/registrasi",
                    "/sinkronisasi",
                    "/laporan-bulanan",
                    "/laporan-desa",
                    "/hari-buka",
                    "/cari?q=a",  # every hostile name with an "a" is a search result
                ]
                + [f"/kehamilan/{pid}" for pid in pregnancies]
                + [f"/orang/{hostile.persons['A1']}", f"/dewasa/{hostile.persons['A1']}/kunjungan"]
                + [f"/balita/{pid}" for pid in people]
                + [f"/orang/{pid}" for pid in people]
            )
            visitor.crawl(base, starts)
            assert len(visitor.checked) >= 20, visitor.checked
            for payload in XSS[:4]:
                assert payload in visitor.text_seen, payload
        finally:
            visitor.close()
            local.shutdown()
            thread.join(10)
            local.server_close()
            context.close()
