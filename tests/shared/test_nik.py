"""The NIK's structure as warnings: birth date, sex (day + 40 for women), kecamatan."""

from shared.records.nik import nik_warnings

GIRL = {"birth_date": "2025-06-05", "sex": "F", "desa_code": "6111012001"}


def keys(person):
    return [key.rsplit(".", 1)[1] for key, _ in nik_warnings(person)]


def test_a_nik_that_matches_the_person_warns_nothing():
    assert keys({**GIRL, "nik": "6111014506250001"}) == []


def test_each_disagreeing_part_is_named():
    assert keys({**GIRL, "nik": "6111014606250001"}) == ["nik_birth_date"]
    assert keys({**GIRL, "nik": "6111010506250001"}) == ["nik_sex"]
    assert keys({**GIRL, "nik": "6111024506250001"}) == ["nik_region"]
    assert keys({**GIRL, "nik": "6111017306250001"}) == ["nik_date"]  # day 33


def test_no_nik_or_a_malformed_one_is_left_to_validation():
    assert keys(GIRL) == [] and keys({**GIRL, "nik": "123"}) == []
