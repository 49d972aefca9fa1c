"""Server-side writes that do not come from a device: wilayah, facilities, demo data.

They go through the same validation, scope keys, derived values and change log as a push, so
devices pull them like any other change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from server.indicators.refresh import refresh_for_changes
from server.models import Record, SyncCounter, utcnow
from server.scope import FacilityIndex, scope_keys
from server.sync.merge import initial_meta
from server.sync.push import Batch, _after_change, _set_keys, allocate_positions, recompute_children
from shared import records
from shared.sync import hlc as hlc_mod


@dataclass
class WriteReport:
    """What a server-side write did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str, dict]] = field(default_factory=list)


def ensure_counter(session) -> None:
    """Create the change-log counter row if the database has none."""
    if session.get(SyncCounter, 1) is None:
        session.add(SyncCounter(id=1, value=0))
        session.flush()


def write_records(
    session,
    items: Iterable[tuple[str, dict]],
    *,
    actor: str = "server",
    today: date | None = None,
    lang: str = "id",
) -> WriteReport:
    """Validate and store records as server changes (create, or update fields that differ)."""
    ensure_counter(session)
    items = list(items)
    now = utcnow()
    clock = hlc_mod.Clock("server")
    batch = Batch(session, None, None, None, lang, now, FacilityIndex.load(session), clock)
    ids = [values.get("id") for _, values in items]
    for start in range(0, len(ids), 500):
        for row in session.execute(
            sa.select(Record).where(Record.id.in_(ids[start : start + 500]))
        ).scalars():
            batch.loaded[row.id] = row
    report = WriteReport()
    for kind, values in items:
        spec = records.spec(kind)
        context = {}
        for name, ref_kind in spec.refs.items():
            if ref_kind in ("person", "pregnancy"):
                ref = batch.loaded.get(values.get(name) or "")
                if ref is not None:
                    context[ref_kind] = ref.fields
        result = records.validate(kind, values, context=context or None, lang=lang, today=today)
        keys = scope_keys(kind, result.values, batch.facilities) if result.ok else None
        if not result.ok or isinstance(keys, str):
            errors = result.errors if not result.ok else {keys: ["unknown unit"]}
            report.rejected.append((kind, str(values.get("id")), errors))
            continue
        clean = result.values
        row = batch.loaded.get(clean["id"])
        h = hlc_mod.format(clock.now())
        if row is None:
            row = Record(
                id=clean["id"],
                kind=kind,
                version=1,
                deleted=False,
                fields=clean,
                field_meta=initial_meta(clean, h, actor),
                created_at=now,
            )
            session.add(row)
            batch.loaded[row.id] = row
            report.created += 1
        else:
            stored = {k: v for k, v in row.fields.items() if k not in spec.derived_fields}
            if stored == clean and not row.deleted:
                report.unchanged += 1
                continue
            derived = {k: v for k, v in row.fields.items() if k in spec.derived_fields}
            meta = dict(row.field_meta)
            for name, value in clean.items():
                if stored.get(name) != value:
                    meta[name] = [row.version + 1, h, actor]
            row.fields, row.field_meta = {**clean, **derived}, meta
            row.version += 1
            row.deleted = False
            report.updated += 1
        _set_keys(row, keys, clean)
        batch.mark_changed(row)
        _after_change(batch, row)
    session.flush()
    recompute_children(batch)
    refresh_for_changes(session, batch.changed.values(), now=now)
    for position, row in zip(
        allocate_positions(session, len(batch.changed)), batch.changed.values(), strict=True
    ):
        row.change_seq = position
    session.flush()
    return report


def wilayah_from_csv(path: str) -> list[dict]:
    """Read a Kemendagri wilayah CSV (kode,nama,level,parent_kode,jenis,nama_alias_arsip)."""
    import csv

    levels = {"desa_kelurahan": "desa"}
    out = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["kode"].replace(".", "")
            level = levels.get(row["level"], row["level"])
            aliases = [
                a.strip() for a in (row.get("nama_alias_arsip") or "").split("|") if a.strip()
            ]
            out.append(
                {
                    "id": code,
                    "code": code,
                    "name": row["nama"],
                    "level": level,
                    "parent_code": (row.get("parent_kode") or "").replace(".", "") or None,
                    "kind": row.get("jenis") if level == "desa" else None,
                    "aliases": aliases,
                }
            )
    return out
