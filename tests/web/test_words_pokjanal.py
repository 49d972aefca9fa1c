"""Words, not codes, on the Pokjanal pages: persons by name in signal evidence, rules in Indonesian,
months in words, ages in a fitting unit, facility types in words, an empty table says so."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from server.signals.evaluate import month_of, signal_id
from tests.web.test_kematian import TODAY as DEATH_DAY
from tests.web.test_kematian import case_id
from tests.web.test_kematian import seeded as deaths_seeded  # noqa: F401
from tests.web.test_sinyal import TODAY, run_evaluate
from tests.web.test_sinyal import seeded as signals_seeded  # noqa: F401
from tests.web.test_summary import PERIOD, seed

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def visible_text(html: str) -> str:
    """The text a reader sees: tags (and their attributes) removed."""
    return re.sub(r"<[^>]*>", " ", html)


def section(html: str, start: str, end: str = "</table>") -> str:
    return html.split(start)[1].split(end)[0]


# -- Sinyal ---------------------------------------------------------------------------------------


def test_signal_evidence_names_the_person_with_a_link(signals_seeded, web):  # noqa: F811
    run_evaluate(signals_seeded)
    html = web("dinas").get("/sinyal").text
    death = signal_id("maternal_death", "PSY-A1", month_of(TODAY))
    card = section(html, f'id="s-{death}"', "</article>")
    evidence = section(card, 'class="evidence"', "</p>")
    assert re.search(r'<a class="person" href="/anak/[0-9a-f-]{36}">Ibu Wafat</a>', evidence)
    assert not UUID.search(visible_text(evidence)) and "orang " not in evidence
    device = section(
        html, f'id="s-{signal_id("device_not_synced", "PSY-A2", month_of(TODAY))}"', "</article>"
    )
    assert "(kader_a2)" not in section(device, 'class="evidence"', "</p>")


def test_signal_rules_in_indonesian_words(signals_seeded, web):  # noqa: F811
    rules = section(web("dinas").get("/sinyal").text, 'id="rules"')
    text = visible_text(rules)
    assert "BRIEF" not in text and "[K]" not in text and "threshold" not in text
    assert "<th>Sumber</th>" in rules
    row = section(rules, 'data-rule-code="gizi_buruk_no_follow_up"', "</tr>")
    assert "tidak dikunjungi ulang dalam 7 hari" in row and "Daftar kasus gizi buruk" in row


# -- Mutu data ------------------------------------------------------------------------------------


def test_decimal_filter_writes_a_decimal_comma(app):
    from server.web.format import decimal

    with app.test_request_context("/"):
        assert (decimal(9.0, 1), decimal(1.25), decimal(12.0), decimal(None)) == (
            "9,0",
            "1,25",
            "12",
            "–",
        )


# -- Months in words ------------------------------------------------------------------------------


@pytest.fixture
def kids(app, world):
    return seed(app)


def test_months_in_words_on_ringkasan_tren_and_peringkat(web, kids):
    dinas = web("dinas")
    summary = dinas.get(f"/ringkasan?period={PERIOD}").text
    assert section(summary, 'id="period-words">', "</span>") == "Juni 2026"
    trend = dinas.get(f"/tren?code=PSY-A1&period={PERIOD}").text
    assert "Juli 2025 – Juni 2026" in trend
    row = section(trend, f'data-period="{PERIOD}"', "</tr>")
    assert ">Juni 2026" in row and ">2026-06" not in row
    data = json.loads(section(trend, 'id="trend-data">', "</script>"))
    assert data["labels"][0] == "Juli 2025" and data["labels"][-1] == "Juni 2026"
    rank = dinas.get(f"/peringkat?period={PERIOD}").text
    assert "Juni 2026" in rank and "Bulan 2026-06" not in rank


@pytest.mark.parametrize("path", ["/verifikasi", "/rekonsiliasi"])
def test_month_field_says_the_month_in_words(web, kids, path):
    html = web("dinas").get(f"{path}?period={PERIOD}").text
    assert '<input type="month" name="period" value="2026-06">' in html
    assert section(html, 'id="period-words">', "</span>") == "Juni 2026"


# -- Kematian -------------------------------------------------------------------------------------


def test_age_at_death_in_a_fitting_unit(app, web, deaths_seeded):  # noqa: F811
    html = web("dinas").get("/kematian").text
    years = DEATH_DAY.year - 1994 - ((DEATH_DAY.month, DEATH_DAY.day) < (3, 3))

    def age(name: str) -> str:
        row = section(html, f'data-id="{case_id(app, name)}"', "</tr>")
        return section(row, 'data-days="', "</td>").split(">", 1)[1]

    assert age("Ibu Wafat") == f"{years} tahun"
    assert age("Bayi Satu") == "10 hari"
    assert age("Bayi Dua") in ("6 bulan", "7 bulan")  # 200 days: 6 or 7 months by the calendar
    assert "Umur (hari)" not in html


# -- Pengguna -------------------------------------------------------------------------------------


def test_facility_types_in_words_on_the_page_and_xlsx_codes_in_csv(web, kids):
    admin = web("admin")
    html = admin.get("/pengguna").text
    cell = section(html, 'data-kind="dinkes">', "</td>")
    assert cell == "Dinas kesehatan" and ">posyandu<" not in html
    book = load_workbook(
        io.BytesIO(admin.get("/pengguna?format=xlsx&table=facilities").get_data()), read_only=True
    )
    kinds = {str(c) for r in book.worksheets[0].iter_rows(values_only=True) for c in r if c}
    assert "Dinas kesehatan" in kinds and "dinkes" not in kinds
    users = load_workbook(
        io.BytesIO(admin.get("/pengguna?format=xlsx&table=users").get_data()), read_only=True
    )
    cells = {str(c) for r in users.worksheets[0].iter_rows(values_only=True) for c in r if c}
    assert "Bidan desa" in cells and "bidan_desa" not in cells
    rows = list(csv.reader(io.StringIO(admin.get("/pengguna?format=csv&table=users").text)))
    assert "bidan_desa" in {c for r in rows for c in r}


# -- Rekonsiliasi ---------------------------------------------------------------------------------


def test_per_puskesmas_table_says_no_data_when_empty(web, kids):
    units = section(web("dinas").get(f"/rekonsiliasi?period={PERIOD}").text, 'id="reconcile-units"')
    assert 'id="reconcile-units-none"' in units and "Belum ada data." in units


# -- Evaluasi mingguan ----------------------------------------------------------------------------


def test_the_week_is_named_in_words_not_as_an_iso_week_code(web):
    html = web("dinas").get("/evaluasi-mingguan?week=2026-W41").text
    heading = visible_text(section(html, 'id="week">', "</strong>"))
    assert heading == "Minggu ke-41 tahun 2026 (05/10/2026 s.d. 11/10/2026)"
    english = web("dinas").get("/evaluasi-mingguan?week=2026-W01&lang=en").text
    assert "Week 1 of 2026 (29/12/2025 to 04/01/2026)" in english
