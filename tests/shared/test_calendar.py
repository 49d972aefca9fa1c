"""The one calendar: zones, months, ages and formats, on hand-checked cases."""

import datetime as dt

import pytest

from shared import calendar as cal


def test_local_today_differs_by_zone_around_midnight():
    instant = dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)  # 23:30 WIB, 00:30 WITA
    assert cal.local_today("WIB", instant) == dt.date(2026, 11, 30)
    assert cal.local_today("WITA", instant) == dt.date(2026, 12, 1)
    assert cal.current_month(instant, "WIT") == (2026, 12)
    assert cal.current_month(instant, "WIB") == (2026, 11)


def test_unknown_zone_is_refused():
    with pytest.raises(ValueError):
        cal.zone("UTC")


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-00", "26-01", "2026/01", "abcd-ef", "1899-12", ""]
)
def test_parse_period_refuses_malformed(bad):
    with pytest.raises(ValueError):
        cal.parse_period(bad)


def test_months_arithmetic_and_bounds():
    assert cal.parse_period("2026-02") == (2026, 2)
    assert cal.add_months((2026, 1), -1) == (2025, 12)
    assert cal.add_months((2025, 11), 14) == (2027, 1)
    assert cal.month_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert cal.month_bounds("2026-12") == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    instant = dt.datetime(2026, 1, 5, 3, 0, tzinfo=dt.UTC)
    assert cal.previous_period(instant, "WIB") == "2025-12"


def test_age_on_the_visit_date():
    # 2025-03-15 to 2026-09-20 is 554 days; 554 / 30.4375 = 18.2: 18 completed months.
    assert cal.age_on("2025-03-15", "2026-09-20") == 18
    # The same child on the last day of the month (2026-09-30, 564 days = 18.5) is still 18,
    # and on 2026-10-15 (579 days = 19.02) 19.
    assert cal.age_on("2025-03-15", dt.date(2026, 10, 15)) == 19
    assert cal.age_on("2026-01-01", "2025-12-31") is None
    assert cal.age_on(None, "2025-12-31") is None


def test_formats():
    assert cal.format_date("2026-12-06") == "06/12/2026"
    assert cal.format_date("not a date") == ""
    assert cal.format_date_words(dt.date(2026, 8, 17)) == "17 Agustus 2026"
    instant = dt.datetime(2026, 12, 6, 2, 5)  # naive: UTC
    assert cal.format_local_time(instant, "WIB") == "06/12/2026 09:05 WIB"
    assert cal.format_local_time(instant, "WIT") == "06/12/2026 11:05 WIT"
    assert cal.format_decimal(29) == "29,0"
    assert cal.format_decimal(1234.567, 2) == "1.234,57"
    assert cal.format_decimal(None) == ""
