"""The pages use one calendar (shared.calendar): the kabupaten's zone, its months and formats."""

from __future__ import annotations

import datetime as dt

import pytest

from shared import calendar


def test_times_are_shown_day_first_in_the_configured_zone(app, web, device):
    from server.extensions import db
    from server.models import Device

    kader = device("kader_a1")
    kader.pull_all()
    with app.app_context():
        db.session.get(Device, kader.device_id).last_seen_at = dt.datetime(
            2026, 6, 30, 17, 30, tzinfo=dt.UTC
        )
        db.session.commit()
    client = web("admin")
    assert "01/07/2026 00:30 WIB" in client.get("/pengguna").text
    line = client.get("/pengguna?format=csv&table=devices").get_data(as_text=True)
    assert "01/07/2026 00:30 WIB" in line
    zone = app.config["LOCAL_TIMEZONE"]
    app.config["LOCAL_TIMEZONE"] = "WITA"
    try:
        assert "01/07/2026 01:30 WITA" in client.get("/pengguna").text
    finally:
        app.config["LOCAL_TIMEZONE"] = zone


def test_the_default_month_is_the_last_one_in_the_local_zone(app, web, world):
    period = calendar.previous_period(zone_name=app.config["LOCAL_TIMEZONE"])
    html = web("dinas").get("/ringkasan").text
    assert f'value="{period}"' in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-06", "2026-06"), (" 2026-12 ", "2026-12"), ("", "2025-01"), (None, "2025-01")],
)
def test_a_period_parameter_is_a_month_of_2000_to_2100(value, expected):
    from server.web.params import parse_period

    assert parse_period(value, "2025-01") == expected


@pytest.mark.parametrize(
    "value", ["2026-00", "2026-13", "2026-6", "26-06", "1999-12", "2101-01", "abc", "2026/06"]
)
def test_a_bad_period_is_a_bad_request(value):
    from server.web.params import BadRequest, parse_period

    with pytest.raises(BadRequest) as raised:
        parse_period(value, "2025-01")
    assert raised.value.key == "web.summary.bad_period"
    with pytest.raises(BadRequest):
        parse_period("", None)
