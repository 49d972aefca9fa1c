"""How the device writes dates, times and numbers for a kader.

- Dates are ``dd/mm/yyyy`` in both languages; a month alone is written in words ("November 2026").
- Times are in the device's Indonesian zone with its name: ``24/11/2026 10.05 WIB`` (Indonesian
  writes hours and minutes with a full stop, PUEBI), ``10:05`` in English.
- Decimals have a comma in Indonesian ("29,0"), a point in English.

The writing itself is ``shared.calendar``'s, the server's too (one code for both); this module adds
what only the device has: its zone (from its desa, else its clock), reading ``dd/mm/yyyy`` typed
into a form, and numbers as form values (no thousands mark, so they read back unchanged).

The zone is that of the province of the device's desa (Kemendagri code, BRIEF §4.1): a laptop whose
clock is set to UTC still shows the kader's own time. Only when no desa is known does the
computer's own offset decide.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from shared import calendar as cal
from shared.i18n import normalize_language

ZONE_HOURS = {"WIB": 7, "WITA": 8, "WIT": 9}
# Provinces by the first two digits of their Kemendagri code (Permendagri 58/2021 and the 2022
# Papua provinces 93-96). Central Indonesian Time: Bali, Nusa Tenggara, South/East/North
# Kalimantan, Sulawesi. Eastern: Maluku (8x) and Papua (9x). Western: the rest.
WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
WIB_PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35"}
    | {"36", "61", "62"}
)
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def zone_of_province(code: str | None) -> str | None:
    """Return WIB, WITA or WIT for a Kemendagri code of any level (None if unknown)."""
    prefix = str(code or "")[:2]
    if len(prefix) < 2 or not prefix.isdigit():
        return None
    if prefix[0] in "89":
        return "WIT"
    if prefix in WITA_PROVINCES:
        return "WITA"
    return "WIB" if prefix in WIB_PROVINCES else None


def device_zone(store: Any) -> tuple[str, timezone]:
    """Return the name and offset of the device's time zone (from its desa, else its clock)."""
    codes = list((store.get_meta("scope") or {}).get("desa") or [])
    for posyandu in (store.get_meta("scope") or {}).get("posyandu") or []:
        facility = store.get("facility", posyandu)
        if facility is not None:
            codes.append(facility.fields.get("desa_code"))
    for code in codes:
        name = zone_of_province(code)
        if name is not None:
            return name, timezone(timedelta(hours=ZONE_HOURS[name]))
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    for name, hours in ZONE_HOURS.items():
        if offset == timedelta(hours=hours):
            return name, timezone(offset)
    minutes = int(offset.total_seconds() // 60)
    label = f"UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60}"
    return label, timezone(offset)


def as_date(value: Any) -> date | None:
    """Return a date from a date, an ISO string or ``dd/mm/yyyy`` (None when it is neither)."""
    text = value if isinstance(value, date) else str(value or "").strip()
    if isinstance(text, date) or _ISO_DAY.match(text[:10]):
        return cal.as_date(text)
    found = _DMY.match(text)
    if not found:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso_date_or_same(value: Any) -> Any:
    """Turn a ``dd/mm/yyyy`` text into ISO ``yyyy-mm-dd``; anything else comes back unchanged."""
    if isinstance(value, str) and _DMY.match(value):
        day = as_date(value)
        return day.isoformat() if day is not None else value
    return value


def format_date(value: Any, lang: str | None = "id") -> str:
    """Write a date as ``dd/mm/yyyy`` ('' when there is none), in both languages."""
    return cal.format_date(as_date(value))


def format_month(value: Any, lang: str | None = "id") -> str:
    """Write ``yyyy-mm`` (or a date) as the month in words: "November 2026"."""
    return cal.format_month(value, normalize_language(lang))


def format_instant(value: Any, store: Any, lang: str | None = "id") -> str:
    """Write an instant (ISO with offset) in the device's zone: ``24/11/2026 10.05 WIB``."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    name, zone = device_zone(store)
    separator = "." if normalize_language(lang) == "id" else ":"
    return cal.format_local_time(moment, tz=zone, label=name, separator=separator)


def format_number(value: Any, places: int | None = None, lang: str | None = "id") -> str:
    """Write a number with the language's decimal mark: "29,0" in Indonesian ('' for None)."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    if not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return str(value)
    text = str(value) if places is None else f"{float(value):.{places}f}"
    return text.replace(".", ",") if normalize_language(lang) == "id" else text


def format_z(value: Any, lang: str | None = "id") -> str:
    """Write a z-score with its sign and two decimals: "+0,12", "-2,31"."""
    if value is None:
        return ""
    text = f"{float(value):+.2f}"
    return text.replace(".", ",") if normalize_language(lang) == "id" else text
