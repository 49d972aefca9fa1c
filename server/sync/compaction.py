"""Compaction: purge old tombstones and old mutation-log rows; record the horizon.

The change log needs no compaction of its own: a record row holds only its newest position
(``record.change_seq`` is unique and overwritten on every change), so superseded positions are
gone the moment they are superseded. What grows without end is

- tombstones: a deleted record keeps its row (``deleted = true``) so that every device pulls the
  deletion. Once older than ``keep_days`` it is purged, and the highest position purged becomes
  the *compaction horizon* (``sync_counter.horizon``). A device whose cursor lies below the
  horizon may not have seen a purged deletion, so its next pull answers ``reset``: it downloads
  its scope afresh and keeps its unsent edits (``Store.reset_replica`` keeps every record with an
  outbox entry). A tombstone with a conflict stays, open or resolved (a resolved conflict can
  be reopened, and the reviewer then needs the record).
- the mutation log: exactly-once replay detection answers a resent seq from its log row, and a
  device resends only what it has not had an answer for. ``device.acked_seq`` marks what a device
  has had answered (it sent a batch, or a bundle, starting above it), so a row older than
  ``keep_days`` is purged only when its seq is at or below that mark (or its device is revoked:
  it can never push again), never the device's newest row, never one a conflict refers to.

A device offline longer than ``keep_days`` that still edits a record deleted meanwhile brings
it back (there is no tombstone left to conflict with): choose ``keep_days`` longer than devices
stay offline (the default CLI value is a year).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from server.models import Conflict, Device, MutationLog, Record, SyncCounter, utcnow

CHUNK = 1000


@dataclass
class CompactionReport:
    """What one compaction did, with the table sizes before and after (rows)."""

    cutoff: str
    records_before: int
    tombstones_before: int
    tombstones_purged: int
    records_after: int
    mutation_log_before: int
    mutation_log_purged: int
    mutation_log_after: int
    horizon_before: int
    horizon: int

    def to_dict(self) -> dict:
        """Return the report as JSON."""
        return asdict(self)


def _count(session, query) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()


def purge_tombstones(session, cutoff: datetime) -> tuple[int, int]:
    """Delete tombstones last changed before ``cutoff``; return (how many, highest position).

    The conditions are repeated in the DELETE: a record brought back meanwhile by a concurrent
    push is not deleted (PostgreSQL re-checks them after waiting for the row lock).
    """
    conditions = (
        Record.deleted.is_(True),
        Record.updated_at < cutoff,
        Record.id.not_in(sa.select(Conflict.record_id)),
    )
    purged, highest, after = 0, 0, -1
    while True:
        ids = (
            session.execute(
                sa.select(Record.id, Record.change_seq)
                .where(*conditions, Record.change_seq > after)
                .order_by(Record.change_seq)
                .limit(CHUNK)
            )
        ).all()
        if not ids:
            return purged, highest
        after = ids[-1].change_seq
        gone = session.execute(
            sa.delete(Record)
            .where(Record.id.in_([row.id for row in ids]), *conditions)
            .returning(Record.change_seq)
            .execution_options(synchronize_session=False)
        ).scalars()
        for position in gone:
            purged += 1
            highest = max(highest, position or 0)


def purge_mutation_log(session, cutoff: datetime) -> int:
    """Delete mutation-log rows no replay can need any more (see the module's docstring)."""
    row, other = so.aliased(MutationLog), so.aliased(MutationLog)
    newest = (
        sa.select(sa.func.max(other.seq)).where(other.device_id == row.device_id).scalar_subquery()
    )
    in_conflicts = sa.select(Conflict.mutation_id).where(Conflict.mutation_id.is_not(None))
    doomed = (
        sa.select(row.id)
        .join(Device, Device.id == row.device_id)
        .where(
            row.received_at < cutoff,
            sa.or_(row.seq <= Device.acked_seq, Device.revoked_at.is_not(None)),
            row.seq < newest,
            row.id.not_in(in_conflicts),
        )
    )
    return session.execute(
        sa.delete(MutationLog)
        .where(MutationLog.id.in_(doomed))
        .execution_options(synchronize_session=False)
    ).rowcount


def compaction_horizon(session) -> int:
    """Return the current compaction horizon (0: nothing was ever purged)."""
    return (
        session.execute(
            sa.select(SyncCounter.horizon).where(SyncCounter.id == 1)
        ).scalar_one_or_none()
        or 0
    )


def compact(session, keep_days: int, *, now: datetime | None = None) -> CompactionReport:
    """Purge tombstones and mutation-log rows older than ``keep_days``; the caller commits.

    The horizon is raised last, so the counter row (which every writer needs) is held only for
    the end of the transaction.
    """
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    records = sa.select(Record.id)
    tombstones = records.where(Record.deleted.is_(True))
    logs = sa.select(MutationLog.id)
    before = (_count(session, records), _count(session, tombstones), _count(session, logs))
    horizon_before = compaction_horizon(session)
    purged, highest = purge_tombstones(session, cutoff)
    logs_purged = purge_mutation_log(session, cutoff)
    horizon = max(horizon_before, highest)
    if horizon > horizon_before:
        session.execute(
            sa.update(SyncCounter)
            .where(SyncCounter.id == 1, SyncCounter.horizon < horizon)
            .values(horizon=horizon)
        )
    return CompactionReport(
        cutoff=cutoff.isoformat(timespec="seconds"),
        records_before=before[0],
        tombstones_before=before[1],
        tombstones_purged=purged,
        records_after=_count(session, records),
        mutation_log_before=before[2],
        mutation_log_purged=logs_purged,
        mutation_log_after=_count(session, logs),
        horizon_before=horizon_before,
        horizon=horizon,
    )
