"""XLSX downloads for people: header block, Indonesian headers with units, typed cells,
percentages equal to numerator/denominator, frozen header, autofilter, Keterangan sheet."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.web.test_summary import PERIOD, analytics_rows, seed


@pytest.fixture
def kids(app, world):
    return seed(app)


def book_of(response):
    assert response.status_code == 200, response.text[:300]
    return load_workbook(io.BytesIO(response.get_data()))  # not read-only: panes and filters


def table_of(sheet) -> tuple[int, list[str], list[list]]:
    """Return (header row number, headers, data rows) of a sheet with a header block."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = [row[0] if row else None for row in rows].index("Tingkat")
    return start + 1, rows[start], rows[start + 1 :]


def test_summary_xlsx_is_for_people(app, web, kids):
    book = book_of(web("dinas").get(f"/ringkasan?period={PERIOD}&level=kecamatan&format=xlsx"))
    assert book.sheetnames == ["Ringkasan", "Keterangan"]
    sheet = book["Ringkasan"]
    meta = {row[0]: row[1] for row in sheet.iter_rows(max_row=4, values_only=True) if row[0]}
    assert meta["Periode"] == PERIOD and meta["Wilayah"]
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} WIB", meta["Waktu ekspor"])
    header_row, headers, body = table_of(sheet)
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    assert sheet.column_dimensions["C"].width >= 20
    assert "Partisipasi masyarakat (D/S) – pembilang (anak)" in headers
    assert "Kelengkapan laporan (posyandu buka dan sinkron) – penyebut (posyandu)" in headers
    assert not any(h and re.fullmatch(r"[a-z_0-9]+", h) for h in headers)  # no codes as headers
    assert any(h.startswith("Imunisasi Campak-Rubela (MR) 1") for h in headers)  # antigen name
    expected = {row["code"]: row for row in analytics_rows(app, "dinas", PERIOD, "kecamatan")}
    assert {row[1] for row in body} == set(expected)
    checked = 0
    for row in body:
        unit = expected[row[1]]
        i = headers.index("Partisipasi masyarakat (D/S) – pembilang (anak)")
        ds = unit["indicators"]["ds"]
        assert row[i] == ds["numerator"] and row[i + 1] == ds["denominator"]
        for index, header in enumerate(headers):
            if header.endswith("(%)"):
                n, d = row[index - 2], row[index - 1]
                assert isinstance(n, int) and isinstance(d, int), header
                if d:
                    assert row[index] == pytest.approx(n / d), header
                    checked += 1
                else:
                    assert row[index] is None
    assert checked >= 5
    cell = sheet.cell(
        row=header_row + 1, column=headers.index("Partisipasi masyarakat (D/S) (%)") + 1
    )
    assert cell.number_format == "0.0%"
    notes = [list(r) for r in book["Keterangan"].iter_rows(values_only=True)]
    names = [r[0] for r in notes]
    assert "Indikator" in names and "Partisipasi masyarakat (D/S)" in names
    assert all(r[1] and r[2] for r in notes[names.index("Indikator") + 1 :])


def test_summary_csv_stays_machine_readable(web, kids):
    text = web("dinas").get(f"/ringkasan?period={PERIOD}&level=kecamatan&format=csv").text
    assert text.lstrip("\ufeff").startswith("tingkat,kode,nama,laporan_pembilang")
    assert "Waktu ekspor" not in text


def test_eppgbm_carries_kk_and_parents_nik_with_dates_as_dates(app, web, world):
    import datetime as dt

    from server.extensions import db
    from server.reference import write_records
    from testkit.factories import child_visit, person

    eka = person(
        "PSY-A1",
        name="Eka Putri",
        sex="F",
        birth_date="2025-03-04",
        nik="6111014403250004",
        no_kk="6111010101200005",
        mother_nik="6111014101950006",
        father_nik="6111010101900007",
        mother_name="Sari",
    )
    visit = child_visit(eka, visit_date="2026-06-09", weight_kg=8.1, length_cm=71.0)
    with app.app_context():
        report = write_records(db.session, [("person", eka), ("child_visit", visit)])
        assert not report.rejected, report.rejected
        db.session.commit()
    book = book_of(web("pkm_a").get(f"/ekspor/eppgbm.xlsx?area=PSY-A1&period={PERIOD}"))
    dasar = [list(r) for r in book["Data Dasar"].iter_rows(values_only=True)]
    header = dasar[0]
    assert header == [
        "no_kk", "nik_anak", "nama_anak", "tanggal_lahir", "jenis_kelamin", "anak_ke",
        "berat_lahir", "panjang_lahir", "nik_ibu", "nik_ayah", "nama_ibu", "alamat",
        "posyandu", "puskesmas",
    ]  # fmt: skip
    row = next(r for r in dasar[1:] if r[2] == "Eka Putri")
    assert row[0] == "6111010101200005" and row[1] == "6111014403250004"
    assert row[8] == "6111014101950006" and row[9] == "6111010101900007"
    assert row[3] == dt.datetime(2025, 3, 4)
    assert book["Data Dasar"].cell(row=dasar.index(row) + 1, column=4).number_format == "DD/MM/YYYY"
    growth = [list(r) for r in book["Pemantauan Pertumbuhan"].iter_rows(values_only=True)]
    eka_row = next(r for r in growth[1:] if r[1] == "Eka Putri")
    assert eka_row[3] == dt.datetime(2026, 6, 9) and eka_row[4] == 8.1
    masked = book_of(web("kec_a").get(f"/ekspor/eppgbm.xlsx?area=PSY-A1&period={PERIOD}"))
    row = next(r for r in masked["Data Dasar"].iter_rows(values_only=True) if r[2] == "Eka Putri")
    assert "*" in row[0] and "*" in row[8] and "*" in row[9]  # kecamatan: masked


def test_trend_xlsx_for_people(web, kids):
    book = book_of(web("dinas").get(f"/tren?code=611101&period={PERIOD}&format=xlsx"))
    assert book.sheetnames == ["Tren", "Keterangan"]
    rows = [list(r) for r in book["Tren"].iter_rows(values_only=True)]
    start = [r[0] if r else None for r in rows].index("Bulan")
    headers, body = rows[start], rows[start + 1 :]
    assert len(body) == 12 and body[-1][0] == "Juni 2026"
    assert body[0][1] == "belum ada data" and body[-1][1] == "lengkap"
    for row in body:
        for index, header in enumerate(headers):
            if header.endswith("(%)"):
                n, d = row[index - 2], row[index - 1]
                assert row[index] == (pytest.approx(n / d) if d else None), header
    csv_text = web("dinas").get(f"/tren?code=611101&period={PERIOD}&format=csv").text
    assert csv_text.lstrip("\ufeff").startswith("bulan,ds_pembilang")
