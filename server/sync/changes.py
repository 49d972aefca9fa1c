"""The one write path: every change to a record on the server goes through a :class:`ChangeSet`.

A device's push, a conflict resolution, a reference-data write (wilayah, facilities, lokmin, the
demo) — each opens one ChangeSet in its transaction, puts its records through it, and commits it:

1. ``check``: the new values are validated against the record kind (the records they refer to must
   exist and be readable by the writer), their scope keys are computed from the new values (a
   record that moves to another posyandu moves its scope columns with it), and the writer's right
   to write there is checked (a device: its user's write scope; a conflict reviewer: the units it
   reviews; the system itself: everything);
2. ``store``: the row is created or updated (version, per-field metadata, scope columns), its
   state before the change is kept for the indicator refresh, and its own derived values are
   recomputed (ANC, adult visits; a child's growth and a person's ILP values wait for step 3);
3. ``commit``: the growth values of every child touched are recomputed over the child's history,
   so are the ILP values of every person touched (``shared.derive.derive_person_records``), the
   indicator aggregates are refreshed from the changed rows and their earlier state (an explicit
   call, not a session listener), and every changed row takes a new change-log position.

A test (tests/server/test_write_path.py) pins that each writer leaves the same rows, change log and
aggregates as a device push of the same change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from server.indicators.refresh import Original, refresh_for_changes
from server.models import Record, utcnow
from server.scope import FacilityIndex, Scope, ScopeKeys, scope_keys
from server.sync import locks
from server.sync.children import recompute_children
from server.sync.merge import DELETED, initial_meta
from server.sync.positions import allocate_positions, insert_in_runs
from shared import records
from shared.calendar import DEFAULT_ZONE
from shared.derive import (
    ILP_INPUT_KINDS,
    derive_adult_visit,
    derive_anc_visit,
)
from shared.i18n import t
from shared.sync import hlc as hlc_mod

_RECORD_COLUMNS = tuple(column.key for column in Record.__table__.columns)
CHILD_KINDS = ("person", "child_visit")
# Writing one of these recomputes the person's ILP values (youth visits, nifas, TB, doses).
PERSON_KINDS = tuple(dict.fromkeys((*CHILD_KINDS, *ILP_INPUT_KINDS)))
# ChangeSet.load's query, built once (building and cache-keying it cost more than running it).
_LOAD = sa.select(Record).where(Record.id.in_(sa.bindparam("ids", expanding=True)))
_LOAD = _LOAD.order_by(Record.id)
_LOAD_LOCKED = _LOAD.with_for_update()


@dataclass(frozen=True)
class Writer:
    """Who writes: the name stamped on changed fields and what they may write.

    ``scope`` (reading references) and ``permits`` (writing a kind at scope keys) are None for the
    system itself (CLI, demo, reference data), which may write anything.
    """

    actor: str
    scope: Scope | None = None
    permits: Callable[[str, ScopeKeys], bool] | None = None

    @classmethod
    def device(cls, device_id: str, scope: Scope) -> Writer:
        """Return the writer of a device's push: its user's write scope."""
        return cls(device_id, scope, scope.can_write)

    @classmethod
    def reviewer(cls, username: str, scope: Scope) -> Writer:
        """Return a conflict reviewer: may write only inside the units it reviews."""
        return cls(username, scope, lambda _kind, keys: scope.can_review(keys))

    @classmethod
    def user(cls, username: str, scope: Scope) -> Writer:
        """Return a signed-in user writing from a web page: its own write scope."""
        return cls(username, scope, scope.can_write)

    @classmethod
    def system(cls, actor: str = "server") -> Writer:
        """Return the server itself (reference data, demo, CLI): unrestricted."""
        return cls(actor)


class Rejected(Exception):
    """A change refused: per-field errors in the writer's language (nothing was written).

    ``code`` names a refusal a device handles on its own (``period_locked``, ``merged``), else
    None; ``details`` go into the push result with it (``merged_into``: the survivor's id).
    """

    def __init__(self, errors: dict, code: str | None = None, details: dict | None = None):
        super().__init__(errors)
        self.errors = errors
        self.code = code
        self.details = details or {}


def keys_of(row: Record) -> ScopeKeys:
    """Return the scope keys stored on a row."""
    return ScopeKeys(row.posyandu_id, row.desa_code, row.kecamatan_code, row.puskesmas_id)


def _snapshot(row: Record) -> Original:
    return (row.kind, row.posyandu_id, row.desa_code, row.person_id, row.deleted, row.fields or {})


@dataclass
class ChangeSet:
    """Working state of one server-side write transaction (see the module docstring)."""

    session: object
    writer: Writer
    lang: str = "id"
    now: datetime = field(default_factory=utcnow)
    facilities: FacilityIndex | None = None
    clock: hlc_mod.Clock = field(default_factory=lambda: hlc_mod.Clock("server"))
    zone: str = DEFAULT_ZONE
    loaded: dict[str, Record | None] = field(default_factory=dict)
    changed: dict[str, Record] = field(default_factory=dict)
    originals: dict[str, Original | None] = field(default_factory=dict)
    dirty_children: set[str] = field(default_factory=set)
    # Persons whose every derived value is recomputed from its inputs, whole history, no stored
    # z-score reused (posyandu-server rederive, server/sync/rederive.py).
    rederive: set[str] = field(default_factory=set)
    lock_after_day: int | None = field(default_factory=locks.configured_lock_after_day)
    locked_reviews: set[str] = field(default_factory=set)  # review rows read under lock
    lock_answers: dict = field(default_factory=dict)  # locks.lock_error's, per month asked
    unsaved: list[Record] = field(default_factory=list)  # new rows, not in the session yet
    # Every live record of the children recomputed, as read (id -> Original): the indicator
    # refresh reads the same persons' records and takes them from here instead of again.
    person_states: dict[str, Original] = field(default_factory=dict)
    states_of: set[str] = field(default_factory=set)  # the persons person_states covers

    def __post_init__(self) -> None:
        if self.facilities is None:
            self.facilities = FacilityIndex.load(self.session)

    # -- reading ----------------------------------------------------------------------------------
    def record(self, record_id: str) -> Record | None:
        """Return a record touched in this change set or stored, or None."""
        if record_id not in self.loaded:
            with self.session.no_autoflush:  # new records are in ``loaded`` already
                self.loaded[record_id] = self.session.get(Record, record_id)
        return self.loaded[record_id]

    def load(self, ids: Iterable[str], *, lock: bool = False) -> None:
        """Load records by id, 500 at a time; ``lock`` takes their row locks in id order.

        Locking in id order means two concurrent writers never wait on each other crosswise;
        without it two devices' pushes on PostgreSQL both merge onto the same old state and the
        later commit drops the earlier one's fields. SQLite ignores FOR UPDATE (writers are
        serialised anyway). Ids not found are remembered as new.
        """
        wanted = sorted({i for i in ids if i not in self.loaded})
        with self.session.no_autoflush:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = _LOAD_LOCKED if lock else _LOAD
                found = {
                    row.id: row for row in self.session.execute(query, {"ids": chunk}).scalars()
                }
                for record_id in chunk:
                    self.loaded[record_id] = found.get(record_id)

    def can_read(self, row: Record) -> bool:
        """Tell whether the writer may read a stored record (the system reads everything)."""
        scope = self.writer.scope
        return scope is None or scope.can_read(row.kind, keys_of(row))

    # -- checking ---------------------------------------------------------------------------------
    def _error(self, key: str, **params) -> list[str]:
        return [t(key, self.lang, **params)]

    def references(self, kind: str, values: Mapping) -> tuple[dict, dict]:
        """Check referenced records exist and are readable; return (validation context, errors)."""
        context, errors = {}, {}
        if kind in records.REFERENCE_KINDS:
            return context, errors
        for name, ref_kind in records.spec(kind).refs.items():
            ref_id = values.get(name)
            # Not a string (a list, an object, a huge number): validation reports it, no lookup.
            if not isinstance(ref_id, str) or not ref_id or ref_kind in records.REFERENCE_KINDS:
                continue
            ref = self.record(ref_id)
            self.check_not_merged(ref)
            if ref is None or ref.deleted or ref.kind != ref_kind or not self.can_read(ref):
                errors[name] = self._error("server.ref_missing")
            elif ref_kind in ("person", "pregnancy"):
                context[ref_kind] = ref.fields
        return context, errors

    def check_not_merged(self, row: Record | None) -> None:
        """Raise Rejected (code ``merged``) for a person merged into another (server/sync/person_merge)."""
        survivor = row is not None and row.deleted and (row.fields or {}).get("merged_into")
        if survivor and self.writer.scope is not None:
            raise Rejected(
                {"_schema": self._error("server.person_merged", survivor=survivor)},
                "merged",
                {"merged_into": survivor},
            )

    def lokmin_puskesmas(self, kind: str, values: Mapping) -> dict:
        """A lokmin meeting's puskesmas must be a registered puskesmas of the meeting's kecamatan
        (it files the meeting under that puskesmas: a made-up one would be nobody's)."""
        facility_id = values.get("puskesmas_id") if kind == "lokmin_meeting" else None
        if not facility_id or self.facilities.puskesmas_serves(
            facility_id, values.get("kecamatan_code")
        ):
            return {}
        return {
            "puskesmas_id": self._error(
                "server.puskesmas_not_in_kecamatan",
                value=facility_id,
                kecamatan=values.get("kecamatan_code") or "-",
            )
        }

    def check(self, kind: str, values: Mapping, *, deleted: bool = False, today=None):
        """Validate new values and their scope; return (clean values, scope keys) or raise Rejected."""
        self.check_not_merged(self.record(values.get("id") or ""))
        if not deleted:
            context, errors = self.references(kind, values)
            # today=None: shared/records judges "not in the future" by the date in Indonesia
            # (WIT), not by the server's UTC date, so a visit saved after local midnight passes.
            result = records.validate(
                kind, values, context=context or None, lang=self.lang, today=today
            )
            errors = {**result.errors, **errors, **self.lokmin_puskesmas(kind, result.values)}
            if errors:
                raise Rejected(errors)
            values = result.values
        keys = scope_keys(kind, values, self.facilities)
        if isinstance(keys, str):
            raise Rejected({keys: self._error("server.unit_unknown", value=values.get(keys))})
        self.check_permitted(kind, keys)
        self.check_open(kind, values)
        if kind == "period_review" and self.writer.scope is not None and not deleted:
            values = locks.stamp_review(self, values)
        return dict(values), keys

    def check_open(self, kind: str, values: Mapping) -> None:
        """Raise Rejected when the record's month (now or before the change) is closed.

        The system writer (no scope: CLI, demo, reference data) is not held by locks.
        """
        if self.writer.scope is None:
            return
        if kind == "period_review":
            key = locks.review_error(self, values)
            if key:
                field = "_schema" if key == "server.review_field_refused" else "status"
                raise Rejected({field: self._error(key)}, "review_step_refused")
            return
        if kind not in locks.LOCKED_KINDS:
            return
        row = self.record(values.get("id") or "")
        for current in (values, row.fields if row is not None and row.kind == kind else None):
            found = current is not None and locks.lock_error(self, kind, current)
            if found:
                raise Rejected({"_schema": self._error(found[0], **found[1])}, "period_locked")

    def check_permitted(self, kind: str, keys: ScopeKeys) -> None:
        """Raise Rejected unless the writer may write a record of ``kind`` at these keys."""
        permits = self.writer.permits
        if permits is not None and not permits(kind, keys):
            raise Rejected({"_schema": self._error("server.outside_scope")})

    # -- writing ----------------------------------------------------------------------------------
    def store(
        self,
        kind: str,
        record_id: str,
        values: Mapping,
        keys: ScopeKeys,
        *,
        meta: Mapping,
        deleted: bool = False,
    ) -> Record:
        """Create or update a record with checked values; its derived values follow."""
        row = self.record(record_id)
        person_id = record_id if kind == "person" else values.get("person_id")
        if row is None:
            row = Record.unsaved(
                id=record_id,
                kind=kind,
                version=1,
                deleted=deleted,
                fields=dict(values),
                field_meta=dict(meta),
                posyandu_id=keys.posyandu_id,
                desa_code=keys.desa_code,
                kecamatan_code=keys.kecamatan_code,
                puskesmas_id=keys.puskesmas_id,
                person_id=person_id,
                change_seq=None,
                created_at=self.now,
                updated_at=self.now,
            )
            self.unsaved.append(row)  # inserted at commit, in one executemany (_insert_new)
            self.loaded[record_id] = row
            self.originals.setdefault(record_id, None)
            self.changed[record_id] = row  # touched
        else:
            self.originals.setdefault(record_id, _snapshot(row))
            spec = records.spec(kind)
            derived = {k: v for k, v in row.fields.items() if k in spec.derived_fields}
            row.fields = {**values, **derived}
            row.field_meta = dict(meta)
            row.deleted = deleted
            row.version += 1
            row.posyandu_id, row.desa_code = keys.posyandu_id, keys.desa_code
            row.kecamatan_code, row.puskesmas_id = keys.kecamatan_code, keys.puskesmas_id
            row.person_id = person_id
            self.touch(row)
        if kind == "period_review":
            self.lock_answers.clear()  # a month's status changed: ask again
        self._derive(row)
        return row

    def touch(self, row: Record) -> None:
        """Give a row a new change-log position at commit (its content may be unchanged)."""
        row.updated_at = self.now
        self.changed[row.id] = row

    def _derive(self, row: Record) -> None:
        """Recompute a row's own derived values; note children and facilities for later."""
        if row.kind in PERSON_KINDS:
            self.dirty_children.add(row.person_id)
        elif row.kind == "facility":
            self.facilities.put(row.id, None if row.deleted else row.fields)
        elif row.kind == "anc_visit" and not row.deleted:
            pregnancy = self.record(row.fields.get("pregnancy_id") or "")
            row.fields = {
                **row.fields,
                **derive_anc_visit(row.fields, pregnancy.fields if pregnancy else None),
            }
        elif row.kind == "adult_visit" and not row.deleted:
            row.fields = {**row.fields, **derive_adult_visit(row.fields)}

    def server_write(
        self,
        kind: str,
        record_id: str,
        values: Mapping,
        *,
        deleted: bool | None = None,
        replace: bool = False,
        today=None,
    ) -> str:
        """Write values as a change made on the server; return created, updated or unchanged.

        ``values`` are merged onto the stored fields, or ``replace`` them (reference data is
        written whole). Each field that differs is stamped with this change's version and the
        writer, so devices merge it like any other edit.
        """
        row = self.record(record_id)
        if row is not None and row.kind != kind:
            raise Rejected({"id": self._error("server.kind_mismatch")})
        if row is not None and not self.can_read(row):
            raise Rejected({"_schema": self._error("server.outside_scope")})
        spec = records.spec(kind)
        stored = {}
        if row is not None:
            stored = {k: v for k, v in row.fields.items() if k not in spec.derived_fields}
        new_deleted = (row.deleted if row is not None else False) if deleted is None else deleted
        base = {} if replace else stored
        clean, keys = self.check(
            kind, {**base, **values, "id": record_id}, deleted=new_deleted, today=today
        )
        if row is not None and clean == stored and new_deleted == row.deleted:
            return "unchanged"
        if row is not None:
            self.check_permitted(kind, keys_of(row))  # and where it was: moving out needs both
        return self._stamp(kind, record_id, row, stored, clean, keys, new_deleted)

    def _stamp(self, kind, record_id, row, stored, clean, keys, deleted) -> str:
        h = hlc_mod.format(self.clock.now())
        if row is None:
            self.store(
                kind,
                record_id,
                clean,
                keys,
                meta=initial_meta(clean, h, self.writer.actor),
                deleted=deleted,
            )
            return "created"
        version = row.version + 1
        meta = {k: list(v) for k, v in row.field_meta.items()}
        for name, value in clean.items():
            if name not in stored or stored[name] != value:
                meta[name] = [version, h, self.writer.actor]
        if deleted != row.deleted:
            meta[DELETED] = [version, h, self.writer.actor]
        self.store(kind, record_id, clean, keys, meta=meta, deleted=deleted)
        return "updated"

    # -- committing -------------------------------------------------------------------------------
    def commit(self) -> None:
        """Recompute children, refresh the indicator aggregates and assign change-log positions."""
        self.recompute_children()
        rows = list(self.changed.values())
        # SQLite has one writer, so the counter may be taken now: each new row is then inserted
        # with its position (a second write of every row and its six change_seq indexes was 4 %
        # of a push). PostgreSQL takes it last, holding the counter row as briefly as it can.
        early = self.session.get_bind().dialect.name == "sqlite"
        if early:
            with self.session.no_autoflush:
                for position, row in zip(
                    allocate_positions(self.session, len(rows)), rows, strict=True
                ):
                    row.change_seq = position
        self._insert_new()
        refresh_for_changes(
            self.session,
            self.changed.values(),
            self.originals,
            now=self.now,
            zone=self.zone,
            known=self.current_person_states(),
        )
        self.originals = {}
        self.session.flush()  # then the positions in one executemany, not an UPDATE per object
        if not early:
            self._positions_last(rows)

    def _insert_new(self) -> None:
        """Insert the change set's new rows with Core executemany, then attach them as stored.

        The ORM's unit of work spent a fifth of a push inserting new rows one object at a time;
        until here they live only in ``loaded`` and ``changed`` (every reader of this change set
        looks there first), so each is inserted once, with its derived values.
        """
        rows, self.unsaved = self.unsaved, []
        values = [
            {k: row.__dict__[k] for k in _RECORD_COLUMNS if k in row.__dict__} for row in rows
        ]
        insert_in_runs(self.session, Record.__table__, values)
        for row in rows:
            make_transient_to_detached(row)  # what it holds is what was inserted
            self.session.add(row)

    def _positions_last(self, rows: list[Record]) -> None:
        """Give the flushed rows their positions in one executemany (PostgreSQL)."""
        given = list(zip(allocate_positions(self.session, len(rows)), rows, strict=True))
        if given:
            self.session.execute(
                sa.update(Record), [{"id": r.id, "change_seq": p} for p, r in given]
            )
        for position, row in given:
            set_committed_value(row, "change_seq", position)

    def recompute_children(self) -> None:
        """Recompute the derived growth and ILP values of every child touched (children.py)."""
        recompute_children(self)

    def current_person_states(self) -> tuple[dict[str, Original], set[str]]:
        """Return (id -> state now, persons covered): the live records read by the children's
        recompute, with this change set's own rows as they stand now."""
        states = {i: s for i, s in self.person_states.items() if i not in self.changed}
        for row in self.changed.values():
            if row.person_id in self.states_of:
                states[row.id] = _snapshot(row)
        return states, set(self.states_of)

    def set_derived(self, row: Record, new: dict) -> None:
        """Store recomputed derived values on a row; a row not changed here gets a new version."""
        self.originals.setdefault(row.id, _snapshot(row))
        row.fields = {**row.fields, **new}
        if row.id not in self.changed:
            row.version += 1  # a server-side change: devices must pull it
        self.touch(row)
