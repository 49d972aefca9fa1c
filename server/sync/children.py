"""The children's derived values, recomputed at a change set's commit (``ChangeSet.commit``).

Every child a change set touched gets its growth values (z-scores, N/T, 2T, BGM) recomputed from
the earliest month one of its visits is or was dated in (a month's values read only that month
and earlier ones; the child's own record changed: every visit), and every person its ILP values
(youth visits, nifas, TB, doses). A person put in ``changes.rederive`` (posyandu-server
rederive) gets every value recomputed from its inputs. The records read for that are kept on the
change set (``person_states``): the indicator refresh takes them from there instead of reading
them again.
"""

from __future__ import annotations

import sqlalchemy as sa

from server.models import Record
from shared.calendar import as_date
from shared.derive import (
    ILP_DERIVED_KINDS,
    ILP_INPUT_KINDS,
    derive_child_visits,
    derive_person_records,
    visit_month,
)

# The per-visit assessment a child visit stores (shared.derive.child_visit_assessment).
ASSESSMENT_FIELDS = tuple("age_days age_months waz lhaz wlhz baz hcz acz categories flags".split())  # noqa: SIM905
ASSESSMENT_KEYS = frozenset(ASSESSMENT_FIELDS)


def recompute_children(changes) -> None:
    """Recompute the derived growth values of every child touched."""
    # With the persons a record moved away from: their other records' values read it too.
    moved_from = {
        before[3]
        for before in changes.originals.values()
        if before is not None and before[0] in ILP_INPUT_KINDS
    }
    person_ids = sorted(p for p in changes.dirty_children | changes.rederive | moved_from if p)
    since = _changed_since(changes)
    since.update(dict.fromkeys(changes.rederive))  # None: the whole history
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        changes.load(chunk)
        visits, ilp = _child_visits(changes, chunk)
        for person_id, person_visits in visits.items():
            if person_id in since:
                _recompute_child(changes, person_id, person_visits, since[person_id])
        for person_id, person_records in ilp.items():
            _recompute_ilp(changes, person_id, person_records)
    changes.dirty_children, changes.rederive = set(), set()


def _changed_since(changes) -> dict[str, tuple[int, int] | None]:
    """Return, per child, the earliest month a change set's visit is or was dated in.

    A month's growth values read only that month and earlier ones (``derive_child_visits``), so
    the child's visits before it keep theirs. None: every visit (the child's own record changed,
    or a visit without a readable date). A child missing here had no visit changed: its growth
    values stand.
    """
    since: dict[str, tuple[int, int] | None] = {}

    def note(person_id, fields) -> None:
        if not person_id:
            return
        day = as_date(fields.get("visit_date")) if fields else None
        month = (day.year, day.month) if day else None
        if month is None:
            since[person_id] = None
        elif person_id not in since:
            since[person_id] = month
        elif since[person_id] is not None:
            since[person_id] = min(since[person_id], month)

    for row in changes.changed.values():
        if row.kind == "person":
            since[row.id] = None
        elif row.kind == "child_visit":
            note(row.person_id, row.fields)
        before = changes.originals.get(row.id)
        if before is not None and before[0] == "child_visit":
            note(before[3], before[5])
    return since


def _child_visits(changes, person_ids: list[str]) -> tuple[dict, dict]:
    """Return some persons' live child visits and the ``(kind, fields)`` their ILP values read.

    Kind filtered in Python (``kind = 'child_visit'`` made SQLite walk every visit), columns
    not ORM rows (an object per visit was half a push), rows locked all the same. No
    autoflush: this change set's rows are taken as they stand, so a new visit is inserted
    once with its derived values, not inserted here and updated at commit.
    """
    query = sa.select(
        Record.id,
        Record.kind,
        Record.person_id,
        Record.fields,
        Record.posyandu_id,
        Record.desa_code,
    ).where(Record.person_id.in_(person_ids), Record.deleted.is_(False))
    found = {}
    states, changed = changes.person_states, changes.changed
    # Core on the session's connection: the same transaction, without the ORM's statement
    # compilation (columns, not entities) and without an autoflush.
    rows = changes.session.connection().execute(query.order_by(Record.id).with_for_update()).all()
    for record_id, kind, person_id, fields, posyandu_id, desa_code in rows:
        states[record_id] = (kind, posyandu_id, desa_code, person_id, False, fields)
        if record_id not in changed:
            found[record_id] = (kind, person_id, fields)
    changes.states_of.update(person_ids)
    wanted = set(person_ids)
    for row in changes.changed.values():
        if row.person_id in wanted and not row.deleted:
            found[row.id] = (row.kind, row.person_id, row.fields)
    by_person: dict[str, list[dict]] = {}
    ilp: dict[str, list[tuple[str, dict]]] = {}
    deriving = set()  # the persons with a record of the ILP kinds to derive
    for record_id in sorted(found):
        kind, person_id, stored = found[record_id]
        current = changes.loaded.get(record_id)  # this change set's object: current fields
        fields = current.fields if current is not None else stored
        if kind == "child_visit":
            by_person.setdefault(person_id, []).append(fields)
        if kind in ILP_INPUT_KINDS and kind != "person":
            ilp.setdefault(person_id, []).append((kind, fields))
            if kind in ILP_DERIVED_KINDS:
                deriving.add(person_id)
    # A child with visits only has nothing of the ILP kinds to derive.
    return by_person, {person_id: rows for person_id, rows in ilp.items() if person_id in deriving}


def _recompute_ilp(changes, person_id: str, rows: list[tuple[str, dict]]) -> None:
    """Recompute a person's ILP derived values; store those that changed (as server changes)."""
    person = changes.loaded.get(person_id)
    person_fields = None if person is None or person.deleted else person.fields
    derived = derive_person_records(person_fields, rows)
    for _kind, fields in rows:
        new = derived.get(fields["id"])
        if new is not None and any(k not in fields or fields[k] != v for k, v in new.items()):
            changes.set_derived(changes.record(fields["id"]), new)


def _recompute_child(changes, person_id: str, visits: list[dict], since) -> None:
    """Recompute a child's visits from the month ``since`` on (all when None)."""
    person = changes.loaded.get(person_id)
    if person is None or person.deleted or not visits:
        return
    # A visit whose inputs (and whose child's birth date and sex) did not change keeps its
    # stored z-scores (not on a rederive: the rules may have changed); N/T is recomputed from the
    # month ``since`` on (from the whole history).
    assessed = (
        {}
        if person_id in changes.changed or person_id in changes.rederive
        else {
            v["id"]: {k: v[k] for k in ASSESSMENT_FIELDS}
            for v in visits
            # the month first: most of a child's visits are before ``since`` and not derived
            if (since is None or (v.get("visit_date") and visit_month(v["visit_date"]) >= since))
            and v["id"] not in changes.changed
            and v.keys() >= ASSESSMENT_KEYS
        }
    )
    derived = derive_child_visits(person.fields, visits, assessed=assessed, since=since)
    for fields in visits:
        new = derived.get(fields["id"])
        if new is not None and any(fields.get(k) != v for k, v in new.items()):
            changes.set_derived(changes.record(fields["id"]), new)  # the ORM row, only if changed
