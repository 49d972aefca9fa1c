"""Anak: one child's visits, statuses and growth chart (404 outside the user's scope)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g, render_template

from server.extensions import db
from server.models import Record
from server.web import bp, language, login_required
from server.web.format import script_json, shown_nik
from server.web.params import UUID_RE
from server.web.scoped import readable, reference
from shared import records
from shared.calendar import age_on
from shared.growth import DAYS_PER_MONTH, who_curves
from shared.i18n import t


def child_or_404(person_id: str) -> Record:
    """Return the person record the user may read, or abort with 404."""
    if not UUID_RE.match(person_id or ""):
        abort(404)
    row = db.session.execute(
        readable(sa.select(Record).where(Record.kind == "person", Record.id == person_id))
    ).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def child_visits(person: dict) -> list[dict]:
    """Return the child's visits the user may read, oldest first.

    Each visit's ``age_months`` is the age on its visit date (``age_on``), as the device shows it.
    """
    rows = db.session.execute(
        readable(
            sa.select(Record.fields).where(
                Record.kind == "child_visit", Record.person_id == person["id"]
            )
        )
    ).scalars()
    visits = [
        {**v, "age_months": age_on(person.get("birth_date"), v.get("visit_date"))} for v in rows
    ]
    return sorted(visits, key=lambda v: (str(v.get("visit_date")), v.get("id", "")))


def growth_chart(index: str, sex: str, visits: list[dict], value_field: str) -> dict:
    """Return chart data: WHO −3..+3 SD curves (by age in months) and the child's points."""
    points = [
        {"x": round(v["age_days"] / DAYS_PER_MONTH, 2), "y": v[value_field]}
        for v in visits
        if v.get("age_days") is not None and v.get(value_field) is not None
    ]
    last_day = max([v.get("age_days") or 0 for v in visits] + [365])
    stop = min(1856, int(last_day + 6 * DAYS_PER_MONTH))
    rows = who_curves(index, sex, 0, stop, DAYS_PER_MONTH / 2)
    curves = [
        [{"x": round(row[0] / DAYS_PER_MONTH, 2), "y": row[i]} for row in rows] for i in range(1, 8)
    ]
    return {"curves": curves, "points": points}


@bp.route("/anak/<person_id>")
@login_required()
def child(person_id: str):
    """Show one child's visits, statuses and growth chart (404 outside the user's scope)."""
    row = child_or_404(person_id)
    person = row.fields
    visits = child_visits({**person, "id": row.id})
    posyandu = reference("facility", row.posyandu_id or "") or {}
    lang = language()
    chart = {
        "sex": person.get("sex"),
        "labels": {
            "sd": ["−3 SD", "−2 SD", "−1 SD", "Median", "+1 SD", "+2 SD", "+3 SD"],
            "child": t("web.summary.child_point", lang),
            "x": t("web.summary.age_months", lang),
        },
        "weight": growth_chart("waz", person.get("sex") or "M", visits, "weight_kg"),
        "length": growth_chart("lhaz", person.get("sex") or "M", visits, "length_cm"),
    }
    return render_template(
        "web/summary/child.html",
        person=person,
        visits=visits,
        posyandu=posyandu,
        nik=shown_nik(person.get("nik"), g.web_user.role),
        # the parents' NIK as the child's own: full for puskesmas/dinas/admin, masked otherwise
        parent_niks=[
            (
                records.field_label("person", name, lang),
                shown_nik(person.get(name), g.web_user.role),
            )
            for name in ("mother_nik", "father_nik")
            if person.get(name)
        ],
        chart_json=script_json(chart),
    )
