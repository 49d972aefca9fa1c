"""ILP record kinds: each kind's rules, valid cases and every invalid case, with its message."""

import datetime as dt

import pytest

from shared import records
from shared.records import ilp_tables
from tests.shared.test_records import FULL, MINIMAL, TODAY, uid

GIRL_13 = {"person": {"birth_date": "2012-01-20", "sex": "F"}}
BOY_13 = {"person": {"birth_date": "2012-01-20", "sex": "M"}}
MOTHER = {"id": uid(1), "birth_date": "1995-04-02", "sex": "F"}
DELIVERED = {"person_id": uid(1), "delivery_date": "2025-06-20", "lmp_date": "2024-09-15"}


def check(kind, data, **kwargs):
    kwargs.setdefault("today", TODAY)
    return records.validate(kind, data, **kwargs)


def with_(kind, **changes):
    return {**MINIMAL[kind], **changes}


def errors(kind, context=None, lang="id", **changes):
    return check(kind, with_(kind, **changes), context=context, lang=lang).errors


# --- youth_visit ------------------------------------------------------------------------------


def test_youth_visit_full_with_its_person_is_valid():
    assert check("youth_visit", FULL["youth_visit"], context=GIRL_13).ok


def test_youth_visit_needs_one_check():
    bare = {k: v for k, v in MINIMAL["youth_visit"].items() if k != "weight_kg"}
    assert check("youth_visit", bare).errors == {
        "_schema": [
            "Isi paling sedikit satu pemeriksaan: berat badan, tinggi badan, LiLA, Hb, TTD, "
            "tekanan darah, merokok atau skrining kesehatan jiwa."
        ]
    }
    assert check("youth_visit", {**bare, "smoking": False}).ok  # "does not smoke" is an answer
    assert check("youth_visit", {**bare, "mental_health": "normal"}).ok
    assert not check("youth_visit", {**bare, "ttd_given": False}).ok


@pytest.mark.parametrize(
    ("birth_date", "ok"),
    [
        ("2020-06-10", False),  # 1826 days on 2025-06-10: 59 completed months, still balita
        ("2020-06-09", True),  # 1827 days: 60 completed months, usia sekolah
        ("2007-07-01", True),  # 17 years 11 months
        ("2007-06-10", False),  # 18 years: usia dewasa
    ],
)
def test_youth_visit_is_for_5_to_under_18_years(birth_date, ok):
    context = {"person": {"birth_date": birth_date, "sex": "F"}}
    result = check("youth_visit", MINIMAL["youth_visit"], context=context)
    assert result.ok is ok
    if not ok:
        assert result.errors["visit_date"] == [
            "Kunjungan usia sekolah dan remaja hanya untuk umur 5 sampai di bawah 18 tahun pada "
            "tanggal kunjungan."
        ]


def test_ttd_is_for_girls_only():
    assert errors("youth_visit", BOY_13, ttd_given=True) == {
        "ttd_given": ["Tablet tambah darah (TTD) remaja hanya dicatat untuk remaja putri."]
    }
    assert errors("youth_visit", BOY_13, ttd_given=False) == {}
    assert errors("youth_visit", GIRL_13, ttd_given=True) == {}
    assert errors("youth_visit", BOY_13, lang="en", ttd_given=True) == {
        "ttd_given": ["Adolescent iron tablets (TTD) are recorded for girls only."]
    }


def test_youth_visit_blood_pressure_pair_and_order():
    assert set(errors("youth_visit", systolic_bp=110)) == {"diastolic_bp"}
    assert set(errors("youth_visit", systolic_bp=90, diastolic_bp=95)) == {"diastolic_bp"}


def test_youth_visit_dates_within_life_and_not_future():
    late = {"person": {"birth_date": "2012-01-20", "sex": "F", "died_on": "2025-06-01"}}
    assert errors("youth_visit", late) == {
        "visit_date": ["Tanggal kunjungan tidak boleh sesudah tanggal meninggal (1 Juni 2025)."]
    }
    assert "visit_date" in errors("youth_visit", visit_date="2025-07-01")


def test_youth_visit_mental_health_is_a_code():
    assert errors("youth_visit", mental_health="sedih")["mental_health"] == [
        "Hasil skrining kesehatan jiwa harus salah satu dari: normal, borderline "
        "(Ambang batas (perlu dipantau)), abnormal (Abnormal (perlu dirujuk))."
    ]


# --- postpartum_visit -------------------------------------------------------------------------


def nifas(**pregnancy):
    return {"person": MOTHER, "pregnancy": {**DELIVERED, **pregnancy}}


def test_postpartum_visit_full_is_valid():
    assert check("postpartum_visit", FULL["postpartum_visit"], context=nifas()).ok


@pytest.mark.parametrize(
    ("visit_date", "field", "message"),
    [
        (
            "2025-06-19",
            "visit_date",
            "Kunjungan nifas tidak boleh sebelum tanggal persalinan (20 Juni 2025).",
        ),
        (
            "2025-08-02",
            "visit_date",
            "Masa nifas sudah lewat: kunjungan nifas paling lambat 42 hari sesudah persalinan "
            "(20 Juni 2025).",
        ),
    ],
)
def test_postpartum_visit_is_within_nifas(visit_date, field, message):
    result = check(
        "postpartum_visit",
        with_("postpartum_visit", visit_date=visit_date),
        context=nifas(),
        today=dt.date.fromisoformat(visit_date),
    )
    assert result.errors == {field: [message]}


def test_postpartum_visit_on_day_0_and_day_42_is_valid():
    for day in ("2025-06-20", "2025-08-01"):
        data = with_("postpartum_visit", visit_date=day)
        assert check("postpartum_visit", data, context=nifas(), today=dt.date(2025, 8, 1)).ok, day


def test_postpartum_visit_needs_a_delivered_pregnancy_of_the_same_person():
    assert errors("postpartum_visit", nifas(delivery_date=None)) == {
        "pregnancy_id": [
            "Tanggal persalinan belum dicatat pada kehamilan ini; catat persalinan dahulu."
        ]
    }
    assert errors("postpartum_visit", nifas(person_id=uid(99))) == {
        "pregnancy_id": ["Kehamilan ini tercatat untuk orang lain."]
    }


def test_postpartum_kb_method_and_danger_signs():
    assert errors("postpartum_visit", nifas(), kb_method="mop") == {
        "kb_method": ["Metode KB MOP (vasektomi) tidak sesuai untuk jenis kelamin Perempuan."]
    }
    assert "danger_signs" in errors("postpartum_visit", danger_signs=["pusing"])
    assert "danger_signs" in errors("postpartum_visit", danger_signs=["fever", "fever"])
    assert check("postpartum_visit", MINIMAL["postpartum_visit"]).values["vitamin_a_given"] is False


# --- family_planning --------------------------------------------------------------------------


def person(sex, birth="1995-04-02"):
    return {"person": {"birth_date": birth, "sex": sex}}


def test_family_planning_full_is_valid():
    assert check("family_planning", FULL["family_planning"], context=person("F")).ok


def test_family_planning_start_date_rules():
    assert errors("family_planning", method="none", start_date="2025-01-01") == {
        "start_date": ["Tanggal mulai KB hanya diisi bila ada metode KB."]
    }
    assert errors("family_planning", start_date="2025-06-11") == {
        "start_date": ["Tanggal mulai KB tidak boleh sesudah tanggal kunjungan (10 Juni 2025)."]
    }
    assert "start_date" in errors("family_planning", person("F"), start_date="1990-01-01")


@pytest.mark.parametrize(
    ("sex", "method", "ok"),
    [
        ("M", "iud", False),
        ("M", "mow", False),
        ("M", "mop", True),
        ("M", "kondom", True),
        ("F", "mop", False),
        ("F", "mal", True),
        ("F", "kondom", True),
    ],
)
def test_family_planning_method_fits_the_sex(sex, method, ok):
    result = errors("family_planning", person(sex), method=method)
    assert (result == {}) is ok, result
    if not ok:
        assert list(result) == ["method"]


def test_wus_is_a_woman_of_15_to_49():
    assert errors("family_planning", person("M"), status="wus", method="kondom") == {
        "status": ["WUS (wanita usia subur) hanya untuk perempuan."]
    }
    assert errors("family_planning", person("F", "1975-06-11"), status="wus") == {}  # 49
    assert errors("family_planning", person("F", "1975-06-10"), status="pus") == {
        "status": [
            "Perempuan PUS/WUS berumur 15 sampai 49 tahun; umur pada tanggal kunjungan 50 tahun."
        ]
    }
    assert "status" in errors("family_planning", person("F", "2010-06-11"), status="wus")  # 14
    assert errors("family_planning", person("F", "2010-06-10"), status="wus") == {}  # 15
    assert errors("family_planning", person("M", "1950-01-01"), method="kondom") == {}


def test_family_planning_status_and_method_are_required_codes():
    assert set(errors("family_planning", status="pasangan", method="spiral")) == {
        "status",
        "method",
    }


# --- tb_screening -----------------------------------------------------------------------------


def test_tb_screening_symptoms():
    assert check("tb_screening", FULL["tb_screening"]).ok
    assert check("tb_screening", MINIMAL["tb_screening"]).values["symptoms"] == []
    assert errors("tb_screening", symptoms=["cough", "cough_2_weeks"]) == {
        "symptoms": [
            "Pilih salah satu saja: batuk kurang dari 2 minggu atau batuk 2 minggu atau lebih."
        ]
    }
    assert "symptoms" in errors("tb_screening", symptoms=["pilek"])
    assert records.field_info("tb_screening", "symptoms").choices == ilp_tables.tb_symptom_codes()


# --- referral ---------------------------------------------------------------------------------


def test_referral_full_is_valid_and_status_defaults_to_created():
    assert check("referral", FULL["referral"], context=person("F")).ok
    assert check("referral", MINIMAL["referral"]).values["status"] == "created"


def test_referral_source_kind_and_id_go_together():
    assert set(errors("referral", source_id=uid(13))) == {"source_kind"}
    assert set(errors("referral", source_kind="tb_screening")) == {"source_id"}
    assert "source_kind" in errors("referral", source_kind="lokmin_meeting", source_id=uid(13))


def test_referral_reason_other_needs_a_text():
    assert errors("referral", reason="other") == {
        "reason_text": ["Uraikan alasan rujukan bila alasannya 'lainnya'."]
    }
    assert errors("referral", reason="other", reason_text="Gigi berlubang") == {}


def test_referral_follow_up_rules():
    assert errors("referral", follow_up_date="2025-06-09") == {
        "follow_up_date": [
            "Tanggal tindak lanjut tidak boleh sebelum tanggal rujukan (10 Juni 2025)."
        ]
    }
    assert errors("referral", status="completed") == {
        "follow_up_date": ["Tanggal tindak lanjut wajib diisi bila rujukan sudah selesai."]
    }
    assert "follow_up_date" in errors("referral", follow_up_date="2025-07-01")  # future
    assert errors("referral", status="received", follow_up_date="2025-06-12") == {}


def test_referral_codes():
    assert set(errors("referral", reason="x", destination="dukun", status="dibuat")) == {
        "reason",
        "destination",
        "status",
    }
    assert records.choice_label("referral", "status", "cancelled") == "Batal"
    assert records.choice_label("referral", "destination", "rumah_sakit", "en") == "Hospital"


# --- immunization -----------------------------------------------------------------------------


def test_immunization_rules():
    assert check("immunization", FULL["immunization"]).ok
    assert check("immunization", MINIMAL["immunization"]).values["given_at"] == "posyandu"
    assert errors("immunization", antigen="COVID") == {
        "antigen": ["Antigen dan dosis: kode antigen tidak dikenal: COVID."]
    }
    assert "given_on" in errors("immunization", given_on="2025-07-01")
    baby = {"person": {"birth_date": "2025-06-11", "sex": "F"}}
    assert errors("immunization", baby) == {
        "given_on": ["Tanggal imunisasi tidak boleh sebelum tanggal lahir (11 Juni 2025)."]
    }
    assert records.field_info("immunization", "antigen").choices == records.antigen_codes()


# --- registry ---------------------------------------------------------------------------------


def test_ilp_kinds_are_person_linked_and_scoped_by_posyandu():
    for kind in (
        "youth_visit",
        "postpartum_visit",
        "family_planning",
        "tb_screening",
        "immunization",
        "referral",
    ):
        spec = records.spec(kind)
        assert spec.scope_field == "posyandu_id"
        assert spec.refs["person_id"] == "person" and spec.refs["posyandu_id"] == "facility"
        assert {"person_id", "posyandu_id", "id"} <= spec.required
    assert records.spec("postpartum_visit").refs["pregnancy_id"] == "pregnancy"
    assert records.spec("immunization").derived_fields == {"dose", "age_days", "status", "reason"}
    assert records.kind_label("tb_screening") == "Skrining TBC"
    assert records.kind_label("postpartum_visit", "en") == "Postpartum visit (KF)"
