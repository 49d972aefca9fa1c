"""Apply a device's push: exactly once, in order, one transaction per batch (DESIGN.md section 4)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from server.indicators.refresh import refresh_for_changes
from server.models import Conflict, Device, MutationLog, Record, SyncCounter, User, utcnow
from server.scope import FacilityIndex, Scope, ScopeKeys, scope_keys
from server.sync.merge import DELETED, FieldConflict, initial_meta, merge
from shared import records
from shared.derive import derive_adult_visit, derive_anc_visit, derive_child_visits
from shared.i18n import t
from shared.sync import hlc as hlc_mod

CHILD_KINDS = ("person", "child_visit")


class PushRefused(Exception):
    """The batch cannot be applied at all (409): nothing of it was applied."""

    def __init__(self, code: str, details: dict):
        super().__init__(code)
        self.code = code
        self.details = details


def content_hash(mutation: Mapping) -> str:
    """Hash what identifies a mutation's content (a replay must match it exactly)."""
    body = {k: mutation.get(k) for k in ("id", "kind", "op", "base_version", "fields", "hlc")}
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def allocate_positions(session, count: int) -> range:
    """Take ``count`` change-log positions from the single-row counter (serialises at commit)."""
    if count == 0:
        return range(0)
    stmt = (
        sa.update(SyncCounter)
        .where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + count)
        .returning(SyncCounter.value)
    )
    end = session.execute(stmt).scalar_one()
    return range(end - count + 1, end + 1)


@dataclass
class Batch:
    """Working state of one push transaction."""

    session: object
    device: Device
    user: User
    scope: Scope
    lang: str
    now: datetime
    facilities: FacilityIndex
    server_clock: hlc_mod.Clock
    loaded: dict[str, Record] = field(default_factory=dict)
    changed: dict[str, Record] = field(default_factory=dict)
    dirty_children: set[str] = field(default_factory=set)
    conflicts: list[tuple[Conflict, MutationLog]] = field(default_factory=list)
    clock_flagged: bool = False

    def record(self, record_id: str) -> Record | None:
        """Return a record touched in this batch or stored, or None."""
        if record_id not in self.loaded:
            # No autoflush: records created in this batch are already in ``loaded``, and a
            # flush per lookup would write the batch one row at a time.
            with self.session.no_autoflush:
                self.loaded[record_id] = self.session.get(Record, record_id)
        return self.loaded[record_id]

    def keys_of(self, row: Record) -> ScopeKeys:
        return ScopeKeys(row.posyandu_id, row.desa_code, row.kecamatan_code, row.puskesmas_id)

    def mark_changed(self, row: Record) -> None:
        row.updated_at = self.now
        self.changed[row.id] = row


def _error(batch: Batch, key: str, **params) -> list[str]:
    return [t(key, batch.lang, **params)]


def _references(batch: Batch, kind: str, values: Mapping) -> tuple[dict, dict]:
    """Check referenced records exist in scope; return (validation context, errors)."""
    context, errors = {}, {}
    if kind in records.REFERENCE_KINDS:
        return context, errors
    for name, ref_kind in records.spec(kind).refs.items():
        ref_id = values.get(name)
        if not ref_id or ref_kind == "facility" or ref_kind in records.REFERENCE_KINDS:
            continue
        ref = batch.record(ref_id)
        if (
            ref is None
            or ref.deleted
            or ref.kind != ref_kind
            or not batch.scope.can_read(ref.kind, batch.keys_of(ref))
        ):
            errors[name] = _error(batch, "server.ref_missing")
        elif ref_kind in ("person", "pregnancy"):
            context[ref_kind] = ref.fields
    return context, errors


def _prefetch_references(batch: Batch, mutations: list[dict]) -> None:
    """Load the records the batch's mutations refer to (a visit's person...) in one query each
    500, instead of one lookup per mutation (80 visits: 34 ms of 80 queries)."""
    wanted = set()
    for m in mutations:
        kind, values = m.get("kind"), m.get("fields")
        if not isinstance(values, Mapping) or kind not in records.KINDS:
            continue
        for name in records.spec(kind).refs:
            ref = values.get(name)
            if isinstance(ref, str) and 0 < len(ref) <= 64 and "\x00" not in ref:
                wanted.add(ref)
    wanted = sorted(wanted - batch.loaded.keys())
    with batch.session.no_autoflush:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found = {
                row.id: row
                for row in batch.session.execute(
                    sa.select(Record).where(Record.id.in_(chunk))
                ).scalars()
            }
            for ref in chunk:
                batch.loaded[ref] = found.get(ref)


def _apply_one(batch: Batch, m: Mapping, log: MutationLog) -> dict:
    """Apply one new mutation; return its result (status, version, errors, conflicts)."""
    kind, record_id = m["kind"], m["id"]
    try:
        spec = records.spec(kind)
    except records.UnknownKind:
        return {
            "status": "rejected",
            "errors": {"kind": _error(batch, "server.kind_unknown", kind=kind)},
        }
    hlc_value, clamped = hlc_mod.clamp(hlc_mod.parse(m["hlc"]), int(batch.now.timestamp() * 1000))
    if clamped:
        batch.clock_flagged = True
    hlc = hlc_mod.format(hlc_value)
    batch.server_clock.update(hlc_value)
    row = batch.record(record_id)
    if row is not None and row.kind != kind:
        return {"status": "rejected", "errors": {"id": _error(batch, "server.kind_mismatch")}}
    if row is not None and not batch.scope.can_write(kind, batch.keys_of(row)):
        return {"status": "rejected", "errors": {"_schema": _error(batch, "server.outside_scope")}}

    if row is None and m["op"] == "delete":
        return {"status": "applied", "version": None}
    changes = {k: v for k, v in (m.get("fields") or {}).items() if k not in spec.derived_fields}
    if m["op"] == "upsert":
        changes["id"] = record_id
    if row is None:
        outcome_values, outcome_meta = changes, None
        status, deleted, conflicts, changed = "applied", False, [], True
    else:
        stored = {k: v for k, v in row.fields.items() if k not in spec.derived_fields}
        outcome = merge(
            stored,
            row.field_meta,
            row.version,
            row.deleted,
            op=m["op"],
            base_version=m.get("base_version"),
            changes=changes,
            hlc=hlc,
            device=batch.device.id,
        )
        outcome_values, outcome_meta = outcome.values, outcome.meta
        status, deleted, conflicts, changed = (
            outcome.status,
            outcome.deleted,
            outcome.conflicts,
            outcome.changed,
        )

    values = outcome_values
    if not deleted:
        context, errors = _references(batch, kind, outcome_values)
        # today=None: shared/records judges "not in the future" by the date in Indonesia (WIT),
        # not by the server's UTC date, so a visit saved just after local midnight is accepted.
        result = records.validate(kind, outcome_values, context=context or None, lang=batch.lang)
        errors = {**result.errors, **errors}
        if errors:
            return {"status": "rejected", "errors": errors}
        values = result.values
    keys = scope_keys(kind, values, batch.facilities)
    if isinstance(keys, str):
        return {
            "status": "rejected",
            "errors": {keys: _error(batch, "server.unit_unknown", value=values.get(keys))},
        }
    if not batch.scope.can_write(kind, keys):
        return {"status": "rejected", "errors": {"_schema": _error(batch, "server.outside_scope")}}

    if row is None:
        row = Record(
            id=record_id,
            kind=kind,
            version=1,
            deleted=False,
            fields=values,
            field_meta=initial_meta(values, hlc, batch.device.id),
            created_at=batch.now,
        )
        batch.session.add(row)
        batch.loaded[record_id] = row
    elif changed:
        derived = {k: v for k, v in row.fields.items() if k in spec.derived_fields}
        row.fields = {**values, **derived}
        row.field_meta = outcome_meta
        row.deleted = deleted
        row.version += 1
    if changed:
        _set_keys(row, keys, values)
        batch.mark_changed(row)
        _after_change(batch, row)
    elif status in ("merged", "conflict"):
        # Nothing changed (the incoming values lost), but the sender's copy is now stale:
        # a new position, same version, makes every device pull the record's true state.
        batch.mark_changed(row)
    for c in conflicts:
        conflict = _conflict_row(batch, row, c, log)
        batch.session.add(conflict)
        batch.conflicts.append((conflict, log))
    result = {"status": status, "version": row.version}
    if conflicts:
        result["conflicts"] = sorted({c.field for c in conflicts})
    return result


def _set_keys(row: Record, keys: ScopeKeys, values: Mapping) -> None:
    row.posyandu_id, row.desa_code = keys.posyandu_id, keys.desa_code
    row.kecamatan_code, row.puskesmas_id = keys.kecamatan_code, keys.puskesmas_id
    row.person_id = row.id if row.kind == "person" else values.get("person_id")


def _after_change(batch: Batch, row: Record) -> None:
    """Note what derived values must be recomputed, and keep the facility index current."""
    if row.kind in CHILD_KINDS:
        batch.dirty_children.add(row.person_id)
    elif row.kind == "facility":
        batch.facilities.put(row.id, None if row.deleted else row.fields)
    elif row.kind == "anc_visit" and not row.deleted:
        pregnancy = batch.record(row.fields.get("pregnancy_id") or "")
        row.fields = {
            **row.fields,
            **derive_anc_visit(row.fields, pregnancy.fields if pregnancy else None),
        }
    elif row.kind == "adult_visit" and not row.deleted:
        row.fields = {**row.fields, **derive_adult_visit(row.fields)}


def _conflict_row(batch: Batch, row: Record, c: FieldConflict, log: MutationLog) -> Conflict:
    return Conflict(
        record_id=row.id,
        kind=row.kind,
        field=c.field,
        winner_value=c.winner_value,
        loser_value=c.loser_value,
        winner_hlc=c.winner_hlc,
        loser_hlc=c.loser_hlc,
        winner_device=c.winner_device,
        loser_device=c.loser_device,
        loser_user=batch.user.username if not c.incoming_won else None,
        mutation_id=None,
        posyandu_id=row.posyandu_id,
        desa_code=row.desa_code,
        kecamatan_code=row.kecamatan_code,
        puskesmas_id=row.puskesmas_id,
        created_at=batch.now,
    )


# The per-visit assessment a child visit stores (shared.derive.child_visit_assessment).
ASSESSMENT_FIELDS = (
    "age_days",
    "age_months",
    "waz",
    "lhaz",
    "wlhz",
    "baz",
    "hcz",
    "acz",
    "categories",
    "flags",
)


def recompute_children(batch: Batch) -> None:
    """Recompute the derived growth values of every child touched in this batch."""
    person_ids = sorted(p for p in batch.dirty_children if p)
    session = batch.session
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        missing = [p for p in chunk if p not in batch.loaded]
        if missing:
            for row in session.execute(sa.select(Record).where(Record.id.in_(missing))).scalars():
                batch.loaded[row.id] = row
        by_person: dict[str, list[dict]] = {}
        # The kind is filtered here, not in SQL: with ``kind = 'child_visit'`` in the query,
        # SQLite (no statistics) walked the kind index through every child visit of the
        # database on each batch (174 ms at 60k visits); by person it reads only these people's.
        # Columns, not ORM rows: most visits do not change, and building an ORM object (with its
        # field_meta) for each was half the cost of a push; the rows are locked all the same.
        for row in session.execute(
            sa.select(Record.id, Record.kind, Record.person_id, Record.fields)
            .where(Record.person_id.in_(chunk), Record.deleted.is_(False))
            .order_by(Record.id)
            .with_for_update()
        ):
            if row.kind == "child_visit":
                current = batch.loaded.get(row.id)  # this batch's object: its fields are current
                by_person.setdefault(row.person_id, []).append(
                    current.fields if current is not None else row.fields
                )
        for person_id in chunk:
            person, visits = batch.loaded.get(person_id), by_person.get(person_id)
            if person is None or person.deleted or not visits:
                continue
            # A visit whose inputs (and whose child's birth date and sex) did not change in this
            # batch keeps its stored z-scores; N/T is still recomputed over the whole history.
            assessed = (
                {}
                if person_id in batch.changed
                else {
                    v["id"]: {k: v[k] for k in ASSESSMENT_FIELDS}
                    for v in visits
                    if v["id"] not in batch.changed and all(k in v for k in ASSESSMENT_FIELDS)
                }
            )
            derived = derive_child_visits(person.fields, visits, assessed=assessed)
            for fields in visits:
                new = derived[fields["id"]]
                if any(fields.get(k) != v for k, v in new.items()):
                    visit = batch.record(fields["id"])  # the ORM row, only for what changes
                    visit.fields = {**visit.fields, **new}
                    if visit.id not in batch.changed:
                        visit.version += 1  # a server-side change: devices must pull it
                    batch.mark_changed(visit)


def apply_push(
    session,
    device: Device,
    user: User,
    scope: Scope,
    mutations: list[dict],
    *,
    lang: str = "id",
    now: datetime | None = None,
    server_clock: hlc_mod.Clock | None = None,
    facilities: FacilityIndex | None = None,
    device_now_ms: int | None = None,
) -> dict:
    """Apply one push batch atomically and return the protocol response body."""
    now = now or utcnow()
    # Take the device's write lock first: concurrent pushes of one device queue here.
    session.execute(sa.update(Device).where(Device.id == device.id).values(last_push_at=now))
    session.refresh(device)
    seqs = [m["seq"] for m in mutations]
    repeated = {s for s in seqs if seqs.count(s) > 1}
    if repeated:
        raise PushRefused(
            "validation_error", {"seq": [t("server.batch_repeats_seq", lang, seq=min(repeated))]}
        )
    ordered = sorted(mutations, key=lambda m: m["seq"])
    last_seq = device.last_seq
    old = [m for m in ordered if m["seq"] <= last_seq]
    new = [m for m in ordered if m["seq"] > last_seq]
    logs = {}
    if old:
        logs = {
            log.seq: log
            for log in session.execute(
                sa.select(MutationLog).where(
                    MutationLog.device_id == device.id, MutationLog.seq.in_([m["seq"] for m in old])
                )
            ).scalars()
        }
        for m in old:
            log = logs.get(m["seq"])
            if log is not None and log.content_hash != content_hash(m):
                raise PushRefused("seq_reused", {"seq": m["seq"]})
    for expected, m in enumerate(new, start=last_seq + 1):
        if m["seq"] != expected:
            raise PushRefused("seq_gap", {"expected_seq": expected, "got_seq": m["seq"]})

    batch = Batch(
        session,
        device,
        user,
        scope,
        lang,
        now,
        facilities if facilities is not None else FacilityIndex.load(session),
        server_clock or hlc_mod.Clock("server"),
    )
    ids = [m["id"] for m in new]
    if ids:
        # Lock the rows this batch may change (in id order, so two batches never wait on each
        # other crosswise): without it, two devices' concurrent pushes on PostgreSQL both merge
        # onto the same old state and the later commit silently drops the earlier one's fields.
        # SQLite ignores FOR UPDATE; its writers are serialised anyway.
        for row in session.execute(
            sa.select(Record).where(Record.id.in_(ids)).order_by(Record.id).with_for_update()
        ).scalars():
            batch.loaded[row.id] = row
        for record_id in ids:
            batch.loaded.setdefault(record_id, None)  # known to be new: no lookup later
        _prefetch_references(batch, new)
    results_by_seq = {}
    for m in old:
        log = logs.get(m["seq"])
        results_by_seq[m["seq"]] = {
            "seq": m["seq"],
            "id": m["id"],
            "status": "duplicate",
            "outcome": log.status if log else "applied",
            "version": log.result_version if log else None,
            **({"errors": log.errors} if log is not None and log.errors else {}),
        }
    for m in new:
        log = MutationLog(
            device_id=device.id,
            user_id=user.id,
            seq=m["seq"],
            record_id=m["id"],
            kind=m["kind"][:64],
            op=m["op"],
            base_version=m.get("base_version"),
            fields=m.get("fields") or {},
            hlc=m["hlc"],
            device_time=(m.get("device_time") or None) and str(m["device_time"])[:64],
            received_at=now,
            content_hash=content_hash(m),
            status="rejected",
        )
        result = _apply_one(batch, m, log)
        log.status = result["status"]
        log.result_version = result.get("version")
        log.errors = result.get("errors")
        log.conflicts = result.get("conflicts")
        session.add(log)
        results_by_seq[m["seq"]] = {"seq": m["seq"], "id": m["id"], **result}
    recompute_children(batch)
    refresh_for_changes(session, batch.changed.values(), now=now)
    for position, row in zip(
        allocate_positions(session, len(batch.changed)), batch.changed.values(), strict=True
    ):
        row.change_seq = position
    _attach_current(batch, results_by_seq.values())
    if new:
        device.last_seq = new[-1]["seq"]
    _note_clock(device, mutations, now, batch.clock_flagged, device_now_ms)
    session.flush()
    for conflict, log in batch.conflicts:
        conflict.mutation_id = log.id
    return {
        "last_seq": device.last_seq,
        "server_time": now.isoformat(timespec="milliseconds"),
        "results": [results_by_seq[m["seq"]] for m in mutations],
    }


def _attach_current(batch: Batch, results) -> None:
    """Add the record's current state to results whose sender cannot know it (protocol v1 addition).

    After ``merged`` or ``conflict`` the sender's copy lacks others' fields or holds a losing value;
    after ``duplicate`` (a lost acknowledgement) it may have kept its own value over a pulled page.
    """
    for result in results:
        if result["status"] in ("merged", "conflict", "duplicate"):
            row = batch.record(result["id"])
            if row is not None and batch.scope.can_read(row.kind, batch.keys_of(row)):
                result["current"] = {
                    "version": row.version,
                    "deleted": row.deleted,
                    "fields": row.fields,
                }


def _note_clock(
    device: Device,
    mutations: list[dict],
    now: datetime,
    clamped: bool,
    device_now_ms: int | None = None,
) -> None:
    """Record the device's clock offset and flag it when its HLCs had to be clamped.

    The offset is measured from the device's clock at sending (``X-Device-Time``). Without it
    (older clients) only a mutation's ``device_time`` ahead of the server tells: one behind may
    just have been saved offline days ago, so the offset is then unknown (None), not "days slow".
    """
    now_ms = int(now.timestamp() * 1000)
    if device_now_ms is not None:
        device.clock_skew_ms = device_now_ms - now_ms
    else:
        times = [m.get("device_time") for m in mutations if m.get("device_time")]
        if times:
            try:
                skew = hlc_mod.iso_to_ms(times[-1]) - now_ms
            except ValueError:
                skew = None
            device.clock_skew_ms = skew if skew is not None and skew > 0 else None
    if clamped:
        device.clock_flagged = True


def server_change(
    session,
    row: Record,
    values: Mapping,
    *,
    deleted: bool | None = None,
    clock: hlc_mod.Clock,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Apply a change made on the server (conflict resolution) as a new version that syncs back."""
    now = now or utcnow()
    h = hlc_mod.format(clock.now())
    version = row.version + 1
    meta = {k: list(v) for k, v in row.field_meta.items()}
    fields = dict(row.fields)
    for name, value in values.items():
        fields[name] = value
        meta[name] = [version, h, actor]
    if deleted is not None and deleted != row.deleted:
        meta[DELETED] = [version, h, actor]
        row.deleted = deleted
    row.fields, row.field_meta, row.version, row.updated_at = fields, meta, version, now
    changed = {row.id: row}
    if row.kind in CHILD_KINDS:
        batch = Batch(session, None, None, None, "id", now, FacilityIndex(), clock)
        batch.loaded[row.id] = row
        batch.dirty_children.add(row.person_id)
        batch.changed = changed
        recompute_children(batch)
    refresh_for_changes(session, changed.values(), now=now)
    for position, changed_row in zip(
        allocate_positions(session, len(changed)), changed.values(), strict=True
    ):
        changed_row.change_seq = position
