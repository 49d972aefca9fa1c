"""Alert thresholds read from ``data/thresholds.csv``, and the one rule that applies them.

A row raises its alert when ``value <operator> threshold`` holds for its measure (``hb_g_dl <
11``). Rows are versioned per group (``adult``, ``pregnancy``, ``youth``, ``newborn``) by
``valid_from`` and may be restricted by sex and by age in completed years.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from shared.i18n import t
from shared.records.messages import format_number

THRESHOLDS_CSV = Path(__file__).parent / "data" / "thresholds.csv"
OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
SEXES = {"M": "M", "L": "M", "F": "F", "P": "F"}  # records use M/F; forms may say L/P

Number = int | float | Decimal


@dataclass(frozen=True, slots=True)
class Threshold:
    """One row of the table: ``measure <operator> value`` raises ``alert``."""

    valid_from: date
    group: str
    alert: str
    measure: str
    sex: str | None
    min_age_years: int | None
    max_age_years: int | None
    operator: str
    value: float
    unit: str
    source: str

    def applies(self, sex: str | None, age_years: int | None) -> bool:
        """Tell whether the row is for a person of this sex and age."""
        if self.sex is not None and self.sex != sex:
            return False
        if age_years is None:
            return self.min_age_years is None and self.max_age_years is None
        low_ok = self.min_age_years is None or age_years >= self.min_age_years
        return low_ok and (self.max_age_years is None or age_years <= self.max_age_years)

    def crossed(self, value: Number) -> bool:
        """Tell whether ``value`` raises the alert."""
        return OPERATORS[self.operator](float(value), self.value)


@dataclass(frozen=True, slots=True)
class Alert:
    """A finding that suggests a referral; ``key`` is its ``clinical.alert.*`` message."""

    code: str
    key: str
    measure: str | None = None
    value: float | None = None
    operator: str | None = None
    threshold: float | None = None
    unit: str | None = None


def as_date(value: date | str) -> date:
    """Return ``value`` as a date (ISO ``YYYY-MM-DD`` strings accepted)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def visit_date(visit: Mapping[str, object]) -> date | None:
    """Return the ``visit_date`` of a record, or None (then the newest thresholds apply)."""
    day = visit.get("visit_date")
    return None if day is None else as_date(day)  # type: ignore[arg-type]


def _optional(text: str) -> str | None:
    return text.strip() or None


def _threshold(raw: dict[str, str]) -> Threshold:
    low, high = _optional(raw["min_age_years"]), _optional(raw["max_age_years"])
    row = Threshold(
        valid_from=date.fromisoformat(raw["valid_from"].strip()),
        group=raw["group"].strip(),
        alert=raw["alert"].strip(),
        measure=raw["measure"].strip(),
        sex=_optional(raw["sex"]),
        min_age_years=None if low is None else int(low),
        max_age_years=None if high is None else int(high),
        operator=raw["operator"].strip(),
        value=float(raw["value"]),
        unit=raw["unit"].strip(),
        source=raw["source"].strip(),
    )
    if row.operator not in OPERATORS:
        raise ValueError(f"{row.group}/{row.alert}: unknown operator {row.operator!r}")
    return row


@cache
def load_thresholds(path: Path | str = THRESHOLDS_CSV) -> tuple[Threshold, ...]:
    """Read every threshold row (the shipped table unless ``path`` is given)."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return tuple(_threshold(raw) for raw in csv.DictReader(lines))


def thresholds(group: str, on: date | None = None) -> tuple[Threshold, ...]:
    """Return the rows of ``group`` in force on ``on`` (the newest version when None)."""
    rows = [row for row in load_thresholds() if row.group == group]
    if not rows:
        raise KeyError(f"no thresholds for group {group!r}")
    known = sorted({row.valid_from for row in rows})
    in_force = [day for day in known if on is None or day <= on]
    version = in_force[-1] if in_force else known[0]
    return tuple(row for row in rows if row.valid_from == version)


def normalise_sex(sex: str | None) -> str | None:
    """Return ``M``, ``F`` or None for a sex written M/F or L/P (laki-laki/perempuan)."""
    if sex is None:
        return None
    if sex.upper() not in SEXES:
        raise ValueError(f"unknown sex {sex!r}: use M/F (or L/P)")
    return SEXES[sex.upper()]


def evaluate(
    group: str,
    values: Mapping[str, Number | None],
    on: date | None = None,
    sex: str | None = None,
    age_years: int | None = None,
) -> list[Alert]:
    """Return the alerts of ``group`` that ``values`` raise, in table order, each once."""
    sex = normalise_sex(sex)
    raised: dict[str, Alert] = {}
    for row in thresholds(group, on):
        value = values.get(row.measure)
        if value is None or row.alert in raised or not row.applies(sex, age_years):
            continue
        if row.crossed(value):
            raised[row.alert] = Alert(
                code=row.alert,
                key=f"clinical.alert.{row.alert}",
                measure=row.measure,
                value=float(value),
                operator=row.operator,
                threshold=row.value,
                unit=row.unit,
            )
    return list(raised.values())


def describe(alert: Alert, lang: str | None = "id") -> str:
    """Return the alert as one sentence with its finding, e.g. for a referral slip."""
    text = t(alert.key, lang)
    if alert.measure is None or alert.value is None:
        return text
    finding = t(
        "clinical.finding",
        lang,
        measure=t(f"clinical.measure.{alert.measure}", lang),
        value=format_number(alert.value, lang),
        operator=alert.operator,
        threshold=format_number(alert.threshold, lang),
        unit=alert.unit,
    )
    return f"{text} ({finding})"
