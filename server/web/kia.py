"""KIA: ibu hamil by trimester, K1/K4/K6, KEK, anaemia, hypertension, due soon, PF (BRIEF §5.2 #4).

Figures per unit of a level, drillable down the hierarchy like Ringkasan. Definitions:

- *ibu hamil* (bumil): a pregnancy record with status ``active``; its trimester on the day shown
  comes from the HPHT (``shared.clinical.trimester``), "unknown" without an HPHT.
- *K1, K4, K6*: pregnancies with at least 1, 4, 6 recorded ANC contacts ÷ **sasaran riil**: the
  pregnancies registered (``registered_on``) in the year of the day shown, whatever their status.
- *KEK, anaemia, hypertension*: active pregnancies with that alert at any of their ANC visits
  (``shared.clinical.pregnancy_alerts``); *risiko tinggi*: any alert, short stature included.
- *due in 30 days*: active pregnancies whose HPL (the recorded HPL, else HPHT + 280 days) falls
  from the day shown to 30 days later.
- *PF*: deliveries of the year at a facility ÷ deliveries of the year whose place is recorded.

Names are listed only for roles that work with persons (kader, bidan desa, puskesmas).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict

import sqlalchemy as sa
from flask import current_app, g, render_template, request, url_for

from server.extensions import db
from server.models import Record, SyncCounter
from server.web import bp, local_zone, login_required
from server.web.format import pct
from server.web.params import LEVELS, BadRequest, check_code, parse_level
from server.web.scoped import area_condition, area_of, readable, unit_names
from shared import clinical
from shared.calendar import local_today
from shared.records.fields import parse_date

PERSON_ROLES = frozenset({"kader", "bidan_desa", "puskesmas"})
ROW_LEVEL = {
    "dinas": "kecamatan",
    "admin": "kecamatan",
    "kecamatan": "puskesmas",
    "puskesmas": "desa",
    "bidan_desa": "posyandu",
    "kader": "posyandu",
}
LEVEL_COLUMN = {
    "kecamatan": "kecamatan_code",
    "puskesmas": "puskesmas_id",
    "desa": "desa_code",
    "posyandu": "posyandu_id",
}
ALERTS = ("kek", "anaemia", "hypertension")
DUE_DAYS = 30
ANC_DAYS = 400  # an ANC visit older than this belongs to no pregnancy the page counts


# -- one pregnancy --------------------------------------------------------------------------------


def pregnancy_state(pregnancy: dict, visits: list[dict], today: dt.date) -> dict:
    """Return what the KIA figures need of one pregnancy on ``today``."""
    lmp = parse_date(pregnancy.get("lmp_date"))
    edd = parse_date(pregnancy.get("edd")) or (clinical.hpl(lmp) if lmp else None)
    active = (pregnancy.get("status") or "active") == "active"
    alerts = sorted(  # the figures and lists count alerts of active pregnancies only
        {alert.code for visit in visits for alert in clinical.pregnancy_alerts(visit, pregnancy)}
        if active
        else ()
    )
    return {
        **pregnancy,
        "active": active,
        "trimester": clinical.trimester(lmp, today) if active and lmp and lmp <= today else None,
        "hpl": edd,
        "contacts": len(visits),
        "alerts": alerts,
        "registered": parse_date(pregnancy.get("registered_on")),
        "delivered": parse_date(pregnancy.get("delivery_date")),
    }


# -- the figures of a group of pregnancies --------------------------------------------------------


def kia_figures(states: list[dict], today: dt.date) -> dict:
    """Return the KIA figures of a group of pregnancy states (numerators and denominators)."""
    active = [s for s in states if s["active"]]
    sasaran = [s for s in states if s["registered"] and s["registered"].year == today.year]
    deliveries = [
        s
        for s in states
        if s.get("status") == "delivered" and s["delivered"] and s["delivered"].year == today.year
    ]
    placed = [s for s in deliveries if s.get("delivery_place")]
    until = today + dt.timedelta(days=DUE_DAYS)
    figures = {
        "bumil": len(active),
        "trimester": {t: sum(1 for s in active if s["trimester"] == t) for t in (1, 2, 3, None)},
        "sasaran": len(sasaran),
        "due_30": sum(1 for s in active if s["hpl"] and today <= s["hpl"] <= until),
        "high_risk": sum(1 for s in active if s["alerts"]),
        "deliveries": len(deliveries),
        "pf": {
            "numerator": sum(1 for s in placed if s["delivery_place"] == "facility"),
            "denominator": len(placed),
        },
    }
    for n in (1, 4, 6):
        figures[f"k{n}"] = {
            "numerator": sum(1 for s in sasaran if s["contacts"] >= n),
            "denominator": len(sasaran),
        }
    for code in ALERTS:
        figures[code] = sum(1 for s in active if code in s["alerts"])
    return figures


# -- reading --------------------------------------------------------------------------------------


def _read(kind_condition, parent_level, parent_code):
    """Return the readable rows of a condition as plain tuples (no ORM objects: they cost more
    than the JSON at district scale)."""
    query = sa.select(
        Record.id, Record.kind, Record.fields, *(getattr(Record, c) for c in LEVEL_COLUMN.values())
    ).where(kind_condition)
    if parent_code:
        query = query.where(area_condition(parent_level, parent_code))
    return db.session.execute(readable(query)).all()


def pregnancy_states(
    parent_level: str | None, parent_code: str | None, today: dt.date, with_persons: bool = True
):
    """Return the pregnancies (of the parent area) the figures need, with their state and scope
    keys (and, ``with_persons``, the mother's person record for the name lists).

    Only pregnancies still active, or registered or delivered this year, count in a figure, and
    only ANC visits of the last ``ANC_DAYS`` days can belong to them (a pregnancy lasts at most
    about 300 days), so the page reads a year's records, not the whole history.
    """
    year_start = dt.date(today.year, 1, 1).isoformat()
    status = Record.fields["status"].as_string()
    pregnancies = _read(
        sa.and_(
            Record.kind == "pregnancy",
            sa.or_(
                status.is_(None),
                status == "active",
                Record.fields["registered_on"].as_string() >= year_start,
                Record.fields["delivery_date"].as_string() >= year_start,
            ),
        ),
        parent_level,
        parent_code,
    )
    since = (today - dt.timedelta(days=ANC_DAYS)).isoformat()
    anc = _read(
        sa.and_(Record.kind == "anc_visit", Record.fields["visit_date"].as_string() >= since),
        parent_level,
        parent_code,
    )
    visits: dict[str, list[dict]] = defaultdict(list)
    for row in anc:
        visits[row.fields.get("pregnancy_id")].append(row.fields)
    persons = persons_of({r.fields.get("person_id") for r in pregnancies}) if with_persons else {}
    states = []
    for row in pregnancies:
        state = pregnancy_state(row.fields, visits.get(row.id, []), today)
        state["keys"] = {level: getattr(row, column) for level, column in LEVEL_COLUMN.items()}
        state["person"] = persons.get(row.fields.get("person_id")) or {}
        states.append(state)
    return states


STATES_KEPT = 16
_LOCK = threading.Lock()


def cached_states(
    parent_level: str | None, parent_code: str | None, today: dt.date, with_persons: bool
) -> list[dict]:
    """Return ``pregnancy_states``, reused until the next write.

    Every write moves the change counter (``sync_counter``, one position per changed record), so
    the counter's value names the data a result was computed from; the user's role and unit
    name their scope (a change of the registry is a write too). A few results are kept per
    app (a restarted server starts empty); the states are read, never changed, by the page.
    """
    version = db.session.execute(sa.select(SyncCounter.value).where(SyncCounter.id == 1)).scalar()
    key = (g.scope.role, g.web_user.unit, parent_level, parent_code, today, with_persons, version)
    with _LOCK:
        kept = current_app.extensions.setdefault("kia_states", OrderedDict())
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    states = pregnancy_states(parent_level, parent_code, today, with_persons)
    with _LOCK:
        kept[key] = states
        while len(kept) > STATES_KEPT:
            kept.popitem(last=False)
    return states


def persons_of(ids: set) -> dict[str, dict]:
    """Return the readable person records of these ids."""
    query = sa.select(Record).where(Record.kind == "person", Record.id.in_(sorted(ids)))
    return {r.id: r.fields for r in db.session.execute(readable(query)).scalars()}


def unit_rows(states: list[dict], level: str, today: dt.date) -> list[dict]:
    """Group the states by their unit at ``level`` and compute each unit's figures."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for state in states:
        groups[state["keys"].get(level) or "-"].append(state)
    names = unit_names()
    rows = [
        {"code": code, "name": names.get(code, code), "figures": kia_figures(group, today)}
        for code, group in groups.items()
    ]
    return sorted(rows, key=lambda row: row["name"])


def person_lists(states: list[dict], today: dt.date) -> dict:
    """Return the high-risk and due-soon pregnancies, by HPL (for roles that see persons)."""
    until = today + dt.timedelta(days=DUE_DAYS)
    active = sorted(
        (s for s in states if s["active"]), key=lambda s: (s["hpl"] or dt.date.max, s["id"])
    )
    return {
        "high_risk": [s for s in active if s["alerts"]],
        "due": [s for s in active if s["hpl"] and today <= s["hpl"] <= until],
    }


# -- the page -------------------------------------------------------------------------------------


@bp.route("/kia")
@login_required()
def kia():
    """Show the KIA figures per unit of a level (inside ``?parent=``) and, to those who may, names."""
    today = local_today(local_zone())
    level = parse_level(request.args.get("level"), ROW_LEVEL.get(g.web_user.role, "kecamatan"))
    if level == "kabupaten":
        raise BadRequest("web.summary.bad_level")
    parent_code = check_code(request.args.get("parent"), required=False)
    parent, parent_level = None, None
    if parent_code:
        parent_level, parent = area_of(parent_code)
        if LEVELS.index(level) <= LEVELS.index(parent_level):
            raise BadRequest("web.summary.bad_level")
    sees_persons = g.web_user.role in PERSON_ROLES
    states = cached_states(parent_level, parent_code, today, sees_persons)
    rows = unit_rows(states, level, today)
    next_level = LEVELS[LEVELS.index(level) + 1] if level != "posyandu" else None
    return render_template(
        "web/kia/kia.html",
        today=today,
        level=level,
        rows=rows,
        total=kia_figures(states, today),
        parent=parent,
        parent_level=parent_level,
        parent_code=parent_code,
        drill=lambda code: (
            url_for("web.kia", level=next_level, parent=code) if next_level else None
        ),
        lists=person_lists(states, today) if sees_persons else None,
        due_days=DUE_DAYS,
        pct=pct,
    )
