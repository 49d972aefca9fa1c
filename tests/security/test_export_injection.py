"""Spreadsheet formula injection: hostile text (=, +, -, @, tab) in every exported CSV and XLSX cell.

Every download link of every page (found by crawling the pages as dinas and admin) and the
e-PPGBM/SIP exports are fetched; no CSV cell and no XLSX cell may start a formula, and no XLSX
cell may be a formula at all. The text must still be there (prefixed with an apostrophe).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urljoin, urlparse

from openpyxl import load_workbook

from server.web.downloads import FORMULA_START, PLAIN_NUMBER, safe_cell
from tests.security.conftest import FORMULAS

STATIC_EXPORTS = [
    "/ekspor/eppgbm.xlsx?area=6111&period=2026-10",
    "/ekspor/eppgbm.xlsx?area=PSY-A1&period=2026-10",
    "/ekspor/sip6.xlsx?posyandu=PSY-A1&period=2026-10",
]


def crawl_downloads(client, start="/ringkasan?period=2026-10", limit=60) -> set[str]:
    """Return every ``format=`` and ``/ekspor/`` link found on pages reachable from ``start``."""
    seen, queue, downloads = set(), [start], set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for href in re.findall(r'href="([^"#]+)', response.text):
            href = urljoin(url, href.replace("&amp;", "&"))
            parsed = urlparse(href)
            if parsed.netloc or parsed.path.startswith("/static/"):
                continue
            if "format=" in href or parsed.path.startswith("/ekspor/"):
                downloads.add(href)
            elif href not in seen and parsed.path not in ("/keluar",):
                queue.append(href)
    return downloads


def cells(response) -> list[tuple[str, object, str]]:
    """Return (where, value, data_type) of every cell of a CSV or XLSX download."""
    if response.data[:2] == b"PK":
        book = load_workbook(io.BytesIO(response.data))
        return [
            (f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    text = response.data.decode("utf-8-sig")
    return [
        (f"r{r}c{c}", value, "s")
        for r, row in enumerate(csv.reader(io.StringIO(text)))
        for c, value in enumerate(row)
    ]


def assert_no_formula(url, found):
    for where, value, data_type in found:
        assert data_type != "f", (url, where, value)
        if isinstance(value, str) and value.startswith(FORMULA_START):
            assert PLAIN_NUMBER.fullmatch(value), (url, where, value)


def test_every_download_neutralises_formulas(hostile):
    checked, texts = 0, set()
    for user in ("dinas", "admin", "kec_a"):
        client = hostile.web(user)
        downloads = crawl_downloads(client) | set(STATIC_EXPORTS)
        assert len(downloads) >= 10, downloads
        for url in sorted(downloads):
            response = client.get(url)
            assert response.status_code == 200, (user, url, response.status_code)
            found = cells(response)
            assert_no_formula(url, found)
            texts |= {str(v) for _, v, _ in found}
            checked += 1
    # The hostile text is exported, neutralised (not dropped).
    joined = "\n".join(texts)
    for formula in FORMULAS:
        if formula.startswith(FORMULA_START):
            assert "'" + formula in joined or f"Anak {formula}" in joined, formula
    assert checked >= 30


def test_safe_cell_rules():
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    for text in ("+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1"):
        assert safe_cell(text) == "'" + text
    for kept in ("-1,5", "+62", "-3", "Anak =1", "", "–", 5, -1.5, None):
        assert safe_cell(kept) == kept
