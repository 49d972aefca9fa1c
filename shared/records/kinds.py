"""The record kinds of sync v1 as marshmallow schemas: the one definition of the data.

Field order in each schema is form order. Ranges, units and rules follow the domain brief
(§1.6 child, §1.7 pregnancy, §1.10 ILP, §1.11 session, §5 desa, §7 lokmin, §4 wilayah/facility).
Cross-field rules live in one ``check`` method per schema, which collects every broken rule at
once; rules that need another record (birth date, pregnancy) read it from the validation context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, validates_schema

from .antigens import antigen_codes
from .fields import (
    Antigen,
    Boolean,
    Choice,
    Date,
    Digits,
    FacilityCode,
    Integer,
    ListOf,
    Month,
    Nested,
    Number,
    Problem,
    Text,
    Uuid,
    current_state,
    desa_code_field,
    kecamatan_code_field,
    parse_date,
    phone_field,
    rt_rw_field,
    wilayah_code_field,
)
from .messages import Label

SEXES = ("M", "F")
POSITIONS = ("lying", "standing")
VITAMIN_A = ("none", "blue", "red")
PREGNANCY_STATUSES = ("active", "delivered", "ended")
DELIVERY_PLACES = ("facility", "non_facility")
DELIVERY_ATTENDANTS = ("nakes", "non_nakes")
PREGNANCY_OUTCOMES = ("live_birth", "stillbirth", "abortion", "maternal_death")
PROGRAM_TAMBAHAN = ("bkb", "paud", "lansia", "dana_sehat", "lainnya")
ODF_STATUSES = ("belum", "odf", "stbm")
LOKMIN_KINDS = ("bulanan_lintas_program", "tribulanan_pertama", "tribulanan_rutin")
MEETING_STATUSES = ("planned", "held", "cancelled")
SECTORS = (
    "kecamatan",
    "puskesmas",
    "koramil",
    "polsek",
    "kua",
    "pendidikan",
    "kb",
    "pkk",
    "desa",
    "tokoh",
    "swasta",
    "lainnya",
)
BUDGET_SOURCES = ("dana_desa", "bok", "apbd", "swadaya", "csr", "lainnya")
AGREEMENT_STATUSES = (
    "planned",
    "in_progress",
    "done",
    "partially_done",
    "cancelled",
    "carried_over",
)
WILAYAH_LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")
DESA_KINDS = ("desa", "kelurahan", "desa_adat")
FACILITY_KINDS = ("dinkes", "puskesmas", "pustu", "poskesdes", "posyandu")
STRATA = ("pratama", "madya", "purnama", "mandiri")
SKILAS_DOMAINS = ("cognitive", "mobility", "malnutrition", "vision", "hearing", "depression")

NAME = 200
NOTE = 2000
LONG_TEXT = 20000
EDD_MAX_DAYS = 44 * 7
LEVEL_DIGITS = {"provinsi": 2, "kabupaten": 4, "kecamatan": 6, "desa": 10}
DESA_KIND_DIGIT = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}


class Rules:
    """Collects broken cross-field rules and raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Problem]] = {}

    def add(self, field: str, key: str, **params: Any) -> None:
        """Record that ``field`` breaks the rule ``key``."""
        self.errors.setdefault(field, []).append(Problem(key, **params))

    def raise_any(self) -> None:
        """Raise a ValidationError holding every broken rule, if any."""
        if self.errors:
            raise ValidationError(dict(self.errors))


class RecordSchema(Schema):
    """Base of every kind's schema: unknown fields are errors, messages are catalogue keys."""

    error_messages = {"unknown": "records.error.unknown_field", "type": "records.error.not_object"}
    label_prefix: ClassVar[str] = ""

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Run the kind's cross-field rules, even when some fields failed."""
        rules = Rules()
        self.check(data, rules)
        rules.raise_any()

    def check(self, data: dict[str, Any], rules: Rules) -> None:
        """Add the kind's broken cross-field rules to ``rules`` (fields that failed are absent)."""


def context_record(name: str) -> Mapping[str, Any]:
    """Return the related record ``name`` from the validation context (empty if not given)."""
    record = current_state().context.get(name)
    return record if isinstance(record, Mapping) else {}


def context_date(name: str, field: str) -> dt.date | None:
    """Return a date field of a related record from the context, or None."""
    return parse_date(context_record(name).get(field))


def check_within_life(data: dict[str, Any], rules: Rules, field: str) -> None:
    """Check ``field`` (a date) is not before the person's birth nor after their death."""
    day = data.get(field)
    if day is None:
        return
    birth = context_date("person", "birth_date")
    died = context_date("person", "died_on")
    if birth is not None and day < birth:
        rules.add(field, "records.rule.before_birth", birth_date=birth)
    if died is not None and day > died:
        rules.add(field, "records.rule.after_death", died_on=died)


def check_blood_pressure(data: dict[str, Any], rules: Rules) -> None:
    """Check systolic and diastolic come together and diastolic is the lower one."""
    systolic, diastolic = data.get("systolic_bp"), data.get("diastolic_bp")
    if systolic is not None and diastolic is not None:
        if diastolic >= systolic:
            rules.add(
                "diastolic_bp",
                "records.rule.diastolic_below_systolic",
                diastolic=diastolic,
                systolic=systolic,
            )
    elif systolic is not None and "diastolic_bp" in data:
        rules.add("diastolic_bp", "records.rule.bp_pair")
    elif diastolic is not None and "systolic_bp" in data:
        rules.add("systolic_bp", "records.rule.bp_pair")


def event_date_field(**kwargs: Any) -> Date:
    """Return the date of an event that has happened: required, not in the future."""
    return Date(required=True, not_future=True, **kwargs)


def systolic_field() -> Integer:
    """Return a systolic blood pressure field (mmHg)."""
    return Integer(60, 250, unit="mmHg")


def diastolic_field() -> Integer:
    """Return a diastolic blood pressure field (mmHg)."""
    return Integer(30, 150, unit="mmHg")


def notes_field() -> Text:
    """Return a free-text notes field."""
    return Text(NOTE, multiline=True)


# --- reference kinds ------------------------------------------------------------------------


class WilayahSchema(RecordSchema):
    """A Kemendagri area: provinsi, kabupaten, kecamatan or desa; its id is its undotted code."""

    label_prefix = "wilayah"

    id = wilayah_code_field(required=True)
    code = wilayah_code_field(required=True)
    name = Text(NAME, required=True)
    level = Choice(WILAYAH_LEVELS, "wilayah_level", required=True)
    parent_code = wilayah_code_field()
    kind = Choice(DESA_KINDS, "desa_kind")
    aliases = ListOf(Text(NAME), max_items=20)

    def check(self, data, rules):
        code, level, parent = data.get("code"), data.get("level"), data.get("parent_code")
        if code is not None and data.get("id") is not None and data["id"] != code:
            rules.add("id", "records.rule.id_is_code", code=code)
        if code is None or level is None:
            return
        digits = LEVEL_DIGITS[level]
        if len(code) != digits:
            rules.add(
                "code",
                "records.rule.level_digits",
                digits=digits,
                level=Label(f"records.choice.wilayah_level.{level}"),
            )
            return
        self._check_parent(code, level, parent, data, rules)
        self._check_desa_kind(code, level, data, rules)

    @staticmethod
    def _check_parent(code, level, parent, data, rules):
        """Check the parent code is the start of the code (and absent for a provinsi)."""
        if level == "provinsi":
            if parent is not None:
                rules.add("parent_code", "records.rule.provinsi_no_parent")
            return
        expected = code[: {"kabupaten": 2, "kecamatan": 4, "desa": 6}[level]]
        if parent is None and "parent_code" in data:
            rules.add("parent_code", "records.error.required")
        elif parent is not None and parent != expected:
            rules.add("parent_code", "records.rule.parent_code", expected=expected)

    @staticmethod
    def _check_desa_kind(code, level, data, rules):
        """Check a desa's kind agrees with its code, and only desa have one."""
        kind = data.get("kind")
        if level != "desa":
            if kind is not None:
                rules.add("kind", "records.rule.desa_kind_only_desa")
            return
        if kind is None and "kind" in data:
            rules.add("kind", "records.error.required")
        expected = DESA_KIND_DIGIT.get(code[6])
        if kind is not None and expected is not None and kind != expected:
            rules.add(
                "kind",
                "records.rule.desa_kind_code",
                code=code,
                expected=Label(f"records.choice.desa_kind.{expected}"),
            )


class FacilitySchema(RecordSchema):
    """A health facility (dinkes, puskesmas, pustu, poskesdes, posyandu); its id is its code."""

    label_prefix = "facility"

    id = FacilityCode(required=True)
    code = FacilityCode(required=True)
    name = Text(NAME, required=True)
    kind = Choice(FACILITY_KINDS, "facility_kind", required=True)
    parent_id = FacilityCode()
    desa_code = desa_code_field()
    kecamatan_code = kecamatan_code_field()
    wilayah_kerja = ListOf(desa_code_field(), max_items=500)
    strata = Choice(STRATA, "strata")
    ilp_status = Boolean(default=False)
    active = Boolean(default=True)

    def check(self, data, rules):
        code, kind = data.get("code"), data.get("kind")
        if code is not None and data.get("id") is not None and data["id"] != code:
            rules.add("id", "records.rule.id_is_code", code=code)
        if code is not None and data.get("parent_id") == code:
            rules.add("parent_id", "records.rule.own_parent")
        desa, kecamatan = data.get("desa_code"), data.get("kecamatan_code")
        if desa is not None and kecamatan is not None and not desa.startswith(kecamatan):
            rules.add(
                "desa_code", "records.rule.desa_outside_kecamatan", desa=desa, kecamatan=kecamatan
            )
        if kind is None:
            return
        if kind == "posyandu" and desa is None and "desa_code" in data:
            rules.add("desa_code", "records.error.required")
        if kind != "puskesmas" and data.get("wilayah_kerja"):
            rules.add("wilayah_kerja", "records.rule.catchment_only_puskesmas")
        if kind != "posyandu" and data.get("strata") is not None:
            rules.add("strata", "records.rule.strata_only_posyandu")


# --- people and visits ----------------------------------------------------------------------


class PersonSchema(RecordSchema):
    """A person served by a posyandu, across life stages; NIK is optional."""

    label_prefix = "person"

    id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    name = Text(NAME, required=True)
    sex = Choice(SEXES, "sex", required=True)
    birth_date = Date(required=True, not_future=True)
    nik = Digits(16)
    no_kk = Digits(16)
    mother_name = Text(NAME)
    mother_nik = Digits(16)
    father_name = Text(NAME)
    father_nik = Digits(16)
    has_kia_book = Boolean(default=False)
    desa_code = desa_code_field()
    address = Text(500)
    rt = rt_rw_field()
    rw = rt_rw_field()
    birth_weight_kg = Number(0.5, 6.0, unit="kg", places=2)
    birth_length_cm = Number(30, 60, unit="cm", places=1)
    birth_order = Integer(1, 20)
    phone = phone_field()
    moved_out_on = Date(not_future=True)
    died_on = Date(not_future=True)
    death_cause = Text(500)
    notes = notes_field()

    def check(self, data, rules):
        birth = data.get("birth_date")
        for field in ("moved_out_on", "died_on"):
            day = data.get(field)
            if birth is not None and day is not None and day < birth:
                rules.add(field, "records.rule.before_birth", birth_date=birth)


class SkilasSchema(RecordSchema):
    """The six SKILAS outcomes (true = positive screen, refer to the puskesmas)."""

    label_prefix = "skilas"

    cognitive = Boolean(required=True)
    mobility = Boolean(required=True)
    malnutrition = Boolean(required=True)
    vision = Boolean(required=True)
    hearing = Boolean(required=True)
    depression = Boolean(required=True)


class ChildVisitSchema(RecordSchema):
    """A balita's posyandu visit: measurements and services (brief §1.6, §1.8, §1.9)."""

    label_prefix = "child_visit"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    visit_date = event_date_field()
    weight_kg = Number(0.9, 40, unit="kg", places=2)
    length_cm = Number(38, 130, unit="cm", places=1)
    position = Choice(POSITIONS, "position")
    head_cm = Number(25, 60, unit="cm", places=1)
    muac_cm = Number(8, 25, unit="cm", places=1)
    oedema = Boolean(default=False)
    vitamin_a = Choice(VITAMIN_A, "vitamin_a", default="none")
    immunizations = ListOf(Antigen(antigen_codes), max_items=40)
    exclusive_breastfeeding = Boolean()
    deworming = Boolean(default=False)
    # The kader re-measured a value the app called implausible and kept it ("Saya sudah mengukur
    # ulang"); set by the device from its confirmation, never typed.
    remeasured = Boolean()
    notes = notes_field()

    SERVICE_FIELDS: ClassVar[tuple[str, ...]] = (
        "weight_kg",
        "length_cm",
        "head_cm",
        "muac_cm",
        "vitamin_a",
        "immunizations",
        "deworming",
    )

    def check(self, data, rules):
        check_within_life(data, rules, "visit_date")
        if (
            data.get("length_cm") is not None
            and data.get("position") is None
            and "position" in data
        ):
            rules.add("position", "records.rule.position_required")
        measured = any(
            data.get(name) is not None for name in ("weight_kg", "length_cm", "head_cm", "muac_cm")
        )
        served = (
            data.get("vitamin_a") not in (None, "none")
            or bool(data.get("immunizations"))
            or bool(data.get("deworming"))
        )
        # A service that failed validation already has its own error; don't add a vaguer one.
        failed = any(name not in data for name in self.SERVICE_FIELDS)
        if not (measured or served or failed):
            rules.add("_schema", "records.rule.child_needs_service")


class PregnancySchema(RecordSchema):
    """A pregnancy episode from registration to delivery (brief §1.7)."""

    label_prefix = "pregnancy"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    registered_on = Date(required=True, not_future=True)
    lmp_date = Date(not_future=True)
    edd = Date()
    gravida = Integer(1, 20)
    para = Integer(0, 20)
    abortus = Integer(0, 20)
    has_kia_book = Boolean(default=False)
    height_cm = Number(120, 190, unit="cm", places=1)
    status = Choice(PREGNANCY_STATUSES, "pregnancy_status", default="active")
    delivery_date = Date(not_future=True)
    delivery_place = Choice(DELIVERY_PLACES, "delivery_place")
    delivery_attendant = Choice(DELIVERY_ATTENDANTS, "delivery_attendant")
    outcome = Choice(PREGNANCY_OUTCOMES, "outcome")
    notes = notes_field()

    def check(self, data, rules):
        lmp, edd, delivery = data.get("lmp_date"), data.get("edd"), data.get("delivery_date")
        if lmp is not None and edd is not None:
            if edd <= lmp:
                rules.add("edd", "records.rule.edd_after_lmp", edd=edd, lmp=lmp)
            elif (edd - lmp).days > EDD_MAX_DAYS:
                rules.add("edd", "records.rule.edd_too_late", edd=edd, lmp=lmp)
        if lmp is not None and delivery is not None and delivery < lmp:
            rules.add(
                "delivery_date", "records.rule.delivery_before_lmp", delivery=delivery, lmp=lmp
            )
        if data.get("status") == "delivered" and delivery is None and "delivery_date" in data:
            rules.add("delivery_date", "records.rule.delivered_needs_date")
        gravida, para, abortus = data.get("gravida"), data.get("para"), data.get("abortus")
        if gravida is not None and (para or 0) + (abortus or 0) > gravida:
            rules.add(
                "gravida",
                "records.rule.gravida_total",
                gravida=gravida,
                para=para or 0,
                abortus=abortus or 0,
            )
        for field in ("registered_on", "lmp_date"):
            check_within_life(data, rules, field)
        if context_record("person").get("sex") == "M":
            rules.add("person_id", "records.rule.pregnancy_needs_female")


class AncVisitSchema(RecordSchema):
    """An antenatal contact at the posyandu or by the nakes (brief §1.7)."""

    label_prefix = "anc_visit"

    id = Uuid(required=True)
    pregnancy_id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    visit_date = event_date_field()
    weight_kg = Number(30, 150, unit="kg", places=2)
    muac_cm = Number(15, 45, unit="cm", places=1)
    systolic_bp = systolic_field()
    diastolic_bp = diastolic_field()
    iron_tablets = Integer(0, 180)
    hb_g_dl = Number(4, 20, unit="g/dL", places=1)
    notes = notes_field()

    def check(self, data, rules):
        check_within_life(data, rules, "visit_date")
        check_blood_pressure(data, rules)
        pregnancy = context_record("pregnancy")
        owner = pregnancy.get("person_id")
        if isinstance(owner, str) and data.get("person_id") not in (None, owner.lower()):
            rules.add("pregnancy_id", "records.rule.pregnancy_other_person")
        day = data.get("visit_date")
        if day is None:
            return
        lmp = context_date("pregnancy", "lmp_date")
        delivery = context_date("pregnancy", "delivery_date")
        if lmp is not None and day < lmp:
            rules.add("visit_date", "records.rule.anc_before_lmp", lmp=lmp)
        if delivery is not None and day > delivery:
            rules.add("visit_date", "records.rule.anc_after_delivery", delivery=delivery)


class AdultVisitSchema(RecordSchema):
    """An ILP usia dewasa / lansia visit: PTM screening and SKILAS (brief §1.10)."""

    label_prefix = "adult_visit"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    visit_date = event_date_field()
    weight_kg = Number(20, 250, unit="kg", places=2)
    height_cm = Number(100, 220, unit="cm", places=1)
    waist_cm = Number(40, 200, unit="cm", places=1)
    systolic_bp = systolic_field()
    diastolic_bp = diastolic_field()
    blood_glucose_mg_dl = Integer(20, 600, unit="mg/dL")
    skilas = Nested(SkilasSchema)
    notes = notes_field()

    CHECK_FIELDS: ClassVar[tuple[str, ...]] = (
        "weight_kg",
        "height_cm",
        "waist_cm",
        "systolic_bp",
        "diastolic_bp",
        "blood_glucose_mg_dl",
        "skilas",
    )

    def check(self, data, rules):
        check_within_life(data, rules, "visit_date")
        check_blood_pressure(data, rules)
        given = any(data.get(name) is not None for name in self.CHECK_FIELDS)
        failed = any(name not in data for name in self.CHECK_FIELDS)  # has its own error
        if not given and not failed:
            rules.add("_schema", "records.rule.adult_needs_check")


# --- posyandu and desa reports --------------------------------------------------------------


class PosyanduSessionSchema(RecordSchema):
    """A posyandu hari buka: what the visits cannot tell (brief §1.11)."""

    label_prefix = "posyandu_session"

    id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    session_date = event_date_field()
    opened = Boolean(required=True)
    kader_registered = Integer(0, 100)
    kader_present = Integer(0, 100)
    nakes_present = Integer(0, 20)
    pmt_given = Boolean(default=False)
    kb_served = Integer(0, 1000)
    diarrhoea_cases = Integer(0, 1000)
    # Children, not packets: SIP Format 6 counts "balita diare dapat oralit" (brief §1.4).
    diarrhoea_oralit = Integer(0, 1000)
    oralit_given = Integer(0, 10000)  # packets handed out (stock), not a SIP count
    program_tambahan = ListOf(Choice(PROGRAM_TAMBAHAN, "program_tambahan"), max_items=10)
    families_target = Integer(0, 10000)
    families_contributing = Integer(0, 10000)
    dana_sehat_rp = Integer(0, 1_000_000_000, unit="rupiah")
    notes = notes_field()

    def check(self, data, rules):
        registered, present = data.get("kader_registered"), data.get("kader_present")
        if registered is not None and present is not None and present > registered:
            rules.add(
                "kader_present",
                "records.rule.kader_present",
                present=present,
                registered=registered,
            )
        cases, treated = data.get("diarrhoea_cases"), data.get("diarrhoea_oralit")
        if treated is not None and cases is not None and treated > cases:
            rules.add(
                "diarrhoea_oralit", "records.rule.diarrhoea_oralit", treated=treated, cases=cases
            )
        target, contributing = data.get("families_target"), data.get("families_contributing")
        if target is not None and contributing is not None and contributing > target:
            rules.add(
                "families_contributing",
                "records.rule.families_contributing",
                contributing=contributing,
                target=target,
            )


def count_field() -> Integer:
    """Return a monthly event count for a desa (0–1000)."""
    return Integer(0, 1000)


# A desa of Kayong Utara counts a few hundred to a few thousand people and a handful of births a
# month: more maternal deaths than this in one desa-month is a slip of the keyboard (births typed in
# the wrong box, "10" for "1"), not an event a monthly form should take. The field's range says so,
# so forms and the error ("Kematian ibu harus antara 0 dan 5.") agree.
MAX_MATERNAL_DEATHS = 5
# Deaths are counted cumulatively: a neonatal death (0–28 days) is also an infant death (under one
# year), which is also an under-five death. Each pair is checked when both counts are given.
DEATH_ORDER = (
    ("deaths_neonatal", "deaths_infant"),
    ("deaths_infant", "deaths_under5"),
    ("deaths_neonatal", "deaths_under5"),
)


def check_desa_counts(data: dict[str, Any], rules: Rules) -> None:
    """Check a desa report's deaths nest, and (on a device that knows them, context
    ``desa_month``) that live births are not fewer than the newborns registered there."""
    broken: set[str] = set()
    for smaller, larger in DEATH_ORDER:
        low, high = data.get(smaller), data.get(larger)
        if low is not None and high is not None and low > high and larger not in broken:
            broken.add(larger)
            rules.add(larger, f"records.rule.{smaller}_above_{larger}", low=low, high=high)
    registered = context_record("desa_month").get("registered_births")
    births = data.get("births_live")
    if registered and births is not None and births < registered:
        rules.add(
            "births_live", "records.rule.births_below_registered", births=births, n=registered
        )


class DesaReportSchema(RecordSchema):
    """A desa's monthly births, deaths and ODF/STBM status (brief §5.1)."""

    label_prefix = "desa_report"

    id = Uuid(required=True)
    desa_code = desa_code_field(required=True)
    period = Month(required=True)
    births_live = count_field()
    births_still = count_field()
    deaths_maternal = Integer(0, MAX_MATERNAL_DEATHS)
    deaths_neonatal = count_field()
    deaths_infant = count_field()
    deaths_under5 = count_field()
    odf_status = Choice(ODF_STATUSES, "odf_status")
    odf_verified_on = Date(not_future=True)
    notes = notes_field()

    def check(self, data, rules):
        if data.get("odf_verified_on") is not None and data.get("odf_status") == "belum":
            rules.add("odf_verified_on", "records.rule.verified_needs_odf")
        check_desa_counts(data, rules)


# --- lokakarya mini lintas sektor -----------------------------------------------------------


class AttendanceSchema(RecordSchema):
    """One line of a lokmin daftar hadir."""

    label_prefix = "attendance"

    name = Text(NAME, required=True)
    position = Text(NAME)
    sector = Choice(SECTORS, "sector", required=True)
    institution = Text(NAME)
    signed = Boolean(default=False)


class ProblemSchema(RecordSchema):
    """One priority problem identified at a lokmin."""

    label_prefix = "problem"

    desa_code = desa_code_field()
    indicator_code = Text(40)
    description = Text(NOTE, required=True, multiline=True)
    root_cause = Text(NOTE, multiline=True)
    rank = Integer(1, 100)


class PlanSchema(RecordSchema):
    """One line of a sector's plan of activities, the stated output of a lokmin (brief §7)."""

    label_prefix = "plan"

    sector = Choice(SECTORS, "sector", required=True)
    activity = Text(500, required=True, multiline=True)
    target = Text(NAME)
    month = Month(allow_future=True)
    budget_source = Choice(BUDGET_SOURCES, "budget_source")


class LokminMeetingSchema(RecordSchema):
    """A lokakarya mini: attendance, priority problems and minutes (brief §7)."""

    label_prefix = "lokmin_meeting"

    id = Uuid(required=True)
    kecamatan_code = kecamatan_code_field(required=True)
    puskesmas_id = FacilityCode()
    kind = Choice(LOKMIN_KINDS, "lokmin_kind", required=True)
    year = Integer(2000, 2100, required=True)
    quarter = Integer(1, 4)
    meeting_date = Date()
    venue = Text(NAME)
    chair_name = Text(NAME)
    agenda = Text(NOTE, multiline=True)
    minutes = Text(LONG_TEXT, multiline=True)
    status = Choice(MEETING_STATUSES, "meeting_status", default="planned")
    attendance = Nested(AttendanceSchema, many=True, max_items=500)
    problems = Nested(ProblemSchema, many=True, max_items=100)
    plans = Nested(PlanSchema, many=True, max_items=300)

    def check(self, data, rules):
        if (
            (data.get("kind") or "").startswith("tribulanan")
            and data.get("quarter") is None
            and "quarter" in data
        ):
            rules.add("quarter", "records.rule.quarter_required")
        if data.get("status") == "held" and "meeting_date" in data:
            day = data.get("meeting_date")
            if day is None:
                rules.add("meeting_date", "records.rule.held_needs_date")
            elif day > current_state().today:
                rules.add("meeting_date", "records.error.future", today=current_state().today)


class LokminAgreementSchema(RecordSchema):
    """A kesepakatan / RTL agreed at a lokmin, followed up to its due date (brief §7)."""

    label_prefix = "lokmin_agreement"

    id = Uuid(required=True)
    meeting_id = Uuid(required=True)
    kecamatan_code = kecamatan_code_field(required=True)
    action = Text(1000, required=True, multiline=True)
    sector = Choice(SECTORS, "sector")
    pic_name = Text(NAME)
    pic_role = Text(NAME)
    co_sectors = ListOf(Choice(SECTORS, "sector"), max_items=len(SECTORS))
    target_desa_code = desa_code_field()
    start_date = Date()
    due_date = Date()
    budget_source = Choice(BUDGET_SOURCES, "budget_source")
    success_indicator = Text(500, multiline=True)
    status = Choice(AGREEMENT_STATUSES, "agreement_status", default="planned")
    progress_note = notes_field()

    def check(self, data, rules):
        start, due = data.get("start_date"), data.get("due_date")
        if start is not None and due is not None and due < start:
            rules.add("due_date", "records.rule.due_before_start", due=due, start=start)
