"""Monthly indicator aggregates, kept current on every write (issue 5, "keep aggregates on write").

One ``indicator_month`` row per (posyandu, 'YYYY-MM') holds what ``shared.indicators.month_indicators``
computes for that posyandu and month: ``values`` ``{key: [numerator, denominator]}``, the SKDN
``counts``, and ``extra`` (immunisations by antigen, vitamin A capsules given). Every level above a
posyandu is a sum of these rows (``server/indicators/rollup.py``), so the dashboard reads a few hundred small
rows instead of a million visits.

A desa's monthly report (births, deaths, ODF/STBM) is not a posyandu's: it is kept in the same table
under the key ``posyandu_id = "desa:<desa code>"`` (only ``extra`` is filled), and the analytics add
it once per desa of a unit.

``refresh_for_changes`` runs inside the writing transaction (push and server-side writes), after
the derived child values were recomputed. It works out the dirty (posyandu, month) pairs:

- child_visit: its month and the next (N/T of the next month depends on it);
- person: every month from the posyandu's earliest data month to the current month, at most 36
  (S, K and every N/T can change with a birth date; the earliest data month bounds it because no
  month before a posyandu's first record was ever shown); so too a referral (it counts in the
  month of the TB screen it comes from);
- immunization, and a child_visit with antigens: every month from its own to the current one
  (immunisation cohorts); pregnancy: every month from its registration or delivery, whichever is
  earlier (ibu hamil/nifas in progress, the KF cohort) (``posyandu_month.dirty_months``);
- adult_visit: its month and the 11 after (12-month PTM and SKILAS screening windows);
  postpartum_visit: its month and the two after (the KF cohort is the month nifas ends);
- anc_visit, youth_visit, tb_screening, family_planning, posyandu_session: their month;
  desa_report: its period, for its desa.

A dirty month whose row exists is updated by difference: every indicator except "opened" is a sum
over persons (KEK, nifas over pregnancies, each one person's; the ILP indicators of
``shared.indicators.ilp`` per person too), so the row changes by the touched persons'
contribution now minus their contribution when the row was last computed. Their earlier state is
handed in by the write path (``ChangeSet.originals``: each record's state before the change set
touched it; new records have none): an explicit argument, not a session listener. "opened" is recomputed from the sessions. A month without a
row (or a difference that would go negative) is computed in full: the posyandu's records are loaded
once and ``month_indicators`` runs on them. So a push costs what it changed, not the posyandu's size.

The invariant: each row equals ``month_indicators`` over the records as of the last refresh. Every
write goes through ``server.sync.changes.ChangeSet``, whose commit calls ``refresh_for_changes``;
``rebuild_all`` restores it from scratch. The weighings per posyandu and day (``weighing_day.py``)
are recounted in the same transaction. On PostgreSQL the dirty posyandu's facility rows are locked
first (in id order) so two concurrent pushes into one posyandu refresh one after the other; rows are
written with INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from server.indicators import statements
from server.indicators.posyandu_month import (
    DESA_PREFIX,
    ILP_ALL,
    ILP_NONE,
    ILP_SERVED,
    PERSON_KINDS,
    POSYANDU_KINDS,
    PosyanduData,
    desa_extra,
    dirty_months,
    event_month,
)
from server.indicators.week import event_date_of
from server.indicators.weighing_day import apply_deltas, is_weighing
from server.indicators.weighing_day import rebuild as rebuild_days
from server.models import IndicatorMonth, Record, utcnow
from shared.calendar import Month, add_months, current_month, parse_period, period_of

MAX_PERSON_MONTHS = 36


def _upsert(session, rows: list[dict]) -> None:
    if rows:
        connection = session.connection()
        connection.execute(statements.upsert_month(connection.dialect.name), rows)


def _lock(session, ids: list[str]) -> None:
    """Serialise concurrent aggregate writers per posyandu / desa (PostgreSQL; SQLite has one writer)."""
    if ids and session.get_bind().dialect.name == "postgresql":
        connection = session.connection()
        for start in range(0, len(ids), 500):
            connection.execute(statements.LOCK_FACILITIES, {"ids": ids[start : start + 500]})


def _load(session, posyandu_id: str) -> PosyanduData:
    rows = session.connection().execute(
        statements.POSYANDU_RECORDS, {"posyandu_id": posyandu_id, "kinds": list(POSYANDU_KINDS)}
    )
    return PosyanduData((row.kind, row.fields) for row in rows.all())


def _person_months(data: PosyanduData, now_month: Month) -> set[Month]:
    end = max(now_month, data.last_month or now_month)
    start = max(data.first_month or end, add_months(end, -(MAX_PERSON_MONTHS - 1)))
    months, month = set(), start
    while month <= end:
        months.add(month)
        month = add_months(month, 1)
    return months


def refresh_posyandu(
    session,
    posyandu_id: str,
    months: Iterable[Month],
    *,
    whole_range: bool = False,
    now: datetime | None = None,
    zone: str | None = None,
) -> int:
    """Recompute and store some months of one posyandu; return the number of rows written."""
    data = _load(session, posyandu_id)
    months = set(months)
    if whole_range:
        months |= _person_months(data, current_month(now, zone))
    stamp = now or utcnow()
    rows = [
        {
            "posyandu_id": posyandu_id,
            "period": period_of(m),
            **data.compute(m),
            "computed_at": stamp,
        }
        for m in sorted(months)
    ]
    _upsert(session, rows)
    return len(rows)


def refresh_desa(
    session,
    desa_codes: Iterable[str],
    periods: Iterable[str] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Recompute the desa rows (from live desa reports) of some desa; all periods when None."""
    codes = sorted(set(desa_codes))
    wanted = set(periods) if periods is not None else None
    reports: dict[tuple[str, str], dict] = {}
    connection = session.connection()
    for start in range(0, len(codes), 500):
        chunk = {"codes": codes[start : start + 500]}
        for row in connection.execute(statements.DESA_REPORTS, chunk).all():
            period = str(row.fields.get("period") or "")[:7]
            if wanted is None or period in wanted:
                reports[(row.desa_code, period)] = row.fields
    keys = set(reports)
    if wanted is not None:
        keys |= {(code, period) for code in codes for period in wanted}
    stamp = now or utcnow()
    rows = [
        {
            "posyandu_id": DESA_PREFIX + code,
            "period": period,
            "values": {},
            "counts": {},
            "extra": desa_extra(reports.get((code, period))),
            "computed_at": stamp,
        }
        for code, period in sorted(keys)
    ]
    _upsert(session, rows)
    return len(rows)


TRACKED_KINDS = (*POSYANDU_KINDS, "desa_report")
# A record's state before a change set touched it: (kind, posyandu_id, desa_code, person_id,
# deleted, fields); None for a record the change set created.
Original = tuple
# Records the write path already read: (id -> Original as it stands now, persons covered).
Known = tuple[Mapping[str, Original], set[str]]


@dataclass
class Dirty:
    """What a change set made stale: posyandu months, whole posyandu (a person changed), desa
    periods, and per posyandu the persons whose records changed.

    ``ilp_months``: of a posyandu's months, those whose ILP indicators and doses can have moved;
    ``served_months``: those where only the age clusters' "served" can have. A child visit
    without antigens (before and after) counts in the ILP indicators only as its own month's
    "served balita"; in the next month it moves N/T alone. So the touched persons' other ILP
    parts are not computed twice to cancel out (``PosyanduData.compute(ilp=...)``).
    """

    now_month: Month
    months: dict[str, set[Month]] = field(default_factory=lambda: defaultdict(set))
    ilp_months: dict[str, set[Month]] = field(default_factory=lambda: defaultdict(set))
    served_months: dict[str, set[Month]] = field(default_factory=lambda: defaultdict(set))
    whole: set[str] = field(default_factory=set)
    desa: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    touched: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def note(self, kind: str, posyandu_id, desa_code, person_id, fields: Mapping) -> None:
        """Note the months one record's state counts in (before or after a change)."""
        if kind in PERSON_KINDS and posyandu_id and person_id:
            self.touched[posyandu_id].add(person_id)
        if kind == "desa_report":
            if desa_code and fields.get("period"):
                self.desa[desa_code].add(str(fields["period"])[:7])
            return
        if kind not in POSYANDU_KINDS or not posyandu_id:
            return
        months = dirty_months(kind, fields, self.now_month)
        if months is None:
            self.whole.add(posyandu_id)
            return
        self.months[posyandu_id] |= months
        if kind == "child_visit" and not fields.get("immunizations"):
            self.served_months[posyandu_id] |= months & {event_month(kind, fields)}
        else:
            self.ilp_months[posyandu_id] |= months

    def ilp_parts(self, posyandu_id: str) -> Callable[[Month], str]:
        """Return month -> how much of the ILP part can have moved in it (``ILP_ALL``...)."""
        if posyandu_id in self.whole:
            return lambda _month: ILP_ALL
        full = self.ilp_months.get(posyandu_id, set())
        served = self.served_months.get(posyandu_id, set())
        return lambda m: ILP_ALL if m in full else ILP_SERVED if m in served else ILP_NONE


def _subtract_add(row, old: dict, new: dict) -> dict | None:
    """Return ``row - old + new`` (values, counts, extra), or None if anything goes negative.

    None too for a row computed before an indicator existed (it lacks the key): it is recomputed.
    """
    if set(new["values"]) - set(row.values):
        return None
    values = {}
    for key, (n, d) in row.values.items():
        o, w = old["values"].get(key, (0, 0)), new["values"].get(key, (0, 0))
        if key == "opened":
            o = w = (0, 0)
        values[key] = [n - o[0] + w[0], d - o[1] + w[1]]
    counts = {
        key: c - old["counts"].get(key, 0) + new["counts"].get(key, 0)
        for key, c in row.counts.items()
    }
    extra = {}
    for group in ("immunizations", "vitamin_a"):
        total = defaultdict(int, (row.extra or {}).get(group) or {})
        for code, n in old["extra"][group].items():
            total[code] -= n
        for code, n in new["extra"][group].items():
            total[code] += n
        extra[group] = {code: n for code, n in sorted(total.items()) if n}
        if any(n < 0 for n in total.values()):
            return None
    if any(v < 0 for pair in values.values() for v in pair) or any(c < 0 for c in counts.values()):
        return None
    return {"values": values, "counts": counts, "extra": extra}


NOTHING = {"values": {}, "counts": {}, "extra": {"immunizations": {}, "vitamin_a": {}}}


def _contribution(rows: list):
    """Return (month, ilp) -> the touched persons' part of a row (nothing at all without records:
    the persons a push creates had none before, and computing an empty month costs a millisecond)."""
    if not rows:
        return lambda _month, ilp=ILP_ALL: NOTHING
    return PosyanduData(rows).compute


def _opened(session, posyandu_id: str) -> PosyanduData:
    rows = session.connection().execute(statements.SESSIONS, {"posyandu_id": posyandu_id})
    rows = rows.scalars()
    return PosyanduData(("posyandu_session", f) for f in rows)


def _current_states(session, persons: set[str], known: Known | None = None) -> dict[str, Original]:
    """Return the stored state of every record of some persons (the person_id index only).

    ``known``: states the write path already read (``ChangeSet.current_person_states``), and the
    persons they cover completely (their live records; a deleted one counts nowhere unless it
    changed now, and then it is there): only the other persons are read.
    """
    states, covered = known or ({}, set())
    ids = sorted(persons - covered)
    current: dict[str, Original] = {
        i: state for i, state in states.items() if state[3] in persons and state[0] in PERSON_KINDS
    }
    columns = (
        Record.id,
        Record.kind,
        Record.posyandu_id,
        Record.desa_code,
        Record.person_id,
        Record.deleted,
        Record.fields,
    )
    for start in range(0, len(ids), 500):
        query = sa.select(*columns).where(Record.person_id.in_(ids[start : start + 500]))
        for row in session.execute(query):
            if row.kind in PERSON_KINDS:
                current[row.id] = tuple(row)[1:]
    return current


def _person_rows(
    session, posyandu_id: str, persons: set[str], originals: Mapping, known: Known | None = None
):
    """Return the touched persons' live records in a posyandu (kind, fields): before and now."""
    current = _current_states(session, persons, known)
    old_rows, new_rows = [], []
    for record_id, state in current.items():
        if state[1] == posyandu_id and not state[4]:
            new_rows.append((state[0], state[5]))
        before = originals.get(record_id, state) if record_id in originals else state
        if before is not None and before[1] == posyandu_id and not before[4]:
            old_rows.append((before[0], before[5]))
    for record_id, before in originals.items():  # records moved to another person
        if (
            record_id not in current
            and before is not None
            and before[0] in PERSON_KINDS
            and before[3] in persons
            and before[1] == posyandu_id
            and not before[4]
        ):
            old_rows.append((before[0], before[5]))
    return old_rows, new_rows


def _refresh_delta(
    session,
    posyandu_id: str,
    months: set[Month],
    persons: set[str],
    originals: Mapping,
    now: datetime | None,
    known: Known | None = None,
    ilp_parts: Callable[[Month], str] | None = None,
) -> set[Month]:
    """Update existing rows by the change of the touched persons' records; return months left.

    Every indicator except "opened" is a sum over persons (KEK over pregnancies, each one
    person's), so a month's row changes by (the touched persons' contribution now) minus (their
    contribution when the row was computed); "opened" is recomputed from the sessions. In a
    month the ILP parts ``ilp_parts`` says cannot have moved are kept (None: every part moves).
    """
    periods = {period_of(m): m for m in months}
    existing = {
        row.period: row
        for row in session.connection().execute(
            statements.MONTH_ROWS, {"posyandu_id": posyandu_id, "periods": list(periods)}
        )
    }
    if not existing:
        return months
    old_rows, new_rows = _person_rows(session, posyandu_id, persons, originals, known)
    old_data, new_data = _contribution(old_rows), _contribution(new_rows)
    sessions = _opened(session, posyandu_id)
    stamp = now or utcnow()
    rows, left = [], set()
    for period, month in sorted(periods.items()):
        row = existing.get(period)
        ilp = ILP_ALL if ilp_parts is None else ilp_parts(month)
        updated = row and _subtract_add(row, old_data(month, ilp), new_data(month, ilp))
        if not updated:
            left.add(month)
            continue
        updated["values"]["opened"] = sessions.compute_opened(month)
        rows.append({"posyandu_id": posyandu_id, "period": period, **updated, "computed_at": stamp})
    _upsert(session, rows)
    return left


def refresh_for_changes(
    session,
    changed_records: Iterable[Record],
    originals: Mapping[str, Original | None],
    *,
    now: datetime | None = None,
    zone: str | None = None,
    known: Known | None = None,
) -> int:
    """Recompute the aggregates touched by the records changed in this transaction.

    ``originals`` holds each changed record's state before the change (None when new), as the
    write path (server/sync/changes.py) kept it: a record that left a posyandu or a month must
    be taken out of that row too.
    """
    dirty = Dirty(current_month(now, zone))
    for row in changed_records:
        dirty.note(row.kind, row.posyandu_id, row.desa_code, row.person_id, row.fields or {})
    session.flush()
    for before in originals.values():
        if before is not None:
            kind, posyandu_id, desa_code, person_id, _, fields = before
            dirty.note(kind, posyandu_id, desa_code, person_id, fields)
    posyandu = sorted(set(dirty.months) | dirty.whole)
    _lock(session, sorted(posyandu + list(dirty.desa)))
    apply_deltas(session, _weighing_deltas(changed_records, originals))
    written = 0
    for posyandu_id in posyandu:
        written += _refresh_one(session, posyandu_id, dirty, originals, now, zone, known)
    for code, periods in sorted(dirty.desa.items()):
        written += refresh_desa(session, [code], periods, now=now)
    return written


def _weighing_deltas(changed_records: Iterable[Record], originals: Mapping) -> Counter:
    """Return the change of the weighings per (posyandu, day): -1 for a changed record as it was,
    +1 as it is. A record not in ``originals`` was only touched (a new position): no change."""
    deltas: Counter = Counter()
    for row in changed_records:
        if row.id not in originals:
            continue
        before = originals[row.id]
        if before is not None:
            kind, posyandu_id, _, _, deleted, fields = before
            day = event_date_of(kind, fields)
            if is_weighing(kind, posyandu_id, day, deleted, fields):
                deltas[(posyandu_id, day)] -= 1
        if is_weighing(row.kind, row.posyandu_id, row.event_date, row.deleted, row.fields):
            deltas[(row.posyandu_id, row.event_date)] += 1
    return deltas


def _refresh_one(
    session, posyandu_id: str, dirty: Dirty, originals, now, zone, known: Known | None = None
) -> int:
    """Refresh one posyandu's dirty months: by difference where possible, else in full."""
    wanted = set(dirty.months.get(posyandu_id, ()))
    whole = posyandu_id in dirty.whole
    if whole:
        first = session.execute(
            sa.select(sa.func.min(IndicatorMonth.period)).where(
                IndicatorMonth.posyandu_id == posyandu_id
            )
        ).scalar()
        if first is None:
            return refresh_posyandu(
                session, posyandu_id, wanted, whole_range=True, now=now, zone=zone
            )
        end = max(dirty.now_month, *wanted) if wanted else dirty.now_month
        month = max(parse_period(first), add_months(end, -(MAX_PERSON_MONTHS - 1)))
        while month <= end:
            wanted.add(month)
            month = add_months(month, 1)
    persons = dirty.touched.get(posyandu_id, set())
    parts = dirty.ilp_parts(posyandu_id)
    left = _refresh_delta(session, posyandu_id, wanted, persons, originals, now, known, parts)
    written = len(wanted) - len(left)
    if left:
        written += refresh_posyandu(
            session, posyandu_id, left, whole_range=whole and left == wanted, now=now, zone=zone
        )
    return written


def rebuild_all(session, *, now: datetime | None = None, zone: str | None = None) -> int:
    """Recompute every aggregate from the records (after a migration, or in tests)."""
    session.flush()
    session.execute(sa.delete(IndicatorMonth))
    written = 0
    posyandu = sorted(
        p
        for (p,) in session.execute(
            sa.select(Record.posyandu_id)
            .where(Record.kind.in_(POSYANDU_KINDS), Record.posyandu_id.is_not(None))
            .distinct()
        )
    )
    for posyandu_id in posyandu:
        written += refresh_posyandu(session, posyandu_id, (), whole_range=True, now=now, zone=zone)
    codes = [
        c
        for (c,) in session.execute(
            sa.select(Record.desa_code)
            .where(Record.kind == "desa_report", Record.desa_code.is_not(None))
            .distinct()
        )
    ]
    written += refresh_desa(session, codes, now=now)
    rebuild_days(session)
    return written
