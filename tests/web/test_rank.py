"""Peringkat: units ranked worst first, colours from the threshold table, change since last month,
sparklines as inline SVG; scope; a browser run with no console error and no failed request."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import browser_sign_in, shot
from tests.web.test_summary import PERIOD, analytics_rows, seed


@pytest.fixture
def kids(app, world):
    return seed(app)


def table_rows(html: str) -> list[dict]:
    out = []
    for code, colour, body in re.findall(
        r'<tr data-code="([^"]+)" data-colour="([^"]+)">(.*?)</tr>', html, re.S
    ):
        value = re.search(r'data-value="([^"]*)"', body).group(1)
        change = re.search(r'data-change="([^"]*)"', body).group(1)
        out.append(
            {
                "code": code,
                "colour": colour,
                "value": float(value) if value else None,
                "change": float(change) if change else None,
                "svg": "<svg" in body,
            }
        )
    return out


def test_thresholds_table_has_a_source_for_each_indicator():
    from server.web.peringkat import colour, thresholds

    table = thresholds()
    assert {"stunting", "ds", "reporting"} <= set(table)
    assert all(row["source"] for row in table.values())
    assert colour("stunting", 10) == "green" and colour("stunting", 15) == "amber"
    assert colour("stunting", 25) == "red" and colour("ds", 85) == "green"
    assert colour("ds", 50) == "red" and colour("ds", None) == "none"


def test_ranking_of_posyandu_by_ds(app, web, kids):
    from server.web.peringkat import colour

    html = web("dinas").get(f"/peringkat?indicator=ds&level=posyandu&period={PERIOD}").text
    rows = table_rows(html)
    expected = {r["code"]: r for r in analytics_rows(app, "dinas", PERIOD, "posyandu")}
    assert {r["code"] for r in rows} == set(expected)
    for row in rows:
        ds = expected[row["code"]]["indicators"]["ds"]
        value = 100 * ds["numerator"] / ds["denominator"] if ds["denominator"] else None
        assert row["value"] == (pytest.approx(value) if value is not None else None)
        assert row["colour"] == colour("ds", value)
        assert row["svg"]
    known = [r["value"] for r in rows if r["value"] is not None]
    assert known == sorted(known)  # D/S: higher is better, the worst first
    before = {r["code"]: r for r in analytics_rows(app, "dinas", "2026-05", "posyandu")}
    a1_now = expected["PSY-A1"]["indicators"]["ds"]
    a1_before = before["PSY-A1"]["indicators"]["ds"]
    change = 100 * (
        a1_now["numerator"] / a1_now["denominator"]
        - a1_before["numerator"] / a1_before["denominator"]
    )
    assert next(r for r in rows if r["code"] == "PSY-A1")["change"] == pytest.approx(change)
    assert "Sumber ambang" in html and "<script" not in html.split("<main", 1)[-1]


def test_ranking_keeps_to_scope_and_checks_parameters(web, kids):
    html = web("pkm_a").get(f"/peringkat?indicator=ds&level=posyandu&period={PERIOD}").text
    codes = {r["code"] for r in table_rows(html)}
    assert "PSY-B1" not in codes and "PSY-A1" in codes
    client = web("dinas")
    assert client.get("/peringkat?indicator=nope").status_code == 400
    assert client.get("/peringkat?level=planet").status_code == 400
    assert client.get("/peringkat?parent=PKM-A&level=kecamatan").status_code == 400
    assert web("pkm_a").get("/peringkat?parent=PKM-B").status_code == 404


def test_ranking_page_in_a_browser_has_no_errors(app, server, page):
    seed(app)
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(  # a request the browser itself cancels on navigating away is not a failure
        "requestfailed",
        lambda r: failed.append((r.url, r.failure)) if "ERR_ABORTED" not in r.failure else None,
    )
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    browser_sign_in(page, server.url, "dinas")
    page.wait_for_url("**/ringkasan")
    page.goto(f"{server.url}/ringkasan?period={PERIOD}")
    page.click("#rank-link")
    page.wait_for_load_state()
    page.select_option("#indicator", "ds")
    page.select_option("#level", "posyandu")
    page.focus("#level")  # the form is reachable and submitted from the keyboard
    for _ in range(6):  # the month input holds several fields of its own
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.closest('form').id") == "rank-form"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "indicator=ds" in page.url
    assert page.locator("#rank tbody tr").count() == 3
    assert page.locator("#rank svg.spark").count() == 3
    shot(page, "peringkat")
    assert not errors, errors
    assert not failed, failed
