"""Lokmin attachments: PDF, JPEG, PNG up to 10 MB, type sniffed from the bytes, hostile names,
stored private in the data folder, served only within the meeting's scope."""

from __future__ import annotations

import io
import os
import stat
import struct
import zlib

import pytest
import requests
import sqlalchemy as sa

from testkit import world as world_mod
from tests.web.conftest import csrf_token
from tests.web.test_lokmin_meeting import create_meeting

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def attachment_dir(app, tmp_path):
    """A fresh data folder per test (the app's instance folder is shared by the run)."""
    folder = tmp_path / "lampiran"
    app.config["LOKMIN_ATTACHMENT_DIR"] = str(folder)
    yield str(folder)
    app.config.pop("LOKMIN_ATTACHMENT_DIR", None)


def upload(client, meeting_id: str, data: bytes, name: str, label: str = "kesepakatan"):
    token = csrf_token(client.get(f"/lokmin/pertemuan/{meeting_id}").text)
    return client.post(
        f"/lokmin/pertemuan/{meeting_id}/lampiran",
        data={"csrf_token": token, "label": label, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def attachments(app):
    from server.extensions import db
    from server.web.lokmin.models import LokminAttachment

    with app.app_context():
        return list(db.session.execute(sa.select(LokminAttachment)).scalars())


@pytest.mark.parametrize(
    ("data", "name", "content_type", "shown"),
    [
        (PDF, "notulen.pdf", "application/pdf", "notulen.pdf"),
        (JPEG, "kesepakatan ttd.JPG", "image/jpeg", "kesepakatan ttd.jpg"),
        (png_bytes(), "foto.png", "image/png", "foto.png"),
        (PDF, "../../etc/passwd", "application/pdf", "passwd.pdf"),
        (JPEG, 'a"; x=\r\n\u202egpj.exe', "image/jpeg", "a.jpg"),  # multipart ends it at '"'
        (PDF, "rapat <i>\u202egpj.exe", "application/pdf", "rapat _i_gpj.pdf"),
        (png_bytes(), "laporan.pdf", "image/png", "laporan.png"),  # the bytes decide
    ],
)
def test_upload_sniffs_the_type_and_cleans_the_name(
    app, web, attachment_dir, data, name, content_type, shown
):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    response = upload(client, meeting_id, data, name)
    assert response.status_code == 303, response.text
    (row,) = attachments(app)
    assert (row.content_type, row.filename, row.size) == (content_type, shown, len(data))
    folder = attachment_dir
    path = os.path.join(folder, row.id)
    assert os.listdir(folder) == [row.id]  # stored by id, never by the name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    page = client.get(f"/lokmin/pertemuan/{meeting_id}?lampiran=1").text
    assert "Lampiran tersimpan." in page and shown.replace('"', "&#34;") in page
    listed = page.split(f'id="attachment-{row.id}"')[1].split("</li>")[0]
    assert "· Kec A (Tim kecamatan)" in listed and "kec_a" not in listed  # the uploader by name
    download = client.get(f"/lokmin/lampiran/{row.id}")
    assert download.status_code == 200 and download.data == data
    assert download.mimetype == content_type
    assert download.headers["Content-Disposition"] == f'attachment; filename="{shown}"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "notulen.pdf",
            "Berkas harus PDF, JPEG atau PNG",
        ),
        (b"MZ\x90\x00" + b"\x00" * 100, "foto.jpg", "Berkas harus PDF, JPEG atau PNG"),
        (b"%PDF-1.4 without an end", "cut.pdf", "Berkas harus PDF, JPEG atau PNG"),
        (b"", "kosong.pdf", "Berkas kosong."),
    ],
)
def test_refused_files_get_an_indonesian_error_and_nothing_is_stored(
    app, web, attachment_dir, data, name, message
):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    response = upload(client, meeting_id, data, name)
    assert response.status_code == 422
    assert message in response.text
    assert attachments(app) == []
    folder = attachment_dir
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def signed_in_session(base_url: str, username: str) -> requests.Session:
    """Sign in to the real server over HTTP (large bodies go over the wire, not the test client)."""
    session = requests.Session()
    token = csrf_token(session.get(f"{base_url}/masuk", timeout=30).text)
    response = session.post(
        f"{base_url}/masuk",
        data={"username": username, "password": world_mod.PASSWORD, "csrf_token": token},
        timeout=30,
    )
    assert response.status_code == 200 and "/masuk" not in response.url, response.text
    return session


def big_pdf(size: int) -> bytes:
    data = PDF[:-6] + b" " * (size - len(PDF)) + b"%%EOF\n"
    assert len(data) == size
    return data


def test_ten_megabytes_is_accepted_and_one_byte_more_is_refused(app, server, attachment_dir):
    session = signed_in_session(server.url, "kec_a")
    meeting_id = create_meeting(_client_as(app, "kec_a"))
    page = f"{server.url}/lokmin/pertemuan/{meeting_id}"
    for size, name in ((10 * 1024 * 1024 + 1, "besar.pdf"), (10 * 1024 * 1024, "pas.pdf")):
        token = csrf_token(session.get(page, timeout=30).text)
        response = session.post(
            f"{page}/lampiran",
            data={"csrf_token": token, "label": "notulen"},
            files={"file": (name, big_pdf(size), "application/pdf")},
            timeout=120,
            allow_redirects=False,
        )
        if name == "besar.pdf":
            assert response.status_code == 422
            assert "Berkas terlalu besar: paling besar 10 MB." in response.text
            assert attachments(app) == []
        else:
            assert response.status_code == 303, response.text
    (row,) = attachments(app)
    assert row.size == 10 * 1024 * 1024 and row.filename == "pas.pdf"
    download = session.get(f"{server.url}/lokmin/lampiran/{row.id}", timeout=60)
    assert download.content == big_pdf(10 * 1024 * 1024)


def _client_as(app, username: str):
    from tests.web.conftest import sign_in

    return sign_in(app.test_client(), username)


def test_no_file_chosen(app, web):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    token = csrf_token(client.get(f"/lokmin/pertemuan/{meeting_id}").text)
    response = client.post(
        f"/lokmin/pertemuan/{meeting_id}/lampiran", data={"csrf_token": token, "label": "notulen"}
    )
    assert response.status_code == 422 and "Pilih berkas yang akan diunggah." in response.text


def test_delete_attachment_removes_the_file_and_is_audited(app, web, attachment_dir):
    client = web("kec_a")
    meeting_id = create_meeting(client)
    upload(client, meeting_id, PDF, "notulen.pdf")
    (row,) = attachments(app)
    token = csrf_token(client.get(f"/lokmin/pertemuan/{meeting_id}").text)
    response = client.post(f"/lokmin/lampiran/{row.id}/hapus", data={"csrf_token": token})
    assert response.status_code == 303
    assert not os.path.exists(os.path.join(attachment_dir, row.id))
    assert client.get(f"/lokmin/lampiran/{row.id}").status_code == 404
    page = client.get(f"/lokmin/pertemuan/{meeting_id}").text
    assert "Belum ada lampiran." in page
    assert "Lampiran: notulen.pdf → —" in page and "Lampiran: — → notulen.pdf" in page


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(app, server, attachment_dir):
    session = signed_in_session(server.url, "kec_a")
    meeting_id = create_meeting(_client_as(app, "kec_a"))
    page = f"{server.url}/lokmin/pertemuan/{meeting_id}"
    token = csrf_token(session.get(page, timeout=30).text)
    response = session.post(
        f"{page}/lampiran",
        data={"csrf_token": token, "label": "notulen"},
        files={"file": ("besar.pdf", big_pdf(12 * 1024 * 1024), "application/pdf")},
        timeout=120,
        allow_redirects=False,
    )
    assert response.status_code == 413
    assert "terlalu besar" in response.text.lower()
    assert attachments(app) == []
