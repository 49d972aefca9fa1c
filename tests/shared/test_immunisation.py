"""Immunisation by schedule: every expected date below was counted by hand on a calendar.

Child A is born 2024-03-10 (schedule version 2023-08-15). Hand-counted days from birth:
day 1 = 03-11, day 5 = 03-15, day 41 = 04-20, day 42 = 04-21, day 60 = 05-09, day 61 = 05-10,
day 91 = 06-09, day 92 = 06-10, day 121 = 07-09, day 274 = 2024-12-09, day 365 = 2025-03-10,
day 547 = 2025-09-08, day 548 = 2025-09-09, day 730 = 2026-03-10.
Child B is born 2024-01-01: day 60 = 03-01, day 182 = 07-01, day 210 = 07-29, day 213 = 08-01.
"""

from datetime import date

import pytest

from shared import i18n, immunisation
from shared.immunisation import assessment, check_dose, due_today, is_ibl, is_idl
from shared.immunisation.messages import reason_text
from shared.immunisation.schedule import load_schedule, schedule, version_on, versions
from shared.records import antigen_codes

A = date(2024, 3, 10)
B = date(2024, 1, 1)

# child A's basic series, every dose valid and before 12 months
A_BASIC = [
    ("HB0", None, date(2024, 3, 10)),
    ("BCG", None, date(2024, 4, 1)),
    ("OPV1", None, date(2024, 4, 1)),
    ("DPT_HB_HIB1", None, date(2024, 5, 10)),
    ("OPV2", None, date(2024, 5, 10)),
    ("DPT_HB_HIB2", None, date(2024, 6, 10)),
    ("OPV3", None, date(2024, 6, 10)),
    ("DPT_HB_HIB3", None, date(2024, 7, 10)),
    ("OPV4", None, date(2024, 7, 10)),
    ("IPV1", None, date(2024, 7, 10)),
    ("MR1", None, date(2024, 12, 10)),
]


def by_code(statuses):
    return {status.code: status for status in statuses}


# --- the table ------------------------------------------------------------------------------


def test_every_schedule_code_is_a_visit_record_antigen_code():
    assert {row.code for row in load_schedule()} <= set(antigen_codes())


def test_every_row_names_its_source():
    assert all(row.source for row in load_schedule())


def test_version_is_the_latest_valid_from_on_or_before_the_date():
    assert versions() == (date(2017, 1, 1), date(2023, 8, 15))
    assert version_on(date(2023, 8, 14)) == date(2017, 1, 1)
    assert version_on(date(2023, 8, 15)) == date(2023, 8, 15)
    assert version_on(date(2010, 1, 1)) == date(2017, 1, 1)  # before the first: the oldest


def test_children_born_before_the_rotavirus_launch_have_no_pcv_rv_or_ipv2():
    old = [row.code for row in schedule(date(2023, 8, 14))]
    new = [row.code for row in schedule(date(2023, 8, 15))]
    assert len(old) == 13 and len(new) == 20
    assert not {"PCV1", "RV1", "IPV2"} & set(old)
    assert {"PCV1", "PCV2", "PCV3", "RV1", "RV2", "RV3", "IPV2"} <= set(new)
    assert "JE" not in new
    assert "JE" in [row.code for row in schedule(date(2024, 1, 1), ("national", "je_endemic"))]


def test_a_custom_table_is_read_with_its_comments(tmp_path):
    path = tmp_path / "schedule.csv"
    path.write_text(
        "# comment\n"
        "valid_from,code,antigen,dose,scope,minimum_age_days,recommended_age_days,"
        "latest_age_days,maximum_age_days,minimum_interval_days,source\n"
        "2020-01-01,BCG,BCG,1,national,0,0,30,,0,test\n"
        "2025-01-01,BCG,BCG,1,national,0,0,60,365,0,test\n",
        encoding="utf-8",
    )
    rows = load_schedule(path)
    assert [r.latest_age_days for r in schedule(date(2024, 12, 31), rows=rows)] == [30]
    assert [r.maximum_age_days for r in schedule(date(2025, 1, 1), rows=rows)] == [365]


def test_a_row_whose_ages_go_backwards_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "valid_from,code,antigen,dose,scope,minimum_age_days,recommended_age_days,"
        "latest_age_days,maximum_age_days,minimum_interval_days,source\n"
        "2020-01-01,BCG,BCG,1,national,10,5,30,,0,test\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError):
        load_schedule(path)


# --- HB0 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "status", "reason"),
    [
        (date(2024, 3, 10), "given", None),  # day 0
        (date(2024, 3, 11), "given", None),  # day 1: could still be < 24 h, no hour recorded
        (date(2024, 3, 12), "invalid", "immunisation.reason.birth_dose_window"),
        (date(2024, 3, 15), "invalid", "immunisation.reason.birth_dose_window"),  # 5 days old
    ],
)
def test_hb0_is_valid_only_within_24_hours(day, status, reason):
    result = check_dose(A, [], "HB0", None, day)
    assert (result.status, result.reason) == (status, reason)


def test_hb0_recorded_on_day_5_is_invalid_and_cannot_be_repeated():
    hb0 = by_code(immunisation.assess(A, [("HB0", None, date(2024, 3, 15))], date(2024, 3, 20)))
    hb0 = hb0["HB0"]
    assert hb0.status == "invalid"
    assert hb0.reason == "immunisation.reason.birth_dose_window"
    assert hb0.given_on == date(2024, 3, 15)
    assert hb0.reason_params == {"maximum_days": 1, "age_days": 5}
    assert not hb0.can_be_given(date(2024, 3, 20))


def test_hb0_not_given_is_overdue_after_day_1_with_the_window_reason():
    hb0 = by_code(immunisation.assess(A, [], date(2024, 3, 12)))["HB0"]
    assert (hb0.status, hb0.reason) == ("overdue", "immunisation.reason.birth_dose_window")
    assert (hb0.due_from, hb0.due_by) == (date(2024, 3, 10), date(2024, 3, 11))


# --- age and interval -----------------------------------------------------------------------


def test_a_dose_one_day_below_the_minimum_age_is_invalid():
    early = check_dose(A, [], "DPT_HB_HIB", 1, date(2024, 4, 20))
    assert (early.status, early.reason) == ("invalid", "immunisation.reason.below_minimum_age")
    assert early.reason_params == {"minimum_days": 42, "age_days": 41}
    assert check_dose(A, [], "DPT_HB_HIB", 1, date(2024, 4, 21)).status == "given"


@pytest.mark.parametrize(
    ("day", "status"),
    [(date(2024, 6, 9), "given"), (date(2024, 6, 10), "given_late")],
)
def test_a_dose_after_its_window_is_given_late(day, status):
    assert check_dose(A, [], "DPT_HB_HIB1", None, day).status == status


def test_second_dpt_on_the_same_day_as_the_first_is_invalid_for_the_interval():
    given = [("DPT_HB_HIB", 1, date(2024, 5, 10)), ("DPT_HB_HIB", 2, date(2024, 5, 10))]
    dpt = by_code(immunisation.assess(A, given, date(2024, 5, 10)))
    assert dpt["DPT_HB_HIB1"].status == "given"
    assert dpt["DPT_HB_HIB2"].status == "invalid"
    assert dpt["DPT_HB_HIB2"].reason == "immunisation.reason.interval_too_short"
    assert dpt["DPT_HB_HIB2"].reason_params == {
        "previous": "DPT_HB_HIB1",
        "interval_days": 0,
        "minimum_interval_days": 28,
    }


@pytest.mark.parametrize(
    ("day", "status"),
    [(date(2024, 6, 6), "invalid"), (date(2024, 6, 7), "given")],  # 27 and 28 days after
)
def test_the_interval_counts_from_the_previous_dose(day, status):
    given = [("DPT_HB_HIB1", None, date(2024, 5, 10))]
    assert check_dose(A, given, "DPT_HB_HIB2", None, day).status == status


def test_a_dose_dated_before_the_previous_dose_is_invalid():
    given = [("DPT_HB_HIB1", None, date(2024, 6, 1)), ("DPT_HB_HIB2", None, date(2024, 5, 20))]
    dpt2 = by_code(immunisation.assess(A, given, date(2024, 6, 5)))["DPT_HB_HIB2"]
    assert dpt2.reason == "immunisation.reason.before_previous_dose"
    assert dpt2.reason_params["previous_on"] == date(2024, 6, 1)


def test_a_dose_without_its_previous_dose_is_refused():
    result = check_dose(A, [], "DPT_HB_HIB", 2, date(2024, 6, 10))
    assert (result.status, result.reason) == (
        "invalid",
        "immunisation.reason.previous_dose_missing",
    )
    assert result.reason_params == {"previous": "DPT_HB_HIB1"}


def test_a_dose_already_given_is_refused():
    given = [("DPT_HB_HIB1", None, date(2024, 5, 10))]
    result = check_dose(A, given, "DPT_HB_HIB1", None, date(2024, 6, 1))
    assert (result.status, result.reason) == ("invalid", "immunisation.reason.already_given")
    assert result.given_on == date(2024, 5, 10)


def test_an_invalid_dose_does_not_count_and_a_valid_repeat_does():
    early = [("DPT_HB_HIB1", None, date(2024, 4, 20))]
    dpt1 = by_code(immunisation.assess(A, early, date(2024, 5, 10)))["DPT_HB_HIB1"]
    assert dpt1.status == "invalid" and dpt1.can_be_given(date(2024, 5, 10))
    assert "DPT_HB_HIB1" in [s.code for s in due_today(A, early, date(2024, 5, 10))]
    repeated = [*early, ("DPT_HB_HIB1", None, date(2024, 5, 10))]
    dpt1 = by_code(immunisation.assess(A, repeated, date(2024, 5, 10)))["DPT_HB_HIB1"]
    assert (dpt1.status, dpt1.given_on) == ("given", date(2024, 5, 10))


def test_rotavirus_is_invalid_after_6_months_29_days():
    assert check_dose(B, [], "RV", 1, date(2024, 8, 1)).status == "given_late"  # day 213
    late = check_dose(B, [], "RV", 1, date(2024, 8, 2))  # day 214
    assert (late.status, late.reason) == ("invalid", "immunisation.reason.above_maximum_age")


# --- due, overdue, not yet ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "bcg", "dpt1"),
    [
        (date(2024, 4, 20), "due", "not_yet"),  # day 41: DPT1 cannot be given yet
        (date(2024, 5, 9), "due", "not_yet"),  # day 60: last on-time day of BCG; DPT1 allowed
        (date(2024, 5, 10), "overdue", "due"),  # day 61
        (date(2024, 6, 9), "overdue", "due"),  # day 91: last on-time day of DPT1
        (date(2024, 6, 10), "overdue", "overdue"),  # day 92
    ],
)
def test_due_and_overdue_at_the_boundaries(on, bcg, dpt1):
    statuses = by_code(immunisation.assess(A, [], on))
    assert (statuses["BCG"].status, statuses["DPT_HB_HIB1"].status) == (bcg, dpt1)


def test_a_dose_is_allowed_from_its_minimum_age_before_it_is_due():
    dpt1 = by_code(immunisation.assess(A, [], date(2024, 4, 21)))["DPT_HB_HIB1"]
    assert dpt1.status == "not_yet"
    assert (dpt1.allowed_from, dpt1.due_from, dpt1.due_by) == (
        date(2024, 4, 21),
        date(2024, 5, 10),
        date(2024, 6, 9),
    )
    assert "DPT_HB_HIB1" in [s.code for s in due_today(A, [], date(2024, 4, 21))]
    assert "DPT_HB_HIB1" not in [s.code for s in due_today(A, [], date(2024, 4, 20))]


def test_due_from_moves_with_a_late_previous_dose():
    given = [("DPT_HB_HIB1", None, date(2024, 6, 1))]
    dpt2 = by_code(immunisation.assess(A, given, date(2024, 6, 20)))["DPT_HB_HIB2"]
    # 2024-06-01 + 28 days = 06-29, later than day 92 (06-10)
    assert (dpt2.due_from, dpt2.due_by, dpt2.status) == (
        date(2024, 6, 29),
        date(2024, 7, 9),
        "not_yet",
    )


def test_doses_recorded_after_the_assessment_day_are_ignored():
    given = [("BCG", None, date(2024, 4, 1))]
    assert by_code(immunisation.assess(A, given, date(2024, 3, 31)))["BCG"].status == "due"
    assert by_code(immunisation.assess(A, given, date(2024, 4, 1)))["BCG"].status == "given"


def test_a_child_who_starts_late_catches_up_dose_by_dose():
    first = date(2024, 7, 1)  # child B, day 182, nothing recorded
    assert [s.code for s in due_today(B, [], first)] == [
        "BCG",
        "OPV1",
        "DPT_HB_HIB1",
        "PCV1",
        "RV1",
        "IPV1",
    ]
    given = [(code, None, first) for code in ("BCG", "OPV1", "DPT_HB_HIB1", "PCV1", "RV1", "IPV1")]
    after = by_code(immunisation.assess(B, given, first))
    assert after["DPT_HB_HIB1"].status == "given_late"
    assert after["OPV2"].status == "overdue"  # behind schedule, but 28 days must pass
    assert after["OPV2"].allowed_from == date(2024, 7, 29)
    second = date(2024, 7, 29)  # day 210
    assert [s.code for s in due_today(B, given, second)] == ["OPV2", "DPT_HB_HIB2", "PCV2", "RV2"]
    given += [(code, None, second) for code in ("OPV2", "DPT_HB_HIB2", "PCV2", "RV2")]
    rv3 = by_code(immunisation.assess(B, given, second))["RV3"]
    # RV2 + 28 days = 08-26 = day 238, past the day-213 limit: RV3 can no longer be given
    assert (rv3.status, rv3.reason, rv3.allowed_from) == (
        "overdue",
        "immunisation.reason.above_maximum_age",
        None,
    )


def test_an_antigen_outside_the_childs_schedule_is_refused():
    born_2022 = check_dose(date(2022, 1, 1), [], "PCV1", None, date(2022, 3, 5))
    assert (born_2022.status, born_2022.reason) == (
        "invalid",
        "immunisation.reason.not_in_schedule",
    )
    assert check_dose(A, [], "JE", None, date(2025, 1, 10)).reason == (
        "immunisation.reason.not_in_schedule"
    )
    endemic = check_dose(A, [], "JE", None, date(2025, 1, 10), scopes=("national", "je_endemic"))
    assert endemic.status == "given"


def test_an_unknown_code_raises():
    with pytest.raises(immunisation.UnknownDose):
        check_dose(A, [], "XYZ", None, date(2024, 5, 10))
    with pytest.raises(immunisation.UnknownDose):
        immunisation.assess(A, [("DPT_HB_HIB", 9, date(2024, 5, 10))], date(2024, 5, 10))


def test_record_codes_antigen_dose_pairs_and_iso_strings_are_the_same_dose():
    one = immunisation.assess(A, [("OPV2", None, "2024-05-10")], "2024-05-20")
    two = immunisation.assess(A, [("OPV", 2, date(2024, 5, 10))], date(2024, 5, 20))
    assert one == two


def test_a_day_before_birth_is_refused():
    with pytest.raises(ValueError):
        immunisation.assess(A, [], date(2024, 3, 9))


# --- IDL and IBL ----------------------------------------------------------------------------


def test_idl_is_complete_with_every_basic_dose_before_12_months():
    assert is_idl(A_BASIC, A)
    assert immunisation.completed_on("IDL", A_BASIC, A) == date(2024, 12, 10)


def test_idl_is_incomplete_without_mr1():
    assert not is_idl(A_BASIC[:-1], A)


@pytest.mark.parametrize(
    ("mr1", "expected"), [(date(2025, 3, 10), True), (date(2025, 3, 11), False)]
)
def test_idl_needs_the_last_dose_by_day_365(mr1, expected):
    assert is_idl([*A_BASIC[:-1], ("MR1", None, mr1)], A) is expected


def test_idl_is_incomplete_with_an_invalid_hb0():
    assert not is_idl([("HB0", None, date(2024, 3, 15)), *A_BASIC[1:]], A)


def test_ibl_needs_both_baduta_boosters_from_18_to_24_months():
    boosters = [("DPT_HB_HIB4", None, date(2025, 9, 9)), ("MR2", None, date(2025, 9, 9))]
    assert is_ibl([*A_BASIC, *boosters], A)
    assert not is_ibl([*A_BASIC, boosters[0]], A)
    too_early = [("DPT_HB_HIB4", None, date(2025, 9, 8)), boosters[1]]  # day 547
    assert not is_ibl([*A_BASIC, *too_early], A)
    on_day_730 = [boosters[0], ("MR2", None, date(2026, 3, 10))]
    assert is_ibl([*A_BASIC, *on_day_730], A)
    assert not is_ibl([*A_BASIC, boosters[0], ("MR2", None, date(2026, 3, 11))], A)


# --- messages -------------------------------------------------------------------------------


def test_every_status_and_reason_has_indonesian_and_english():
    keys = [f"immunisation.status.{status}" for status in immunisation.STATUSES]
    keys += [
        value
        for name, value in vars(assessment).items()
        if name.isupper() and isinstance(value, str) and value.startswith("immunisation.reason.")
    ]
    assert len(keys) == 6 + 8
    for key in keys:
        assert i18n.has(key), key
    assert not [key for key, _ in i18n.incomplete() if key.startswith("immunisation.")]


def test_a_reason_reads_with_its_parameters():
    given = [("DPT_HB_HIB1", None, date(2024, 5, 10))]
    result = check_dose(A, given, "DPT_HB_HIB2", None, date(2024, 5, 20))
    assert i18n.t(result.reason, "id", **result.reason_params) == (
        "Jarak dari DPT_HB_HIB1 baru 10 hari; paling sedikit 28 hari."
    )
    assert i18n.t(result.reason, "en", **result.reason_params) == (
        "Only 10 days since DPT_HB_HIB1; at least 28 days needed."
    )


def test_a_reason_writes_its_dates_dd_mm_yyyy():
    given = [("DPT_HB_HIB1", None, date(2024, 5, 10))]
    result = check_dose(A, given, "DPT_HB_HIB1", None, date(2024, 6, 1))
    assert reason_text(result.reason, result.reason_params, "id") == (
        "Dosis ini sudah diberikan pada 10/05/2024."
    )
    assert reason_text(result.reason, result.reason_params, "en") == (
        "This dose was already given on 10/05/2024."
    )
    assert reason_text(None, {}, "en") == ""
