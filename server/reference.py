"""Reference data (wilayah, facilities) and other server-side writes: lokmin, the demo, the CLI.

They go through the one write path (server/sync/changes.py): the same validation, scope keys,
derived values and change log as a push, so devices pull them like any other change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from server.models import SyncCounter
from server.sync.changes import ChangeSet, Rejected, Writer
from shared.calendar import DEFAULT_ZONE


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
    writer: Writer | None = None,
    zone: str = DEFAULT_ZONE,
) -> WriteReport:
    """Validate and store records as server changes (create, or update fields that differ).

    Each record is written whole (fields it lacks are dropped) through the one write path, as
    ``writer`` (the system itself by default, named ``actor``).
    """
    ensure_counter(session)
    items = list(items)
    changes = ChangeSet(session, writer or Writer.system(actor), lang=lang, zone=zone)
    changes.load(str(values.get("id") or "") for _, values in items)
    report = WriteReport()
    for kind, values in items:
        record_id = str(values.get("id") or "")
        try:
            outcome = changes.server_write(
                kind, record_id, values, deleted=False, replace=True, today=today
            )
        except Rejected as refused:
            report.rejected.append((kind, record_id, refused.errors))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    session.flush()
    changes.commit()
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
