"""Codes to words: antigen names, "Vit A biru/merah", no "Posyandu Posyandu", no favicon 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.web.test_summary import PERIOD, seed


@pytest.fixture
def kids(app, world):
    return seed(app)


def test_with_level_adds_the_level_word_once():
    from server.web.keterangan import with_level

    assert with_level("Posyandu Melati 1", "Posyandu") == "Posyandu Melati 1"
    assert with_level("posyandu melati", "Posyandu") == "posyandu melati"
    assert with_level("Sutera", "Desa") == "Desa Sutera"
    assert with_level("Puskesmas Sukadana", "Puskesmas") == "Puskesmas Sukadana"


def test_posyandu_page_names_the_posyandu_once_and_antigens_by_name(web, kids):
    html = web("dinas").get(f"/ringkasan?period={PERIOD}&posyandu=PSY-A1").text
    assert "Posyandu Posyandu" not in html and "Posyandu Melati" in html
    assert "Campak-Rubela (MR) 1: <strong>1</strong>" in html and "<li>MR1:" not in html
    html = web("dinas").get(f"/ringkasan?period={PERIOD}&level=desa&parent=PKM-A").text
    assert "Puskesmas Puskesmas" not in html
    html = web("dinas").get(f"/tren?code=PSY-A1&period={PERIOD}").text
    assert "Posyandu Posyandu" not in html


def test_child_page_shows_vitamin_a_colour_and_antigen_names(web, kids):
    html = web("dinas").get(f"/anak/{kids['ani']}").text
    assert "Vit A merah" in html and "Vit A red" not in html
    assert "Campak-Rubela (MR) 1" in html


def test_sip6_names_vitamin_a_capsules_in_indonesian(web, kids):
    response = web("dinas").get(f"/ekspor/sip6.xlsx?posyandu=PSY-A1&period={PERIOD}")
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = [r for r in book["Format 6"].iter_rows(values_only=True) if len(r) > 3]
    notes = {r[1]: r[3] for r in rows if r[1]}
    assert notes["Balita dapat vitamin A"] == "Vit A merah: 1"
    assert "red" not in str(rows) and "blue" not in str(rows)


def test_favicon_is_served_not_404(app, world):
    client = app.test_client()
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 308)
    icon = client.get(response.headers["Location"])
    try:
        assert icon.status_code == 200 and b"<svg" in icon.get_data()
    finally:
        icon.close()
