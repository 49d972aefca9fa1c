"""Posyandu strata from a year of indicators (BRIEF §3.1, thresholds [K] in a CSV)."""

import pytest

from shared.indicators import load_strata_thresholds, strata

# Exactly at every threshold of the shipped table: every indicator passes (>=).
AT_THRESHOLDS = {
    "opened_months": 8,
    "kader_avg": 5,
    "ds_avg_pct": 50.0,
    "kia_pct": 50.0,
    "kb_pct": 50.0,
    "imm_pct": 50.0,
    "program_tambahan_count": 1,
    "dana_sehat_pct": 50.0,
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "mandiri"),
        ({"opened_months": 7}, "pratama"),
        ({"kader_avg": 4.9}, "pratama"),
        ({"opened_months": 7, "dana_sehat_pct": 0}, "pratama"),
        ({"ds_avg_pct": 49.9}, "madya"),
        ({"kia_pct": 10}, "madya"),
        ({"kb_pct": 49}, "madya"),
        ({"imm_pct": 0}, "madya"),
        ({"program_tambahan_count": 0}, "madya"),
        ({"dana_sehat_pct": 49.9}, "purnama"),
        ({"dana_sehat_pct": None}, "purnama"),  # unknown fails its indicator
    ],
)
def test_strata_follows_the_telaah_kemandirian_steps(change, expected):
    assert strata({**AT_THRESHOLDS, **change}) == expected


def test_strata_needs_every_indicator():
    values = dict(AT_THRESHOLDS)
    del values["kb_pct"]
    with pytest.raises(KeyError):
        strata(values)


def test_strata_thresholds_come_from_a_csv(tmp_path):
    path = tmp_path / "strata.csv"
    path.write_text(
        "# local rule\nkey,minimum,needed_for,indicator\n"
        "opened_months,10,madya,buka\nds_avg_pct,80,purnama,D/S\n"
    )
    thresholds = load_strata_thresholds(path)
    assert strata({"opened_months": 9, "ds_avg_pct": 90}, thresholds) == "pratama"
    # No indicator is needed for mandiri in this table, so passing purnama reaches it.
    assert strata({"opened_months": 10, "ds_avg_pct": 80}, thresholds) == "mandiri"
    assert strata({"opened_months": 10, "ds_avg_pct": 79}, thresholds) == "madya"


def test_unknown_level_in_the_csv_is_refused(tmp_path):
    path = tmp_path / "strata.csv"
    path.write_text("key,minimum,needed_for,indicator\nopened_months,8,utama,buka\n")
    with pytest.raises(ValueError):
        load_strata_thresholds(path)
