"""Display helpers of the pages and downloads: dates, local times, percentages, yes/no, labels.

Percentages are computed only here, at display, from the numerator and denominator shown next to
them.
"""

from __future__ import annotations

import datetime as dt
import json

from markupsafe import Markup

from server.indicators.rollup import mask_nik
from server.sync.merge import DELETED
from server.web import bp, language
from shared import records
from shared.i18n import t
from shared.indicators import INDICATORS

WIB = dt.timezone(dt.timedelta(hours=7))
FULL_NIK_ROLES = frozenset({"puskesmas", "dinas", "admin"})


# -- dates and times ------------------------------------------------------------------------------


def ddmmyyyy(value) -> str:
    """Format an ISO date ('YYYY-MM-DD') as DD/MM/YYYY (empty when missing)."""
    text = str(value or "")
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if len(text) >= 10 else text


bp.add_app_template_filter(ddmmyyyy, "ddmmyyyy")


def when(value: dt.datetime | None) -> str:
    """Format a timestamp in WIB (the kabupaten's time), or the 'never' word."""
    if value is None:
        return t("web.review.never", language())
    return value.astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")


def today() -> dt.date:
    """Return today's date in WIB."""
    return dt.datetime.now(WIB).date()


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
