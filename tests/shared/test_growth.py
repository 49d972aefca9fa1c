"""Z-scores, table choice, flags and categories of ``shared.growth.assess`` (BRIEF §2).

Expected values are either the BRIEF §2.3 reference vectors or recomputed here from the raw WHO
rows with the formulas written out below, independently of the package's loader and formula.
"""

import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from shared.growth import assess, who_curves
from shared.growth.categories import category

DATA = Path(__file__).resolve().parents[2] / "shared" / "growth" / "data"
BIRTH = date(2020, 1, 1)


def on_day(age_days):
    """Return the date a child born on BIRTH is ``age_days`` old."""
    return BIRTH + timedelta(days=age_days)


def lms_row(filename, sex, key):
    """Return (L, M, S) for sex 'M'/'F' and age or length ``key``, read from the raw WHO file."""
    sex_code = "1" if sex == "M" else "2"
    for line in (DATA / filename).read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if cells[0] == sex_code and abs(float(cells[1]) - float(key)) < 1e-6:
            return float(cells[2]), float(cells[3]), float(cells[4])
    raise LookupError(f"no row {sex} {key} in {filename}")


def z(y, row):
    """Plain LMS z: ((y/M)^L - 1) / (L S), or ln(y/M)/S when L = 0."""
    L, M, S = row
    return math.log(y / M) / S if L == 0 else ((y / M) ** L - 1) / (L * S)


def sd(k, row):
    """The measurement k SD from the median: M (1 + L S k)^(1/L)."""
    L, M, S = row
    return M * (1 + L * S * k) ** (1 / L)


def restricted(y, row):
    """WHO restricted application beyond ±3 SD."""
    plain = z(y, row)
    if plain > 3:
        return 3 + (y - sd(3, row)) / (sd(3, row) - sd(2, row))
    if plain < -3:
        return -3 + (y - sd(-3, row)) / (sd(-2, row) - sd(-3, row))
    return plain


def mix(low, high, fraction):
    """Interpolate two LMS rows linearly."""
    return tuple(a + fraction * (b - a) for a, b in zip(low, high, strict=True))


# --- BRIEF §2.3 reference vectors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "age", "kwargs", "index", "expected"),
    [
        ("M", 365, {"weight_kg": 10.0}, "waz", 0.33),
        ("M", 365, {"length_cm": 70.0, "position": "lying"}, "lhaz", -2.42),
        ("M", 365, {"weight_kg": 8.0, "length_cm": 70.0}, "wlhz", -0.63),
        ("F", 1000, {"weight_kg": 12.0, "length_cm": 90.0, "position": "standing"}, "wlhz", -0.59),
        ("F", 1000, {"weight_kg": 12.0, "length_cm": 90.7, "position": "lying"}, "wlhz", -0.59),
        ("M", 365, {"weight_kg": 16.0 * 0.7**2, "length_cm": 70.0}, "baz", -0.61),  # BMI 16.0
        ("M", 365, {"head_cm": 45.0}, "hcz", -0.83),
        ("F", 400, {"muac_cm": 12.0}, "acz", -2.12),
        ("M", 16, {"weight_kg": 7.853}, "waz", 6.06),
    ],
)
def test_brief_reference_vectors(sex, age, kwargs, index, expected):
    assert getattr(assess(sex, BIRTH, on_day(age), **kwargs), index) == expected


def test_weight_far_above_plus_3_uses_restricted_formula_not_raw_lms():
    result = assess("M", BIRTH, on_day(16), weight_kg=7.853)
    raw = z(7.853, lms_row("who_weianthro.txt", "M", 16))
    assert round(raw, 2) == 5.59  # what an unrestricted implementation reports
    assert result.waz == 6.06
    assert "implausible_waz" in result.flags


def test_measured_lying_after_two_years_is_converted_to_height():
    result = assess("F", BIRTH, on_day(1000), weight_kg=12.0, length_cm=90.7, position="lying")
    assert result.lenhei_cm == 90.0
    assert "position_adjusted" in result.flags
    assert result.wlh_table == "height"


# --- hand-derived vectors: medians, SD lines, restriction -----------------------------------------


@pytest.mark.parametrize("age", [0, 730, 731, 1826])
@pytest.mark.parametrize("sex", ["M", "F"])
def test_weight_at_the_table_median_scores_zero(sex, age):
    median = lms_row("who_weianthro.txt", sex, age)[1]
    assert assess(sex, BIRTH, on_day(age), weight_kg=median).waz == 0.0


@pytest.mark.parametrize("age", [0, 730, 731, 1826])
def test_length_at_minus_two_sd_of_the_day_row_scores_minus_two(age):
    row = lms_row("who_lenanthro.txt", "F", age)
    result = assess("F", BIRTH, on_day(age), length_cm=sd(-2, row))
    assert result.lhaz == -2.0
    assert result.categories["lhaz"] == "Normal"  # -2 <= z <= +3


def test_length_tables_switch_from_lying_to_standing_at_day_731():
    lying_730 = lms_row("who_lenanthro.txt", "M", 730)
    standing_731 = lms_row("who_lenanthro.txt", "M", 731)
    assert assess("M", BIRTH, on_day(730), length_cm=lying_730[1]).lhaz == 0.0
    assert assess("M", BIRTH, on_day(731), length_cm=standing_731[1]).lhaz == 0.0
    # the same 87.5 cm scores higher once the (shorter) standing-height table applies
    at_730 = assess("M", BIRTH, on_day(730), length_cm=87.5).lhaz
    at_731 = assess("M", BIRTH, on_day(731), length_cm=87.5).lhaz
    assert at_730 == round(z(87.5, lying_730), 2)
    assert at_731 == round(z(87.5, standing_731), 2)
    assert at_731 > at_730


def test_weight_below_minus_three_sd_is_restricted():
    row = lms_row("who_weianthro.txt", "F", 200)
    weight = sd(-3, row) - 0.5 * (sd(-2, row) - sd(-3, row))
    result = assess("F", BIRTH, on_day(200), weight_kg=weight)
    assert result.waz == -3.5
    assert round(z(weight, row), 2) != -3.5
    assert result.categories["waz"] == "Berat badan sangat kurang"


def test_length_below_minus_three_sd_is_not_restricted():
    row = lms_row("who_lenanthro.txt", "M", 500)
    assert assess("M", BIRTH, on_day(500), length_cm=sd(-4, row)).lhaz == -4.0


def test_head_circumference_above_plus_three_sd_is_not_restricted():
    row = lms_row("who_hcanthro.txt", "M", 300)
    result = assess("M", BIRTH, on_day(300), head_cm=sd(4, row))
    assert result.hcz == 4.0
    assert not result.implausible


def test_arm_circumference_above_plus_three_sd_is_restricted():
    row = lms_row("who_acanthro.txt", "F", 600)
    muac = sd(3, row) + 0.25 * (sd(3, row) - sd(2, row))
    result = assess("F", BIRTH, on_day(600), muac_cm=muac)
    assert result.acz == 3.25
    assert result.acz != round(z(muac, row), 2)


def test_bmi_above_plus_three_sd_is_restricted_and_uses_the_adjusted_length():
    row = lms_row("who_bmianthro.txt", "M", 400)
    bmi = sd(3, row) + 0.4 * (sd(3, row) - sd(2, row))
    # measured standing at 400 days: the tables expect length = 74.3 + 0.7 = 75.0 cm
    weight = bmi * 0.75**2
    result = assess("M", BIRTH, on_day(400), weight_kg=weight, length_cm=74.3, position="standing")
    assert result.lenhei_cm == 75.0
    assert result.baz == 3.4
    assert result.categories["baz"] == "Obesitas"


def test_bmi_uses_the_height_table_from_day_731():
    height_row = lms_row("who_bmianthro.txt", "F", 731)
    weight = height_row[1] * 0.85**2
    assert assess("F", BIRTH, on_day(731), weight_kg=weight, length_cm=85.0).baz == 0.0


def test_arm_circumference_is_undefined_before_day_91():
    early = assess("M", BIRTH, on_day(90), muac_cm=11.0)
    assert early.acz is None
    assert "out_of_range_acz" in early.flags
    row = lms_row("who_acanthro.txt", "M", 91)
    assert assess("M", BIRTH, on_day(91), muac_cm=row[1]).acz == 0.0


# --- weight-for-length / weight-for-height -------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "position", "cm", "table_file"),
    [
        (100, "lying", 45.0, "who_wflanthro.txt"),
        (100, "lying", 110.0, "who_wflanthro.txt"),
        (800, "standing", 65.0, "who_wfhanthro.txt"),
        (800, "standing", 120.0, "who_wfhanthro.txt"),
    ],
)
def test_weight_for_lenhei_is_defined_at_the_table_edges(age, position, cm, table_file):
    row = lms_row(table_file, "M", cm)
    weight = sd(-1, row)
    result = assess("M", BIRTH, on_day(age), weight_kg=weight, length_cm=cm, position=position)
    assert result.wlhz == -1.0
    assert "out_of_range_wlhz" not in result.flags


@pytest.mark.parametrize(
    ("age", "position", "cm"),
    [
        (100, "lying", 44.9),
        (100, "lying", 110.1),
        (800, "standing", 64.9),
        (800, "standing", 120.1),
        (800, "lying", 65.6),  # 65.6 − 0.7 = 64.9 cm standing height
    ],
)
def test_weight_for_lenhei_outside_the_table_is_none_and_flagged(age, position, cm):
    result = assess("M", BIRTH, on_day(age), weight_kg=9.0, length_cm=cm, position=position)
    assert result.wlhz is None
    assert result.categories["wlhz"] is None
    assert "out_of_range_wlhz" in result.flags


def test_lying_length_just_inside_the_height_table_after_adjustment_counts():
    # 65.7 − 0.7 must land on 65.0 despite float arithmetic
    row = lms_row("who_wfhanthro.txt", "F", 65.0)
    result = assess("F", BIRTH, on_day(800), weight_kg=row[1], length_cm=65.7, position="lying")
    assert result.lenhei_cm == 65.0
    assert result.wlhz == 0.0


def test_weight_for_length_interpolates_halfway_between_rows():
    low = lms_row("who_wflanthro.txt", "M", 70.0)
    high = lms_row("who_wflanthro.txt", "M", 70.1)
    halfway = mix(low, high, 0.5)
    result = assess("M", BIRTH, on_day(365), weight_kg=8.0, length_cm=70.05)
    assert result.wlhz == round(restricted(8.0, halfway), 2)
    # the interpolated median scores exactly zero
    assert assess("M", BIRTH, on_day(365), weight_kg=halfway[1], length_cm=70.05).wlhz == 0.0


def test_weight_for_height_interpolates_at_a_fraction_of_a_row():
    row = mix(lms_row("who_wfhanthro.txt", "F", 95.3), lms_row("who_wfhanthro.txt", "F", 95.4), 0.7)
    weight = sd(2, row)
    assert assess("F", BIRTH, on_day(1200), weight_kg=weight, length_cm=95.37).wlhz == 2.0


@pytest.mark.parametrize(
    ("age", "position", "used_cm", "table_name", "adjusted"),
    [
        (730, "lying", 80.0, "length", False),
        (730, "standing", 80.7, "length", True),
        (730, None, 80.0, "length", False),
        (731, "standing", 80.0, "height", False),
        (731, "lying", 79.3, "height", True),
        (731, None, 80.0, "height", False),
    ],
)
def test_day_730_uses_length_and_day_731_height_with_position_adjustment(
    age, position, used_cm, table_name, adjusted
):
    result = assess("M", BIRTH, on_day(age), weight_kg=10.5, length_cm=80.0, position=position)
    table_file = "who_wflanthro.txt" if table_name == "length" else "who_wfhanthro.txt"
    assert result.wlh_table == table_name
    assert result.lenhei_cm == used_cm
    assert result.wlhz == round(restricted(10.5, lms_row(table_file, "M", used_cm)), 2)
    assert ("position_adjusted" in result.flags) is adjusted


def test_standing_before_nine_months_is_flagged_and_not_adjusted():
    result = assess("F", BIRTH, on_day(273), length_cm=65.0, position="standing")
    assert result.lenhei_cm == 65.0
    assert result.flags == ("standing_under_9_months",)
    at_nine_months = assess("F", BIRTH, on_day(274), length_cm=65.0, position="standing")
    assert at_nine_months.lenhei_cm == 65.7
    assert at_nine_months.flags == ("position_adjusted",)


# --- oedema, implausible values ---------------------------------------------------------------


def test_oedema_leaves_out_weight_based_scores():
    result = assess(
        "M", BIRTH, on_day(365), weight_kg=8.0, length_cm=70.0, head_cm=45.0, oedema=True
    )
    assert (result.waz, result.wlhz, result.baz) == (None, None, None)
    assert result.lhaz == -2.42
    assert result.hcz == -0.83
    assert "oedema" in result.flags
    assert result.categories["waz"] is None
    assert result.categories["lhaz"] == "Pendek"


@pytest.mark.parametrize(("k", "implausible"), [(-6.0, False), (-6.5, True)])
def test_weight_for_age_is_implausible_only_below_minus_six(k, implausible):
    row = lms_row("who_weianthro.txt", "M", 900)
    weight = sd(-3, row) + (k + 3) * (sd(-2, row) - sd(-3, row))
    result = assess("M", BIRTH, on_day(900), weight_kg=weight)
    assert result.waz == k
    assert result.implausible is implausible
    assert ("implausible_waz" in result.flags) is implausible


def test_length_beyond_six_sd_is_implausible():
    row = lms_row("who_lenanthro.txt", "F", 400)
    result = assess("F", BIRTH, on_day(400), length_cm=sd(6.5, row))
    assert result.lhaz == 6.5
    assert result.flags == ("implausible_lhaz",)
    assert result.implausible


def test_weight_for_length_beyond_five_sd_is_implausible():
    row = lms_row("who_wflanthro.txt", "M", 60.0)
    weight = sd(-3, row) - 2.2 * (sd(-2, row) - sd(-3, row))
    result = assess("M", BIRTH, on_day(120), weight_kg=weight, length_cm=60.0)
    assert result.wlhz == -5.2
    assert "implausible_wlhz" in result.flags
    assert result.categories["wlhz"] == "Gizi buruk"


# --- age in months and beyond five years -------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "months"),
    [
        (0, 0),
        (30, 0),
        (31, 1),
        (365, 11),
        (366, 12),
        (1826, 59),
        (1827, 60),
        (2922, 96),
    ],
)
def test_age_months_is_completed_months_of_30_4375_days(age, months):
    assert assess("F", BIRTH, on_day(age), weight_kg=10).age_months == months


def test_after_1826_days_the_who_2007_reference_applies():
    # 2922 days = 96.0 months exactly: the month-96 rows apply without interpolation
    height = lms_row("who2007_hfawho2007.txt", "M", 96)[1]
    bmi_row = lms_row("who2007_bfawho2007.txt", "M", 96)
    weight = sd(-2, lms_row("who2007_wfawho2007.txt", "M", 96))
    result = assess(
        "M", BIRTH, on_day(2922), weight_kg=weight, length_cm=height, position="standing"
    )
    assert result.lhaz == 0.0
    assert result.waz == -2.0
    assert result.baz == round(restricted(weight / (height / 100) ** 2, bmi_row), 2)
    assert result.wlhz is None
    assert result.wlh_table is None
    assert "out_of_range_wlhz" in result.flags
    assert result.categories["waz"] is None
    assert result.categories["lhaz"] is None


def test_who_2007_interpolates_between_monthly_rows():
    age = 2937  # 96.49 months
    fraction = age / 30.4375 - 96
    row = mix(
        lms_row("who2007_hfawho2007.txt", "F", 96),
        lms_row("who2007_hfawho2007.txt", "F", 97),
        fraction,
    )
    assert assess("F", BIRTH, on_day(age), length_cm=sd(1, row)).lhaz == 1.0


def test_bmi_over_five_years_uses_the_5_to_18_year_categories():
    age = 2922
    row = lms_row("who2007_bfawho2007.txt", "F", 96)
    bmi = sd(2.5, row)
    result = assess("F", BIRTH, on_day(age), weight_kg=bmi * 1.25**2, length_cm=125.0)
    assert result.baz == 2.5
    assert result.categories["baz"] == "Obesitas"  # > +2 is obese from 5 years, not "Gizi lebih"


def test_between_60_and_61_months_no_reference_applies():
    result = assess(
        "M", BIRTH, on_day(1827), weight_kg=18.0, length_cm=110.0, head_cm=50.0, muac_cm=16.0
    )
    assert (result.waz, result.lhaz, result.wlhz, result.baz, result.hcz, result.acz) == (
        None,
        None,
        None,
        None,
        None,
        None,
    )
    for index in ("waz", "lhaz", "wlhz", "baz", "hcz", "acz"):
        assert f"out_of_range_{index}" in result.flags


def test_weight_for_age_stops_at_120_months_and_height_at_228():
    at_121 = assess("M", BIRTH, on_day(round(121 * 30.4375)), weight_kg=25.0, length_cm=135.0)
    assert at_121.waz is None
    assert "out_of_range_waz" in at_121.flags
    assert at_121.lhaz is not None and at_121.baz is not None
    at_229 = assess("M", BIRTH, on_day(round(229 * 30.4375)), length_cm=170.0)
    assert at_229.lhaz is None
    assert "out_of_range_lhaz" in at_229.flags


# --- Permenkes categories ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index_code", "z_value", "expected"),
    [
        ("BB_U", -3.01, "Berat badan sangat kurang"),
        ("BB_U", -3.0, "Berat badan kurang"),
        ("BB_U", -2.01, "Berat badan kurang"),
        ("BB_U", -2.0, "Berat badan normal"),
        ("BB_U", 1.0, "Berat badan normal"),
        ("BB_U", 1.01, "Risiko berat badan lebih"),
        ("PB_TB_U", -3.0, "Pendek"),
        ("PB_TB_U", -2.0, "Normal"),
        ("PB_TB_U", 3.0, "Normal"),
        ("PB_TB_U", 3.01, "Tinggi"),
        ("BB_PB_TB", -3.01, "Gizi buruk"),
        ("BB_PB_TB", -3.0, "Gizi kurang"),
        ("BB_PB_TB", -2.0, "Gizi baik"),
        ("BB_PB_TB", 1.0, "Gizi baik"),
        ("BB_PB_TB", 1.01, "Berisiko gizi lebih"),
        ("BB_PB_TB", 2.0, "Berisiko gizi lebih"),
        ("BB_PB_TB", 2.01, "Gizi lebih"),
        ("BB_PB_TB", 3.0, "Gizi lebih"),
        ("BB_PB_TB", 3.01, "Obesitas"),
        ("IMT_U_0_60", 3.0, "Gizi lebih"),
        ("IMT_U_5_18", 1.0, "Gizi baik"),
        ("IMT_U_5_18", 2.0, "Gizi lebih"),
        ("IMT_U_5_18", 2.01, "Obesitas"),
    ],
)
def test_category_bounds_follow_the_permenkes_table(index_code, z_value, expected):
    assert category(index_code, z_value) == expected


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        (-3, "Berat badan kurang"),
        (-2, "Berat badan normal"),
        (1, "Berat badan normal"),
    ],
)
def test_weight_exactly_on_an_sd_line_gets_the_inclusive_category(k, expected):
    row = lms_row("who_weianthro.txt", "F", 500)
    result = assess("F", BIRTH, on_day(500), weight_kg=sd(k, row))
    assert result.waz == k
    assert result.categories["waz"] == expected


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        (-3, "Gizi kurang"),
        (-2, "Gizi baik"),
        (1, "Gizi baik"),
        (2, "Berisiko gizi lebih"),
        (3, "Gizi lebih"),
    ],
)
def test_weight_for_length_exactly_on_an_sd_line_gets_the_inclusive_category(k, expected):
    row = lms_row("who_wflanthro.txt", "M", 75.0)
    result = assess("M", BIRTH, on_day(450), weight_kg=sd(k, row), length_cm=75.0)
    assert result.wlhz == k
    assert result.categories["wlhz"] == expected


def test_every_category_key_is_present_even_without_a_score():
    result = assess("M", BIRTH, on_day(10), head_cm=35.0)
    assert result.categories == {"waz": None, "lhaz": None, "wlhz": None, "baz": None}


# --- chart curves -------------------------------------------------------------------------------


def test_weight_curves_follow_the_day_rows():
    rows = who_curves("waz", "F", 0, 60, 30)
    assert [r[0] for r in rows] == [0, 30, 60]
    row = lms_row("who_weianthro.txt", "F", 30)
    assert rows[1][1:] == pytest.approx([sd(k, row) for k in (-3, -2, -1, 0, 1, 2, 3)], abs=1e-4)
    assert rows[1][4] == row[1]


def test_length_curves_switch_to_height_at_day_731():
    rows = who_curves("lhaz", "M", 730, 731, 1)
    assert rows[0][4] == lms_row("who_lenanthro.txt", "M", 730)[1]
    assert rows[1][4] == lms_row("who_lenanthro.txt", "M", 731)[1]


def test_weight_for_length_curves_interpolate_and_skip_points_outside_the_table():
    rows = who_curves("wlhz", "M", 44.5, 46.0, 0.25)
    assert [r[0] for r in rows] == [45.0, 45.25, 45.5, 45.75, 46.0]
    halfway = mix(
        lms_row("who_wflanthro.txt", "M", 45.2), lms_row("who_wflanthro.txt", "M", 45.3), 0.5
    )
    assert rows[1][4] == pytest.approx(halfway[1], abs=1e-4)


def test_weight_for_height_curves_use_the_height_table():
    rows = who_curves("wlhz", "F", 65.0, 120.0, 5.0, wlh_table="height")
    assert len(rows) == 12
    assert rows[-1][4] == lms_row("who_wfhanthro.txt", "F", 120.0)[1]


def test_unknown_curve_index_is_refused():
    with pytest.raises(ValueError):
        who_curves("xyz", "M", 0, 10, 1)
