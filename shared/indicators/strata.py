"""Posyandu strata (Pratama, Madya, Purnama, Mandiri) from a year of indicators (BRIEF §3.1).

The thresholds are [K] and live in ``data/strata_thresholds.csv``. The algorithm: Pratama when
indicator 1 (times opened) or 2 (kader) fails; Madya when those pass but any of D/S, KIA, KB,
imunisasi < 50 % or no program tambahan; Purnama when 1–7 pass but dana sehat < 50 %; Mandiri when
all 8 pass. A value that is missing (None) fails its indicator.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STRATA = ("pratama", "madya", "purnama", "mandiri")
STRATA_CSV = Path(__file__).parent / "data" / "strata_thresholds.csv"


@dataclass(frozen=True)
class StrataThreshold:
    """One indicator a posyandu needs (value >= minimum) to reach ``needed_for`` and above."""

    key: str
    minimum: float
    needed_for: str


@cache
def _read_thresholds(path: Path) -> tuple[StrataThreshold, ...]:
    with path.open(newline="", encoding="utf-8") as fh:
        lines = [line for line in fh if not line.lstrip().startswith("#")]
    rows = tuple(
        StrataThreshold(r["key"], float(r["minimum"]), r["needed_for"])
        for r in csv.DictReader(lines)
    )
    unknown = {r.needed_for for r in rows} - set(STRATA[1:])
    if unknown:
        raise ValueError(f"{path.name}: unknown strata {sorted(unknown)}")
    return rows


def load_strata_thresholds(path: Path | str = STRATA_CSV) -> tuple[StrataThreshold, ...]:
    """Read the strata thresholds (the shipped [K] table unless ``path`` is given)."""
    return _read_thresholds(Path(path))


def strata(
    year_values: Mapping[str, float | None], thresholds: tuple[StrataThreshold, ...] | None = None
) -> str:
    """Return 'pratama', 'madya', 'purnama' or 'mandiri' for a year of indicator values."""
    thresholds = load_strata_thresholds() if thresholds is None else thresholds
    missing = {t.key for t in thresholds} - year_values.keys()
    if missing:
        raise KeyError(f"strata needs {sorted(missing)}")
    reached = STRATA[0]
    for level in STRATA[1:]:
        needed = [t for t in thresholds if t.needed_for == level]
        if not all(_passes(year_values[t.key], t.minimum) for t in needed):
            break
        reached = level
    return reached


def _passes(value: float | None, minimum: float) -> bool:
    return value is not None and value >= minimum
