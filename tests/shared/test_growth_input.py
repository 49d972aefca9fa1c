"""Input handling, errors and the result object of ``shared.growth.assess``."""

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from shared import i18n
from shared.growth import Assessment, GrowthInputError, assess

FULL = {"weight_kg": 9.6, "length_cm": 74.5, "position": "lying", "head_cm": 46.0, "muac_cm": 14.5}


def test_dates_and_numbers_in_any_accepted_form_give_the_same_result():
    expected = assess("M", date(2023, 3, 1), date(2024, 3, 20), **FULL)
    as_text = assess("M", "2023-03-01", "2024-03-20", **FULL)
    as_datetime = assess("M", datetime(2023, 3, 1, 8, 30), datetime(2024, 3, 20, 23, 59), **FULL)
    as_decimal = assess(
        "M",
        date(2023, 3, 1),
        date(2024, 3, 20),
        **{k: Decimal(str(v)) if k != "position" else v for k, v in FULL.items()},
    )
    assert as_text == expected
    assert as_datetime == expected
    assert as_decimal == expected
    assert expected.age_days == 385


def test_integer_and_fraction_measurements_are_accepted():
    assert (
        assess("F", "2024-01-01", "2024-06-01", weight_kg=7).waz
        == assess("F", "2024-01-01", "2024-06-01", weight_kg=Fraction(7)).waz
    )


def test_measurement_on_the_day_of_birth_is_age_zero():
    result = assess("F", "2024-05-05", "2024-05-05", weight_kg=3.2, length_cm=49.1)
    assert (result.age_days, result.age_months) == (0, 0)
    assert result.waz is not None


def test_result_is_frozen():
    result = assess("F", "2024-01-01", "2024-06-01", weight_kg=7.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.waz = 0.0  # type: ignore[misc]


def test_to_dict_is_json_ready_and_complete():
    result = assess("M", "2023-03-01", "2024-03-20", **FULL)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {f.name for f in dataclasses.fields(Assessment)} | {"implausible"}
    assert data["flags"] == list(result.flags)
    assert data["categories"] == result.categories
    assert data["implausible"] is False


def test_negative_zero_is_reported_as_zero():
    for age in range(0, 1827, 7):
        result = assess(
            "F",
            date(2020, 1, 1),
            date.fromordinal(date(2020, 1, 1).toordinal() + age),
            weight_kg=5.0,
        )
        assert str(result.waz) != "-0.0"


@pytest.mark.parametrize(
    ("kwargs", "key", "field"),
    [
        ({"weight_kg": -1.0}, "growth.not_positive", "weight_kg"),
        ({"weight_kg": 0}, "growth.not_positive", "weight_kg"),
        ({"length_cm": Decimal("-70")}, "growth.not_positive", "length_cm"),
        ({"head_cm": 0.0}, "growth.not_positive", "head_cm"),
        ({"muac_cm": -12}, "growth.not_positive", "muac_cm"),
        ({"weight_kg": float("nan")}, "growth.not_a_number", "weight_kg"),
        ({"weight_kg": float("inf")}, "growth.not_a_number", "weight_kg"),
        ({"weight_kg": Decimal("NaN")}, "growth.not_a_number", "weight_kg"),
        ({"weight_kg": "9,5"}, "growth.not_a_number", "weight_kg"),
        ({"weight_kg": True}, "growth.not_a_number", "weight_kg"),
        ({"position": "sitting"}, "growth.unknown_position", "position"),
        ({"position": "L"}, "growth.unknown_position", "position"),
    ],
)
def test_bad_measurements_raise_growth_input_error(kwargs, key, field):
    with pytest.raises(GrowthInputError) as caught:
        assess("M", "2024-01-01", "2024-06-01", **kwargs)
    assert (caught.value.key, caught.value.field) == (key, field)


def test_negative_weight_message_is_indonesian_by_default():
    with pytest.raises(ValueError, match="Berat badan \\(kg\\) harus lebih dari 0") as caught:
        assess("F", "2024-01-01", "2024-06-01", weight_kg=-8.5)
    assert isinstance(caught.value, GrowthInputError)
    assert caught.value.message("en") == "Weight (kg) must be greater than 0 (got -8.5)."


def test_measurement_before_birth_is_refused():
    with pytest.raises(GrowthInputError) as caught:
        assess("F", "2024-06-01", "2024-05-31", weight_kg=7.0)
    assert caught.value.key == "growth.date_before_birth"
    assert caught.value.field == "measured_on"
    assert str(caught.value) == (
        "Tanggal pengukuran (2024-05-31) sebelum tanggal lahir (2024-06-01)."
    )


@pytest.mark.parametrize("sex", ["X", "L", "P", "", None, 1, "male"])
def test_unknown_sex_is_refused_in_indonesian(sex):
    with pytest.raises(GrowthInputError, match="Jenis kelamin tidak dikenal") as caught:
        assess(sex, "2024-01-01", "2024-06-01", weight_kg=7.0)
    assert caught.value.field == "sex"


@pytest.mark.parametrize(
    ("birth", "measured", "field"),
    [
        ("2024-13-01", "2024-06-01", "birth_date"),
        ("2024-01-01", "01/06/2024", "measured_on"),
        ("2024-01-01", 20240601, "measured_on"),
        (None, "2024-06-01", "birth_date"),
    ],
)
def test_unreadable_dates_are_refused(birth, measured, field):
    with pytest.raises(GrowthInputError, match="tidak valid") as caught:
        assess("M", birth, measured, weight_kg=7.0)
    assert (caught.value.key, caught.value.field) == ("growth.bad_date", field)


def test_growth_messages_exist_in_indonesian_and_english():
    keys = [key for key in i18n.catalogue("id") if key.startswith("growth.")]
    assert "growth.not_positive" in keys
    assert [pair for pair in i18n.incomplete() if pair[0].startswith("growth.")] == []
