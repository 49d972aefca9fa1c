"""Field-level merge of one mutation onto a stored record (DESIGN.md section 4, "Merge").

Pure functions, no database: the server's per-field metadata says at which version and HLC each
field last changed. A field nobody else changed since the mutation's ``base_version`` applies; a
field changed concurrently to a different value is a conflict, won by the higher HLC (the HLC ends
with the device id, so ties break the same way everywhere). The deletion flag is the pseudo-field
``_deleted`` and conflicts like any other field. A field last changed by the same device is never
concurrent with that device's next mutation: its own edits are known to it even before it pulls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from shared.sync import hlc as hlc_mod

DELETED = "_deleted"


@dataclass(frozen=True)
class FieldConflict:
    """One same-field concurrent edit: what was applied and what lost."""

    field: str
    winner_value: object
    loser_value: object
    winner_hlc: str
    loser_hlc: str
    winner_device: str | None
    loser_device: str | None
    incoming_won: bool


@dataclass
class MergeOutcome:
    """The record after the merge and how the mutation fared."""

    values: dict
    deleted: bool
    meta: dict
    changed: bool
    status: str  # applied | merged | conflict
    conflicts: list[FieldConflict] = field(default_factory=list)


def _newer(a_hlc: str, b_hlc: str) -> bool:
    """Tell whether HLC ``a`` beats HLC ``b`` (node breaks ties)."""
    return tuple(hlc_mod.parse(a_hlc)) > tuple(hlc_mod.parse(b_hlc))


def merge(
    values: Mapping,
    meta: Mapping,
    version: int,
    deleted: bool,
    *,
    op: str,
    base_version: int | None,
    changes: Mapping,
    hlc: str,
    device: str,
) -> MergeOutcome:
    """Merge ``changes`` (an upsert's fields, or a delete) onto the stored record."""
    base = base_version if base_version is not None else 0
    concurrent = base < version
    new_version = version + 1
    out_values, out_meta = dict(values), {k: list(v) for k, v in meta.items()}
    conflicts: list[FieldConflict] = []
    changed = False

    def changed_since_base(name: str) -> bool:
        # A device has always seen its own edits: only other authors' changes are concurrent.
        # (So a device may keep base_version at what it last pulled after a "merged" ack.)
        return (
            concurrent
            and name in out_meta
            and out_meta[name][0] > base
            and out_meta[name][2] != device
        )

    def stamp(name: str) -> None:
        out_meta[name] = [new_version, hlc, device]

    if op == "delete":
        if deleted:
            return MergeOutcome(out_values, True, out_meta, False, "applied")
        edited = [n for n in out_meta if n != DELETED and changed_since_base(n)]
        if edited:
            latest = max(edited, key=lambda n: tuple(hlc_mod.parse(out_meta[n][1])))
            theirs = out_meta[latest]
            won = _newer(hlc, theirs[1])
            edits = {n: values.get(n) for n in edited}
            conflicts.append(
                FieldConflict(
                    DELETED,
                    True if won else edits,
                    edits if won else True,
                    hlc if won else theirs[1],
                    theirs[1] if won else hlc,
                    device if won else theirs[2],
                    theirs[2] if won else device,
                    won,
                )
            )
            if not won:
                return MergeOutcome(out_values, False, out_meta, False, "conflict", conflicts)
        stamp(DELETED)
        return MergeOutcome(
            out_values,
            True,
            out_meta,
            True,
            "conflict" if conflicts else ("merged" if concurrent else "applied"),
            conflicts,
        )

    # upsert
    if deleted:
        if changed_since_base(DELETED) and not _newer(hlc, out_meta[DELETED][1]):
            theirs = out_meta[DELETED]
            conflicts.append(
                FieldConflict(
                    DELETED, True, dict(changes), theirs[1], hlc, theirs[2], device, False
                )
            )
            return MergeOutcome(out_values, True, out_meta, False, "conflict", conflicts)
        if changed_since_base(DELETED):
            theirs = out_meta[DELETED]
            conflicts.append(
                FieldConflict(DELETED, dict(changes), True, hlc, theirs[1], device, theirs[2], True)
            )
        stamp(DELETED)
        changed = True
    for name, value in changes.items():
        if name in out_values and out_values[name] == value:
            continue
        if changed_since_base(name):
            theirs = out_meta[name]
            won = _newer(hlc, theirs[1])
            current = out_values.get(name)
            conflicts.append(
                FieldConflict(
                    name,
                    value if won else current,
                    current if won else value,
                    hlc if won else theirs[1],
                    theirs[1] if won else hlc,
                    device if won else theirs[2],
                    theirs[2] if won else device,
                    won,
                )
            )
            if not won:
                continue
        out_values[name] = value
        stamp(name)
        changed = True
    status = "conflict" if conflicts else ("merged" if concurrent else "applied")
    return MergeOutcome(out_values, False, out_meta, changed, status, conflicts)


def initial_meta(values: Mapping, hlc: str, device: str) -> dict:
    """Return the metadata of a newly created record (every field at version 1)."""
    return {name: [1, hlc, device] for name in values}
