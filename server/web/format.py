"""Display helpers of the pages and downloads: dates, local times, percentages, yes/no, labels.

Percentages are computed only here, at display, from the numerator and denominator shown next to
them.
"""

from __future__ import annotations

import datetime as dt
import json

from markupsafe import Markup

from server.extensions import db
from server.indicators.rollup import mask_nik
from server.people_names import names_of, role_text
from server.sync.merge import DELETED
from server.web import bp, language, local_zone
from shared import records
from shared.calendar import (
    age_on,
    as_date,
    format_date,
    format_decimal,
    format_local_time,
    format_month,
    local_today,
)
from shared.i18n import t
from shared.indicators import INDICATORS

FULL_NIK_ROLES = frozenset({"puskesmas", "dinas", "admin"})


# -- dates and times ------------------------------------------------------------------------------


def ddmmyyyy(value) -> str:
    """Format a date (or an ISO date string) as dd/mm/yyyy (empty when it is not a date)."""
    return format_date(value)


bp.add_app_template_filter(ddmmyyyy, "ddmmyyyy")


def role_words(role: str | None) -> str:
    """Name a user's role in words (the code itself only when it is not a known role)."""
    return role_text(role, language())


bp.add_app_template_filter(role_words, "role_words")


def people_names(keys) -> dict[str, str]:
    """Name the usernames or device ids a page lists (one query for them all)."""
    return names_of(db.session, keys, language())


bp.add_app_template_global(people_names, "people_names")


def month_name(value) -> str:
    """Show a 'YYYY-MM' month in words in the page language: 'Juni 2026'."""
    return format_month(value, language())


bp.add_app_template_filter(month_name, "month")


def age_words(birth_date, on) -> str:
    """Say an age in the unit that suits it: days for a neonate, months up to five years, then
    years ('' when a date is missing)."""
    born, day = as_date(birth_date), as_date(on)
    if born is None or day is None or born > day:
        return ""
    days, months = (day - born).days, age_on(born, day)
    if days < NEONATE_DAYS:
        return t("web.age.days", language(), n=days)
    if months < BALITA_MONTHS:
        return t("web.age.months", language(), n=months)
    return t("web.age.years", language(), n=months // 12)


NEONATE_DAYS = 28
BALITA_MONTHS = 60
bp.add_app_template_filter(age_words, "age_words")


def when(value: dt.datetime | None) -> str:
    """Format an instant as 'dd/mm/yyyy HH:MM WIB' in the kabupaten's zone, or 'never'."""
    if value is None:
        return t("web.review.never", language())
    return format_local_time(value, local_zone())


def today() -> dt.date:
    """Return today's date in the kabupaten's zone."""
    return local_today(local_zone())


def days_since(value: dt.datetime | None, now: dt.datetime) -> int | None:
    """Return whole days between ``value`` and ``now`` (None when never)."""
    return None if value is None else max(0, (now - value).days)


# -- numbers --------------------------------------------------------------------------------------


def pct(item: dict | None) -> str:
    """Format ``{"numerator", "denominator"}`` as a percentage with one decimal (display only)."""
    if not item or not item.get("denominator"):
        return "–"
    return (
        f"{100 * item['numerator'] / item['denominator']:.1f}".replace(".", ",") + " %"
        if language() == "id"
        else f"{100 * item['numerator'] / item['denominator']:.1f} %"
    )


def decimal(value, digits: int | None = None) -> str:
    """Write a number with the page language's decimal mark ('12,5' in Indonesian); ``digits``
    None keeps the decimals the value has ('–' when there is no value)."""
    if value is None or value == "":
        return "–"
    if digits is None:
        text = str(value)
        digits = len(text.split(".")[1]) if "." in text and not text.endswith(".0") else 0
    if language() == "id":
        return format_decimal(value, digits)
    return f"{float(value):,.{digits}f}"


bp.add_app_template_filter(decimal, "decimal")


def ratio_pct(item: dict | None) -> float | None:
    """Return ``{"numerator", "denominator"}`` as a percentage number for a chart (None when 0/0)."""
    if not item or not item.get("denominator"):
        return None
    return round(100 * item["numerator"] / item["denominator"], 1)


# -- values and labels ----------------------------------------------------------------------------


def yes_no(value, lang: str) -> str:
    """Return Ya/Tidak (Yes/No)."""
    return t("web.review.yes" if value else "web.review.no", lang)


def show_value(kind: str, field: str, value, lang: str) -> str:
    """Render one field value for people (choices by label, booleans as Ya/Tidak)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, str):
        try:
            return records.choice_label(kind, field, value, lang)
        except records.UnknownKind:
            return value
    if isinstance(value, list):
        return ", ".join(show_value(kind, field, v, lang) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def facility_kind(kind: str | None) -> str:
    """Name a facility type in words: 'Dinas kesehatan' for 'dinkes'."""
    return show_value("facility", "kind", kind, language())


bp.add_app_template_filter(facility_kind, "facility_kind")


def field_name(kind: str, field: str, lang: str) -> str:
    """Return the label of a field (or 'Dihapus' for the record's deletion)."""
    if field == DELETED:
        return t("web.review.conflicts.deleted_field", lang)
    try:
        return records.field_label(kind, field, lang)
    except records.UnknownKind:
        return field


def column_labels(*keys: str) -> list[str]:
    """Translate column headers from the catalogue."""
    lang = language()
    return [t(key, lang) for key in keys]


def indicator_labels() -> dict[str, str]:
    """Return the indicator labels in the page language."""
    lang = language()
    return {key: t(label, lang) for key, label in INDICATORS}


def shown_nik(nik: str | None, role: str) -> str:
    """Return the NIK as this role may see it in an export: full for puskesmas/dinas/admin."""
    return (nik or "") if role in FULL_NIK_ROLES else (mask_nik(nik) or "")


def script_json(data) -> Markup:
    """Serialise data for a ``<script type="application/json">`` block: ``<``, ``>`` and ``&``
    escaped, so that no text in it can close the script element."""
    text = json.dumps(data).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)
