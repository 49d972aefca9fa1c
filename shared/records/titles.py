"""How a record and a field are named to people: "Kunjungan balita Bima, 20/11/2026", "Berat badan
(kg)". The server's conflict queue and the device's Sinkronisasi page name conflicts with these, so
a reviewer and a kader read the same words; each side looks up the names its own way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared import i18n
from shared.calendar import as_date, format_date, format_month

from .registry import UnknownKind, event_date_fields, spec
from .validation import field_label, kind_label

# Which date names a record of each kind: a person's birth date, else the kind's event date.
WHEN = {"person": "birth_date", **event_date_fields()}
# The pseudo-field of a record's deletion in the merge (server.sync.merge.DELETED).
DELETED = "_deleted"

i18n.register(
    {
        "records.title.born": {"id": "lahir {date}", "en": "born {date}"},
        "records.title.deleted": {"id": "Dihapus atau tidak", "en": "Deleted or not"},
    }
)


def month_words(period: Any, lang: str | None = "id") -> str:
    """Write ``yyyy-mm`` as "November 2026" (the text itself when it is not a month)."""
    return format_month(period, i18n.normalize_language(lang))


def field_title(kind: str, field: str, lang: str | None = "id") -> str:
    """Return a field's label with its unit, "Berat badan (kg)" ("Dihapus atau tidak" for deletion)."""
    if field == DELETED:
        return i18n.t("records.title.deleted", lang)
    try:
        info = spec(kind).info.get(field)
        label = field_label(kind, field, lang)
    except UnknownKind:
        return field
    return f"{label} ({info.unit})" if info is not None and info.unit else label


def record_title(
    kind: str,
    fields: Mapping[str, Any] | None,
    lang: str | None = "id",
    *,
    subject: str | None = None,
    fallback: str = "",
) -> str:
    """Return what a record is: its kind, whom or where it is about, and its date.

    ``subject`` is the name the caller looked up (the person of a visit, the posyandu of an opening
    day, the desa of a report); a person names itself. ``fallback`` (an id fragment) is used only
    when neither a name nor a date is known.
    """
    fields = fields or {}
    try:
        label = kind_label(kind, lang)
    except UnknownKind:
        label = kind
    name = str(fields.get("name") or "") if kind == "person" else (subject or "")
    when = ""
    if kind == "desa_report":
        when = month_words(fields.get("period"), lang) if fields.get("period") else ""
    elif kind in WHEN and as_date(fields.get(WHEN[kind])) is not None:
        when = format_date(fields.get(WHEN[kind]))
        if kind == "person":
            when = i18n.t("records.title.born", lang, date=when)
    if not name and not when:
        name = fallback
    head = f"{label} {name}".strip()
    return f"{head}, {when}" if when else head


# The fields that lead from a record to the name it is known by, in the order they are tried.
SUBJECT_REFS = ("person_id", "pregnancy_id", "posyandu_id", "desa_code")


def subject_name(
    kind: str, fields: Mapping[str, Any] | None, lookup: Callable[[str], Mapping | None]
) -> str:
    """Return the name a record is known by: its person's (through a pregnancy for an antenatal
    visit), its posyandu's for an opening day, its desa's for a desa report ('' when unknown).

    ``lookup(id)`` returns the fields of a record the caller holds (a person, a pregnancy, a
    facility, a wilayah), or None.
    """
    fields = fields or {}
    if kind == "person":
        return str(fields.get("name") or "")
    if kind in ("desa_report", "posyandu_session"):
        ref = fields.get("desa_code" if kind == "desa_report" else "posyandu_id")
        place = lookup(str(ref)) if ref else None
        return str((place or {}).get("name") or ref or "")
    person_id = fields.get("person_id")
    if not person_id and fields.get("pregnancy_id"):
        pregnancy = lookup(str(fields["pregnancy_id"])) or {}
        person_id = pregnancy.get("person_id")
    person = lookup(str(person_id)) if person_id else None
    return str((person or {}).get("name") or "")
