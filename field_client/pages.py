"""The kader's pages: server-rendered Jinja, enhanced by the vanilla JS in ``static/app.js``.

Forms are generated from ``shared.records`` (field order, labels, ranges, options) and submitted
as JSON to the local API, which validates with the same definitions the server uses.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from markupsafe import Markup

from shared import records as shared_records
from shared.growth.monitoring import age_in_completed_months
from shared.i18n import LANGUAGES, catalogue, t
from shared.indicators import COUNTS, INDICATORS

from . import security
from .chart import chart_span, growth_chart
from .forms import kind_form
from .service import CLOCK_WARNING_SECONDS, RecordService, category_level, parse_month

bp = Blueprint("pages", __name__)

NAV = (
    ("pages.home", "client.nav.home"),
    ("pages.registry", "client.nav.registry"),
    ("pages.session", "client.nav.session"),
    ("pages.monthly", "client.nav.monthly"),
    ("pages.desa", "client.nav.desa"),
    ("pages.sync", "client.nav.sync"),
)
STAGES = ("bayi", "balita", "hamil", "anak", "remaja", "dewasa", "lansia")


def _ctx():
    return current_app.extensions["posyandu"]


def _service() -> RecordService:
    return RecordService(_ctx().store, lang=g.get("lang", "id"), today=_ctx().today())


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def life_stage(fields: dict[str, Any], on: date) -> str | None:
    """Return the ILP life stage of a person on a day (bayi, balita, anak, remaja, dewasa, lansia)."""
    birth = _as_date(fields.get("birth_date"))
    if birth is None or birth > on:
        return None
    months = age_in_completed_months(birth, on)
    if months < 12:
        return "bayi"
    if months < 60:
        return "balita"
    years = months // 12
    if years < 10:
        return "anak"
    if years < 18:
        return "remaja"
    return "dewasa" if years < 60 else "lansia"


def age_text(birth_value: Any, on: date | None = None) -> str:
    """Return an age as the kader says it: "1 th 3 bl" / "7 bl" / "12 hari"."""
    birth = _as_date(birth_value)
    on = on or _ctx().today()
    if birth is None or birth > on:
        return ""
    lang = g.get("lang", "id")
    months = age_in_completed_months(birth, on)
    if months == 0:
        return t("client.age.days", lang, n=(on - birth).days)
    if months < 24:
        return t("client.age.months", lang, n=months)
    return t("client.age.years_months", lang, y=months // 12, m=months % 12)


def _page_status(store) -> dict[str, Any]:
    """Return the sync badge, clock warning and PIN notice every page shows."""
    offset = store.get_meta("clock_offset_seconds")
    return {
        **store.outbox_counts(),
        "clock_off": offset is not None and abs(float(offset)) > CLOCK_WARNING_SECONDS,
        "clock_offset": offset,
        "user": store.get_meta("user") or {},
        "pin_weak": bool(store.get_meta("pin_weak")),
    }


def template_globals() -> dict[str, Any]:
    """Return what every page template can use."""
    lang = g.get("lang", "id")
    status = {}
    if "posyandu" in current_app.extensions:
        try:
            status = _page_status(_ctx().store)
        except sqlite3.Error:  # a damaged store: the page explaining it still renders
            status = {}
    return {
        "nav": NAV,
        "sync_badge": status,
        "pin_min": security.PIN_MIN,
        "languages": LANGUAGES,
        "age_text": age_text,
        "level": category_level,
        "choice": lambda kind, field, value: (
            shared_records.choice_label(kind, field, value, lang) if value not in (None, "") else ""
        ),
        "kind_label": lambda kind: shared_records.kind_label(kind, lang),
        "field_label": lambda kind, name: shared_records.field_label(kind, name, lang),
        "js_messages": lambda: {
            k: v
            for k, v in catalogue(lang).items()
            if k.startswith("client.js.")
            or k.startswith("client.alert.")
            or k.startswith("client.growth.")
        },
    }


def _record_or_404(kind: str, record_id: str):
    record = _ctx().store.get(kind, record_id)
    if record is None:
        abort(404)
    return record


# -- Beranda -------------------------------------------------------------------------------


@bp.get("/")
def home():
    """This month at the posyandu: who is due, who was measured, SKDN so far, sync state."""
    service = _service()
    today = _ctx().today()
    year, month = today.year, today.month
    report = service.month_report(year, month)
    indicators = report["indicators"]
    children = service.children(today, persons=report["persons"])
    # this month's visits up to today: already read by the report (its window covers them)
    first, until = date(year, month, 1).isoformat(), today.isoformat()
    measured_ids = {
        v.get("person_id")
        for v in report["recent_child_visits"]
        if v.get("visit_date") is not None and first <= v["visit_date"] <= until
    }
    measured = [c for c in children if c.id in measured_ids]
    due = [c for c in children if c.id not in measured_ids]
    return render_template(
        "home.html",
        today=today,
        counts=indicators.counts,
        growth=indicators.children,
        measured=measured,
        due=due,
        count_labels=COUNTS,
        month_label=_month_label(year, month),
    )


def _month_label(year: int, month: int) -> str:
    return f"{t(f'client.month.{month}', g.get('lang', 'id'))} {year}"


# -- Registrasi ----------------------------------------------------------------------------


@bp.get("/registrasi")
def registry():
    """Search the people of the posyandu, and register a new one."""
    query = request.args.get("q", "").strip()
    stage = request.args.get("tahap", "")
    today = _ctx().today()
    people = _ctx().store.list("person", search=query or None)
    pregnant = {
        p.get("person_id")
        for p in _ctx().store.rows("pregnancy")
        if (p.get("status") or "active") == "active"
    }
    rows = []
    for person in people:
        person_stage = life_stage(person.fields, today)
        if stage == "hamil" and person.id not in pregnant:
            continue
        if stage and stage != "hamil" and person_stage != stage:
            continue
        rows.append({"record": person, "stage": person_stage, "pregnant": person.id in pregnant})
    rows.sort(key=lambda r: str(r["record"].fields.get("name", "")).lower())
    return render_template(
        "registry.html",
        rows=rows[:500],
        total=len(rows),
        query=query,
        stage=stage,
        stages=STAGES,
        form=with_posyandu_choice(kind_form("person", g.lang)),
        today=today,
    )


def with_posyandu_choice(form: dict[str, Any]) -> dict[str, Any]:
    """Let the user pick the posyandu when their scope has several (a kader has one)."""
    store = _ctx().store
    posyandu = (store.get_meta("scope") or {}).get("posyandu") or []
    if len(posyandu) < 2:
        return form
    names = {}
    for code in posyandu:
        facility = store.get("facility", code)
        names[code] = facility.fields.get("name", code) if facility else code
    for field in form["fields"]:
        if field["name"] == "posyandu_id":
            field.update(widget="select", choices=[(c, names[c]) for c in posyandu], default=None)
    return form


@bp.get("/orang/<person_id>")
def person(person_id: str):
    """A person: identity, and what can be recorded for their life stage."""
    record = _record_or_404("person", person_id)
    today = _ctx().today()
    stage = life_stage(record.fields, today)
    if stage in ("bayi", "balita") and request.args.get("edit") is None:
        return redirect(f"/balita/{person_id}")
    store = _ctx().store
    pregnancies = store.list("pregnancy", person_id=person_id, newest_first=True)
    adult_visits = store.list("adult_visit", person_id=person_id, newest_first=True)
    can_be_pregnant = record.fields.get("sex") == "F" and stage in ("remaja", "dewasa")
    return render_template(
        "person.html",
        person=record,
        stage=stage,
        today=today,
        pregnancies=pregnancies,
        adult_visits=adult_visits,
        can_be_pregnant=can_be_pregnant,
        adult=stage in ("remaja", "dewasa", "lansia"),
        form=kind_form("person", g.lang),
        pregnancy_form=kind_form("pregnancy", g.lang),
    )


# -- Balita --------------------------------------------------------------------------------


@bp.get("/balita/<person_id>")
def child(person_id: str):
    """A child's visits and KMS-style growth charts."""
    record = _record_or_404("person", person_id)
    history = _service().child_history(record)
    points_w = [
        (h["derived"].get("age_days"), h["record"].fields.get("weight_kg")) for h in history
    ]
    points_l = [
        (h["derived"].get("age_days"), h["record"].fields.get("length_cm")) for h in history
    ]
    sex = record.fields.get("sex")
    birth = _as_date(record.fields.get("birth_date"))
    ages = [d for d, _ in points_w if d is not None]
    if birth is not None:
        ages.append((_ctx().today() - birth).days)
    until = chart_span(max(ages) if ages else None)
    charts = []
    if sex in ("M", "F"):
        charts = [
            (index, Markup(growth_chart(index, sex, points, g.lang, until)))
            for index, points in (("waz", points_w), ("lhaz", points_l))
        ]
    return render_template(
        "child.html",
        person=record,
        history=list(reversed(history)),
        charts=charts,
        form=kind_form("person", g.lang),
    )


@bp.get("/balita/<person_id>/kunjungan")
def child_visit(person_id: str):
    """Record (or correct) a child's visit with a live growth preview."""
    person_record = _record_or_404("person", person_id)
    visit = None
    if request.args.get("visit"):
        visit = _record_or_404("child_visit", request.args["visit"])
    values = dict(visit.fields) if visit else {"visit_date": _ctx().today().isoformat()}
    return render_template(
        "child_visit.html",
        person=person_record,
        visit=visit,
        values=values,
        form=kind_form("child_visit", g.lang),
    )


# -- Ibu hamil and dewasa/lansia --------------------------------------------------------------


@bp.get("/kehamilan/<pregnancy_id>")
def pregnancy(pregnancy_id: str):
    """A pregnancy, its ANC visits, and the ANC visit form with the KEK alert."""
    record = _record_or_404("pregnancy", pregnancy_id)
    mother = _record_or_404("person", record.fields["person_id"])
    visits = _ctx().store.list("anc_visit", pregnancy_id=pregnancy_id, newest_first=True)
    edit = None
    if request.args.get("visit"):
        edit = _record_or_404("anc_visit", request.args["visit"])
    values = dict(edit.fields) if edit else {"visit_date": _ctx().today().isoformat()}
    return render_template(
        "pregnancy.html",
        pregnancy=record,
        mother=mother,
        visits=visits,
        edit=edit,
        values=values,
        form=kind_form("pregnancy", g.lang),
        anc_form=kind_form("anc_visit", g.lang),
    )


@bp.get("/dewasa/<person_id>/kunjungan")
def adult_visit(person_id: str):
    """Record an adult or lansia visit: IMT, blood pressure, glucose, SKILAS."""
    person_record = _record_or_404("person", person_id)
    visit = None
    if request.args.get("visit"):
        visit = _record_or_404("adult_visit", request.args["visit"])
    values = dict(visit.fields) if visit else {"visit_date": _ctx().today().isoformat()}
    stage = life_stage(person_record.fields, _ctx().today())
    return render_template(
        "adult_visit.html",
        person=person_record,
        visit=visit,
        values=values,
        lansia=stage == "lansia",
        form=kind_form("adult_visit", g.lang),
    )


# -- Hari buka, laporan bulanan, laporan desa ---------------------------------------------------


@bp.get("/hari-buka")
def session():
    """The posyandu's opening days (hari buka), and the form for one."""
    store = _ctx().store
    sessions = store.list("posyandu_session", newest_first=True)
    edit = None
    if request.args.get("id"):
        edit = _record_or_404("posyandu_session", request.args["id"])
    values = (
        dict(edit.fields) if edit else {"session_date": _ctx().today().isoformat(), "opened": True}
    )
    return render_template(
        "session.html",
        sessions=sessions,
        edit=edit,
        values=values,
        form=kind_form("posyandu_session", g.lang),
    )


@bp.get("/laporan-bulanan")
def monthly():
    """The month's SKDN and indicators, computed live from the records."""
    today = _ctx().today()
    year, month = parse_month(request.args.get("bulan"), today)
    report = _service().month_report(year, month)
    indicators = report["indicators"]
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return render_template(
        "monthly.html",
        indicators=indicators,
        sessions=report["sessions"],
        count_labels=COUNTS,
        indicator_labels=INDICATORS,
        month_label=_month_label(year, month),
        month_value=f"{year:04d}-{month:02d}",
        previous=f"{previous[0]:04d}-{previous[1]:02d}",
        following=f"{following[0]:04d}-{following[1]:02d}",
        session_fields=kind_form("posyandu_session", g.lang)["fields"],
    )


@bp.get("/laporan-desa")
def desa():
    """The desa's monthly births, deaths and ODF/STBM status."""
    store = _ctx().store
    reports = store.list("desa_report", newest_first=True)
    edit = None
    if request.args.get("id"):
        edit = _record_or_404("desa_report", request.args["id"])
    today = _ctx().today()
    values = dict(edit.fields) if edit else {"period": f"{today.year:04d}-{today.month:02d}"}
    desa_codes = (store.get_meta("scope") or {}).get("desa") or []
    return render_template(
        "desa.html",
        reports=reports,
        edit=edit,
        values=values,
        desa_codes=desa_codes,
        form=kind_form("desa_report", g.lang),
    )


# -- Sinkronisasi ------------------------------------------------------------------------------


@bp.get("/sinkronisasi")
def sync():
    """Last sync, pending changes, progress, errors in plain words, quarantine and conflicts."""
    from .auth import sync_error_text
    from .sync import SyncError

    store = _ctx().store
    status = _ctx().agent.status()
    error = status.get("last_error")
    error_text = None
    if error:
        error_text = sync_error_text(
            SyncError(error.get("code", "other"), error.get("message") or ""), g.lang
        )
    quarantined = []
    for mutation in store.quarantined():
        record = store.get(mutation.kind, mutation.id, include_deleted=True)
        quarantined.append(
            {
                "mutation": mutation,
                "record": record,
                "form": kind_form(mutation.kind, g.lang)
                if mutation.kind in shared_records.KINDS
                else None,
            }
        )
    return render_template(
        "sync.html",
        status=status,
        error_text=error_text,
        quarantined=quarantined,
        conflicts=store.conflicts(),
    )


@bp.get("/bahasa/<code>")
def set_language(code: str):
    """Switch the interface language (kept on the device)."""
    if code in LANGUAGES:
        _ctx().store.set_meta(lang=code)
        _ctx().agent.lang = code
    target = request.referrer or "/"
    return redirect(
        target if target.startswith(request.host_url) or target.startswith("/") else "/"
    )
