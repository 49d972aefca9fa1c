"""FHIR R4 resources as plain dicts: Patient, Organization, Location, Encounter, Immunization.

Every resource gets a deterministic UUID (uuid5 of its kind and the record ids it comes from), so
an export of the same data names the same resources, and references inside a bundle are
``urn:uuid:`` URLs (a later uploader can turn them into conditional references).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from functools import lru_cache

from server.fhir.mapping import Mapping
from shared.calendar import as_date

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://posyandu-sync.id/fhir")
_NAMESPACE_BYTES = NAMESPACE.bytes
GENDER = {"M": "male", "F": "female"}


def resource_id(resource_type: str, *parts: str) -> str:
    """Return the deterministic UUID of a resource made from ``parts`` (record ids, a field).

    It is ``uuid.uuid5(NAMESPACE, "Type/part/...")``, computed here without building UUID
    objects: a kabupaten-month makes about 100,000 of them and ``uuid.uuid5`` took 40 % of the
    export's time.
    """
    name = "/".join((resource_type, *parts)).encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ref(resource_type: str, *parts: str) -> dict:
    """Return a Reference to the resource ``resource_id(resource_type, *parts)`` in the bundle."""
    return {"reference": f"urn:uuid:{resource_id(resource_type, *parts)}"}


@dataclass(frozen=True)
class Builder:
    """What every resource builder needs: the mapping in force and the local time zone."""

    mapping: Mapping
    zone: dt.tzinfo

    def timestamp(self, day) -> str:
        """Return a visit day as a dateTime with the local UTC offset (``...T00:00:00+07:00``)."""
        return _timestamp(str(day), self.mapping["visit_local_time"]["value"], self.zone)

    def identifier(self, system: str, value: str) -> dict:
        return {"system": self.mapping.system(system), "value": value}

    def coding(self, system: str, code: str, display: str | None = None) -> dict:
        coding = {"system": self.mapping.system(system), "code": code}
        if display:
            coding["display"] = display
        return coding


@lru_cache(maxsize=1024)
def _timestamp(day: str, clock: str, zone: dt.tzinfo) -> str:
    moment = dt.datetime.combine(as_date(day), dt.time.fromisoformat(clock), tzinfo=zone)
    return moment.isoformat()


def new(resource_type: str, *parts: str, **body) -> dict:
    """Return a resource dict with its type and deterministic id first."""
    return {"resourceType": resource_type, "id": resource_id(resource_type, *parts), **body}


def patient(b: Builder, person: MappingType) -> dict:
    """Return the Patient of a person record: NIK (or the mother's NIK for a baby), name, sex."""
    identifiers = []
    if person.get("nik"):
        identifiers.append(b.identifier("nik", person["nik"]))
    elif person.get("mother_nik"):  # not a field of the person kind yet (BRIEF 6.3: nik-ibu)
        identifiers.append(b.identifier("nik_ibu", person["mother_nik"]))
    identifiers.append(b.identifier("person", person["id"]))
    resource = new(
        "Patient",
        person["id"],
        identifier=identifiers,
        active=True,
        name=[{"use": "official", "text": person["name"]}],
        gender=GENDER.get(person.get("sex"), "unknown"),
        birthDate=person["birth_date"],
    )
    if person.get("died_on"):
        resource["deceasedDateTime"] = person["died_on"]
    if person.get("address"):
        resource["address"] = [{"use": "home", "text": person["address"], "country": "ID"}]
    return resource


def organization(b: Builder, facility: MappingType, parent: MappingType | None) -> dict:
    """Return the Organization of a puskesmas or dinas kesehatan (partOf its dinas)."""
    kind = b.mapping["organization_types"].get(facility.get("kind"))
    resource = new(
        "Organization",
        facility["id"],
        identifier=[b.identifier("facility", facility["id"])],
        active=facility.get("active", True) is not False,
        name=facility["name"],
    )
    if kind:
        resource["type"] = [
            {"coding": [b.coding("organization_type", kind["code"], kind["display"])]}
        ]
    if parent is not None:
        resource["partOf"] = ref("Organization", parent["id"])
    return resource


def location(b: Builder, posyandu: MappingType) -> dict:
    """Return the Location of a posyandu, managed by its puskesmas' Organization."""
    resource = new(
        "Location",
        posyandu["id"],
        identifier=[b.identifier("facility", posyandu["id"])],
        status="active" if posyandu.get("active", True) is not False else "inactive",
        name=posyandu["name"],
        description="Posyandu",
        mode="instance",
    )
    if posyandu.get("parent_id"):
        resource["managingOrganization"] = ref("Organization", posyandu["parent_id"])
    return resource


def encounter(b: Builder, kind: str, visit: MappingType, puskesmas_id: str | None) -> dict:
    """Return the Encounter of one visit: ambulatory, finished, on the visit's day."""
    cls = b.mapping["encounter"]["class"]
    kind_type = b.mapping["encounter"]["types"][kind]
    resource = new(
        "Encounter",
        visit["id"],
        identifier=[b.identifier("visit", visit["id"])],
        status="finished",
        **{"class": {"system": b.mapping.system("act_code"), "code": cls["code"]}},
        type=[
            {
                "coding": [b.coding("encounter_type", kind, kind_type["display"])],
                "text": kind_type["display"],
            }
        ],
        subject=ref("Patient", visit["person_id"]),
        period={"start": b.timestamp(visit["visit_date"])},
        location=[{"location": ref("Location", visit["posyandu_id"])}],
    )
    resource["class"]["display"] = cls["display"]
    if puskesmas_id:
        resource["serviceProvider"] = ref("Organization", puskesmas_id)
    return resource


def immunizations(b: Builder, visit: MappingType) -> list[dict]:
    """Return one Immunization per antigen given at a child visit."""
    table = b.mapping["antigens"]
    out = []
    for code in visit.get("immunizations") or ():
        entry = table.get(code) or {"display": code}
        resource = new(
            "Immunization",
            visit["id"],
            code,
            status="completed",
            vaccineCode={
                "coding": [b.coding("antigen", code, entry["display"])],
                "text": entry["display"],
            },
            patient=ref("Patient", visit["person_id"]),
            encounter=ref("Encounter", visit["id"]),
            occurrenceDateTime=b.timestamp(visit["visit_date"]),
            primarySource=True,
            location=ref("Location", visit["posyandu_id"]),
        )
        if entry.get("dose"):
            resource["protocolApplied"] = [
                {"series": entry["series"], "doseNumberPositiveInt": entry["dose"]}
            ]
        out.append(resource)
    return out
