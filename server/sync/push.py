"""Apply a device's push: exactly once, in order, one transaction per batch (DESIGN.md section 4)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from server.auth import user_scope
from server.models import Conflict, Device, MutationLog, Record, User, utcnow
from server.scope import FacilityIndex, Scope
from server.sync.changes import ChangeSet, Rejected, Writer, keys_of
from server.sync.incoming import Author, Authors, judge_incoming
from server.sync.merge import FieldConflict, MergeOutcome, initial_meta, merge
from server.sync.positions import insert_in_runs
from shared import records
from shared.calendar import DEFAULT_ZONE
from shared.i18n import t
from shared.sync import hlc as hlc_mod

PUSH_ATTEMPTS = 3
# what every result has; anything else beside a refusal's code is its details (merged_into)
_PLAIN_RESULT = frozenset({"status", "version", "errors", "conflicts", "code"})


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


@dataclass
class Batch:
    """One push: its change set and what only a push has (the device, its conflicts, its clock)."""

    changes: ChangeSet
    device: Device
    user: User
    scope: Scope
    conflicts: list[tuple[Conflict, dict]] = field(default_factory=list)  # with its log row
    clock_flagged: bool = False
    authors: Authors | None = None  # who the mutations name as their author (incoming.Authors)

    def error(self, key: str, **params) -> list[str]:
        return [t(key, self.changes.lang, **params)]


def _prefetch_references(changes: ChangeSet, mutations: list[dict]) -> None:
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
    changes.load(wanted)


def _stamp_hlc(batch: Batch, raw: str) -> str:
    """Return the mutation's HLC, clamped when it runs too far ahead (and flag the device)."""
    hlc_value, clamped = hlc_mod.clamp(
        hlc_mod.parse(raw), int(batch.changes.now.timestamp() * 1000)
    )
    if clamped:
        batch.clock_flagged = True
    batch.changes.clock.update(hlc_value)
    return hlc_mod.format(hlc_value)


def _apply_one(
    batch: Batch, m: Mapping, log: dict, field_bases: Mapping[str, int] | None = None
) -> dict:
    """Apply one new mutation; return its result (status, version, errors, conflicts)."""
    kind, record_id, changes = m["kind"], m["id"], batch.changes
    try:
        spec = records.spec(kind)
    except records.UnknownKind:
        return {
            "status": "rejected",
            "errors": {"kind": batch.error("server.kind_unknown", kind=kind)},
        }
    hlc = _stamp_hlc(batch, m["hlc"])
    row = changes.record(record_id)
    # Scope before kind: the id of a record the device may not write says nothing about it.
    if row is not None and not batch.scope.can_write(row.kind, keys_of(row)):
        return {"status": "rejected", "errors": {"_schema": batch.error("server.outside_scope")}}
    if row is not None and row.kind != kind:
        return {"status": "rejected", "errors": {"id": batch.error("server.kind_mismatch")}}
    if row is None and m["op"] == "delete":
        return {"status": "applied", "version": None}
    incoming = {k: v for k, v in (m.get("fields") or {}).items() if k not in spec.derived_fields}
    checked = None
    if m["op"] == "upsert":
        incoming["id"] = record_id
        incoming, checked, errors = judge_incoming(changes, kind, incoming, new=row is None)
        if errors:
            return {"status": "rejected", "errors": errors}
    old_keys = keys_of(row) if row is not None else None
    outcome = _merge_onto(batch, m, row, incoming, hlc, field_bases)
    try:
        values, keys = checked or changes.check(kind, outcome.values, deleted=outcome.deleted)
    except Rejected as refused:
        code = {"code": refused.code, **refused.details} if refused.code else {}
        return {"status": "rejected", "errors": refused.errors, **code}
    author = batch.authors.named(m.get("author")) if batch.authors else None
    if author is not None:
        errors = author.refused(kind, old_keys, changes.lang) if old_keys else None
        errors = errors or author.refused(kind, keys, changes.lang)
        if errors:
            return {"status": "rejected", "errors": errors}
        log["author_user_id"] = author.user.id
    if outcome.changed:
        row = changes.store(
            kind, record_id, values, keys, meta=outcome.meta, deleted=outcome.deleted
        )
    elif outcome.status in ("merged", "conflict"):
        # Nothing changed (the incoming values lost), but the sender's copy is now stale:
        # a new position, same version, makes every device pull the record's true state.
        changes.touch(row)
    for c in outcome.conflicts:
        conflict = _conflict_row(batch, row, c, author)
        changes.session.add(conflict)
        batch.conflicts.append((conflict, log))
    result = {"status": outcome.status, "version": row.version}
    if outcome.conflicts:
        result["conflicts"] = sorted({c.field for c in outcome.conflicts})
    return result


def _merge_onto(
    batch: Batch,
    m: Mapping,
    row: Record | None,
    incoming: dict,
    hlc: str,
    field_bases: Mapping[str, int] | None = None,
):
    """Return the merge of a mutation's fields onto the stored record (or a new record)."""
    if row is None:
        return MergeOutcome(
            incoming, False, initial_meta(incoming, hlc, batch.device.id), True, "applied"
        )
    derived = records.spec(row.kind).derived_fields
    return merge(
        {k: v for k, v in row.fields.items() if k not in derived},
        row.field_meta,
        row.version,
        row.deleted,
        op=m["op"],
        base_version=m.get("base_version"),
        changes=incoming,
        hlc=hlc,
        device=batch.device.id,
        field_bases=field_bases,
    )


class _Unanswered:
    """The fields of this batch's earlier mutations, per record, and where each one landed.

    A device sends its oldest unanswered mutation first, so every mutation of the batch was still
    unanswered when the device wrote the later ones: the kader then saw those fields as the
    device's own edit, whatever a pull brought since. A later mutation's view of such a field
    rests on the version at which that edit landed, not on its ``base_version`` (see merge).
    """

    def __init__(self) -> None:
        self.landed: dict[str, dict[str, int]] = {}

    def note(self, m: Mapping, version: int | None) -> None:
        if version is None or m.get("op") != "upsert" or not isinstance(m.get("fields"), Mapping):
            return
        self.landed.setdefault(m["id"], {}).update(dict.fromkeys(m["fields"], version))

    def bases(self, record_id: str) -> dict[str, int]:
        return dict(self.landed.get(record_id, {}))


def _conflict_row(batch: Batch, row: Record, c: FieldConflict, author: Author | None) -> Conflict:
    loser = author.username if author is not None else batch.user.username
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
        loser_user=loser if not c.incoming_won else None,
        mutation_id=None,
        posyandu_id=row.posyandu_id,
        desa_code=row.desa_code,
        kecamatan_code=row.kecamatan_code,
        puskesmas_id=row.puskesmas_id,
        created_at=batch.changes.now,
    )


_DEVICE = Device.__table__
# Built once (building and cache-keying it cost more than running it); refreshed after anyway.
_TOUCH_DEVICE = (
    sa.update(_DEVICE)
    .where(_DEVICE.c.id == sa.bindparam("device_id"))
    .values(last_push_at=sa.bindparam("now"))
)


def _split(session, device: Device, mutations: list[dict], lang: str, now: datetime):
    """Lock the device, check the batch's seqs; return (replayed, new, logs of the replayed)."""
    # Take the device's write lock first: concurrent pushes of one device queue here.
    session.execute(_TOUCH_DEVICE, {"device_id": device.id, "now": now})
    session.refresh(device)
    seqs = [m["seq"] for m in mutations]
    if len(set(seqs)) < len(seqs):  # seqs.count per seq was quadratic: 1,000,000 steps a batch
        repeated = {s for s, n in Counter(seqs).items() if n > 1}
        raise PushRefused(
            "validation_error", {"seq": [t("server.batch_repeats_seq", lang, seq=min(repeated))]}
        )
    ordered = sorted(mutations, key=lambda m: m["seq"])
    if ordered:
        # A device sends its oldest unanswered mutation first: everything below was answered.
        device.acked_seq = max(device.acked_seq or 0, ordered[0]["seq"] - 1)
    old = [m for m in ordered if m["seq"] <= device.last_seq]
    new = [m for m in ordered if m["seq"] > device.last_seq]
    logs = {}
    if old:
        query = sa.select(MutationLog).where(
            MutationLog.device_id == device.id, MutationLog.seq.in_([m["seq"] for m in old])
        )
        logs = {log.seq: log for log in session.execute(query).scalars()}
        for m in old:
            log = logs.get(m["seq"])
            if log is not None and log.content_hash != content_hash(m):
                raise PushRefused("seq_reused", {"seq": m["seq"]})
    for expected, m in enumerate(new, start=device.last_seq + 1):
        if m["seq"] != expected:
            raise PushRefused("seq_gap", {"expected_seq": expected, "got_seq": m["seq"]})
    return old, new, logs


def _replayed(m: Mapping, log: MutationLog | None) -> dict:
    """Return the result of a mutation applied before (its acknowledgement was lost)."""
    return {
        "seq": m["seq"],
        "id": m["id"],
        "status": "duplicate",
        "outcome": log.status if log else "applied",
        "version": log.result_version if log else None,
        **({"errors": log.errors} if log is not None and log.errors else {}),
        # the refusal's code and details exactly as first answered (period_locked, merged)
        **({"code": log.code, **(log.code_details or {})} if log is not None and log.code else {}),
    }


def _log_of(batch: Batch, m: Mapping) -> dict:
    """Return the mutation-log row of a new mutation (its status filled once applied)."""
    return {
        "device_id": batch.device.id,
        "user_id": batch.user.id,
        "author_user_id": None,
        "seq": m["seq"],
        "record_id": m["id"],
        "kind": m["kind"][:64],
        "op": m["op"],
        "base_version": m.get("base_version"),
        "fields": m.get("fields") or {},
        "hlc": m["hlc"],
        "device_time": (m.get("device_time") or None) and str(m["device_time"])[:64],
        "received_at": batch.changes.now,
        "content_hash": content_hash(m),
        "status": "rejected",
    }


def _note_result(log: dict, result: Mapping) -> None:
    """Keep a mutation's result in its log row, so that a replay answers it exactly again."""
    log["status"] = result["status"]
    log["result_version"] = result.get("version")
    log["errors"] = result.get("errors")
    log["conflicts"] = result.get("conflicts")
    if result.get("code"):
        log["code"] = str(result["code"])[:32]
        log["code_details"] = {k: result[k] for k in result if k not in _PLAIN_RESULT} or None


def _insert_logs(session, rows: list[dict]) -> None:
    """Insert the batch's mutation-log rows in seq order (ORM objects were a tenth of a push).

    A row without a refusal code leaves ``code`` and ``code_details`` out, so they stay SQL
    NULL as before.
    """
    insert_in_runs(session, MutationLog.__table__, rows)


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
    zone: str = DEFAULT_ZONE,
    note_clock: bool = True,
) -> dict:
    """Apply one push batch atomically and return the protocol response body.

    ``note_clock`` False (a file bundle, imported days after it was written) leaves the device's
    recorded clock offset as it was; HLCs too far ahead are still clamped.
    """
    now = now or utcnow()
    old, new, logs = _split(session, device, mutations, lang, now)
    changes = ChangeSet(
        session,
        Writer.device(device.id, scope),
        lang=lang,
        now=now,
        facilities=facilities,
        clock=server_clock or hlc_mod.Clock("server"),
        zone=zone,
    )
    batch = Batch(changes, device, user, scope, authors=Authors(session, user, scope, facilities))
    changes.load([m["id"] for m in new], lock=True)  # the rows this batch may change
    _prefetch_references(changes, new)
    results_by_seq = _apply_batch(batch, old, new, logs)
    changes.commit()
    _attach_current(batch, results_by_seq.values())
    if new:
        device.last_seq = new[-1]["seq"]
    if note_clock:
        _note_clock(device, mutations, changes.now, batch.clock_flagged, device_now_ms)
    elif batch.clock_flagged:
        device.clock_flagged = True
    session.flush()
    if batch.conflicts:
        ids = dict(
            session.execute(
                sa.select(MutationLog.seq, MutationLog.id).where(
                    MutationLog.device_id == device.id,
                    MutationLog.seq.in_({log["seq"] for _, log in batch.conflicts}),
                )
            ).all()
        )
        for conflict, log in batch.conflicts:
            conflict.mutation_id = ids[log["seq"]]
    return {
        "last_seq": device.last_seq,
        "server_time": changes.now.isoformat(timespec="milliseconds"),
        "results": [results_by_seq[m["seq"]] for m in mutations],
    }


def _apply_batch(batch: Batch, old: list[dict], new: list[dict], logs: dict) -> dict[int, dict]:
    """Apply the batch's new mutations in seq order; return every mutation's result by seq."""
    results_by_seq = {m["seq"]: _replayed(m, logs.get(m["seq"])) for m in old}
    unanswered = _Unanswered()
    for m in old:
        log = logs.get(m["seq"])
        if log is not None and log.status != "rejected":
            unanswered.note(m, log.result_version)
    rows = []
    for m in new:
        log = _log_of(batch, m)
        result = _apply_one(batch, m, log, unanswered.bases(m["id"]))
        if result["status"] != "rejected":
            unanswered.note(m, result.get("version"))
        _note_result(log, result)
        rows.append(log)
        results_by_seq[m["seq"]] = {"seq": m["seq"], "id": m["id"], **result}
    _insert_logs(batch.changes.session, rows)
    return results_by_seq


def _attach_current(batch: Batch, results) -> None:
    """Add the record's current state to results whose sender cannot know it (protocol v1 addition).

    After ``merged`` or ``conflict`` the sender's copy lacks others' fields or holds a losing value;
    after ``duplicate`` (a lost acknowledgement) it may have kept its own value over a pulled page.
    """
    for result in results:
        if result["status"] in ("merged", "conflict", "duplicate"):
            row = batch.changes.record(result["id"])
            if row is not None and batch.scope.can_read(row.kind, keys_of(row)):
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


def run_push(
    session,
    device: Device,
    user: User,
    mutations: list[dict],
    *,
    lang: str = "id",
    zone: str = DEFAULT_ZONE,
    device_now_ms: int | None = None,
    note_clock: bool = True,
) -> dict:
    """Apply and commit one batch as an online push does; the path of the API and of bundles.

    Raises PushRefused (nothing applied, rolled back). A deadlock or lock timeout between
    concurrent batches rolled the whole transaction back, nothing of it applied, so the batch is
    run again (up to PUSH_ATTEMPTS times).
    """
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        # The registry is read once per attempt and serves both the scope and the batch.
        facilities = FacilityIndex.load(session)
        scope = user_scope(session, user, facilities)
        try:
            result = apply_push(
                session,
                device,
                user,
                scope,
                mutations,
                lang=lang,
                facilities=facilities,
                device_now_ms=device_now_ms,
                zone=zone,
                note_clock=note_clock,
            )
            session.commit()
            return result
        except PushRefused:
            session.rollback()
            raise
        except sa.exc.OperationalError:
            session.rollback()
            if attempt == PUSH_ATTEMPTS:
                raise
    raise AssertionError("unreachable")
