"""The month's report to the puskesmas on Laporan bulanan (issue #16): "Kirim laporan bulan ini".

The kader submits a posyandu-month as the synced record ``period_review`` (one id per posyandu
and month, ``shared.records.review_kinds.review_id``) with status ``submitted``; the bidan desa
or the puskesmas verifies it, or returns it with a note, on the server, and the device shows the
status and note it pulled. A verified month is closed on the server: an edit into it comes back
refused (``period_locked``) and waits on Sinkronisasi. The page then says so, counts the edits
held for that month, and offers one tap to ask the puskesmas to reopen it (the review's
``reopen_request`` field, shown on the server's Verifikasi page and cleared by the reopening).
"""

from __future__ import annotations

from typing import Any

from shared.i18n import t
from shared.records.review_kinds import review_id

# The kader's own steps (server/sync/locks.py ROLE_STEPS): submit when nothing is under review.
SUBMITTABLE = (None, "returned", "reopened")
# Where each kind of a posyandu day keeps its date (a record without one is in no month).
DATE_FIELDS = ("visit_date", "session_date", "given_on", "referral_date")


def _month_of(store, mutation) -> tuple[str | None, str]:
    """Return (posyandu id, yyyy-mm) of a held mutation's record, from the record on the device."""
    record = store.get(mutation.kind, mutation.id, include_deleted=True)
    fields = {**(record.fields if record is not None else {}), **(mutation.fields or {})}
    day = next((str(fields[f]) for f in DATE_FIELDS if fields.get(f)), "")
    return fields.get("posyandu_id"), day[:7]


def held_in(store, posyandu_id: str, period: str) -> int:
    """Count the refused changes waiting on Sinkronisasi for one posyandu-month."""
    return sum(
        1
        for m in store.quarantined()
        if m.kind != "period_review" and _month_of(store, m) == (posyandu_id, period)
    )


def month_reviews(store, period: str, lang: str) -> list[dict[str, Any]]:
    """Return the report of ``period`` of each posyandu of the device's scope, for the page."""
    reviews, user = [], store.get_meta("user") or {}
    for posyandu in (store.get_meta("scope") or {}).get("posyandu") or []:
        facility = store.get("facility", posyandu)
        record = store.get("period_review", review_id(posyandu, period))
        fields = record.fields if record is not None else {}
        status, held = fields.get("status"), held_in(store, posyandu, period)
        reviews.append(
            {
                "id": review_id(posyandu, period),
                "posyandu_id": posyandu,
                "name": (facility.fields.get("name") if facility else None) or posyandu,
                "exists": record is not None,
                "status": status,
                "note": fields.get("note") or "",
                "by": fields.get("by_name") or fields.get("by") or "",
                "reopen_request": fields.get("reopen_request") or "",
                "pending": record is not None and record.sync_state != "synced",
                "held": held,
                "can_submit": status in SUBMITTABLE,
                "can_ask_reopen": status == "verified" and not fields.get("reopen_request"),
                "user": str(user.get("username") or user.get("name") or "")[:120],
                "request_text": t("client.review.request_text", lang, n=held),
            }
        )
    return reviews
