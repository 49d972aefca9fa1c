"""ILP on the device (issue #15): doses by schedule, alerts that suggest a referral, KF windows.

The rules are ``shared``'s: ``shared.immunisation`` judges every dose (the ``immunization`` records
are the one source of truth, old child visits' antigen lists are read as doses through
``shared.derive.immunisation_events``), ``shared.derive`` and ``shared.clinical`` give the
alerts of a youth visit, a nifas visit and a TB screen. This module only reads the device's
store and turns the results into what the pages show, in the kader's language.

Doses ticked on the child visit form arrive with the visit as ``_doses`` (a list of
``antigens.csv`` codes). :func:`check_doses` judges them in schedule order against the child's
history *and* the doses ticked before them (DPT-HB-Hib 1 and 2 on one day: the second is refused,
interval too short), and :func:`save_doses` writes one ``immunization`` record per dose once the
visit itself has passed validation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from shared import immunisation
from shared import records as shared_records
from shared.calendar import format_date
from shared.clinical import describe
from shared.clinical.thresholds import Alert
from shared.derive import (
    derive_postpartum_visit,
    derive_tb_screening,
    derive_youth_visit,
    immunisation_events,
)
from shared.i18n import t
from shared.immunisation.schedule import all_scopes
from shared.records.ilp_tables import kf_windows

# address part of a person's ILP page -> the record kind it records
PAGES = {
    "remaja": "youth_visit",
    "nifas": "postpartum_visit",
    "kb": "family_planning",
    "tbc": "tb_screening",
}
DOSES_FIELD = "_doses"
PERSON_KINDS = ("immunization", "child_visit", "youth_visit", "tb_screening", "postpartum_visit")
# the referral reason an alert suggests (REFERRAL_REASONS of shared.records.ilp_kinds)
ALERT_REASONS = {
    "anaemia": "anaemia",
    "kek": "growth",
    "thinness": "growth",
    "obesity": "growth",
    "tb_suspect": "tb_suspect",
    "nifas_danger": "danger_sign",
    "mental_health": "mental_health",
    "hypertension": "ptm",
}
WUS_YEARS = (15, 49)
NIFAS_DAYS = 42


def as_date(value: Any) -> date | None:
    """Return a date from a date or an ISO text (None when it is neither)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _fields(record) -> dict[str, Any]:
    return {**record.fields, "id": record.id}


def person_records(store, person_id: str, kinds: Iterable[str] = PERSON_KINDS):
    """Return a person's live records of ``kinds`` as ``(kind, fields with id)``."""
    return [(kind, _fields(r)) for kind in kinds for r in store.list(kind, person_id=person_id)]


# -- immunisation --------------------------------------------------------------------------------


def doses_given(
    store, person_id: str, exclude_id: str | None = None
) -> list[tuple[str, None, date]]:
    """Return the child's recorded doses as ``shared.immunisation`` reads them (without the
    ``immunization`` record ``exclude_id``, the one being corrected)."""
    events = immunisation_events(person_records(store, person_id, ("immunization", "child_visit")))
    return [
        (e.code, None, e.given_on) for e in events if e.record_id != exclude_id or not e.record_id
    ]


def antigen_names() -> dict[str, str]:
    """Return the name of each antigen-dose code (``antigens.csv``)."""
    return {a["code"]: a["name"] for a in shared_records.antigens()}


def reason_text(status, names: Mapping[str, str], lang: str) -> str:
    """Return why a dose is invalid or cannot be given, doses named as the kader knows them."""
    params = {
        key: names.get(value, value) if key in ("previous", "code") else value
        for key, value in status.reason_params.items()
    }
    return immunisation.reason_text(status.reason, params, lang)


def _note(status, on: date | None, lang: str) -> str:
    """Return when an open dose can be given, in words (empty for a given dose)."""
    start, end = status.allowed_from, status.allowed_until
    if status.status in (immunisation.GIVEN, immunisation.GIVEN_LATE) or start is None:
        return ""
    if status.status == immunisation.DUE:
        return t(
            "client.ilp.card.window",
            lang,
            start=format_date(status.due_from),
            end=format_date(status.due_by),
        )
    if on is not None and start <= on and (end is None or on <= end):
        return t("client.ilp.card.today", lang)
    return t("client.ilp.card.from", lang, start=format_date(max(start, status.due_from or start)))


def _status_row(
    status, names: Mapping[str, str], lang: str, on: date | None = None
) -> dict[str, Any]:
    reason = reason_text(status, names, lang) or _note(status, on, lang)
    return {
        "code": status.code,
        "antigen": status.antigen,
        "name": names.get(status.code, status.code),
        "status": status.status,
        "status_text": t(f"immunisation.status.{status.status}", lang),
        "given_on": status.given_on,
        "due_from": status.due_from,
        "due_by": status.due_by,
        "reason": reason,
    }


def immunisation_card(store, person: Mapping[str, Any], on: date, lang: str) -> list[dict]:
    """Return the child's schedule by antigen, each dose with its status in words, on ``on``."""
    birth = as_date(person.get("birth_date"))
    if birth is None or birth > on:
        return []
    names = antigen_names()
    given = doses_given(store, str(person["id"]))
    rows = [_status_row(s, names, lang, on) for s in immunisation.assess(birth, given, on)]
    order = list(dict.fromkeys(r["antigen"] for r in rows))
    return sorted(rows, key=lambda r: (order.index(r["antigen"]), r["code"]))


def dose_offer(store, person: Mapping[str, Any], on: date, lang: str) -> dict[str, Any]:
    """Return the doses the visit form offers for a visit on ``on``: ``due`` (valid that day,
    overdue ones included) first, and every other dose not validly given yet behind "lainnya"."""
    birth = as_date(person.get("birth_date"))
    if birth is None or birth > on:
        return {"day": on, "due": [], "other": []}
    names = antigen_names()
    given = doses_given(store, str(person["id"]))
    due = immunisation.due_today(birth, given, on)
    due_codes = {s.code for s in due}
    open_ = [
        s
        for s in immunisation.assess(birth, given, on)
        if s.status not in (immunisation.GIVEN, immunisation.GIVEN_LATE) and s.code not in due_codes
    ]
    return {
        "day": on,
        "due": [_status_row(s, names, lang) for s in due],
        "other": [_status_row(s, names, lang) for s in open_],
    }


def check_doses(
    store,
    person: Mapping[str, Any],
    codes: Iterable[str],
    on: date,
    lang: str,
    exclude_id: str | None = None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """Judge the doses ticked for ``on``: return ``([(code, status)], [refusals])``.

    Each refusal names the dose and gives the reason in the kader's language. Doses are judged
    in schedule order, each against the history plus the valid doses ticked before it.
    """
    birth = as_date(person.get("birth_date"))
    order = list(shared_records.field_info("immunization", "antigen").choices or ())
    known, names = set(order), antigen_names()
    unknown = [c for c in codes if c not in known]
    if unknown:
        return [], [t("client.ilp.dose_unknown", lang, code=", ".join(map(str, unknown)))]
    if birth is None or on < birth:
        return [], [t("client.ilp.dose_no_birth", lang)]
    given = doses_given(store, str(person["id"]), exclude_id)
    accepted, refused = [], []
    for code in sorted(set(codes), key=order.index):
        status = immunisation.check_dose(birth, given, code, None, on, scopes=all_scopes())
        if status.status == immunisation.INVALID:
            reason = reason_text(status, names, lang)
            refused.append(t("client.ilp.dose_refused", lang, name=names[code], reason=reason))
            continue
        given.append((code, None, on))
        accepted.append((code, status.status))
    return accepted, refused


def dose_records(person: Mapping[str, Any], accepted, on: date) -> list[dict[str, Any]]:
    """Return the ``immunization`` records of the accepted doses (not yet validated)."""
    return [
        {
            "id": str(uuid.uuid4()),
            "person_id": person["id"],
            "posyandu_id": person.get("posyandu_id"),
            "antigen": code,
            "given_on": on.isoformat(),
            "given_at": "posyandu",
        }
        for code, _ in accepted
    ]


# -- alerts and referrals ------------------------------------------------------------------------


def derive(store, kind: str, fields: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Return the derived values of an ILP record, with ``alerts`` as sentences and ``refer``."""
    person_id = fields.get("person_id")
    person = store.get("person", str(person_id)) if person_id else None
    person_fields = _fields(person) if person is not None else None
    if kind == "youth_visit":
        derived = derive_youth_visit(fields, person_fields)
        codes = list(derived.get("alerts") or ())
        if fields.get("mental_health") == "abnormal":
            codes.append("mental_health")
    elif kind == "tb_screening":
        derived = derive_tb_screening(fields, person_fields)
        codes = ["tb_suspect"] if derived.get("referral_needed") else []
    elif kind == "postpartum_visit":
        pregnancy = store.get("pregnancy", str(fields.get("pregnancy_id") or ""))
        derived = derive_postpartum_visit(fields, _fields(pregnancy) if pregnancy else None)
        codes = ["nifas_danger"] if fields.get("danger_signs") else []
    else:
        return {}
    texts = [alert_text(code, derived, lang) for code in codes]
    return {**derived, "alert_codes": codes, "alert_texts": texts, "refer": bool(codes)}


def alert_text(code: str, derived: Mapping[str, Any], lang: str) -> str:
    """Return one alert as the sentence the kader reads."""
    if code in ("tb_suspect", "nifas_danger", "mental_health"):
        return t(f"client.ilp.alert.{code}", lang)
    return describe(Alert(code=code, key=f"clinical.alert.{code}"), lang)


def referral_reason(codes: Iterable[str]) -> str:
    """Return the referral reason the first alert suggests (``other`` when none matches)."""
    for code in codes:
        if code in ALERT_REASONS:
            return ALERT_REASONS[code]
    return "other"


# -- who is offered what -------------------------------------------------------------------------


def age_years(birth_value: Any, on: date) -> int | None:
    """Return the completed years of age on ``on`` (None when unknown)."""
    birth = as_date(birth_value)
    if birth is None or birth > on:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def delivered_pregnancy(store, person_id: str, on: date):
    """Return the person's pregnancy delivered in the last 42 days (nifas), or None."""
    found = []
    for pregnancy in store.list("pregnancy", person_id=person_id):
        delivery = as_date(pregnancy.fields.get("delivery_date"))
        if delivery is not None and delivery <= on <= delivery + timedelta(days=NIFAS_DAYS):
            found.append((delivery, pregnancy))
    return max(found, key=lambda item: item[0])[1] if found else None


def offers(store, person, stage: str | None, on: date) -> list[str]:
    """Return the ILP pages a person's page offers, by life stage (see PAGES)."""
    fields = person.fields
    years = age_years(fields.get("birth_date"), on)
    out = []
    if stage in ("anak", "remaja"):
        out.append("remaja")
    if fields.get("sex") == "F" and delivered_pregnancy(store, person.id, on) is not None:
        out.append("nifas")
    low, high = WUS_YEARS
    if years is not None and low <= years <= high and (fields.get("sex") == "F" or years >= 18):
        out.append("kb")
    out.append("tbc")
    return out


def kf_plan(delivery: date, visits: Iterable[Mapping[str, Any]], on: date, lang: str) -> list:
    """Return KF1–KF4 with their day windows (dates) and whether each was done."""
    done = {}
    for visit in visits:
        day = as_date(visit.get("visit_date"))
        kf = derive_postpartum_visit(visit, {"delivery_date": delivery.isoformat()}).get("kf")
        if kf and day is not None:
            done.setdefault(kf, day)
    plan = []
    for window in kf_windows(delivery):
        first = delivery + timedelta(days=window.first_day)
        last = delivery + timedelta(days=window.last_day)
        state = "done" if window.visit in done else ("due" if first <= on <= last else "")
        if not state:
            state = "missed" if on > last else "later"
        plan.append(
            {
                "visit": window.visit,
                "first": first,
                "last": last,
                "done_on": done.get(window.visit),
                "state": state,
                "state_text": t(f"client.ilp.kf.{state}", lang),
            }
        )
    return plan
