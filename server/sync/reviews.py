"""Writing a posyandu-month's review from a page or the API, through the one write path."""

from __future__ import annotations

from server.sync import locks
from server.sync.changes import ChangeSet, Writer
from shared.records.review_kinds import review_id


def review_writer(username: str, scope):
    """Return the writer of a review from a page or the API: reviewers in the units they review.

    A puskesmas may not write a desa's records (``Scope.can_write``) but reviews them; the
    role's steps are then checked by ``locks.review_error``.
    """

    def permits(kind, keys):
        return kind == "period_review" and (scope.can_write(kind, keys) or scope.can_review(keys))

    return Writer(username, scope, permits)


def set_review(
    session,
    username: str,
    scope,
    posyandu_id: str,
    period: str,
    status: str,
    note,
    *,
    lang: str = "id",
    zone: str | None = None,
):
    """Write a posyandu-month's review status through the one write path; return the row.

    Raises ``Rejected`` (per-field errors) when the step, the scope or the values are refused.
    """
    changes = ChangeSet(session, review_writer(username, scope), lang=lang)
    if zone:
        changes.zone = zone
    record_id = review_id(posyandu_id, period)
    # FOR UPDATE before anything reads it: a push into this month waits, or is seen (locks.py).
    locks.lock_review(changes, record_id, share=False)
    values = {"posyandu_id": posyandu_id, "period": period, "status": status, "by": username}
    values["note"] = note or None
    if status == "reopened":
        values["reopen_request"] = None  # the kader's request (field_client/month_review) is met
    changes.server_write("period_review", record_id, values)
    changes.commit()
    return changes.record(record_id)
