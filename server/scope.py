"""Roles and scope (DESIGN.md section 5): what a user may read and write, checked on every request.

Each record row carries its scope keys (posyandu, desa, kecamatan, puskesmas), filled by the server
from the facility registry at write time, so a scope is a plain SQL filter over indexed columns.
Reference kinds (wilayah, facility) are public within the kabupaten and readable by every user.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa

from server.models import Record
from shared import records

ROLES = ("kader", "bidan_desa", "puskesmas", "kecamatan", "dinas", "admin")
REVIEWER_ROLES = frozenset({"puskesmas", "admin"})
LOKMIN_KINDS = frozenset({"lokmin_meeting", "lokmin_agreement"})
# Written only from the Pokjanal pages (which check the role themselves), never by a device push:
# a kader's device pulls the signals and death reviews of its posyandu but cannot close or forge one.
PAGE_ONLY_KINDS = frozenset({"signal", "death_review", "odf_verification"})
# The levels of the hierarchy, top down, and the scope column that files a record under each one.
AREA_LEVELS = ("kabupaten", "kecamatan", "puskesmas", "desa", "posyandu")
AREA_COLUMNS = {
    "kecamatan": "kecamatan_code",
    "puskesmas": "puskesmas_id",
    "desa": "desa_code",
    "posyandu": "posyandu_id",
}
# Records filed at an area itself rather than at one of its posyandu.
AREA_RECORD_KINDS = {"kecamatan": tuple(sorted(LOKMIN_KINDS)), "desa": ("desa_report",)}


# database URL -> (registry stamp, facilities): see FacilityIndex.load.
_FACILITY_CACHE: dict[str, tuple[tuple, dict[str, dict]]] = {}


# FacilityIndex.load's queries, built once (every request runs the first).
_FACILITY_STAMP = sa.select(
    sa.func.count(), sa.func.max(Record.change_seq), sa.func.sum(Record.version)
).where(Record.kind == "facility")
_FACILITIES = sa.select(Record.id, Record.fields).where(
    Record.kind == "facility", Record.deleted.is_(False)
)


class UnknownUnit(LookupError):
    """The unit a user is attached to does not exist in the registry."""


@dataclass(frozen=True)
class FacilityIndex:
    """The facility registry (reference records of kind ``facility``) keyed by id."""

    facilities: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, session) -> FacilityIndex:
        """Read every live facility record (from a per-process cache while the registry is unchanged).

        Every request needs the registry (scope, push) and decoding it cost about 3 ms a request
        under load. Each facility write takes a new ``change_seq``, so the facility rows' count,
        highest ``change_seq`` and version sum, read in the caller's transaction, tell whether the
        cached copy is still the registry this transaction sees; the caller gets its own copy.
        """
        stamp = session.execute(_FACILITY_STAMP).one()
        key = (session.get_bind().url.render_as_string(hide_password=False), *stamp)
        cached = _FACILITY_CACHE.get(key[0])
        if cached is None or cached[0] != key:
            rows = session.execute(_FACILITIES).all()
            cached = (key, {row.id: row.fields for row in rows})
            _FACILITY_CACHE[key[0]] = cached
        return cls(dict(cached[1]))

    def get(self, facility_id: str | None) -> dict | None:
        """Return the facility's fields, or None."""
        return self.facilities.get(facility_id) if facility_id else None

    def put(self, facility_id: str, fields: Mapping | None) -> None:
        """Update the index after a facility record changed in this transaction."""
        if fields is None:
            self.facilities.pop(facility_id, None)
        else:
            self.facilities[facility_id] = dict(fields)

    def of_kind(self, kind: str) -> list[dict]:
        """Return the facilities of ``kind``."""
        return [f for f in self.facilities.values() if f.get("kind") == kind]

    def puskesmas_serves(self, facility_id: str | None, kecamatan_code: str | None) -> bool:
        """Tell whether ``facility_id`` is a puskesmas of ``kecamatan_code`` (its own kecamatan, or
        one holding a desa of its wilayah kerja: the kecamatan its users' scope covers)."""
        facility = self.get(facility_id)
        if facility is None or facility.get("kind") != "puskesmas" or not kecamatan_code:
            return False
        served = {d[:6] for d in facility.get("wilayah_kerja") or ()}
        return kecamatan_code == facility.get("kecamatan_code") or kecamatan_code in served

    def puskesmas_for_desa(self, desa_code: str) -> str | None:
        """Return the puskesmas whose wilayah kerja holds ``desa_code`` (first by id)."""
        ids = sorted(
            f["id"]
            for f in self.of_kind("puskesmas")
            if desa_code in (f.get("wilayah_kerja") or ())
        )
        return ids[0] if ids else None


@dataclass(frozen=True)
class ScopeKeys:
    """The scope columns of one record."""

    posyandu_id: str | None = None
    desa_code: str | None = None
    kecamatan_code: str | None = None
    puskesmas_id: str | None = None

    @classmethod
    def of_posyandu(cls, facility: Mapping) -> ScopeKeys:
        """Return the keys of a posyandu facility, which every record filed at it carries.

        The kecamatan is the facility's own, else the first six digits of its desa.
        """
        desa = facility.get("desa_code")
        return cls(
            facility["id"],
            desa,
            facility.get("kecamatan_code") or (desa[:6] if desa else None),
            facility.get("parent_id"),
        )

    def in_area(self, level: str, code: str) -> bool:
        """Tell whether a record with these keys lies in an area of ``level`` (see AREA_LEVELS).

        The kabupaten holds every kecamatan whose code starts with its own.
        """
        if level == "kabupaten":
            return (self.kecamatan_code or "").startswith(code)
        return getattr(self, AREA_COLUMNS[level]) == code


def keys_of_unit(unit: str | None, facilities: FacilityIndex, role: str | None = None) -> ScopeKeys:
    """Return the scope keys of a unit: a posyandu or puskesmas id, a desa or kecamatan code.

    A user's unit (``role`` given) for dinas and admin is the whole kabupaten: no key. Devices and
    areas are checked against a scope with these keys, like records.
    """
    if role in ("dinas", "admin"):
        return ScopeKeys()
    facility = facilities.get(unit)
    if facility is not None and facility.get("kind") == "posyandu":
        return ScopeKeys.of_posyandu(facility)
    if facility is not None and facility.get("kind") == "puskesmas":
        keys = scope_keys("facility", facility, facilities)
        return keys if isinstance(keys, ScopeKeys) else ScopeKeys()
    unit = unit or ""
    if len(unit) == 10:
        return ScopeKeys(None, unit, unit[:6], facilities.puskesmas_for_desa(unit))
    if len(unit) == 6:
        return ScopeKeys(None, None, unit, None)
    return ScopeKeys()


def parent_area(level: str, code: str, facilities: FacilityIndex) -> str | None:
    """Return the area one level above in AREA_LEVELS order (None at the top or when unknown).

    A kecamatan's kabupaten is its first four digits, a puskesmas's kecamatan its own, a desa's
    puskesmas the one whose wilayah kerja holds it, a posyandu's desa its own.
    """
    if level == "kecamatan":
        return code[:4]
    if level == "puskesmas":
        return (facilities.get(code) or {}).get("kecamatan_code")
    if level == "desa":
        return facilities.puskesmas_for_desa(code)
    if level == "posyandu":
        return (facilities.get(code) or {}).get("desa_code")
    return None


def scope_keys(kind: str, values: Mapping, facilities: FacilityIndex) -> ScopeKeys | str:
    """Compute a record's scope keys; return the offending field name when its unit is unknown."""
    scope_field = records.spec(kind).scope_field
    if scope_field == "posyandu_id":
        posyandu = facilities.get(values.get("posyandu_id"))
        if posyandu is None or posyandu.get("kind") != "posyandu":
            return "posyandu_id"
        return ScopeKeys.of_posyandu(posyandu)
    if scope_field == "desa_code":
        desa = values.get("desa_code")
        return ScopeKeys(None, desa, desa[:6], facilities.puskesmas_for_desa(desa))
    if scope_field == "kecamatan_code":
        return ScopeKeys(None, None, values.get("kecamatan_code"), values.get("puskesmas_id"))
    if kind == "facility":
        return ScopeKeys(
            values["id"] if values.get("kind") == "posyandu" else None,
            values.get("desa_code"),
            values.get("kecamatan_code"),
            values["id"] if values.get("kind") == "puskesmas" else values.get("parent_id"),
        )
    code = values.get("code") or ""
    return ScopeKeys(
        None, code if len(code) == 10 else None, code[:6] if len(code) >= 6 else None, None
    )


@dataclass(frozen=True)
class Scope:
    """What one user may see and change."""

    role: str
    everything: bool = False
    posyandu: frozenset[str] = frozenset()
    desa: frozenset[str] = frozenset()
    kecamatan: frozenset[str] = frozenset()
    puskesmas: frozenset[str] = frozenset()

    def fingerprint(self) -> str:
        """Return a short hash that changes whenever the scope changes (drives pull ``reset``)."""
        payload = json.dumps(
            [
                self.role,
                self.everything,
                sorted(self.posyandu),
                sorted(self.desa),
                sorted(self.kecamatan),
                sorted(self.puskesmas),
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        """Describe the scope for the login answer."""
        return {
            "everything": self.everything,
            "kecamatan": sorted(self.kecamatan),
            "desa": sorted(self.desa),
            "posyandu": sorted(self.posyandu),
            "puskesmas": sorted(self.puskesmas),
        }

    # -- reading ------------------------------------------------------------------------------
    def read_branches(self, model=Record) -> list:
        """Return the conditions whose union is what this user may read.

        Each branch is driven by one indexed column, so a pull can walk each branch's
        ``(column, change_seq)`` index in order instead of sorting the whole scope per page.
        """
        if self.everything:
            return [sa.true()]
        # Reference kinds one by one too: each walks (kind, change_seq) in order, no sort.
        branches = [model.kind == kind for kind in sorted(records.REFERENCE_KINDS)]
        if self.role == "kader":
            branches += [
                model.posyandu_id.in_(self.posyandu),
                sa.and_(model.desa_code.in_(self.desa), model.kind == "desa_report"),
            ]
        elif self.role == "bidan_desa":
            branches += [sa.and_(model.desa_code.in_(self.desa), model.kind.not_in(LOKMIN_KINDS))]
        elif self.role == "puskesmas":
            branches += [
                sa.and_(model.puskesmas_id.in_(self.puskesmas), model.kind.not_in(LOKMIN_KINDS)),
                sa.and_(model.desa_code.in_(self.desa), model.kind == "desa_report"),
                # One branch per lokmin kind: with ``kind = k`` the database walks the
                # small (kind, change_seq) index; with ``kind IN (...)`` SQLite walked
                # the kecamatan's whole (kecamatan_code, change_seq) index on every page.
                *(
                    sa.and_(model.kind == kind, model.kecamatan_code.in_(self.kecamatan))
                    for kind in sorted(LOKMIN_KINDS)
                ),
            ]
        elif self.role == "kecamatan":
            branches += [model.kecamatan_code.in_(self.kecamatan)]
        return branches

    def read_filter(self, model=Record):
        """Return the SQL condition selecting the rows this user may read."""
        branches = self.read_branches(model)
        return branches[0] if len(branches) == 1 else sa.or_(*branches)

    def can_read(self, kind: str, keys: ScopeKeys) -> bool:
        """Tell whether a record with these scope keys is readable (Python twin of read_filter)."""
        if self.everything or kind in records.REFERENCE_KINDS:
            return True
        if self.role == "kader":
            return keys.posyandu_id in self.posyandu or (
                kind == "desa_report" and keys.desa_code in self.desa
            )
        if self.role == "bidan_desa":
            return kind not in LOKMIN_KINDS and keys.desa_code in self.desa
        if self.role == "puskesmas":
            if kind in LOKMIN_KINDS:
                return keys.kecamatan_code in self.kecamatan
            return keys.puskesmas_id in self.puskesmas or (
                kind == "desa_report" and keys.desa_code in self.desa
            )
        if self.role == "kecamatan":
            return keys.kecamatan_code in self.kecamatan
        return False

    def can_read_area(self, level: str, code: str, facilities: FacilityIndex) -> bool:
        """Tell whether the user may open the pages of an area (figures, trends, exports).

        The kabupaten is open to every user (its figures hold only what each may read); another
        area when the user may read records filed in it: its own (a desa's report, a kecamatan's
        lokmin) or those of one of its posyandu.
        """
        if self.everything or level == "kabupaten":
            return True
        keys = keys_of_unit(code, facilities)
        if any(self.can_read(kind, keys) for kind in AREA_RECORD_KINDS.get(level, ())):
            return True
        return any(
            inside.in_area(level, code) and self.can_read("person", inside)
            for inside in map(ScopeKeys.of_posyandu, facilities.of_kind("posyandu"))
        )

    # -- writing ------------------------------------------------------------------------------
    def can_write(self, kind: str, keys: ScopeKeys) -> bool:
        """Tell whether this user may create or change a record of ``kind`` with these keys."""
        if kind in PAGE_ONLY_KINDS:
            return False
        if kind in records.REFERENCE_KINDS:
            return self.role == "admin"
        if kind in LOKMIN_KINDS:
            return self.role in ("kecamatan", "puskesmas") and keys.kecamatan_code in self.kecamatan
        if self.role == "kader":
            if kind == "desa_report":
                return keys.desa_code in self.desa
            return keys.posyandu_id in self.posyandu
        if self.role == "bidan_desa":
            return keys.desa_code in self.desa
        return False

    def can_review(self, keys: ScopeKeys) -> bool:
        """Tell whether this user may resolve a conflict on a record with these keys."""
        if self.role == "admin":
            return True
        return self.role == "puskesmas" and (
            keys.puskesmas_id in self.puskesmas or keys.desa_code in self.desa
        )


def scope_for(role: str, unit: str, facilities: FacilityIndex) -> Scope:
    """Compute a user's scope from their role and unit (facility id or wilayah code)."""
    if role in ("dinas", "admin"):
        return Scope(role, everything=True)
    facility = facilities.get(unit)
    if role == "kader":
        if facility is None or facility.get("kind") != "posyandu":
            raise UnknownUnit(unit)
        desa = facility.get("desa_code")
        return Scope(
            role,
            posyandu=frozenset({unit}),
            desa=frozenset({desa}),
            kecamatan=frozenset({facility.get("kecamatan_code") or desa[:6]}),
            puskesmas=frozenset({facility["parent_id"]})
            if facility.get("parent_id")
            else frozenset(),
        )
    if role == "bidan_desa":
        desa = facility.get("desa_code") if facility else unit
        if not desa or len(desa) != 10:
            raise UnknownUnit(unit)
        posyandu = {f["id"] for f in facilities.of_kind("posyandu") if f.get("desa_code") == desa}
        return Scope(
            role,
            posyandu=frozenset(posyandu),
            desa=frozenset({desa}),
            kecamatan=frozenset({desa[:6]}),
        )
    if role == "puskesmas":
        if facility is None or facility.get("kind") != "puskesmas":
            raise UnknownUnit(unit)
        desa = frozenset(facility.get("wilayah_kerja") or ())
        posyandu = {f["id"] for f in facilities.of_kind("posyandu") if f.get("parent_id") == unit}
        kecamatan = {d[:6] for d in desa} | (
            {facility["kecamatan_code"]} if facility.get("kecamatan_code") else set()
        )
        return Scope(
            role,
            posyandu=frozenset(posyandu),
            desa=desa,
            kecamatan=frozenset(kecamatan),
            puskesmas=frozenset({unit}),
        )
    if role == "kecamatan":
        code = facility.get("kecamatan_code") if facility else unit
        if not code or len(code) != 6:
            raise UnknownUnit(unit)
        desa = {
            f["desa_code"]
            for f in facilities.of_kind("posyandu")
            if (f.get("desa_code") or "").startswith(code)
        }
        return Scope(role, desa=frozenset(desa), kecamatan=frozenset({code}))
    raise UnknownUnit(unit)
