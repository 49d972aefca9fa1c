"""What the signed-in user may read: records, areas, posyandu and devices (``g.scope``).

Records go through ``read_filter()``; areas, posyandu and devices through the scope keys of their
unit (``can_read``, the Python twin of the filter). The hierarchy rules (which keys a unit has,
which area holds what) live in ``server.scope``. An area or record outside the scope answers 404.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, g

from server.extensions import db
from server.indicators import rollup
from server.models import Device, Record, User
from server.scope import AREA_COLUMNS, FacilityIndex, ScopeKeys, keys_of_unit
from server.web.params import WILAYAH_RE

WILAYAH_LEVELS = ("kabupaten", "kecamatan", "desa")  # areas that are wilayah records
FACILITY_LEVELS = ("puskesmas", "posyandu")  # areas that are facility records

# -- records --------------------------------------------------------------------------------------


def in_scope(query, model=Record):
    """Add the viewer's read filter to a query."""
    return query.where(g.scope.read_filter(model))


def readable(query):
    """Add the user's scope to a query on ``record`` and leave deleted records out."""
    return in_scope(query).where(Record.deleted.is_(False))


def reference(kind: str, code: str) -> dict | None:
    """Return a wilayah or facility record's fields (reference kinds are readable by everyone)."""
    row = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == kind, Record.id == code))
    ).first()
    return row.fields if row else None


def unit_names() -> dict[str, str]:
    """Return the names of facilities and wilayah (reference records, small)."""
    rows = db.session.execute(
        sa.select(Record.id, Record.fields).where(
            Record.kind.in_(("facility", "wilayah")), Record.deleted.is_(False)
        )
    )
    return {row.id: row.fields.get("name") or row.id for row in rows}


def wilayah_names() -> dict[str, str]:
    """Return the names of the wilayah (kabupaten, kecamatan, desa) by code."""
    rows = db.session.execute(
        sa.select(Record.id, Record.fields).where(
            Record.kind == "wilayah", Record.deleted.is_(False)
        )
    ).all()
    return {r.id: r.fields.get("name") or r.id for r in rows}


# -- areas ----------------------------------------------------------------------------------------


def area_of(code: str) -> tuple[str, dict]:
    """Return ``(level, fields)`` of an area code the user may see, or abort with 404.

    A wilayah (kabupaten, kecamatan, desa) or a puskesmas or posyandu; the user may see it when
    it holds records they may read (``Scope.can_read_area``; the kabupaten always).
    """
    if WILAYAH_RE.match(code):
        kind, levels, fields = "level", WILAYAH_LEVELS, reference("wilayah", code)
    else:
        kind, levels, fields = "kind", FACILITY_LEVELS, reference("facility", code)
    level = (fields or {}).get(kind)
    if level not in levels or not g.scope.can_read_area(
        level, code, FacilityIndex.load(db.session)
    ):
        abort(404)
    return level, fields


def area_condition(level: str, code: str):
    """Return the SQL condition selecting records of an area (combine with ``readable``)."""
    if level == "kabupaten":
        return Record.kecamatan_code.like(code + "%")
    return getattr(Record, AREA_COLUMNS[level]) == code


def unit_row(period: str, level: str, code: str) -> dict | None:
    """Return the month's figures of one unit (None when the user reads nothing of it)."""
    rows = rollup.indicator_rows(db.session, g.scope, period, level, parent=code)
    return next((row for row in rows if row["code"] == code), None)


# -- posyandu and devices -------------------------------------------------------------------------


def device_pairs(session) -> list[tuple[Device, User]]:
    """Return every (device, user) pair, by username and device age."""
    return session.execute(
        sa.select(Device, User)
        .join(User, Device.user_id == User.id)
        .order_by(User.username, Device.created_at)
    ).all()


def devices_in_scope(session, facilities: FacilityIndex) -> list[tuple[Device, User]]:
    """Return (device, user) pairs whose user's unit lies in the viewer's scope."""
    scope = g.scope
    return [
        (d, u)
        for d, u in device_pairs(session)
        if scope.everything
        or scope.can_read("person", keys_of_unit(u.unit, facilities, role=u.role))
    ]


def posyandu_in_scope(facilities: FacilityIndex) -> list[dict]:
    """Return the posyandu facilities the viewer may read, by name."""
    scope = g.scope
    return sorted(
        (
            f
            for f in facilities.of_kind("posyandu")
            if scope.everything or scope.can_read("person", ScopeKeys.of_posyandu(f))
        ),
        key=lambda f: (f.get("parent_id") or "", f.get("name") or ""),
    )


def posyandu_last_sync(pairs: list[tuple[Device, User]]) -> dict[str, dt.datetime]:
    """Return the latest push or pull of any device of a user attached to each posyandu."""
    last: dict[str, dt.datetime] = {}
    for device, user in pairs:
        stamps = [s for s in (device.last_push_at, device.last_pull_at) if s is not None]
        if stamps and (user.unit not in last or max(stamps) > last[user.unit]):
            last[user.unit] = max(stamps)
    return last
