"""Journeys in Chromium for issue #19: sync by file where there is no signal.

A kader's field client, signed in to the live server once, then offline: "Simpan ke file" on
Sinkronisasi downloads the signed bundle of its outbox; the puskesmas uploads it on the Pokjanal
page ``/bundel`` (in Chromium too) and sees the counts, downloads the answer for that device; the
kader loads it with "Ambil dari file" and the outbox drains. A wrong file gets a clear Indonesian
error on either side and changes nothing. In the app's own window (pywebview, which cannot
download) "Simpan ke file" writes the bundle into the user's Documents folder.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from field_client import security
from field_client.app import create_app
from field_client.printing import set_pdf_renderer
from shared.sync import bundle as fmt

from . import test_journeys as journeys
from .conftest import POSYANDU
from .test_journeys import PIN, TOKEN, Watch, shot
from .test_journeys_review import serving, unlock

pytestmark = journeys.pytestmark
app_url, browser_page, kader = journeys.app_url, journeys.browser_page, journeys.kader


def register_child(app, name: str):
    from field_client.service import RecordService

    return RecordService(app.extensions["posyandu"].store).create(
        "person",
        {
            "posyandu_id": POSYANDU,
            "name": name,
            "sex": "F",
            "birth_date": "2025-06-10",
            "mother_name": "Siti",
        },
    )


@pytest.fixture
def kader_app(tmp_path, live_server):
    """A kader's field client signed in to the live server (then it works without signal)."""
    from testkit.world import PASSWORD

    app = create_app(tmp_path / "kader-device", TOKEN)
    context = app.extensions["posyandu"]
    context.agent.login(live_server.url, "kader_a1", PASSWORD, "laptop-desa-pulau")
    security.set_pin(context.store, PIN)
    return app


def server_mutations(live_server, device_id: str) -> list[tuple[int, str]]:
    from server.extensions import db
    from server.models import MutationLog

    with live_server.app.app_context():
        rows = db.session.execute(
            sa.select(MutationLog.seq, MutationLog.record_id)
            .where(MutationLog.device_id == device_id)
            .order_by(MutationLog.seq)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def pokjanal_tab(page, live_server):
    """Open a second browser (the puskesmas' computer) signed in as pkm_a on the server."""
    other = page.context.browser.new_context(locale="id-ID", accept_downloads=True)
    tab = other.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(f"{live_server.url}/masuk")
    tab.fill("input[name=username]", "pkm_a")
    from testkit.world import PASSWORD

    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(re.compile(r"/ringkasan"))
    return tab


def test_simpan_ke_file_then_the_puskesmas_imports_and_ambil_dari_file_drains_the_outbox(
    kader_app, live_server, browser_page, tmp_path
):
    from playwright.sync_api import expect

    store = kader_app.extensions["posyandu"].store
    device_id = store.get_meta("device_id")
    first, second = register_child(kader_app, "Anak Pulau"), register_child(kader_app, "Dua")
    page, watch = browser_page, Watch(browser_page)
    watch.expect("POST", "/sinkronisasi/ambil-file", 400)
    with serving(kader_app) as (url, base):
        unlock(page, url, base)
        page.goto(f"{base}/sinkronisasi")
        expect(page.locator("[data-status=pending]")).to_have_text("2")
        with page.expect_download() as info:
            page.click("#bundle-save-button")
        outgoing = tmp_path / info.value.suggested_filename
        info.value.save_as(outgoing)
        assert outgoing.name.startswith("kiriman-") and outgoing.suffix == ".posyandu"
        sent = fmt.open_bundle(outgoing.read_bytes())
        sent.verify(fmt.token_hash(store.get_meta("token")))
        assert sent.kind == "device" and sent.payload["device_id"] == device_id
        assert [m["id"] for m in sent.payload["mutations"]] == [first.id, second.id]
        assert store.outbox_counts()["pending"] == 2  # kept until the server answers
        assert server_mutations(live_server, device_id) == []

        # The wrong file on the device: its own bundle is not the server's answer.
        page.set_input_files("#bundle-file", str(outgoing))
        page.click("#bundle-load-button")
        expect(page.locator("#bundle-error")).to_contain_text(
            "kiriman dari perangkat, bukan jawaban dari server"
        )
        assert store.outbox_counts()["pending"] == 2

        # At the puskesmas: upload, read the counts, download the answer for this device.
        pkm = pokjanal_tab(page, live_server)
        pkm.goto(f"{live_server.url}/bundel")
        pkm.set_input_files("#bundle-file", str(outgoing))
        pkm.click("#bundle-import")
        expect(pkm.locator("#bundle-done")).to_contain_text("2 perubahan")
        expect(pkm.locator("#bundle-report [data-status=applied] td")).to_have_text("2")
        expect(pkm.locator("#bundle-report [data-status=rejected] td")).to_have_text("0")
        shot(pkm, "bundel-impor-puskesmas")
        assert server_mutations(live_server, device_id) == [(1, first.id), (2, second.id)]
        with pkm.expect_download() as answer_info:
            pkm.click(f"[data-download='{device_id}']")
        answer = tmp_path / answer_info.value.suggested_filename
        answer_info.value.save_as(answer)
        assert answer.name.startswith("jawaban-")
        pkm.context.close()

        # Back in the desa: load the answer; the outbox drains.
        page.goto(f"{base}/sinkronisasi")
        page.set_input_files("#bundle-file", str(answer))
        page.click("#bundle-load-button")
        expect(page.locator("#bundle-done")).to_contain_text("2 perubahan diterima server")
        expect(page.locator("#bundle-done")).to_contain_text("Belum terkirim: 0")
        expect(page.locator("[data-status=pending]")).to_have_text("0")
        expect(page.locator("#bundle-history li")).to_have_count(2)
        shot(page, "bundel-ambil-dari-file")
        assert store.outbox_counts()["pending"] == 0
        assert server_mutations(live_server, device_id) == [(1, first.id), (2, second.id)]
        watch.check()


def test_simpan_ke_file_in_the_app_window_writes_into_documents(kader, monkeypatch, tmp_path):
    from playwright.sync_api import expect

    app, base, page, watch = kader
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    set_pdf_renderer(app, lambda: b"")  # what the pywebview launcher registers: the app's window
    child = register_child(app, "Anak Jendela")
    watch.expect("POST", "/sinkronisasi/ambil-file", 400)
    page.goto(f"{base}/sinkronisasi")
    page.click("#bundle-load-button")  # no file chosen
    expect(page.locator("#bundle-error")).to_contain_text("Pilih dulu berkas jawaban")
    page.click("#bundle-save-button")
    expect(page.locator("#bundle-done")).to_contain_text("Berkas kiriman tersimpan")
    [written] = list((tmp_path / "home" / "Documents").glob("kiriman-*.posyandu"))
    expect(page.locator("#bundle-done")).to_contain_text(str(written))
    assert written.stat().st_mode & 0o077 == 0  # health data: readable by this user only
    envelope = fmt.open_bundle(written.read_bytes())
    envelope.verify(fmt.token_hash("offline-token"))
    assert [m["id"] for m in envelope.payload["mutations"]] == [child.id]
    expect(page.locator("#bundle-history li[data-direction=export]")).to_contain_text("1 perubahan")
    shot(page, "bundel-simpan-dokumen")
