"""Request parameters of the pages and exports: month, level, area code, week, days, download.

A parameter that is not valid raises ``BadRequest``, answered with the 400 error page in the user's
language; the pages never pass an unchecked parameter on to a query.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import render_template, request

from server.scope import AREA_LEVELS
from server.web import bp, language, local_zone
from shared import calendar
from shared.i18n import t

WILAYAH_RE = re.compile(r"^\d{4}(\d{2}(\d{4})?)?$")
FACILITY_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,20}){0,4}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LEVELS = AREA_LEVELS
TOP_LEVEL = {
    "dinas": "kabupaten",
    "admin": "kabupaten",
    "kecamatan": "kecamatan",
    "puskesmas": "puskesmas",
    "bidan_desa": "desa",
    "kader": "posyandu",
}
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the months a page or export may ask for
DOWNLOAD_FORMATS = ("csv", "xlsx")


class BadRequest(Exception):
    """A parameter of a page or export is not valid (answered with a 400 page)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


@bp.errorhandler(BadRequest)
def bad_request(exc: BadRequest):
    """Answer a bad parameter with the error page, in the user's language."""
    return render_template("web/error.html", status=400, message=t(exc.key, language())), 400


# -- month, level, area ---------------------------------------------------------------------------


def parse_period(value: str | None, default: str | None = None) -> str:
    """Return a valid 'YYYY-MM' of 2000–2100 (``default`` when empty), or raise BadRequest."""
    value = (value or "").strip() or default
    try:
        month = calendar.parse_period(value)
    except ValueError:
        raise BadRequest("web.summary.bad_period") from None
    if not FIRST_YEAR <= month[0] <= LAST_YEAR:
        raise BadRequest("web.summary.bad_period")
    return calendar.period_of(month)


def period_arg() -> str:
    """Return the page's ``?period=`` (by default the month before this one, in the local
    zone), or raise BadRequest."""
    return parse_period(
        request.args.get("period"), calendar.previous_period(zone_name=local_zone())
    )


def parse_level(value: str | None, default: str) -> str:
    """Return a known level, or raise BadRequest."""
    value = (value or "").strip() or default
    if value not in LEVELS:
        raise BadRequest("web.summary.bad_level")
    return value


def check_code(value: str | None, *, required: bool = True) -> str | None:
    """Return a wilayah code or facility id that matches its pattern, or raise BadRequest."""
    value = (value or "").strip()
    if not value:
        if required:
            raise BadRequest("web.summary.bad_area")
        return None
    if not (WILAYAH_RE.match(value) or FACILITY_RE.match(value)):
        raise BadRequest("web.summary.bad_area")
    return value


# -- week, days -----------------------------------------------------------------------------------


def parse_week(value: str | None) -> dt.date | None:
    """Return the Monday of an ISO week ``YYYY-Www`` (None when it is not one)."""
    try:
        year, week = value.upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except (AttributeError, ValueError):
        return None


def week_code(monday: dt.date) -> str:
    """Return the ISO week ``YYYY-Www`` of a day."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def days_arg(default: int = 14) -> int:
    """Return ``?days=`` between 1 and 3650 (``default`` when missing or not a number)."""
    try:
        return min(max(int(request.args.get("days", default)), 1), 3650)
    except ValueError:
        return default


# -- downloads (``?format=csv|xlsx``, ``&table=`` on pages with several tables) -----------------


def download_format(bad_key: str = "web.review.bad_format") -> str | None:
    """Return the requested download format, None for the page, or raise a 400 (``bad_key``)."""
    fmt = (request.args.get("format") or "").strip()
    if not fmt:
        return None
    if fmt not in DOWNLOAD_FORMATS:
        raise BadRequest(bad_key)
    return fmt


def download_table(tables: tuple[str, ...]) -> str:
    """Return the requested table of a page with several (the first by default), or a 400."""
    name = (request.args.get("table") or tables[0]).strip()
    if name not in tables:
        raise BadRequest("web.review.bad_table")
    return name


# -- quarter (lokmin: "II", "2", "kedua", "Triwulan II" all mean the second quarter) -----------

QUARTER_WORDS = {
    "1": 1, "i": 1, "satu": 1, "pertama": 1, "kesatu": 1,
    "2": 2, "ii": 2, "dua": 2, "kedua": 2,
    "3": 3, "iii": 3, "tiga": 3, "ketiga": 3,
    "4": 4, "iv": 4, "empat": 4, "keempat": 4,
}  # fmt: skip
QUARTER_PREFIX = re.compile(r"^(triwulan|tw|kuartal|q)\s*(ke)?\s*-?\s*", re.I)


def parse_quarter(value) -> int | str | None:
    """Return the quarter 1–4 of "II", "2", "kedua", "Triwulan II", "TW 2", "Q2", "ke-2"
    (None when empty; the text itself when it is none of these, for the validator to report)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    word = QUARTER_PREFIX.sub("", text.lower())
    word = re.sub(r"^ke\s*-?\s*", "", word).strip().rstrip(".")
    return QUARTER_WORDS.get(word, text)
