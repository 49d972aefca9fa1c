"""Which month a page opens on, and whether a month is still running.

Ringkasan and Tren open on the newest month that has data in the viewer's scope (the newest
``indicator_month`` period of a readable posyandu, never a month after the current one), not on
the current month, which is usually almost empty. A month in progress is "berjalan" and shown
with its completeness (posyandu reporting / posyandu); Tren leaves such months and months without
any report out of its lines instead of drawing a cliff to 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, request

from server.extensions import db
from server.indicators import rollup
from server.models import IndicatorMonth
from server.scope import FacilityIndex, ScopeKeys
from server.web import local_zone
from server.web.params import parse_period
from shared import calendar

LOOK_BACK = 36  # months a page looks back for data before it falls back to last month


def readable_posyandu() -> list[str]:
    """Return the ids of the posyandu whose records the viewer may read."""
    facilities = FacilityIndex.load(db.session)
    return [
        f["id"]
        for f in facilities.of_kind("posyandu")
        if g.scope.can_read("person", ScopeKeys.of_posyandu(f))
    ]


def current_period() -> str:
    """Return the current month in the local zone ('YYYY-MM')."""
    return calendar.period_of(calendar.current_month(zone_name=local_zone()))


def has_data(opened, counts: dict | None) -> bool:
    """Whether a month has data: a posyandu opened, or a child was weighed (D)."""
    if isinstance(opened, dict):
        opened = (opened.get("numerator", 0), opened.get("denominator", 0))
    return bool((opened or (0, 0))[0] or (counts or {}).get("D", 0))


def _reported(ids: list[str], period: str) -> bool:
    """Whether any of the posyandu ``ids`` has data in ``period`` (``has_data``).

    Asked of the database (opened, or D) rather than decoding every row's JSON: a kabupaten's
    month is hundreds of rows, read on every Ringkasan and Tren without ``?period=``.
    """
    table = IndicatorMonth.__table__
    opened = sa.func.coalesce(table.c["values"][("opened", 0)].as_integer(), 0)
    weighed = sa.func.coalesce(table.c.counts["D"].as_integer(), 0)
    for chunk in range(0, len(ids), 1000):
        found = db.session.execute(
            sa.select(table.c.posyandu_id)
            .where(
                table.c.period == period,
                table.c.posyandu_id.in_(ids[chunk : chunk + 1000]),
                sa.or_(opened != 0, weighed != 0),
            )
            .limit(1)
        ).first()
        if found is not None:
            return True
    return False


def latest_period(months_back: int = LOOK_BACK) -> str | None:
    """Return the newest month (up to this one) in which a readable posyandu reported, or None.

    ``indicator_month`` holds a row for every month of a child's cohort, so a month "has data"
    when a posyandu opened or weighed a child in it, not merely when a row exists.
    """
    ids = readable_posyandu()
    if not ids:
        return None
    table = IndicatorMonth.__table__
    periods = db.session.execute(
        sa.select(table.c.period)
        .where(table.c.period <= current_period())
        .distinct()
        .order_by(table.c.period.desc())
        .limit(months_back)
    ).scalars()
    for period in periods:
        if _reported(ids, period):
            return period
    return None


def default_period_arg() -> str:
    """Return ``?period=``, by default the newest month with data (else last month)."""
    if (request.args.get("period") or "").strip():
        return parse_period(request.args.get("period"))
    return latest_period() or calendar.previous_period(zone_name=local_zone())


def completeness(period: str, parent: str | None) -> tuple[int, int]:
    """Return ``(posyandu with data, posyandu)`` of the readable posyandu inside ``parent``."""
    try:
        rows = rollup.indicator_rows(db.session, g.scope, period, "posyandu", parent=parent)
    except rollup.UnknownParent:
        return 0, 0
    done = sum(has_data(row["reporting"], row["counts"]) for row in rows)
    return done, len(rows)


def month_state(
    period: str, reporting: dict | None, counts: dict | None = None, parent: str | None = None
) -> dict:
    """Return ``{"running", "empty", "reporting", "total"}`` of a month for one unit.

    ``running``: the month is the current one (or later); ``empty``: no data (``has_data``);
    ``reporting`` / ``total``: posyandu that opened / posyandu of the unit; in a month in progress,
    posyandu with any data (opened or a child weighed) / posyandu inside ``parent``.
    """
    reporting = reporting or {}
    done, total = reporting.get("numerator", 0), reporting.get("denominator", 0)
    running = period >= current_period()
    if running:
        done, total = completeness(period, parent)
    return {
        "running": running,
        "empty": not has_data(reporting, counts),
        "reporting": done,
        "total": total,
    }
