"""XLSX for people of the tables that were still raw: a posyandu's children (Ringkasan) and the
review pages (Konflik, Mutu data, Evaluasi mingguan, Pengguna). Opened with openpyxl: header block,
Indonesian headers with units, typed cells, frozen and filtered header, Keterangan."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from tests.web.test_summary import NIK_A, PERIOD, seed


def book_of(response):
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def table_start(sheet) -> int:
    """Return the row of the column headers (after the title, the header block and a blank line)."""
    for row in range(2, 12):
        if sheet.cell(row, 1).value is None:
            return row + 1
    raise AssertionError("no header block")


def test_children_of_a_posyandu_as_a_workbook_for_people(app, web, world):
    seed(app)
    book = book_of(web("dinas").get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1&format=xlsx"))
    assert book.sheetnames == ["Anak", "Keterangan"]
    sheet = book["Anak"]
    assert sheet["A2"].value == "Wilayah" and "Posyandu Melati" in sheet["B2"].value
    assert sheet["A3"].value == "Periode" and sheet["B3"].value == PERIOD
    assert sheet["A4"].value == "Waktu ekspor" and sheet["B4"].value.endswith("WIB")
    head = table_start(sheet)
    header = [c.value for c in sheet[head]]
    # the page's labels (Ringkasan's children table), with the units the page leaves out
    assert header == [
        "Nama",
        "NIK (disamarkan)",
        "Jenis kelamin",
        "Tanggal lahir",
        "Umur (bln)",
        "Kunjungan terakhir",
        "BB (kg)",
        "PB/TB (cm)",
        "BB/U (kategori)",
        "PB/U atau TB/U (kategori)",
        "BB/PB atau BB/TB (kategori)",
        "N/T",
        "Di bawah garis merah (BGM)",
        "Tidak naik 2 kali (2T)",
    ]
    assert sheet.freeze_panes == f"A{head + 1}"
    assert sheet.auto_filter.ref == f"A{head}:N{head + 2}"
    rows = {sheet.cell(r, 1).value: [c.value for c in sheet[r]] for r in (head + 1, head + 2)}
    ani = rows["Ani Lestari"]
    assert NIK_A not in str(ani) and ani[1] == "6111********0001"
    assert ani[2] == "Perempuan"
    assert ani[3] == dt.datetime(2025, 6, 10) and ani[5] == dt.datetime(2026, 6, 10)
    assert sheet.cell(head + 1, 4).number_format == "DD/MM/YYYY"
    assert ani[4] == 11  # 365 days ÷ 30,4375 (WHO month length): 11 completed months
    assert ani[6] == 8.6 and ani[7] == 70.0
    assert ani[11] == "N: naik"
    budi = rows["Budi Santoso"]
    assert budi[2] == "Laki-laki" and budi[11] == "T: tidak naik"
    assert budi[12] in ("Ya", "Tidak") and budi[13] in ("Ya", "Tidak")
    notes = [r[0].value for r in book["Keterangan"].iter_rows(min_row=3) if r[0].value]
    assert (
        "N/T" in notes
        and "Umur (bln)" in notes
        and "BB/U, PB/U atau TB/U, BB/PB atau BB/TB" in notes
    )
    # the CSV stays machine-readable
    text = web("dinas").get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1&format=csv").text
    assert text.splitlines()[0].lstrip("\ufeff").startswith("id,nama,nik")


def test_review_table_xlsx_has_a_header_block_typed_times_and_a_keterangan(app, web, device):
    """Mutu data's devices: the times a kader's laptop last pushed and pulled are date-time
    cells (the zone in the header), "belum pernah" stays text, text is made formula-safe."""
    kader = device("kader_a1")
    kader.pull_all()
    client = web("pkm_a")
    book = book_of(client.get("/mutu-data?table=devices&format=xlsx"))
    assert book.sheetnames[-1] == "Keterangan"
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Perangkat"
    assert [sheet.cell(r, 1).value for r in (2, 3, 4)] == ["Wilayah", "Tabel", "Waktu ekspor"]
    assert sheet["B2"].value == "Puskesmas Sukadana (PKM-A)"
    head = table_start(sheet)
    header = [c.value for c in sheet[head]]
    assert header[:4] == ["Pengguna", "Nama pengguna", "Peran", "Perangkat"]
    pull = header.index("Ambil terakhir (WIB)") + 1
    push = header.index("Kirim terakhir") + 1
    row = head + 1
    assert sheet.cell(row, 2).value == "kader_a1"
    pulled = sheet.cell(row, pull).value
    assert isinstance(pulled, dt.datetime) and sheet.cell(row, pull).number_format == (
        "DD/MM/YYYY HH:MM"
    )
    wib_now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).replace(tzinfo=None)
    assert abs((wib_now - pulled).total_seconds()) < 600  # local WIB time, to the minute
    assert sheet.cell(row, push).value == "belum pernah"  # never pushed: text, not a date
    assert sheet.freeze_panes == f"A{head + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{head}:")
    assert sheet.column_dimensions["A"].width >= 9
    notes = book["Keterangan"]
    assert notes.cell(table_start(notes), 1).value == "Indikator"


def test_display_values_become_typed_cells_and_text_is_formula_safe_in_any_column():
    from openpyxl import Workbook

    from server.web.lembar import _cell
    from server.web.lembar_tabel import typed

    sheet = Workbook(write_only=True).create_sheet("x")
    for kind in ("text", "int", "date", "datetime"):
        assert _cell(sheet, "=HYPERLINK(1)", kind).value == "'=HYPERLINK(1)", kind

    assert typed("=HYPERLINK(1)") == ("=HYPERLINK(1)", "text", None)
    assert typed("06/12/2026 13:42 WITA") == (dt.datetime(2026, 12, 6, 13, 42), "datetime", "WITA")
    assert typed("31/02/2026") == ("31/02/2026", "text", None)  # not a date: stays as typed
    assert typed(3) == (3, "int", None) and typed("") == (None, "empty", None)
