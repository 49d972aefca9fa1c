"""/paket-rapat: the meeting pack's items counted by hand, its XLSX, scope and bad input."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from server.signals.evaluate import month_of, signal_id
from testkit.factories import new_id
from tests.server.test_signal_trends import BEFORE, LAST, ds_world, seed
from tests.web.test_review import agreement, meeting
from tests.web.test_sinyal import world_items

TODAY = dt.date.today()
QUARTER_FIRST = dt.date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1)
YESTERDAY = (TODAY - dt.timedelta(days=1)).isoformat()


def odf(desa: str, day: dt.date) -> dict:
    return {"id": new_id(), "desa_code": desa, "verified_on": day.isoformat(), "status": "odf"}


@pytest.fixture
def seeded(app, world):
    """By hand, for this quarter: three signals (A2's closed), one maternal death notified,
    Sutera verified ODF inside the quarter and Teluk Melano a year before, and three lokmin
    agreements: Sukadana one overdue and one done, Simpang Hilir one overdue."""
    from server.extensions import db
    from server.models import Record
    from server.reference import write_records
    from server.signals import evaluate

    sukadana, simpang = meeting("611101"), meeting("611102")
    with app.app_context():
        items = world_items()
        mother = items[0][1]
        assert not write_records(db.session, items).rejected
        assert evaluate(db.session, TODAY) == 3
        silent = dict(
            db.session.get(Record, signal_id("posyandu_silent", "PSY-A2", month_of(TODAY))).fields
        )
        silent.update(status="closed", closed_on=TODAY.isoformat(), note="sudah buka")
        review = {
            "id": new_id(),
            "person_id": mother["id"],
            "posyandu_id": "PSY-A1",
            "notified_on": TODAY.isoformat(),
        }
        more = [
            ("signal", silent),
            ("death_review", review),
            ("odf_verification", odf("6111012001", QUARTER_FIRST)),
            ("odf_verification", odf("6111022001", dt.date(TODAY.year - 1, 3, 1))),
            ("lokmin_meeting", sukadana),
            ("lokmin_meeting", simpang),
            ("lokmin_agreement", agreement(sukadana, due_date=YESTERDAY, status="in_progress")),
            ("lokmin_agreement", agreement(sukadana, due_date=YESTERDAY, status="done")),
            ("lokmin_agreement", agreement(simpang, due_date=YESTERDAY, status="planned")),
        ]
        report = write_records(db.session, more)
        assert not report.rejected, report.rejected
        db.session.commit()
    return app


def section(html: str, name: str) -> str:
    return re.search(rf'<section class="card" id="{name}">(.*?)</section>', html, re.S).group(1)


def number(html: str, attr: str, key: str, value_attr: str, value: str) -> str:
    row = re.search(rf'<tr {attr}="{key}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'{value_attr}="{value}">(.*?)</td>', row, re.S).group(1)


def test_the_kabupaten_pack_for_the_dinas(seeded, web):
    html = web("dinas").get(f"/paket-rapat?period={month_of(TODAY)}").text
    signals = section(html, "signals")
    assert number(signals, "data-rule", "maternal_death", "data-key", "raised") == "1"
    assert number(signals, "data-rule", "posyandu_silent", "data-key", "closed") == "1"
    assert number(signals, "data-rule", "posyandu_silent", "data-key", "open") == "0"
    assert number(signals, "data-rule", "gizi_buruk_no_follow_up", "data-key", "open") == "1"
    deaths = section(html, "deaths")
    assert number(deaths, "data-group", "maternal", "data-status", "notified") == "1"
    assert number(deaths, "data-group", "maternal", "data-status", "reviewed") == "0"
    assert "Ibu Wafat" not in html  # no names in a pack that goes round a meeting
    odf_part = section(html, "odf")
    assert "1/2 desa" in re.search(r'data-when="start">(.*?)</tr>', odf_part, re.S).group(1)
    assert "2/2 desa (100,0 %)" in re.search(r'data-when="end">(.*?)</tr>', odf_part, re.S).group(1)
    lokmin = section(html, "lokmin")
    assert re.search(r'data-status="overdue">.*?<td class="num">2</td>', lokmin, re.S)
    assert re.search(r'data-status="done">.*?<td class="num">1</td>', lokmin, re.S)


def test_a_puskesmas_pack_holds_only_its_units(seeded, web):
    html = web("pkm_a").get(f"/paket-rapat?period={month_of(TODAY)}").text
    assert "Puskesmas Sukadana" in html
    signals = section(html, "signals")
    assert "gizi_buruk_no_follow_up" not in signals and "maternal_death" in signals
    assert "1/1 desa (100,0 %)" in section(html, "odf")
    assert re.search(
        r'data-status="overdue">.*?<td class="num">1</td>', section(html, "lokmin"), re.S
    )
    assert web("pkm_a").get("/paket-rapat?unit=PKM-B").status_code == 404


def test_trends_and_the_units_furthest_from_target(app, world, web):
    seed(app, ds_world())  # D/S by hand: M-1 10/10 (A1 4/4, A2 4/4, B1 2/2); M 7/10
    html = web("dinas").get(f"/paket-rapat?period={LAST}&span=year").text
    row = re.search(r'<tr data-key="ds">(.*?)</tr>', section(html, "indicators"), re.S).group(1)
    assert "70,0 % <small>(7/10)</small>" in row
    if BEFORE[:4] == LAST[:4]:
        assert "100,0 % <small>(10/10)</small>" in row
    # D/S below 80 % in M: Sukadana 5/8 = 62,5 % (amber), Simpang Hilir 2/2 fine
    worst = section(html, "worst")
    assert re.search(r'data-key="ds" data-code="611101">.*?62,5 %.*?17,5</td>', worst, re.S)
    assert 'data-key="ds" data-code="611102"' not in worst


def test_the_xlsx(seeded, web):
    from openpyxl import load_workbook

    response = web("dinas").get(f"/paket-rapat?period={month_of(TODAY)}&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert {"Indikator", "Jauh dari target", "Kematian", "ODF", "Sinyal", "Lokmin"} <= set(
        book.sheetnames
    )
    signals = {r[0]: r[1:] for r in book["Sinyal"].iter_rows(values_only=True) if r and r[0]}
    assert signals["Posyandu tanpa kegiatan"] == (1, 1, 0, 0)
    deaths = [r for r in book["Kematian"].iter_rows(values_only=True) if r and r[2] == "Ibu"]
    assert len(deaths) == 1 and deaths[0][5] == "Dilaporkan, belum dikaji"
    assert isinstance(deaths[0][0], dt.datetime)  # a date cell, not text


@pytest.mark.parametrize("query", ["span=decade", "period=20-1", "format=doc", "unit=%27%3B--"])
def test_bad_input_is_a_clear_400(seeded, web, query):
    response = web("dinas").get(f"/paket-rapat?{query}")
    assert response.status_code == 400 and "Traceback" not in response.text
