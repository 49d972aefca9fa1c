"""The ILP pages of a person (issue #15): remaja, nifas, KB, TB screening and referrals.

A person's page offers what fits their life stage (``ilp.offers``): usia sekolah/remaja →
``youth_visit``; a mother within 42 days of delivery → ``postpartum_visit`` with the KF1–KF4
windows; PUS/WUS → ``family_planning``; anyone → ``tb_screening``; from any visit → ``referral``.
Every form is the kind's own (``forms.kind_form``) saved through the local API; a saved record
whose values raise an alert shows it with a one-click "Rujuk ke Puskesmas" (a referral form whose
fields are all filled in: reason, source visit, today). Open referrals are updated and closed on
``/rujukan/<id>``. The child's immunisation card and the visit form's dose offer are template
helpers (``ilp_card``, ``dose_offer``) used by ``child.html`` and ``child_visit.html``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, render_template_string, request

from shared import records as shared_records
from shared.i18n import t

from . import ilp
from .forms import kind_form

bp = Blueprint("ilp", __name__)

OPEN_STATUSES = ("created", "referred", "received")
NEW_REFERRAL_FIELDS = (
    "referral_date",
    "reason",
    "reason_text",
    "destination",
    "destination_name",
    "notes",
)
SOURCE_KINDS = frozenset(ilp.PAGES.values()) | {"child_visit", "adult_visit", "anc_visit"}


def _ctx():
    return current_app.extensions["posyandu"]


def _record_or_404(kind: str, record_id: str):
    record = _ctx().store.get(kind, record_id)
    if record is None:
        abort(404)
    return record


def hide(form: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Turn some fields of a form into hidden ones (filled by the page, not typed)."""
    for field in form["fields"]:
        if field["name"] in names:
            field["widget"] = "hidden"
    return form


def without(form: dict[str, Any], name: str) -> dict[str, Any]:
    """Return the form without one field."""
    return {**form, "fields": [f for f in form["fields"] if f["name"] != name]}


def refer_form() -> dict[str, Any]:
    """The one-click referral of an alert: every field filled in by the page."""
    names = (
        "person_id",
        "posyandu_id",
        "referral_date",
        "reason",
        "reason_text",
        "destination",
        "source_kind",
        "source_id",
    )
    return hide(kind_form("referral", g.lang, only=names), names)


def refer_values(kind: str, record, derived: dict[str, Any], person) -> dict[str, Any]:
    """Return the hidden values of the one-click referral of ``record``'s alerts."""
    codes = derived.get("alert_codes") or []
    return {
        "person_id": person.id,
        "posyandu_id": person.fields.get("posyandu_id"),
        "referral_date": _ctx().today().isoformat(),
        "reason": ilp.referral_reason(codes),
        "reason_text": " ".join(derived.get("alert_texts") or [])[:500],
        "destination": "puskesmas",
        "source_kind": kind,
        "source_id": record.id,
    }


def referrals_of(person_id: str) -> list:
    """Return a person's referrals, newest first."""
    return _ctx().store.list("referral", person_id=person_id, newest_first=True)


@bp.app_template_filter("ilp_choice")
def ilp_choice(code: str, kind: str, field: str) -> str:
    """Return the label of one code of a list field (a danger sign, a TB symptom)."""
    return shared_records.choice_label(kind, field, code, g.get("lang", "id"))


@bp.app_context_processor
def helpers() -> dict[str, Any]:
    """Template helpers for the person, child and child-visit pages."""
    lang = g.get("lang", "id")
    today = _ctx().today() if "posyandu" in current_app.extensions else None

    def person_dict(person):
        return {**person.fields, "id": person.id}

    return {
        "ilp_card": lambda person: ilp.immunisation_card(
            _ctx().store, person_dict(person), today, lang
        ),
        "dose_offer": lambda person, day=None: ilp.dose_offer(
            _ctx().store, person_dict(person), ilp.as_date(day) or today, lang
        ),
        "ilp_offers": lambda person, stage: ilp.offers(_ctx().store, person, stage, today),
        "ilp_referrals": referrals_of,
        "open_statuses": OPEN_STATUSES,
        "without_field": without,
    }


@bp.get("/balita/<person_id>/dosis")
def dose_picker(person_id: str):
    """The visit form's dose offer for the visit date typed (``?tanggal=``), as an HTML part:
    the form's script swaps it in when the kader changes the date of a late entry."""
    person = _record_or_404("person", person_id)
    day = ilp.as_date(request.args.get("tanggal"))
    if day is None:
        text = t("client.ilp.doses_bad_day", g.get("lang", "id"))
        return text, 400, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template_string(
        '{% from "_ilp.html" import dose_picker with context %}{{ dose_picker(person, day) }}',
        person=person,
        day=day,
    )


@bp.get("/orang/<person_id>/<page>")
def record_page(person_id: str, page: str):
    """A person's ILP records of one kind (remaja, nifas, kb, tbc), and the form for one."""
    kind = ilp.PAGES.get(page)
    if kind is None:
        abort(404)
    person = _record_or_404("person", person_id)
    store, today = _ctx().store, _ctx().today()
    edit = _record_or_404(kind, request.args["id"]) if request.args.get("id") else None
    if edit is not None and edit.fields.get("person_id") != person.id:
        abort(404)  # another person's record under this person's name
    values = dict(edit.fields) if edit else {"visit_date": today.isoformat()}
    hidden = {"person_id": person.id, "posyandu_id": person.fields.get("posyandu_id")}
    extra: dict[str, Any] = {}
    if kind == "postpartum_visit":
        extra = _nifas(person, edit, hidden)
    records = store.list(kind, person_id=person_id, newest_first=True)
    return render_template(
        "ilp_visit.html",
        person=person,
        kind=kind,
        page=page,
        records=records,
        edit=edit,
        values=values,
        hidden=hidden,
        form=kind_form(kind, g.lang),
        refer_form=refer_form(),
        refer_values=lambda record, derived: refer_values(kind, record, derived, person),
        alerts=lambda record: ilp.derive(store, kind, {**record.fields, "id": record.id}, g.lang),
        **extra,
    )


def _nifas(person, edit, hidden: dict[str, Any]) -> dict[str, Any]:
    """The delivered pregnancy a nifas visit belongs to, and its KF plan."""
    store, today = _ctx().store, _ctx().today()
    pregnancy = None
    if edit is not None:
        pregnancy = store.get("pregnancy", str(edit.fields.get("pregnancy_id")))
    pregnancy = pregnancy or ilp.delivered_pregnancy(store, person.id, today)
    if pregnancy is None:
        return {"pregnancy": None, "kf_plan": []}
    hidden["pregnancy_id"] = pregnancy.id
    delivery = ilp.as_date(pregnancy.fields.get("delivery_date"))
    visits = [v.fields for v in store.list("postpartum_visit", pregnancy_id=pregnancy.id)]
    return {"pregnancy": pregnancy, "kf_plan": ilp.kf_plan(delivery, visits, today, g.lang)}


@bp.get("/orang/<person_id>/rujukan")
def referrals(person_id: str):
    """A person's referrals, and a new one (from a visit when ``dari=kind:id``)."""
    person = _record_or_404("person", person_id)
    source_kind, _, source_id = request.args.get("dari", "").partition(":")
    source = None
    if source_kind in SOURCE_KINDS and source_id:
        source = _ctx().store.get(source_kind, source_id)
        if source is not None and source.fields.get("person_id") != person.id:
            source = None  # a visit of someone else is not where this referral comes from
    hidden = {"person_id": person.id, "posyandu_id": person.fields.get("posyandu_id")}
    if source is not None:
        hidden.update(source_kind=source_kind, source_id=source.id)
    values = {"referral_date": _ctx().today().isoformat(), "destination": "puskesmas"}
    links = ("person_id", "posyandu_id", "source_kind", "source_id")
    form = kind_form("referral", g.lang, only=NEW_REFERRAL_FIELDS + links)
    return render_template(
        "referral.html",
        person=person,
        source=source,
        source_kind=source_kind if source else None,
        referrals=referrals_of(person_id),
        values=values,
        hidden=hidden,
        form=hide(form, ("source_kind", "source_id")),
    )


@bp.get("/rujukan/<referral_id>")
def referral(referral_id: str):
    """One referral: follow it up (status, date, by whom) or close it."""
    record = _record_or_404("referral", referral_id)
    person = _record_or_404("person", str(record.fields.get("person_id")))
    update = kind_form(
        "referral", g.lang, only=("status", "follow_up_date", "followed_up_by", "notes")
    )
    close = hide(
        kind_form("referral", g.lang, only=("status", "follow_up_date", "followed_up_by")),
        ("status",),
    )
    return render_template(
        "referral_edit.html",
        referral=record,
        person=person,
        is_open=(record.fields.get("status") or "created") in OPEN_STATUSES,
        update_form=update,
        close_form=close,
        close_values={
            "follow_up_date": _ctx().today().isoformat(),
            "followed_up_by": record.fields.get("followed_up_by"),
        },
    )
