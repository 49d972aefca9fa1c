"""The app's weighings per posyandu and day (``weighing_day``), kept current on write (issue #16).

Rekonsiliasi sets the app's weighings beside the paper register's, per month and per week of
hari buka. Counting them from the records means reading every child visit of the month (about
40,000 at district scale) and its JSON; this table holds the count per (day, posyandu), a few
thousand small rows a month at most.

``apply_deltas`` runs inside the writing transaction (``refresh.refresh_for_changes``, after the
posyandu were locked). Each child visit the change set touched counts -1 on its (posyandu, day)
as it was before and +1 as it is now, when it was (is) a live visit with a weight; the sums are
added to the stored rows in one upsert. Recounting those days from the records instead read every
visit of the day (a bench posyandu weighs 5,000 children on one day: 78 ms a push on SQLite).
A row that would go negative (the table was wrong) is recounted from the records; rows at 0 go.
So a row always equals the live visits with a weight of that day; ``rebuild`` restores the
whole table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from server.indicators import statements
from server.models import Record, WeighingDay

KIND = "child_visit"


def _weighed(query):
    """Restrict a query on ``record`` to live child visits with a weight."""
    return query.where(
        Record.kind == KIND,
        Record.deleted.is_(False),
        Record.fields["weight_kg"].as_float().is_not(None),
        Record.posyandu_id.is_not(None),
        Record.event_date.is_not(None),
    )


def _counted():
    return sa.select(Record.event_date, Record.posyandu_id, sa.func.count())


def is_weighing(kind, posyandu_id, day, deleted, fields) -> bool:
    """Tell whether a record's state counts as a weighing (as ``_weighed`` selects in SQL)."""
    return (
        kind == KIND
        and not deleted
        and bool(posyandu_id)
        and day is not None
        and (fields or {}).get("weight_kg") is not None
    )


def apply_deltas(session, deltas: Mapping[tuple[str, dt.date], int]) -> int:
    """Add per-(posyandu, day) changes to the stored counts; return the pairs touched."""
    deltas = {pair: n for pair, n in deltas.items() if n}
    if not deltas:
        return 0
    rows = [{"day": d, "posyandu_id": p, "weighings": n} for (p, d), n in sorted(deltas.items())]
    connection = session.connection()
    connection.execute(statements.add_weighings(connection.dialect.name), rows)
    touched = {"posyandu": sorted({p for p, _ in deltas}), "days": sorted({d for _, d in deltas})}
    wrong = connection.execute(statements.NEGATIVE_DAYS, touched).all()
    connection.execute(statements.DELETE_EMPTY_DAYS, touched)
    if wrong:
        refresh_days(session, [tuple(pair) for pair in wrong])
    return len(deltas)


def refresh_days(session, pairs: Iterable[tuple[str, dt.date]]) -> int:
    """Recount the weighings of some (posyandu, day) pairs from the records; return the rows
    written."""
    pairs = {(p, d) for p, d in pairs if p and d}
    if not pairs:
        return 0
    posyandu, days = sorted({p for p, _ in pairs}), sorted({d for _, d in pairs})
    query = _weighed(_counted()).where(
        Record.event_date.in_(days), Record.posyandu_id.in_(posyandu)
    )
    found = session.execute(query.group_by(Record.event_date, Record.posyandu_id)).all()
    table = WeighingDay.__table__
    session.execute(
        sa.delete(table).where(table.c.day.in_(days), table.c.posyandu_id.in_(posyandu))
    )
    rows = [{"day": d, "posyandu_id": p, "weighings": n} for d, p, n in found]
    if rows:
        session.execute(sa.insert(table), rows)
    return len(rows)


def rebuild(session) -> int:
    """Recount every (day, posyandu) from the records."""
    table = WeighingDay.__table__
    session.execute(sa.delete(table))
    counted = _weighed(_counted()).group_by(Record.event_date, Record.posyandu_id)
    insert = sa.insert(table).from_select(["day", "posyandu_id", "weighings"], counted)
    session.execute(insert)
    return session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def weighings_by_day(session, first: dt.date, last: dt.date, ids: list[str]) -> dict:
    """Return the app's weighings per (posyandu, day) between two days, for some posyandu."""
    query = sa.select(WeighingDay.posyandu_id, WeighingDay.day, WeighingDay.weighings).where(
        WeighingDay.day.between(first, last), WeighingDay.posyandu_id.in_(ids or [""])
    )
    return {(p, d): n for p, d, n in session.execute(query)}


def weighings_by_month(session, first: dt.date, last: dt.date, ids: list[str]) -> dict:
    """Return the app's weighings per posyandu summed between two days."""
    query = sa.select(WeighingDay.posyandu_id, sa.func.sum(WeighingDay.weighings)).where(
        WeighingDay.day.between(first, last), WeighingDay.posyandu_id.in_(ids or [""])
    )
    return {p: int(n) for p, n in session.execute(query.group_by(WeighingDay.posyandu_id))}


def weighings_in_weeks(session, weeks: dict[dt.date, list[str]]) -> dict[dt.date, int]:
    """Return, per Monday, the weighings of the week's posyandu in that week (Monday–Sunday):
    one sum per week (at most six), each a range of the primary key (day, posyandu_id)."""
    found = {}
    for monday, ids in weeks.items():
        query = sa.select(sa.func.coalesce(sa.func.sum(WeighingDay.weighings), 0)).where(
            WeighingDay.day.between(monday, monday + dt.timedelta(days=6)),
            WeighingDay.posyandu_id.in_(ids or [""]),
        )
        found[monday] = int(session.execute(query).scalar_one())
    return found
