"""Evaluasi mingguan: per puskesmas in scope, the week's sessions, weighings, alerts, deaths and
sync lag (``?week=YYYY-Www``, this week by default; ``?format=csv|xlsx`` downloads the table)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import render_template, request

from server.extensions import db
from server.models import Record, utcnow
from server.scope import FacilityIndex
from server.web import bp, language, login_required
from server.web.format import column_labels, days_since, today, when
from server.web.lembar_tabel import download  # XLSX for people, CSV as before
from server.web.params import BadRequest, download_format, parse_week, week_code
from server.web.scoped import devices_in_scope, in_scope, posyandu_in_scope, posyandu_last_sync
from shared.i18n import t

WEEKLY_KEYS = ("sessions", "weighed", "pregnancies", "bgm", "two_t", "kek", "deaths")


@bp.route("/evaluasi-mingguan")
@login_required()
def weekly():
    """Show, per puskesmas in scope, the week's sessions, weighings, alerts, deaths and sync lag."""
    error = None
    monday = parse_week(request.args.get("week")) if request.args.get("week") else None
    if request.args.get("week") and monday is None:
        error = t("web.review.weekly.bad_week", language())
    fmt = download_format()
    if fmt and error:
        raise BadRequest("web.review.weekly.bad_week")
    if monday is None:
        now = today()
        monday = now - dt.timedelta(days=now.weekday())
    sunday = monday + dt.timedelta(days=6)
    rows, total = weekly_rows(monday, sunday)
    if fmt:
        return weekly_download(fmt, week_code(monday), rows, total)
    return render_template(
        "web/review/weekly.html",
        rows=rows,
        total=total,
        error=error,
        week=week_code(monday),
        start=monday,
        end=sunday,
        prev=week_code(monday - dt.timedelta(days=7)),
        next=week_code(monday + dt.timedelta(days=7)),
    )


def _date_field(kind: str, name: str, start: dt.date, end: dt.date):
    column = Record.fields[name].as_string()
    return in_scope(
        sa.select(Record).where(
            Record.kind == kind,
            Record.deleted.is_(False),
            column >= start.isoformat(),
            column <= end.isoformat(),
        )
    )


def week_counts(units: list[str], monday: dt.date, sunday: dt.date) -> dict[str, Counter]:
    """Count the week's records per puskesmas of ``units``."""
    stats = {u: Counter() for u in units}
    weighed = defaultdict(set)

    def add(row: Record, key: str):
        if row.puskesmas_id in stats:
            stats[row.puskesmas_id][key] += 1

    def rows(kind: str, name: str):
        return db.session.execute(_date_field(kind, name, monday, sunday)).scalars()

    for row in rows("posyandu_session", "session_date"):
        if row.fields.get("opened"):
            add(row, "sessions")
    for row in rows("child_visit", "visit_date"):
        if row.fields.get("weight_kg") is not None:
            weighed[row.puskesmas_id].add(row.person_id)
        if row.fields.get("bgm"):
            add(row, "bgm")
        if row.fields.get("two_t"):
            add(row, "two_t")
    for row in rows("pregnancy", "registered_on"):
        add(row, "pregnancies")
    for row in rows("anc_visit", "visit_date"):
        if row.fields.get("kek"):
            add(row, "kek")
    for row in rows("person", "died_on"):
        add(row, "deaths")
    for unit, people in weighed.items():
        if unit in stats:
            stats[unit]["weighed"] = len(people)
    return stats


def weekly_rows(monday: dt.date, sunday: dt.date) -> tuple[list[dict], Counter]:
    """Return the week's figures per puskesmas in scope, and their total."""
    facilities = FacilityIndex.load(db.session)
    posyandu = posyandu_in_scope(facilities)
    units = sorted({f.get("parent_id") for f in posyandu if f.get("parent_id")})
    stats = week_counts(units, monday, sunday)
    now = utcnow()
    last = posyandu_last_sync(devices_in_scope(db.session, facilities))
    lag = defaultdict(list)
    for f in posyandu:
        seen = last.get(f["id"])
        lag[f.get("parent_id")].append({"f": f, "days": days_since(seen, now), "last": when(seen)})
    rows = [
        {
            "id": u,
            "name": (facilities.get(u) or {}).get("name") or u,
            "s": stats[u],
            "lag": lag.get(u, []),
        }
        for u in units
    ]
    total = sum((r["s"] for r in rows), Counter())
    return rows, total


def weekly_download(fmt: str, week: str, rows: list[dict], total: Counter):
    """Download the week's table (one row per puskesmas, then the total row)."""
    lang = language()

    def lag(p):
        days = p["days"]
        shown = t("web.review.never", lang) if days is None else t("web.review.days", lang, n=days)
        return f"{p['f'].get('name')}: {shown}"

    header = column_labels(
        "web.review.users.code",
        "web.review.weekly.puskesmas",
        *(f"web.review.weekly.{key}" for key in WEEKLY_KEYS),
        "web.review.weekly.sync_lag",
    )
    lines = [
        [
            r["id"],
            r["name"],
            *(r["s"][key] for key in WEEKLY_KEYS),
            "; ".join(lag(p) for p in r["lag"]),
        ]
        for r in rows
    ]
    lines.append(["", t("web.review.weekly.total", lang), *(total[key] for key in WEEKLY_KEYS), ""])
    return download(fmt, f"evaluasi-mingguan-{week}", week, header, lines)
