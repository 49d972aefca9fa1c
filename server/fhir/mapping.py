"""The versioned code mapping of the SATUSEHAT export (``mapping-YYYY-MM.json`` beside this module).

Each file holds one version of every code, system and unit the export writes, each entry with its
``source``. A month is exported with the newest file whose ``valid_from`` is on or before the
month's first day (the oldest file for months before any), so an export of an old month can be
redone as it was, and a SATUSEHAT playbook change is a new file, not an edit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Mapping:
    """One version of the mapping (read-only)."""

    version: str
    valid_from: dt.date
    data: dict[str, Any]

    def system(self, name: str) -> str:
        """Return the URI of a code or identifier system by its short name (``nik``, ``loinc``)."""
        return self.data["systems"][name]["value"]

    def measurement(self, key: str) -> dict[str, Any] | None:
        """Return a measurement's entry (``weight_kg``, ``length_cm.lying``), or None."""
        return self.data["measurements"].get(key)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


@cache
def versions() -> tuple[Mapping, ...]:
    """Return every mapping file's version, oldest first."""
    found = []
    for path in sorted(HERE.glob("mapping-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(Mapping(data["version"], dt.date.fromisoformat(data["valid_from"]), data))
    if not found:
        raise RuntimeError(f"no mapping-*.json in {HERE}")
    return tuple(sorted(found, key=lambda m: m.valid_from))


def mapping_for(first_day: dt.date) -> Mapping:
    """Return the mapping in force on ``first_day`` (the oldest one before any is in force)."""
    chosen = versions()[0]
    for mapping in versions():
        if mapping.valid_from <= first_day:
            chosen = mapping
    return chosen
