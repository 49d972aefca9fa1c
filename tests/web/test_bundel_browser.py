"""Chromium: the puskesmas imports a revoked laptop's rescue bundle on /bundel (issue #18).

The HTTP side (scope, tampering, CSRF) is tests/web/test_bundel.py; here a person clicks: the file
without the "Kiriman penyelamatan" tick is refused with the way to do it, then ticked it is
imported, the device stays revoked and is not offered an answer. Screenshots:
tests/artifacts/web-bundel-penyelamatan-*.png.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import browser_sign_in, shot
from tests.web.test_bundel import device_bundle, logged, two_children

pytestmark = pytest.mark.browser


def test_a_revoked_devices_rescue_bundle_is_imported_by_ticking_the_box(
    app, server, device, page, tmp_path
):
    from playwright.sync_api import expect

    from server.extensions import db
    from server.models import Device, utcnow

    kader = device("kader_a1")
    saved = tmp_path / "kiriman-penyelamatan.posyandu"
    saved.write_bytes(device_bundle(kader, two_children(kader)))
    with app.app_context():
        db.session.get(Device, kader.device_id).revoked_at = utcnow()
        db.session.commit()
        db.session.remove()

    browser_sign_in(page, server.url, "pkm_a")
    page.goto(f"{server.url}/bundel")
    expect(page.locator(f"[data-download='{kader.device_id}']")).to_have_count(0)  # revoked
    page.set_input_files("#bundle-file", str(saved))
    page.click("#bundle-import")
    error = page.locator("#bundle-error")
    expect(error).to_contain_text("Izin perangkat «test-kader_a1» sudah dicabut")
    assert kader.device_id not in error.inner_text()  # the laptop by its name
    expect(error).to_contain_text("centang «Kiriman penyelamatan»")
    shot(page, "bundel-penyelamatan-ditolak")
    assert logged(app, kader.device_id) == []

    page.set_input_files("#bundle-file", str(saved))
    page.check("#bundle-rescue")
    page.click("#bundle-import")
    done = page.locator("#bundle-done")
    expect(done).to_contain_text(
        "Kiriman penyelamatan perangkat «test-kader_a1» milik Kader A1 (Kader) diimpor: "
        "2 perubahan. Izin perangkat itu tetap dicabut."
    )
    expect(page.locator("#bundle-report [data-status=applied] td")).to_have_text("2")
    expect(page.locator("#bundle-report [data-status=rejected] td")).to_have_text("0")
    expect(page.locator("#bundle-rescue")).not_to_be_checked()  # a fresh form for the next file
    assert kader.device_id not in done.inner_text() and "kader_a1 " not in done.inner_text()
    shot(page, "bundel-penyelamatan-diimpor")
    assert logged(app, kader.device_id) == [(1, "applied"), (2, "applied")]
    with app.app_context():
        assert db.session.get(Device, kader.device_id).revoked_at is not None
        db.session.remove()
    expect(page.locator(f"[data-download='{kader.device_id}']")).to_have_count(0)
