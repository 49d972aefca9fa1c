"""One person, one record: find likely duplicates and merge one into the other (issue #16).

A merge moves every record that refers to the duplicate (visits, pregnancies, ANC visits: their
``person_id``) onto the survivor, keeps the survivor's fields except those the reviewer chose
from the duplicate, and deletes the duplicate with ``merged_into`` naming the survivor. It runs as
one ChangeSet: growth is recomputed over the survivor's whole history and the indicator
aggregates are refreshed from the moved rows, so the child counts once. Devices pull the
duplicate deleted (its ``fields.merged_into`` says where it went). The audit is the field
metadata: every changed field carries the reviewer's name and the change's version.

Who may merge: a puskesmas both persons within its wilayah kerja; dinas and admin anywhere
(across puskesmas). Locks hold: moving a visit of a verified month is refused (reopen first).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from rapidfuzz import fuzz

from server.models import Record
from server.sync.changes import ChangeSet, Rejected, Writer, keys_of
from server.sync.positions import take_write_lock
from shared import records

# Every kind whose person_id refers to a person (from the specs' refs in shared/records).
REFERRING_KINDS = records.kinds_referring_to("person", "person_id")
NAME_SIMILARITY = 85  # rapidfuzz token_sort_ratio, 0-100
BIRTH_DAYS = 7
MERGE_ROLES = ("puskesmas", "dinas", "admin")


class MergeError(Exception):
    """A merge refused: ``code`` (not_found, forbidden, validation_error) and details."""

    def __init__(self, code: str, details: dict | None = None):
        super().__init__(code)
        self.code, self.details = code, details or {}


def merge_writer(username: str, scope) -> Writer:
    """Return the writer of a merge: a puskesmas in the units it reviews; dinas/admin anywhere."""

    def permits(_kind, keys):
        if scope.role in ("dinas", "admin"):
            return True
        return scope.role == "puskesmas" and scope.can_review(keys)

    return Writer(username, scope, permits)


def _live_person(changes: ChangeSet, person_id: str) -> Record:
    row = changes.record(person_id)
    if row is None or row.kind != "person" or row.deleted or not changes.can_read(row):
        raise MergeError("not_found", {"id": person_id})
    return row


def _merged_already(changes: ChangeSet, duplicate_id: str, survivor_id: str) -> bool:
    """Tell whether the duplicate is already merged into this survivor (a resent request)."""
    row = changes.record(duplicate_id)
    return (
        row is not None
        and row.kind == "person"
        and row.deleted
        and row.fields.get("merged_into") == survivor_id
        and changes.can_read(row)
        and changes.writer.permits("person", keys_of(row))
    )


def merge_person(
    session,
    username: str,
    scope,
    duplicate_id: str,
    survivor_id: str,
    choices: dict[str, str],
    *,
    lang: str = "id",
) -> dict | None:
    """Merge ``duplicate_id`` into ``survivor_id``; return what moved (ids by kind), or None
    when it was merged into that survivor before (nothing written)."""
    if scope.role not in MERGE_ROLES:
        raise MergeError("forbidden")
    if duplicate_id == survivor_id:
        raise MergeError("validation_error", {"into": ["same person"]})
    # Two identical merges at once (a double click on two screens, or a resend racing the first
    # answer) would both read the duplicate alive and both move its records.
    take_write_lock(session)
    changes = ChangeSet(session, merge_writer(username, scope), lang=lang)
    # A merge whose answer was lost is sent again: it must succeed, not move anything twice.
    if _merged_already(changes, duplicate_id, survivor_id):
        return None
    duplicate, survivor = _live_person(changes, duplicate_id), _live_person(changes, survivor_id)
    for row in (duplicate, survivor):
        if not changes.writer.permits("person", keys_of(row)):
            raise MergeError("forbidden", {"id": row.id})
    taken = {}
    for name, choice in (choices or {}).items():
        if choice not in ("duplicate", "survivor") or name in ("id", "merged_into"):
            raise MergeError("validation_error", {name: ["duplicate or survivor"]})
        if choice == "duplicate":
            taken[name] = duplicate.fields.get(name)
    moved: dict[str, list[str]] = {}
    try:
        if taken:
            changes.server_write("person", survivor_id, taken)
        referring = session.execute(
            sa.select(Record.id, Record.kind)
            .where(Record.person_id == duplicate_id, Record.deleted.is_(False))
            .where(Record.kind.in_(REFERRING_KINDS))
            .order_by(Record.id)
        ).all()
        changes.load([r.id for r in referring], lock=True)
        for record_id, kind in referring:
            changes.server_write(kind, record_id, {"person_id": survivor_id})
            moved.setdefault(kind, []).append(record_id)
        changes.server_write("person", duplicate_id, {"merged_into": survivor_id}, deleted=True)
    except Rejected as refused:
        raise MergeError("validation_error", refused.errors) from None
    changes.commit()
    return moved


def _similar(a: dict, b: dict) -> bool:
    """Tell whether two persons are likely one: similar names, births within 7 days, mother."""
    try:
        days = abs(dt.date.fromisoformat(a["birth_date"]) - dt.date.fromisoformat(b["birth_date"]))
    except (KeyError, TypeError, ValueError):
        return False
    if days.days > BIRTH_DAYS or a.get("sex") != b.get("sex"):
        return False
    if (
        fuzz.token_sort_ratio(a.get("name", "").lower(), b.get("name", "").lower())
        < NAME_SIMILARITY
    ):
        return False
    ma, mb = (a.get("mother_nik") or "", b.get("mother_nik") or "")
    if ma and mb:
        return ma == mb
    mother_a, mother_b = (a.get("mother_name") or "").lower(), (b.get("mother_name") or "").lower()
    return (
        bool(mother_a and mother_b) and fuzz.token_sort_ratio(mother_a, mother_b) >= NAME_SIMILARITY
    )


def find_duplicates(session, scope) -> list[tuple[dict, dict, str]]:
    """Return pairs of live persons in ``scope`` that are likely one (equal NIK, or similar).

    Persons are compared within a birth-date window, so the cost grows with the persons born
    within a week of each other, not with the square of the kabupaten.
    """
    rows = session.execute(
        sa.select(Record.fields).where(
            Record.kind == "person", Record.deleted.is_(False), scope.read_filter()
        )
    ).scalars()
    persons = sorted((f for f in rows if f.get("birth_date")), key=lambda f: f["birth_date"])
    pairs, seen = [], set()
    by_nik: dict[str, dict] = {}
    for p in persons:
        nik = p.get("nik")
        if nik and nik in by_nik:
            pairs.append((by_nik[nik], p, "nik"))
            seen.add((by_nik[nik]["id"], p["id"]))
        elif nik:
            by_nik[nik] = p
    for i, a in enumerate(persons):
        limit = dt.date.fromisoformat(a["birth_date"]) + dt.timedelta(days=BIRTH_DAYS)
        for b in persons[i + 1 :]:
            if dt.date.fromisoformat(b["birth_date"]) > limit:
                break
            if (a["id"], b["id"]) not in seen and _similar(a, b):
                pairs.append((a, b, "similar"))
    return pairs
