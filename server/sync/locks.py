"""Closed months: a verified posyandu-month, or one past the input deadline, takes no changes.

The check runs inside :meth:`ChangeSet.check`, so every writer meets it: a device's push, a
conflict resolution, a web page. Only the system writer (CLI, demo, reference data) passes,
because it carries no scope. A refused change is answered ``rejected`` with the code
``period_locked`` and stays on the device, quarantined: a lock never drops data.

Which month a record belongs to:

- a child, ANC or adult visit: its posyandu and the month of its ``visit_date``;
- a posyandu session: its posyandu and the month of its ``session_date``;
- a desa report: its ``period`` for the posyandu of its desa. It is closed by verification only
  when *every* posyandu of the desa is verified for that month (the report sums the whole desa,
  so one posyandu signed does not close it), and by the deadline like any other record unless
  one of those posyandu-months was returned or reopened;
- persons and pregnancies belong to no month and are never locked.

A change is checked against the month the record is in now and the month it moves to, so a visit
cannot be moved out of a closed month either.

The review of a posyandu-month (kind ``period_review``) moves through these statuses, each step
allowed to these roles in their scope (the server checks; ``ROLE_STEPS``):
submitted (kader, bidan_desa) -> verified | returned (bidan_desa, puskesmas) -> reopened
(puskesmas, admin) -> submitted again...
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

import sqlalchemy as sa
from flask import current_app, has_app_context

from server.models import Device, Record, User
from server.people_names import name_of
from shared import records
from shared.calendar import add_months, as_date, local_today, parse_period
from shared.records.review_kinds import review_id
from shared.records.titles import month_words

# The services of a posyandu day, each by its event date (shared/records registry): a record falls
# in the month of this date field.
DATE_FIELDS = records.month_service_dates()
LOCKED_KINDS = (*DATE_FIELDS, "desa_report")
OPEN_AFTER_DEADLINE = ("returned", "reopened")
# A review's fields the server sets itself (who took the status step, when), and the one field a
# writer may change without a status step (the kader's request to reopen a verified month).
SERVER_STAMPED = ("by", "by_name", "reviewed_at")
REQUESTABLE = frozenset({"reopen_request"})
# (old status, new status) -> roles that may take that step; None is "no review yet".
ROLE_STEPS: dict[tuple[str | None, str], frozenset[str]] = {}
for _old in (None, "returned", "reopened", "submitted"):
    ROLE_STEPS[(_old, "submitted")] = frozenset({"kader", "bidan_desa", "admin"})
for _old in ("submitted", "reopened"):
    for _new in ("verified", "returned"):
        ROLE_STEPS[(_old, _new)] = frozenset({"bidan_desa", "puskesmas", "admin"})
ROLE_STEPS[("verified", "reopened")] = frozenset({"puskesmas", "admin"})
# A month never submitted but past the input deadline is reopened the same way.
for _old in (None, "returned", "submitted"):
    ROLE_STEPS[(_old, "reopened")] = frozenset({"puskesmas", "admin"})


def configured_lock_after_day() -> int | None:
    """Return POSYANDU_LOCK_AFTER_DAY (1-28) from the app config or the environment; None is off."""
    raw = None
    if has_app_context():
        raw = current_app.config.get("POSYANDU_LOCK_AFTER_DAY")
    if raw is None:
        raw = os.environ.get("POSYANDU_LOCK_AFTER_DAY") or None
    if raw is None:
        return None
    day = int(raw)
    return day if 1 <= day <= 28 else None


def months_of(changes, kind: str, values: Mapping) -> list[tuple[str, str]]:
    """Return the (posyandu id, period) pairs a record of ``kind`` belongs to."""
    if kind in DATE_FIELDS:
        day = as_date(values.get(DATE_FIELDS[kind]))
        posyandu = values.get("posyandu_id")
        return [(posyandu, f"{day:%Y-%m}")] if day and posyandu else []
    if kind == "desa_report" and values.get("period") and values.get("desa_code"):
        desa = values["desa_code"]
        return [
            (f["id"], values["period"])
            for f in changes.facilities.of_kind("posyandu")
            if f.get("desa_code") == desa
        ]
    return []


def lock_review(changes, record_id: str, *, share: bool = True) -> None:
    """Read a review row under a row lock, once per change set (PostgreSQL; SQLite serialises).

    A push into a month takes the review row FOR SHARE, a review step FOR UPDATE, so a push and a
    verification racing queue on that row: the push is applied before the verification or is
    refused after it, never applied after a verification it did not see. A row changed in this
    change set is already the writer's own.
    """
    if record_id in changes.locked_reviews or record_id in changes.changed:
        return
    query = _REVIEW_SHARED if share else _REVIEW_LOCKED
    with changes.session.no_autoflush:
        found = changes.session.execute(query, {"id": record_id})
        changes.loaded[record_id] = found.scalars().first()
    changes.locked_reviews.add(record_id)


# lock_review's queries, built once (building and cache-keying one cost more than running it).
_REVIEW = sa.select(Record).where(Record.id == sa.bindparam("id"))
_REVIEW = _REVIEW.execution_options(populate_existing=True)
_REVIEW_SHARED, _REVIEW_LOCKED = _REVIEW.with_for_update(read=True), _REVIEW.with_for_update()


def review_of(changes, posyandu_id: str, period: str):
    """Return the live review record of a posyandu-month (read under a row lock), or None."""
    record_id = review_id(posyandu_id, period)
    if changes.writer.scope is not None:
        lock_review(changes, record_id)
    row = changes.record(record_id)
    if row is None or row.deleted or row.kind != "period_review":
        return None
    return row


def verifier(changes, row) -> str:
    """Name who verified a review (its ``by`` field, else the actor of its status) for people."""
    meta = (row.field_meta or {}).get("status") or [None, None, None]
    with changes.session.no_autoflush:  # a check reads; the change set flushes when it writes
        return name_of(changes.session, row.fields.get("by") or meta[2] or "?", changes.lang)


def lock_error(changes, kind: str, values: Mapping) -> tuple[str, dict] | None:
    """Return (message key, parameters) when the record's month is closed, else None.

    Asked once per record and month in a change set (a push of a month's 200 visits asks the
    same month 200 times); a review written in the change set forgets the answers.
    """
    pairs = months_of(changes, kind, values)
    if not pairs:
        return None
    key = (kind == "desa_report", tuple(pairs))
    if key not in changes.lock_answers:
        changes.lock_answers[key] = _lock_error(changes, kind, pairs)
    return changes.lock_answers[key]


def _lock_error(changes, kind: str, pairs: list) -> tuple[str, dict] | None:
    reviews = [review_of(changes, posyandu, period) for posyandu, period in pairs]
    statuses = [r.fields.get("status") if r is not None else None for r in reviews]
    period = pairs[0][1]
    verified = [r for r, s in zip(reviews, statuses, strict=True) if s == "verified"]
    if verified and (kind != "desa_report" or len(verified) == len(pairs)):
        words = month_words(period, changes.lang)
        return "server.period_locked", {"period": words, "by": verifier(changes, verified[0])}
    day = changes.lock_after_day
    if day is None or any(s in OPEN_AFTER_DEADLINE for s in statuses):
        return None
    try:
        closes = add_months(parse_period(period), 1)
    except ValueError:
        return None
    today = local_today(changes.zone, changes.now)
    if (today.year, today.month, today.day) >= (*closes, day):
        return "server.period_closed", {"period": month_words(period, changes.lang), "day": day}
    return None


def review_error(changes, values: Mapping) -> str | None:
    """Return the message key when the writer may not make this change of a review, else None.

    A status step is checked against ``ROLE_STEPS``. With the status unchanged, only the kader's
    ``reopen_request`` may change (the device's one-tap request on a verified month): anything
    else there would be a step without a step check. ``by`` and ``reviewed_at`` are the server's
    (``stamp_review``), so they are never the reason for a refusal.
    """
    row = review_of(changes, values.get("posyandu_id") or "", values.get("period") or "")
    old = row.fields.get("status") if row is not None else None
    if row is not None and old == values.get("status"):
        changed = {
            name
            for name in set(row.fields) | set(values)
            if name not in ("id", *SERVER_STAMPED) and row.fields.get(name) != values.get(name)
        }
        return None if changed <= REQUESTABLE else "server.review_field_refused"
    role = changes.writer.scope.role
    if role not in ROLE_STEPS.get((old, values.get("status")), frozenset()):
        return "server.review_step_refused"
    return None


def review_author(changes) -> tuple[str, str]:
    """Return the username and the name a review step is stamped with: a device's signed-in user
    (its token authenticated the push), else the web writer. The name travels with the review so
    a device, which has no user list, shows who verified instead of a username."""
    with changes.session.no_autoflush:
        device = changes.session.get(Device, changes.writer.actor)
        if device is not None:
            return device.user.username, device.user.name or ""
        user = changes.session.execute(
            sa.select(User).where(User.username == changes.writer.actor)
        ).scalar_one_or_none()
    return changes.writer.actor, (user.name or "") if user is not None else ""


def stamp_review(changes, values: Mapping) -> dict:
    """Return a checked review's values with ``by`` and ``reviewed_at`` set by the server: who took
    the status step and when, or the stored ones when the status did not change (a reopen
    request keeps the verifier's name). Whatever the writer sent for them is ignored."""
    row = changes.record(values.get("id") or "")
    stored = row.fields if row is not None and row.kind == "period_review" else {}
    if stored and not row.deleted and stored.get("status") == values.get("status"):
        stamped = {name: stored.get(name) for name in SERVER_STAMPED}
    else:
        at = changes.now.astimezone(dt.UTC).isoformat(timespec="seconds")
        username, name = review_author(changes)
        stamped = {"by": username, "by_name": name, "reviewed_at": at}
    return {**values, **stamped}
