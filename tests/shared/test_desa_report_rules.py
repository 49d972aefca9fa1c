"""The desa report's counts agree with each other, and on a device with its registered newborns
(issue #14, item 9)."""

import pytest

from tests.shared.test_records import MINIMAL
from tests.shared.test_records_rules import check, with_


def report(**counts):
    return with_("desa_report", MINIMAL["desa_report"], **counts)


def test_one_neonatal_death_with_no_infant_death_is_refused_in_plain_words():
    result = check("desa_report", report(deaths_neonatal=1, deaths_infant=0))
    assert result.errors == {
        "deaths_infant": [
            "Kematian bayi (0) tidak boleh kurang dari kematian neonatal (1): bayi yang "
            "meninggal pada umur 0–28 hari juga dihitung sebagai kematian bayi."
        ]
    }


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"deaths_infant": 2, "deaths_under5": 1}, "deaths_under5"),
        ({"deaths_neonatal": 1, "deaths_under5": 0}, "deaths_under5"),  # infant not given
    ],
)
def test_counts_that_cannot_be_true_are_refused(counts, field):
    errors = check("desa_report", report(**counts), lang="en").errors
    assert list(errors) == [field]
    assert "cannot" in errors[field][0]


def test_more_than_five_maternal_deaths_in_a_desa_month_are_refused():
    errors = check("desa_report", report(deaths_maternal=6)).errors
    assert errors == {"deaths_maternal": ["Kematian ibu harus antara 0 dan 5."]}


def test_nested_deaths_and_a_few_maternal_deaths_are_accepted():
    counts = dict(deaths_neonatal=1, deaths_infant=1, deaths_under5=3, deaths_maternal=1)
    assert check("desa_report", report(**counts)).ok


def test_live_births_are_checked_against_the_newborns_only_where_they_are_known():
    data = report(births_live=1)
    assert check("desa_report", data).ok  # the server cannot know them
    known = {"desa_month": {"registered_births": 2}}
    assert check("desa_report", data, context=known).errors == {
        "births_live": [
            "Lahir hidup (1) tidak boleh kurang dari bayi yang lahir bulan ini dan sudah "
            "terdaftar di perangkat ini (2)."
        ]
    }
    assert check("desa_report", report(births_live=2), context=known).ok
