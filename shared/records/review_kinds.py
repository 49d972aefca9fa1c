"""The ``period_review`` kind: a posyandu-month submitted by its kader and verified (issue #16).

One record per posyandu and month, its id derived from both (:func:`review_id`), so a kader's
device and the bidan's web page write the same record and a month never has two reviews. Who may
move the status where is checked on the server (``server/sync/locks.py``); a verified month is
closed to further changes of its records.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

from shared import i18n

from .fields import Choice, FacilityCode, Month, Text, Uuid
from .kinds import RecordSchema, notes_field

REVIEW_STATUSES = ("submitted", "verified", "returned", "reopened")
_NAMESPACE = uuid.UUID("5b0e7c8e-2f4a-4c53-9d3e-6f1c0a7d9e21")


@lru_cache(maxsize=4096)  # a push asks it once per visit (the month lock): a uuid5 is 10 µs
def review_id(posyandu_id: str, period: str) -> str:
    """Return the one record id of the review of a posyandu-month."""
    return str(uuid.uuid5(_NAMESPACE, f"{posyandu_id}/{period}"))


class PeriodReviewSchema(RecordSchema):
    """A posyandu-month's report: submitted, verified, returned with a note, or reopened."""

    label_prefix = "period_review"

    id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    period = Month(required=True)
    status = Choice(REVIEW_STATUSES, "review_status", required=True)
    note = notes_field()
    # who took the last status step and when (UTC, ISO 8601): stamped by the server, not the writer
    by = Text(max_length=120)
    by_name = Text(max_length=200)  # the name of ``by``, for a device that has no user list
    reviewed_at = Text(max_length=40)
    # the kader's one-tap request to reopen a verified month; cleared when it is reopened
    reopen_request = Text(max_length=500)

    def check(self, data, rules):
        posyandu, period = data.get("posyandu_id"), data.get("period")
        if posyandu and period and data.get("id") and data["id"] != review_id(posyandu, period):
            rules.add("id", "records.rule.review_id")


i18n.register(
    {
        "records.kind.period_review": {"id": "Laporan bulanan posyandu", "en": "Posyandu month"},
        "records.label.status": {"id": "Status", "en": "Status"},
        "records.label.note": {"id": "Catatan", "en": "Note"},
        "records.label.by": {"id": "Oleh", "en": "By"},
        "records.label.by_name": {"id": "Nama", "en": "Name"},
        "records.label.reviewed_at": {"id": "Waktu", "en": "Time"},
        "records.label.reopen_request": {
            "id": "Permintaan buka kembali",
            "en": "Reopening requested",
        },
        "records.choice.review_status.submitted": {"id": "Dikirim", "en": "Submitted"},
        "records.choice.review_status.verified": {"id": "Diverifikasi", "en": "Verified"},
        "records.choice.review_status.returned": {"id": "Dikembalikan", "en": "Returned"},
        "records.choice.review_status.reopened": {"id": "Dibuka kembali", "en": "Reopened"},
        "records.rule.review_id": {
            "id": "Nomor laporan bulanan tidak cocok dengan posyandu dan bulannya.",
            "en": "The review's id does not match its posyandu and month.",
        },
    }
)
