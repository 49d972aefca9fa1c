"""The table of record kinds: schema, scope, derived fields, labels and references of each."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from marshmallow import Schema

from shared import i18n

from . import ilp_kinds, kia_kinds, kinds, messages  # noqa: F401  (messages: the labels)
from .fields import FieldInfo, RecordField
from .review_kinds import PeriodReviewSchema

REFERENCE_KINDS = ("wilayah", "facility")
KINDS = (
    *REFERENCE_KINDS,
    "person",
    "child_visit",
    "pregnancy",
    "anc_visit",
    "adult_visit",
    "youth_visit",
    "postpartum_visit",
    "family_planning",
    "tb_screening",
    "immunization",
    "referral",
    "posyandu_session",
    "desa_report",
    "lokmin_meeting",
    "lokmin_agreement",
    "period_review",
    *kia_kinds.SCHEMAS,
)

_SCHEMAS: dict[str, type[kinds.RecordSchema]] = {
    "wilayah": kinds.WilayahSchema,
    "facility": kinds.FacilitySchema,
    "person": kinds.PersonSchema,
    "child_visit": kinds.ChildVisitSchema,
    "pregnancy": kinds.PregnancySchema,
    "anc_visit": kinds.AncVisitSchema,
    "adult_visit": kinds.AdultVisitSchema,
    "youth_visit": ilp_kinds.YouthVisitSchema,
    "postpartum_visit": ilp_kinds.PostpartumVisitSchema,
    "family_planning": ilp_kinds.FamilyPlanningSchema,
    "tb_screening": ilp_kinds.TbScreeningSchema,
    "immunization": ilp_kinds.ImmunizationSchema,
    "referral": ilp_kinds.ReferralSchema,
    "posyandu_session": kinds.PosyanduSessionSchema,
    "desa_report": kinds.DesaReportSchema,
    "lokmin_meeting": kinds.LokminMeetingSchema,
    "lokmin_agreement": kinds.LokminAgreementSchema,
    "period_review": PeriodReviewSchema,
    **kia_kinds.SCHEMAS,
}

_SCOPES: dict[str, str | None] = {
    "wilayah": None,
    "facility": None,
    "desa_report": "desa_code",
    "lokmin_meeting": "kecamatan_code",
    "lokmin_agreement": "kecamatan_code",
    **kia_kinds.SCOPES,
}

# Computed by shared/derive.py on both sides; a client may send them, they are dropped unread.
_DERIVED: dict[str, frozenset[str]] = {
    "child_visit": frozenset(
        {
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
            "growth_status",
            "growth_gain_g",
            "kbm_g",
            "two_t",
            "bgm",
        }
    ),
    "anc_visit": frozenset({"kek", "gestational_age_weeks"}),
    "adult_visit": frozenset({"bmi", "bmi_category", "hypertension"}),
    "youth_visit": frozenset({"age_months", "bmi", "baz", "baz_category", "anaemia", "alerts"}),
    "postpartum_visit": frozenset({"days_after_delivery", "kf"}),
    "tb_screening": frozenset({"suspect", "referral_needed"}),
    "immunization": frozenset({"dose", "age_days", "status", "reason"}),
}

# The date that places a record of each dated kind in time (the device's event_date, the month a
# verification locks, the month an indicator counts it in).
_EVENT_DATES: dict[str, str] = {
    "child_visit": "visit_date",
    "anc_visit": "visit_date",
    "adult_visit": "visit_date",
    "youth_visit": "visit_date",
    "postpartum_visit": "visit_date",
    "family_planning": "visit_date",
    "tb_screening": "visit_date",
    "immunization": "given_on",
    "referral": "referral_date",
    "posyandu_session": "session_date",
    "pregnancy": "registered_on",
    "desa_report": "period",
    "lokmin_meeting": "meeting_date",
    "period_review": "period",
    **kia_kinds.EVENT_DATES,
}
# The services of a posyandu day: they count in the month of their event date, for the month's
# indicators and its verification lock alike.
_MONTH_SERVICES = frozenset(
    {
        "child_visit",
        "anc_visit",
        "adult_visit",
        "youth_visit",
        "postpartum_visit",
        "family_planning",
        "tb_screening",
        "immunization",
        "referral",
        "posyandu_session",
    }
)

# A list-valued field (facility.wilayah_kerja) references the kind of each of its elements.
_REFS: dict[str, dict[str, str]] = {
    "wilayah": {"parent_code": "wilayah"},
    "facility": {
        "parent_id": "facility",
        "desa_code": "wilayah",
        "kecamatan_code": "wilayah",
        "wilayah_kerja": "wilayah",
    },
    "person": {"posyandu_id": "facility", "desa_code": "wilayah"},
    "child_visit": {"person_id": "person", "posyandu_id": "facility"},
    "pregnancy": {"person_id": "person", "posyandu_id": "facility"},
    "anc_visit": {"pregnancy_id": "pregnancy", "person_id": "person", "posyandu_id": "facility"},
    "adult_visit": {"person_id": "person", "posyandu_id": "facility"},
    "youth_visit": {"person_id": "person", "posyandu_id": "facility"},
    "postpartum_visit": {
        "pregnancy_id": "pregnancy",
        "person_id": "person",
        "posyandu_id": "facility",
    },
    "family_planning": {"person_id": "person", "posyandu_id": "facility"},
    "tb_screening": {"person_id": "person", "posyandu_id": "facility"},
    "immunization": {"person_id": "person", "posyandu_id": "facility", "facility_id": "facility"},
    "referral": {
        "person_id": "person",
        "posyandu_id": "facility",
        "destination_facility_id": "facility",
    },
    "posyandu_session": {"posyandu_id": "facility"},
    "desa_report": {"desa_code": "wilayah"},
    "lokmin_meeting": {"kecamatan_code": "wilayah", "puskesmas_id": "facility"},
    "lokmin_agreement": {
        "meeting_id": "lokmin_meeting",
        "kecamatan_code": "wilayah",
        "target_desa_code": "wilayah",
    },
    "period_review": {"posyandu_id": "facility"},
    **kia_kinds.REFS,
}


class UnknownKind(KeyError):
    """Raised for a kind name that is not a v1 record kind."""


@dataclass(frozen=True)
class KindSpec:
    """Everything the server, the client and the exports need to know about one kind.

    ``labels`` maps each field to its i18n key; ``info`` maps each field to a :class:`FieldInfo`
    (type, range, unit, choices...) for forms and models; ``label`` is the kind's own i18n key.
    Treat the dicts as read-only.
    """

    name: str
    schema: type[Schema]
    scope_field: str | None
    derived_fields: frozenset[str]
    fields: tuple[str, ...]
    required: frozenset[str]
    labels: dict[str, str]
    refs: dict[str, str]
    label: str
    info: dict[str, FieldInfo]
    event_date_field: str | None = None
    month_service: bool = False


def label_key(prefix: str, field: str) -> str:
    """Return the label key of ``field`` in a schema: its own wording if any, else the shared one."""
    own = f"records.label.{prefix}.{field}"
    return own if i18n.has(own) else f"records.label.{field}"


@cache
def schema_instance(kind: str) -> kinds.RecordSchema:
    """Return the one schema instance of ``kind``."""
    return spec(kind).schema()


def spec(kind: str) -> KindSpec:
    """Return the specification of ``kind``; raise :class:`UnknownKind` if there is none."""
    if not isinstance(kind, str) or kind not in _SCHEMAS:
        raise UnknownKind(kind)
    return _build_spec(kind)


@cache
def _build_spec(kind: str) -> KindSpec:
    """Describe ``kind`` from its schema (once per process)."""
    schema_cls = _SCHEMAS[kind]
    fields = schema_cls().fields
    return KindSpec(
        name=kind,
        schema=schema_cls,
        scope_field=_SCOPES.get(kind, "posyandu_id"),
        derived_fields=_DERIVED.get(kind, frozenset()),
        fields=tuple(fields),
        required=frozenset(name for name, field in fields.items() if field.required),
        labels={name: label_key(kind, name) for name in fields},
        refs=dict(_REFS.get(kind, {})),
        label=f"records.kind.{kind}",
        info={
            name: field.info(name)
            for name, field in fields.items()
            if isinstance(field, RecordField)
        },
        event_date_field=_EVENT_DATES.get(kind),
        month_service=kind in _MONTH_SERVICES,
    )


def event_date_fields() -> dict[str, str]:
    """Return each dated kind's event date field (``KindSpec.event_date_field``)."""
    return {k: s.event_date_field for k in KINDS if (s := spec(k)).event_date_field}


def month_service_dates() -> dict[str, str]:
    """Return the event date field of each kind that counts in a posyandu month."""
    return {k: s.event_date_field for k in KINDS if (s := spec(k)).month_service}


def kinds_referring_to(target: str, field_name: str) -> tuple[str, ...]:
    """Return the kinds whose ``field_name`` references a record of kind ``target``."""
    return tuple(k for k in KINDS if spec(k).refs.get(field_name) == target)
