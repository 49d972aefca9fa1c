"""The conflict queue: list in scope, resolve by choosing a value, reopen, and name conflicts.

Choosing a value that is not the one the record holds writes it as the reviewer's change, through
the one write path. A resolved conflict can be reopened and the other value chosen; every
resolution and reopening is kept in ``conflict_event`` (who, when, which value).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import sqlalchemy as sa

from server.models import Conflict, ConflictEvent, Record, utcnow
from server.scope import Scope, ScopeKeys
from server.sync.changes import ChangeSet, Rejected, Writer
from server.sync.merge import DELETED
from shared.calendar import DEFAULT_ZONE
from shared.records.titles import SUBJECT_REFS, field_title, record_title, subject_name
from shared.sync import hlc as hlc_mod

# Asked by record id (a device following the conflicts on its records): at most this many ids.
MAX_RECORD_IDS = 200


class ResolveError(Exception):
    """The conflict cannot be resolved as asked (code: not_found, forbidden, conflict, validation_error)."""

    def __init__(self, code: str, details: dict | None = None):
        super().__init__(code)
        self.code, self.details = code, details or {}


def standard_json(value):
    """Return ``value`` with NaN and infinities as null: a row stored before every losing value
    was validated (SQLite kept them) must not make the answer non-standard JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: standard_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [standard_json(item) for item in value]
    return value


def event_json(e: ConflictEvent) -> dict:
    """Return the wire form of one reviewer's action."""
    return {
        "action": e.action,
        "choice": e.choice,
        "kept_value": standard_json(e.kept_value),
        "other_value": standard_json(e.other_value),
        "actor": e.actor,
        "at": e.at.isoformat(),
    }


def conflict_json(
    c: Conflict, events: Iterable[ConflictEvent] = (), may_resolve: bool = False
) -> dict:
    """Return the wire form of a conflict, with its audit and whether the caller may resolve it."""
    return {
        "id": c.id,
        "record_id": c.record_id,
        "kind": c.kind,
        "field": c.field,
        "winner_value": standard_json(c.winner_value),
        "loser_value": standard_json(c.loser_value),
        "winner_hlc": c.winner_hlc,
        "loser_hlc": c.loser_hlc,
        "winner_device": c.winner_device,
        "loser_device": c.loser_device,
        "loser_user": c.loser_user,
        "created_at": c.created_at.isoformat(),
        "status": c.status,
        "resolved_by": c.resolved_by,
        "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
        "resolution": c.resolution,
        "events": [event_json(e) for e in events],
        "may_resolve": may_resolve,
    }


def conflicts_json(session, scope: Scope, items: list[Conflict]) -> list[dict]:
    """Return the wire form of several conflicts (their audits read in one query)."""
    events = events_of(session, [c.id for c in items])
    return [conflict_json(c, events.get(c.id, []), may_resolve(scope, c)) for c in items]


def events_of(session, conflict_ids: list[int]) -> dict[int, list[ConflictEvent]]:
    """Return the audit of each conflict, oldest action first."""
    out: dict[int, list[ConflictEvent]] = {}
    for start in range(0, len(conflict_ids), 500):
        chunk = conflict_ids[start : start + 500]
        for event in session.execute(
            sa.select(ConflictEvent)
            .where(ConflictEvent.conflict_id.in_(chunk))
            .order_by(ConflictEvent.id)
        ).scalars():
            out.setdefault(event.conflict_id, []).append(event)
    return out


def conflicts_in_scope(
    session,
    scope: Scope,
    status: str | None = None,
    limit: int = 200,
    offset: int = 0,
    record_ids: Iterable[str] | None = None,
) -> list[Conflict]:
    """Return conflicts on records the user may read, newest first (only on ``record_ids``)."""
    query = sa.select(Conflict).where(
        scope.read_filter(Conflict) if not scope.everything else sa.true()
    )
    if status:
        query = query.where(Conflict.status == status)
    if record_ids is not None:
        query = query.where(Conflict.record_id.in_(list(record_ids)))
    query = query.order_by(Conflict.id.desc()).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def review_keys(c: Conflict) -> ScopeKeys:
    """Return the scope keys of the conflict's record (copied onto the conflict row)."""
    return ScopeKeys(c.posyandu_id, c.desa_code, c.kecamatan_code, c.puskesmas_id)


def may_resolve(scope: Scope, c: Conflict) -> bool:
    """Tell whether the user may resolve (or reopen) this conflict."""
    return scope.can_review(review_keys(c))


def _reviewable(session, scope: Scope, conflict_id: int) -> Conflict:
    """Return the conflict for a reviewer, locked; raise not_found or forbidden."""
    # Bounded to the column's range (int4 on PostgreSQL): a larger id is simply unknown.
    conflict = (
        session.execute(
            sa.select(Conflict).where(Conflict.id == conflict_id).with_for_update()
        ).scalar_one_or_none()
        if 0 < conflict_id < 2**31
        else None
    )
    if conflict is None or not scope.can_read(conflict.kind, review_keys(conflict)):
        raise ResolveError("not_found")
    if not may_resolve(scope, conflict):
        raise ResolveError("forbidden")
    return conflict


def standing_choice(session, conflict: Conflict) -> str:
    """Return which of the conflict's values the record holds by its last resolution."""
    last = session.execute(
        sa.select(ConflictEvent.choice)
        .where(ConflictEvent.conflict_id == conflict.id, ConflictEvent.action == "resolved")
        .order_by(ConflictEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return last or conflict.resolution or "winner"


def resolve(
    session,
    scope: Scope,
    conflict_id: int,
    choice: str,
    actor: str,
    *,
    lang: str = "id",
    clock: hlc_mod.Clock | None = None,
    zone: str = DEFAULT_ZONE,
) -> Conflict:
    """Resolve a conflict; a value the record does not hold is applied as a new change.

    The record holds the winner until a resolution takes the losing value; after a reopening,
    choosing the winner again writes it back. The change goes through the one write path as the
    reviewer's: validated, its scope keys recomputed from the new values, and refused if it would
    file the record outside the units the reviewer may review.
    """
    conflict = _reviewable(session, scope, conflict_id)
    if conflict.status != "open":
        raise ResolveError("conflict")
    if choice != standing_choice(session, conflict):
        _apply(session, scope, conflict, choice, actor, lang, clock, zone)
    now = utcnow()
    conflict.status, conflict.resolution = "resolved", choice
    conflict.resolved_by, conflict.resolved_at = actor, now
    kept, other = _values(conflict, choice)
    session.add(
        ConflictEvent(
            conflict_id=conflict.id,
            action="resolved",
            choice=choice,
            kept_value=kept,
            other_value=other,
            actor=actor,
            at=now,
        )
    )
    return conflict


def reopen(session, scope: Scope, conflict_id: int, actor: str) -> Conflict:
    """Reopen a resolved conflict; the record keeps its value until it is resolved again."""
    conflict = _reviewable(session, scope, conflict_id)
    if conflict.status != "resolved":
        raise ResolveError("conflict")
    if not events_of(session, [conflict.id]):
        # Resolved before the audit existed: keep that resolution in it before undoing it.
        kept, other = _values(conflict, conflict.resolution or "winner")
        session.add(
            ConflictEvent(
                conflict_id=conflict.id,
                action="resolved",
                choice=conflict.resolution or "winner",
                kept_value=kept,
                other_value=other,
                actor=conflict.resolved_by or "?",
                at=conflict.resolved_at or utcnow(),
            )
        )
    conflict.status, conflict.resolution = "open", None
    conflict.resolved_by, conflict.resolved_at = None, None
    session.add(ConflictEvent(conflict_id=conflict.id, action="reopened", actor=actor, at=utcnow()))
    session.flush()
    return conflict


def _values(conflict: Conflict, choice: str) -> tuple[object, object]:
    """Return (the chosen value, the other one)."""
    if choice == "loser":
        return conflict.loser_value, conflict.winner_value
    return conflict.winner_value, conflict.loser_value


def _apply(session, scope, conflict: Conflict, choice, actor, lang, clock, zone) -> None:
    """Write the chosen value of a conflict as the reviewer's change."""
    value = _values(conflict, choice)[0]
    changes = ChangeSet(
        session,
        Writer.reviewer(actor, scope),
        lang=lang,
        clock=clock or hlc_mod.Clock("server"),
        zone=zone,
    )
    changes.load([conflict.record_id], lock=True)
    try:
        if conflict.field != DELETED:
            changes.server_write(conflict.kind, conflict.record_id, {conflict.field: value})
        elif value is True:
            changes.server_write(conflict.kind, conflict.record_id, {}, deleted=True)
        else:
            values = dict(value or {})
            changes.server_write(conflict.kind, conflict.record_id, values, deleted=False)
    except Rejected as refused:
        raise ResolveError("validation_error", refused.errors) from None
    changes.commit()


# -- naming conflicts for people -----------------------------------------------------------------


def _rows(session, ids: Iterable[str]) -> dict[str, dict]:
    """Return the fields of the records with these ids (deleted ones included)."""
    wanted = sorted({str(i) for i in ids if i})
    out: dict[str, dict] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for rid, fields in session.execute(
            sa.select(Record.id, Record.fields).where(Record.id.in_(chunk))
        ).all():
            out[rid] = fields or {}
    return out


def describe_many(conflicts: Iterable[Conflict], session, lang: str = "id") -> dict[int, dict]:
    """Name several conflicts (three queries whatever their number): see :func:`describe`."""
    conflicts = list(conflicts)
    known = _rows(session, (c.record_id for c in conflicts))
    refs = {f.get(ref) for f in known.values() for ref in SUBJECT_REFS if f.get(ref)}
    known.update(_rows(session, refs - known.keys()))
    people = {f.get("person_id") for f in known.values() if f.get("person_id")}
    known.update(_rows(session, people - known.keys()))
    out = {}
    for c in conflicts:
        fields = known.get(c.record_id)
        subject = subject_name(c.kind, fields, known.get)
        out[c.id] = {
            "record": record_title(c.kind, fields, lang, subject=subject, fallback=c.record_id[:8]),
            "field": field_title(c.kind, c.field, lang),
        }
    return out


def describe(conflict: Conflict, session, lang: str = "id") -> dict:
    """Name a conflict for people: ``{"record": "Kunjungan balita Bima, 20/11/2026",
    "field": "Berat badan (kg)"}`` (the person's name, the record's date, the field's label)."""
    return describe_many([conflict], session, lang)[conflict.id]
