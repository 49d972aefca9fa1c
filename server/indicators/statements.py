"""The indicator upkeep's statements, built once and run with bound parameters.

A one-visit push spent more in SQLAlchemy building, cache-keying and compiling its small
statements than in the SQL itself: each statement here is built once (per database for an
upsert), so a call only binds its values (``sa.bindparam(..., expanding=True)`` for an id list)
and SQLAlchemy finds its compiled form by the statement's memoised cache key. They run in Core
on the session's connection (the ORM adds nothing to a row of columns or an upsert).
"""

from __future__ import annotations

import functools

import sqlalchemy as sa

from server.models import IndicatorMonth, Record, WeighingDay

RECORD = Record.__table__
MONTH = IndicatorMonth.__table__
DAY = WeighingDay.__table__


def expanding(name: str) -> sa.BindParameter:
    """Return an IN list's parameter (its type comes from the column it is compared with)."""
    return sa.bindparam(name, expanding=True)


def _insert(dialect_name: str):
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@functools.cache
def upsert_month(dialect_name: str):
    """INSERT … ON CONFLICT DO UPDATE of ``indicator_month`` rows (run as an executemany)."""
    stmt = _insert(dialect_name)(MONTH)
    return stmt.on_conflict_do_update(
        index_elements=[MONTH.c.posyandu_id, MONTH.c.period],
        set_={name: stmt.excluded[name] for name in ("values", "counts", "extra", "computed_at")},
    )


@functools.cache
def add_weighings(dialect_name: str):
    """INSERT … ON CONFLICT DO UPDATE adding to ``weighing_day`` counts (run as an executemany)."""
    stmt = _insert(dialect_name)(DAY)
    return stmt.on_conflict_do_update(
        index_elements=[DAY.c.day, DAY.c.posyandu_id],
        set_={"weighings": DAY.c.weighings + stmt.excluded.weighings},
    )


# refresh._lock: the posyandu / desa facility rows, in id order (PostgreSQL).
LOCK_FACILITIES = (
    sa.select(RECORD.c.id)
    .where(RECORD.c.id.in_(expanding("ids")))
    .order_by(RECORD.c.id)
    .with_for_update()
)
_LIVE = RECORD.c.deleted.is_(False)
# refresh._load: a posyandu's records of the kinds its indicators count.
POSYANDU_RECORDS = sa.select(RECORD.c.kind, RECORD.c.fields).where(
    RECORD.c.posyandu_id == sa.bindparam("posyandu_id"),
    RECORD.c.kind.in_(expanding("kinds")),
    _LIVE,
)
# refresh._opened: a posyandu's sessions.
SESSIONS = sa.select(RECORD.c.fields).where(
    RECORD.c.posyandu_id == sa.bindparam("posyandu_id"),
    RECORD.c.kind == "posyandu_session",
    _LIVE,
)
# refresh.refresh_desa: the live desa reports of some desa.
DESA_REPORTS = sa.select(RECORD.c.desa_code, RECORD.c.fields).where(
    RECORD.c.kind == "desa_report", _LIVE, RECORD.c.desa_code.in_(expanding("codes"))
)
# refresh._refresh_delta: a posyandu's stored rows of some periods.
MONTH_ROWS = sa.select(MONTH).where(
    MONTH.c.posyandu_id == sa.bindparam("posyandu_id"), MONTH.c.period.in_(expanding("periods"))
)

# weighing_day.apply_deltas: the rows of the touched (posyandu, day) pairs at or below zero.
_TOUCHED_DAYS = (
    DAY.c.day.in_(expanding("days")),
    DAY.c.posyandu_id.in_(expanding("posyandu")),
    DAY.c.weighings <= 0,
)
NEGATIVE_DAYS = sa.select(DAY.c.posyandu_id, DAY.c.day).where(*_TOUCHED_DAYS, DAY.c.weighings < 0)
DELETE_EMPTY_DAYS = sa.delete(DAY).where(*_TOUCHED_DAYS)
