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
    assert "Posyandu melapor – penyebut (posyandu)" in headers
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
