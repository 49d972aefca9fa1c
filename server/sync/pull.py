"""Pull, ids and fetch: scoped, paged reads of the commit-ordered change log (DESIGN.md section 4).

A record's ``change_seq`` is taken from the single-row counter inside the transaction that writes
it, so positions become visible in commit order. A page reads the counter *before* it reads rows
and never returns or skips past a position above that value: whatever is at or below it has
committed, so no slow transaction can commit a lower position behind the reader's cursor.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable

import sqlalchemy as sa

from server.models import Record, SyncCounter
from server.scope import Scope, ScopeKeys
from shared.sync.digest import Digest

MAX_POSITION = 2**62


class BadCursor(ValueError):
    """The cursor was not issued by this server (or was tampered with)."""


def encode_cursor(position: int, fingerprint: str, horizon: int = 0) -> str:
    """Return the opaque cursor for ``position`` under a scope fingerprint.

    ``horizon`` is the compaction horizon when the cursor was issued (left out while it is 0,
    so cursors from before compaction existed still read the same).
    """
    raw = f"1.{position}.{fingerprint}" + (f".{horizon}" if horizon else "")
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_cursor(cursor: str) -> tuple[int, str, int]:
    """Return ``(position, fingerprint, horizon at issue)`` from a cursor, or raise BadCursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        version, position, fingerprint, *rest = raw.split(".")
        value, horizon = int(position), int(rest[0]) if rest else 0
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    if (
        version != "1"
        or len(rest) > 1
        or not 0 <= value <= MAX_POSITION
        or not 0 <= horizon <= MAX_POSITION
        or not fingerprint.isalnum()
    ):
        raise BadCursor(cursor)
    return value, fingerprint, horizon


def decode_cursor(cursor: str) -> tuple[int, str]:
    """Return ``(position, fingerprint)`` from a cursor, or raise BadCursor."""
    return read_cursor(cursor)[:2]


class RawChanges(list):
    """Pulled rows whose ``fields`` are still JSON text; ``to_json`` writes the wire array."""

    def to_json(self) -> str:
        return (
            "["
            + ",".join(
                f'{{"id":{json.dumps(r.id)},"kind":{json.dumps(r.kind)},"version":{int(r.version)},'
                f'"deleted":{"true" if r.deleted else "false"},"fields":{r.fields_json}}}'
                for r in self
            )
            + "]"
        )


def change_of(row) -> dict:
    """Return the wire form of a record."""
    return {
        "id": row.id,
        "kind": row.kind,
        "version": row.version,
        "deleted": row.deleted,
        "fields": row.fields,
    }


def _page(session, scope: Scope, position: int, high: int, limit: int) -> tuple[list, bool]:
    """Return up to ``limit`` rows after ``position`` (at most ``high``) in scope, and ``more``.

    One ordered, limited query per scope branch (each walks its ``(column, change_seq)`` index),
    merged here: no sort of the whole scope per page. A row may match two branches; it is kept
    once. When a branch was cut at ``limit + 1`` rows, rows beyond its last position are held back
    for the next page, since other rows of that branch may lie before them.
    """
    # ``fields`` as its stored JSON text: the page is assembled without parsing and re-dumping it.
    columns = (
        Record.id,
        Record.kind,
        Record.version,
        Record.deleted,
        sa.cast(Record.fields, sa.Text).label("fields_json"),
        Record.change_seq,
    )
    merged: dict[str, object] = {}
    cut = None
    for branch in scope.read_branches():
        found = session.execute(
            sa.select(*columns)
            .where(Record.change_seq > position, Record.change_seq <= high, branch)
            .order_by(Record.change_seq)
            .limit(limit + 1)
        ).all()
        if len(found) > limit:
            cut = min(cut, found[-1].change_seq) if cut is not None else found[-1].change_seq
        for row in found:
            merged.setdefault(row.id, row)
    rows = sorted(merged.values(), key=lambda r: r.change_seq)
    if cut is not None:
        rows = [r for r in rows if r.change_seq <= cut]
    more = cut is not None or len(rows) > limit
    return rows[:limit], more


def scope_digest(session, scope: Scope) -> str:
    """Return the digest of every live record in scope (ids and versions, order-independent)."""
    digest = Digest()
    rows = session.execute(
        sa.select(Record.id, Record.version)
        .where(Record.deleted.is_(False), scope.read_filter())
        .execution_options(yield_per=5000)
    )
    for record_id, version in rows:
        digest.add(record_id, version)
    return str(digest)


def _horizon(session) -> int:
    return session.execute(sa.select(SyncCounter.horizon).where(SyncCounter.id == 1)).scalar_one()


def _reset(fingerprint: str, horizon: int) -> dict:
    """Return the answer telling a device to download its scope afresh."""
    return {
        "changes": [],
        "cursor": encode_cursor(0, fingerprint, horizon),
        "more": True,
        "reset": True,
    }


def pull(session, scope: Scope, cursor: str | None, limit: int, *, digest: bool = True) -> dict:
    """Return one page of changes after ``cursor`` within ``scope`` (the digest on the last page
    unless the client asked for none).

    A cursor of another scope answers ``reset``: the device downloads its scope afresh, keeping
    its unsent edits. So does a cursor issued before the last compaction that lies below its
    horizon: tombstones it has not seen may be gone (see compaction.py). A cursor issued after
    it (a download that began after the purge) carries on, even below the horizon: that device
    never held the purged records.
    """
    fingerprint = scope.fingerprint()
    high, horizon = session.execute(
        sa.select(SyncCounter.value, SyncCounter.horizon).where(SyncCounter.id == 1)
    ).one()
    position = 0
    if cursor:
        position, cursor_fingerprint, issued_under = read_cursor(cursor)
        if cursor_fingerprint != fingerprint or (issued_under < horizon and position < horizon):
            return _reset(fingerprint, horizon)
    rows, more = _page(session, scope, position, high, limit)
    if cursor and _horizon(session) > max(horizon, position):
        # A compaction committed while the page was read: its tombstones may be missing here.
        return _reset(fingerprint, _horizon(session))
    next_position = rows[-1].change_seq if more else max(high, position)
    body = {
        "changes": RawChanges(rows),
        "cursor": encode_cursor(next_position, fingerprint, horizon),
        "more": more,
        "reset": False,
    }
    if not more and digest:
        body["digest"] = scope_digest(session, scope)
    return body


def ids(session, scope: Scope, after: str | None, limit: int) -> dict:
    """Return the ids, kinds and versions of live records in scope, ordered by id."""
    query = (
        sa.select(Record.id, Record.kind, Record.version)
        .where(Record.deleted.is_(False), scope.read_filter())
        .order_by(Record.id)
        .limit(limit + 1)
    )
    if after:
        query = query.where(Record.id > after)
    rows = session.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    body = {
        "records": [{"id": r.id, "kind": r.kind, "version": r.version} for r in rows],
        "more": more,
        "next": rows[-1].id if more else None,
    }
    if not more:
        body["digest"] = scope_digest(session, scope)
    return body


def fetch(session, scope: Scope, record_ids: Iterable[str]) -> dict:
    """Return the current state of the given records that are in scope; list the others."""
    wanted = list(dict.fromkeys(record_ids))
    rows = session.execute(sa.select(Record).where(Record.id.in_(wanted))).scalars().all()
    found = {
        r.id: r
        for r in rows
        if scope.can_read(
            r.kind, ScopeKeys(r.posyandu_id, r.desa_code, r.kecamatan_code, r.puskesmas_id)
        )
    }
    return {
        "changes": [change_of(found[i]) for i in wanted if i in found],
        "missing": [i for i in wanted if i not in found],
    }
