"""Lokmin scope: a user of another puskesmas (or kecamatan) cannot read, edit, delete, attach to or
download anything of a meeting outside its scope; readers may read but not write."""

from __future__ import annotations

import io

from tests.web.conftest import csrf_token
from tests.web.test_lokmin_attachments import PDF, attachments
from tests.web.test_lokmin_meeting import audit_rows, create_meeting, meeting_form, records_of


def setup_meeting(app, web, tmp_path):
    app.config["LOKMIN_ATTACHMENT_DIR"] = str(tmp_path / "lampiran")
    owner = web("pkm_a")
    meeting_id = create_meeting(owner)
    token = csrf_token(owner.get(f"/lokmin/pertemuan/{meeting_id}").text)
    response = owner.post(
        f"/lokmin/pertemuan/{meeting_id}/lampiran",
        data={"csrf_token": token, "label": "kesepakatan", "file": (io.BytesIO(PDF), "ttd.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    (attachment,) = attachments(app)
    return meeting_id, attachment.id


def snapshot(app):
    meetings = [(r.id, r.version, r.deleted) for r in records_of(app, "lokmin_meeting")]
    agreements = sorted((r.id, r.version) for r in records_of(app, "lokmin_agreement"))
    return meetings, agreements, [(a.id, a.deleted) for a in attachments(app)], len(audit_rows(app))


def test_other_puskesmas_cannot_read_edit_delete_attach_or_download(app, web, tmp_path):
    meeting_id, attachment_id = setup_meeting(app, web, tmp_path)
    before = snapshot(app)
    stranger = web("pkm_b")
    token = csrf_token(stranger.get("/lokmin").text)
    assert "Kapten Inf. Suyanto" not in stranger.get("/lokmin").text
    assert "ttd.pdf" not in stranger.get("/lokmin").text
    for path in (
        f"/lokmin/pertemuan/{meeting_id}",
        f"/lokmin/pertemuan/{meeting_id}?format=xlsx",
        f"/lokmin/pertemuan/{meeting_id}/ubah",
        f"/lokmin/lampiran/{attachment_id}",
        f"/lokmin/lampiran/{attachment_id}?lihat=1",
    ):
        response = stranger.get(path)
        assert response.status_code == 404, path
        assert b"%PDF" not in response.data and b"Suyanto" not in response.data, path
    for path, data in (
        (f"/lokmin/pertemuan/{meeting_id}/ubah", {"venue": "Dibajak", "kind": "tribulanan_rutin"}),
        (f"/lokmin/pertemuan/{meeting_id}/hapus", {}),
        (f"/lokmin/lampiran/{attachment_id}/hapus", {}),
        (
            f"/lokmin/pertemuan/{meeting_id}/lampiran",
            {"label": "foto", "file": (io.BytesIO(PDF), "x.pdf")},
        ),
    ):
        response = stranger.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
    assert snapshot(app) == before


def test_dinas_reads_and_downloads_but_cannot_write(app, web, tmp_path):
    meeting_id, attachment_id = setup_meeting(app, web, tmp_path)
    before = snapshot(app)
    dinas = web("dinas")
    page = dinas.get(f"/lokmin/pertemuan/{meeting_id}")
    assert page.status_code == 200 and "ttd.pdf" in page.text
    assert 'id="upload-form"' not in page.text and "/ubah" not in page.text
    assert dinas.get(f"/lokmin/lampiran/{attachment_id}").data == PDF
    token = csrf_token(dinas.get("/lokmin").text)
    assert dinas.get(f"/lokmin/pertemuan/{meeting_id}/ubah").status_code == 403
    for path in (
        f"/lokmin/pertemuan/{meeting_id}/hapus",
        f"/lokmin/lampiran/{attachment_id}/hapus",
        f"/lokmin/pertemuan/{meeting_id}/ubah",
    ):
        assert dinas.post(path, data={"csrf_token": token}).status_code == 403, path
    assert snapshot(app) == before


def test_kecamatan_user_edits_what_the_puskesmas_wrote_and_the_audit_names_each(app, web, tmp_path):
    meeting_id, _ = setup_meeting(app, web, tmp_path)
    client = web("kec_a")
    form = client.get(f"/lokmin/pertemuan/{meeting_id}/ubah").text
    ids = {a.fields["action"]: a.id for a in records_of(app, "lokmin_agreement")}
    data = meeting_form(csrf_token(form), venue="Kantor Camat")
    data["agreement-0-id"] = ids[data["agreement-0-action"]]
    data["agreement-1-id"] = ids[data["agreement-1-action"]]
    response = client.post(f"/lokmin/pertemuan/{meeting_id}/ubah", data=data)
    assert response.status_code == 303, response.text
    actors = [(a.actor, a.action, a.kind) for a in audit_rows(app) if a.kind == "lokmin_meeting"]
    assert actors == [("pkm_a", "create", "lokmin_meeting"), ("kec_a", "update", "lokmin_meeting")]


def test_history_of_a_meeting_is_not_shown_outside_its_scope(app, web, tmp_path):
    setup_meeting(app, web, tmp_path)
    recent = web("pkm_b").get("/lokmin").text
    assert 'id="recent-history"' not in recent
    assert 'id="recent-history"' in web("pkm_a").get("/lokmin").text


def test_ids_that_are_not_uuids_are_404_not_500(app, web):
    client = web("kec_a")
    for path in (
        "/lokmin/pertemuan/..%2f..%2fetc/ubah",
        "/lokmin/pertemuan/' OR 1=1 --",
        "/lokmin/lampiran/../../secret_key",
        "/lokmin/lampiran/%00",
    ):
        assert client.get(path).status_code in (400, 404), path
