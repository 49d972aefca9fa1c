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


def _clash(name: str, incoming, current, hlc: str, device: str, theirs) -> FieldConflict:
    """Return the conflict of an incoming value against a concurrent one (the newer HLC wins)."""
    won = _newer(hlc, theirs[1])
    return FieldConflict(
        name,
        incoming if won else current,
        current if won else incoming,
        hlc if won else theirs[1],
        theirs[1] if won else hlc,
        device if won else theirs[2],
        theirs[2] if won else device,
        won,
    )


@dataclass
class _Merge:
    """One mutation merged onto a stored record (the working state of :func:`merge`)."""

    values: dict
    meta: dict
    version: int
    deleted: bool
    base: int
    hlc: str
    device: str
    field_bases: Mapping[str, int] = field(default_factory=dict)
    conflicts: list[FieldConflict] = field(default_factory=list)

    @property
    def concurrent(self) -> bool:
        return self.base < self.version

    def changed_since_base(self, name: str) -> bool:
        # A device has always seen its own edits: only other authors' changes are concurrent.
        # (So a device may keep base_version at what it last pulled after a "merged" ack.)
        # A field the device's own unanswered edit covers was seen as that edit (see field_bases),
        # never as anything newer than base_version: when that edit landed after a concurrent
        # edit it lost to, the kader still had not seen the winner.
        base = min(self.field_bases.get(name, self.base), self.base)
        return name in self.meta and self.meta[name][0] > base and self.meta[name][2] != self.device

    def stamp(self, name: str) -> None:
        self.meta[name] = [self.version + 1, self.hlc, self.device]

    def outcome(self, deleted: bool, changed: bool, status: str | None = None) -> MergeOutcome:
        if status is None:
            status = "conflict" if self.conflicts else ("merged" if self.concurrent else "applied")
        return MergeOutcome(self.values, deleted, self.meta, changed, status, self.conflicts)

    def delete(self) -> MergeOutcome:
        """A delete: conflicts with concurrent edits of others; the newer HLC decides."""
        if self.deleted:
            return self.outcome(True, False, "applied")
        edited = [n for n in self.meta if n != DELETED and self.changed_since_base(n)]
        if edited:
            latest = max(edited, key=lambda n: tuple(hlc_mod.parse(self.meta[n][1])))
            edits = {n: self.values.get(n) for n in edited}
            clash = _clash(DELETED, True, edits, self.hlc, self.device, self.meta[latest])
            self.conflicts.append(clash)
            if not clash.incoming_won:
                return self.outcome(False, False, "conflict")
        self.stamp(DELETED)
        return self.outcome(True, True)

    def undelete(self, changes: Mapping) -> bool:
        """An edit of a deleted record; return False when a newer concurrent delete stands."""
        if self.changed_since_base(DELETED):
            clash = _clash(DELETED, dict(changes), True, self.hlc, self.device, self.meta[DELETED])
            self.conflicts.append(clash)
            if not clash.incoming_won:
                return False
        self.stamp(DELETED)
        return True

    def upsert(self, changes: Mapping) -> MergeOutcome:
        """An upsert: each field applies unless a concurrent edit of it is newer."""
        changed = False
        if self.deleted:
            if not self.undelete(changes):
                return self.outcome(True, False, "conflict")
            changed = True
        for name, value in changes.items():
            if name in self.values and self.values[name] == value:
                continue
            if self.changed_since_base(name):
                clash = _clash(
                    name, value, self.values.get(name), self.hlc, self.device, self.meta[name]
                )
                self.conflicts.append(clash)
                if not clash.incoming_won:
                    continue
            self.values[name] = value
            self.stamp(name)
            changed = True
        return self.outcome(False, changed)


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
    field_bases: Mapping[str, int] | None = None,
) -> MergeOutcome:
    """Merge ``changes`` (an upsert's fields, or a delete) onto the stored record.

    ``field_bases`` maps a field to the version the sender's view of it rests on when that is not
    ``base_version`` (its own edit of the field was still unanswered when it wrote this one).
    """
    state = _Merge(
        dict(values),
        {k: list(v) for k, v in meta.items()},
        version,
        deleted,
        base_version if base_version is not None else 0,
        hlc,
        device,
        dict(field_bases or {}),
    )
    return state.delete() if op == "delete" else state.upsert(changes)


def initial_meta(values: Mapping, hlc: str, device: str) -> dict:
    """Return the metadata of a newly created record (every field at version 1)."""
    return {name: [1, hlc, device] for name in values}
