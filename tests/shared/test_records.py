"""Record kinds: valid records, required fields, types, ranges and the public API."""

import copy
import dataclasses
import datetime as dt

import pytest

from shared import records
from shared.records.review_kinds import review_id

TODAY = dt.date(2025, 6, 30)
PSY = "PSY-6111012001-01"
PKM = "PKM-611101"


def uid(n: int) -> str:
    """Return a fixed, valid UUID numbered ``n``."""
    return f"0b6f3c1e-8a4d-4f7e-9c2b-5d1a7e3f{n:04d}"


MINIMAL = {
    "wilayah": {"id": "61", "code": "61", "name": "Kalimantan Barat", "level": "provinsi"},
    "facility": {"id": PKM, "code": PKM, "name": "Puskesmas Sukadana", "kind": "puskesmas"},
    "person": {
        "id": uid(1),
        "posyandu_id": PSY,
        "name": "Siti Aminah",
        "sex": "F",
        "birth_date": "2024-01-05",
    },
    "child_visit": {
        "id": uid(2),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "weight_kg": 8.4,
    },
    "pregnancy": {
        "id": uid(3),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "registered_on": "2025-03-01",
    },
    "anc_visit": {
        "id": uid(4),
        "pregnancy_id": uid(3),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
    },
    "adult_visit": {
        "id": uid(5),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "weight_kg": 61.5,
    },
    "youth_visit": {
        "id": uid(10),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "weight_kg": 30.0,
    },
    "postpartum_visit": {
        "id": uid(11),
        "pregnancy_id": uid(3),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-22",
    },
    "family_planning": {
        "id": uid(12),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "status": "pus",
        "method": "suntik",
    },
    "tb_screening": {
        "id": uid(13),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
    },
    "immunization": {
        "id": uid(14),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "antigen": "BCG",
        "given_on": "2025-06-10",
    },
    "referral": {
        "id": uid(15),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "referral_date": "2025-06-10",
        "reason": "tb_suspect",
        "destination": "puskesmas",
    },
    "posyandu_session": {
        "id": uid(6),
        "posyandu_id": PSY,
        "session_date": "2025-06-10",
        "opened": True,
    },
    "desa_report": {"id": uid(7), "desa_code": "6111012001", "period": "2025-05"},
    "lokmin_meeting": {
        "id": uid(8),
        "kecamatan_code": "611101",
        "kind": "bulanan_lintas_program",
        "year": 2025,
    },
    "lokmin_agreement": {
        "id": uid(9),
        "meeting_id": uid(8),
        "kecamatan_code": "611101",
        "action": "Sweeping balita yang tidak datang ke posyandu",
    },
    "odf_verification": {
        "id": uid(10),
        "desa_code": "6111012001",
        "verified_on": "2025-06-01",
        "status": "odf",
    },
    "signal": {
        "id": uid(11),
        "posyandu_id": PSY,
        "rule": "maternal_death",
        "period": "2025-06",
        "raised_on": "2025-06-02",
    },
    "death_review": {
        "id": uid(12),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "notified_on": "2025-06-02",
    },
}

FULL = {
    "wilayah": {
        "id": "6111012001",
        "code": "6111012001",
        "name": "Sutera",
        "level": "desa",
        "parent_code": "611101",
        "kind": "desa",
        "aliases": ["Sutra"],
    },
    "facility": {
        "id": PSY,
        "code": PSY,
        "name": "Posyandu Mawar",
        "kind": "posyandu",
        "parent_id": PKM,
        "desa_code": "6111012001",
        "kecamatan_code": "611101",
        "wilayah_kerja": [],
        "strata": "madya",
        "ilp_status": True,
        "active": True,
    },
    "person": {
        "id": uid(1),
        "posyandu_id": PSY,
        "name": "Bayi Ny. Aminah",
        "sex": "M",
        "birth_date": "2024-01-05",
        "nik": "6111010501240001",
        "no_kk": "6111010101200002",
        "mother_name": "Aminah",
        "mother_nik": "6111014101980003",
        "father_name": "Rahmat",
        "father_nik": "6111010101950004",
        "has_kia_book": True,
        "desa_code": "6111012001",
        "address": "Jl. Pantai 3",
        "rt": "003",
        "rw": "01",
        "birth_weight_kg": 3.1,
        "birth_length_cm": 49.5,
        "birth_order": 2,
        "phone": "+62 812-3456-7890",
        "moved_out_on": "2025-05-01",
        "died_on": None,
        "death_cause": None,
        "notes": "Pindah ke Ketapang",
    },
    "child_visit": {
        "id": uid(2),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "weight_kg": 8.4,
        "length_cm": 72.5,
        "position": "lying",
        "head_cm": 45.0,
        "muac_cm": 13.5,
        "oedema": False,
        "vitamin_a": "blue",
        "immunizations": ["MR1", "IPV2"],
        "exclusive_breastfeeding": False,
        "deworming": False,
        "remeasured": True,
        "notes": "Ditimbang dengan dacin",
    },
    "pregnancy": {
        "id": uid(3),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "registered_on": "2025-03-01",
        "lmp_date": "2024-12-20",
        "edd": "2025-09-26",
        "gravida": 3,
        "para": 1,
        "abortus": 1,
        "has_kia_book": True,
        "height_cm": 152.0,
        "status": "delivered",
        "delivery_date": "2025-06-20",
        "delivery_place": "facility",
        "delivery_attendant": "nakes",
        "outcome": "live_birth",
        "notes": "K4",
    },
    "anc_visit": {
        "id": uid(4),
        "pregnancy_id": uid(3),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "weight_kg": 58.2,
        "muac_cm": 24.0,
        "systolic_bp": 120,
        "diastolic_bp": 80,
        "iron_tablets": 30,
        "hb_g_dl": 11.2,
        "notes": None,
    },
    "adult_visit": {
        "id": uid(5),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "weight_kg": 61.5,
        "height_cm": 155.0,
        "waist_cm": 82.0,
        "systolic_bp": 145,
        "diastolic_bp": 92,
        "blood_glucose_mg_dl": 180,
        "skilas": {
            "cognitive": False,
            "mobility": True,
            "malnutrition": False,
            "vision": False,
            "hearing": True,
            "depression": False,
        },
        "notes": "Rujuk ke puskesmas",
    },
    "youth_visit": {
        "id": uid(10),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "weight_kg": 38.5,
        "height_cm": 148.2,
        "muac_cm": 22.5,
        "hb_g_dl": 11.4,
        "ttd_given": True,
        "systolic_bp": 110,
        "diastolic_bp": 70,
        "smoking": False,
        "mental_health": "borderline",
        "notes": "Remaja putri, kelas 8",
    },
    "postpartum_visit": {
        "id": uid(11),
        "pregnancy_id": uid(3),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-22",
        "vitamin_a_given": True,
        "danger_signs": ["fever", "breast_problem"],
        "kb_method": "iud",
        "notes": "KF1 di rumah",
    },
    "family_planning": {
        "id": uid(12),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "status": "pus",
        "method": "implan",
        "start_date": "2025-01-15",
        "notes": "Implan 3 tahun",
    },
    "tb_screening": {
        "id": uid(13),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "visit_date": "2025-06-10",
        "symptoms": ["cough_2_weeks", "night_sweats"],
        "notes": "Batuk sejak sebulan",
    },
    "immunization": {
        "id": uid(14),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "antigen": "MR1",
        "given_on": "2025-06-10",
        "given_at": "puskesmas",
        "facility_id": PKM,
        "lot_number": "A123-45",
        "notes": "Imunisasi kejar",
    },
    "referral": {
        "id": uid(15),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "referral_date": "2025-06-10",
        "source_kind": "tb_screening",
        "source_id": uid(13),
        "reason": "tb_suspect",
        "reason_text": "Batuk 3 minggu dan keringat malam",
        "destination": "puskesmas",
        "destination_facility_id": PKM,
        "destination_name": "Puskesmas Sukadana",
        "status": "completed",
        "follow_up_date": "2025-06-20",
        "followed_up_by": "Bidan Rina",
        "notes": "Dahak diperiksa",
    },
    "posyandu_session": {
        "id": uid(6),
        "posyandu_id": PSY,
        "session_date": "2025-06-10",
        "opened": True,
        "kader_registered": 5,
        "kader_present": 4,
        "nakes_present": 1,
        "pmt_given": True,
        "kb_served": 3,
        "diarrhoea_cases": 1,
        "diarrhoea_oralit": 1,
        "oralit_given": 2,
        "program_tambahan": ["bkb", "dana_sehat"],
        "families_target": 40,
        "families_contributing": 25,
        "dana_sehat_rp": 250000,
        "notes": "Hujan deras",
    },
    "desa_report": {
        "id": uid(7),
        "desa_code": "6111012001",
        "period": "2025-05",
        "births_live": 4,
        "births_still": 0,
        "deaths_maternal": 0,
        "deaths_neonatal": 1,
        "deaths_infant": 1,
        "deaths_under5": 1,
        "odf_status": "odf",
        "odf_verified_on": "2024-11-12",
        "notes": None,
    },
    "lokmin_meeting": {
        "id": uid(8),
        "kecamatan_code": "611101",
        "puskesmas_id": PKM,
        "kind": "tribulanan_rutin",
        "year": 2025,
        "quarter": 2,
        "meeting_date": "2025-06-12",
        "venue": "Aula Kantor Camat",
        "chair_name": "Camat Sukadana",
        "agenda": "Evaluasi triwulan II",
        "minutes": "Cakupan D/S turun di dua desa.\nDisepakati sweeping.",
        "status": "held",
        "attendance": [
            {
                "name": "Camat",
                "position": "Camat",
                "sector": "kecamatan",
                "institution": "Kecamatan",
                "signed": True,
            }
        ],
        "problems": [
            {
                "desa_code": "6111012001",
                "indicator_code": "DS",
                "description": "D/S di bawah 60%",
                "root_cause": "Jadwal bentrok dengan panen",
                "rank": 1,
            }
        ],
        "plans": [
            {
                "sector": "koramil",
                "activity": "Babinsa mendampingi hari buka posyandu",
                "target": "12 posyandu",
                "month": "2099-07",  # a plan's month may lie ahead
                "budget_source": "swadaya",
            }
        ],
    },
    "lokmin_agreement": {
        "id": uid(9),
        "meeting_id": uid(8),
        "kecamatan_code": "611101",
        "action": "Sweeping balita",
        "sector": "desa",
        "pic_name": "Kepala Desa Sutera",
        "pic_role": "Kepala desa",
        "co_sectors": ["puskesmas", "pkk"],
        "target_desa_code": "6111012001",
        "start_date": "2025-07-01",
        "due_date": "2025-09-30",
        "budget_source": "dana_desa",
        "success_indicator": "D/S ≥ 80%",
        "status": "in_progress",
        "progress_note": "Dua dusun selesai",
    },
    "odf_verification": {
        "id": uid(10),
        "desa_code": "6111012001",
        "verified_on": "2025-06-01",
        "status": "stbm",
        "team": "Tim verifikasi kabupaten",
        "decree": "SK Bupati 12/2025",
        "notes": "Deklarasi di balai desa",
    },
    "signal": {
        "id": uid(11),
        "posyandu_id": PSY,
        "rule": "maternal_death",
        "period": "2025-06",
        "raised_on": "2025-06-02",
        "evidence": "1 kematian ibu",
        "assignee": "Bidan Sutera",
        "due_date": "2025-06-09",
        "status": "closed",
        "closed_on": "2025-06-05",
        "note": "AMP dilakukan",
    },
    "death_review": {
        "id": uid(12),
        "person_id": uid(1),
        "posyandu_id": PSY,
        "notified_on": "2025-06-02",
        "reviewed_on": "2025-06-20",
        "follow_up": "Kelas ibu hamil tiap bulan",
        "notes": "AMP kabupaten",
    },
}
# Issue #16: a posyandu-month's review, its id derived from the posyandu and the month.
MINIMAL["period_review"] = {
    "id": review_id(PSY, "2025-06"),
    "posyandu_id": PSY,
    "period": "2025-06",
    "status": "submitted",
}
FULL["period_review"] = {
    **MINIMAL["period_review"],
    "note": "Lengkap",
    "by": "kader_a1",
    "by_name": "Kader A1",
    "reviewed_at": "2025-07-02T03:04:05+00:00",
    "reopen_request": "Kader meminta bulan ini dibuka kembali (1 perubahan tertahan).",
}


def check(kind: str, data: dict, **kwargs) -> records.ValidationResult:
    """Validate ``data`` as ``kind`` with the fixed test date."""
    kwargs.setdefault("today", TODAY)
    return records.validate(kind, data, **kwargs)


def with_(kind: str, base: dict | None = None, /, **changes) -> dict:
    """Return a copy of the minimal record of ``kind`` with ``changes``."""
    data = copy.deepcopy(base if base is not None else MINIMAL[kind])
    data.update(changes)
    return data


def without(kind: str, field: str, base: dict | None = None) -> dict:
    """Return a copy of the minimal record of ``kind`` without ``field``."""
    data = copy.deepcopy(base if base is not None else MINIMAL[kind])
    data.pop(field, None)
    return data


# --- valid records ---------------------------------------------------------------------------


def test_kinds_list_reference_kinds_first():
    assert records.REFERENCE_KINDS == ("wilayah", "facility")
    assert records.KINDS[:2] == records.REFERENCE_KINDS
    assert set(records.KINDS) == set(MINIMAL)


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_minimal_record_is_valid_and_gets_every_field(kind):
    result = check(kind, MINIMAL[kind])
    assert result.ok, result.errors
    assert tuple(result.values) == records.spec(kind).fields


@pytest.mark.parametrize("kind", sorted(FULL))
def test_full_record_is_valid_and_comes_back_unchanged(kind):
    result = check(kind, FULL[kind])
    assert result.ok, result.errors
    assert result.values == FULL[kind]


def test_defaults_are_filled_for_missing_fields():
    values = check("child_visit", MINIMAL["child_visit"]).values
    assert values["oedema"] is False
    assert values["vitamin_a"] == "none"
    assert values["immunizations"] == []
    assert values["deworming"] is False
    assert values["exclusive_breastfeeding"] is None
    assert values["length_cm"] is None
    assert check("person", MINIMAL["person"]).values["has_kia_book"] is False
    assert check("pregnancy", MINIMAL["pregnancy"]).values["status"] == "active"
    assert check("facility", MINIMAL["facility"]).values["active"] is True
    assert check("lokmin_meeting", MINIMAL["lokmin_meeting"]).values["attendance"] == []


def test_null_means_the_default():
    data = with_("child_visit", oedema=None, immunizations=None, vitamin_a=None)
    values = check("child_visit", data).values
    assert (values["oedema"], values["immunizations"], values["vitamin_a"]) == (False, [], "none")


def test_values_are_json_ready():
    values = check("person", FULL["person"]).values
    assert values["birth_date"] == "2024-01-05"
    assert isinstance(values["birth_weight_kg"], float)


def test_date_objects_are_accepted_and_sent_back_as_iso_strings():
    data = with_("person", birth_date=dt.date(2024, 1, 5))
    assert check("person", data).values["birth_date"] == "2024-01-05"


def test_blank_text_means_not_filled():
    data = with_("person", nik="", mother_name="   ", notes="")
    result = check("person", data)
    assert result.ok, result.errors
    assert (result.values["nik"], result.values["mother_name"]) == (None, None)


def test_text_is_stripped_and_uuid_lowercased():
    data = with_("person", name="  Siti Aminah ", id=uid(1).upper())
    values = check("person", data).values
    assert values["name"] == "Siti Aminah"
    assert values["id"] == uid(1)


def test_dotted_wilayah_codes_are_stored_undotted():
    data = with_("desa_report", desa_code="61.11.01.2001")
    assert check("desa_report", data).values["desa_code"] == "6111012001"


def test_measurements_are_rounded_to_their_precision():
    values = check("child_visit", with_("child_visit", weight_kg=8.456)).values
    assert values["weight_kg"] == 8.46


def test_whole_float_is_accepted_as_integer():
    values = check("posyandu_session", with_("posyandu_session", kader_registered=5.0)).values
    assert values["kader_registered"] == 5
    assert isinstance(values["kader_registered"], int)


# --- required fields -------------------------------------------------------------------------

REQUIRED = [
    (kind, field) for kind in records.KINDS for field in sorted(records.spec(kind).required)
]


@pytest.mark.parametrize(("kind", "field"), REQUIRED)
def test_required_field_missing_is_an_error(kind, field):
    result = check(kind, without(kind, field))
    assert not result.ok
    label = records.field_label(kind, field)
    assert result.errors[field] == [f"{label} wajib diisi."]


@pytest.mark.parametrize(("kind", "field"), REQUIRED)
def test_required_field_null_or_blank_is_an_error(kind, field):
    assert field in check(kind, with_(kind, **{field: None})).errors
    if records.spec(kind).info[field].type not in ("integer", "number", "boolean"):
        assert field in check(kind, with_(kind, **{field: "  "})).errors


def test_required_fields_are_as_specified():
    assert records.spec("person").required == {"id", "posyandu_id", "name", "sex", "birth_date"}
    assert records.spec("child_visit").required == {"id", "person_id", "posyandu_id", "visit_date"}
    assert "action" in records.spec("lokmin_agreement").required


def test_empty_record_lists_every_required_field():
    errors = check("person", {}).errors
    assert set(errors) == records.spec("person").required


# --- ranges ----------------------------------------------------------------------------------

RANGED = [
    (kind, name, info)
    for kind in records.KINDS
    for name, info in records.spec(kind).info.items()
    if info.type in ("number", "integer")
]


@pytest.mark.parametrize(
    ("kind", "field", "info"), RANGED, ids=[f"{kind}.{field}" for kind, field, _ in RANGED]
)
def test_range_bounds_are_inclusive(kind, field, info):
    for value in (info.min, info.max):
        result = check(kind, with_(kind, **{field: value}))
        assert field not in result.errors, (value, result.errors)
        assert result.values[field] == value


@pytest.mark.parametrize(
    ("kind", "field", "info"), RANGED, ids=[f"{kind}.{field}" for kind, field, _ in RANGED]
)
def test_just_outside_the_range_is_an_error(kind, field, info):
    step = 1 if info.type == "integer" else 0.01
    for value in (info.min - step, info.max + step):
        errors = check(kind, with_(kind, **{field: value})).errors
        assert field in errors, value
        assert "harus antara" in errors[field][0]


@pytest.mark.parametrize(
    ("kind", "field", "low", "high"),
    [
        ("child_visit", "weight_kg", 0.9, 40),
        ("child_visit", "length_cm", 38, 130),
        ("child_visit", "head_cm", 25, 60),
        ("child_visit", "muac_cm", 8, 25),
        ("person", "birth_weight_kg", 0.5, 6.0),
        ("person", "birth_length_cm", 30, 60),
        ("person", "birth_order", 1, 20),
        ("pregnancy", "gravida", 1, 20),
        ("pregnancy", "para", 0, 20),
        ("pregnancy", "abortus", 0, 20),
        ("pregnancy", "height_cm", 120, 190),
        ("anc_visit", "weight_kg", 30, 150),
        ("anc_visit", "muac_cm", 15, 45),
        ("anc_visit", "systolic_bp", 60, 250),
        ("anc_visit", "diastolic_bp", 30, 150),
        ("anc_visit", "iron_tablets", 0, 180),
        ("anc_visit", "hb_g_dl", 4, 20),
        ("adult_visit", "weight_kg", 20, 250),
        ("adult_visit", "height_cm", 100, 220),
        ("adult_visit", "waist_cm", 40, 200),
        ("adult_visit", "blood_glucose_mg_dl", 20, 600),
        ("youth_visit", "weight_kg", 10, 150),
        ("youth_visit", "height_cm", 90, 200),
        ("youth_visit", "muac_cm", 10, 45),
        ("youth_visit", "hb_g_dl", 4, 20),
        ("youth_visit", "systolic_bp", 60, 250),
        ("posyandu_session", "kader_registered", 0, 100),
        ("posyandu_session", "kader_present", 0, 100),
        ("posyandu_session", "nakes_present", 0, 20),
        ("posyandu_session", "kb_served", 0, 1000),
        ("desa_report", "births_live", 0, 1000),
        ("desa_report", "deaths_under5", 0, 1000),
        ("lokmin_meeting", "year", 2000, 2100),
        ("lokmin_meeting", "quarter", 1, 4),
    ],
)
def test_ranges_are_those_of_the_domain_brief(kind, field, low, high):
    info = records.field_info(kind, field)
    assert (info.min, info.max) == (low, high)


def test_range_message_names_the_field_range_and_unit():
    errors = check("child_visit", with_("child_visit", weight_kg=0.89)).errors
    assert errors["weight_kg"] == ["Berat badan harus antara 0,9 dan 40 kg."]
    errors = check("child_visit", with_("child_visit", weight_kg=40.01), lang="en").errors
    assert errors["weight_kg"] == ["Weight must be between 0.9 and 40 kg."]


def test_huge_integer_is_out_of_range():
    errors = check("desa_report", with_("desa_report", births_live=10**400)).errors
    assert "births_live" in errors
    errors = check("child_visit", with_("child_visit", weight_kg=10**400)).errors
    assert "weight_kg" in errors


def test_text_longer_than_its_maximum_is_an_error():
    errors = check("person", with_("person", name="A" * 201)).errors
    assert errors["name"] == ["Nama paling panjang 200 karakter."]
    assert check("person", with_("person", name="A" * 200)).ok
    assert "notes" in check("person", with_("person", notes="x" * 2001)).errors


# --- types -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["8.4", "8,4", True, [8.4], {"kg": 8.4}])
def test_number_must_be_a_json_number(value):
    errors = check("child_visit", with_("child_visit", weight_kg=value)).errors
    assert errors["weight_kg"] == ["Berat badan harus berupa angka."]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_refused(value):
    errors = check("child_visit", with_("child_visit", weight_kg=value)).errors
    assert "bukan NaN" in errors["weight_kg"][0]
    assert (
        "kader_registered"
        in check("posyandu_session", with_("posyandu_session", kader_registered=value)).errors
    )


@pytest.mark.parametrize("value", ["5", 5.5, False])
def test_integer_must_be_a_whole_json_number(value):
    errors = check("posyandu_session", with_("posyandu_session", kader_registered=value)).errors
    assert errors["kader_registered"] == ["Kader terdaftar harus berupa bilangan bulat."]


@pytest.mark.parametrize("value", ["true", "yes", "ya", 1, 0, "false"])
def test_boolean_must_be_a_json_boolean(value):
    errors = check("child_visit", with_("child_visit", oedema=value)).errors
    assert errors["oedema"] == ["Edema bilateral harus diisi ya atau tidak (true atau false)."]


@pytest.mark.parametrize(
    "value",
    [
        "05/01/2024",
        "2024-1-5",
        "2024-02-30",
        "2024-01-05T10:00:00",
        20240105,
        dt.datetime(2024, 1, 5, 10, 0),
    ],
)
def test_date_must_be_an_iso_date(value):
    errors = check("person", with_("person", birth_date=value)).errors
    assert errors["birth_date"][0].startswith("Tanggal lahir harus berupa tanggal berformat")


@pytest.mark.parametrize("value", ["1899-12-31", "0001-01-01", "2101-01-01", "9999-12-31"])
def test_absurd_years_are_refused(value):
    errors = check("lokmin_agreement", with_("lokmin_agreement", due_date=value)).errors
    assert errors["due_date"] == ["Tenggat harus antara tahun 1900 dan 2100."]


def test_birth_date_in_1900_is_accepted():
    assert check("person", with_("person", birth_date="1900-01-01")).ok


@pytest.mark.parametrize("value", [42, ["M"], "L", "m"])
def test_choice_must_be_one_of_its_codes(value):
    errors = check("person", with_("person", sex=value)).errors
    assert errors["sex"] == ["Jenis kelamin harus salah satu dari: M (Laki-laki), F (Perempuan)."]


@pytest.mark.parametrize("value", ["611101200", "61110120011", "61.11.01", 6111012001])
def test_desa_code_must_be_ten_digits(value):
    errors = check("desa_report", with_("desa_report", desa_code=value)).errors
    assert errors["desa_code"] == ["Kode desa harus terdiri dari tepat 10 angka."]


@pytest.mark.parametrize("value", ["not-a-uuid", "0b6f3c1e8a4d4f7e9c2b5d1a7e3f0001", 17])
def test_id_must_be_a_uuid(value):
    assert "id" in check("person", with_("person", id=value)).errors


@pytest.mark.parametrize("value", ["psy-6111012001-01", "PSY 6111012001", "", 5])
def test_posyandu_id_must_be_a_facility_code(value):
    errors = check("person", with_("person", posyandu_id=value)).errors
    assert "posyandu_id" in errors


def test_control_characters_in_text_are_refused():
    assert "name" in check("person", with_("person", name="Siti\x00Aminah")).errors
    assert "name" in check("person", with_("person", name="Siti\nAminah")).errors
    assert check("person", with_("person", notes="baris satu\nbaris dua")).ok


def test_rt_rw_and_phone_have_a_shape():
    errors = check("person", with_("person", rt="RT 3", rw="1234", phone="hubungi saya")).errors
    assert set(errors) == {"rt", "rw", "phone"}


def test_list_field_must_be_a_list_without_duplicates():
    errors = check("child_visit", with_("child_visit", immunizations="BCG")).errors
    assert errors["immunizations"] == ["Imunisasi harus berupa daftar."]
    errors = check("child_visit", with_("child_visit", immunizations=["BCG", "BCG"])).errors
    assert errors["immunizations"] == ["Imunisasi berisi nilai ganda: BCG."]
    errors = check(
        "posyandu_session", with_("posyandu_session", program_tambahan=["bkb", "arisan"])
    ).errors
    assert errors["program_tambahan"][0].startswith("Program tambahan harus salah satu dari:")


def test_too_many_items_are_refused():
    rows = [{"name": f"Peserta {n}", "sector": "desa"} for n in range(501)]
    errors = check("lokmin_meeting", with_("lokmin_meeting", attendance=rows)).errors
    assert errors["attendance"] == ["Daftar hadir paling banyak berisi 500 butir."]


def test_record_must_be_an_object():
    result = check("person", ["not", "a", "record"])
    assert result.errors == {"_schema": ["Data rekaman harus berupa objek JSON."]}


# --- unknown and derived fields --------------------------------------------------------------


def test_unknown_field_is_an_error():
    errors = check("person", with_("person", favourite_colour="biru")).errors
    assert errors == {"favourite_colour": ["Kolom tidak dikenal: favourite_colour."]}


@pytest.mark.parametrize(
    ("kind", "derived"),
    [
        (
            "child_visit",
            {
                "age_days": 157,
                "waz": -2.4,
                "categories": {"wfa": "underweight"},
                "bgm": True,
                "growth_status": "T",
                "two_t": False,
            },
        ),
        ("anc_visit", {"kek": True, "gestational_age_weeks": 24}),
        ("adult_visit", {"bmi": 25.6, "bmi_category": "gemuk", "hypertension": True}),
        ("youth_visit", {"bmi": 17.5, "baz": -1.2, "anaemia": True, "alerts": ["anaemia"]}),
        ("postpartum_visit", {"kf": "KF2", "days_after_delivery": 5}),
        ("tb_screening", {"suspect": True, "referral_needed": True}),
        ("immunization", {"status": "given", "dose": 1, "reason": None, "age_days": 400}),
    ],
)
def test_derived_fields_are_silently_dropped(kind, derived):
    result = check(kind, with_(kind, **derived))
    assert result.ok, result.errors
    assert not set(derived) & set(result.values)


def test_derived_fields_are_dropped_even_when_garbage():
    result = check("child_visit", with_("child_visit", waz="not a number", flags=[object()]))
    assert result.ok


def test_person_has_no_derived_fields():
    assert records.spec("person").derived_fields == frozenset()
    assert "life_stage" in check("person", with_("person", life_stage="balita")).errors


# --- immunisation antigens -------------------------------------------------------------------


def test_antigens_come_from_the_csv():
    table = records.antigens()
    codes = [row["code"] for row in table]
    assert codes[0] == "HB0"
    assert {
        "BCG",
        "OPV1",
        "OPV4",
        "DPT_HB_HIB1",
        "DPT_HB_HIB4",
        "PCV3",
        "RV3",
        "IPV2",
        "MR2",
        "JE",
    } <= set(codes)
    assert len(codes) == len(set(codes)) == 21
    assert all(isinstance(row["age_months"], int) and row["name"] for row in table)


def test_unknown_antigen_is_an_error():
    errors = check("child_visit", with_("child_visit", immunizations=["BCG", "COVID"])).errors
    assert errors["immunizations"] == ["Imunisasi: kode antigen tidak dikenal: COVID."]


# --- the public API --------------------------------------------------------------------------


def test_spec_describes_a_kind():
    spec = records.spec("child_visit")
    assert isinstance(spec, records.KindSpec)
    assert spec.name == "child_visit"
    assert spec.fields[:4] == ("id", "person_id", "posyandu_id", "visit_date")
    assert spec.refs == {"person_id": "person", "posyandu_id": "facility"}
    assert "waz" in spec.derived_fields
    assert spec.schema().load  # a marshmallow Schema class
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"


@pytest.mark.parametrize(
    ("kind", "scope"),
    [
        ("wilayah", None),
        ("facility", None),
        ("person", "posyandu_id"),
        ("child_visit", "posyandu_id"),
        ("pregnancy", "posyandu_id"),
        ("anc_visit", "posyandu_id"),
        ("adult_visit", "posyandu_id"),
        ("youth_visit", "posyandu_id"),
        ("postpartum_visit", "posyandu_id"),
        ("family_planning", "posyandu_id"),
        ("tb_screening", "posyandu_id"),
        ("immunization", "posyandu_id"),
        ("referral", "posyandu_id"),
        ("posyandu_session", "posyandu_id"),
        ("desa_report", "desa_code"),
        ("lokmin_meeting", "kecamatan_code"),
        ("lokmin_agreement", "kecamatan_code"),
    ],
)
def test_scope_field_of_each_kind(kind, scope):
    assert records.spec(kind).scope_field == scope
    if scope:
        assert scope in records.spec(kind).required


def test_refs_point_at_real_kinds_and_fields():
    for kind in records.KINDS:
        spec = records.spec(kind)
        assert set(spec.refs) <= set(spec.fields)
        assert set(spec.refs.values()) <= set(records.KINDS)
    assert records.spec("anc_visit").refs["pregnancy_id"] == "pregnancy"
    assert records.spec("lokmin_agreement").refs["meeting_id"] == "lokmin_meeting"


def test_unknown_kind_raises_a_key_error():
    with pytest.raises(records.UnknownKind):
        records.spec("visit")
    with pytest.raises(KeyError):
        records.validate("visit", {})
    with pytest.raises(records.UnknownKind):
        records.spec(["person"])


def test_field_info_tells_forms_what_to_draw():
    info = records.field_info("child_visit", "vitamin_a")
    assert (info.type, info.choices, info.default) == ("choice", ("none", "blue", "red"), "none")
    assert records.field_info("child_visit", "weight_kg").unit == "kg"
    assert records.field_info("child_visit", "immunizations").choices[0] == "HB0"
    assert records.field_info("person", "name").max_length == 200
    assert records.field_info("person", "birth_date").not_future


def test_validation_result_is_frozen():
    result = check("person", MINIMAL["person"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.errors = {}


def test_validate_does_not_change_its_input():
    data = with_("child_visit", waz=-1.0)
    snapshot = copy.deepcopy(data)
    check("child_visit", data)
    assert data == snapshot
