"""Re-derive every stored record's server-derived values (``posyandu-server rederive``).

A change set derives a child's visits only from the earliest month it touched
(``children._changed_since``), and reuses the stored z-scores of visits whose inputs did not
change. So when the rules change in code (a WHO table, the KBM table in ``shared/growth``, the
KEK or IMT thresholds), the values already stored stay as the old rules left them. This walks
every person and derives all their records again from their inputs.

Why through :class:`ChangeSet` and not a separate pass: putting the persons in
``changes.rederive`` makes the commit's own recompute (``children.recompute_children``) take
each one's whole history (``since=None``) without reusing stored z-scores. It stores only the
values that differ, each as a server change (``set_derived``: a new version and change-log
position, so devices pull it), leaves unchanged records untouched, and refreshes the indicator
aggregates from the changed rows (``refresh_for_changes``) — exactly what a push does; nothing
here writes a record itself. ANC and adult visits, derived at ``ChangeSet.store`` only (from
their own fields and the pregnancy), are compared here and stored the same way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from server.models import Record
from server.reference import ensure_counter
from server.sync.changes import ChangeSet, Writer
from shared.calendar import DEFAULT_ZONE
from shared.derive import derive_adult_visit, derive_anc_visit

STORE_DERIVED_KINDS = ("anc_visit", "adult_visit")  # derived at ChangeSet.store, not at commit


@dataclass
class RederiveReport:
    """What a rederive did: persons walked, records given new derived values (by kind)."""

    persons: int = 0
    changed: int = 0
    by_kind: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        return {"persons": self.persons, "changed": self.changed, "by_kind": dict(self.by_kind)}


def rederive_all(session, *, batch: int = 500, zone: str = DEFAULT_ZONE) -> RederiveReport:
    """Re-derive every person's records, ``batch`` persons (in id order) per transaction.

    Every person record is walked, deleted ones too: a deleted person's live records keep ILP
    values derived without it, as the write path gives them. Each chunk is committed on its own
    (a long run holds its row locks one chunk at a time; stopped midway, the chunks done stay).
    """
    ensure_counter(session)
    session.commit()
    report = RederiveReport()
    after = ""
    while True:
        ids = list(
            session.execute(
                sa.select(Record.id)
                .where(Record.kind == "person", Record.id > after)
                .order_by(Record.id)
                .limit(batch)
            ).scalars()
        )
        if not ids:
            return report
        changed = rederive_persons(session, ids, zone=zone)
        session.commit()
        session.expunge_all()  # a long walk keeps no rows of chunks done
        report.persons += len(ids)
        report.changed += sum(changed.values())
        report.by_kind.update(changed)
        after = ids[-1]


def rederive_persons(session, person_ids: list[str], *, zone: str = DEFAULT_ZONE) -> Counter:
    """Re-derive some persons' records in one change set (not committed); return the records
    changed by kind."""
    changes = ChangeSet(session, Writer.system("rederive"), zone=zone)
    changes.rederive.update(person_ids)
    _store_derived(changes, person_ids)
    changes.commit()
    return Counter(row.kind for row in changes.changed.values())


def _store_derived(changes: ChangeSet, person_ids: list[str]) -> None:
    """Re-derive the persons' ANC and adult visits (as ``ChangeSet._derive`` does on a write).

    Every live record of the persons is locked first, in one statement in id order (as a push
    locks its rows): the commit's recompute then takes no row lock out of that order.
    """
    rows = changes.session.execute(
        sa.select(Record.id, Record.kind)
        .where(Record.person_id.in_(person_ids), Record.deleted.is_(False))
        .order_by(Record.id)
        .with_for_update()
    ).all()
    ids = [record_id for record_id, kind in rows if kind in STORE_DERIVED_KINDS]
    changes.load(ids)
    for record_id in ids:
        row = changes.record(record_id)
        if row.kind == "anc_visit":
            pregnancy = changes.record(row.fields.get("pregnancy_id") or "")
            new = derive_anc_visit(row.fields, pregnancy.fields if pregnancy else None)
        else:
            new = derive_adult_visit(row.fields)
        if any(k not in row.fields or row.fields[k] != v for k, v in new.items()):
            changes.set_derived(row, new)
