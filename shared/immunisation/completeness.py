"""IDL and IBL: whether a child completed an indicator's doses in time (``data/completeness.csv``).

An indicator is met when every dose it lists was *validly* given (same rules as ``assess``) at an
age of at most its ``age_limit_days``; it is met on the day the last of those doses was given.
The rule version is the one in force on the date of birth, like the schedule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from shared.immunisation.assessment import Given, as_date, valid_dates
from shared.immunisation.schedule import DoseKey, all_scopes, read_csv_rows, schedule

COMPLETENESS_CSV = Path(__file__).parent / "data" / "completeness.csv"
IDL = "IDL"
IBL = "IBL"


@dataclass(frozen=True, slots=True)
class RequiredDose:
    """One antigen-dose an indicator needs, by ``age_limit_days`` at the latest."""

    valid_from: date
    indicator: str
    antigen: str
    dose: int
    age_limit_days: int
    source: str

    @property
    def key(self) -> DoseKey:
        """Return ``(antigen, dose)``."""
        return (self.antigen, self.dose)


@cache
def load_rules(path: Path | str = COMPLETENESS_CSV) -> tuple[RequiredDose, ...]:
    """Read the indicator rules (the shipped table unless ``path`` is given)."""
    return tuple(
        RequiredDose(
            valid_from=date.fromisoformat(raw["valid_from"].strip()),
            indicator=raw["indicator"].strip(),
            antigen=raw["antigen"].strip(),
            dose=int(raw["dose"]),
            age_limit_days=int(raw["age_limit_days"]),
            source=raw["source"].strip(),
        )
        for raw in read_csv_rows(Path(path))
    )


def required_doses(indicator: str, birth_date: date | str) -> tuple[RequiredDose, ...]:
    """Return the doses ``indicator`` needs for a child born on ``birth_date``."""
    rules = [rule for rule in load_rules() if rule.indicator == indicator]
    if not rules:
        raise KeyError(f"unknown immunisation indicator {indicator!r}")
    version = max(
        (rule.valid_from for rule in rules if rule.valid_from <= as_date(birth_date)),
        default=min(rule.valid_from for rule in rules),
    )
    return tuple(rule for rule in rules if rule.valid_from == version)


def completed_on(indicator: str, given: Iterable[Given], birth_date: date | str) -> date | None:
    """Return the day the child met ``indicator`` (``IDL``, ``IBL``), or None if not met."""
    birth = as_date(birth_date)
    rows = schedule(birth, all_scopes())
    valid = valid_dates(rows, birth, given)  # every recorded dose, whatever the day asked
    days = []
    for rule in required_doses(indicator, birth):
        day = valid.get(rule.key)
        if day is None or (day - birth).days > rule.age_limit_days:
            return None
        days.append(day)
    return max(days)


def is_idl(given: Iterable[Given], birth_date: date | str) -> bool:
    """Tell whether the child has imunisasi dasar lengkap (all basic doses before 12 months)."""
    return completed_on(IDL, given, birth_date) is not None


def is_ibl(given: Iterable[Given], birth_date: date | str) -> bool:
    """Tell whether the child has imunisasi baduta lengkap (the baduta boosters before 24 months)."""
    return completed_on(IBL, given, birth_date) is not None
