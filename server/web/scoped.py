"""What the signed-in user may read: records, areas, posyandu and devices (``g.scope``).

Records go through ``read_filter()``; areas, posyandu and devices through the scope keys of their
unit (``can_read``, the Python twin of the filter). An area or record outside the scope answers 404.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, g

from server.extensions import db
from server.indicators import rollup
from server.models import Device, Record, User
from server.scope import FacilityIndex, ScopeKeys, scope_keys
from server.web.params import WILAYAH_RE

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

    An area is in scope when the user sees everything or it is one of (or inside) their units:
    a kabupaten holds all, a kecamatan/desa/puskesmas/posyandu must be in the user's scope sets.
    """
    scope = g.scope
    if WILAYAH_RE.match(code):
        fields = reference("wilayah", code)
        if fields is None:
            abort(404)
        level = fields.get("level")
        if level == "kabupaten" or scope.everything:
            return level, fields
        if level == "kecamatan" and code in scope.kecamatan:
            return level, fields
        if level == "desa" and (
            code in scope.desa or (scope.role == "kecamatan" and code[:6] in scope.kecamatan)
        ):
            return level, fields
        abort(404)
    fields = reference("facility", code)
    if fields is None or fields.get("kind") not in ("puskesmas", "posyandu"):
        abort(404)
    level = fields["kind"]
    if scope.everything:
        return level, fields
    if level == "puskesmas" and code in scope.puskesmas:
        return level, fields
    if level == "posyandu" and (
        code in scope.posyandu
        or fields.get("parent_id") in scope.puskesmas
        or (scope.role == "kecamatan" and fields.get("kecamatan_code") in scope.kecamatan)
    ):
        return level, fields
    abort(404)


def area_condition(level: str, code: str):
    """Return the SQL condition selecting records of an area (combine with ``readable``)."""
    if level == "kabupaten":
        return Record.kecamatan_code.like(code + "%")
    column = {
        "kecamatan": Record.kecamatan_code,
        "desa": Record.desa_code,
        "puskesmas": Record.puskesmas_id,
        "posyandu": Record.posyandu_id,
    }[level]
    return column == code


def unit_row(period: str, level: str, code: str) -> dict | None:
    """Return the month's figures of one unit (None when the user reads nothing of it)."""
    rows = rollup.indicator_rows(db.session, g.scope, period, level, parent=code)
    return next((row for row in rows if row["code"] == code), None)


# -- posyandu and devices -------------------------------------------------------------------------


def unit_keys(user: User, facilities: FacilityIndex) -> ScopeKeys:
    """Return the scope keys of a user's unit, so devices can be filtered like records."""
    if user.role in ("dinas", "admin"):
        return ScopeKeys()
    facility = facilities.get(user.unit)
    if facility is not None and facility.get("kind") in ("posyandu", "puskesmas"):
        keys = scope_keys("facility", facility, facilities)
        return keys if isinstance(keys, ScopeKeys) else ScopeKeys()
    unit = user.unit or ""
    if len(unit) == 10:
        return ScopeKeys(None, unit, unit[:6], facilities.puskesmas_for_desa(unit))
    if len(unit) == 6:
        return ScopeKeys(None, None, unit, None)
    return ScopeKeys()


def posyandu_keys(facility: dict) -> ScopeKeys:
    desa = facility.get("desa_code")
    return ScopeKeys(
        facility["id"],
        desa,
        facility.get("kecamatan_code") or (desa[:6] if desa else None),
        facility.get("parent_id"),
    )


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
        if scope.everything or scope.can_read("person", unit_keys(u, facilities))
    ]


def posyandu_in_scope(facilities: FacilityIndex) -> list[dict]:
    """Return the posyandu facilities the viewer may read, by name."""
    scope = g.scope
    return sorted(
        (
            f
            for f in facilities.of_kind("posyandu")
            if scope.everything or scope.can_read("person", posyandu_keys(f))
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
