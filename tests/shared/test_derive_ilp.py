"""Derived values of the ILP kinds on hand-checked cases: KF, anaemia, IMT/U, TB, dose status."""

from datetime import date

import pytest

from shared.clinical import bmi_for_age
from shared.derive import (
    age_years,
    derive_immunizations,
    derive_person_records,
    derive_postpartum_visit,
    derive_tb_screening,
    derive_youth_visit,
    immunisation_events,
)
from shared.records import ilp_tables

# --- KF windows (kf_windows.csv: KF1 days 0-2, KF2 3-7, KF3 8-28, KF4 29-42) -------------------


@pytest.mark.parametrize(
    ("visit_date", "days", "kf"),
    [
        ("2025-06-01", 0, "KF1"),  # delivery day (6 hours after)
        ("2025-06-03", 2, "KF1"),
        ("2025-06-04", 3, "KF2"),
        ("2025-06-08", 7, "KF2"),
        ("2025-06-09", 8, "KF3"),
        ("2025-06-29", 28, "KF3"),
        ("2025-06-30", 29, "KF4"),
        ("2025-07-13", 42, "KF4"),
        ("2025-07-14", 43, None),  # nifas is over
        ("2025-05-31", None, None),  # before delivery
    ],
)
def test_kf_by_days_after_delivery(visit_date, days, kf):
    derived = derive_postpartum_visit({"visit_date": visit_date}, {"delivery_date": "2025-06-01"})
    assert derived == {"days_after_delivery": days, "kf": kf}


def test_kf_without_a_delivery_date_is_unknown():
    assert derive_postpartum_visit({"visit_date": "2025-06-03"}, {}) == {
        "days_after_delivery": None,
        "kf": None,
    }
    assert derive_postpartum_visit({"visit_date": "2025-06-03"}, None)["kf"] is None


def test_kf_table_is_versioned_with_sources():
    windows = ilp_tables.kf_windows(date(2025, 6, 1))
    assert [(w.visit, w.first_day, w.last_day) for w in windows] == [
        ("KF1", 0, 2),
        ("KF2", 3, 7),
        ("KF3", 8, 28),
        ("KF4", 29, 42),
    ]
    assert all(w.source for w in windows)
    assert ilp_tables.nifas_days() == 42


# --- youth visit: anaemia by age and sex (clinical thresholds), IMT and IMT/U -------------------


@pytest.mark.parametrize(
    ("sex", "birth", "hb", "anaemia"),
    [
        ("F", "2012-01-20", 11.9, True),  # girl 13 y: Hb < 12
        ("F", "2012-01-20", 12.0, False),
        ("M", "2010-01-20", 12.9, True),  # boy 15 y: Hb < 13
        ("M", "2010-01-20", 13.0, False),
        ("M", "2012-01-20", 12.5, False),  # boy 13 y: Hb < 12
        ("M", "2012-01-20", 11.9, True),
        ("F", "2017-01-20", 11.4, True),  # child 8 y: Hb < 11.5
        ("F", "2017-01-20", 11.5, False),
    ],
)
def test_youth_anaemia_cut_offs(sex, birth, hb, anaemia):
    visit = {"visit_date": "2025-06-10", "hb_g_dl": hb}
    derived = derive_youth_visit(visit, {"birth_date": birth, "sex": sex})
    assert derived["anaemia"] is anaemia
    assert ("anaemia" in derived["alerts"]) is anaemia


def test_youth_imt_and_imt_for_age():
    girl = {"birth_date": "2012-01-20", "sex": "F"}
    visit = {"visit_date": "2025-06-10", "weight_kg": 40.0, "height_cm": 150.0}
    derived = derive_youth_visit(visit, girl)
    assert derived["bmi"] == 17.8  # 40 / 1.5² = 17.78
    assert derived["age_months"] == 160  # 4890 days / 30.4375
    assert (derived["baz"], derived["baz_category"]) == bmi_for_age(
        "F", "2012-01-20", "2025-06-10", 40.0, 150.0
    )
    assert -2 < derived["baz"] < 0 and derived["anaemia"] is None and derived["alerts"] == []
    thin = derive_youth_visit({**visit, "weight_kg": 28.0}, girl)  # IMT 12.4
    assert thin["baz"] < -2 and thin["alerts"] == ["thinness"]
    obese = derive_youth_visit({**visit, "weight_kg": 75.0}, girl)  # IMT 33.3
    assert obese["baz"] > 2 and obese["alerts"] == ["obesity"]
    kek = derive_youth_visit({"visit_date": "2025-06-10", "muac_cm": 22.0}, girl)
    assert kek["alerts"] == ["kek"] and kek["bmi"] is None


def test_youth_without_the_person_keeps_only_the_imt():
    derived = derive_youth_visit(
        {"visit_date": "2025-06-10", "weight_kg": 40.0, "height_cm": 150.0, "hb_g_dl": 9.0}, None
    )
    assert derived == {
        "age_months": None,
        "bmi": 17.8,
        "baz": None,
        "baz_category": None,
        "anaemia": None,
        "alerts": [],
    }


def test_age_in_completed_years():
    assert age_years("2012-06-10", "2025-06-09") == 12
    assert age_years("2012-06-10", "2025-06-10") == 13
    assert age_years("2025-06-10", "2025-06-09") is None
    assert age_years(None, "2025-06-09") is None


# --- TB screening (tb_symptoms.csv) ------------------------------------------------------------

ADULT = {"birth_date": "1980-01-01"}
TODDLER = {"birth_date": "2022-06-01"}  # 3 years on 2025-06-10


@pytest.mark.parametrize(
    ("symptoms", "person", "suspect", "refer"),
    [
        ([], ADULT, False, False),
        (["cough_2_weeks"], ADULT, True, True),  # main symptom
        (["blood_in_sputum"], ADULT, True, True),
        (["fever"], ADULT, False, False),  # one additional symptom
        (["fever", "night_sweats"], ADULT, True, True),  # two additional symptoms
        (["cough"], ADULT, False, False),
        (["tb_contact"], ADULT, False, False),  # contact without symptoms, adult
        (["tb_contact"], TODDLER, False, True),  # contact under 5: refer (preventive treatment)
        (["tb_contact", "cough"], ADULT, True, True),  # contact with a symptom
        (["tb_contact"], None, False, False),  # age unknown
    ],
)
def test_tb_suspect_and_referral(symptoms, person, suspect, refer):
    screening = {"visit_date": "2025-06-10", "symptoms": symptoms}
    assert derive_tb_screening(screening, person) == {
        "suspect": suspect,
        "referral_needed": refer,
    }


# --- immunisation dose status (shared.immunisation.check_dose) ---------------------------------

CHILD = {"id": "c", "birth_date": "2024-03-10", "sex": "F"}  # schedule version 2023-08-15


def dose(record_id, antigen, given_on):
    return ("immunization", {"id": record_id, "antigen": antigen, "given_on": given_on})


@pytest.mark.parametrize(
    ("doses", "record_id", "status", "reason", "number", "age"),
    [
        ([dose("a", "HB0", "2024-03-10")], "a", "given", None, 0, 0),
        ([dose("a", "HB0", "2024-03-13")], "a", "invalid", "birth_dose_window", 0, 3),
        ([dose("a", "BCG", "2024-03-10")], "a", "given", None, 1, 0),
        ([dose("a", "BCG", "2024-05-20")], "a", "given_late", None, 1, 71),  # latest day 60
        ([dose("a", "DPT_HB_HIB1", "2024-05-10")], "a", "given", None, 1, 61),
        ([dose("a", "DPT_HB_HIB1", "2024-04-10")], "a", "invalid", "below_minimum_age", 1, 31),
        (
            [dose("a", "DPT_HB_HIB1", "2024-05-10"), dose("b", "DPT_HB_HIB2", "2024-05-20")],
            "b",
            "invalid",
            "interval_too_short",  # 10 days after dose 1, at least 28
            2,
            71,
        ),
        (
            [dose("a", "DPT_HB_HIB1", "2024-05-10"), dose("b", "DPT_HB_HIB2", "2024-07-20")],
            "b",
            "given_late",  # day 132, on time up to day 121
            None,
            2,
            132,
        ),
        ([dose("b", "DPT_HB_HIB3", "2024-07-20")], "b", "invalid", "previous_dose_missing", 3, 132),
        (
            [dose("a", "MR1", "2024-12-10"), dose("b", "MR1", "2025-01-10")],
            "b",
            "invalid",
            "already_given",
            1,
            306,
        ),
    ],
)
def test_dose_status(doses, record_id, status, reason, number, age):
    derived = derive_immunizations(CHILD, doses)[record_id]
    assert derived == {
        "dose": number,
        "age_days": age,
        "status": status,
        "reason": None if reason is None else f"immunisation.reason.{reason}",
    }


def test_dose_status_does_not_depend_on_entry_order():
    later = [dose("b", "DPT_HB_HIB2", "2024-06-10")]
    assert derive_immunizations(CHILD, later)["b"]["reason"] == (
        "immunisation.reason.previous_dose_missing"
    )
    both = [*later, dose("a", "DPT_HB_HIB1", "2024-05-10")]  # dose 1 entered afterwards
    assert derive_immunizations(CHILD, both)["b"]["status"] == "given"
    assert derive_immunizations(CHILD, list(reversed(both))) == derive_immunizations(CHILD, both)


def test_two_records_of_one_dose_on_one_day_the_second_is_already_given():
    doses = [dose("y", "BCG", "2024-03-10"), dose("x", "BCG", "2024-03-10")]
    derived = derive_immunizations(CHILD, doses)
    assert derived["x"]["status"] == "given"
    assert derived["y"]["reason"] == "immunisation.reason.already_given"


def test_old_visit_antigen_lists_count_as_doses():
    visit = (
        "child_visit",
        {"id": "v", "visit_date": "2024-05-10", "immunizations": ["DPT_HB_HIB1"]},
    )
    later = dose("b", "DPT_HB_HIB2", "2024-06-10")
    assert derive_immunizations(CHILD, [visit, later])["b"]["status"] == "given"
    # A record of the same dose on the visit's day is that dose, not a second one.
    same = dose("a", "DPT_HB_HIB1", "2024-05-10")
    assert derive_immunizations(CHILD, [visit, same])["a"]["status"] == "given"
    events = immunisation_events([visit, same, later])
    assert [(e.code, e.given_on.isoformat(), e.source) for e in events] == [
        ("DPT_HB_HIB1", "2024-05-10", "immunization"),
        ("DPT_HB_HIB2", "2024-06-10", "immunization"),
    ]
    lone = immunisation_events(
        [("child_visit", {"visit_date": "2024-03-10", "immunizations": ["HB0", "BCG"]})]
    )
    assert [(e.code, e.record_id, e.source) for e in lone] == [
        ("BCG", None, "child_visit"),
        ("HB0", None, "child_visit"),
    ]


def test_dose_status_without_a_birth_date_is_unknown():
    assert derive_immunizations(None, [dose("a", "BCG", "2024-03-10")])["a"] == {
        "dose": None,
        "age_days": None,
        "status": None,
        "reason": None,
    }
    before_birth = derive_immunizations(CHILD, [dose("a", "BCG", "2024-03-01")])["a"]
    assert before_birth["status"] is None


def test_derive_person_records_covers_every_ilp_kind():
    mother = {"id": "m", "birth_date": "2009-01-01", "sex": "F"}  # 16 y on 2025-06-10
    rows = [
        ("pregnancy", {"id": "p", "person_id": "m", "delivery_date": "2025-06-01"}),
        ("pregnancy", {"id": "q", "person_id": "other", "delivery_date": "2025-06-01"}),
        (
            "postpartum_visit",
            {"id": "k", "person_id": "m", "pregnancy_id": "p", "visit_date": "2025-06-05"},
        ),
        (
            "postpartum_visit",
            {"id": "l", "person_id": "m", "pregnancy_id": "q", "visit_date": "2025-06-05"},
        ),
        ("youth_visit", {"id": "y", "person_id": "m", "visit_date": "2025-06-10", "hb_g_dl": 10.0}),
        (
            "tb_screening",
            {
                "id": "t",
                "person_id": "m",
                "visit_date": "2025-06-10",
                "symptoms": ["cough_2_weeks"],
            },
        ),
        ("adult_visit", {"id": "a", "person_id": "m", "visit_date": "2025-06-10"}),
    ]
    derived = derive_person_records(mother, rows)
    assert set(derived) == {"k", "l", "y", "t"}
    assert derived["k"]["kf"] == "KF2"
    assert derived["l"]["kf"] is None  # another person's pregnancy
    assert derived["y"]["anaemia"] is True
    assert derived["t"] == {"suspect": True, "referral_needed": True}
