"""Ringkasan and Tren open on the newest month with data; a month in progress is "berjalan"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from testkit.factories import child_visit, person
from tests.web.test_summary import PERIOD, chart_data, seed


@pytest.fixture
def kids(app, world):
    return seed(app)


def this_period(app) -> str:
    from server.web.periode import current_period

    with app.test_request_context():
        return current_period()


def add_visit_this_month(app) -> str:
    """Write one visit in PSY-A1 this month (the month in progress); return the month."""
    from server.extensions import db
    from server.reference import write_records

    period = this_period(app)
    day = dt.date.fromisoformat(period + "-01")
    dedi = person("PSY-A1", name="Dedi", sex="M", birth_date="2025-01-02")
    visit = child_visit(dedi, visit_date=day.isoformat(), weight_kg=9.0, length_cm=75.0)
    with app.app_context():
        report = write_records(db.session, [("person", dedi), ("child_visit", visit)])
        assert not report.rejected, report.rejected
        db.session.commit()
    return period


def shown_period(html: str) -> str:
    return re.search(r'<input type="month" name="period" value="([0-9-]+)"', html).group(1)


def test_summary_opens_on_latest_month_with_data(web, kids):
    html = web("dinas").get("/ringkasan").text
    assert shown_period(html) == PERIOD
    assert 'id="running"' not in html
    html = web("dinas").get("/tren?code=611101").text
    assert chart_data(html, "trend-data")["periods"][-1] == PERIOD


def test_latest_month_is_within_scope(app, web, kids):
    """PSY-B1 (kecamatan B) has data in June only; kecamatan A's user sees its own newest month."""
    html = web("pkm_b").get("/ringkasan").text
    assert shown_period(html) == PERIOD


def test_empty_scope_falls_back_to_last_month(app, web, world):
    from server.web.periode import current_period
    from shared.calendar import add_months, parse_period, period_of

    html = web("dinas").get("/ringkasan").text
    with app.test_request_context():
        expected = period_of(add_months(parse_period(current_period()), -1))
    assert shown_period(html) == expected
    assert 'id="month-state"' in html  # no posyandu reported


def test_month_in_progress_is_marked_with_completeness(app, web, kids):
    period = add_visit_this_month(app)
    html = web("dinas").get("/ringkasan").text
    assert shown_period(html) == period
    assert 'id="running"' in html and "berjalan" in html
    match = re.search(r'id="month-state">Bulan berjalan: (\d+) dari (\d+) posyandu', html)
    assert match, html
    assert int(match.group(1)) == 1 and int(match.group(2)) >= 2


def test_trend_leaves_incomplete_months_out_of_the_lines(app, web, kids):
    period = add_visit_this_month(app)
    html = web("dinas").get("/tren?code=611101").text
    data = chart_data(html, "trend-data")
    assert data["periods"][-1] == period
    for chart in data["charts"]:
        for series in chart["series"]:
            assert series["values"][-1] is None  # month in progress: a gap, not 0
    assert re.search(rf'data-period="{period}" class="incomplete"', html)
    assert "berjalan · 1/" in html
    june = data["periods"].index(PERIOD)
    assert data["charts"][1]["series"][0]["values"][june] > 0  # a complete month is drawn
    # a month before any data is a gap too, and marked "belum ada data"
    assert data["charts"][1]["series"][0]["values"][0] is None
    assert "belum ada data" in html
