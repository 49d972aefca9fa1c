"""The signal rule table (``rules.csv``): which rules run, their threshold and due days."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

RULES_CSV = Path(__file__).parent / "rules.csv"


@dataclass(frozen=True)
class Rule:
    """One row of the rule table."""

    code: str
    enabled: bool
    threshold: int
    due_days: int
    source: str
    notes: str


def load_rules(path: Path = RULES_CSV) -> dict[str, Rule]:
    """Return the enabled and disabled rules by code."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return {
        row["code"]: Rule(
            code=row["code"],
            enabled=row["enabled"].strip() == "1",
            threshold=int(row["threshold"]),
            due_days=int(row["due_days"]),
            source=row["source"],
            notes=row["notes"],
        )
        for row in csv.DictReader(lines)
    }
