"""Kematian: every maternal, neonatal, infant and balita death recorded on a person, as a case.

A case is a person record with ``died_on``. Its age at death is ``died_on - birth_date`` in days;
the groups nest as the desa report's counts do (BRIEF §5.1): *neonatal* 0–28 days, *bayi* (infant)
under 1 year, *balita* under 5 years. A death is *maternal* when a woman dies during a recorded
pregnancy (from its HPHT, or its registration without one, until delivery) or within 42 days of
its delivery, or when the pregnancy's outcome is ``maternal_death``.

The desa reports' counts for the same months are set beside the recorded cases with the
difference. Rates only at the kabupaten and only for who sees all of it (dinas, admin):
AKI = maternal deaths ÷ live births × 100,000, AKB = infant deaths ÷ live births × 1,000, AKN =
neonatal deaths ÷ live births × 1,000, the live births being the desa reports' ``births_live`` of
the same months (year to date, and the 12 months to this one). Counts everywhere else.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

import sqlalchemy as sa
from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Record
from server.reference import write_records
from server.signals.deaths import GROUPS, PER, death_groups, rate
from server.signals.evaluate import NAMESPACE
from server.sync.changes import Writer
from server.web import bp, language, local_zone, login_required
from server.web.params import UUID_RE
from server.web.scoped import readable, unit_names
from shared.calendar import add_months, local_today
from shared.records.fields import parse_date

PERSON_ROLES = frozenset({"kader", "bidan_desa", "puskesmas"})
REVIEW_ROLES = frozenset({"bidan_desa", "puskesmas", "dinas", "admin"})
REPORT_FIELD = {
    "maternal": "deaths_maternal",
    "neonatal": "deaths_neonatal",
    "infant": "deaths_infant",
    "under5": "deaths_under5",
}


# -- reading --------------------------------------------------------------------------------------


def death_cases(first: dt.date, last: dt.date) -> list[dict]:
    """Return the readable KIA death cases with ``died_on`` from ``first`` to ``last``."""
    died_on = Record.fields["died_on"].as_string()  # only the dead, not every person
    people = db.session.execute(
        readable(
            sa.select(Record).where(
                Record.kind == "person",
                died_on >= first.isoformat(),
                died_on <= last.isoformat(),
            )
        )
    ).scalars()
    dead = [r for r in people if (d := parse_date(r.fields.get("died_on"))) and first <= d <= last]
    pregnancies: dict[str, list[dict]] = defaultdict(list)
    if dead:
        rows = db.session.execute(
            readable(
                sa.select(Record.fields).where(
                    Record.kind == "pregnancy", Record.person_id.in_([r.id for r in dead])
                )
            )
        ).scalars()
        for fields in rows:
            pregnancies[fields.get("person_id")].append(fields)
    cases = []
    for row in dead:
        groups = death_groups(row.fields, pregnancies.get(row.id, []))
        if groups:
            died, born = parse_date(row.fields["died_on"]), parse_date(row.fields["birth_date"])
            cases.append(
                {**row.fields, "groups": groups, "age_days": (died - born).days}
                | {"desa": row.desa_code, "posyandu": row.posyandu_id}
            )
    return sorted(cases, key=lambda c: (c["died_on"], c["id"]))


def desa_reports(first_period: str, last_period: str) -> list[dict]:
    """Return the readable desa reports of the months from ``first_period`` to ``last_period``."""
    rows = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == "desa_report"))
    ).scalars()
    return [r for r in rows if first_period <= (r.get("period") or "") <= last_period]


def reconcile(cases: list[dict], reports: list[dict]) -> list[dict]:
    """Return per desa: the reported counts, the recorded cases and their difference."""
    out: dict[str, dict] = {}
    for report in reports:
        row = out.setdefault(report["desa_code"], {"reported": {}, "recorded": {}})
        for group in GROUPS:
            field = REPORT_FIELD[group]
            row["reported"][group] = row["reported"].get(group, 0) + (report.get(field) or 0)
    for case in cases:
        row = out.setdefault(case.get("desa") or "-", {"reported": {}, "recorded": {}})
        for group in case["groups"]:
            row["recorded"][group] = row["recorded"].get(group, 0) + 1
    names = unit_names()
    return [
        {
            "code": code,
            "name": names.get(code, code),
            **{
                group: {
                    "reported": row["reported"].get(group, 0),
                    "recorded": row["recorded"].get(group, 0),
                    "difference": row["reported"].get(group, 0) - row["recorded"].get(group, 0),
                }
                for group in GROUPS
            },
        }
        for code, row in sorted(out.items())
    ]


def window_rates(cases: list[dict], reports: list[dict]) -> dict:
    """Return the deaths, the live births and the AKI/AKB/AKN of a window."""
    births = sum(r.get("births_live") or 0 for r in reports)
    deaths = {group: sum(1 for c in cases if group in c["groups"]) for group in GROUPS}
    return {
        "live_births": births,
        "deaths": deaths,
        "rates": {group: rate(deaths[group], births, group) for group in PER},
    }


def windows(today: dt.date) -> dict[str, tuple[dt.date, dt.date, str, str]]:
    """Return the year-to-date and rolling-12-month windows: first day, last day, months."""
    this_month = f"{today.year:04d}-{today.month:02d}"
    start = add_months((today.year, today.month), -11)
    return {
        "ytd": (dt.date(today.year, 1, 1), today, f"{today.year:04d}-01", this_month),
        "rolling": (
            dt.date(start[0], start[1], 1),
            today,
            f"{start[0]:04d}-{start[1]:02d}",
            this_month,
        ),
    }


@bp.route("/kematian")
@login_required()
def deaths():
    """Show the death cases, the reconciliation with the desa reports and, at the kabupaten, rates."""
    today = local_today(local_zone())
    spans = windows(today)
    first = min(span[0] for span in spans.values())
    cases = death_cases(first, today)
    figures = {}
    for key, (start, end, first_period, last_period) in spans.items():
        in_window = [c for c in cases if start <= parse_date(c["died_on"]) <= end]
        figures[key] = window_rates(in_window, desa_reports(first_period, last_period))
    ytd = spans["ytd"]
    return render_template(
        "web/kia/kematian.html",
        today=today,
        spans=spans,
        figures=figures,
        show_rates=g.scope.everything,
        cases=[c for c in cases if ytd[0] <= parse_date(c["died_on"])],
        reconciliation=reconcile(
            [c for c in cases if ytd[0] <= parse_date(c["died_on"])],
            desa_reports(ytd[2], ytd[3]),
        ),
        sees_persons=g.web_user.role in PERSON_ROLES,
        names=unit_names(),
        groups=GROUPS,
        reviews=reviews(),
        can_review=g.web_user.role in REVIEW_ROLES,
        error=request.args.get("error"),
    )


# -- review of a case -----------------------------------------------------------------------------


def review_id(person_id: str) -> str:
    """Return the id of a death's review (one per person)."""
    return str(uuid.uuid5(NAMESPACE, f"death_review|{person_id}"))


def reviews() -> dict[str, dict]:
    """Return the readable death reviews by person id."""
    rows = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == "death_review"))
    ).scalars()
    return {r["person_id"]: r for r in rows}


@bp.route("/kematian/<person_id>/kajian", methods=["POST"])
@login_required()
def review_death(person_id: str):
    """Record that a death was notified, or reviewed with its follow-up (one review per case)."""
    if not UUID_RE.match(person_id or ""):
        abort(404)
    row = db.session.execute(
        readable(sa.select(Record).where(Record.kind == "person", Record.id == person_id))
    ).scalar_one_or_none()
    if row is None or not row.fields.get("died_on"):
        abort(404)
    if g.web_user.role not in REVIEW_ROLES:
        abort(403)
    values = {"id": review_id(person_id), "person_id": person_id, "posyandu_id": row.posyandu_id}
    values |= reviews().get(person_id, {})
    for name in ("notified_on", "reviewed_on", "follow_up"):
        value = (request.form.get(name) or "").strip()
        if value:
            values[name] = value
    writer = Writer(g.web_user.username, g.scope, g.scope.can_read)
    report = write_records(db.session, [("death_review", values)], writer=writer, lang=language())
    if report.rejected:
        db.session.rollback()
        errors = "; ".join(str(m) for ms in report.rejected[0][2].values() for m in ms)
        return redirect(url_for("web.deaths", error=errors), 303)
    db.session.commit()
    return redirect(url_for("web.deaths") + f"#c-{person_id}", 303)
