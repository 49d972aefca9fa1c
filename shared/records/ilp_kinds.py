"""The ILP record kinds of issue 15: usia sekolah/remaja, nifas, KB, TB, referrals, immunisations.

Defined like ``adult_visit`` (``kinds.py``): person-linked through ``person_id``, scoped by
``posyandu_id``, one ``check`` per schema collecting every broken cross-field rule; rules that need
the person (birth date, sex) or the pregnancy (delivery date) read them from the validation
context, and are skipped when it is not given. Codes with Indonesian labels are in ``messages.py``;
the rule tables (ages of the clusters, KF windows, TB symptoms) are versioned CSVs of ``data/``
(``ilp_tables.py``). Derived values (BMI, IMT/U, anaemia, KF, TB suspect, dose status) are computed
by ``shared/derive.py`` on both sides and dropped unread when a client sends them.

- ``youth_visit``: a usia sekolah / remaja visit (5 to < 18 years, ``ilp_clusters.csv``). The
  mental-health screen is one categorical result of the screen the nakes runs (``normal``,
  ``borderline``, ``abnormal``: the three bands of the SDQ, the screen commonly used for children
  and adolescents [K]; the BRIEF names no instrument, so its items and cut-offs are not modelled).
- ``postpartum_visit``: a kunjungan nifas of a delivered pregnancy (the pregnancy's
  ``delivery_date``), up to day 42; its KF number is derived from ``kf_windows.csv``.
- ``family_planning``: a PUS/WUS's family planning status and method on a day.
- ``tb_screening``: a TB symptom screen at any age; suspect and referral are derived.
- ``referral``: a referral out of the posyandu, from any visit, followed up to its outcome.
- ``immunization``: one dose of one antigen (a code of ``antigens.csv``: antigen and dose) on a
  day; the one source of truth for immunisation events (see ``shared/derive.py`` for how the
  antigen lists of older child visits are read as events).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from .antigens import antigen_codes
from .fields import (
    Antigen,
    Boolean,
    Choice,
    Date,
    FacilityCode,
    ListOf,
    Number,
    Text,
    Uuid,
)
from .ilp_tables import cluster, nifas_days, tb_symptom_codes
from .kinds import (
    NAME,
    RecordSchema,
    Rules,
    check_blood_pressure,
    check_within_life,
    context_date,
    context_record,
    diastolic_field,
    event_date_field,
    notes_field,
    systolic_field,
)
from .messages import Label

MENTAL_HEALTH_RESULTS = ("normal", "borderline", "abnormal")
NIFAS_DANGER_SIGNS = (
    "bleeding",
    "foul_discharge",
    "fever",
    "swelling",
    "headache_seizure",
    "breast_problem",
    "depression",
)
FP_STATUSES = ("pus", "wus")
FP_METHODS = ("pil", "suntik", "implan", "iud", "kondom", "mow", "mop", "mal", "none")
FP_FEMALE_ONLY = frozenset({"pil", "suntik", "implan", "iud", "mow", "mal"})
FP_MALE_ONLY = frozenset({"mop"})
WUS_AGE_YEARS = (15, 49)  # [K] WUS = wanita usia subur 15-49 tahun (BKKBN definition)
REFERRAL_SOURCES = (
    "child_visit",
    "youth_visit",
    "adult_visit",
    "anc_visit",
    "postpartum_visit",
    "tb_screening",
    "immunization",
    "family_planning",
)
REFERRAL_REASONS = (
    "growth",
    "pregnancy_risk",
    "danger_sign",
    "ptm",
    "skilas",
    "tb_suspect",
    "anaemia",
    "mental_health",
    "immunisation",
    "other",
)
REFERRAL_DESTINATIONS = ("puskesmas", "pustu", "rumah_sakit", "other")
REFERRAL_STATUSES = ("created", "referred", "received", "completed", "cancelled")
GIVEN_AT = (
    "posyandu",
    "puskesmas",
    "pustu",
    "poskesdes",
    "rumah_sakit",
    "praktik_swasta",
    "sekolah",
    "other",
)


def age_months_on(day: dt.date) -> int | None:
    """Return the context person's age in completed months on ``day`` (None when unknown)."""
    birth = context_date("person", "birth_date")
    if birth is None or day < birth:
        return None
    return ((day - birth).days * 16) // 487  # floor(days / 30.4375), as shared.growth


def age_years_on(day: dt.date) -> int | None:
    """Return the context person's age in completed years on ``day`` (None when unknown)."""
    birth = context_date("person", "birth_date")
    if birth is None or day < birth:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def person_sex() -> str | None:
    """Return the context person's sex (M/F) or None."""
    sex = context_record("person").get("sex")
    return sex if sex in ("M", "F") else None


def check_same_person(data, rules: Rules, ref: str, field: str) -> None:
    """Check a related record of the context (``ref``) belongs to the record's person."""
    owner = context_record(ref).get("person_id")
    if isinstance(owner, str) and data.get("person_id") not in (None, owner.lower()):
        rules.add(field, f"records.rule.{ref}_other_person")


def anything_given(data, names: tuple[str, ...]) -> bool:
    """Tell whether any of ``names`` holds a value (a false boolean is not a value)."""
    return any(data.get(name) not in (None, False, []) for name in names)


def any_failed(data, names: tuple[str, ...]) -> bool:
    """Tell whether one of ``names`` failed validation (it has its own error then)."""
    return any(name not in data for name in names)


class YouthVisitSchema(RecordSchema):
    """A usia sekolah / remaja visit (5 to < 18 years): IMT/U, Hb, TTD, BP (BRIEF §1.10)."""

    label_prefix = "youth_visit"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    visit_date = event_date_field()
    weight_kg = Number(10, 150, unit="kg", places=2)
    height_cm = Number(90, 200, unit="cm", places=1)
    muac_cm = Number(10, 45, unit="cm", places=1)
    hb_g_dl = Number(4, 20, unit="g/dL", places=1)
    ttd_given = Boolean()
    systolic_bp = systolic_field()
    diastolic_bp = diastolic_field()
    smoking = Boolean()
    mental_health = Choice(MENTAL_HEALTH_RESULTS, "mental_health")
    notes = notes_field()

    CHECK_FIELDS: ClassVar[tuple[str, ...]] = (
        "weight_kg",
        "height_cm",
        "muac_cm",
        "hb_g_dl",
        "ttd_given",
        "systolic_bp",
        "diastolic_bp",
        "smoking",
        "mental_health",
    )

    def check(self, data, rules):
        check_within_life(data, rules, "visit_date")
        check_blood_pressure(data, rules)
        # "does not smoke" is an answer, so smoking counts as a check whatever its value
        given = anything_given(data, self.CHECK_FIELDS) or data.get("smoking") is not None
        if not given and not any_failed(data, self.CHECK_FIELDS):
            rules.add("_schema", "records.rule.youth_needs_check")
        if data.get("ttd_given") and person_sex() == "M":
            rules.add("ttd_given", "records.rule.ttd_only_girls")
        day = data.get("visit_date")
        age = age_months_on(day) if day is not None else None
        youth = cluster("usia_sekolah_remaja", day)
        if age is not None and not youth.holds(age):
            rules.add(
                "visit_date",
                "records.rule.youth_age",
                low=youth.min_age_months // 12,
                high=youth.max_age_months // 12,
            )


class PostpartumVisitSchema(RecordSchema):
    """A kunjungan nifas (KF1–KF4) of a delivered pregnancy, up to 42 days (BRIEF §1.7)."""

    label_prefix = "postpartum_visit"

    id = Uuid(required=True)
    pregnancy_id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    visit_date = event_date_field()
    vitamin_a_given = Boolean(default=False)
    danger_signs = ListOf(Choice(NIFAS_DANGER_SIGNS, "nifas_danger_sign"), max_items=20)
    kb_method = Choice(FP_METHODS, "fp_method")
    notes = notes_field()

    def check(self, data, rules):
        check_within_life(data, rules, "visit_date")
        check_same_person(data, rules, "pregnancy", "pregnancy_id")
        if data.get("kb_method") in FP_MALE_ONLY:
            rules.add(
                "kb_method",
                "records.rule.fp_method_sex",
                method=Label(f"records.choice.fp_method.{data['kb_method']}"),
                sex=Label("records.choice.sex.F"),
            )
        pregnancy, day = context_record("pregnancy"), data.get("visit_date")
        if not pregnancy or day is None:
            return
        delivery = context_date("pregnancy", "delivery_date")
        if delivery is None:
            rules.add("pregnancy_id", "records.rule.nifas_needs_delivery")
        elif day < delivery:
            rules.add("visit_date", "records.rule.nifas_before_delivery", delivery=delivery)
        elif (day - delivery).days > nifas_days(delivery):
            rules.add(
                "visit_date",
                "records.rule.nifas_over",
                delivery=delivery,
                days=nifas_days(delivery),
            )


class FamilyPlanningSchema(RecordSchema):
    """A PUS/WUS's family planning (KB) status and method, recorded on a day (BRIEF §1.7)."""

    label_prefix = "family_planning"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    visit_date = event_date_field()
    status = Choice(FP_STATUSES, "fp_status", required=True)
    method = Choice(FP_METHODS, "fp_method", required=True)
    start_date = Date(not_future=True)
    notes = notes_field()

    def check(self, data, rules):
        check_within_life(data, rules, "visit_date")
        check_within_life(data, rules, "start_date")
        method, start, day = data.get("method"), data.get("start_date"), data.get("visit_date")
        if method == "none" and start is not None:
            rules.add("start_date", "records.rule.fp_start_without_method")
        if start is not None and day is not None and start > day:
            rules.add("start_date", "records.rule.fp_start_after_visit", visit_date=day)
        sex = person_sex()
        wrong = (sex == "M" and method in FP_FEMALE_ONLY) or (sex == "F" and method in FP_MALE_ONLY)
        if wrong:
            rules.add(
                "method",
                "records.rule.fp_method_sex",
                method=Label(f"records.choice.fp_method.{method}"),
                sex=Label(f"records.choice.sex.{sex}"),
            )
        self._check_status(data, rules, sex, day)

    @staticmethod
    def _check_status(data, rules, sex, day):
        """Check a WUS is a woman, and a woman of PUS/WUS is of childbearing age (15–49)."""
        status = data.get("status")
        if status == "wus" and sex == "M":
            rules.add("status", "records.rule.wus_needs_female")
            return
        age = age_years_on(day) if day is not None else None
        low, high = WUS_AGE_YEARS
        if status is not None and sex == "F" and age is not None and not low <= age <= high:
            rules.add("status", "records.rule.wus_age", age=age, low=low, high=high)


class TbScreeningSchema(RecordSchema):
    """A TB symptom screen at any age; suspect and referral are derived (BRIEF §1.10)."""

    label_prefix = "tb_screening"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    visit_date = event_date_field()
    symptoms = ListOf(Choice(tb_symptom_codes(), "tb_symptom"), max_items=20)
    notes = notes_field()

    def check(self, data, rules):
        check_within_life(data, rules, "visit_date")
        symptoms = data.get("symptoms") or ()
        if "cough" in symptoms and "cough_2_weeks" in symptoms:
            rules.add("symptoms", "records.rule.tb_cough_once")


class ReferralSchema(RecordSchema):
    """A referral out of the posyandu, from any visit, followed up to its outcome."""

    label_prefix = "referral"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    referral_date = event_date_field()
    source_kind = Choice(REFERRAL_SOURCES, "referral_source")
    source_id = Uuid()
    reason = Choice(REFERRAL_REASONS, "referral_reason", required=True)
    reason_text = Text(500, multiline=True)
    destination = Choice(REFERRAL_DESTINATIONS, "referral_destination", required=True)
    destination_facility_id = FacilityCode()
    destination_name = Text(NAME)
    status = Choice(REFERRAL_STATUSES, "referral_status", default="created")
    follow_up_date = Date(not_future=True)
    followed_up_by = Text(NAME)
    notes = notes_field()

    def check(self, data, rules):
        check_within_life(data, rules, "referral_date")
        for given, missing in (("source_id", "source_kind"), ("source_kind", "source_id")):
            if data.get(given) is not None and data.get(missing) is None and missing in data:
                rules.add(missing, "records.rule.source_pair")
        reason_missing = data.get("reason_text") is None and "reason_text" in data
        if data.get("reason") == "other" and reason_missing:
            rules.add("reason_text", "records.rule.reason_other_text")
        start, follow = data.get("referral_date"), data.get("follow_up_date")
        if start is not None and follow is not None and follow < start:
            rules.add("follow_up_date", "records.rule.follow_up_before_referral", start=start)
        if data.get("status") == "completed" and follow is None and "follow_up_date" in data:
            rules.add("follow_up_date", "records.rule.completed_needs_follow_up")


class ImmunizationSchema(RecordSchema):
    """One immunisation dose: an antigen-dose code of ``antigens.csv`` given on a day (§1.8)."""

    label_prefix = "immunization"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    antigen = Antigen(antigen_codes, required=True)
    given_on = event_date_field()
    given_at = Choice(GIVEN_AT, "given_at", default="posyandu")
    facility_id = FacilityCode()
    lot_number = Text(40)
    notes = notes_field()

    def check(self, data, rules):
        check_within_life(data, rules, "given_on")
