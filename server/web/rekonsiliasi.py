"""Rekonsiliasi: the paper register beside the app, per posyandu-month (issue #16).

``/rekonsiliasi?period=YYYY-MM`` (the previous month by default) lists each posyandu in scope with
the app's S, K, D, N (``indicator_month``, kept on write) and its weighings (visits with a weight,
``weighing_day``: per posyandu and day, kept on write), the paper register's counts beside them, and
the gap (app minus paper) in numbers and percent of the paper's. A table per puskesmas sums the
posyandu that have paper counts, and the trend shows the gap of D and of the weighings for the
last six months. The puskesmas (its own posyandu) and the admin enter the paper counts
(``POST /rekonsiliasi/<posyandu>/<period>``); the kecamatan and the dinas read them.

The weekly trend (the weeks of the page's month) places each posyandu-month's paper count in the
week of its hari buka (the day its puskesmas stored, ``server/web/hari_buka.py``; else, inferred
and counted as such, the posyandu's first opened session of the month in the app, else the day
it weighed most) and sets
the app's weighings of that posyandu in that week beside it. Why not the month pro-rated over its
weeks: a posyandu fills its register on its hari buka, once a month, so a month's paper figure
belongs to one week, and spreading it would invent weekly figures whose gap is the month's gap
over again. A puskesmas that compares every week (as in Banten, where the gap fell from 30 % to
6 %) checks the posyandu that opened that week against what their kader entered, and finds the
missing entries while the kader still remembers them. A posyandu-month with paper counts and
neither a session nor a weighing in the app has no week: it is counted apart, below the table.

The sasaran proyeksi per desa and year sits beside the registered balita
(``server/web/rekonsiliasi_sasaran.py``).

Paper counts are the puskesmas's own entries, not synced records: they live in ``paper_count``,
one row per posyandu-month, with who entered them and when.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.indicators.weighing_day import (
    weighings_by_day,
    weighings_by_month,
    weighings_in_weeks,
)
from server.models import IndicatorMonth, PaperCount, Record, utcnow
from server.scope import FacilityIndex, ScopeKeys
from server.web import bp, language, local_zone, login_required
from server.web.format import people_names
from server.web.hari_buka import stored_days
from server.web.params import BadRequest
from server.web.rekonsiliasi_sasaran import names as unit_names_once
from server.web.rekonsiliasi_sasaran import sasaran_rows
from server.web.scoped import posyandu_in_scope
from shared.calendar import (
    add_months,
    format_date,
    format_decimal,
    month_bounds,
    parse_period,
    period_of,
    previous_period,
)
from shared.i18n import register, t
from shared.records.titles import month_words

COUNTS = ("s", "k", "d", "n", "weighings")
READERS = {"puskesmas", "kecamatan", "dinas", "admin"}
EDITORS = {"puskesmas", "admin"}
MAX_COUNT = 100_000
TREND_MONTHS = 6

register(
    {
        "web.nav.reconcile": {"id": "Rekonsiliasi", "en": "Reconciliation"},
        "web.reconcile.title": {
            "id": "Rekonsiliasi register kertas dan aplikasi — {month}",
            "en": "Paper register and app reconciled — {month}",
        },
        "web.reconcile.period": {"id": "Bulan", "en": "Month"},
        "web.reconcile.show": {"id": "Tampilkan", "en": "Show"},
        "web.reconcile.posyandu": {"id": "Posyandu (desa)", "en": "Posyandu (desa)"},
        "web.reconcile.app": {"id": "Aplikasi", "en": "App"},
        "web.reconcile.paper": {"id": "Kertas", "en": "Paper"},
        "web.reconcile.gap": {"id": "Selisih", "en": "Gap"},
        "web.reconcile.weighings": {"id": "Penimbangan", "en": "Weighings"},
        "web.reconcile.none": {"id": "belum diisi", "en": "not entered"},
        "web.reconcile.enter": {"id": "Isi angka register", "en": "Enter the register's counts"},
        "web.reconcile.save": {"id": "Simpan", "en": "Save"},
        "web.reconcile.saved": {"id": "Angka register disimpan.", "en": "The counts were saved."},
        "web.reconcile.per_unit": {
            "id": "Per puskesmas (posyandu yang register kertasnya sudah diisi)",
            "en": "Per puskesmas (posyandu whose paper counts were entered)",
        },
        "web.reconcile.unit": {"id": "Puskesmas", "en": "Puskesmas"},
        "web.reconcile.filled": {"id": "Posyandu terisi", "en": "Posyandu entered"},
        "web.reconcile.trend": {
            "id": "Tren selisih D dan penimbangan (aplikasi − kertas) per bulan",
            "en": "Gap of D and weighings (app − paper) by month",
        },
        "web.reconcile.month": {"id": "Bulan", "en": "Month"},
        "web.reconcile.weekly": {
            "id": "Tren selisih penimbangan per minggu (posyandu yang hari bukanya minggu itu)",
            "en": "Gap of weighings by week (posyandu whose hari buka fell that week)",
        },
        "web.reconcile.week": {"id": "Minggu", "en": "Week"},
        "web.reconcile.week_range": {
            "id": "Minggu {n}: {first} – {last}",
            "en": "Week {n}: {first} – {last}",
        },
        "web.reconcile.unplaced": {
            "id": "Tanpa hari buka di aplikasi (tidak ada sesi maupun penimbangan): {n} "
            "posyandu-bulan, {paper} penimbangan di kertas.",
            "en": "No hari buka in the app (no session, no weighing): {n} posyandu-months, "
            "{paper} weighings on paper.",
        },
        "web.reconcile.inferred": {
            "id": "{n} posyandu-bulan ditempatkan menurut sesi atau penimbangan di aplikasi, "
            "karena hari bukanya belum diatur.",
            "en": "{n} posyandu-months placed by their sessions or weighings in the app, as "
            "their hari buka is not set.",
        },
        "web.reconcile.by": {"id": "Diisi oleh {who}", "en": "Entered by {who}"},
        "web.reconcile.bad_period": {
            "id": "Bulan harus berformat TTTT-BB, misalnya 2026-06.",
            "en": "The month must be written YYYY-MM, for example 2026-06.",
        },
        "web.reconcile.bad_count": {
            "id": "{label} harus bilangan bulat 0 sampai 100.000.",
            "en": "{label} must be a whole number from 0 to 100,000.",
        },
        "web.reconcile.bad_order": {
            "id": "Angka tidak masuk akal: K, D dan N tidak boleh lebih dari S, dan N tidak boleh "
            "lebih dari D.",
            "en": "The counts do not add up: K, D and N cannot exceed S, nor N exceed D.",
        },
        "web.reconcile.not_yours": {
            "id": "Posyandu ini di luar wilayah kerja Anda.",
            "en": "This posyandu is outside your area.",
        },
    }
)


def _period(raw: str | None) -> str:
    if not raw:
        return previous_period(zone_name=local_zone())
    try:
        parse_period(raw)
    except ValueError:
        raise BadRequest("web.reconcile.bad_period") from None
    return raw


def gap(app: int | None, paper: int | None) -> dict:
    """Return the gap app minus paper (also signed, as shown), and its percent of the paper's
    count ('' when unknown)."""
    if app is None or paper is None:
        return {"n": None, "pct": ""}
    pct = format_decimal((app - paper) * 100 / paper, 1) if paper else ""
    return {"n": app - paper, "signed": f"{app - paper:+d}", "pct": pct}


def app_counts(
    periods: list[str], ids: list[str], daily: dict | None = None
) -> dict[tuple[str, str], dict]:
    """Return the app's S, K, D, N (indicator_month) and weighings (weighing_day) per (posyandu,
    period); the weighings from ``daily`` (per posyandu and day, covering the periods) when it
    is given."""
    found: dict[tuple[str, str], dict] = {}
    query = sa.select(IndicatorMonth.posyandu_id, IndicatorMonth.period, IndicatorMonth.counts)
    query = query.where(IndicatorMonth.period.in_(periods), IndicatorMonth.posyandu_id.in_(ids))
    for posyandu, period, counts in db.session.execute(query):
        counts = counts or {}
        found[(posyandu, period)] = {k: int(counts.get(k.upper()) or 0) for k in COUNTS[:4]}
    for period in periods if daily is None else ():
        for posyandu, n in weighings_by_month(db.session, *month_bounds(period), ids).items():
            found.setdefault((posyandu, period), dict.fromkeys(COUNTS[:4], 0))["weighings"] = n
    for (posyandu, day), n in (daily or {}).items():
        key = (posyandu, f"{day:%Y-%m}")
        if key[1] in periods:
            entry = found.setdefault(key, dict.fromkeys(COUNTS[:4], 0))
            entry["weighings"] = entry.get("weighings", 0) + n
    for value in found.values():
        value.setdefault("weighings", 0)
    return found


def paper_counts(periods: list[str], ids: list[str]) -> dict[tuple[str, str], sa.Row]:
    """Return the paper counts (rows with PaperCount's columns) per (posyandu, period)."""
    table = PaperCount.__table__
    query = sa.select(table).where(table.c.period.in_(periods), table.c.posyandu_id.in_(ids))
    return {(p.posyandu_id, p.period): p for p in db.session.execute(query)}


def rows_of(period: str, posyandu: list[dict], paper: dict | None = None) -> list[dict]:
    """Return each posyandu's app and paper counts of ``period`` with their gaps (``paper``: the
    period's paper counts, when already read)."""
    ids, names = [f["id"] for f in posyandu] or [""], unit_names_once()
    app = app_counts([period], ids)
    paper = paper_counts([period], ids) if paper is None else paper
    for f in posyandu:  # a posyandu without data this month counts zero (known, for the trend)
        app.setdefault((f["id"], period), dict.fromkeys(COUNTS, 0))
    rows = []
    for f in posyandu:
        mine = app[(f["id"], period)]
        theirs = paper.get((f["id"], period))
        on_paper = {k: getattr(theirs, k) for k in COUNTS} if theirs else None
        rows.append(
            {
                "f": f,
                "desa": names.get(f.get("desa_code")) or f.get("desa_code") or "",
                "unit": f.get("parent_id") or "",
                "app": mine,
                "paper": on_paper,
                "by": theirs.entered_by if theirs else "",
                "gap": {k: gap(mine[k], on_paper and on_paper[k]) for k in COUNTS},
                "editable": _may_edit(f),
                "key": (f["id"], period),
            }
        )
    who = people_names({r["by"] for r in rows})  # one query: names, not usernames
    for r in rows:
        r["by"] = who.get(r["by"], "")
    return rows


def per_unit(rows: list[dict]) -> list[dict]:
    """Sum per puskesmas the posyandu that have paper counts, app beside paper."""
    names, units = unit_names_once(), {}
    for r in rows:
        if r["paper"] is None:
            continue
        unit = units.setdefault(
            r["unit"],
            {"name": names.get(r["unit"]) or r["unit"], "n": 0, "app": {}, "paper": {}},
        )
        unit["n"] += 1
        for k in COUNTS:
            unit["app"][k] = unit["app"].get(k, 0) + r["app"][k]
            unit["paper"][k] = unit["paper"].get(k, 0) + r["paper"][k]
    for unit in units.values():
        unit["gap"] = {k: gap(unit["app"][k], unit["paper"][k]) for k in COUNTS}
    return [units[k] for k in sorted(units)]


def trend_months(period: str) -> list[str]:
    """Return the months of the trend, the oldest first, ending with ``period``."""
    return [period_of(add_months(parse_period(period), -i)) for i in range(TREND_MONTHS)][::-1]


def trend(
    period: str,
    posyandu: list[dict],
    lang: str,
    known: dict | None = None,
    paper: dict | None = None,
) -> list[dict]:
    """Return, for the last months up to ``period``, D and weighings app beside paper, summed
    over the posyandu with paper counts that month (``paper``: those months' paper counts,
    when already read)."""
    months = trend_months(period)
    if paper is None:
        paper = paper_counts(months, [f["id"] for f in posyandu] or [""])
    # the app's side only where the paper's was entered, and the page's month once (``known``)
    app = dict(known or {})
    for month in months:
        wanted = sorted({p for p, m in paper if m == month and (p, m) not in app})
        if wanted:
            app.update(app_counts([month], wanted))
    out = []
    for month in months:
        entered = [key for key in paper if key[1] == month]
        sums = {
            side: {
                k: sum((source(key) or {}).get(k, 0) for key in entered) for k in ("d", "weighings")
            }
            for side, source in (
                ("app", lambda key: app.get(key)),
                ("paper", lambda key: {k: getattr(paper[key], k) for k in COUNTS}),
            )
        }
        out.append(
            {
                "month": month_words(month, lang),
                "n": len(entered),
                **sums,
                "gap": {k: gap(sums["app"][k], sums["paper"][k]) for k in ("d", "weighings")},
            }
        )
    return out


def _hari_buka(first: dt.date, last: dt.date, ids: list[str]) -> dict[tuple[str, str], dt.date]:
    """Return the first opened session of each (posyandu, month) between two days."""
    query = sa.select(Record.posyandu_id, Record.event_date, Record.fields["opened"].as_boolean())
    query = query.where(
        Record.kind == "posyandu_session",
        Record.event_date.between(first, last),
        Record.deleted.is_(False),
        Record.posyandu_id.in_(ids),
    )
    found: dict[tuple[str, str], dt.date] = {}
    for posyandu, day, opened in db.session.execute(query.order_by(Record.event_date.desc())):
        if opened:
            found[(posyandu, f"{day:%Y-%m}")] = day
    return found


def _stored_day(key, stored: dict[str, int]) -> dt.date | None:
    """Return a posyandu-month's stored hari buka as a date (clamped to a short month)."""
    if key[0] not in stored:
        return None
    first, last = month_bounds(key[1])
    return first.replace(day=min(stored[key[0]], last.day))


def _week_of(key, stored: dict, sessions: dict, busiest: dict) -> dt.date | None:
    """Return the Monday of a posyandu-month's hari buka week (None: nothing known)."""
    day = _stored_day(key, stored) or sessions.get(key) or busiest.get(key)
    return day - dt.timedelta(days=day.weekday()) if day else None


def _busiest_days(daily: dict) -> dict[tuple[str, str], dt.date]:
    """Return each (posyandu, month)'s day with the most weighings (the earliest on a tie)."""
    best: dict[tuple[str, str], tuple[int, int, dt.date]] = {}
    for (posyandu, day), n in daily.items():
        key, candidate = (posyandu, period_of((day.year, day.month))), (n, -day.toordinal(), day)
        if key not in best or candidate > best[key]:
            best[key] = candidate
    return {key: value[2] for key, value in best.items()}


def weekly_window(period: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the weeks (Monday to Sunday) that touch ``period``."""
    first, last = month_bounds(period)
    return first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())


def weekly_trend(period: str, posyandu: list[dict], lang: str, paper: dict | None = None) -> dict:
    """Return, for the weeks of ``period``, the paper weighings of the posyandu whose hari buka
    fell in each week beside the app's weighings of those posyandu in that week (``paper``: the
    period's paper counts, when already read)."""
    first, last = month_bounds(period)
    if paper is None:
        paper = paper_counts([period], [f["id"] for f in posyandu] or [""])
    ids = sorted({p for p, _ in paper}) or [""]
    week = dt.timedelta(days=6)
    stored = stored_days(ids)
    sessions = _hari_buka(first, last, [i for i in ids if i not in stored] or [""])
    # the busiest day only for the posyandu with neither a stored day nor a session
    rest = [i for i in ids if i not in stored and (i, period) not in sessions]
    busiest = _busiest_days(weighings_by_day(db.session, first, last, rest)) if rest else {}
    monday = first - dt.timedelta(days=first.weekday())
    weeks = {}
    while monday <= last:
        weeks[monday] = {"n": 0, "app": 0, "paper": 0}
        monday += dt.timedelta(days=7)
    unplaced = {"n": 0, "paper": 0, "inferred": 0}
    placed: dict[dt.date, list[str]] = {}
    for key, counts in paper.items():
        start = _week_of(key, stored, sessions, busiest)
        unplaced["inferred"] += int(bool(start) and key[0] not in stored)
        slot = weeks.get(start, unplaced) if start else unplaced
        slot["n"] += 1
        slot["paper"] += counts.weighings
        if start:
            placed.setdefault(start, []).append(key[0])
    for start, app in weighings_in_weeks(db.session, placed).items():
        weeks[start]["app"] = app
    rows = []
    for start, slot in weeks.items():
        label = t(
            "web.reconcile.week_range",
            lang,
            n=start.isocalendar()[1],
            first=format_date(start),
            last=format_date(start + week),
        )
        rows.append({**slot, "label": label, "gap": gap(slot["app"], slot["paper"])})
    return {"weeks": rows, "unplaced": unplaced}


def _may_edit(f: dict) -> bool:
    return g.web_user.role in EDITORS and g.scope.can_review(ScopeKeys.of_posyandu(f))


@bp.route("/rekonsiliasi")
@login_required(READERS)
def reconcile():
    """Show the paper register beside the app for each posyandu-month in scope."""
    period, lang = _period(request.args.get("period")), language()
    posyandu = posyandu_in_scope(FacilityIndex.load(db.session))
    # the app's weighings per posyandu and day, read once for the month and its weeks
    # the paper counts of the trend's months, read once (the page's month is the last)
    months = paper_counts(trend_months(period), [f["id"] for f in posyandu] or [""])
    paper = {key: row for key, row in months.items() if key[1] == period}
    rows = rows_of(period, posyandu, paper)
    return render_template(
        "web/review/reconcile.html",
        period=period,
        month=month_words(period, lang),
        rows=rows,
        units=per_unit(rows),
        trend=trend(period, posyandu, lang, {r["key"]: r["app"] for r in rows}, months),
        weekly=weekly_trend(period, posyandu, lang, paper),
        sasaran=sasaran_rows(parse_period(period)[0], rows),
        sasaran_saved=request.args.get("sasaran"),
        sasaran_n=request.args.get("n", type=int),
        counts=COUNTS,
        saved=request.args.get("ok"),
    )


class Refused(Exception):
    """Counts that cannot be saved: the message (in the user's language) and the status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def parse_counts(form, lang: str) -> dict[str, int]:
    """Return the five counts of the form, or raise Refused naming the first wrong one."""
    values = {}
    for key in COUNTS:
        raw = (form.get(key) or "").strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) > MAX_COUNT:
            label = key.upper() if key != "weighings" else t("web.reconcile.weighings", lang)
            raise Refused(400, t("web.reconcile.bad_count", lang, label=label))
        values[key] = int(raw)
    if max(values["k"], values["d"], values["n"]) > values["s"] or values["n"] > values["d"]:
        raise Refused(400, t("web.reconcile.bad_order", lang))
    return values


@bp.route("/rekonsiliasi/<posyandu_id>/<period>", methods=["POST"])
@login_required(EDITORS)
def reconcile_save(posyandu_id: str, period: str):
    """Enter or correct one posyandu-month's paper counts (its puskesmas, or the admin)."""
    period, lang = _period(period), language()
    facility = FacilityIndex.load(db.session).get(posyandu_id)
    if not facility or facility.get("kind") != "posyandu":
        abort(404)
    try:
        if not _may_edit(facility):
            raise Refused(403, t("web.reconcile.not_yours", lang))
        values = parse_counts(request.form, lang)
    except Refused as refused:
        page = render_template("web/error.html", status=refused.status, message=refused.message)
        return page, refused.status
    row = db.session.get(PaperCount, (posyandu_id, period))
    if row is None:
        row = PaperCount(posyandu_id=posyandu_id, period=period)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.entered_by, row.entered_at = g.web_user.username, utcnow()
    db.session.commit()
    return redirect(url_for("web.reconcile", period=period, ok=1), 303)
