"""The versioned programme schedule, read from ``data/schedule.csv`` (BRIEF §1.8).

Every row is one antigen-dose (``DPT_HB_HIB`` dose 2) with its record code (``DPT_HB_HIB2``, the
codes of ``shared/records/data/antigens.csv``) and its ages in days. A version is the set of rows
sharing a ``valid_from``; ``schedule(on)`` returns the version in force on ``on``.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

SCHEDULE_CSV = Path(__file__).parent / "data" / "schedule.csv"
NATIONAL = ("national",)

DoseKey = tuple[str, int]


class UnknownDose(ValueError):
    """An antigen-dose that no version of the schedule knows."""


@dataclass(frozen=True, slots=True)
class ScheduledDose:
    """One antigen-dose of the schedule and the ages (days from birth) that govern it."""

    valid_from: date
    code: str
    antigen: str
    dose: int
    scope: str
    minimum_age_days: int
    recommended_age_days: int
    latest_age_days: int
    maximum_age_days: int | None
    minimum_interval_days: int
    source: str

    @property
    def key(self) -> DoseKey:
        """Return ``(antigen, dose)``."""
        return (self.antigen, self.dose)


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Read a CSV whose leading ``#`` lines are comments."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _row(raw: dict[str, str]) -> ScheduledDose:
    return ScheduledDose(
        valid_from=date.fromisoformat(raw["valid_from"].strip()),
        code=raw["code"].strip(),
        antigen=raw["antigen"].strip(),
        dose=int(raw["dose"]),
        scope=raw["scope"].strip(),
        minimum_age_days=int(raw["minimum_age_days"]),
        recommended_age_days=int(raw["recommended_age_days"]),
        latest_age_days=int(raw["latest_age_days"]),
        maximum_age_days=_optional_int(raw["maximum_age_days"]),
        minimum_interval_days=int(raw["minimum_interval_days"]),
        source=raw["source"].strip(),
    )


@cache
def load_schedule(path: Path | str = SCHEDULE_CSV) -> tuple[ScheduledDose, ...]:
    """Read every row of every version (the shipped table unless ``path`` is given)."""
    rows = tuple(_row(raw) for raw in read_csv_rows(Path(path)))
    for row in rows:
        _check(row)
    return rows


def _check(row: ScheduledDose) -> None:
    ages = (row.minimum_age_days, row.recommended_age_days, row.latest_age_days)
    if not ages[0] <= ages[1] <= ages[2]:
        raise ValueError(f"{row.code} {row.valid_from}: ages must not decrease: {ages}")
    if row.maximum_age_days is not None and row.maximum_age_days < row.latest_age_days:
        raise ValueError(f"{row.code} {row.valid_from}: maximum age before the latest age")


def versions(rows: Iterable[ScheduledDose] | None = None) -> tuple[date, ...]:
    """Return the ``valid_from`` dates of the schedule versions, oldest first."""
    if rows is None:
        return _shipped_versions()
    return tuple(sorted({row.valid_from for row in rows}))


@cache
def _shipped_versions() -> tuple[date, ...]:
    return versions(load_schedule())


def version_on(on: date, rows: Iterable[ScheduledDose] | None = None) -> date:
    """Return the version in force on ``on`` (the oldest one for earlier dates)."""
    known = versions(rows)
    in_force = [valid_from for valid_from in known if valid_from <= on]
    # a child born before the first version still needs a schedule: the oldest is the nearest
    return in_force[-1] if in_force else known[0]


def schedule(
    on: date, scopes: Collection[str] = NATIONAL, rows: Iterable[ScheduledDose] | None = None
) -> tuple[ScheduledDose, ...]:
    """Return the rows in force on ``on`` for the given scopes, in schedule order."""
    if rows is None:  # the shipped table: one tuple per version and scopes (the indicator
        # refresh asks for every child of a push, twice per month)
        return _shipped_schedule(version_on(on), frozenset(scopes))
    rows = tuple(rows)
    version = version_on(on, rows)
    return tuple(row for row in rows if row.valid_from == version and row.scope in scopes)


@cache
def _shipped_schedule(version: date, scopes: frozenset[str]) -> tuple[ScheduledDose, ...]:
    return schedule(version, scopes, load_schedule())


def all_scopes(rows: Iterable[ScheduledDose] | None = None) -> frozenset[str]:
    """Return every scope the table uses (``national``, ``je_endemic``...)."""
    return frozenset(row.scope for row in (load_schedule() if rows is None else rows))


def find(rows: Iterable[ScheduledDose], antigen: str, dose: int | None) -> ScheduledDose | None:
    """Return the row for ``(antigen, dose)`` or for a record code such as ``OPV2``, or None."""
    rows = tuple(rows)
    for row in rows:
        if row.antigen == antigen and row.dose == dose:
            return row
    for row in rows:
        if row.code == antigen and dose in (None, row.dose):
            return row
    return None


def resolve(rows: Iterable[ScheduledDose], antigen: str, dose: int | None) -> ScheduledDose | None:
    """Like ``find``, but raise ``UnknownDose`` when no version at all knows the dose."""
    row = find(rows, antigen, dose)
    if row is None and find(load_schedule(), antigen, dose) is None:
        raise UnknownDose(f"unknown antigen-dose: {antigen!r} {dose!r}")
    return row
