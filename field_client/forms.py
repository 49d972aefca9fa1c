"""Form descriptions built from the record kinds in ``shared.records`` (never a copy of them)."""

from __future__ import annotations

from typing import Any

from shared import records as shared_records
from shared.i18n import t
from shared.records.kinds import SkilasSchema

# Fields a page fills itself (ids and links), never typed by the kader.
HIDDEN = frozenset({"id", "person_id", "pregnancy_id", "posyandu_id", "meeting_id"})
UNIT_STEP = {0: "1", 1: "0.1", 2: "0.01"}
# Events of a person's life, recorded by their own actions ("Pindah", "Meninggal") on the person's
# page, never at registration.
PERSON_EVENTS = ("moved_out_on", "died_on", "death_cause")
# Fields the app sets from the kader's answers, not inputs of their own (a visit's "remeasured"
# comes from the "Saya sudah mengukur ulang" tick).
SET_BY_APP = frozenset({"remeasured"})


def _choices(
    kind: str, field: str, codes: tuple[str, ...] | None, lang: str
) -> list[tuple[str, str]]:
    if not codes:
        return []
    if field == "immunizations":
        names = {a["code"]: a["name"] for a in shared_records.antigens()}
        return [(code, names.get(code, code)) for code in codes]
    return [(code, shared_records.choice_label(kind, field, code, lang)) for code in codes]


def field_form(kind: str, name: str, lang: str) -> dict[str, Any]:
    """Describe one field for a form: input type, label, limits and options."""
    info = shared_records.field_info(kind, name)
    widget = {
        "string": "textarea"
        if name in ("notes", "address", "progress_note", "agenda", "minutes", "death_cause")
        else "text",
        "number": "number",
        "integer": "number",
        "boolean": "checkbox",
        "date": "date",
        "month": "month",
        "choice": "select",
        "code": "text",
        "uuid": "hidden",
        "facility_code": "text",
        "list": "checkboxes",
        "object": "group",
    }.get(info.type, "text")
    if name in HIDDEN:
        widget = "hidden"
    if name in SET_BY_APP:
        widget = "skip"
    out: dict[str, Any] = {
        "name": name,
        "label": shared_records.field_label(kind, name, lang),
        "widget": widget,
        "type": info.type,
        "required": info.required,
        "min": info.min,
        "max": info.max,
        "unit": info.unit,
        "step": UNIT_STEP.get(info.places or 0, "any") if info.type == "number" else "1",
        "default": info.default,
        "choices": _choices(kind, name, info.choices, lang),
        "digits": info.digits,
        "max_length": info.max_length,
        "item_type": info.item_type,
    }
    if info.type == "list" and not info.choices:
        out["widget"] = "skip"  # free lists (aliases, wilayah_kerja) are not edited on a device
    if info.type == "object":
        if info.nested == "skilas":
            out["parts"] = [
                {
                    "name": part,
                    "label": t(f"records.label.skilas.{part}", lang)
                    if _has(f"records.label.skilas.{part}")
                    else part,
                }
                for part in SkilasSchema().fields
            ]
        else:
            out["widget"] = "skip"  # lokmin rows are edited on the server's pages
    return out


def _has(key: str) -> bool:
    from shared.i18n import has

    return has(key)


def kind_form(
    kind: str, lang: str, exclude: tuple[str, ...] = (), *, only: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Describe a kind's form, fields in form order (``only`` some of them, or all but
    ``exclude``)."""
    spec = shared_records.spec(kind)
    return {
        "kind": kind,
        "label": shared_records.kind_label(kind, lang),
        "scope_field": spec.scope_field,
        "fields": [
            field_form(kind, name, lang)
            for name in spec.fields
            if name not in exclude
            and name not in spec.derived_fields
            and (only is None or name in only)
        ],
    }
