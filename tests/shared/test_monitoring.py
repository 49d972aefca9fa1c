"""Growth monitoring: KBM, N/T/O/B, 2T and BGM (BRIEF §1.3). Expected values worked out by hand."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.growth.monitoring import (
    DEFAULT_RULES,
    GrowthRules,
    MonthGrowth,
    age_in_completed_months,
    classify_weighing,
    is_bgm,
    kbm_grams,
    monthly_growth,
)

# Born 2023-01-01: 2023-12-20 is day 353 (353 × 16 // 487 = 11 months), 2024-01-20 is day 384
# (384 × 16 // 487 = 12 months); every weighing from 2024 on is at >= 12 months, KBM 200 g.
TODDLER = date(2023, 1, 1)


@pytest.mark.parametrize(
    ("days", "months"),
    [
        (0, 0),
        (30, 0),
        (31, 1),  # 31 / 30.4375 = 1.02
        (365, 11),
        (366, 12),  # 365 / 30.4375 = 11.99: the WHO convention, not the birthday
        (1826, 59),
        (1827, 60),  # 60 × 30.4375 = 1826.25
    ],
)
def test_age_in_completed_months_is_floor_of_days_over_30_4375(days, months):
    born = date(2019, 1, 1)
    assert age_in_completed_months(born, date.fromordinal(born.toordinal() + days)) == months


@pytest.mark.parametrize(
    ("age", "grams"),
    [
        (0, None),
        (1, 800),
        (2, 900),
        (3, 800),
        (4, 600),
        (5, 500),
        (6, 400),
        (7, 400),
        (8, 300),
        (10, 300),
        (11, 200),
        (12, 200),
        (60, 200),
        (61, None),
    ],
)
def test_kbm_variant_a_is_the_buku_kia_table(age, grams):
    assert kbm_grams(age) == grams


def test_kbm_variant_b_differs_at_months_3_and_7():
    rules = GrowthRules.load(kbm_variant="B")
    assert (kbm_grams(3, rules), kbm_grams(7, rules)) == (600, 300)
    assert kbm_grams(3) == 800  # the default stays variant A


def test_rules_built_directly_load_their_variant():
    assert GrowthRules(kbm_variant="B") == GrowthRules.load("B")
    assert DEFAULT_RULES.kbm_variant == "A" and DEFAULT_RULES.bgm_waz_below == -3.0


def test_unknown_kbm_variant_is_refused():
    with pytest.raises(ValueError):
        GrowthRules.load(kbm_variant="Z")


def test_kbm_table_can_come_from_another_csv(tmp_path):
    csv_path = tmp_path / "kbm.csv"
    csv_path.write_text("umur_bulan_min,umur_bulan_max,kbm_gram_variant_A\n1,60,250\n")
    rules = GrowthRules.load(path=csv_path)
    assert (kbm_grams(3, rules), kbm_grams(40, rules), kbm_grams(0, rules)) == (250, 250, None)


def test_first_weighing_ever_is_b():
    growth = monthly_growth(TODDLER, [(date(2024, 1, 20), 9.0)])
    assert growth == {(2024, 1): MonthGrowth(2024, 1, date(2024, 1, 20), 9.0, "B", None, None)}


def test_gap_month_gives_o():
    growth = monthly_growth(TODDLER, [(date(2024, 1, 10), 9.0), (date(2024, 3, 10), 9.5)])
    assert growth[(2024, 3)].status == "O"
    assert growth[(2024, 3)].gain_g is None


def test_gain_exactly_at_kbm_is_n_and_one_gram_less_is_t():
    # 11 months on 2023-12-20, 12 months on 2024-01-20 -> KBM 200 g.
    before = (date(2023, 12, 20), 9.0)
    naik = monthly_growth(TODDLER, [before, (date(2024, 1, 20), 9.2)])[(2024, 1)]
    tidak = monthly_growth(TODDLER, [before, (date(2024, 1, 20), 9.199)])[(2024, 1)]
    assert (naik.status, naik.gain_g, naik.kbm_g) == ("N", 200, 200)
    assert (tidak.status, tidak.gain_g, tidak.kbm_g) == ("T", 199, 200)


def test_month_3_gain_of_700_g_is_t_in_variant_a_and_n_in_variant_b():
    # Born 2024-01-01: 2024-03-15 is day 74 (2 months), 2024-04-15 is day 105 (105 × 16 // 487 = 3).
    born, weighings = date(2024, 1, 1), [(date(2024, 3, 15), 5.0), (date(2024, 4, 15), 5.7)]
    a = monthly_growth(born, weighings)[(2024, 4)]
    b = monthly_growth(born, weighings, GrowthRules.load("B"))[(2024, 4)]
    assert (a.status, a.kbm_g) == ("T", 800)
    assert (b.status, b.kbm_g) == ("N", 600)


def test_last_weighing_of_each_month_is_used():
    weighings = [  # out of order on purpose
        (date(2024, 2, 25), 8.1),
        (date(2024, 1, 28), 8.0),
        (date(2024, 2, 3), 8.5),
        (date(2024, 1, 2), 7.5),
    ]
    feb = monthly_growth(TODDLER, weighings)[(2024, 2)]
    # 8.1 (25 Feb) - 8.0 (28 Jan) = 100 g < 200 g; the first Feb weighing would have given N.
    assert (feb.weighed_on, feb.weight_kg, feb.status, feb.gain_g) == (
        date(2024, 2, 25),
        8.1,
        "T",
        100,
    )


def test_same_day_weighings_keep_the_later_entered():
    growth = monthly_growth(TODDLER, [(date(2024, 1, 5), 8.0), (date(2024, 1, 5), 8.4)])
    assert growth[(2024, 1)].weight_kg == 8.4


def test_t_then_t_is_2t_and_the_next_n_is_not():
    weighings = [
        (date(2024, 1, 10), 8.0),
        (date(2024, 2, 10), 8.1),
        (date(2024, 3, 10), 8.1),
        (date(2024, 4, 10), 8.5),
    ]
    growth = monthly_growth(TODDLER, weighings)
    # Jan B; Feb +100 g T; Mar +0 g T after T -> 2T; Apr +400 g N.
    assert [(g.status, g.two_t) for g in growth.values()] == [
        ("B", False),
        ("T", False),
        ("T", True),
        ("N", False),
    ]


def test_t_across_a_gap_is_not_2t():
    weighings = [
        (date(2024, 1, 10), 8.0),
        (date(2024, 2, 10), 8.0),
        (date(2024, 4, 10), 8.0),
        (date(2024, 5, 10), 8.0),
    ]
    growth = monthly_growth(TODDLER, weighings)
    # Jan B, Feb T, (no Mar), Apr O, May T: no two consecutive T.
    assert [(g.status, g.two_t) for g in growth.values()] == [
        ("B", False),
        ("T", False),
        ("O", False),
        ("T", False),
    ]


def test_december_to_january_counts_as_consecutive():
    growth = monthly_growth(TODDLER, [(date(2023, 12, 20), 9.0), (date(2024, 1, 3), 9.5)])
    assert growth[(2024, 1)].status == "N"


def test_weighing_at_age_0_months_with_a_previous_month_is_o():
    # Born 2024-01-25, weighed on 26 Jan and on 20 Feb (day 26, 0 months): no KBM for month 0.
    growth = monthly_growth(date(2024, 1, 25), [(date(2024, 1, 26), 3.2), (date(2024, 2, 20), 3.9)])
    assert (growth[(2024, 2)].status, growth[(2024, 2)].gain_g, growth[(2024, 2)].kbm_g) == (
        "O",
        700,
        None,
    )


def test_classify_weighing_judges_a_new_weighing_against_history():
    history = [(date(2024, 1, 10), 8.0), (date(2024, 2, 10), 8.1)]  # Jan B, Feb T
    result = classify_weighing(TODDLER, date(2024, 3, 12), 8.15, history)
    assert (result.status, result.gain_g, result.two_t, result.weighed_on) == (
        "T",
        50,
        True,
        date(2024, 3, 12),
    )


def test_classify_weighing_replaces_same_month_history_and_ignores_later_months():
    history = [(date(2024, 1, 10), 8.0), (date(2024, 2, 25), 9.0), (date(2024, 3, 10), 7.0)]
    result = classify_weighing(TODDLER, date(2024, 2, 5), 8.3, history)
    # Judged as itself: 8.3 - 8.0 = 300 g >= 200 g, though 25 Feb (9.0 kg) is already saved.
    assert (result.status, result.gain_g, result.weight_kg) == ("N", 300, 8.3)


def test_classify_weighing_without_history_is_b():
    assert classify_weighing(TODDLER, date(2024, 1, 5), 9.0, []).status == "B"


@pytest.mark.parametrize(
    ("waz", "oedema", "expected"),
    [
        (-3.01, False, True),
        (-3.0, False, False),
        (-2.5, False, False),
        (None, False, False),
        (None, True, True),
    ],
)
def test_bgm_is_waz_below_minus_3_or_oedema(waz, oedema, expected):
    assert is_bgm(waz, oedema=oedema) is expected


def test_bgm_threshold_is_configurable():
    rules = GrowthRules.load(bgm_waz_below=-2.0)
    assert is_bgm(-2.5, rules) and not is_bgm(-2.0, rules)


# -- monthly_growth(since=...) gives the months from ``since`` on as the whole history does -------

_DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 6, 30))


@settings(max_examples=400, deadline=None)
@given(
    weighings=st.lists(
        st.tuples(_DAYS, st.floats(min_value=2.0, max_value=25.0, allow_nan=False)), max_size=30
    ),
    since=st.tuples(st.integers(2022, 2025), st.integers(1, 12)),
)
def test_monthly_growth_since_a_month_equals_the_whole_history_from_that_month(weighings, since):
    whole = monthly_growth(TODDLER, weighings)
    expected = {key: growth for key, growth in whole.items() if key >= since}
    assert monthly_growth(TODDLER, weighings, since=since) == expected
