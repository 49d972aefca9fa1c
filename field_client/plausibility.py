"""Is a child's new measurement plausible against the child's own earlier and later visits?

The z-score flags of WHO Anthro (``implausible``) judge a value against all children; these rules
judge it against the same child: 9.7 kg last month and 7.2 kg today, or a child 3.8 cm shorter
than before, are almost always a weighing, measuring or typing error. The rules are a table,
``data/growth_plausibility.csv``, one row per rule with its threshold and the source it rests on;
a contradicting value is saved only after the kader confirms re-measuring it.

Tests: ``max_decrease`` (the later value may not be lower than the earlier one by more than the
threshold; lengths compared lying-equivalent, standing + 0.7 cm) and ``max_loss_percent`` (the
later value may not be lower by more than the threshold percent when the two are at most
``max_days`` apart).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from shared import records as shared_records
from shared.i18n import t

from .formats import as_date, format_date, format_number

RULES_CSV = Path(__file__).with_name("data") / "growth_plausibility.csv"
STANDING_TO_LYING_CM = 0.7  # BRIEF §2.2: a standing height is 0.7 cm less than the lying length


@dataclass(frozen=True)
class Rule:
    """One row of the plausibility table."""

    code: str
    measure: str
    test: str
    threshold: float
    unit: str
    max_days: int | None
    source: str
    note: str = ""


@dataclass(frozen=True)
class Contradiction:
    """A new value that a neighbouring visit of the same child contradicts."""

    rule: str
    field: str
    value: float
    other_value: float
    other_date: str
    change: float
    days: int
    new_is_later: bool

    def message(self, lang: str) -> str:
        """Say what contradicts what, in the kader's language."""
        side = "later" if self.new_is_later else "earlier"
        return t(
            f"client.plausibility.{self.rule}.{side}",
            lang,
            field=shared_records.field_label("child_visit", self.field, lang),
            value=format_number(self.value, lang=lang),
            other=format_number(self.other_value, lang=lang),
            date=format_date(self.other_date),
            change=format_number(round(self.change, 1), 1, lang),
            days=self.days,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape kept in the visit's flag."""
        return asdict(self)


def reason_text(reason: Mapping[str, Any], lang: str) -> str:
    """Say one reason kept in a visit's ``remeasured`` flag (a contradiction, or a WHO flag)."""
    if "field" not in reason:
        return t("client.flag.implausible_z", lang)
    try:
        return Contradiction(**reason).message(lang)
    except (TypeError, ValueError):  # a flag written by another version of this table
        return t("client.flag.remeasured_title", lang)


def load_rules(path: Path | str = RULES_CSV) -> tuple[Rule, ...]:
    """Read the plausibility table."""
    with open(path, newline="", encoding="utf-8") as handle:
        return tuple(
            Rule(
                code=row["code"],
                measure=row["measure"],
                test=row["test"],
                threshold=float(row["threshold"]),
                unit=row["unit"],
                max_days=int(row["max_days"]) if row["max_days"].strip() else None,
                source=row["source"],
                note=row.get("note") or "",
            )
            for row in csv.DictReader(handle)
        )


RULES = load_rules()


def comparable(visit: Mapping[str, Any], measure: str) -> float | None:
    """Return a visit's value of ``measure`` as compared (lengths lying-equivalent)."""
    value = visit.get(measure)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if measure == "length_cm" and visit.get("position") == "standing":
        return float(value) + STANDING_TO_LYING_CM
    return float(value)


def check(
    visit: Mapping[str, Any], history: Iterable[Mapping[str, Any]], rules: Iterable[Rule] = RULES
) -> list[Contradiction]:
    """Return what the child's nearest earlier and later visits say against ``visit``."""
    on = as_date(visit.get("visit_date"))
    if on is None:
        return []
    dated = sorted(
        ((day, other) for other in history if (day := as_date(other.get("visit_date")))),
        key=lambda item: item[0],
    )
    found = []
    for rule in rules:
        value = comparable(visit, rule.measure)
        if value is None:
            continue
        with_value = [(d, v) for d, v in dated if d != on and comparable(v, rule.measure)]
        earlier = [item for item in with_value if item[0] < on][-1:]
        later = [item for item in with_value if item[0] > on][:1]
        for day, other in earlier + later:
            hit = _test(rule, visit, other, on, day)
            if hit is not None:
                found.append(hit)
    return found


def _test(
    rule: Rule, visit: Mapping[str, Any], other: Mapping[str, Any], on: date, other_on: date
) -> Contradiction | None:
    """Apply one rule to the pair (visit, a neighbouring visit)."""
    new_is_later = on > other_on
    first, second = (other, visit) if new_is_later else (visit, other)
    before, after = comparable(first, rule.measure), comparable(second, rule.measure)
    days = abs((on - other_on).days)
    if before is None or after is None:
        return None
    if rule.test == "max_decrease":
        change = before - after
    elif rule.test == "max_loss_percent":
        if (rule.max_days is not None and days > rule.max_days) or before <= 0:
            return None
        change = 100 * (before - after) / before
    else:
        raise ValueError(f"unknown plausibility test {rule.test!r}")
    if change <= rule.threshold + 1e-9:
        return None
    return Contradiction(
        rule=rule.code,
        field=rule.measure,
        value=float(visit[rule.measure]),
        other_value=float(other[rule.measure]),
        other_date=other_on.isoformat(),
        change=change,
        days=days,
        new_is_later=new_is_later,
    )
