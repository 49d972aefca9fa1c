"""Derived values computed alike on device and server."""

from shared.derive import bmi_category, derive_adult_visit, derive_anc_visit, derive_child_visits

BOY = {"id": "p1", "sex": "M", "birth_date": "2025-01-01"}


def visit(vid, when, kg, **extra):
    return {"id": vid, "person_id": "p1", "visit_date": when, "weight_kg": kg, **extra}


def test_child_visits_get_z_scores_and_monthly_growth_status():
    # 2026-01-01 is day 365: WAZ of a 10.0 kg boy is +0.33 (BRIEF 2.3 vector).
    derived = derive_child_visits(
        BOY, [visit("v1", "2026-01-01", 10.0), visit("v2", "2026-02-01", 10.3)]
    )
    assert derived["v1"]["waz"] == 0.33 and derived["v1"]["age_days"] == 365
    assert derived["v1"]["growth_status"] == "B"
    # 13 completed months: KBM 200 g; +300 g -> N
    assert derived["v2"]["growth_status"] == "N" and derived["v2"]["growth_gain_g"] == 300


def test_only_the_last_weighing_of_a_month_carries_the_month_status():
    derived = derive_child_visits(
        BOY, [visit("a", "2026-01-03", 10.0), visit("b", "2026-01-20", 10.1)]
    )
    assert derived["a"]["growth_status"] is None
    assert derived["b"]["growth_status"] == "B"


def test_oedema_counts_as_bgm_without_weight_based_z():
    derived = derive_child_visits(BOY, [visit("v", "2026-01-01", 10.0, oedema=True)])
    assert derived["v"]["waz"] is None and derived["v"]["bgm"] is True


def test_anc_visit_kek_below_23_5_cm():
    assert derive_anc_visit(
        {"muac_cm": 23.4, "visit_date": "2026-03-01"}, {"lmp_date": "2026-01-01"}
    ) == {"kek": True, "gestational_age_weeks": 8}
    assert derive_anc_visit({"muac_cm": 23.5})["kek"] is False


def test_adult_bmi_and_categories():
    out = derive_adult_visit(
        {"weight_kg": 70.0, "height_cm": 160.0, "systolic_bp": 145, "diastolic_bp": 85}
    )
    assert out == {"bmi": 27.3, "bmi_category": "gemuk_berat", "hypertension": True}
    # Boundaries from BRIEF 2.5 (Depkes): <17.0 | 17.0-18.4 | 18.5-25.0 | 25.1-27.0 | >27.0
    assert [bmi_category(b) for b in (16.9, 17.0, 18.4, 18.5, 25.0, 25.1, 27.0, 27.1)] == [
        "kurus_berat",
        "kurus_ringan",
        "kurus_ringan",
        "normal",
        "normal",
        "gemuk_ringan",
        "gemuk_ringan",
        "gemuk_berat",
    ]


def test_derived_since_a_month_equal_the_whole_history_from_that_month_on():
    # Months with several weighings, gaps, unweighed visits: a month's values read only that
    # month and earlier ones, so deriving from ``since`` on gives the same values there.
    import random

    rng = random.Random(5)
    for _ in range(40):
        visits = []
        for n in range(rng.randint(1, 14)):
            day = f"2025-{rng.randint(2, 12):02d}-{rng.randint(1, 28):02d}"
            kg = rng.choice([None, round(rng.uniform(3, 12), 1)])
            visits.append(visit(f"v{n}", day, kg))
        whole = derive_child_visits(BOY, visits)
        for month in range(1, 14):
            since = (2025, month) if month <= 12 else (2026, 1)
            part = derive_child_visits(BOY, visits, since=since)
            expected = {
                v["id"]: whole[v["id"]]
                for v in visits
                if (2025, int(v["visit_date"][5:7])) >= since
            }
            assert part == expected
