"""ILP indicators of one posyandu-month against a count by hand (shared/indicators/ilp.py).

The posyandu, October 2026 (month end 31 Oct; screening window 1 Nov 2025 – 31 Oct 2026):

Balita (0–59 months)
  A  F 2025-06-10 (16 mo): every IDL dose validly by 12 months (MR1 on day 274); child visit 10-05.
  B  M 2025-03-01 (19 mo): only DPT-HB-Hib 1, from an old child visit's antigen list (2025-05-05).
  C  F 2024-10-15 (24 mo): MR1 2025-07-20, MR2 2026-05-20, no DPT; TB screen 10-08 "contact".
  D  M 2026-02-01 (8 mo): child visit 10-05 with DPT-HB-Hib 1 on its list; OPV2 record 10-05.
  E  F 2025-01-10, died 2026-09-01: counts nowhere (a BCG record all the same).
Usia sekolah / remaja (5 to < 18 years)
  F  F 2012-03-01: youth visit 10-07.       G  M 2015-05-05: nothing.
  H  M 2008-11-30 (17 y 11 m): TB screen 10-08 "cough >= 2 weeks" (suspect), referral from it.
Dewasa (18–59) and lansia (>= 60)
  I  F 1990-04-04: adult visit 2026-01-15 with BP (PTM screened); KB record 10-03.
  J  M 1980-06-06: adult visit 2025-10-20 with GDS (before the window); TB screen 10-08 "fever".
  K  F 1999-02-02: pregnancy P1 (active, HPHT 2026-03-01), ANC visit 10-09.
  O  F 1997-07-07: P2 delivered 2026-09-15, nifas ends 10-27; KF visits on days 1 (vit A), 5, 16, 35.
  Q  F 2000-01-01: P3 delivered 2026-09-25 (nifas ends 11-06); KF1 visit 09-26.
  R  F 1992-02-02: P4 stillbirth 2026-09-10 (nifas ends 10-22); no KF visit.
  S  F 1994-04-04: P5 ended, no date.       T  F 1996-06-06: P6 active, HPHT 2025-10-01 (stale).
  L  F 1950-01-01: adult visit 10-12 with BP and SKILAS; TB screen 10-08 fever + weight loss
     (suspect), its referral cancelled.
  M  M 1960-07-01: adult visit 2026-02-02, weight only.

By hand:
  served: balita A, C, D of A B C D = 3/4; remaja F, H of F G H = 2/3; dewasa I (KB), J (TB)
  of I J K O Q R S T = 2/8; lansia L of L M = 1/2; ibu hamil/nifas P1 (ANC), P2 (KF3, KF4) of
  P1 P2 P3 P4 (P5 no date, P6 past its HPL + 42 days) = 2/4.
  Cohort 12–23 months A, B: IDL 1/2; DPT1 2/2, DPT3 1/2, BCG 1/2, MR1 1/2, PCV1 0/2; drop-out:
  B of A B = 1/2. Cohort 24–35 months C: MR2 1/1, DPT-HB-Hib 4 0/1, PCV3 0/1, IBL 0/1.
  TB suspects H, L; referred H = 1/2. PTM (>= 18 y): I, L of I J K O Q R S T L M = 2/10.
  SKILAS: L of L M = 1/2. KF cohort (nifas ends in October) P2, P4: KF1 1/2, KF lengkap 1/2,
  vitamin A 1/2. Doses given in October: D's DPT-HB-Hib 1 and OPV2.
"""

import itertools
from collections import defaultdict

import pytest

from shared.indicators import ILP_INDICATORS, ILP_KEYS, ilp_indicators
from shared.indicators.ilp import COVERAGE_CODES, IlpData, parameters, uci
from shared.indicators.ratio import Ratio

ids = itertools.count(1)


def person(key, sex, birth, **more):
    return ("person", {"id": key, "sex": sex, "birth_date": birth, **more})


def rec(kind, who, **fields):
    return (kind, {"id": f"{kind}-{next(ids)}", "person_id": who, **fields})


def doses(who, day, *codes):
    return [rec("immunization", who, antigen=code, given_on=day) for code in codes]


def tb_screen(key, who, *symptoms):
    fields = {"id": key, "person_id": who, "visit_date": "2026-10-08", "symptoms": list(symptoms)}
    return ("tb_screening", fields)


def fixture():
    rows = [
        person("A", "F", "2025-06-10"),
        *doses("A", "2025-06-10", "HB0", "BCG", "OPV1"),
        *doses("A", "2025-08-10", "DPT_HB_HIB1", "OPV2"),
        *doses("A", "2025-09-10", "DPT_HB_HIB2", "OPV3"),
        *doses("A", "2025-10-10", "DPT_HB_HIB3", "OPV4", "IPV1"),
        *doses("A", "2026-03-11", "MR1"),
        rec("child_visit", "A", visit_date="2026-10-05", weight_kg=9.5),
        person("B", "M", "2025-03-01"),
        rec("child_visit", "B", visit_date="2025-05-05", immunizations=["DPT_HB_HIB1"]),
        person("C", "F", "2024-10-15"),
        *doses("C", "2025-07-20", "MR1"),
        *doses("C", "2026-05-20", "MR2"),
        rec("tb_screening", "C", visit_date="2026-10-08", symptoms=["tb_contact"]),
        person("D", "M", "2026-02-01"),
        rec("child_visit", "D", visit_date="2026-10-05", immunizations=["DPT_HB_HIB1"]),
        *doses("D", "2026-10-05", "OPV2"),
        person("E", "F", "2025-01-10", died_on="2026-09-01"),
        *doses("E", "2025-01-10", "BCG"),
        person("F", "F", "2012-03-01"),
        rec("youth_visit", "F", visit_date="2026-10-07", weight_kg=40.0),
        person("G", "M", "2015-05-05"),
        person("H", "M", "2008-11-30"),
        tb_screen("tb-H", "H", "cough_2_weeks"),
        rec(
            "referral",
            "H",
            referral_date="2026-10-09",
            source_kind="tb_screening",
            source_id="tb-H",
            status="referred",
        ),
        person("I", "F", "1990-04-04"),
        rec("adult_visit", "I", visit_date="2026-01-15", systolic_bp=120, diastolic_bp=80),
        rec("family_planning", "I", visit_date="2026-10-03", status="pus", method="suntik"),
        person("J", "M", "1980-06-06"),
        rec("adult_visit", "J", visit_date="2025-10-20", blood_glucose_mg_dl=110),
        rec("tb_screening", "J", visit_date="2026-10-08", symptoms=["fever"]),
        *pregnancies(),
        person("L", "F", "1950-01-01"),
        rec(
            "adult_visit",
            "L",
            visit_date="2026-10-12",
            systolic_bp=150,
            diastolic_bp=90,
            skilas={"cognitive": False, "mobility": True},
        ),
        tb_screen("tb-L", "L", "fever", "weight_loss"),
        rec(
            "referral",
            "L",
            referral_date="2026-10-08",
            source_kind="tb_screening",
            source_id="tb-L",
            status="cancelled",
        ),
        person("M", "M", "1960-07-01"),
        rec("adult_visit", "M", visit_date="2026-02-02", weight_kg=60.0),
    ]
    return rows


def pregnancies():
    def pregnancy(key, who, **fields):
        return ("pregnancy", {"id": key, "person_id": who, **fields})

    def kf(who, pregnancy_id, day, **more):
        return rec("postpartum_visit", who, pregnancy_id=pregnancy_id, visit_date=day, **more)

    return [
        person("K", "F", "1999-02-02"),
        pregnancy("P1", "K", registered_on="2026-05-01", lmp_date="2026-03-01", status="active"),
        rec("anc_visit", "K", pregnancy_id="P1", visit_date="2026-10-09"),
        person("O", "F", "1997-07-07"),
        pregnancy(
            "P2",
            "O",
            registered_on="2026-02-01",
            status="delivered",
            delivery_date="2026-09-15",
            outcome="live_birth",
        ),
        kf("O", "P2", "2026-09-16", vitamin_a_given=True),
        kf("O", "P2", "2026-09-20"),
        kf("O", "P2", "2026-10-01"),
        kf("O", "P2", "2026-10-20"),
        person("Q", "F", "2000-01-01"),
        pregnancy("P3", "Q", registered_on="2026-03-01", delivery_date="2026-09-25"),
        kf("Q", "P3", "2026-09-26"),
        person("R", "F", "1992-02-02"),
        pregnancy(
            "P4", "R", registered_on="2026-02-01", delivery_date="2026-09-10", outcome="stillbirth"
        ),
        person("S", "F", "1994-04-04"),
        pregnancy("P5", "S", registered_on="2026-01-01", status="ended"),
        person("T", "F", "1996-06-06"),
        pregnancy("P6", "T", registered_on="2025-12-01", lmp_date="2025-10-01", status="active"),
    ]


EXPECTED_OCTOBER = {
    "served_balita": (3, 4),
    "served_usia_sekolah_remaja": (2, 3),
    "served_dewasa": (2, 8),
    "served_lansia": (1, 2),
    "served_ibu_hamil_nifas": (2, 4),
    "idl": (1, 2),
    "ibl": (0, 1),
    "dpt_dropout": (1, 2),
    "imm_BCG": (1, 2),
    "imm_DPT_HB_HIB1": (2, 2),
    "imm_DPT_HB_HIB3": (1, 2),
    "imm_MR1": (1, 2),
    "imm_PCV1": (0, 2),
    "imm_MR2": (1, 1),
    "imm_DPT_HB_HIB4": (0, 1),
    "imm_PCV3": (0, 1),
    "tb_suspect_referred": (1, 2),
    "ptm_screening": (2, 10),
    "skilas": (1, 2),
    "kf1": (1, 2),
    "kf_complete": (1, 2),
    "nifas_vitamin_a": (1, 2),
}


def as_pairs(values):
    return {key: (r.numerator, r.denominator) for key, r in values.items()}


def test_october_counted_by_hand():
    got = as_pairs(ilp_indicators(fixture(), 2026, 10))
    assert {key: got[key] for key in EXPECTED_OCTOBER} == EXPECTED_OCTOBER
    first_year = {"imm_HB0", "imm_OPV1", "imm_OPV2", "imm_OPV3", "imm_OPV4", "imm_IPV1"}
    assert {got[key] for key in first_year} == {(1, 2)}  # A has them, B does not
    assert got["imm_IPV2"] == (0, 2) and got["imm_RV1"] == (0, 2)
    assert tuple(got) == ILP_KEYS


def test_doses_given_in_the_month():
    assert IlpData(fixture()).doses_given(2026, 10) == {"DPT_HB_HIB1": 1, "OPV2": 1}
    assert IlpData(fixture()).doses_given(2025, 6) == {"BCG": 1, "HB0": 1, "OPV1": 1}


def test_kf_cohort_is_the_month_nifas_ends():
    november = as_pairs(ilp_indicators(fixture(), 2026, 11))
    assert (november["kf1"], november["kf_complete"]) == ((1, 1), (0, 1))  # P3
    september = as_pairs(ilp_indicators(fixture(), 2026, 9))
    assert september["kf1"] == (0, 0)
    # P1, P2, P3, P4 in September; P2 and P3 had a nifas visit, P1 no ANC visit.
    assert september["served_ibu_hamil_nifas"] == (2, 4)


def test_screening_window_is_twelve_months():
    # J's GDS of 2025-10-20 counts up to September 2026 (I and J), not in October (I and L).
    assert as_pairs(ilp_indicators(fixture(), 2026, 9))["ptm_screening"] == (2, 10)
    assert parameters()["screening_window_months"] == 12


def test_each_value_is_a_sum_over_persons():
    """The aggregates are refreshed per touched person: every value must split by person."""
    by_person = defaultdict(list)
    for kind, fields in fixture():
        by_person[fields["id"] if kind == "person" else fields["person_id"]].append((kind, fields))
    for month in ((2026, 9), (2026, 10), (2026, 11)):
        whole = ilp_indicators(fixture(), *month)
        parts = [ilp_indicators(rows, *month) for rows in by_person.values()]
        assert {k: sum((p[k] for p in parts), Ratio(0, 0)) for k in ILP_KEYS} == whole


def test_uci_threshold_and_labels():
    assert uci(Ratio(8, 10)) and not uci(Ratio(79, 100)) and not uci(Ratio(0, 0))
    assert len(ILP_INDICATORS) == len(ILP_KEYS)
    assert "JE" not in COVERAGE_CODES and len(COVERAGE_CODES) == 20


@pytest.mark.parametrize("key", ILP_KEYS)
def test_every_ilp_indicator_has_labels(key):
    from shared.i18n import has, t

    assert has(f"indicators.{key}")
    assert t(f"indicators.{key}", "id") != t(f"indicators.{key}", "en")
