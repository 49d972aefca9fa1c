"""The structure of a NIK, checked as warnings (a NIK may be right and the record wrong).

A NIK is 16 digits: the kecamatan of first registration (province 2, kabupaten 2, kecamatan 2),
the birth date as DDMMYY with 40 added to the day for women, then a 4-digit serial. A person who
moved keeps the NIK of the kecamatan where it was issued, so a different region is only a
warning, never an error.
"""

from __future__ import annotations

import datetime as dt

from shared import i18n

i18n.register(
    {
        "records.warning.nik_birth_date": {
            "id": "Tanggal lahir dalam NIK ({nik_date}) tidak sama dengan tanggal lahir.",
            "en": "The birth date in the NIK ({nik_date}) differs from the birth date.",
        },
        "records.warning.nik_sex": {
            "id": "Jenis kelamin dalam NIK tidak sama dengan jenis kelamin.",
            "en": "The sex in the NIK differs from the sex recorded.",
        },
        "records.warning.nik_region": {
            "id": "NIK diterbitkan di kecamatan lain ({code}).",
            "en": "The NIK was issued in another kecamatan ({code}).",
        },
        "records.warning.nik_date": {
            "id": "Enam angka tanggal lahir dalam NIK bukan tanggal yang sah.",
            "en": "The six birth-date digits of the NIK are not a valid date.",
        },
    }
)


def nik_warnings(person: dict) -> list[tuple[str, dict]]:
    """Return (message key, parameters) for each part of the NIK that disagrees with the person."""
    nik = person.get("nik") or ""
    if len(nik) != 16 or not nik.isdigit():
        return []
    warnings: list[tuple[str, dict]] = []
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    day -= 40 if female else 0
    birth = str(person.get("birth_date") or "")
    try:
        known = dt.date.fromisoformat(birth[:10]) if birth else None
    except ValueError:
        known = None
    try:
        century = known.year // 100 * 100 if known else 2000
        nik_date = dt.date(century + year, month, day)
    except ValueError:
        warnings.append(("records.warning.nik_date", {}))
        nik_date = None
    if (
        nik_date
        and known
        and (nik_date.day, nik_date.month, nik_date.year % 100)
        != (
            known.day,
            known.month,
            known.year % 100,
        )
    ):
        warnings.append(("records.warning.nik_birth_date", {"nik_date": nik_date.isoformat()}))
    if person.get("sex") in ("M", "F") and female != (person["sex"] == "F"):
        warnings.append(("records.warning.nik_sex", {}))
    desa = person.get("desa_code") or ""
    if len(desa) >= 6 and desa[:6] != nik[:6]:
        warnings.append(("records.warning.nik_region", {"code": nik[:6]}))
    return warnings
