"""Chromium: the lokmin page and its "melewati tenggat" filter, with no console error and no
failed request (a screenshot for reviewers in tests/artifacts/)."""

from __future__ import annotations

from tests.web.conftest import browser_sign_in, shot
from tests.web.test_review import agreement, meeting, write


def test_lokmin_overdue_filter_in_a_browser(app, server, page):
    m = meeting()
    write(
        app,
        [
            ("lokmin_meeting", m),
            ("lokmin_agreement", agreement(m, action="Terlambat sekali")),
            ("lokmin_agreement", agreement(m, action="Sudah beres", status="done")),
        ],
    )
    errors, failed = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    browser_sign_in(page, server.url, "kec_a")
    page.wait_for_url("**/ringkasan")
    page.goto(f"{server.url}/lokmin")
    assert "Sudah beres" in page.content()
    page.click("#overdue-filter a")
    page.wait_for_load_state()
    assert "tenggat=lewat" in page.url
    assert "Terlambat sekali" in page.content() and "Sudah beres" not in page.content()
    shot(page, "lokmin-tenggat")
    assert not errors, errors
    assert not failed, failed
