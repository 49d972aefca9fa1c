"""One calendar for the device and the server: local time zones, months, ages and date formats.

Indonesia has three time zones: WIB (UTC+7, Sumatra, Java, West and Central Kalimantan, so Kayong
Utara), WITA (UTC+8) and WIT (UTC+9). "Today", "this month" and the times a kader or a dinas reads
are in the kabupaten's zone, set once per deployment (server: ``LOCAL_TIMEZONE``; device: the zone
the server names at sign-in). Months are ``(year, month)`` pairs or ``'YYYY-MM'`` periods.

An age is counted in completed months, floor(days / 30.4375) (the WHO convention of the growth
standards), at a stated day: a visit's age is the age on its visit date, on the device and on the
server alike.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

from shared.growth.monitoring import age_in_completed_months

ZONES = {
    "WIB": dt.timezone(dt.timedelta(hours=7), "WIB"),
    "WITA": dt.timezone(dt.timedelta(hours=8), "WITA"),
    "WIT": dt.timezone(dt.timedelta(hours=9), "WIT"),
}
DEFAULT_ZONE = "WIB"  # Kabupaten Kayong Utara, Kalimantan Barat
MONTH_NAMES_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

MONTH_NAMES_EN = tuple(_calendar.month_name[1:])

Month = tuple[int, int]

__all__ = [
    "DEFAULT_ZONE",
    "ZONES",
    "Month",
    "add_months",
    "age_in_completed_months",
    "age_on",
    "as_date",
    "current_month",
    "format_date",
    "format_date_words",
    "format_decimal",
    "format_local_time",
    "format_month",
    "local_today",
    "month_bounds",
    "parse_period",
    "period_of",
    "previous_period",
    "zone",
]


def zone(name: str | None = None) -> dt.timezone:
    """Return the time zone named WIB, WITA or WIT (the default zone when None); ValueError else."""
    key = (name or DEFAULT_ZONE).strip().upper()
    if key not in ZONES:
        raise ValueError(f"unknown time zone {name!r}: use WIB, WITA or WIT")
    return ZONES[key]


def local_today(zone_name: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """Return today's date in the local zone."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(zone(zone_name)).date()


def current_month(now: dt.datetime | None = None, zone_name: str | None = None) -> Month:
    """Return the current calendar month in the local zone."""
    today = local_today(zone_name, now)
    return today.year, today.month


def period_of(month: Month) -> str:
    """Return 'YYYY-MM' for (year, month)."""
    return f"{month[0]:04d}-{month[1]:02d}"


def parse_period(period: str) -> Month:
    """Return (year, month) from 'YYYY-MM' (ValueError when malformed or before 1900)."""
    if not isinstance(period, str) or len(period) != 7 or period[4] != "-":
        raise ValueError(period)
    if not (period[:4].isdigit() and period[5:].isdigit()):
        raise ValueError(period)
    year, month = int(period[:4]), int(period[5:])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(period)
    return year, month


def add_months(month: Month, n: int) -> Month:
    """Return the month ``n`` months after (before, when negative) ``month``."""
    index = month[0] * 12 + month[1] - 1 + n
    return index // 12, index % 12 + 1


def previous_period(now: dt.datetime | None = None, zone_name: str | None = None) -> str:
    """Return the month before the current local month as 'YYYY-MM'."""
    return period_of(add_months(current_month(now, zone_name), -1))


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of 'YYYY-MM'."""
    year, month = parse_period(period)
    return dt.date(year, month, 1), dt.date(year, month, _calendar.monthrange(year, month)[1])


def as_date(value) -> dt.date | None:
    """Return a date from a date or an ISO string (its first 10 characters); None when not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def age_on(birth_date, on) -> int | None:
    """Return the age in completed months on a day (None when a date is missing or birth is later)."""
    birth, day = as_date(birth_date), as_date(on)
    if birth is None or day is None or birth > day:
        return None
    return age_in_completed_months(birth, day)


def format_date(value) -> str:
    """Return a date as dd/mm/yyyy ('' when it is not a date)."""
    day = as_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def format_date_words(value) -> str:
    """Return a date in Indonesian words: '6 Desember 2026' ('' when it is not a date)."""
    day = as_date(value)
    return f"{day.day} {MONTH_NAMES_ID[day.month - 1]} {day.year}" if day else ""


def format_month(value, lang: str | None = "id") -> str:
    """Return 'YYYY-MM' (or a date) as the month in words: 'November 2026' (the text unchanged
    when it is not a month)."""
    text = str(value or "")
    try:
        year, month = int(text[:4]), int(text[5:7])
    except ValueError:
        return text
    if not 1 <= month <= 12:
        return text
    names = MONTH_NAMES_EN if (lang or "id").lower().startswith("en") else MONTH_NAMES_ID
    return f"{names[month - 1]} {year}"


def format_local_time(
    value: dt.datetime | None,
    zone_name: str | None = None,
    *,
    tz: dt.tzinfo | None = None,
    label: str | None = None,
    separator: str = ":",
) -> str:
    """Return an instant as 'dd/mm/yyyy HH:MM WIB' in the local zone ('' when None).

    A naive datetime is taken as UTC (the server stores UTC). ``tz`` and ``label`` give another
    zone than WIB/WITA/WIT (a device whose clock says UTC+5); ``separator`` writes the hour and
    minute apart ("10.05", as the device writes Indonesian).
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local_zone = tz or zone(zone_name)
    local = value.astimezone(local_zone)
    name = label or local_zone.tzname(None)
    return f"{local:%d/%m/%Y} {local:%H}{separator}{local:%M} {name}"


def format_decimal(value, digits: int = 1) -> str:
    """Return a number with a decimal comma and ``digits`` decimals ('' when None)."""
    if value is None or value == "":
        return ""
    return f"{float(value):,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
