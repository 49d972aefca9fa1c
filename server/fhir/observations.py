"""Observations of a visit: measurements (LOINC, UCUM), blood pressure, and a child's z-scores.

A z-score is an Observation coded in the project CodeSystem ``anthro-zscore`` whose ``method``
names the growth standard it was computed with (WHO Child Growth Standards 2006 up to 1826 days,
WHO Growth Reference 2007 above), ``derivedFrom`` the measurements it comes from, and whose
``interpretation`` is the Permenkes 2/2020 category when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingType

from server.fhir.resources import Builder, new, ref

# The measured fields of each visit kind, in the order their Observations are written.
MEASURED = {
    "child_visit": ("weight_kg", "length_cm", "head_cm", "muac_cm"),
    "anc_visit": ("weight_kg", "muac_cm", "hb_g_dl"),
    "adult_visit": ("weight_kg", "height_cm", "waist_cm", "bmi", "blood_glucose_mg_dl"),
}
WHO2006_LAST_DAY = 1826


def visit_observations(b: Builder, kind: str, visit: MappingType) -> list[dict]:
    """Return every Observation of one visit."""
    out = [
        measurement(b, visit, field)
        for field in MEASURED[kind]
        if visit.get(field) is not None and b.mapping.measurement(entry_key(visit, field))
    ]
    if kind in ("anc_visit", "adult_visit") and visit.get("systolic_bp") is not None:
        out.append(blood_pressure(b, visit))
    if kind == "child_visit":
        out += zscores(b, visit)
    return out


def entry_key(visit: MappingType, field: str) -> str:
    """Return the mapping key of a measured field (a length's key names its position)."""
    if field != "length_cm":
        return field
    position = visit.get("position")
    if position not in ("lying", "standing"):  # WHO: lying under 2 years, standing after
        position = "lying" if (visit.get("age_days") or 0) < 731 else "standing"
    return f"length_cm.{position}"


def _base(b: Builder, visit: MappingType, part: str, category: str) -> dict:
    """Return the parts every Observation of a visit shares."""
    return new(
        "Observation",
        visit["id"],
        part,
        status="final",
        category=[{"coding": [b.coding("observation_category", category)]}],
    )


def _context(visit: MappingType, b: Builder) -> dict:
    return {
        "subject": ref("Patient", visit["person_id"]),
        "encounter": ref("Encounter", visit["id"]),
        "effectiveDateTime": b.timestamp(visit["visit_date"]),
    }


def _quantity(b: Builder, value, unit: str, code: str | None = None) -> dict:
    return {"value": value, "unit": unit, "system": b.mapping.system("ucum"), "code": code or unit}


def measurement(b: Builder, visit: MappingType, field: str) -> dict:
    """Return the Observation of one measured value (LOINC code, UCUM unit)."""
    entry = b.mapping.measurement(entry_key(visit, field))
    codings = [b.coding("loinc", entry["loinc"], entry["display"])]
    if entry.get("snomed"):
        codings.append(b.coding("snomed", entry["snomed"], entry["snomed_display"]))
    resource = _base(b, visit, field, entry["category"])
    resource["code"] = {"coding": codings, "text": entry["text"]}
    resource.update(_context(visit, b))
    resource["valueQuantity"] = _quantity(b, visit[field], entry["unit"])
    return resource


def blood_pressure(b: Builder, visit: MappingType) -> dict:
    """Return the blood pressure panel Observation (systolic and diastolic as components)."""
    bp = b.mapping["blood_pressure"]
    resource = _base(b, visit, "blood_pressure", bp["category"])
    resource["code"] = {
        "coding": [b.coding("loinc", bp["panel"]["loinc"], bp["panel"]["display"])],
        "text": bp["text"],
    }
    resource.update(_context(visit, b))
    resource["component"] = [
        {
            "code": {"coding": [b.coding("loinc", bp[part]["loinc"], bp[part]["display"])]},
            "valueQuantity": _quantity(b, visit[f"{part}_bp"], bp["unit"]),
        }
        for part in ("systolic", "diastolic")
        if visit.get(f"{part}_bp") is not None
    ]
    return resource


def zscores(b: Builder, visit: MappingType) -> list[dict]:
    """Return the z-score Observations of a child visit (only the z-scores it has)."""
    age = visit.get("age_days")
    standard = "who2006" if age is not None and age <= WHO2006_LAST_DAY else "who2007"
    reference = b.mapping["growth_references"][standard]
    unit = b.mapping["zscore_unit"]
    categories = visit.get("categories") or {}
    out = []
    for key, entry in b.mapping["zscores"].items():
        if visit.get(key) is None:
            continue
        resource = _base(b, visit, key, "exam")
        resource["code"] = {
            "coding": [b.coding("anthro_zscore", entry["code"], entry["display"])],
            "text": entry["display"],
        }
        resource.update(_context(visit, b))
        resource["valueQuantity"] = _quantity(b, visit[key], unit["unit"], unit["code"])
        label, index = categories.get(key), entry["permenkes_index"].get(standard)
        if label and index:
            code = f"{index}.{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')}"
            resource["interpretation"] = [
                {"coding": [b.coding("permenkes_status", code, label)], "text": label}
            ]
        resource["method"] = {
            "coding": [b.coding("growth_reference", reference["code"], reference["display"])],
            "text": reference["display"],
        }
        derived = [ref("Observation", visit["id"], f) for f in entry["from"] if visit.get(f)]
        if derived:
            resource["derivedFrom"] = derived
        out.append(resource)
    return out
