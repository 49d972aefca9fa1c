"""Name a record the way a kader recognises it ("kunjungan Bima tanggal 20/11/2026"), and the page
it belongs on: for delete confirmations, the undo banner and messages."""

from __future__ import annotations

from typing import Any

from shared import records as shared_records
from shared.i18n import t
from shared.records.titles import field_title, record_title, subject_name

from .formats import format_date, format_month
from .store import Record, Store

# Which date names a record of each kind in a sentence.
WHEN = {
    "person": "birth_date",
    "child_visit": "visit_date",
    "adult_visit": "visit_date",
    "anc_visit": "visit_date",
    "pregnancy": "registered_on",
    "posyandu_session": "session_date",
    # the ILP kinds of issue #15
    "youth_visit": "visit_date",
    "postpartum_visit": "visit_date",
    "family_planning": "visit_date",
    "tb_screening": "visit_date",
    "referral": "referral_date",
    "immunization": "given_on",
}
ILP_PAGES = {
    "youth_visit": "remaja",
    "postpartum_visit": "nifas",
    "family_planning": "kb",
    "tb_screening": "tbc",
    "referral": "rujukan",
}


def _person_name(store: Store, person_id: Any) -> str:
    person = store.get("person", str(person_id or ""), include_deleted=True)
    return str(person.fields.get("name") or "") if person is not None else ""


def _desa_name(store: Store, code: Any) -> str:
    desa = store.get("wilayah", str(code or ""))
    return str(desa.fields.get("name") or code) if desa is not None else str(code or "")


def describe(store: Store, record: Record, lang: str) -> str:
    """Return what a record is, in a few words naming its person and date."""
    kind, fields = record.kind, record.fields
    if kind == "desa_report":
        return t(
            "client.what.desa_report",
            lang,
            desa=_desa_name(store, fields.get("desa_code")),
            month=format_month(fields.get("period"), lang),
        )
    if kind not in WHEN:
        return shared_records.kind_label(kind, lang)
    name = fields.get("name") if kind == "person" else _person_name(store, fields.get("person_id"))
    return t(f"client.what.{kind}", lang, name=name, date=format_date(fields.get(WHEN[kind])))


def record_page(record: Record) -> str:
    """Return the page a record is shown on (where "Urungkan" takes the kader back)."""
    fields = record.fields
    pages = {
        "person": f"/orang/{record.id}",
        "child_visit": f"/balita/{fields.get('person_id')}",
        "adult_visit": f"/orang/{fields.get('person_id')}",
        "anc_visit": f"/kehamilan/{fields.get('pregnancy_id')}",
        "pregnancy": f"/kehamilan/{record.id}",
        "desa_report": "/laporan-desa",
        "posyandu_session": "/hari-buka",
    }
    if record.kind in ILP_PAGES:
        return f"/orang/{fields.get('person_id')}/{ILP_PAGES[record.kind]}"
    if record.kind == "immunization":
        return f"/balita/{fields.get('person_id')}"
    return pages.get(record.kind, "/")


def conflict_label(store: Store, conflict: dict[str, Any], lang: str) -> dict[str, str]:
    """Name a conflict the way the server's queue does: ``{"record": "Kunjungan balita Bima,
    20/11/2026", "field": "Berat badan (kg)"}`` (from the records on this device)."""
    kind, record_id = str(conflict.get("kind") or ""), str(conflict.get("record_id") or "")
    record = store.get(None, record_id, include_deleted=True)

    def lookup(ref: str) -> dict[str, Any] | None:
        found = store.get(None, ref, include_deleted=True)
        return found.fields if found is not None else None

    fields = record.fields if record is not None else None
    return {
        "record": record_title(
            kind,
            fields,
            lang,
            subject=subject_name(kind, fields, lookup),
            fallback=record_id[:8],
        ),
        "field": field_title(kind, str(conflict.get("field") or ""), lang),
    }
