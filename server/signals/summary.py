"""Open and overdue signals per puskesmas, within a scope (leads the Evaluasi mingguan page)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from server.models import Record
from server.scope import Scope


def signals_summary(session, scope: Scope, today: dt.date | None = None) -> list[dict]:
    """Return per puskesmas (by id): open signals, overdue ones (due date before ``today``)."""
    today = today or dt.date.today()
    rows = session.execute(
        sa.select(Record.puskesmas_id, Record.fields).where(
            Record.kind == "signal", Record.deleted.is_(False), scope.read_filter(Record)
        )
    ).all()
    names = dict(
        session.execute(
            sa.select(Record.id, Record.fields["name"].as_string()).where(Record.kind == "facility")
        ).all()
    )
    out: dict[str, dict] = {}
    for puskesmas, fields in rows:
        if fields.get("status") != "open":
            continue
        item = out.setdefault(
            puskesmas or "-",
            {
                "puskesmas_id": puskesmas,
                "name": names.get(puskesmas) or puskesmas,
                "open": 0,
                "overdue": 0,
            },
        )
        item["open"] += 1
        if (fields.get("due_date") or "9999") < today.isoformat():
            item["overdue"] += 1
    return sorted(
        out.values(), key=lambda item: (-item["overdue"], -item["open"], item["name"] or "")
    )
