"""The conflict queue: list in scope, and resolve by choosing the winner or the losing value."""

from __future__ import annotations

import math

import sqlalchemy as sa

from server.models import Conflict, utcnow
from server.scope import Scope, ScopeKeys
from server.sync.changes import ChangeSet, Rejected, Writer
from server.sync.merge import DELETED
from shared.calendar import DEFAULT_ZONE
from shared.sync import hlc as hlc_mod


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


def conflict_json(c: Conflict) -> dict:
    """Return the wire form of a conflict."""
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
    }


def conflicts_in_scope(
    session, scope: Scope, status: str | None = None, limit: int = 200, offset: int = 0
) -> list[Conflict]:
    """Return conflicts on records the user may read, newest first."""
    query = sa.select(Conflict).where(
        scope.read_filter(Conflict) if not scope.everything else sa.true()
    )
    if status:
        query = query.where(Conflict.status == status)
    query = query.order_by(Conflict.id.desc()).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


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
    """Resolve a conflict; choosing the losing value applies it as a new change that syncs back.

    The change goes through the one write path as the reviewer's: validated, its scope keys
    recomputed from the new values, and refused if it would file the record outside the units
    the reviewer may review (a resolution cannot move a person to another puskesmas).
    """
    # Bounded to the column's range (int4 on PostgreSQL): a larger id is simply unknown.
    conflict = session.get(Conflict, conflict_id) if 0 < conflict_id < 2**31 else None
    keys = (
        ScopeKeys(
            conflict.posyandu_id, conflict.desa_code, conflict.kecamatan_code, conflict.puskesmas_id
        )
        if conflict
        else None
    )
    if conflict is None or not scope.can_read(conflict.kind, keys):
        raise ResolveError("not_found")
    if not scope.can_review(keys):
        raise ResolveError("forbidden")
    if conflict.status != "open":
        raise ResolveError("conflict")
    if choice == "loser":
        _apply_loser(session, scope, conflict, actor, lang, clock, zone)
    conflict.status, conflict.resolution = "resolved", choice
    conflict.resolved_by, conflict.resolved_at = actor, utcnow()
    return conflict


def _apply_loser(session, scope, conflict: Conflict, actor, lang, clock, zone) -> None:
    """Write the losing value of a conflict as the reviewer's change."""
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
            changes.server_write(
                conflict.kind, conflict.record_id, {conflict.field: conflict.loser_value}
            )
        elif conflict.loser_value is True:
            changes.server_write(conflict.kind, conflict.record_id, {}, deleted=True)
        else:
            values = dict(conflict.loser_value or {})
            changes.server_write(conflict.kind, conflict.record_id, values, deleted=False)
    except Rejected as refused:
        raise ResolveError("validation_error", refused.errors) from None
    changes.commit()
