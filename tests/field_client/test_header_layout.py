"""The device's header at a laptop's 1280 px and at a phone's width, in Chromium.

Since "Meja" joined the menu the links folded into a column of four lines beside the search and
the kader's name. The menu is now a row of its own under the tools: one line at 1280 px, a
sideways-scrolling line on a phone, and the page itself never scrolls sideways. Screenshots:
tests/artifacts/journey-header-*.png.
"""

from . import journeys_support as support
from . import test_journeys as journeys
from .test_journeys import DESA, POSYANDU, TODAY, shot

pytestmark = journeys.pytestmark
app_url, browser_page, kader = journeys.app_url, journeys.browser_page, journeys.kader

LAYOUT = """() => {
  const box = (el) => el.getBoundingClientRect();
  const links = [...document.querySelectorAll(".topbar nav a")].map(box);
  const nav = document.querySelector(".topbar nav");
  const tools = ["#header-search", "#kader-switch", ".topbar .lang", ".topbar .brand"]
    .map((s) => box(document.querySelector(s)));
  return {
    rows: new Set(links.map((r) => Math.round(r.top))).size,
    links: links.length,
    navTop: box(nav).top,
    toolsBottom: Math.max(...tools.map((r) => r.bottom)),
    navScrolls: nav.scrollWidth > nav.clientWidth,
    pageWidth: document.documentElement.scrollWidth,
    headerWidth: document.querySelector(".topbar").scrollWidth,
    header: box(document.querySelector(".topbar")).height,
  };
}"""


def test_the_menu_is_one_line_at_1280_px_and_on_a_phone(kader):
    app, base, page, watch = kader
    support.seed_world(app, TODAY, POSYANDU, DESA)  # a pending badge on Sinkronisasi too
    page.goto(f"{base}/")
    wide = page.evaluate(LAYOUT)
    assert wide["links"] == 7 and wide["rows"] == 1, wide
    assert not wide["navScrolls"] and wide["pageWidth"] <= 1280, wide
    assert wide["navTop"] >= wide["toolsBottom"] - 1, wide  # its own row, under the tools
    shot(page, "header-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/")
    phone = page.evaluate(LAYOUT)
    assert phone["rows"] == 1 and phone["pageWidth"] <= 390 and phone["headerWidth"] <= 390, phone
    assert phone["navTop"] >= phone["toolsBottom"] - 1, phone
    page.locator(".topbar nav a#nav-meja").scroll_into_view_if_needed()
    page.click(".topbar nav a#nav-meja")  # the last link is reached by scrolling the menu
    page.wait_for_url(f"{base}/meja")
    meja = page.locator(".topbar nav a#nav-meja")
    assert meja.evaluate("(a) => a.getBoundingClientRect().right") <= 390  # shown where it is
    shot(page, "header-phone")
