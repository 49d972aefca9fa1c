"""The change-log counter: positions for changed records, and the write lock it gives.

Every write transaction takes its positions from one counter row at commit, so writers are
serialised there on both databases. A writer that must decide on what it reads (a person merge)
takes the same row first, before reading.
"""

from __future__ import annotations

import sqlalchemy as sa

from server.models import SyncCounter


def allocate_positions(session, count: int) -> range:
    """Take ``count`` change-log positions from the single-row counter (serialises at commit)."""
    if count == 0:
        return range(0)
    stmt = (
        sa.update(SyncCounter)
        .where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + count)
        .returning(SyncCounter.value)
    )
    end = session.execute(stmt).scalar_one()
    return range(end - count + 1, end + 1)


def take_write_lock(session) -> None:
    """Take the database's write lock now, before reading what the write decides on.

    Touching the counter row is SQLite's first write (its one writer lock, waited for by
    busy_timeout) and a row lock on PostgreSQL; a second writer doing the same waits, then reads
    the first one's result.
    """
    session.execute(
        sa.update(SyncCounter).where(SyncCounter.id == 1).values(value=SyncCounter.value)
    )
