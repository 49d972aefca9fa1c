"""The conflict queue: list in scope, and resolve by choosing the winner or the losing value."""

from __future__ import annotations

import sqlalchemy as sa

from server.models import Conflict, Record, utcnow
from server.scope import Scope, ScopeKeys
from server.sync.merge import DELETED
from server.sync.push import server_change
from shared import records
from shared.sync import hlc as hlc_mod


class ResolveError(Exception):
    """The conflict cannot be resolved as asked (code: not_found, forbidden, conflict, validation_error)."""

    def __init__(self, code: str, details: dict | None = None):
        super().__init__(code)
        self.code, self.details = code, details or {}


def conflict_json(c: Conflict) -> dict:
    """Return the wire form of a conflict."""
    return {
        "id": c.id,
        "record_id": c.record_id,
        "kind": c.kind,
        "field": c.field,
        "winner_value": c.winner_value,
        "loser_value": c.loser_value,
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
) -> Conflict:
    """Resolve a conflict; choosing the losing value applies it as a new change that syncs back."""
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
        row = session.get(Record, conflict.record_id, with_for_update=True)  # see push.py
        clock = clock or hlc_mod.Clock("server")
        if conflict.field == DELETED:
            if conflict.loser_value is True:
                server_change(session, row, {}, deleted=True, clock=clock, actor=actor)
            else:
                _apply_values(
                    session,
                    row,
                    dict(conflict.loser_value or {}),
                    lang,
                    clock,
                    actor,
                    deleted=False,
                )
        else:
            _apply_values(session, row, {conflict.field: conflict.loser_value}, lang, clock, actor)
    conflict.status, conflict.resolution = "resolved", choice
    conflict.resolved_by, conflict.resolved_at = actor, utcnow()
    return conflict


def _apply_values(
    session, row: Record, values: dict, lang: str, clock, actor: str, deleted: bool | None = None
) -> None:
    spec = records.spec(row.kind)
    stored = {k: v for k, v in row.fields.items() if k not in spec.derived_fields}
    context = {}
    for name, ref_kind in spec.refs.items():
        ref = (
            session.get(Record, stored.get(name) or "")
            if ref_kind in ("person", "pregnancy")
            else None
        )
        if ref is not None:
            context[ref_kind] = ref.fields
    result = records.validate(row.kind, {**stored, **values}, context=context or None, lang=lang)
    if not result.ok:
        raise ResolveError("validation_error", result.errors)
    server_change(session, row, values, deleted=deleted, clock=clock, actor=actor)
