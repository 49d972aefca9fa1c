"""SKDN and the other monthly posyandu indicators, from by-name records (BRIEF §1.2, §1.9, §2.1, §5).

For one posyandu and one calendar month:

- S: persons aged 0–59 completed months on the last day of the month (born by then), not died and
  not moved out on or before that day. K: those of S with ``has_kia_book``. D: those of S weighed in
  the month.
- N/T/O/B, 2T: ``shared.growth.monitoring`` on the last weighing of each month. BGM: children of D
  whose last weighing of the month has WAZ below the red line, or bilateral oedema.
- Stunting, wasting, underweight: per child aged 0–59 completed months at the measurement, the last
  measurement of the month with that z-score; numerator z < −2, denominator children with that
  z-score. Bilateral oedema counts as z < −3 for WAZ and WLHZ (BRIEF §2.2) although the z is None, so
  the child is in both numerator and denominator of wasting and underweight. LHAZ is not affected.
- Vitamin A: children of S aged 6–59 months on the last day who had a visit in the month with a
  capsule (``vitamin_a`` set and not ``"none"``), over S aged 6–59 months. Computed every month; only
  February and August are campaign months (BRIEF §1.9).
- KEK: per pregnancy, the last ANC visit of the month with ``muac_cm``; numerator LiLA < 23.5 cm.
- Opened: 1 over 1 when a posyandu session of the month has ``opened``; sums to "opened / posyandu".

Every value is a ``Ratio`` so that desa, puskesmas and kabupaten totals are sums (``combine``).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.growth.monitoring import (
    DEFAULT_RULES,
    GrowthRules,
    MonthGrowth,
    age_in_completed_months,
    is_bgm,
    monthly_growth,
)
from shared.indicators.ratio import Ratio

S_AGE_MAX_MONTHS = 59
VITAMIN_A_AGE_MONTHS = (6, 59)  # BRIEF §1.9: blue 6–11, red 12–59
Z_BELOW = -2.0  # stunting, wasting, underweight (BRIEF §2.1)
KEK_MUAC_BELOW_CM = 23.5  # [S: SIP F3]
NO_VITAMIN_A = frozenset({"", "none", "tidak"})

COUNT_KEYS = ("S", "K", "D", "N", "T", "O", "B", "BGM", "2T")
VALUE_KEYS = (
    "ks",
    "ds",
    "nd",
    "nd_assessable",
    "bgm",
    "two_t",
    "stunting",
    "wasting",
    "underweight",
    "vitamin_a",
    "kek",
    "opened",
)

Row = Mapping[str, Any]


@dataclass(frozen=True)
class MonthIndicators:
    """The indicators of one month for one posyandu, or a sum of several (``combine``)."""

    year: int
    month: int
    values: dict[str, Ratio]
    counts: dict[str, int]
    children: dict[Any, MonthGrowth] = field(default_factory=dict)  # person_id -> growth, for D

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (without the child list)."""
        return {
            "year": self.year,
            "month": self.month,
            "counts": dict(self.counts),
            "values": {key: ratio.to_dict() for key, ratio in self.values.items()},
        }


def as_date(value: date | str | None) -> date | None:
    """Return a date from a date, datetime or ISO string (``None`` and ``""`` give None)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _row_date(row: Row, *keys: str) -> date | None:
    for key in keys:
        if row.get(key) is not None:
            return as_date(row[key])
    return None


def _in_sasaran(person: Row, month_end: date) -> int | None:
    """Return the age in months on ``month_end`` if the person counts in S, else None."""
    birth = as_date(person["birth_date"])
    if birth is None or birth > month_end:
        return None
    for key in ("died_on", "moved_out_on"):
        left = as_date(person.get(key))
        if left is not None and left <= month_end:
            return None
    age = age_in_completed_months(birth, month_end)
    return age if age <= S_AGE_MAX_MONTHS else None


def _visits_until(
    child_visits: Iterable[Row], births: Mapping[Any, date], month_end: date
) -> dict[Any, list[tuple[date, Row]]]:
    """Group visits of known persons up to ``month_end`` by person, in date order."""
    grouped: dict[Any, list[tuple[date, Row]]] = defaultdict(list)
    for visit in child_visits:
        person_id = visit["person_id"]
        if person_id not in births:
            continue
        on = as_date(visit["visit_date"])
        if on is not None and on <= month_end:
            grouped[person_id].append((on, visit))
    for visits in grouped.values():
        visits.sort(key=lambda item: item[0])  # stable: same-day visits keep input order
    return grouped


def _last(visits: list[tuple[date, Row]], has: Any) -> Row | None:
    for _, visit in reversed(visits):
        if has(visit):
            return visit
    return None


def _weighed(visit: Row) -> bool:
    return visit.get("weight_kg") is not None


def _prevalence(
    month_visits: Mapping[Any, list[tuple[date, Row]]],
    births: Mapping[Any, date],
    z_key: str,
    oedema_counts: bool,
) -> Ratio:
    """Count children below ``Z_BELOW`` on their last measurement of the month with ``z_key``."""

    def has(visit: Row) -> bool:
        return visit.get(z_key) is not None or (oedema_counts and bool(visit.get("oedema")))

    below = measured = 0
    for person_id, visits in month_visits.items():
        visit = _last(visits, has)
        if visit is None:
            continue
        age = age_in_completed_months(births[person_id], as_date(visit["visit_date"]))
        if not 0 <= age <= S_AGE_MAX_MONTHS:
            continue
        measured += 1
        oedema = oedema_counts and bool(visit.get("oedema"))
        below += oedema or (visit[z_key] is not None and visit[z_key] < Z_BELOW)
    return Ratio(below, measured)


def _vitamin_a_given(visit: Row) -> bool:
    given = visit.get("vitamin_a")
    if isinstance(given, str):
        return given.strip().lower() not in NO_VITAMIN_A
    return bool(given)


def _kek(anc_visits: Iterable[Row], first: date, last: date) -> Ratio:
    latest: dict[Any, tuple[date, float]] = {}
    for visit in anc_visits:
        muac = visit.get("muac_cm")
        on = _row_date(visit, "visit_date", "date")
        if muac is None or on is None or not first <= on <= last:
            continue
        key = visit.get("pregnancy_id") or visit.get("person_id")
        if key not in latest or on >= latest[key][0]:
            latest[key] = (on, float(muac))
    below = sum(1 for _, muac in latest.values() if muac < KEK_MUAC_BELOW_CM)
    return Ratio(below, len(latest))


def _opened(sessions: Iterable[Row], first: date, last: date) -> Ratio:
    for session in sessions:
        on = _row_date(session, "session_date", "date")
        if on is not None and first <= on <= last and session.get("opened"):
            return Ratio(1, 1)
    return Ratio(0, 1)


def _weighed_children(ages, history, in_month, births, month, rules):
    """Return (growth of each child weighed in the month, how many of them are BGM)."""
    children: dict[Any, MonthGrowth] = {}
    bgm = 0
    for person_id in ages.keys() & in_month.keys():
        last_weighing = _last(in_month[person_id], _weighed)
        if last_weighing is None:
            continue
        weighings = [(on, float(v["weight_kg"])) for on, v in history[person_id] if _weighed(v)]
        growth = monthly_growth(births[person_id], weighings, rules, since=month)
        children[person_id] = growth[month]
        bgm += is_bgm(last_weighing.get("waz"), rules, oedema=bool(last_weighing.get("oedema")))
    return children, bgm


def _skdn_counts(ages: dict, k_count: int, children: dict, bgm: int) -> dict[str, int]:
    """Return the SKDN counts (S, K, D, N, T, O, B, BGM, 2T) in COUNT_KEYS order."""
    counts = {
        "S": len(ages),
        "K": k_count,
        "D": len(children),
        "BGM": bgm,
        "2T": sum(g.two_t for g in children.values()),
    }
    for status in ("N", "T", "O", "B"):
        counts[status] = sum(g.status == status for g in children.values())
    return {key: counts[key] for key in COUNT_KEYS}


def month_indicators(
    persons: Iterable[Row],
    child_visits: Iterable[Row],
    year: int,
    month: int,
    *,
    rules: GrowthRules = DEFAULT_RULES,
    anc_visits: Iterable[Row] = (),
    pregnancies: Iterable[Row] = (),
    sessions: Iterable[Row] = (),
    desa_reports: Iterable[Row] = (),
) -> MonthIndicators:
    """Compute one posyandu's indicators for one calendar month from its records.

    ``pregnancies`` and ``desa_reports`` are accepted for a stable signature; no indicator reads
    them yet (KEK keys ANC visits by their ``pregnancy_id``).
    """
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    persons = list(persons)
    births = {p["id"]: b for p in persons if (b := as_date(p["birth_date"])) is not None}
    ages = {p["id"]: age for p in persons if (age := _in_sasaran(p, last)) is not None}
    k_count = sum(1 for p in persons if p["id"] in ages and p.get("has_kia_book"))

    history = _visits_until(child_visits, births, last)
    in_month = {
        pid: [item for item in visits if item[0] >= first] for pid, visits in history.items()
    }
    in_month = {pid: visits for pid, visits in in_month.items() if visits}

    children, bgm = _weighed_children(ages, history, in_month, births, (year, month), rules)
    counts = _skdn_counts(ages, k_count, children, bgm)
    low, high = VITAMIN_A_AGE_MONTHS
    vit_a_target = {pid for pid, age in ages.items() if low <= age <= high}
    vit_a_given = sum(
        1 for pid in vit_a_target if any(_vitamin_a_given(v) for _, v in in_month.get(pid, ()))
    )

    s, d, bgm = counts["S"], counts["D"], counts["BGM"]
    values = {
        "ks": Ratio(counts["K"], s),
        "ds": Ratio(d, s),
        "nd": Ratio(counts["N"], d),
        "nd_assessable": Ratio(counts["N"], d - counts["O"] - counts["B"]),
        "bgm": Ratio(bgm, d),
        "two_t": Ratio(counts["2T"], d),
        "stunting": _prevalence(in_month, births, "lhaz", oedema_counts=False),
        "wasting": _prevalence(in_month, births, "wlhz", oedema_counts=True),
        "underweight": _prevalence(in_month, births, "waz", oedema_counts=True),
        "vitamin_a": Ratio(vit_a_given, len(vit_a_target)),
        "kek": _kek(anc_visits, first, last),
        "opened": _opened(sessions, first, last),
    }
    return MonthIndicators(year, month, values, counts, children)


def combine(items: Iterable[MonthIndicators]) -> MonthIndicators:
    """Sum the indicators of several posyandu (or desa) for the same month."""
    items = list(items)
    if not items:
        raise ValueError("combine() needs at least one MonthIndicators")
    year, month = items[0].year, items[0].month
    if any((item.year, item.month) != (year, month) for item in items):
        raise ValueError("combine() sums one month; summing months would count S many times")
    values = {key: sum((item.values[key] for item in items), Ratio(0, 0)) for key in VALUE_KEYS}
    counts = {key: sum(item.counts[key] for item in items) for key in COUNT_KEYS}
    children: dict[Any, MonthGrowth] = {}
    for item in items:
        children.update(item.children)
    return MonthIndicators(year, month, values, counts, children)
