"""/ilp: the ILP counts per unit, drilled kabupaten → posyandu, its XLSX, scope and bad input.

The numbers are those of ``dropout_world`` (tests/server/test_signal_trends.py), counted by hand
for the last complete month M:

- A1: three children of 15 months with DPT-HB-Hib 1–3 and one of 12 months with DPT-HB-Hib 1
  only: drop-out 1/4, DPT-HB-Hib 3 coverage 3/4, IDL 0/4 (no child has every basic dose);
- B1: two children of 15 months with DPT-HB-Hib 1 only: drop-out 2/2, DPT-HB-Hib 3 0/2;
- kabupaten: drop-out 3/6, DPT-HB-Hib 3 3/6, UCI desa 0/2.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.server.test_signal_trends import LAST, dropout_world, seed


@pytest.fixture
def seeded(app, world):
    seed(app, dropout_world())
    return app


def cell(html: str, code: str, key: str, table: str = "ilp-programme") -> str:
    section = re.search(rf'<table id="{table}">(.*?)</table>', html, re.S).group(1)
    row = re.search(rf'<tr data-code="{code}"[^>]*>(.*?)</tr>', section, re.S).group(1)
    text = re.search(rf'data-key="{key}"[^>]*>(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", "", text).strip()


def drill_link(html: str, code: str) -> str:
    row = re.search(rf'<tr data-code="{code}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return re.search(r'class="drill" href="([^"]+)"', row).group(1).replace("&amp;", "&")


def test_the_kabupaten_and_its_drill_down_to_the_posyandu(seeded, web):
    client = web("dinas")
    html = client.get(f"/ilp?period={LAST}").text
    assert cell(html, "6111", "dpt_dropout") == "50,0 % (3/6)"  # the total row
    assert cell(html, "6111", "uci_desa") == "0,0 % (0/2)"
    # six resident balita at the end of M, none with a service dated in M (the doses are older)
    assert cell(html, "6111", "served_balita", "ilp-served") == "0,0 % (0/6)"
    assert cell(html, "6111", "imm_DPT_HB_HIB3", "ilp-coverage") == "50,0 % (3/6)"
    assert cell(html, "611101", "dpt_dropout") == "25,0 % (1/4)"
    assert cell(html, "611102", "dpt_dropout") == "100,0 % (2/2)"

    html = client.get(drill_link(html, "611101")).text  # kecamatan → its puskesmas
    assert cell(html, "PKM-A", "idl") == "0,0 % (0/4)"
    html = client.get(drill_link(html, "PKM-A")).text  # → desa
    html = client.get(drill_link(html, "6111012001")).text  # → posyandu
    assert cell(html, "PSY-A1", "dpt_dropout") == "25,0 % (1/4)"
    assert cell(html, "PSY-A1", "imm_DPT_HB_HIB3", "ilp-coverage") == "75,0 % (3/4)"
    assert cell(html, "PSY-A1", "uci_desa") == "–"  # a posyandu has no desa count
    assert 'class="drill"' not in html  # the bottom of the hierarchy


def test_the_xlsx_holds_the_same_numbers(seeded, web):
    from openpyxl import load_workbook

    response = web("dinas").get(f"/ilp?period={LAST}&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["ILP"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Tingkat")
    total = next(r for r in rows if r and r[0] == "Jumlah")
    start = header.index("Drop-out DPT-HB-Hib 1 ke 3 – pembilang (anak)")
    assert total[start : start + 3] == (3, 6, 0.5)
    assert {"ILP", "Imunisasi", "Keterangan"} <= set(book.sheetnames)


def test_scope_cuts_the_units(seeded, web):
    client = web("pkm_b")
    html = client.get(f"/ilp?period={LAST}").text
    assert 'data-code="6111012001"' not in html and 'data-code="PSY-A1"' not in html
    assert cell(html, "6111022001", "dpt_dropout") == "100,0 % (2/2)"
    assert client.get(f"/ilp?period={LAST}&parent=PKM-A").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "period=2026-13",
        "level=planet",
        "format=pdf",
        "parent=%3Cscript%3E",
        "parent=611101&level=kabupaten",
    ],
)
def test_bad_input_is_a_clear_400(seeded, web, query):
    response = web("dinas").get(f"/ilp?{query}")
    assert response.status_code == 400
    assert "<h1" in response.text and "Traceback" not in response.text
