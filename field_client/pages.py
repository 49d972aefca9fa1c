"""The kader's pages: server-rendered Jinja, enhanced by the vanilla JS in ``static/app.js``.

Forms are generated from ``shared.records`` (field order, labels, ranges, options) and submitted
as JSON to the local API, which validates with the same definitions the server uses.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from flask import session as flask_session
from jinja2 import is_undefined
from markupsafe import Markup

from shared import records as shared_records
from shared.growth.monitoring import age_in_completed_months
from shared.i18n import LANGUAGES, catalogue, t
from shared.i18n import register as register_messages
from shared.indicators import COUNTS, INDICATORS

from . import security, worklists
from .chart import chart_span, growth_chart
from .describe import describe, record_page
from .formats import (
    format_date,
    format_instant,
    format_month,
    format_number,
    format_z,
)
from .forms import PERSON_EVENTS, kind_form
from .month_review import month_reviews
from .plausibility import reason_text
from .service import (
    CLOCK_WARNING_SECONDS,
    RecordService,
    category_level,
    is_bblr,
    month_bounds,
    parse_month,
)

bp = Blueprint("pages", __name__)
REVIEW_DONE = ("review_sent", "reopen_asked")  # the month's report (field_client/month_review)

NAV = (
    ("pages.home", "client.nav.home"),
    ("pages.registry", "client.nav.registry"),
    ("pages.session", "client.nav.session"),
    ("pages.monthly", "client.nav.monthly"),
    ("pages.desa", "client.nav.desa"),
    ("pages.sync", "client.nav.sync"),
)
WORK_LIST_SHOWN = 50  # names shown per work list on Beranda before "Tampilkan semua"
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
        "what": lambda record: describe(_ctx().store, record, lang),
        "banner": done_banner,
        "bblr": is_bblr,
        "field_label": lambda kind, name: shared_records.field_label(kind, name, lang),
        "js_messages": lambda: {
            k: v
            for k, v in catalogue(lang).items()
            if k.startswith("client.js.")
            or k.startswith("client.alert.")
            or k.startswith("client.growth.")
            or k.startswith("client.imt.")
            or k.startswith("client.duplicates.")
        },
    }


def done_banner() -> dict[str, Any] | None:
    """Return what the last action did, from the page's query (``done=saved|deleted|restored``).

    After a delete the banner names the record and offers "Urungkan" while it is still deleted.
    """
    done = request.args.get("done")
    if done in ("saved", "resent", "discarded", "resolved", "reopened", *REVIEW_DONE):
        return {"text": t(f"client.done.{done}", g.lang)}
    if done not in ("deleted", "restored"):
        return None
    kind, _, record_id = str(request.args.get("undo" if done == "deleted" else "what")).partition(
        ":"
    )
    if kind not in shared_records.KINDS:
        return None
    record = _ctx().store.get(kind, record_id, include_deleted=True)
    if record is None or record.deleted != (done == "deleted"):
        return None
    text = t(f"client.done.{done}", g.lang, what=describe(_ctx().store, record, g.lang))
    if done == "restored":
        return {"text": text}
    return {"text": text, "undo": True, "kind": kind, "id": record_id, "to": record_page(record)}


def register_filters(state) -> None:
    """Give templates the device's formats: dates dd/mm/yyyy, decimal comma, local times."""
    app = state.app

    def lang() -> str:
        return g.get("lang", "id")

    app.add_template_filter(lambda v: format_date(v, lang()), "tgl")
    app.add_template_filter(lambda v: format_month(v, lang()), "bulan")
    # a field a record does not have (pulled without it) is jinja's Undefined: write nothing
    app.add_template_filter(
        lambda v, places=None: format_number(None if is_undefined(v) else v, places, lang()),
        "angka",
    )
    app.add_template_filter(lambda v: format_z(v, lang()), "zskor")
    app.add_template_filter(lambda v: format_instant(v, _ctx().store, lang()), "waktu")
    app.add_template_filter(display_value, "nilai")


def display_value(value: Any) -> str:
    """Write any stored value for reading: yes/no, dd/mm/yyyy, decimal comma, else as text."""
    lang = g.get("lang", "id")
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("client.yes" if value else "client.no", lang)
    if isinstance(value, int | float):
        return format_number(value, lang=lang)
    if isinstance(value, str) and _as_date(value) is not None and len(value) == 10:
        return format_date(value)
    if isinstance(value, list):
        return ", ".join(display_value(v) for v in value)
    return str(value)


bp.record_once(register_filters)


def _record_or_404(kind: str, record_id: str):
    record = _ctx().store.get(kind, record_id)
    if record is None:
        abort(404)
    return record


# -- Beranda -------------------------------------------------------------------------------


@bp.get("/")
def home():
    """The day's work: each list of ``worklists`` with its count, SKDN so far, the search box.

    "To weigh" and "weighed" split exactly the children counted in S (0–59 completed months on
    the last day of the month, as ``shared.indicators`` counts them), and "weighed" means what
    D means: a weight recorded this month (up to today). Lists show their first
    ``WORK_LIST_SHOWN`` names; ``?semua=<list>`` shows one list whole, open.
    """
    service = _service()
    store = _ctx().store
    today = _ctx().today()
    year, month = today.year, today.month
    report = service.month_report(year, month)

    def compute():
        data = worklists.load(
            store,
            today,
            persons=report["persons"],
            recent_child_visits=report["recent_child_visits"],
            month_growth=report["indicators"].children,
        )
        lists = worklists.work_lists(data, today)
        weighed = worklists.weighed_ids(report["recent_child_visits"], today)
        children = worklists.s_children(report["persons"], today)
        measured = sorted(
            (c for c in children if c["id"] in weighed), key=lambda c: c["name"].casefold()
        )
        return lists, measured, {p["id"]: p for p in report["persons"]}

    lists, measured, people = store.cached(("worklists", today), compute)
    whole = request.args.get("semua")
    return render_template(
        "home.html",
        today=today,
        counts=report["indicators"].counts,
        growth=report["indicators"].children,
        lists=lists,
        measured=measured,
        people=people,
        whole=whole if whole in worklists.LISTS or whole == "measured" else None,
        shown=WORK_LIST_SHOWN,
        reasons=lambda item: " · ".join(worklists.reason_text(r, g.lang) for r in item.reasons),
        count_labels=COUNTS,
        month_label=_month_label(year, month),
    )


def _month_label(year: int, month: int) -> str:
    return f"{t(f'client.month.{month}', g.get('lang', 'id'))} {year}"


# -- Registrasi ----------------------------------------------------------------------------


@bp.get("/registrasi")
def registry():
    """Search the people of the posyandu (registering is a page of its own)."""
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
        today=today,
    )


# Which fields registration shows for each life stage (the rest are asked for everyone).
STAGE_FIELDS = {
    "has_kia_book": ("balita",),
    "birth_weight_kg": ("balita",),
    "birth_length_cm": ("balita",),
    "birth_order": ("balita", "anak"),
    "mother_name": ("balita", "anak"),
    "mother_nik": ("balita", "anak"),
    "father_name": ("balita", "anak"),
    "father_nik": ("balita", "anak"),
}
REGISTER_STAGES = ("balita", "anak", "dewasa")


@bp.get("/registrasi/baru")
def register():
    """Register a new person: the fields of their life stage, desa from a list, duplicates
    checked next to Simpan."""
    form = with_desa_choice(with_posyandu_choice(kind_form("person", g.lang, PERSON_EVENTS)))
    for field in form["fields"]:
        field["stages"] = STAGE_FIELDS.get(field["name"], ())
    desa_field = next(f for f in form["fields"] if f["name"] == "desa_code")
    values = {"sex": None, "desa_code": desa_field.get("default")}
    return render_template(
        "register.html",
        form=form,
        values=values,
        stages=REGISTER_STAGES,
        desa_missing=desa_field["widget"] != "select",
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


def desa_choices() -> list[tuple[str, str]]:
    """Return the desa the device knows, as (code, "Name (61.11.01.2001)"), by name.

    From the wilayah records pulled from the server; the scope's bare codes when none were pulled.
    """
    store = _ctx().store
    found = {
        w.id: str(w.fields.get("name") or w.id)
        for w in store.list("wilayah")
        if w.fields.get("level") == "desa"
    }
    for code in (store.get_meta("scope") or {}).get("desa") or []:
        found.setdefault(code, code)
    labels = [
        (code, f"{name} ({_dotted(code)})" if name != code else _dotted(code))
        for code, name in found.items()
    ]
    return sorted(labels, key=lambda item: item[1].lower())


def _dotted(code: str) -> str:
    """Write a Kemendagri code with its dots: 6111012001 -> 61.11.01.2001 (BRIEF §4.1)."""
    return ".".join(part for part in (code[:2], code[2:4], code[4:6], code[6:]) if part)


def with_desa_choice(form: dict[str, Any]) -> dict[str, Any]:
    """Let the kader pick the desa from a list instead of typing a 10-digit code."""
    choices = desa_choices()
    if not choices:
        return form
    store = _ctx().store
    default = None
    for code in (store.get_meta("scope") or {}).get("posyandu") or []:
        facility = store.get("facility", code)
        default = default or (facility.fields.get("desa_code") if facility else None)
    if default is None and len(choices) == 1:
        default = choices[0][0]
    for field in form["fields"]:
        if field["name"] == "desa_code":
            label = t("client.form.desa", g.lang)
            field.update(widget="select", choices=choices, default=default, label=label)
    return form


def person_forms() -> dict[str, Any]:
    """Return the forms of a person page: edit (without events), Pindah and Meninggal."""
    return {
        "form": with_desa_choice(kind_form("person", g.lang, PERSON_EVENTS)),
        "move_form": kind_form("person", g.lang, only=("moved_out_on",)),
        "death_form": kind_form("person", g.lang, only=("died_on", "death_cause")),
    }


@bp.get("/orang/<person_id>")
def person(person_id: str):
    """A person: identity, and what can be recorded for their life stage."""
    record = _record_or_404("person", person_id)
    today = _ctx().today()
    stage = life_stage(record.fields, today)
    if stage in ("bayi", "balita") and request.args.get("edit") is None:
        query = request.query_string.decode()
        return redirect(f"/balita/{person_id}" + (f"?{query}" if query else ""))
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
        pregnancy_form=kind_form("pregnancy", g.lang),
        **person_forms(),
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
    flagged = {f["record_id"] for f in _ctx().store.flags(h["record"].id for h in history)}
    return render_template(
        "child.html",
        person=record,
        history=list(reversed(history)),
        flagged=flagged,
        charts=charts,
        **person_forms(),
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
        remeasured=remeasured_in(year, month),
        reviews=month_reviews(_ctx().store, f"{year:04d}-{month:02d}", g.lang),
    )


def remeasured_in(year: int, month: int) -> list[dict[str, Any]]:
    """List the month's child visits whose unusual values the kader confirmed after
    re-measuring (the local ``remeasured`` flags), with the child's name and the reasons."""
    store = _ctx().store
    first, last = (d.isoformat() for d in month_bounds(year, month))
    out = []
    for flag in store.flags():
        if flag["code"] != "remeasured" or not first <= str(flag["date"] or "") <= last:
            continue
        person = store.get("person", str(flag["person_id"]))
        reasons = flag["details"].get("reasons", ())
        out.append(
            {
                **flag,
                "name": person.fields.get("name") if person else "",
                "reasons": [reason_text(reason, g.lang) for reason in reasons],
            }
        )
    return sorted(out, key=lambda f: (f["date"], f["name"]))


@bp.get("/laporan-desa")
def desa():
    """The desa's monthly births, deaths and ODF/STBM status."""
    store = _ctx().store
    reports = store.list("desa_report", newest_first=True)
    edit = None
    if request.args.get("id"):
        edit = _record_or_404("desa_report", request.args["id"])
    desa_codes = (store.get_meta("scope") or {}).get("desa") or []
    values = dict(edit.fields) if edit else new_desa_report(store, desa_codes)
    return render_template(
        "desa.html",
        reports=reports,
        edit=edit,
        values=values,
        desa_codes=desa_codes,
        desa_names=dict(desa_choices()),
        form=with_desa_choice(kind_form("desa_report", g.lang)),
    )


def new_desa_report(store, desa_codes: list[str]) -> dict[str, Any]:
    """Start a desa report for the month asked (this month by default) from the device's records:
    the newborns registered and the deaths recorded, each number still the kader's to change."""
    from .desa_report import month_facts

    today = _ctx().today()
    period = request.args.get("period") or f"{today.year:04d}-{today.month:02d}"
    desa = request.args.get("desa_code") or (desa_codes[0] if len(desa_codes) == 1 else None)
    return {"period": period, "desa_code": desa, **month_facts(store, desa, period)}


# -- Sinkronisasi ------------------------------------------------------------------------------


@bp.get("/sinkronisasi")
def sync(bundle_done: str | None = None, bundle_error: str | None = None):
    """Last sync, pending changes, progress, errors in plain words, quarantine and conflicts;
    the file bundle buttons ("Simpan ke file", "Ambil dari file") and what they last did."""
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
        conflicts=conflict_rows(store, g.lang),
        bundle_done=bundle_done or flask_session.pop(BUNDLE_DONE, None),
        bundle_error=bundle_error,
        bundles=store.bundles(limit=5),
    )


# -- Sinkronisasi by file: "Simpan ke file" and "Ambil dari file" (issue #19) ----------------------

BUNDLE_DONE = "bundle_done"  # the session key of what the last bundle button did (shown once)
BUNDLE_UPLOAD_MAX = 64 * 1024 * 1024  # a server bundle of a whole scope, compressed
BUNDLE_MIME = "application/octet-stream"

register_messages(
    {
        "client.bundle.title": {
            "id": "Tanpa sinyal: kirim lewat berkas",
            "en": "No signal: send by file",
        },
        "client.bundle.intro": {
            "id": "Simpan perubahan yang belum terkirim ke berkas, bawa ke puskesmas (flashdisk "
            "atau HP), lalu ambil berkas jawaban dari server di sini. Data tetap di perangkat "
            "sampai jawaban server diterima.",
            "en": "Save the unsent changes to a file, take it to the puskesmas (USB stick or "
            "phone), then load the server's answer file here. The data stays on this device "
            "until the server's answer arrives.",
        },
        "client.bundle.save": {"id": "Simpan ke file", "en": "Save to file"},
        "client.bundle.load": {"id": "Ambil dari file", "en": "Load from file"},
        "client.bundle.file": {
            "id": "Berkas jawaban dari server",
            "en": "The server's answer file",
        },
        "client.bundle.saved_at": {
            "id": "Berkas kiriman tersimpan: {path} ({count} perubahan). Serahkan berkas ini ke "
            "petugas puskesmas.",
            "en": "Bundle saved: {path} ({count} changes). Give this file to the puskesmas staff.",
        },
        "client.bundle.loaded": {
            "id": "Jawaban server diterapkan: {acked} perubahan diterima server, {quarantined} "
            "ditolak, {conflicts} bersamaan; {pulled} data diperbarui. Belum terkirim: {left}.",
            "en": "The server's answer was applied: {acked} changes accepted, {quarantined} "
            "refused, {conflicts} concurrent; {pulled} records updated. Not sent yet: {left}.",
        },
        "client.bundle.no_file": {
            "id": "Pilih dulu berkas jawaban dari server (berkas jawaban-….posyandu).",
            "en": "Choose the server's answer file first (a jawaban-….posyandu file).",
        },
        "client.bundle.history": {"id": "Berkas terakhir", "en": "Latest files"},
        "client.bundle.direction.export": {"id": "Disimpan", "en": "Saved"},
        "client.bundle.direction.import": {"id": "Diambil", "en": "Loaded"},
        "client.bundle.changes": {"id": "{n} perubahan", "en": "{n} changes"},
    }
)


def _save_in_documents(data: bytes, filename: str) -> Path:
    """Write a bundle in the user's Documents folder (the data folder when that fails), readable
    by this user only; a name already taken gets ``-2``, ``-3``… Return the path written."""
    from .printing import documents_folder

    stem, dot, ext = filename.rpartition(".")
    fallback = Path(current_app.config["DATA_DIR"]) / "kiriman"
    for folder in (documents_folder(), fallback):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for number in range(1, 1000):
                path = folder / (filename if number == 1 else f"{stem}-{number}{dot}{ext}")
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    continue
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                return path
        except OSError:
            continue
    raise OSError(filename)


@bp.post("/sinkronisasi/simpan-file")
def bundle_save():
    """Write the outbox into a signed bundle: a download in a browser; in the app's own window
    (which cannot download) a file in Documents. The outbox stays until the server answers."""
    from .bundle import BundleError, build_device_bundle, bundle_error_text
    from .printing import PDF_RENDERER

    try:
        data, summary = build_device_bundle(_ctx().store)
    except BundleError as exc:
        return sync(bundle_error=bundle_error_text(exc, g.lang)), 400
    if PDF_RENDERER not in current_app.extensions:  # a browser: it saves the download
        response = current_app.response_class(data, mimetype=BUNDLE_MIME)
        response.headers["Content-Disposition"] = f'attachment; filename="{summary["filename"]}"'
        response.headers["Cache-Control"] = "no-store"
        return response
    try:
        path = _save_in_documents(data, summary["filename"])
    except OSError as exc:
        return sync(bundle_error=t("client.bundle.error.unreadable", g.lang, reason=str(exc))), 500
    flask_session[BUNDLE_DONE] = t(
        "client.bundle.saved_at", g.lang, path=str(path), count=summary["count"]
    )
    return redirect("/sinkronisasi", 303)


@bp.post("/sinkronisasi/ambil-file")
def bundle_load():
    """Apply the server's bundle for this device (answers, then changes, as a sync would)."""
    from werkzeug.exceptions import RequestEntityTooLarge

    from .bundle import BundleError, bundle_error_text, import_bundle

    request.max_content_length = BUNDLE_UPLOAD_MAX
    try:
        upload = request.files.get("bundle")
    except RequestEntityTooLarge:
        return sync(bundle_error=t("client.bundle.error.too_large", g.lang)), 413
    if upload is None or not upload.filename:
        return sync(bundle_error=t("client.bundle.no_file", g.lang)), 400
    try:
        report = import_bundle(_ctx().store, upload.read())
    except BundleError as exc:
        return sync(bundle_error=bundle_error_text(exc, g.lang)), 400
    flask_session[BUNDLE_DONE] = t(
        "client.bundle.loaded",
        g.lang,
        acked=report["acked"],
        quarantined=report["quarantined"],
        conflicts=report["conflicts"],
        pulled=report["pulled"],
        left=report["pending_left"],
    )
    return redirect("/sinkronisasi", 303)


def conflict_rows(store, lang: str) -> list[dict[str, Any]]:
    """Return the conflicts for the page: undecided ones first, each named and in plain words."""
    from .conflict_view import conflict_view

    rows = [conflict_view(store, c, lang) for c in store.conflicts()]
    return sorted(rows, key=lambda row: row["status"] != "open")


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
