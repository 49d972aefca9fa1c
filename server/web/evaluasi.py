"""Evaluasi mingguan: per puskesmas in scope, the week's sessions against the posyandu scheduled
to open, weighings against the sasaran, alerts, deaths and the days since each posyandu's data
last came in (``?week=YYYY-Www``, this week by default; ``?puskesmas=<id>`` drills down to its
posyandu; ``?format=csv|xlsx`` downloads the table).

At district scale (500 posyandu, about a million visits) the page reads a week's rows through the
index ``(kind, event_date)`` (``server/indicators/week.py``) and counts them in SQL, the sasaran
from ``indicator_month`` (kept on write), and each posyandu's latest write through the index
``(posyandu_id, change_seq)``; never every visit's JSON.

Scheduled ("dijadwalkan"): a posyandu opens on its hari buka, the day of the month its puskesmas
stored (``server/web/hari_buka.py``), else the day of the month of its latest session held
before the week (within two months: inferred, and the page says so); it is scheduled in a week
that contains that day, and counts as scheduled when it opened in the week anyway. A posyandu
with neither has no known schedule. "Belum pernah" means no device of its users ever synced and
no record of it was ever written.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict

import sqlalchemy as sa
from flask import render_template, request
from sqlalchemy.orm import aliased

from server.extensions import db
from server.models import IndicatorMonth, Record, utcnow
from server.scope import FacilityIndex
from server.web import bp, language, login_required
from server.web.format import column_labels, days_since, today, when
from server.web.hari_buka import may_set, stored_days
from server.web.lembar_tabel import download  # XLSX for people, CSV as before
from server.web.params import BadRequest, check_code, download_format, parse_week, week_code
from server.web.scoped import (
    devices_in_scope,
    in_scope,
    posyandu_in_scope,
    posyandu_last_sync,
    unit_names,
)
from shared.i18n import register, t

WEEKLY_KEYS = ("sessions", "weighed", "pregnancies", "bgm", "two_t", "kek", "deaths")
DENOMINATORS = ("scheduled", "sasaran")
SCHEDULE_LOOKBACK_DAYS = 62
REFERENCE_KINDS = ("facility", "wilayah")

register(
    {
        "web.review.weekly.scheduled": {"id": "Dijadwalkan buka", "en": "Scheduled to open"},
        "web.review.weekly.sasaran": {
            "id": "Sasaran balita (S) posyandu terjadwal",
            "en": "Children under five (S) of the scheduled posyandu",
        },
        "web.review.weekly.posyandu": {"id": "Posyandu (desa)", "en": "Posyandu (desa)"},
        "web.review.weekly.last_data": {
            "id": "Data terakhir masuk",
            "en": "Data last received",
        },
        "web.review.weekly.hari_buka": {
            "id": "Hari buka: tanggal {day}",
            "en": "Opens on day {day}",
        },
        "web.review.weekly.no_schedule": {
            "id": "Jadwal belum diketahui",
            "en": "No schedule known",
        },
        "web.review.weekly.all_units": {"id": "Semua puskesmas", "en": "All puskesmas"},
        "web.review.weekly.drill": {"id": "Lihat posyandu", "en": "See the posyandu"},
    }
)


def _week_args() -> tuple[dt.date, str | None]:
    """Return the Monday asked for (this week's by default) and the error to show, if any."""
    raw = request.args.get("week")
    monday = parse_week(raw) if raw else None
    error = t("web.review.weekly.bad_week", language()) if raw and monday is None else None
    if error and download_format():
        raise BadRequest("web.review.weekly.bad_week")
    if monday is None:
        now = today()
        monday = now - dt.timedelta(days=now.weekday())
    return monday, error


@bp.route("/evaluasi-mingguan")
@login_required()
def weekly():
    """Show, per puskesmas in scope (or per posyandu of one), the week's figures."""
    monday, error = _week_args()
    fmt = download_format()
    unit = check_code(request.args.get("puskesmas"), required=False)
    sunday = monday + dt.timedelta(days=6)
    rows, total, posyandu_rows = weekly_rows(monday, sunday, unit)
    if fmt:
        return weekly_download(fmt, week_code(monday), rows, total)
    return render_template(
        "web/review/weekly.html",
        rows=rows,
        total=total,
        posyandu_rows=posyandu_rows,
        unit=unit,
        error=error,
        week=week_code(monday),
        start=monday,
        end=sunday,
        period=f"{monday + dt.timedelta(days=3):%Y-%m}",
        saved=request.args.get("saved"),
        prev=week_code(monday - dt.timedelta(days=7)),
        next=week_code(monday + dt.timedelta(days=7)),
    )


def _flag(name: str):
    """1 when a JSON field is true, else 0 (summed in SQL)."""
    return sa.case((Record.fields[name].as_boolean(), 1), else_=0)


def _week_rows(kind: str, monday: dt.date, sunday: dt.date, *columns):
    """Run one grouped count over a kind's rows of the week in scope, per posyandu."""
    query = sa.select(Record.posyandu_id, *columns).where(
        Record.kind == kind,
        Record.event_date.between(monday, sunday),
        Record.deleted.is_(False),
    )
    return db.session.execute(in_scope(query).group_by(Record.posyandu_id)).all()


def week_counts(monday: dt.date, sunday: dt.date) -> dict[str, Counter]:
    """Count the week's records per posyandu in scope (indexed by kind and day, summed in SQL)."""
    stats: dict[str, Counter] = defaultdict(Counter)
    count = sa.func.count()
    weight = Record.fields["weight_kg"].as_float()
    weighed = sa.func.count(sa.distinct(sa.case((weight.is_not(None), Record.person_id))))
    visits = _week_rows(
        "child_visit",
        monday,
        sunday,
        weighed,
        sa.func.sum(_flag("bgm")),
        sa.func.sum(_flag("two_t")),
    )
    for posyandu, n_weighed, bgm, two_t in visits:
        stats[posyandu].update(weighed=n_weighed, bgm=bgm or 0, two_t=two_t or 0)
    for kind, key, column in (
        ("pregnancy", "pregnancies", count),
        ("anc_visit", "kek", sa.func.sum(_flag("kek"))),
        ("person", "deaths", count),
    ):
        for posyandu, n in _week_rows(kind, monday, sunday, column):
            stats[posyandu][key] += n or 0
    return stats


def schedules(monday: dt.date, sunday: dt.date) -> tuple[dict[str, int], set[str]]:
    """Return each posyandu's hari buka (day of month of its latest session before the week) and
    the posyandu that opened in the week."""
    since = monday - dt.timedelta(days=SCHEDULE_LOOKBACK_DAYS)
    query = sa.select(Record.posyandu_id, Record.event_date, Record.fields["opened"].as_boolean())
    query = query.where(
        Record.kind == "posyandu_session",
        Record.event_date.between(since, sunday),
        Record.deleted.is_(False),
    )
    latest: dict[str, dt.date] = {}
    opened: set[str] = set()
    for posyandu, day, held in db.session.execute(in_scope(query).order_by(Record.event_date)):
        if day >= monday:
            if held:
                opened.add(posyandu)
        elif held:
            latest[posyandu] = day
    return {p: d.day for p, d in latest.items()}, opened


def scheduled_in(day_of_month: int | None, monday: dt.date) -> bool:
    """Tell whether the week from ``monday`` contains the hari buka (clamped to short months)."""
    if day_of_month is None:
        return False
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day == min(day_of_month, last):
            return True
    return False


def sasaran(period: str, ids: list[str]) -> dict[str, int]:
    """Return the S (children registered) of each posyandu for a month, from indicator_month."""
    query = sa.select(IndicatorMonth.posyandu_id, IndicatorMonth.counts).where(
        IndicatorMonth.period == period, IndicatorMonth.posyandu_id.in_(ids or [""])
    )
    return {p: int((counts or {}).get("S") or 0) for p, counts in db.session.execute(query)}


def last_data(ids: list[str]) -> dict[str, dt.datetime]:
    """Return when each posyandu's latest record was written (an index walk per posyandu)."""
    inner = aliased(Record)
    latest = (
        sa.select(inner.updated_at)
        .where(inner.posyandu_id == Record.id, inner.kind.not_in(REFERENCE_KINDS))
        .order_by(inner.change_seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = sa.select(Record.id, latest).where(
        Record.kind == "facility", Record.id.in_(ids or [""])
    )
    return {p: at for p, at in db.session.execute(query) if at is not None}


def posyandu_figures(monday: dt.date, sunday: dt.date, facilities, posyandu) -> list[dict]:
    """Return one row of the week's figures per posyandu (with its desa, schedule and last data)."""
    ids = [f["id"] for f in posyandu]
    stats = week_counts(monday, sunday)
    inferred, opened = schedules(monday, sunday)
    stored = stored_days(ids)
    hari_buka = {**inferred, **stored}
    s_of = sasaran(f"{monday + dt.timedelta(days=3):%Y-%m}", ids)
    seen = posyandu_last_sync(devices_in_scope(db.session, facilities))
    for posyandu_id, at in last_data(ids).items():
        if posyandu_id not in seen or at > seen[posyandu_id]:
            seen[posyandu_id] = at
    now, rows, names = utcnow(), [], unit_names()
    for f in posyandu:
        s = Counter(stats.get(f["id"]) or {})
        s["sessions"] = int(f["id"] in opened)
        s["scheduled"] = int(s["sessions"] or scheduled_in(hari_buka.get(f["id"]), monday))
        s["sasaran"] = s_of.get(f["id"], 0) if s["scheduled"] else 0
        rows.append(
            {
                "f": f,
                "desa": names.get(f.get("desa_code")) or f.get("desa_code") or "",
                "unit": f.get("parent_id"),
                "s": s,
                "hari_buka": hari_buka.get(f["id"]),
                "inferred": f["id"] not in stored and f["id"] in inferred,
                "may_set": may_set(f),
                "days": days_since(seen.get(f["id"]), now),
                "last": when(seen.get(f["id"])),
            }
        )
    return rows


def weekly_rows(monday: dt.date, sunday: dt.date, unit: str | None = None):
    """Return the week's figures per puskesmas in scope, their total, and the posyandu rows
    (those of ``unit`` only when it is given)."""
    facilities = FacilityIndex.load(db.session)
    posyandu = posyandu_in_scope(facilities)
    if unit:
        posyandu = [f for f in posyandu if f.get("parent_id") == unit]
    figures = posyandu_figures(monday, sunday, facilities, posyandu)
    units: dict[str, dict] = {}
    for p in figures:
        if not p["unit"]:
            continue
        row = units.setdefault(
            p["unit"],
            {
                "id": p["unit"],
                "name": (facilities.get(p["unit"]) or {}).get("name") or p["unit"],
                "s": Counter({k: 0 for k in (*WEEKLY_KEYS, *DENOMINATORS)}),
                "lag": [],
            },
        )
        row["s"].update(p["s"])
        row["lag"].append(p)
    rows = [units[k] for k in sorted(units)]
    total = sum((r["s"] for r in rows), Counter())
    total["inferred"] = sum(1 for p in figures if p["inferred"])
    total["unscheduled"] = sum(1 for p in figures if not p["hari_buka"])
    return rows, total, figures if unit else []


def weekly_download(fmt: str, week: str, rows: list[dict], total: Counter):
    """Download the week's table (one row per puskesmas, then the total row)."""
    lang = language()

    def lag(p):
        days = p["days"]
        shown = t("web.review.never", lang) if days is None else t("web.review.days", lang, n=days)
        return f"{p['f'].get('name')}: {shown}"

    keys = (*WEEKLY_KEYS, *DENOMINATORS)
    header = column_labels(
        "web.review.users.code",
        "web.review.weekly.puskesmas",
        *(f"web.review.weekly.{key}" for key in keys),
        "web.review.weekly.sync_lag",
    )
    lines = [
        [r["id"], r["name"], *(r["s"][key] for key in keys), "; ".join(lag(p) for p in r["lag"])]
        for r in rows
    ]
    lines.append(["", t("web.review.weekly.total", lang), *(total[key] for key in keys), ""])
    return download(fmt, f"evaluasi-mingguan-{week}", week, header, lines)
