"""The immunisation antigen table (programme schedule), read from ``data/antigens.csv``.

The schedule changes with programme updates (PCV, RV, IPV2 were added 2022–2024), so it is data,
not code: edit the CSV (columns ``code,name,age_months``) and restart. ``age_months`` is the
recommended age in months (domain brief §1.8).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

ANTIGENS_CSV = Path(__file__).with_name("data") / "antigens.csv"


@cache
def _table() -> tuple[tuple[str, str, int], ...]:
    """Read the antigen table once."""
    with ANTIGENS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["code"].strip(), row["name"].strip(), int(row["age_months"]))
            for row in csv.DictReader(handle)
            if row.get("code", "").strip()
        )


def antigens() -> list[dict[str, object]]:
    """Return the antigens as ``{"code", "name", "age_months"}`` dicts, in schedule order."""
    return [{"code": code, "name": name, "age_months": age} for code, name, age in _table()]


def antigen_codes() -> tuple[str, ...]:
    """Return the antigen codes in schedule order."""
    return tuple(code for code, _, _ in _table())
