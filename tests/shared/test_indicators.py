"""Monthly posyandu indicators (BRIEF §1.2, §1.9, §2.1). Expected numbers are worked out by hand."""

import random
from datetime import date, timedelta

import pytest

from shared import i18n
from shared.growth.monitoring import GrowthRules
from shared.indicators import (
    COUNTS,
    INDICATORS,
    MonthIndicators,
    Ratio,
    combine,
    month_indicators,
)

TODDLER = "2022-01-01"  # 24–27 months old in 2024: KBM 200 g


def person(pid, birth_date=TODDLER, **fields):
    return {
        "id": pid,
        "sex": "F",
        "birth_date": birth_date,
        "has_kia_book": False,
        "moved_out_on": None,
        "died_on": None,
        **fields,
    }


def visit(pid, on, weight_kg=None, **fields):
    return {
        "person_id": pid,
        "visit_date": on,
        "weight_kg": weight_kg,
        "length_cm": None,
        "waz": None,
        "lhaz": None,
        "wlhz": None,
        "oedema": False,
        **fields,
    }


# --- Ratio -------------------------------------------------------------------------------------


def test_ratios_add_numerators_and_denominators():
    assert Ratio(1, 4) + Ratio(2, 6) == Ratio(3, 10)
    assert sum([Ratio(1, 4), Ratio(2, 6)]) == Ratio(3, 10)


def test_ratio_percent_and_dict():
    assert Ratio(3, 12).percent == 25.0
    assert Ratio(0, 0).percent is None
    assert Ratio(3, 12).to_dict() == {"numerator": 3, "denominator": 12}


# --- S and K -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "in_s"),
    [
        # 2019-01-31 -> 2024-01-31 is 5 × 365 + 1 leap day = 1826 days: 59 months (60 needs 1827).
        ({"birth_date": "2019-01-31"}, True),
        ({"birth_date": "2019-01-30"}, False),  # 1827 days: 60 months
        ({"birth_date": "2024-01-31"}, True),  # born on the last day: 0 months
        ({"birth_date": "2024-02-01"}, False),  # not born yet
        ({"died_on": "2024-01-31"}, False),  # died by the last day
        ({"died_on": "2024-02-01"}, True),
        ({"moved_out_on": "2024-01-15"}, False),
        ({"moved_out_on": date(2024, 2, 10)}, True),
    ],
)
def test_s_counts_under_fives_present_on_the_last_day(fields, in_s):
    result = month_indicators([person("a", **fields)], [], 2024, 1)
    assert result.counts["S"] == int(in_s)


def test_k_counts_kia_book_holders_within_s():
    persons = [
        person("a", has_kia_book=True),
        person("b"),
        person("c", has_kia_book=True, moved_out_on="2024-01-05"),
    ]
    # S = a, b; K = a (c holds a book but left).
    assert month_indicators(persons, [], 2024, 1).values["ks"] == Ratio(1, 2)


def test_birth_date_may_be_a_date():
    assert (
        month_indicators([person("a", birth_date=date(2023, 6, 1))], [], 2024, 1).counts["S"] == 1
    )


# --- SKDN --------------------------------------------------------------------------------------


def skdn_posyandu():
    """One posyandu in March 2024 (all children about 26 months old, KBM 200 g)."""
    persons = [
        person("n", has_kia_book=True),
        person("t", has_kia_book=True),
        person("o"),
        person("b"),
        person("absent"),
        person("left", has_kia_book=True, moved_out_on="2024-03-10"),
    ]
    visits = [
        visit("n", "2024-02-10", 10.0),
        visit("n", "2024-03-10", 10.3),  # +300 g: N
        visit("t", "2024-01-10", 9.9),
        visit("t", "2024-02-10", 10.0),  # Feb +100 g: T
        visit("t", "2024-03-10", 10.1),  # Mar +100 g: T, 2T
        visit("o", "2024-01-10", 10.0),
        visit("o", "2024-03-10", 10.5),  # no Feb: O
        visit("b", "2024-03-10", 8.0),  # first ever: B
        visit("absent", "2024-02-10", 9.0),  # S but not D
        visit("left", "2024-03-05", 9.0),  # weighed, left: not S
        visit("stranger", "2024-03-10", 9.0),  # not our person
        visit("n", "2024-04-02", 5.0),  # after the month
    ]
    return persons, visits


def test_skdn_counts_for_one_month():
    result = month_indicators(*skdn_posyandu(), 2024, 3)
    # S = n, t, o, b, absent; K = n, t; D = n, t, o, b.
    assert result.counts == {
        "S": 5,
        "K": 2,
        "D": 4,
        "N": 1,
        "T": 1,
        "O": 1,
        "B": 1,
        "BGM": 0,
        "2T": 1,
    }
    assert result.values["ds"] == Ratio(4, 5)
    assert result.values["nd"] == Ratio(1, 4)
    assert result.values["nd_assessable"] == Ratio(1, 2)  # N / (D - O - B) = 1 / (4 - 1 - 1)
    assert result.values["two_t"] == Ratio(1, 4)
    assert set(result.children) == {"n", "t", "o", "b"}
    assert result.children["t"].two_t


def test_visit_without_weight_does_not_count_in_d():
    persons = [person("a")]
    visits = [visit("a", "2024-03-10", None, lhaz=-1.0)]
    assert month_indicators(persons, visits, 2024, 3).counts["D"] == 0


def test_last_weighing_of_the_month_decides_the_class():
    visits = [
        visit("a", "2024-02-10", 10.0),
        visit("a", "2024-03-02", 10.5),
        visit("a", "2024-03-28", 10.1),
    ]
    # 28 Mar: 10.1 - 10.0 = 100 g < 200 g -> T (2 Mar alone would be N).
    assert month_indicators([person("a")], visits, 2024, 3).counts["T"] == 1


def test_bgm_uses_the_last_waz_below_minus_3():
    persons = [person("a"), person("b"), person("c")]
    visits = [
        visit("a", "2024-03-05", 7.0, waz=-3.01),
        visit("b", "2024-03-05", 7.0, waz=-3.0),
        visit("c", "2024-03-05", 7.0, waz=-3.5),
        visit("c", "2024-03-20", 7.4, waz=-2.9),
    ]
    result = month_indicators(persons, visits, 2024, 3)
    assert result.values["bgm"] == Ratio(1, 3)  # a only; c's last WAZ is -2.9


def test_bgm_threshold_follows_the_rules():
    visits = [visit("a", "2024-03-05", 7.0, waz=-2.5)]
    rules = GrowthRules.load(bgm_waz_below=-2.0)
    assert month_indicators([person("a")], visits, 2024, 3, rules=rules).counts["BGM"] == 1


# --- Nutrition prevalence ----------------------------------------------------------------------


def nutrition_posyandu():
    persons = [person(pid) for pid in "abcde"] + [person("old", birth_date="2018-06-01")]
    visits = [
        visit("a", "2024-03-05", 9.0, length_cm=80.0, lhaz=-2.5, wlhz=-1.0, waz=-2.1),
        visit("b", "2024-03-05", 9.0, length_cm=85.0, lhaz=-1.9, wlhz=-2.01, waz=-1.5),
        visit("c", "2024-03-05", 9.0, waz=-2.0),  # weight only, z not < -2
        visit("d", "2024-03-05", 9.0, length_cm=84.0, lhaz=-1.0, oedema=True),
        visit("e", "2024-03-03", 9.0, length_cm=80.0, lhaz=-2.5, wlhz=0.0, waz=0.0),
        visit("e", "2024-03-25", 9.0, length_cm=81.0, lhaz=-1.5, wlhz=0.0, waz=0.0),
        visit("old", "2024-03-05", 15.0, length_cm=95.0, lhaz=-3.0),  # 69 months: not a balita
    ]
    return persons, visits


def test_stunting_counts_lhaz_below_minus_2_among_children_with_lhaz():
    # With LHAZ: a, b, d, e (last: -1.5) = 4; below -2: a = 1.
    assert month_indicators(*nutrition_posyandu(), 2024, 3).values["stunting"] == Ratio(1, 4)


def test_wasting_counts_wlhz_below_minus_2_and_oedema():
    # With WLHZ or oedema: a, b, d, e = 4; below -2: b (-2.01), d (oedema) = 2.
    assert month_indicators(*nutrition_posyandu(), 2024, 3).values["wasting"] == Ratio(2, 4)


def test_underweight_counts_waz_below_minus_2_and_oedema():
    # With WAZ or oedema: a, b, c, d, e = 5; below -2: a (-2.1), d (oedema) = 2; c at -2.0 is not.
    assert month_indicators(*nutrition_posyandu(), 2024, 3).values["underweight"] == Ratio(2, 5)


def test_oedema_counts_as_bgm():
    # Only d: no WAZ because of oedema, counted as < -3.
    assert month_indicators(*nutrition_posyandu(), 2024, 3).counts["BGM"] == 1


# --- Vitamin A, KEK, opened --------------------------------------------------------------------


def test_vitamin_a_counts_children_6_to_59_months_given_a_capsule():
    # Ages on 2024-02-29: 2023-09-01 is 181 days (5 months); 2023-08-01 is 212 days (6 months);
    # 2019-03-15 is 1812 days (59 months).
    persons = [
        person("five", "2023-09-01"),
        person("six", "2023-08-01"),
        person("thirty", "2021-08-01"),
        person("fiftynine", "2019-03-15"),
    ]
    visits = [
        visit("five", "2024-02-10", vitamin_a="biru"),
        visit("six", "2024-02-10", vitamin_a="biru"),
        visit("thirty", "2024-02-10", vitamin_a="none"),
        visit("fiftynine", "2024-02-10", vitamin_a="merah"),
    ]
    # Target: six, thirty, fiftynine = 3; given: six, fiftynine = 2.
    assert month_indicators(persons, visits, 2024, 2).values["vitamin_a"] == Ratio(2, 3)


def test_kek_uses_the_last_muac_of_each_pregnancy_in_the_month():
    anc = [
        {"pregnancy_id": "p1", "visit_date": "2024-01-05", "muac_cm": 23.0},
        {"pregnancy_id": "p1", "visit_date": "2024-01-25", "muac_cm": 23.6},
        {"pregnancy_id": "p2", "visit_date": "2024-01-10", "muac_cm": 23.4},
        {"pregnancy_id": "p3", "visit_date": "2024-01-12", "muac_cm": None},
        {"pregnancy_id": "p4", "visit_date": "2023-12-30", "muac_cm": 20.0},
    ]
    # Measured in January: p1 (last 23.6), p2 (23.4) = 2; KEK: p2 = 1.
    assert month_indicators([], [], 2024, 1, anc_visits=anc).values["kek"] == Ratio(1, 2)


def test_opened_is_one_when_a_session_of_the_month_opened():
    sessions = [{"date": "2024-01-10", "opened": False}, {"date": "2024-01-17", "opened": True}]
    assert month_indicators([], [], 2024, 1, sessions=sessions).values["opened"] == Ratio(1, 1)
    assert month_indicators([], [], 2024, 2, sessions=sessions).values["opened"] == Ratio(0, 1)


# --- combine -----------------------------------------------------------------------------------


def test_combine_sums_two_posyandu():
    first = month_indicators(*skdn_posyandu(), 2024, 3)
    second = month_indicators([person("x")], [visit("x", "2024-03-08", 9.0)], 2024, 3)
    total = combine([first, second])
    # S 5 + 1, D 4 + 1, B 1 + 1; opened 0/1 + 0/1.
    assert total.values["ds"] == Ratio(5, 6)
    assert (total.counts["D"], total.counts["B"]) == (5, 2)
    assert total.values["opened"] == Ratio(0, 2)
    assert set(total.children) == {"n", "t", "o", "b", "x"}


def test_combine_refuses_mixed_months_and_nothing():
    with pytest.raises(ValueError):
        combine([month_indicators([], [], 2024, 1), month_indicators([], [], 2024, 2)])
    with pytest.raises(ValueError):
        combine([])


def test_indicators_serialise_as_numerator_denominator_pairs():
    data = month_indicators(*skdn_posyandu(), 2024, 3).to_dict()
    assert data["values"]["ds"] == {"numerator": 4, "denominator": 5}
    assert data["counts"]["D"] == 4


# --- invariants and speed ----------------------------------------------------------------------


def random_posyandu(rng, children=100, months=24):
    """Children born 2019–2023 weighed on random days of 2022–2023, with gaps and re-weighings."""
    persons, visits = [], []
    for i in range(children):
        born = date(2019, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        left = date(2022, 1, 1) + timedelta(days=rng.randrange(900)) if rng.random() < 0.1 else None
        persons.append(
            person(i, born.isoformat(), has_kia_book=rng.random() < 0.8, moved_out_on=left)
        )
        weight = 3.0 + rng.random() * 10
        for m in range(months):
            if rng.random() < 0.75:
                for _ in range(rng.choice((1, 1, 1, 2))):
                    on = date(2022 + m // 12, m % 12 + 1, rng.randrange(1, 29))
                    if on < born:
                        continue
                    weight += rng.uniform(-0.2, 0.5)
                    visits.append(
                        visit(
                            i,
                            on.isoformat(),
                            round(weight, 1),
                            waz=rng.gauss(-1, 1.2),
                            oedema=rng.random() < 0.01,
                        )
                    )
    return persons, visits


def test_d_equals_n_plus_t_plus_o_plus_b():
    rng = random.Random(20240301)
    for _ in range(5):
        persons, visits = random_posyandu(rng)
        for month in range(1, 13):
            counts = month_indicators(persons, visits, 2023, month).counts
            assert counts["D"] == counts["N"] + counts["T"] + counts["O"] + counts["B"]
            assert counts["K"] <= counts["S"] and counts["D"] <= counts["S"]
            assert counts["2T"] <= counts["T"] and counts["BGM"] <= counts["D"]


# --- labels ------------------------------------------------------------------------------------


def test_every_indicator_has_labels_in_both_languages():
    result = month_indicators([], [], 2024, 1)
    assert set(dict(INDICATORS)) == set(result.values)
    assert set(dict(COUNTS)) == set(result.counts)
    for _, label in (*INDICATORS, *COUNTS):
        assert i18n.has(label)
    assert [key for key, lang in i18n.incomplete() if key.startswith("indicators.")] == []


def test_month_indicators_is_a_frozen_value():
    result = month_indicators([], [], 2024, 1)
    assert isinstance(result, MonthIndicators)
    with pytest.raises(AttributeError):
        result.year = 2025
