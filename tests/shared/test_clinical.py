"""Clinical helpers: HPL, gestational age, trimester, BBLR and referral alerts.

Every expected date was counted by hand; every alert is tried exactly at its threshold and just
past it.
"""

from datetime import date

import pytest

from shared import clinical, i18n
from shared.clinical.thresholds import load_thresholds, thresholds


def codes(alerts):
    return [alert.code for alert in alerts]


# --- pregnancy dating -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hpht", "expected"),
    [
        (date(2025, 1, 1), date(2025, 10, 8)),  # 273 days to 10-01, + 7
        (date(2024, 2, 29), date(2024, 12, 5)),  # leap day; calendar Naegele says 12-06
        (date(2023, 6, 15), date(2024, 3, 21)),  # across 29 Feb 2024; calendar says 03-22
        (date(2023, 5, 10), date(2024, 2, 14)),  # calendar Naegele (+9 mo +7 d) says 02-17
    ],
)
def test_hpl_is_hpht_plus_280_days(hpht, expected):
    assert clinical.hpl(hpht) == expected


def test_hpl_accepts_iso_strings():
    assert clinical.hpl("2024-02-29") == date(2024, 12, 5)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 2, 29), (0, 0)),
        (date(2024, 6, 1), (13, 2)),  # 29 + 31 + 30 + 3 = 93 days
        (date(2024, 12, 5), (40, 0)),  # the HPL
    ],
)
def test_gestational_age_in_weeks_and_days(on, expected):
    assert clinical.gestational_age(date(2024, 2, 29), on) == expected


def test_gestational_age_before_the_hpht_is_refused():
    with pytest.raises(ValueError):
        clinical.gestational_age(date(2024, 2, 29), date(2024, 2, 28))


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 1, 1), 1),
        (date(2025, 4, 1), 1),  # 90 days = 12 weeks 6 days
        (date(2025, 4, 2), 2),  # 91 days = 13 weeks
        (date(2025, 6, 24), 2),  # 174 days = 24 weeks 6 days
        (date(2025, 6, 25), 3),  # 175 days = 25 weeks
    ],
)
def test_trimester_boundaries(on, expected):
    assert clinical.trimester(date(2025, 1, 1), on) == expected


@pytest.mark.parametrize(("weight", "expected"), [(2.5, False), (2.49, True), (1.2, True)])
def test_bblr_is_below_2_5_kg(weight, expected):
    assert clinical.is_bblr(weight) is expected


# --- pregnancy alerts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit", "expected"),
    [
        ({"muac_cm": 23.5}, []),
        ({"muac_cm": 23.4}, ["kek"]),
        ({"hb_g_dl": 11.0}, []),
        ({"hb_g_dl": 10.9}, ["anaemia"]),
        ({"systolic_bp": 139, "diastolic_bp": 89}, []),
        ({"systolic_bp": 140, "diastolic_bp": 80}, ["hypertension"]),
        ({"systolic_bp": 120, "diastolic_bp": 90}, ["hypertension"]),
        ({"systolic_bp": 160, "diastolic_bp": 100}, ["hypertension"]),  # raised once
        ({"height_cm": 145.0}, []),
        ({"height_cm": 144.9}, ["short_stature"]),
        ({"muac_cm": 22.0, "hb_g_dl": 9.0}, ["kek", "anaemia"]),
        ({}, []),
    ],
)
def test_pregnancy_alerts_at_and_past_each_threshold(visit, expected):
    assert codes(clinical.pregnancy_alerts(visit)) == expected


def test_pregnancy_height_may_come_from_the_pregnancy_record():
    alerts = clinical.pregnancy_alerts({"visit_date": "2025-03-01"}, {"height_cm": 140})
    assert codes(alerts) == ["short_stature"]


# --- adult and lansia alerts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit", "sex", "expected"),
    [
        ({"blood_glucose_mg_dl": 199}, "F", []),
        ({"blood_glucose_mg_dl": 200}, "F", ["gds_high"]),
        ({"systolic_bp": 139, "diastolic_bp": 89}, "M", []),
        ({"systolic_bp": 140, "diastolic_bp": 70}, "M", ["hypertension"]),
        ({"systolic_bp": 110, "diastolic_bp": 90}, "M", ["hypertension"]),
        ({"waist_cm": 90.0}, "M", []),
        ({"waist_cm": 90.1}, "M", ["central_obesity"]),
        ({"waist_cm": 90.1}, "L", ["central_obesity"]),  # laki-laki
        ({"waist_cm": 80.0}, "F", []),
        ({"waist_cm": 80.1}, "F", ["central_obesity"]),
        ({"waist_cm": 80.1}, "P", ["central_obesity"]),  # perempuan
        ({"waist_cm": 85.0}, "M", []),
        ({"waist_cm": 120.0}, None, []),  # the limit depends on sex: no sex, no judgement
    ],
)
def test_adult_alerts_at_and_past_each_threshold(visit, sex, expected):
    assert codes(clinical.adult_alerts(visit, sex=sex)) == expected


@pytest.mark.parametrize(
    ("now", "expected_pct", "expected"),
    [
        (57.0, 5.0, []),  # 3 kg of 60 kg = exactly 5 %
        (56.9, 5.17, ["weight_loss"]),  # 3.1 / 60 = 5.1666... %
        (61.0, -1.67, []),  # gained
    ],
)
def test_weight_loss_over_5_percent_since_the_last_visit(now, expected_pct, expected):
    visit, previous = {"weight_kg": now}, {"weight_kg": 60.0}
    assert clinical.weight_loss_pct(visit, previous) == expected_pct
    assert codes(clinical.adult_alerts(visit, previous, sex="F")) == expected


def test_no_weight_loss_without_a_previous_weight():
    assert clinical.weight_loss_pct({"weight_kg": 50}, None) is None
    assert clinical.weight_loss_pct({"weight_kg": 50}, {"weight_kg": None}) is None


def test_each_positive_skilas_domain_is_an_alert():
    skilas = dict.fromkeys(clinical.SKILAS_DOMAINS, False) | {"vision": True, "depression": True}
    visit = {"blood_glucose_mg_dl": 250, "skilas": skilas}
    assert codes(clinical.adult_alerts(visit, sex="F")) == [
        "gds_high",
        "skilas_vision",
        "skilas_depression",
    ]
    assert clinical.adult_alerts({"skilas": dict.fromkeys(clinical.SKILAS_DOMAINS, False)}) == []


def test_an_unknown_sex_is_refused():
    with pytest.raises(ValueError):
        clinical.adult_alerts({"waist_cm": 100}, sex="X")


# --- usia sekolah and remaja ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit", "sex", "age", "expected"),
    [
        ({"hb_g_dl": 12.0}, "F", 13, []),
        ({"hb_g_dl": 11.9}, "F", 13, ["anaemia"]),
        ({"hb_g_dl": 11.9}, "M", 13, ["anaemia"]),
        ({"hb_g_dl": 13.0}, "M", 16, []),
        ({"hb_g_dl": 12.9}, "M", 16, ["anaemia"]),
        ({"hb_g_dl": 11.5}, "F", 8, []),
        ({"hb_g_dl": 11.4}, "F", 8, ["anaemia"]),
        ({"muac_cm": 23.5}, "F", 15, []),
        ({"muac_cm": 23.4}, "F", 15, ["kek"]),
        ({"muac_cm": 23.4}, "M", 15, []),  # LiLA is screened in remaja putri only
        ({"baz": -2.0}, "M", 12, []),
        ({"baz": -2.01}, "M", 12, ["thinness"]),
        ({"baz": 2.0}, "F", 12, []),
        ({"baz": 2.01}, "F", 12, ["obesity"]),
    ],
)
def test_youth_alerts_at_and_past_each_threshold(visit, sex, age, expected):
    assert codes(clinical.youth_alerts(visit, sex, age)) == expected


def test_bmi_for_age_at_the_who_2007_median_is_zero():
    # girl of exactly 160 months (4870 days = 160 x 30.4375); WHO 2007 girls 160 mo: M = 19.0642,
    # so 150 cm and 19.0642 x 1.5^2 = 42.89445 kg is BMI = M, z = 0
    assert clinical.bmi_for_age("F", "2010-01-01", "2023-05-03", 42.89445, 150) == (
        0.0,
        "Gizi baik",
    )


# --- the table and its messages -------------------------------------------------------------


def test_every_threshold_row_names_its_source_and_has_a_message():
    for row in load_thresholds():
        assert row.source, row
        assert i18n.has(f"clinical.alert.{row.alert}"), row.alert
        assert i18n.has(f"clinical.measure.{row.measure}"), row.measure
    for domain in clinical.SKILAS_DOMAINS:
        assert i18n.has(f"clinical.alert.skilas_{domain}")
    assert not [key for key, _ in i18n.incomplete() if key.startswith("clinical.")]


def test_thresholds_are_taken_from_the_version_in_force():
    assert thresholds("adult", date(2025, 1, 1)) == thresholds("adult")
    assert thresholds("adult", date(2000, 1, 1)) == thresholds("adult")  # oldest version
    with pytest.raises(KeyError):
        thresholds("no-such-group")


def test_a_threshold_row_with_an_unknown_operator_is_refused(tmp_path):
    path = tmp_path / "thresholds.csv"
    path.write_text(
        "valid_from,group,alert,measure,sex,min_age_years,max_age_years,operator,value,unit,source\n"
        "2023-01-01,adult,gds_high,blood_glucose_mg_dl,,,,=>,200,mg/dL,test\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError):
        load_thresholds(path)


def test_describe_reads_the_alert_with_its_finding():
    (alert,) = clinical.pregnancy_alerts({"hb_g_dl": 10.5})
    assert clinical.describe(alert, "id") == (
        "Anemia: Hb di bawah batas. Rujuk ke puskesmas. (Hb 10,5 g/dL, batas < 11 g/dL)"
    )
    assert clinical.describe(alert, "en") == (
        "Anaemia: haemoglobin below the limit. Refer to the puskesmas. "
        "(Haemoglobin 10.5 g/dL, limit < 11 g/dL)"
    )
    (skilas,) = clinical.skilas_alerts({"hearing": True})
    assert clinical.describe(skilas, "en") == "SKILAS: impaired hearing. Refer to the puskesmas."
