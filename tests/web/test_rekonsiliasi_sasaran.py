"""Sasaran proyeksi on /rekonsiliasi (issue #16): the projected balita per desa and year, set by
the puskesmas for its own desa or by the dinas, or loaded from a CSV with its source, beside the
balita registered in the app with the gap; wrong input refused in Indonesian, nothing written."""

from __future__ import annotations

import hashlib
import io

from .conftest import csrf_token
from .test_rekonsiliasi import PERIOD, seed

A, B = "6111012001", "6111022001"  # desa Sutera (PSY-A1, PSY-A2, PKM-A); Teluk Melano (PSY-B1)


def page_of(client) -> str:
    return client.get(f"/rekonsiliasi?period={PERIOD}").text


def set_target(client, desa: str, year="2026", **form):
    token = csrf_token(page_of(client))
    data = {"period": PERIOD, "csrf_token": token, **form}
    return client.post(f"/rekonsiliasi/sasaran/{desa}/{year}", data=data)


def upload(client, text: str, source="Proyeksi BPS 2026", name="sasaran-2026.csv"):
    token = csrf_token(page_of(client))
    data = {
        "period": PERIOD,
        "csrf_token": token,
        "sumber": source,
        "berkas": (io.BytesIO(text.encode()), name),
    }
    return client.post(
        "/rekonsiliasi/sasaran/unggah", data=data, content_type="multipart/form-data"
    )


def row(page: str, desa: str) -> str:
    return page.split(f'<tr data-desa="{desa}">')[1].split("</tr>")[0]


def cell(page: str, desa: str, key: str) -> str:
    return row(page, desa).split(f'data-key="{key}">')[1].split("</td>")[0]


def test_the_puskesmas_sets_its_desa_target_beside_the_registered_balita(app, web):
    seed(app)  # two balita registered at PSY-A1 (desa Sutera) by October 2026
    pkm = web("pkm_a")
    before = page_of(pkm)
    assert "Sasaran proyeksi balita per desa — 2026" in before
    assert "belum diisi" in cell(before, A, "target")
    answer = set_target(pkm, A, balita="4", sumber="Proyeksi BPS 2026")
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert f"period={PERIOD}" in location and location.endswith("#sasaran")
    page = pkm.get(answer.headers["Location"]).text
    assert "Sasaran disimpan." in page
    assert cell(page, A, "registered") == "2"
    assert cell(page, A, "target") == "4"
    gap = cell(page, A, "gap")
    assert "<span data-gap>-2</span>" in gap and "(50,0 %)" in gap  # 2 of 4 registered
    assert "Proyeksi BPS 2026" in row(page, A) and "Diisi oleh Pkm A (Petugas puskesmas)" in row(
        page, A
    )
    total = page.split('<tr data-desa="total">')[1].split("</tr>")[0]
    assert "Jumlah (1)" in total and 'data-key="target">4<' in total
    assert B not in page  # pkm_a sees only its own desa

    # the dinas reads it and sets the other puskesmas's desa too; a new value replaces the old
    dinas = web("dinas")
    assert "Proyeksi BPS 2026" in row(page_of(dinas), A)
    assert set_target(dinas, B, balita="1.250", sumber="SK Kadinkes 2026").status_code == 303
    assert set_target(dinas, A, balita="5", sumber="Revisi BPS").status_code == 303
    page = page_of(dinas)
    assert cell(page, B, "target") == "1250" and cell(page, B, "registered") == "0"
    assert cell(page, A, "target") == "5" and "Diisi oleh Dinas (" in row(page, A)
    # another year is another figure: the 2025 page shows none
    earlier = dinas.get("/rekonsiliasi?period=2025-12").text
    assert "Sasaran proyeksi balita per desa — 2025" in earlier
    assert "belum diisi" in cell(earlier, A, "target")


def test_targets_are_refused_outside_the_scope_and_when_wrong(app, web):
    seed(app)
    refused = set_target(web("pkm_b"), A, balita="4", sumber="Proyeksi")
    assert refused.status_code == 403
    assert f"Desa {A} di luar wilayah kerja Anda." in refused.text
    assert set_target(web("kec_a"), A, balita="4", sumber="Proyeksi").status_code == 403
    pkm = web("pkm_a")
    cases = [
        ({"balita": "empat", "sumber": "x"}, "Sasaran balita harus bilangan bulat"),
        ({"balita": "-4", "sumber": "x"}, "Sasaran balita harus bilangan bulat"),
        ({"balita": "2000000", "sumber": "x"}, "Sasaran balita harus bilangan bulat"),
        ({"balita": "4", "sumber": "   "}, "Sumber harus diisi"),
        ({"balita": "4", "sumber": "x" * 201}, "Sumber harus diisi"),
    ]
    for form, message in cases:
        answer = set_target(pkm, A, **form)
        assert answer.status_code == 400 and message in answer.text, form
    bad_year = set_target(pkm, A, year="1800", balita="4", sumber="x")
    assert bad_year.status_code == 400 and "Tahun harus antara 2000 dan 2100." in bad_year.text
    assert set_target(pkm, "9999999999", balita="4", sumber="x").status_code == 404
    page = page_of(web("dinas"))
    assert "belum diisi" in cell(page, A, "target") and "belum diisi" in cell(page, B, "target")


def test_a_csv_loads_whole_with_its_source_and_file_version(app, web):
    seed(app)
    text = f"kode_desa,tahun,sasaran_balita\n{A},2026,3\n{B},2026,7\n{A},2027,9\n"
    answer = upload(web("dinas"), text)
    assert answer.status_code == 303
    page = web("dinas").get(answer.headers["Location"]).text
    assert "3 sasaran dari CSV disimpan." in page
    version = hashlib.sha256(text.encode()).hexdigest()[:12]
    expected = f"Proyeksi BPS 2026 · sasaran-2026.csv · sha256 {version}"
    assert expected in row(page, A) and expected in row(page, B)
    assert cell(page, A, "target") == "3" and cell(page, B, "target") == "7"
    assert "<span data-gap>-1</span>" in cell(page, A, "gap")  # 2 registered, 3 projected
    later = web("dinas").get("/rekonsiliasi?period=2027-01").text
    assert cell(later, A, "target") == "9"


def test_a_csv_with_one_wrong_line_writes_nothing(app, web):
    seed(app)
    pkm = web("pkm_a")
    cases = [
        (f"kode_desa,tahun,sasaran_balita\n{A},2026,3\n{B},2026,7\n", 403, f"Baris 3: Desa {B}"),
        (f"kode_desa,tahun,sasaran_balita\n{A},2026,tiga\n", 400, "Baris 2: Sasaran balita"),
        (f"kode_desa,tahun,sasaran_balita\n{A},2026\n", 400, "Baris 2: harus berisi 3 kolom."),
        (f"kode_desa,tahun,sasaran_balita\n{A},2026,3\n{A},2026,4\n", 400, "Baris 3: desa dan"),
        (f"desa,tahun,balita\n{A},2026,3\n", 400, "Baris pertama CSV harus"),
        ("kode_desa,tahun,sasaran_balita\n", 400, "tidak berisi baris sasaran"),
    ]
    for text, status, message in cases:
        answer = upload(pkm, text)
        assert answer.status_code == status and message in answer.text, (text, answer.text[-400:])
        assert "Tidak ada yang disimpan." in answer.text or status == 400
    not_csv = upload(pkm, "x", name="a.csv")
    assert not_csv.status_code == 400 and "Baris pertama CSV harus" in not_csv.text
    binary = pkm.post(
        "/rekonsiliasi/sasaran/unggah",
        data={
            "csrf_token": csrf_token(page_of(pkm)),
            "sumber": "x",
            "berkas": (io.BytesIO(b"\xff\xfe\x00bad"), "a.csv"),
        },
        content_type="multipart/form-data",
    )
    # refused before the page by the server's guard on every body ("… teks UTF-8.")
    assert binary.status_code == 400 and "UTF-8" in binary.text
    no_source = upload(pkm, f"kode_desa,tahun,sasaran_balita\n{A},2026,3\n", source="")
    assert no_source.status_code == 400 and "Sumber harus diisi" in no_source.text
    assert "belum diisi" in cell(page_of(web("dinas")), A, "target")
