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
  month before a posyandu's first record was ever shown);
- anc_visit, posyandu_session: their month; desa_report: its period, for its desa.

A dirty month whose row exists is updated by difference: every indicator except "opened" is a sum
over persons (KEK over pregnancies, each one person's), so the row changes by the touched persons'
contribution now minus their contribution when the row was last computed. Their earlier state is
handed in by the write path (``ChangeSet.originals``: each record's state before the change set
touched it; new records have none): an explicit argument, not a session listener. "opened" is recomputed from the sessions. A month without a
row (or a difference that would go negative) is computed in full: the posyandu's records are loaded
once and ``month_indicators`` runs on them. So a push costs what it changed, not the posyandu's size.

The invariant: each row equals ``month_indicators`` over the records as of the last refresh. Every
write goes through ``server.sync.changes.ChangeSet``, whose commit calls ``refresh_for_changes``;
``rebuild_all`` restores it from scratch. On PostgreSQL the dirty posyandu's facility rows are locked
first (in id order) so two concurrent pushes into one posyandu refresh one after the other; rows are
written with INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import sqlalchemy as sa

from server.models import IndicatorMonth, Record, utcnow
from shared.calendar import Month, add_months, current_month, parse_period, period_of
from shared.indicators import month_indicators
from shared.indicators.skdn import as_date

MAX_PERSON_MONTHS = 36
DESA_PREFIX = "desa:"
POSYANDU_KINDS = ("person", "child_visit", "anc_visit", "posyandu_session")
DESA_FIELDS = (
    "births_live",
    "births_still",
    "deaths_maternal",
    "deaths_neonatal",
    "deaths_infant",
    "deaths_under5",
)


def _month_of(value) -> Month | None:
    day = as_date(value) if value not in (None, "") else None
    return (day.year, day.month) if day else None


def _event_date(kind: str, fields: Mapping):
    if kind == "posyandu_session":
        return fields.get("session_date")
    if kind in ("child_visit", "anc_visit"):
        return fields.get("visit_date")
    return None


# -- computing ------------------------------------------------------------------------------------


class PosyanduData:
    """One posyandu's live records, loaded once, grouped for fast per-month computation."""

    def __init__(self, rows: Iterable[tuple[str, dict]]):
        self.persons: list[dict] = []
        self.visits_by_person: dict[str, list[dict]] = defaultdict(list)
        self.anc: list[dict] = []
        self.sessions: list[dict] = []
        self.first_month: Month | None = None
        self.last_month: Month | None = None
        for kind, fields in rows:
            if kind == "person":
                self.persons.append(fields)
                continue
            if kind == "child_visit":
                self.visits_by_person[fields.get("person_id")].append(fields)
            elif kind == "anc_visit":
                self.anc.append(fields)
            elif kind == "posyandu_session":
                self.sessions.append(fields)
            month = _month_of(_event_date(kind, fields))
            if month is not None:
                self.first_month = min(self.first_month or month, month)
                self.last_month = max(self.last_month or month, month)
        self.births = {
            p["id"]: b for p in self.persons if (b := as_date(p.get("birth_date"))) is not None
        }
        # Per person: (month index, date, visit) in date order, dates parsed once.
        self.dated: dict[str, list[tuple[int, date, dict]]] = {}
        for person_id, visits in self.visits_by_person.items():
            items = [
                ((d.year * 12 + d.month), d, v)
                for v in visits
                if (d := as_date(v.get("visit_date"))) is not None
            ]
            items.sort(key=lambda item: item[1])
            self.dated[person_id] = items

    def compute_opened(self, month: Month) -> list[int]:
        """Return "opened" ([1, 1] or [0, 1]) of one month from the sessions alone."""
        ratio = month_indicators([], [], *month, sessions=self.sessions).values["opened"]
        return [ratio.numerator, ratio.denominator]

    def compute(self, month: Month) -> dict:
        """Return the aggregate row values (values, counts, extra) of one month.

        Only what can change the month is passed to ``month_indicators``, giving the same result
        as passing everything without the cost: persons born by the month's end who are under five
        then or were measured in the month; of their visits, those of this month and the two before
        (N/T needs last month's weighing, 2T the month before) and one earlier weighing, which
        keeps "weighed before" (B) true.
        """
        year, mon = month
        last = date(year, mon, calendar.monthrange(year, mon)[1])
        index = year * 12 + mon
        persons, visits = [], []
        immunizations: dict[str, int] = defaultdict(int)
        vitamin_a: dict[str, int] = defaultdict(int)
        for person in self.persons:
            birth = self.births.get(person["id"])
            if birth is None or birth > last:
                continue
            own = self.dated.get(person["id"], ())
            recent, earlier = [], None
            for m, _, visit in own:
                if m > index:
                    break
                if m >= index - 2:
                    recent.append(visit)
                elif visit.get("weight_kg") is not None:
                    earlier = visit
            in_month = [v for m, _, v in own if m == index]
            if not in_month and (last.year - birth.year) * 12 + last.month - birth.month > 61:
                continue
            persons.append(person)
            if earlier is not None:
                visits.append(earlier)
            visits.extend(recent)
            for visit in in_month:
                for antigen in visit.get("immunizations") or ():
                    code = antigen.get("code") if isinstance(antigen, Mapping) else antigen
                    immunizations[str(code)] += 1
                given = visit.get("vitamin_a")
                if given and given != "none":
                    vitamin_a[str(given)] += 1
        result = month_indicators(
            persons, visits, year, mon, anc_visits=self.anc, sessions=self.sessions
        )
        return {
            "values": {k: [r.numerator, r.denominator] for k, r in result.values.items()},
            "counts": dict(result.counts),
            "extra": {
                "immunizations": dict(sorted(immunizations.items())),
                "vitamin_a": dict(sorted(vitamin_a.items())),
            },
        }


def desa_extra(report: Mapping | None) -> dict:
    """Return the desa figures kept from a desa report (all zero / None without one)."""
    report = report or {}
    out = {name: int(report.get(name) or 0) for name in DESA_FIELDS}
    out["odf_status"] = report.get("odf_status")
    out["reported"] = bool(report)
    return out


# -- writing --------------------------------------------------------------------------------------


def _upsert(session, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = IndicatorMonth.__table__
    for start in range(0, len(rows), 500):
        stmt = insert(table).values(rows[start : start + 500])
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.posyandu_id, table.c.period],
            set_={
                name: stmt.excluded[name] for name in ("values", "counts", "extra", "computed_at")
            },
        )
        session.execute(stmt)


def _lock(session, ids: list[str]) -> None:
    """Serialise concurrent aggregate writers per posyandu / desa (PostgreSQL; SQLite has one writer)."""
    if ids and session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(ids), 500):
            session.execute(
                sa.select(Record.id)
                .where(Record.id.in_(ids[start : start + 500]))
                .order_by(Record.id)
                .with_for_update()
            )


def _load(session, posyandu_id: str) -> PosyanduData:
    rows = session.execute(
        sa.select(Record.kind, Record.fields).where(
            Record.posyandu_id == posyandu_id,
            Record.kind.in_(POSYANDU_KINDS),
            Record.deleted.is_(False),
        )
    ).all()
    return PosyanduData((row.kind, row.fields) for row in rows)


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
    for start in range(0, len(codes), 500):
        for row in session.execute(
            sa.select(Record.desa_code, Record.fields).where(
                Record.kind == "desa_report",
                Record.deleted.is_(False),
                Record.desa_code.in_(codes[start : start + 500]),
            )
        ).all():
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


def _dirty(
    kind: str,
    posyandu_id,
    desa_code,
    fields: Mapping,
    now_month: Month,
    months: dict,
    whole: set,
    desa: dict,
) -> None:
    if kind == "desa_report":
        if desa_code and fields.get("period"):
            desa[desa_code].add(str(fields["period"])[:7])
        return
    if kind not in POSYANDU_KINDS or not posyandu_id:
        return
    if kind == "person":
        whole.add(posyandu_id)
        return
    month = _month_of(_event_date(kind, fields))
    if month is None:
        return
    months[posyandu_id].add(month)
    if kind == "child_visit" and add_months(month, 1) <= now_month:
        months[posyandu_id].add(add_months(month, 1))


PERSON_KINDS = ("person", "child_visit", "anc_visit")


def _subtract_add(row, old: dict, new: dict) -> dict | None:
    """Return ``row - old + new`` (values, counts, extra), or None if anything goes negative."""
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


def _opened(session, posyandu_id: str) -> PosyanduData:
    rows = session.execute(
        sa.select(Record.fields).where(
            Record.posyandu_id == posyandu_id,
            Record.kind == "posyandu_session",
            Record.deleted.is_(False),
        )
    ).scalars()
    return PosyanduData(("posyandu_session", f) for f in rows)


def _refresh_delta(
    session,
    posyandu_id: str,
    months: set[Month],
    persons: set[str],
    originals: Mapping,
    now: datetime | None,
) -> set[Month]:
    """Update existing rows by the change of the touched persons' records; return months left.

    Every indicator except "opened" is a sum over persons (KEK over pregnancies, each one
    person's), so a month's row changes by (the touched persons' contribution now) minus (their
    contribution when the row was computed); "opened" is recomputed from the sessions.
    """
    periods = {period_of(m): m for m in months}
    table = IndicatorMonth.__table__
    existing = {
        row.period: row
        for row in session.execute(
            sa.select(table).where(
                table.c.posyandu_id == posyandu_id, table.c.period.in_(list(periods))
            )
        )
    }
    if not existing:
        return months
    ids = sorted(persons)
    current: dict[str, Original] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(
            sa.select(
                Record.id,
                Record.kind,
                Record.posyandu_id,
                Record.desa_code,
                Record.person_id,
                Record.deleted,
                Record.fields,
            ).where(Record.person_id.in_(ids[start : start + 500]))
        ):  # the person_id index only
            if row.kind in PERSON_KINDS:
                current[row.id] = (
                    row.kind,
                    row.posyandu_id,
                    row.desa_code,
                    row.person_id,
                    row.deleted,
                    row.fields,
                )
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
    old_data, new_data = PosyanduData(old_rows), PosyanduData(new_rows)
    sessions = _opened(session, posyandu_id)
    stamp = now or utcnow()
    rows, left = [], set()
    for period, month in sorted(periods.items()):
        row = existing.get(period)
        updated = row and _subtract_add(row, old_data.compute(month), new_data.compute(month))
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
) -> int:
    """Recompute the aggregates touched by the records changed in this transaction.

    ``originals`` holds each changed record's state before the change (None when new), as the
    write path (server/sync/changes.py) kept it: a record that left a posyandu or a month must
    be taken out of that row too.
    """
    now_month = current_month(now, zone)
    months: dict[str, set[Month]] = defaultdict(set)
    whole: set[str] = set()
    desa: dict[str, set[str]] = defaultdict(set)
    touched: dict[str, set[str]] = defaultdict(set)
    for row in changed_records:
        _dirty(
            row.kind,
            row.posyandu_id,
            row.desa_code,
            row.fields or {},
            now_month,
            months,
            whole,
            desa,
        )
        if row.kind in PERSON_KINDS and row.posyandu_id and row.person_id:
            touched[row.posyandu_id].add(row.person_id)
    session.flush()
    for before in originals.values():
        if before is not None:
            kind, posyandu_id, desa_code, person_id, _, fields = before
            _dirty(kind, posyandu_id, desa_code, fields, now_month, months, whole, desa)
            if kind in PERSON_KINDS and posyandu_id and person_id:
                touched[posyandu_id].add(person_id)
    posyandu = sorted(set(months) | whole)
    _lock(session, sorted(posyandu + list(desa)))
    written = 0
    for posyandu_id in posyandu:
        wanted = set(months.get(posyandu_id, ()))
        if posyandu_id in whole:
            first = session.execute(
                sa.select(sa.func.min(IndicatorMonth.period)).where(
                    IndicatorMonth.posyandu_id == posyandu_id
                )
            ).scalar()
            if first is None:
                written += refresh_posyandu(
                    session, posyandu_id, wanted, whole_range=True, now=now, zone=zone
                )
                continue
            end = max(now_month, *wanted) if wanted else now_month
            month = max(parse_period(first), add_months(end, -(MAX_PERSON_MONTHS - 1)))
            while month <= end:
                wanted.add(month)
                month = add_months(month, 1)
        left = _refresh_delta(
            session, posyandu_id, wanted, touched.get(posyandu_id, set()), originals, now
        )
        if left:
            written += refresh_posyandu(
                session,
                posyandu_id,
                left,
                whole_range=posyandu_id in whole and left == wanted,
                now=now,
                zone=zone,
            )
        written += len(wanted) - len(left)
    for code, periods in sorted(desa.items()):
        written += refresh_desa(session, [code], periods, now=now)
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
    return written
