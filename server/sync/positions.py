"""The change-log counter: positions for changed records, the write lock it gives, and the
bulk insert the write path uses.

Every write transaction takes its positions from one counter row at commit, so writers are
serialised there on both databases. A writer that must decide on what it reads (a person merge)
takes the same row first, before reading.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa

from server.models import SyncCounter


def allocate_positions(session, count: int) -> range:
    """Take ``count`` change-log positions from the single-row counter (serialises at commit)."""
    if count == 0:
        return range(0)
    end = session.connection().execute(_TAKE, {"count": count}).scalar_one()
    return range(end - count + 1, end + 1)


# Built once, run in Core: building, cache-keying and the ORM's update path cost more than the
# statement (no SyncCounter object is kept in a session to synchronise).
_COUNTER = SyncCounter.__table__
_TAKE = (
    sa.update(_COUNTER)
    .where(_COUNTER.c.id == 1)
    .values(value=_COUNTER.c.value + sa.bindparam("count", type_=sa.BigInteger))
    .returning(_COUNTER.c.value)
)


def take_write_lock(session) -> None:
    """Take the database's write lock now, before reading what the write decides on.

    Touching the counter row is SQLite's first write (its one writer lock, waited for by
    busy_timeout) and a row lock on PostgreSQL; a second writer doing the same waits, then reads
    the first one's result.
    """
    session.execute(
        sa.update(SyncCounter).where(SyncCounter.id == 1).values(value=SyncCounter.value)
    )


def insert_in_runs(session, table, rows: list[dict]) -> None:
    """Insert rows in their order, one executemany per run of rows with the same columns.

    A row leaves out what it does not set, so the column keeps its default (a None given to a
    JSON column would be stored as JSON null). No autoflush: the caller's pending ORM changes
    are flushed when it chooses (a change set's new records once, with their derived values).

    Each run's statement is compiled once and its values converted by the columns' own bind
    processors (JSON text, UTC timestamps) in one loop: SQLAlchemy's per-row parameter
    handling for an executemany of Core inserts was a twelfth of a bulk push.
    """
    runs: list[list[dict]] = []
    for row in rows:
        if not runs or runs[-1][-1].keys() != row.keys():
            runs.append([])
        runs[-1].append(row)
    with session.no_autoflush:
        connection = session.connection()
        for run in runs:
            _insert_run(connection, table, list(run[0]), run)


def _insert_run(connection, table, columns: list[str], run: list[dict]) -> None:
    sql, order, convert, positional = _compiled_insert(table, tuple(columns), connection.dialect)
    params = []
    for row in run:
        values = [row[name] for name in order]
        for i, f in convert:  # JSON, timestamps, dates: a few columns; text goes as it is
            values[i] = f(values[i])
        params.append(tuple(values) if positional else dict(zip(order, values, strict=True)))
    connection.exec_driver_sql(sql, params)


@functools.lru_cache(maxsize=64)
def _compiled_insert(table, columns: tuple[str, ...], dialect) -> tuple:
    """Return an insert's SQL, its parameter order, the converters by position, and whether the
    parameters are positional (compiling took a millisecond: once per table, columns and
    database)."""
    compiled = table.insert().values({c: sa.bindparam(c) for c in columns}).compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positional else columns
    convert = tuple(
        (i, f)
        for i, name in enumerate(order)
        if (f := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return str(compiled), order, convert, compiled.positional
