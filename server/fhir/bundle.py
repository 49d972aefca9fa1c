"""The SATUSEHAT export of one month and area, written as a FHIR R4 Bundle entry by entry.

The Bundle is of type ``collection``, not ``transaction``. A transaction, with conditional
references (``Patient?identifier=https://fhir.kemkes.go.id/id/nik|...``) and the IHS numbers of
the Organization and Locations, is what one POSTs to SATUSEHAT once the kabupaten is onboarded;
this export is a reviewable file of what would be sent: every resource once, linked by ``urn:uuid``
references that resolve inside the file, which a later uploader can turn into transactions.

What goes in: each person with a visit (child, pregnancy, adult) in the month at a posyandu of the
area that the caller may read; per visit an Encounter, its Observations and, for a child, one
Immunization per antigen given; the posyandu as Locations and their puskesmas (and dinas) as
Organizations. Visits are read in one query ordered by person, ``BATCH`` rows at a time, and the
JSON is written as it goes, so a kabupaten-month never sits whole in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from server.fhir.mapping import mapping_for
from server.fhir.observations import visit_observations
from server.fhir.resources import (
    Builder,
    encounter,
    immunizations,
    location,
    organization,
    patient,
    resource_id,
)
from server.models import Record
from server.scope import FacilityIndex, Scope, ScopeKeys, scope_keys
from shared.calendar import month_bounds, parse_period

VISIT_KINDS = ("child_visit", "anc_visit", "adult_visit")
BATCH = 500
CHUNK_BYTES = 64 * 1024
WILAYAH_RE = re.compile(r"^\d{4}(\d{2}(\d{4})?)?$")
FACILITY_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}(-[A-Z0-9]{1,20}){0,4}$")
WILAYAH_LEVELS = {4: "kabupaten", 6: "kecamatan", 10: "desa"}


class BadPeriod(ValueError):
    """The period is not a month 'YYYY-MM'."""


class BadArea(ValueError):
    """The area is neither a kabupaten/kecamatan/desa code nor a puskesmas/posyandu id."""


@dataclass(frozen=True)
class Area:
    """What the caller named: a wilayah level or facility kind and its code (None: everything)."""

    level: str | None = None
    code: str | None = None

    def holds(self, keys: ScopeKeys) -> bool:
        """Tell whether a posyandu with these scope keys lies in the area."""
        if self.level is None:
            return True
        if self.level == "kabupaten":
            return (keys.kecamatan_code or "").startswith(self.code)
        value = {
            "kecamatan": keys.kecamatan_code,
            "desa": keys.desa_code,
            "puskesmas": keys.puskesmas_id,
            "posyandu": keys.posyandu_id,
        }[self.level]
        return value == self.code


def check_period(period: str | None) -> str:
    """Return a valid 'YYYY-MM' (2000–2100), or raise BadPeriod."""
    period = (period or "").strip()
    try:
        year, _ = parse_period(period)
    except ValueError:
        raise BadPeriod(period) from None
    if not 2000 <= year <= 2100:
        raise BadPeriod(period)
    return period


def resolve_area(session, code: str | None, facilities: FacilityIndex) -> Area:
    """Return the area a code names, or raise BadArea (None or '' is the caller's whole scope)."""
    code = (code or "").strip()
    if not code:
        return Area()
    if WILAYAH_RE.match(code):
        row = session.get(Record, code)
        level = WILAYAH_LEVELS.get(len(code))
        if row is None or row.kind != "wilayah" or row.deleted or row.fields.get("level") != level:
            raise BadArea(code)
        return Area(level, code)
    facility = facilities.get(code) if FACILITY_RE.match(code) else None
    if facility is None or facility.get("kind") not in ("puskesmas", "posyandu"):
        raise BadArea(code)
    return Area(facility["kind"], code)


@dataclass
class Export:
    """One export: the month, the area, the caller's scope and the registry."""

    period: str
    area: Area
    scope: Scope
    facilities: FacilityIndex
    builder: Builder
    posyandu: list[dict] = field(default_factory=list)
    organizations: set[str] = field(default_factory=set)

    @classmethod
    def plan(cls, period, area, scope, facilities, zone) -> Export:
        """Choose the mapping in force and the posyandu of the area the caller may read."""
        first, _ = month_bounds(period)
        export = cls(period, area, scope, facilities, Builder(mapping_for(first), zone))
        for facility in sorted(facilities.of_kind("posyandu"), key=lambda f: f["id"]):
            keys = scope_keys("child_visit", {"posyandu_id": facility["id"]}, facilities)
            if (
                isinstance(keys, ScopeKeys)
                and area.holds(keys)
                and scope.can_read("child_visit", keys)
            ):
                export.posyandu.append(facility)
        return export

    def puskesmas_of(self, posyandu_id: str) -> str | None:
        """Return the id of a posyandu's puskesmas when its Organization is in the bundle."""
        parent = (self.facilities.get(posyandu_id) or {}).get("parent_id")
        return parent if parent in self.organizations else None


def facility_resources(export: Export) -> Iterator[dict]:
    """Yield the dinas and puskesmas Organizations, then a Location per posyandu."""
    b, facilities = export.builder, export.facilities
    puskesmas = sorted({p.get("parent_id") for p in export.posyandu} - {None})
    puskesmas = [facilities.get(i) for i in puskesmas if facilities.get(i)]
    dinas = sorted({p.get("parent_id") for p in puskesmas} - {None})
    for facility in [facilities.get(i) for i in dinas if facilities.get(i)] + puskesmas:
        parent = facilities.get(facility.get("parent_id"))
        export.organizations.add(facility["id"])
        yield organization(b, facility, parent if parent and parent["id"] in dinas else None)
    for posyandu in export.posyandu:
        resource = location(b, posyandu)
        if export.puskesmas_of(posyandu["id"]) is None:
            resource.pop("managingOrganization", None)
        yield resource


def visit_rows(session, export: Export):
    """Return the month's visits at the export's posyandu with their person, ordered by person."""
    first, last = month_bounds(export.period)
    person = so.aliased(Record)
    visit_date = Record.fields["visit_date"].as_string()
    query = (
        sa.select(Record.kind, Record.fields, person.fields.label("person"))
        .join(
            person,
            sa.and_(
                person.id == Record.person_id,
                person.kind == "person",
                person.deleted.is_(False),
                export.scope.read_filter(person),
            ),
        )
        .where(
            Record.kind.in_(VISIT_KINDS),
            Record.deleted.is_(False),
            Record.posyandu_id.in_([p["id"] for p in export.posyandu]),
            export.scope.read_filter(),
            visit_date >= first.isoformat(),
            visit_date <= last.isoformat(),
        )
        .order_by(Record.person_id, visit_date, Record.id)
        .execution_options(yield_per=BATCH)
    )
    return session.execute(query)


def person_resources(session, export: Export) -> Iterator[dict]:
    """Yield per person served: the Patient, then per visit its Encounter, Observations, doses."""
    if not export.posyandu:
        return
    b, current = export.builder, None
    for row in visit_rows(session, export):
        if row.person["id"] != current:
            current = row.person["id"]
            yield patient(b, row.person)
        visit = row.fields
        yield encounter(b, row.kind, visit, export.puskesmas_of(visit["posyandu_id"]))
        yield from visit_observations(b, row.kind, visit)
        if row.kind == "child_visit":
            yield from immunizations(b, visit)


def bundle_header(export: Export, now: dt.datetime) -> dict:
    """Return the Bundle's own elements (everything but its entries)."""
    b = export.builder
    stamp = now.astimezone(b.zone).isoformat(timespec="seconds")
    parts = (export.area.code or "scope", export.period, export.scope.fingerprint())
    return {
        "resourceType": "Bundle",
        "id": resource_id("Bundle", *parts, b.mapping.version),
        "meta": {
            "lastUpdated": stamp,
            "tag": [b.coding("mapping_version", b.mapping.version, "Pemetaan kode ekspor")],
        },
        "type": "collection",
        "timestamp": stamp,
    }


def bundle_text(session, export: Export, now: dt.datetime | None = None) -> Iterator[bytes]:
    """Yield the Bundle's JSON in chunks of about CHUNK_BYTES, entry by entry."""
    header = json.dumps(bundle_header(export, now or dt.datetime.now(dt.UTC)), ensure_ascii=False)
    pending, size, count = [header[:-1]], 0, 0
    for group in (facility_resources(export), person_resources(session, export)):
        for resource in group:
            entry = {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            text = ("," if count else ',"entry":[') + json.dumps(
                entry, ensure_ascii=False, separators=(",", ":")
            )
            pending.append(text)
            size, count = size + len(text), count + 1
            if size >= CHUNK_BYTES:
                yield "".join(pending).encode()
                pending, size = [], 0
    pending.append("]}" if count else "}")  # FHIR JSON has no empty arrays
    yield "".join(pending).encode()


def gzipped(chunks: Iterable[bytes], level: int = 5) -> Iterator[bytes]:
    """Compress a stream of chunks into one gzip stream, chunk by chunk."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = compressor.compress(chunk)
        if out:
            yield out
    yield compressor.flush()
