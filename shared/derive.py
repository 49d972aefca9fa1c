"""Derived values of records, computed the same way on the device and on the server.

The server recomputes these on every write and never trusts a client's copy (DESIGN.md section 2).
A child's visits are derived together: N/T/O/B of a month depends on the previous month's weighing.
The ILP kinds (issue 15) are derived per person too (``derive_person_records``): a remaja visit's
IMT/U and a TB screen read the person's birth date and sex, a postpartum visit its pregnancy's
delivery date, an immunisation dose the person's other doses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from shared.clinical import bmi_for_age, youth_alerts
from shared.growth import GrowthInputError, assess
from shared.growth.monitoring import DEFAULT_RULES, GrowthRules, is_bgm, monthly_growth
from shared.immunisation import UnknownDose, check_dose
from shared.immunisation.schedule import all_scopes
from shared.records.ilp_tables import kf_visit, tb_assessment

KEK_MUAC_CM = 23.5  # LiLA < 23.5 cm = KEK (BRIEF 1.7, SIP F3)
HYPERTENSION_MMHG = (140, 90)  # [K] BRIEF 1.7
# IMT dewasa (Depkes, BRIEF 2.5): < 17.0 kurus berat; 17.0-18.4 kurus ringan; 18.5-25.0 normal;
# 25.1-27.0 gemuk ringan; > 27.0 gemuk berat. As (exclusive upper bound, category), BMI at 0.1.
BMI_CATEGORIES = (
    (17.0, "kurus_berat"),
    (18.5, "kurus_ringan"),
    (25.05, "normal"),
    (27.05, "gemuk_ringan"),
    (float("inf"), "gemuk_berat"),
)


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def visit_month(value) -> tuple[int, int]:
    """Return the (year, month) of a visit date as ``derive_child_visits`` reads it."""
    day = _as_date(value)
    return day.year, day.month


def child_visit_assessment(person: Mapping, visit: Mapping) -> dict:
    """Return the z-scores, categories and flags of one visit (no N/T; see derive_child_visits)."""
    if (
        visit.get("weight_kg") is None
        and visit.get("length_cm") is None
        and visit.get("head_cm") is None
        and visit.get("muac_cm") is None
    ):
        result = assess(person["sex"], person["birth_date"], visit["visit_date"])
    else:
        result = assess(
            person["sex"],
            person["birth_date"],
            visit["visit_date"],
            weight_kg=visit.get("weight_kg"),
            length_cm=visit.get("length_cm"),
            position=visit.get("position"),
            head_cm=visit.get("head_cm"),
            muac_cm=visit.get("muac_cm"),
            oedema=bool(visit.get("oedema")),
        )
    data = result.to_dict()
    return {
        key: data.get(key)
        for key in (
            "age_days",
            "age_months",
            "waz",
            "lhaz",
            "wlhz",
            "baz",
            "hcz",
            "acz",
            "categories",
            "flags",
        )
    }


NOT_ASSESSABLE = {
    "age_days": None,
    "age_months": None,
    "waz": None,
    "lhaz": None,
    "wlhz": None,
    "baz": None,
    "hcz": None,
    "acz": None,
    "categories": {},
    "flags": ["not_assessable"],
}


def _assessment(person: Mapping, visit: Mapping, cached: dict | None) -> dict:
    """Return a visit's own assessment (z-scores, categories, flags), cached or computed."""
    if cached is None:
        try:
            cached = child_visit_assessment(person, visit)
        except GrowthInputError:
            cached = {**NOT_ASSESSABLE, "categories": {}, "flags": ["not_assessable"]}
    return dict(cached)


def derive_child_visits(
    person: Mapping,
    visits: Iterable[Mapping],
    rules: GrowthRules = DEFAULT_RULES,
    assessed: Mapping[str, dict] | None = None,
    since: tuple[int, int] | None = None,
) -> dict[str, dict]:
    """Return ``{visit_id: derived fields}`` for all of one child's live visits.

    ``assessed`` may carry already-computed assessments by visit id (a visit whose own inputs did
    not change keeps its z-scores); N/T is always recomputed from the whole history.
    ``since`` (year, month): only the visits of that month and later are returned. A month's
    values read only that month and earlier ones (its last weighing, the previous month's last
    weighing and status, whether any month before was weighed), so a change dated in ``since``
    or later cannot move an earlier visit's values: those need not be derived again.
    """
    # Sorted by (date, id) so that monthly_growth and the "deciding visit" below agree.
    visits = sorted(
        (v for v in visits if v.get("visit_date")), key=lambda v: (str(v["visit_date"]), v["id"])
    )
    weighings = [
        (_as_date(v["visit_date"]), float(v["weight_kg"]))
        for v in visits
        if v.get("weight_kg") is not None
    ]
    birth = _as_date(person["birth_date"])
    months = monthly_growth(birth, weighings, rules, since=since) if weighings else {}
    if since is not None:
        visits = [v for v in visits if visit_month(v["visit_date"]) >= since]
    derived = {v["id"]: _assessment(person, v, (assessed or {}).get(v["id"])) for v in visits}
    deciding = {}
    for visit in visits:
        if visit.get("weight_kg") is not None:
            d = _as_date(visit["visit_date"])
            deciding[(d.year, d.month)] = visit["id"]
    for visit in visits:
        out = derived[visit["id"]]
        d = _as_date(visit["visit_date"])
        month = months.get((d.year, d.month))
        if month is not None and deciding.get((d.year, d.month)) == visit["id"]:
            out.update(
                growth_status=month.status,
                growth_gain_g=month.gain_g,
                kbm_g=month.kbm_g,
                two_t=month.two_t,
            )
        else:
            out.update(growth_status=None, growth_gain_g=None, kbm_g=None, two_t=False)
        out["bgm"] = bool(
            visit.get("weight_kg") is not None
            and is_bgm(out.get("waz"), rules, oedema=bool(visit.get("oedema")))
        )
    return derived


def derive_anc_visit(visit: Mapping, pregnancy: Mapping | None = None) -> dict:
    """Return KEK and gestational age of an ANC visit."""
    muac = visit.get("muac_cm")
    weeks = None
    lmp = _as_date((pregnancy or {}).get("lmp_date"))
    if lmp and visit.get("visit_date"):
        days = (_as_date(visit["visit_date"]) - lmp).days
        weeks = days // 7 if 0 <= days <= 44 * 7 else None
    return {"kek": None if muac is None else muac < KEK_MUAC_CM, "gestational_age_weeks": weeks}


def bmi_category(bmi: float) -> str:
    """Return the Indonesian adult IMT category code for ``bmi``."""
    for upper, code in BMI_CATEGORIES:
        if bmi < upper:
            return code
    return BMI_CATEGORIES[-1][1]


def derive_adult_visit(visit: Mapping) -> dict:
    """Return IMT (BMI), its category and the hypertension flag of an adult/lansia visit."""
    weight, height = visit.get("weight_kg"), visit.get("height_cm")
    bmi = round(weight / (height / 100) ** 2, 1) if weight and height else None
    sys_bp, dia_bp = visit.get("systolic_bp"), visit.get("diastolic_bp")
    hypertension = None
    if sys_bp is not None or dia_bp is not None:
        hypertension = bool(
            (sys_bp or 0) >= HYPERTENSION_MMHG[0] or (dia_bp or 0) >= HYPERTENSION_MMHG[1]
        )
    return {
        "bmi": bmi,
        "bmi_category": bmi_category(bmi) if bmi is not None else None,
        "hypertension": hypertension,
    }


# -- ILP kinds (issue 15): usia sekolah/remaja, nifas, TB screening, immunisation ---------------

# Kinds whose derived values depend on the person's other records (birth date and sex, the
# pregnancy's delivery date, the other doses): the server recomputes them together per person.
ILP_DERIVED_KINDS = ("youth_visit", "postpartum_visit", "tb_screening", "immunization")
# Kinds whose change can move those values.
ILP_INPUT_KINDS = ("person", "pregnancy", "child_visit", *ILP_DERIVED_KINDS)


def age_years(birth, on) -> int | None:
    """Return the age in completed years on ``on`` (None when a date is missing or birth later)."""
    birth, on = _as_date(birth), _as_date(on)
    if birth is None or on is None or on < birth:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _person_of(person: Mapping | None) -> tuple[date | None, str | None]:
    """Return (birth date, sex) of a person record, or Nones."""
    person = person or {}
    birth = person.get("birth_date")
    return (_as_date(birth) if birth else None), person.get("sex")


def derive_youth_visit(visit: Mapping, person: Mapping | None) -> dict:
    """Return age, IMT (BMI), IMT/U z and category, anaemia and the alerts of a remaja visit.

    IMT/U is the WHO 2007 BMI-for-age (``shared.clinical.bmi_for_age``, height measured
    standing); anaemia and the other alerts are the ``youth`` rows of the clinical thresholds
    table (Hb by age and sex, LiLA < 23.5 for girls, IMT/U < −2 or > +2).
    """
    birth, sex = _person_of(person)
    on = _as_date(visit.get("visit_date"))
    weight, height = visit.get("weight_kg"), visit.get("height_cm")
    out = {"age_months": None, "bmi": None, "baz": None, "baz_category": None}
    out.update(anaemia=None, alerts=[])
    if weight and height:
        out["bmi"] = round(weight / (height / 100) ** 2, 1)
    if birth is None or on is None or on < birth or sex not in ("M", "F"):
        return out
    out["age_months"] = ((on - birth).days * 16) // 487
    if weight and height:
        with contextlib.suppress(GrowthInputError):
            out["baz"], out["baz_category"] = bmi_for_age(sex, birth, on, weight, height)
    alerts = youth_alerts({**visit, "baz": out["baz"]}, sex, age_years(birth, on))
    codes = [alert.code for alert in alerts]
    out["alerts"] = codes
    out["anaemia"] = None if visit.get("hb_g_dl") is None else "anaemia" in codes
    return out


def derive_postpartum_visit(visit: Mapping, pregnancy: Mapping | None) -> dict:
    """Return the days since delivery and the KF number (KF1–KF4, ``kf_windows.csv``)."""
    delivery = _as_date((pregnancy or {}).get("delivery_date") or None)
    on = _as_date(visit.get("visit_date"))
    if delivery is None or on is None or on < delivery:
        return {"days_after_delivery": None, "kf": None}
    return {"days_after_delivery": (on - delivery).days, "kf": kf_visit(delivery, on)}


def derive_tb_screening(screening: Mapping, person: Mapping | None) -> dict:
    """Return whether a TB screen makes the person a suspect and whether to refer them."""
    birth, _ = _person_of(person)
    on = _as_date(screening.get("visit_date"))
    result = tb_assessment(screening.get("symptoms") or (), age_years(birth, on), on)
    return {"suspect": result.suspect, "referral_needed": result.referral_needed}


@dataclass(frozen=True)
class ImmunisationEvent:
    """One dose given: an ``antigens.csv`` code on a day, from a record or an old visit's list."""

    code: str
    given_on: date
    record_id: str | None  # the immunization record; None for a child visit's antigen list
    source: str  # "immunization" or "child_visit"


def _antigen_code(item) -> str | None:
    code = item.get("code") if isinstance(item, Mapping) else item
    return str(code) if code else None


def immunisation_events(records: Iterable[tuple[str, Mapping]]) -> list[ImmunisationEvent]:
    """Return one person's doses, earliest first: the one list every immunisation figure reads.

    The ``immunization`` records are the source of truth. Migration rule for older data: each code
    of a child visit's ``immunizations`` list counts as a dose given on the visit's date, unless an
    ``immunization`` record of the same code on the same day exists (then it is the same dose,
    counted once).
    """
    events, legacy = [], []
    for kind, fields in records:
        if kind == "immunization" and fields.get("antigen") and fields.get("given_on"):
            day = _as_date(fields["given_on"])
            events.append(ImmunisationEvent(fields["antigen"], day, fields.get("id"), kind))
        elif kind == "child_visit" and fields.get("visit_date"):
            day = _as_date(fields["visit_date"])
            for item in fields.get("immunizations") or ():
                if (code := _antigen_code(item)) is not None:
                    legacy.append(ImmunisationEvent(code, day, None, kind))
    recorded = {(e.code, e.given_on) for e in events}
    events += list(dict.fromkeys(e for e in legacy if (e.code, e.given_on) not in recorded))
    return sorted(events, key=lambda e: (e.given_on, e.record_id or "", e.code))


NO_DOSE = {"dose": None, "age_days": None, "status": None, "reason": None}


def _judge_dose(birth: date, event: ImmunisationEvent, others: list) -> dict:
    """Return the derived fields of one immunization record given the person's other doses."""
    try:
        status = check_dose(birth, others, event.code, None, event.given_on, scopes=all_scopes())
    except (UnknownDose, ValueError):
        return dict(NO_DOSE)
    return {
        "dose": status.dose,
        "age_days": (event.given_on - birth).days,
        "status": status.status,
        "reason": status.reason,
    }


def derive_immunizations(person: Mapping | None, records: Iterable[tuple[str, Mapping]]) -> dict:
    """Return ``{record id: {dose, age_days, status, reason}}`` for a person's immunization records.

    Each dose is judged with ``shared.immunisation.check_dose`` against the person's other doses
    (records and old visit lists, ``immunisation_events``): ``given``, ``given_late`` or
    ``invalid`` with the reason's i18n key. Of two records of the same dose on the same day the
    first by id is judged and the second is "already given". Every schedule scope counts (a JE
    dose recorded was given where JE is given).
    """
    birth, _ = _person_of(person)
    events = immunisation_events(records)
    out = {}
    for event in (e for e in events if e.record_id is not None):
        if birth is None:
            out[event.record_id] = dict(NO_DOSE)
            continue
        others = [
            (e.code, None, e.given_on)
            for e in events
            if e is not event
            and not (
                e.code == event.code
                and e.given_on == event.given_on
                and (e.record_id or "") > event.record_id
            )
        ]
        out[event.record_id] = _judge_dose(birth, event, others)
    return out


def derive_person_records(person: Mapping | None, records: Iterable[tuple[str, Mapping]]) -> dict:
    """Return ``{record id: derived fields}`` for every ILP record of one person.

    ``records`` are the person's live records as ``(kind, fields)``; the person's own record may
    be among them or given as ``person``. Youth visits and TB screens read the person (age, sex),
    postpartum visits their pregnancy, immunisations the person's other doses.
    """
    records = list(records)
    pregnancies = {f.get("id"): f for kind, f in records if kind == "pregnancy"}
    out = derive_immunizations(person, records)
    for kind, fields in records:
        if kind == "youth_visit":
            out[fields["id"]] = derive_youth_visit(fields, person)
        elif kind == "tb_screening":
            out[fields["id"]] = derive_tb_screening(fields, person)
        elif kind == "postpartum_visit":
            pregnancy = pregnancies.get(fields.get("pregnancy_id"))
            if pregnancy is not None and pregnancy.get("person_id") != fields.get("person_id"):
                pregnancy = None
            out[fields["id"]] = derive_postpartum_visit(fields, pregnancy)
    return out
