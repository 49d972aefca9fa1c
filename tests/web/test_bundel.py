"""The Pokjanal "Kiriman berkas" page (/bundel, issue #19): the puskesmas uploads a device's bundle
and downloads the answer for a device in its scope. Scope, CSRF and wrong files are checked here
with a real device (signed in over HTTP to the live server); the Chromium journey clicking the
buttons is tests/field_client/test_bundle_page.py.
"""

from __future__ import annotations

import io
import uuid

import sqlalchemy as sa

from shared.sync import bundle as fmt
from testkit.factories import person
from tests.web.conftest import csrf_token, sign_in


def device_bundle(device, mutations: list[dict]) -> bytes:
    """The bytes a device's "Simpan ke file" writes (the format of shared/sync/bundle.py)."""
    payload = {
        "bundle_id": str(uuid.uuid4()),
        "device_id": device.device_id,
        "created_at": "2026-11-24T02:00:00+00:00",
        "count": len(mutations),
        "first_seq": mutations[0]["seq"],
        "last_seq": mutations[-1]["seq"],
        "next_seq": mutations[-1]["seq"] + 1,
        "cursor": None,
        "mutations": mutations,
    }
    return fmt.pack(fmt.DEVICE, payload, fmt.token_hash(device.token))


def upload(
    client,
    data: bytes,
    *,
    token: bool = True,
    name: str = "kiriman.posyandu",
    rescue: bool = False,
):
    page = client.get("/bundel")
    assert page.status_code == 200, page.text
    form = {"bundle": (io.BytesIO(data), name), **({"rescue": "1"} if rescue else {})}
    if token:
        form["csrf_token"] = csrf_token(page.text)
    return client.post("/bundel/impor", data=form, content_type="multipart/form-data")


def logged(app, device_id: str) -> list[tuple[int, str]]:
    from server.extensions import db
    from server.models import MutationLog

    with app.app_context():
        rows = db.session.execute(
            sa.select(MutationLog.seq, MutationLog.status)
            .where(MutationLog.device_id == device_id)
            .order_by(MutationLog.seq)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def two_children(kader):
    return [
        kader.mutation("person", person("PSY-A1", name="Anak Pulau")),
        kader.mutation("person", person("PSY-A1", name="Anak Teluk")),
    ]


def test_the_puskesmas_imports_a_bundle_once_and_sees_the_counts(app, server, device):
    kader = device("kader_a1")
    data = device_bundle(kader, two_children(kader))
    web = sign_in(app.test_client(), "pkm_a")
    first = upload(web, data)
    assert first.status_code == 200, first.text
    done = first.text.split('id="bundle-done"')[1].split("</p>")[0]
    assert "«test-kader_a1» milik Kader A1 (Kader) diimpor: 2 perubahan" in done
    assert kader.device_id not in done  # the device and the kader by name
    assert '<tr data-status="applied"><th>Disimpan</th><td>2</td>' in first.text
    assert logged(app, kader.device_id) == [(1, "applied"), (2, "applied")]
    again = upload(web, data)  # the same file twice: nothing doubles
    assert '<tr data-status="applied"><th>Disimpan</th><td>0</td>' in again.text
    assert '<tr data-status="duplicate"><th>Sudah pernah diterima</th><td>2</td>' in again.text
    assert logged(app, kader.device_id) == [(1, "applied"), (2, "applied")]


def test_the_answer_downloads_for_a_device_in_scope_only(app, server, device):
    kader = device("kader_a1")
    web_a = sign_in(app.test_client(), "pkm_a")
    upload(web_a, device_bundle(kader, two_children(kader)))
    listing = web_a.get("/bundel")
    assert f'data-download="{kader.device_id}"' in listing.text
    answer = web_a.get(f"/bundel/perangkat/{kader.device_id}")
    assert answer.status_code == 200
    assert 'filename="jawaban-' in answer.headers["Content-Disposition"]
    envelope = fmt.open_bundle(answer.data)
    envelope.verify(fmt.token_hash(kader.token))
    assert envelope.kind == "server" and [a["seq"] for a in envelope.payload["acks"]] == [1, 2]

    web_b = sign_in(app.test_client(), "pkm_b")  # another puskesmas: not its device
    assert kader.device_id not in web_b.get("/bundel").text
    assert web_b.get(f"/bundel/perangkat/{kader.device_id}").status_code == 404
    assert web_b.get("/bundel/perangkat/no-such-device").status_code == 404


def test_a_device_outside_the_scope_is_refused_and_nothing_is_written(app, server, device):
    kader = device("kader_a1")
    response = upload(
        sign_in(app.test_client(), "pkm_b"), device_bundle(kader, two_children(kader))
    )
    assert response.status_code == 403
    assert f"Perangkat {kader.device_id} tidak terdaftar di wilayah Anda" in response.text
    assert logged(app, kader.device_id) == []


def test_wrong_files_get_a_clear_indonesian_error(app, server, device):
    kader = device("kader_a1")
    web = sign_in(app.test_client(), "pkm_a")
    data = device_bundle(kader, two_children(kader))
    not_bundle = upload(web, b"ini bukan berkas kiriman\n", name="catatan.txt")
    assert not_bundle.status_code == 400
    assert "bukan kiriman Posyandu Sync" in not_bundle.text
    answer = fmt.pack(fmt.SERVER, {"device_id": kader.device_id}, fmt.token_hash(kader.token))
    wrong_kind = upload(web, answer)
    assert (
        wrong_kind.status_code == 400 and "Impor berkas ini di perangkat kader" in wrong_kind.text
    )
    other = device("kader_a2")  # signed with another device's key
    forged = fmt.pack(fmt.DEVICE, {**fmt.open_bundle(data).payload}, fmt.token_hash(other.token))
    tampered = upload(web, forged)
    assert tampered.status_code == 400 and "Tanda tangan kiriman tidak cocok" in tampered.text
    empty = web.post(
        "/bundel/impor",
        data={"csrf_token": csrf_token(web.get("/bundel").text)},
        content_type="multipart/form-data",
    )
    assert empty.status_code == 400 and "Pilih dulu berkas kiriman" in empty.text
    assert logged(app, kader.device_id) == []


def test_without_the_csrf_token_or_the_role_nothing_is_imported(app, server, device):
    kader = device("kader_a1")
    data = device_bundle(kader, two_children(kader))
    refused = upload(sign_in(app.test_client(), "pkm_a"), data, token=False)
    assert refused.status_code == 400 and "formulir" in refused.text.lower()
    assert sign_in(app.test_client(), "kader_a1").get("/bundel").status_code == 403
    assert logged(app, kader.device_id) == []


def test_a_revoked_devices_rescue_bundle_imports_only_when_the_puskesmas_says_so(
    app, server, device
):
    """Issue #18: a revoked laptop saves its unsent changes to a file, then wipes. The puskesmas
    imports that file as a rescue (signature still checked); without the tick it is refused with
    the way to do it; the device stays revoked and cannot push online."""
    from server.extensions import db
    from server.models import Device, utcnow

    kader = device("kader_a1")
    data = device_bundle(kader, two_children(kader))
    with app.app_context():
        db.session.get(Device, kader.device_id).revoked_at = utcnow()
        db.session.commit()
        db.session.remove()
    web = sign_in(app.test_client(), "pkm_a")
    refused = upload(web, data)
    assert refused.status_code == 400
    assert "sudah dicabut" in refused.text and "Kiriman penyelamatan" in refused.text
    assert logged(app, kader.device_id) == []
    tampered = bytearray(data)
    tampered[-5] ^= 0x01
    assert upload(web, bytes(tampered), rescue=True).status_code == 400  # still signed
    assert logged(app, kader.device_id) == []
    rescued = upload(web, data, rescue=True)
    assert rescued.status_code == 200, rescued.text
    assert "Kiriman penyelamatan perangkat" in rescued.text and "tetap dicabut" in rescued.text
    assert '<tr data-status="applied"><th>Disimpan</th><td>2</td>' in rescued.text
    assert logged(app, kader.device_id) == [(1, "applied"), (2, "applied")]
    with app.app_context():
        assert db.session.get(Device, kader.device_id).revoked_at is not None
        db.session.remove()
    other = sign_in(app.test_client(), "pkm_b")  # another puskesmas: out of scope, rescue or not
    assert upload(other, data, rescue=True).status_code == 403
