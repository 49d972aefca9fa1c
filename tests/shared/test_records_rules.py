"""Record kinds: rules across fields and across records (through the validation context)."""

import datetime as dt

from shared import records
from tests.shared.test_records import FULL, MINIMAL, PKM, PSY, TODAY, uid


def check(kind, data, **kwargs):
    """Validate with the fixed test date."""
    kwargs.setdefault("today", TODAY)
    return records.validate(kind, data, **kwargs)


def with_(kind, base=None, /, **changes):
    """Return a copy of a sample record with ``changes``."""
    data = dict(base if base is not None else MINIMAL[kind])
    data.update(changes)
    return data


PERSON = {"birth_date": "2024-01-05", "sex": "F"}

# --- dates against today ---------------------------------------------------------------------


def test_visit_in_the_future_is_an_error():
    errors = check("child_visit", with_("child_visit", visit_date="2025-07-01")).errors
    assert errors["visit_date"] == [
        "Tanggal kunjungan tidak boleh sesudah hari ini (30 Juni 2025)."
    ]


def test_visit_today_is_accepted():
    assert check("child_visit", with_("child_visit", visit_date="2025-06-30")).ok


def test_today_is_taken_from_the_caller():
    data = with_("child_visit", visit_date="2025-07-01")
    assert check("child_visit", data, today=dt.date(2025, 7, 1)).ok
    assert check("child_visit", data, today=dt.datetime(2025, 7, 1, 23, 59)).ok


def test_default_today_is_today_in_indonesia():
    tomorrow = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date() + dt.timedelta(days=1)
    result = records.validate("child_visit", with_("child_visit", visit_date=tomorrow.isoformat()))
    assert "visit_date" in result.errors


def test_birth_date_in_the_future_is_an_error():
    errors = check("person", with_("person", birth_date="2025-07-01")).errors
    assert "birth_date" in errors


def test_report_for_a_month_not_over_yet_in_the_future_is_an_error():
    assert check("desa_report", with_("desa_report", period="2025-06")).ok
    errors = check("desa_report", with_("desa_report", period="2025-07")).errors
    assert errors["period"] == ["Periode (bulan) tidak boleh sesudah bulan ini (2025-06)."]
    assert "period" in check("desa_report", with_("desa_report", period="2025-13")).errors


# --- child visit -----------------------------------------------------------------------------


def test_child_visit_before_birth_is_an_error():
    context = {"person": {"birth_date": "2025-06-11", "sex": "F"}}
    errors = check("child_visit", MINIMAL["child_visit"], context=context).errors
    assert errors["visit_date"] == [
        "Tanggal kunjungan tidak boleh sebelum tanggal lahir (11 Juni 2025)."
    ]


def test_child_visit_on_the_birth_day_is_accepted():
    context = {"person": {"birth_date": "2025-06-10"}}
    assert check("child_visit", MINIMAL["child_visit"], context=context).ok


def test_birth_date_in_context_may_be_a_date():
    context = {"person": {"birth_date": dt.date(2025, 6, 11)}}
    assert "visit_date" in check("child_visit", MINIMAL["child_visit"], context=context).errors


def test_unreadable_context_is_ignored():
    assert check("child_visit", MINIMAL["child_visit"], context={"person": "?"}).ok
    assert check(
        "child_visit", MINIMAL["child_visit"], context={"person": {"birth_date": "soon"}}
    ).ok


def test_child_visit_after_death_is_an_error():
    context = {"person": {"birth_date": "2024-01-05", "died_on": "2025-06-01"}}
    errors = check("child_visit", MINIMAL["child_visit"], context=context).errors
    assert errors["visit_date"] == [
        "Tanggal kunjungan tidak boleh sesudah tanggal meninggal (1 Juni 2025)."
    ]


def test_position_is_required_with_length():
    errors = check("child_visit", with_("child_visit", length_cm=72.5)).errors
    assert errors == {
        "position": [
            "Cara ukur (berbaring atau berdiri) wajib diisi bila panjang/tinggi badan diisi."
        ]
    }
    assert check("child_visit", with_("child_visit", length_cm=72.5, position="standing")).ok


def test_child_visit_needs_a_measurement_or_a_service():
    bare = {key: value for key, value in MINIMAL["child_visit"].items() if key != "weight_kg"}
    errors = check("child_visit", bare).errors
    assert list(errors) == ["_schema"]
    assert errors["_schema"][0].startswith("Isi paling sedikit satu pengukuran atau layanan")
    for service in (
        {"vitamin_a": "red"},
        {"immunizations": ["BCG"]},
        {"muac_cm": 14.0},
        {"head_cm": 44.0},
        {"deworming": True},
        {"length_cm": 70.0, "position": "lying"},
    ):
        assert check("child_visit", {**bare, **service}).ok, service


def test_child_visit_with_only_a_bad_measurement_names_that_field_only():
    bare = {key: value for key, value in MINIMAL["child_visit"].items() if key != "weight_kg"}
    errors = check("child_visit", {**bare, "weight_kg": "berat"}).errors
    assert list(errors) == ["weight_kg"]


# --- person ----------------------------------------------------------------------------------


def test_died_before_birth_is_an_error():
    errors = check("person", with_("person", died_on="2023-12-31")).errors
    assert errors["died_on"] == [
        "Tanggal meninggal tidak boleh sebelum tanggal lahir (5 Januari 2024)."
    ]


def test_moved_out_before_birth_is_an_error():
    assert "moved_out_on" in check("person", with_("person", moved_out_on="2023-01-01")).errors


def test_died_on_the_birth_day_is_accepted():
    assert check("person", with_("person", died_on="2024-01-05")).ok


def test_died_in_the_future_is_an_error():
    assert "died_on" in check("person", with_("person", died_on="2025-07-01")).errors


def test_nik_must_be_sixteen_digits():
    for nik in ("611101050124000", "61110105012400012", "61110105012400AB", 6111010501240001):
        errors = check("person", with_("person", nik=nik)).errors
        assert errors["nik"] == ["NIK harus terdiri dari tepat 16 angka."], nik
    assert check("person", with_("person", nik="6111010501240001")).ok
    errors = check("person", with_("person", no_kk="123"), lang="en").errors
    assert errors["no_kk"] == ["Family card number (KK) must be exactly 16 digits."]


# --- pregnancy and ANC -----------------------------------------------------------------------


def test_edd_before_lmp_is_an_error():
    data = with_("pregnancy", lmp_date="2024-12-20", edd="2024-12-01")
    errors = check("pregnancy", data).errors
    assert errors["edd"] == ["HPL (1 Desember 2024) harus sesudah HPHT (20 Desember 2024)."]


def test_edd_more_than_44_weeks_after_lmp_is_an_error():
    data = with_("pregnancy", lmp_date="2024-12-20", edd="2025-12-20")
    assert "edd" in check("pregnancy", data).errors


def test_edd_may_be_in_the_future_but_lmp_may_not():
    assert check("pregnancy", with_("pregnancy", lmp_date="2025-06-01", edd="2026-03-08")).ok
    assert "lmp_date" in check("pregnancy", with_("pregnancy", lmp_date="2025-07-01")).errors


def test_delivery_before_lmp_is_an_error():
    data = with_("pregnancy", lmp_date="2024-12-20", delivery_date="2024-12-01", status="delivered")
    assert "delivery_date" in check("pregnancy", data).errors


def test_delivered_pregnancy_needs_a_delivery_date():
    errors = check("pregnancy", with_("pregnancy", status="delivered")).errors
    assert list(errors) == ["delivery_date"]


def test_para_and_abortus_cannot_exceed_gravida():
    errors = check("pregnancy", with_("pregnancy", gravida=2, para=2, abortus=1)).errors
    assert errors["gravida"] == [
        "Jumlah persalinan (2) ditambah keguguran (1) tidak boleh lebih dari jumlah kehamilan (2)."
    ]
    assert check("pregnancy", with_("pregnancy", gravida=3, para=1, abortus=1)).ok


def test_pregnancy_of_a_man_is_an_error():
    errors = check("pregnancy", MINIMAL["pregnancy"], context={"person": {"sex": "M"}}).errors
    assert errors["person_id"] == ["Kehamilan hanya dapat dicatat untuk perempuan."]


def test_lmp_before_the_mothers_birth_is_an_error():
    data = with_("pregnancy", lmp_date="2024-12-20")
    errors = check("pregnancy", data, context={"person": {"birth_date": "2025-01-01"}}).errors
    assert "lmp_date" in errors


def test_diastolic_must_be_below_systolic():
    data = with_("anc_visit", systolic_bp=120, diastolic_bp=120)
    errors = check("anc_visit", data).errors
    assert errors["diastolic_bp"] == [
        "Tekanan darah diastolik (120 mmHg) harus lebih rendah dari sistolik (120 mmHg)."
    ]
    assert (
        "diastolic_bp"
        in check("adult_visit", with_("adult_visit", systolic_bp=90, diastolic_bp=95)).errors
    )
    assert check("anc_visit", with_("anc_visit", systolic_bp=120, diastolic_bp=119)).ok


def test_blood_pressure_comes_in_pairs():
    errors = check("anc_visit", with_("anc_visit", systolic_bp=120)).errors
    assert list(errors) == ["diastolic_bp"]
    errors = check("adult_visit", with_("adult_visit", diastolic_bp=80)).errors
    assert list(errors) == ["systolic_bp"]


def test_anc_visit_before_lmp_or_after_delivery_is_an_error():
    pregnancy = {"person_id": uid(1), "lmp_date": "2025-06-11"}
    errors = check("anc_visit", MINIMAL["anc_visit"], context={"pregnancy": pregnancy}).errors
    assert errors["visit_date"] == [
        "Tanggal kunjungan tidak boleh sebelum HPHT kehamilan ini (11 Juni 2025)."
    ]
    pregnancy = {"lmp_date": "2024-12-01", "delivery_date": "2025-06-01"}
    errors = check("anc_visit", MINIMAL["anc_visit"], context={"pregnancy": pregnancy}).errors
    assert "visit_date" in errors


def test_anc_visit_before_the_mothers_birth_is_an_error():
    context = {"person": {"birth_date": "2025-06-11"}, "pregnancy": {"lmp_date": "2024-12-01"}}
    assert "visit_date" in check("anc_visit", MINIMAL["anc_visit"], context=context).errors


def test_anc_visit_for_another_persons_pregnancy_is_an_error():
    context = {"pregnancy": {"person_id": uid(99)}}
    errors = check("anc_visit", MINIMAL["anc_visit"], context=context).errors
    assert errors["pregnancy_id"] == ["Kehamilan ini tercatat untuk orang lain."]


def test_adult_visit_needs_a_check():
    bare = {key: value for key, value in MINIMAL["adult_visit"].items() if key != "weight_kg"}
    assert list(check("adult_visit", bare).errors) == ["_schema"]
    skilas = dict.fromkeys(
        ("cognitive", "mobility", "malnutrition", "vision", "hearing", "depression"), False
    )
    assert check("adult_visit", {**bare, "skilas": skilas}).ok


def test_skilas_needs_six_booleans_and_nothing_else():
    data = with_("adult_visit", skilas={"cognitive": "ya", "colour": True})
    errors = check("adult_visit", data).errors["skilas"]
    assert (
        "SKILAS (skrining lansia sederhana): Penurunan kognitif harus diisi ya atau tidak "
        "(true atau false)." in errors
    )
    assert "SKILAS (skrining lansia sederhana): Kolom tidak dikenal: colour." in errors
    assert len(errors) == 7
    assert "skilas" in check("adult_visit", with_("adult_visit", skilas=[True])).errors


def test_adult_visit_before_birth_is_an_error():
    context = {"person": {"birth_date": "2025-06-11"}}
    assert "visit_date" in check("adult_visit", MINIMAL["adult_visit"], context=context).errors


# --- posyandu session and desa report --------------------------------------------------------


def test_more_kader_present_than_registered_is_an_error():
    data = with_("posyandu_session", kader_registered=5, kader_present=6)
    errors = check("posyandu_session", data).errors
    assert errors["kader_present"] == [
        "Kader hadir (6) tidak boleh lebih dari kader terdaftar (5)."
    ]
    assert check(
        "posyandu_session", with_("posyandu_session", kader_registered=5, kader_present=5)
    ).ok


def test_more_families_contributing_than_targeted_is_an_error():
    data = with_("posyandu_session", families_target=10, families_contributing=11)
    assert "families_contributing" in check("posyandu_session", data).errors


def test_odf_verification_date_needs_odf_status():
    data = with_("desa_report", odf_status="belum", odf_verified_on="2025-01-01")
    assert "odf_verified_on" in check("desa_report", data).errors


# --- lokmin ----------------------------------------------------------------------------------


def test_quarterly_lokmin_needs_a_quarter():
    data = with_("lokmin_meeting", kind="tribulanan_pertama")
    assert check("lokmin_meeting", data).errors == {
        "quarter": ["Triwulan wajib diisi untuk lokakarya mini tribulanan."]
    }


def test_held_meeting_needs_a_past_date():
    assert "meeting_date" in check("lokmin_meeting", with_("lokmin_meeting", status="held")).errors
    data = with_("lokmin_meeting", status="held", meeting_date="2025-07-02")
    assert "meeting_date" in check("lokmin_meeting", data).errors
    data = with_("lokmin_meeting", status="planned", meeting_date="2025-07-02")
    assert check("lokmin_meeting", data).ok


def test_attendance_rows_are_checked_one_by_one():
    rows = [{"name": "Danramil", "sector": "koramil"}, {"name": "", "sector": "tentara"}, "Camat"]
    errors = check("lokmin_meeting", with_("lokmin_meeting", attendance=rows)).errors
    assert errors["attendance"][0] == "Daftar hadir baris ke-2: Nama wajib diisi."
    assert errors["attendance"][1].startswith("Daftar hadir baris ke-2: Sektor harus salah satu")
    assert (
        errors["attendance"][2] == "Daftar hadir baris ke-3 harus berupa objek berisi kolom-kolom."
    )


def test_due_date_before_start_is_an_error():
    data = with_("lokmin_agreement", start_date="2025-07-01", due_date="2025-06-30")
    errors = check("lokmin_agreement", data).errors
    assert errors["due_date"] == [
        "Tenggat (30 Juni 2025) tidak boleh sebelum tanggal mulai (1 Juli 2025)."
    ]


def test_agreement_due_dates_may_be_in_the_future():
    data = with_("lokmin_agreement", start_date="2025-07-01", due_date="2025-12-31")
    assert check("lokmin_agreement", data).ok


def test_co_sectors_come_from_the_sector_list():
    data = with_("lokmin_agreement", co_sectors=["pkk", "pkk"])
    assert "co_sectors" in check("lokmin_agreement", data).errors
    data = with_("lokmin_agreement", co_sectors=["dprd"])
    assert "co_sectors" in check("lokmin_agreement", data).errors


# --- reference kinds -------------------------------------------------------------------------


def test_wilayah_id_is_its_code():
    data = with_("wilayah", id="62")
    assert check("wilayah", data).errors == {"id": ["ID harus sama dengan kode (61)."]}


def test_wilayah_code_length_follows_its_level():
    data = with_("wilayah", id="6111", code="6111", level="kecamatan", parent_code="61")
    errors = check("wilayah", data).errors
    assert errors == {"code": ["Kode untuk tingkat Kecamatan harus 6 angka."]}


def test_wilayah_parent_is_the_start_of_its_code():
    data = with_("wilayah", FULL["wilayah"], parent_code="611102")
    assert check("wilayah", data).errors == {
        "parent_code": ["Kode induk harus 611101, yaitu awal kode wilayah ini."]
    }
    data = with_("wilayah", FULL["wilayah"], parent_code=None)
    assert "parent_code" in check("wilayah", data).errors
    assert "parent_code" in check("wilayah", with_("wilayah", parent_code="61")).errors


def test_desa_kind_matches_the_code_and_only_desa_have_one():
    data = with_("wilayah", FULL["wilayah"], kind="kelurahan")
    errors = check("wilayah", data, lang="en").errors
    assert errors == {
        "kind": [
            "The village type does not match code 6111012001: its 7th digit means Village (desa)."
        ]
    }
    assert "kind" in check("wilayah", with_("wilayah", kind="desa")).errors
    assert "kind" in check("wilayah", with_("wilayah", FULL["wilayah"], kind=None)).errors


def test_facility_id_is_its_code():
    assert "id" in check("facility", with_("facility", id=PSY)).errors


def test_posyandu_facility_needs_a_desa():
    data = with_("facility", FULL["facility"], desa_code=None)
    assert "desa_code" in check("facility", data).errors


def test_only_puskesmas_have_a_catchment_and_only_posyandu_a_stratum():
    data = with_("facility", FULL["facility"], wilayah_kerja=["6111012001"])
    assert "wilayah_kerja" in check("facility", data).errors
    data = with_("facility", strata="mandiri")
    assert "strata" in check("facility", data).errors
    data = with_("facility", wilayah_kerja=["6111012001", "6111022001"])
    assert check("facility", data).ok


def test_facility_desa_must_lie_in_its_kecamatan():
    data = with_("facility", FULL["facility"], kecamatan_code="611102")
    assert "desa_code" in check("facility", data).errors


def test_facility_cannot_be_its_own_parent():
    assert "parent_id" in check("facility", with_("facility", parent_id=PKM)).errors


def test_every_broken_rule_is_reported_at_once():
    data = with_(
        "posyandu_session",
        kader_registered=5,
        kader_present=6,
        families_target=1,
        families_contributing=2,
        nakes_present=-1,
    )
    assert set(check("posyandu_session", data).errors) == {
        "kader_present",
        "families_contributing",
        "nakes_present",
    }
