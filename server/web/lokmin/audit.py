"""Writing lokmin records from the web pages through the one write path, with an audit trail.

Every create, change and deletion of a meeting or agreement goes through ``ChangeSet`` as the
signed-in user (its write scope checked again there) and leaves a ``lokmin_audit`` row: who, when,
and for each changed field its old and new value. Attachments add and remove rows of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g

from server.extensions import db
from server.models import Record
from server.people_names import names_of
from server.reference import ensure_counter
from server.sync.changes import ChangeSet, Rejected, Writer
from server.web import language, local_zone
from server.web.format import show_value, when
from server.web.lokmin.models import LokminAudit
from shared import records
from shared.i18n import t

# Ids and scope keys: never changed from the page, and a code or uuid says nothing to a reader.
SKIPPED = {"id", "meeting_id", "kecamatan_code", "puskesmas_id"}


@dataclass
class Write:
    """One record to write: its kind, id and values (None: delete it)."""

    kind: str
    record_id: str
    meeting_id: str
    values: dict | None = None


@dataclass
class Outcome:
    ok: bool
    errors: dict = field(default_factory=dict)


def stored_fields(row: Record | None) -> dict:
    """Return a record's stored values without its derived ones."""
    if row is None:
        return {}
    derived = records.spec(row.kind).derived_fields
    return {k: v for k, v in row.fields.items() if k not in derived}


def diff(old: dict, new: dict) -> dict:
    """Return ``{field: [old, new]}`` for every field whose value changed."""
    return {
        k: [old.get(k), new.get(k)]
        for k in sorted(set(old) | set(new))
        if k not in SKIPPED and old.get(k) != new.get(k) and (old.get(k), new.get(k)) != (None, [])
    }


def write_all(writes: list[Write]) -> Outcome:
    """Write (or delete) records as the signed-in user and audit each change; commit or roll back."""
    lang, actor = language(), g.web_user.username
    ensure_counter(db.session)
    changes = ChangeSet(db.session, Writer.user(actor, g.scope), lang=lang, zone=local_zone())
    changes.load(w.record_id for w in writes)
    before = {w.record_id: stored_fields(changes.record(w.record_id)) for w in writes}
    existed = {w.record_id: changes.record(w.record_id) is not None for w in writes}
    try:
        for w in writes:
            if w.values is None:
                changes.server_write(w.kind, w.record_id, {}, deleted=True)
            else:
                changes.server_write(w.kind, w.record_id, w.values, deleted=False, replace=True)
    except Rejected as refused:
        db.session.rollback()
        return Outcome(False, refused.errors)
    db.session.flush()
    changes.commit()
    for w in writes:
        old = before[w.record_id]
        if w.values is None:
            audit(w.meeting_id, w.record_id, w.kind, "delete", {})
            continue
        new = stored_fields(changes.record(w.record_id))
        changed = diff(old, new)
        if changed or not existed[w.record_id]:
            action = "update" if existed[w.record_id] else "create"
            audit(w.meeting_id, w.record_id, w.kind, action, changed)
    db.session.commit()
    return Outcome(True)


def audit(meeting_id: str, record_id: str, kind: str, action: str, changes: dict) -> None:
    """Add one audit row (committed with the write it describes)."""
    db.session.add(
        LokminAudit(
            meeting_id=meeting_id,
            record_id=record_id,
            kind=kind,
            action=action,
            actor=g.web_user.username,
            changes=changes,
        )
    )


def readable_meeting_ids():
    """A subquery of the meetings (deleted ones too) the user may read: their history is theirs."""
    from server.web.scoped import in_scope

    return in_scope(sa.select(Record.id).where(Record.kind == "lokmin_meeting"))


def history(meeting_id: str | None = None, limit: int = 200) -> list[dict]:
    """Return audit entries (newest first) of one meeting or of every readable meeting."""
    query = sa.select(LokminAudit).where(LokminAudit.meeting_id.in_(readable_meeting_ids()))
    if meeting_id is not None:
        query = query.where(LokminAudit.meeting_id == meeting_id)
    rows = (
        db.session.execute(
            query.order_by(LokminAudit.at.desc(), LokminAudit.id.desc()).limit(limit)
        )
        .scalars()
        .all()
    )
    lang = language()
    people = names_of(db.session, (row.actor for row in rows), lang)
    return [
        {
            "when": when(row.at),
            "who": people.get(row.actor, ""),
            "what": t(f"web.lokmin.kind.{row.kind}", lang),
            "action": t(f"web.lokmin.action.{row.action}", lang),
            "meeting_id": row.meeting_id,
            "changes": [describe(row.kind, name, pair, lang) for name, pair in row.changes.items()],
        }
        for row in rows
    ]


def describe(kind: str, name: str, pair: list, lang: str) -> str:
    """Return "Tenggat: 01/11/2026 → 15/11/2026" for one changed field."""
    label = name
    if kind in ("lokmin_meeting", "lokmin_agreement"):
        try:
            label = records.field_label(kind, name, lang)
        except (records.UnknownKind, KeyError):
            label = name
    elif kind == "attachment":
        label = t("web.lokmin.attachments", lang)
    old, new = (shown(kind, name, v, lang) for v in pair)
    return f"{label}: {old} → {new}"


def shown(kind: str, name: str, value, lang: str) -> str:
    """Return a stored value for people: dates dd/mm/yyyy, choices by label, rows counted."""
    from shared.calendar import format_date

    if isinstance(value, list) and value and isinstance(value[0], dict):
        names = [v.get("name") or v.get("activity") or v.get("description") or "" for v in value]
        return "; ".join(n for n in names if n) or t("web.lokmin.n_rows", lang, n=len(value))
    if isinstance(value, str) and name.endswith("_date"):
        return format_date(value) or value
    if kind == "attachment":
        return value or "—"
    return show_value(kind, name, value, lang)
