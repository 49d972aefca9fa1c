"""Derived values of records, computed the same way on the device and on the server.

The server recomputes these on every write and never trusts a client's copy (DESIGN.md section 2).
A child's visits are derived together: N/T/O/B of a month depends on the previous month's weighing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from shared.growth import GrowthInputError, assess
from shared.growth.monitoring import DEFAULT_RULES, GrowthRules, is_bgm, monthly_growth

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
) -> dict[str, dict]:
    """Return ``{visit_id: derived fields}`` for all of one child's live visits.

    ``assessed`` may carry already-computed assessments by visit id (a visit whose own inputs did
    not change keeps its z-scores); N/T is always recomputed from the whole history.
    """
    # Sorted by (date, id) so that monthly_growth and the "deciding visit" below agree.
    visits = sorted(
        (v for v in visits if v.get("visit_date")), key=lambda v: (str(v["visit_date"]), v["id"])
    )
    derived = {v["id"]: _assessment(person, v, (assessed or {}).get(v["id"])) for v in visits}
    weighings = [
        (_as_date(v["visit_date"]), float(v["weight_kg"]))
        for v in visits
        if v.get("weight_kg") is not None
    ]
    months = monthly_growth(_as_date(person["birth_date"]), weighings, rules) if weighings else {}
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
