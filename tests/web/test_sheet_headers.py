"""The workbooks for people take every column header, header-block label and unit from the
translation catalogue: downloaded in Indonesian and in English, each header differs unless the
catalogue words it the same in both; and no ``Column(...)`` in server/ is given a written-out
header (the review that found 53 of them)."""

from __future__ import annotations

import ast
import io
import pathlib

import pytest
from openpyxl import load_workbook

from tests.web.test_lokmin_meeting import create_meeting
from tests.web.test_summary import PERIOD, seed

SERVER = pathlib.Path(__file__).resolve().parents[2] / "server"
DOWNLOADS = [
    ("dinas", f"/ringkasan?period={PERIOD}&level=kecamatan&format=xlsx"),
    ("dinas", f"/ringkasan?period={PERIOD}&posyandu=PSY-A1&format=xlsx"),
    ("dinas", f"/tren?code=611101&period={PERIOD}&format=xlsx"),
    ("dinas", f"/ilp?period={PERIOD}&format=xlsx"),
    ("dinas", f"/paket-rapat?period={PERIOD}&format=xlsx"),
    ("kec_a", "/lokmin?format=xlsx&table=meetings"),
    ("kec_a", "/lokmin?format=xlsx&table=agreements"),
    ("kec_a", "/lokmin/pertemuan/{meeting}?format=xlsx"),
    ("pkm_a", "/mutu-data?table=devices&format=xlsx"),
]
# Words the catalogue gives alike in Indonesian and English (a field term, a number sign).
SAME_IN_BOTH = {"Posyandu", "No.", "N/T", "Agenda", "Target (%)"}


def sheets_of(client, url: str, lang: str) -> dict[str, tuple[list, list]]:
    """Return, per sheet, (header-block labels, column headers) of a download in ``lang``."""
    response = client.get(f"{url}&lang={lang}")
    assert response.status_code == 200, response.text[:300]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    out = {}
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        blank = next(i for i, row in enumerate(rows) if i and not any(row))
        out[sheet.title] = ([row[0] for row in rows[1:blank]], rows[blank + 1])
    return out


@pytest.mark.parametrize(("user", "url"), DOWNLOADS, ids=[u for _, u in DOWNLOADS])
def test_each_header_follows_the_page_language(app, web, world, user, url):
    seed(app)
    client = web(user)
    if "{meeting}" in url:
        url = url.format(meeting=create_meeting(client))
    indonesian, english = sheets_of(client, url, "id"), sheets_of(client, url, "en")
    assert len(indonesian) == len(english) and "Keterangan" in indonesian
    checked = 0
    for name, (meta_id, headers_id), (meta_en, headers_en) in zip(
        indonesian, indonesian.values(), english.values(), strict=True
    ):
        assert len(headers_id) == len(headers_en) and headers_id, name
        assert [m for m in meta_id if m in meta_en] == [], (name, meta_id)
        if url.startswith("/mutu-data") and name != "Keterangan":
            continue  # the page's own headers (lembar_tabel): outside these builders
        for h_id, h_en in zip(headers_id, headers_en, strict=True):
            assert h_id != h_en or h_id in SAME_IN_BOTH, (name, h_id)
            checked += 1
    assert checked >= 3


def test_the_indonesian_headers_keep_their_words_and_units(app, web, world):
    seed(app)
    sheets = sheets_of(web("kec_a"), "/lokmin?format=xlsx&table=agreements", "id")
    meta, headers = sheets["Kesepakatan RTL"]
    assert meta == ["Wilayah", "Periode", "Waktu ekspor"]
    assert headers[:2] == ["Kecamatan", "Tanggal pertemuan"]
    assert headers[-2:] == ["Melewati tenggat (Ya/Tidak)", "Hari terlambat (hari)"]
    english = sheets_of(web("kec_a"), "/lokmin?format=xlsx&table=agreements", "en")
    assert english["Kesepakatan RTL"][1][-2:] == ["Past the deadline (Yes/No)", "Days late (days)"]
    assert sheets["Keterangan"][1] == ["Indikator", "Definisi", "Sumber data"]


def written_headers(tree: ast.AST) -> list[tuple[int, str]]:
    """Return the ``Column(...)`` calls whose header holds words written in the code."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Column"):
            continue
        header = node.args[0] if node.args else None
        header = header or next((k.value for k in node.keywords if k.arg == "header"), None)
        parts = [header] if isinstance(header, ast.Constant) else []
        if isinstance(header, ast.JoinedStr):
            parts = [v for v in header.values if isinstance(v, ast.Constant)]
        if isinstance(header, ast.BoolOp):
            parts = [v for v in header.values if isinstance(v, ast.Constant)]
        if isinstance(header, ast.BinOp):
            parts = [v for v in (header.left, header.right) if isinstance(v, ast.Constant)]
        if any(isinstance(p.value, str) and any(c.isalpha() for c in p.value) for p in parts):
            found.append((node.lineno, ast.unparse(header)))
    return found


def test_no_column_header_is_written_out_in_the_code():
    offenders = {}
    files = [p for p in SERVER.rglob("*.py") if "Column(" in p.read_text(encoding="utf-8")]
    assert any(p.name == "ringkasan_xlsx.py" for p in files)  # the scan sees the builders
    for path in files:
        found = written_headers(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[str(path.relative_to(SERVER))] = found
    assert offenders == {}


def test_the_scan_finds_a_written_header():
    code = 'Column("Nama", "text")\nColumn(f"{x} – pembilang", "int")\nColumn(label + " (anak)")'
    assert [line for line, _ in written_headers(ast.parse(code))] == [1, 2, 3]
    assert (
        written_headers(ast.parse('Column(t("web.sheet.level", lang))\nColumn(f"{x} (%)")')) == []
    )


def test_every_unit_of_a_ratio_column_is_catalogued():
    from server.web.ilp import UNITS
    from server.web.keterangan import DEFINITIONS
    from server.web.lembar import unit_label

    units = {unit for _, unit, _ in DEFINITIONS.values()} | set(UNITS.values())
    assert {"anak", "ibu hamil", "terduga TBC"} <= units
    assert {u: unit_label(u, "en") for u in units if unit_label(u, "en") == u} == {
        "posyandu": "posyandu"
    }
