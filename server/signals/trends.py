"""Signal rules over the monthly aggregates: D/S drop, BGM cluster, drop-out and data-quality rise.

These rules compare the last complete month (``M``) with the month before it (``M-1``), reading
the ``indicator_month`` rows that every write keeps current (``server/indicators/refresh.py``),
so an evaluation reads a few rows per posyandu, not its visits. The current month is incomplete
(a posyandu opens once a month), so it is not compared, except by the BGM rule, which counts
cases (a cluster seen this month is worth raising now).

Thresholds come from ``rules.csv`` [K]:

- ``ds_drop``: D/S of a posyandu fell by *more than* ``threshold`` percentage points from M-1 to
  M (both months with S > 0). Period = M.
- ``bgm_cluster``: *at least* ``threshold`` children weighed BGM in one desa in one month (summed
  over the desa's posyandu). Raised on the desa's posyandu with the most BGM (then by id), with
  every posyandu's count in the evidence. Period = ``<month>`` for M and the current month.
- ``dpt_dropout_rising``: drop-out DPT-HB-Hib 1 → 3 (``shared.indicators.ilp``) of a posyandu
  rose by *more than* ``threshold`` points from M-1 to M (both with a denominator). Period = M.
- ``quality_flags_rising``: child visits flagged implausible (``shared.growth.anthro`` flags) at
  a posyandu in M exceed those in M-1 by *at least* ``threshold``. Period = M.

Percentages are compared as exact fractions, so a drop of exactly the threshold is not raised.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

import sqlalchemy as sa

from server.indicators.posyandu_month import DESA_PREFIX
from server.models import IndicatorMonth, Record
from server.scope import FacilityIndex
from server.signals.rules import Rule
from shared.calendar import MONTH_NAMES_ID, add_months, format_decimal, parse_period, period_of


def month_words(period: str) -> str:
    """Return 'November 2026' for '2026-11'."""
    year, month = parse_period(period)
    return f"{MONTH_NAMES_ID[month - 1]} {year}"


def compared_months(today: dt.date) -> tuple[str, str]:
    """Return (M-1, M): the month before the last complete month, and the last complete month."""
    this = (today.year, today.month)
    return period_of(add_months(this, -2)), period_of(add_months(this, -1))


def month_rows(session, periods: list[str]) -> dict[tuple[str, str], IndicatorMonth]:
    """Return the posyandu rows of ``indicator_month`` for ``periods`` by (posyandu, period)."""
    table = IndicatorMonth.__table__
    rows = session.execute(sa.select(table).where(table.c.period.in_(periods)))
    return {
        (row.posyandu_id, row.period): row
        for row in rows
        if not row.posyandu_id.startswith(DESA_PREFIX)
    }


def _ratio(row, key: str) -> tuple[int, int] | None:
    if row is None:
        return None
    n, d = (row.values or {}).get(key, (0, 0))
    return (int(n), int(d)) if d else None


def _percent(pair: tuple[int, int]) -> str:
    return f"{format_decimal(100 * pair[0] / pair[1])} % ({pair[0]}/{pair[1]})"


def _compare(session, rule: Rule, today: dt.date, key: str, label: str, sign: int) -> list:
    """Posyandu whose ``key`` moved by more than ``threshold`` points (sign 1 rise, -1 drop)."""
    before, last = compared_months(today)
    rows = month_rows(session, [before, last])
    out = []
    for posyandu in sorted({p for p, _ in rows}):
        old, new = (
            _ratio(rows.get((posyandu, before)), key),
            _ratio(rows.get((posyandu, last)), key),
        )
        if old is None or new is None:
            continue
        change = sign * (Fraction(*new) - Fraction(*old)) * 100
        if change > rule.threshold:
            evidence = (
                f"{label} {_percent(old)} pada {month_words(before)} menjadi "
                f"{_percent(new)} pada {month_words(last)}"
            )
            out.append((posyandu, last, evidence))
    return out


def ds_drop(session, rule: Rule, today: dt.date) -> list[tuple]:
    """D/S fell by more than ``threshold`` points from M-1 to M."""
    return _compare(session, rule, today, "ds", "D/S turun dari", -1)


def dpt_dropout_rising(session, rule: Rule, today: dt.date) -> list[tuple]:
    """Drop-out DPT-HB-Hib 1 → 3 rose by more than ``threshold`` points from M-1 to M."""
    return _compare(session, rule, today, "dpt_dropout", "Drop-out DPT-HB-Hib 1→3 naik dari", 1)


def bgm_cluster(session, rule: Rule, today: dt.date) -> list[tuple]:
    """At least ``threshold`` BGM children in one desa in M or in the current month."""
    _, last = compared_months(today)
    current = period_of((today.year, today.month))
    rows = month_rows(session, [last, current])
    facilities = FacilityIndex.load(session)
    per_desa: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (posyandu, period), row in rows.items():
        facility = facilities.get(posyandu) or {}
        bgm = int((row.counts or {}).get("BGM", 0))
        if bgm and facility.get("desa_code"):
            per_desa[(facility["desa_code"], period)][posyandu] = bgm
    names = desa_names(session)
    out = []
    for (desa, period), counts in sorted(per_desa.items()):
        total = sum(counts.values())
        if total < max(rule.threshold, 1):
            continue
        unit = min(counts, key=lambda p: (-counts[p], p))
        parts = ", ".join(
            f"{(facilities.get(p) or {}).get('name') or p} {n}" for p, n in sorted(counts.items())
        )
        evidence = (
            f"{total} balita BGM di desa {names.get(desa, desa)} pada {month_words(period)} "
            f"({parts})"
        )
        out.append((unit, period, evidence))
    return out


def desa_names(session) -> dict[str, str]:
    """Return the desa names by code."""
    rows = session.execute(
        sa.select(Record.fields).where(Record.kind == "wilayah", Record.deleted.is_(False))
    ).scalars()
    return {r.get("code") or r.get("id"): r.get("name") for r in rows if r.get("level") == "desa"}


def _flagged(fields: dict) -> bool:
    return any(str(flag).startswith("implausible_") for flag in fields.get("flags") or [])


def quality_flags_rising(session, rule: Rule, today: dt.date) -> list[tuple]:
    """Visits flagged implausible in M exceed those of M-1 by at least ``threshold``."""
    before, last = compared_months(today)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {before: 0, last: 0})
    query = sa.select(Record.posyandu_id, Record.fields).where(
        Record.kind == "child_visit",
        Record.deleted.is_(False),
        sa.cast(Record.fields, sa.Text).like("%implausible_%"),
    )
    for posyandu, fields in session.execute(query):
        month = str(fields.get("visit_date") or "")[:7]
        if month in (before, last) and _flagged(fields):
            counts[posyandu][month] += 1
    out = []
    for posyandu, by_month in sorted(counts.items()):
        rise = by_month[last] - by_month[before]
        if rise >= max(rule.threshold, 1):
            evidence = (
                f"kunjungan dengan nilai tidak masuk akal: {by_month[before]} pada "
                f"{month_words(before)}, {by_month[last]} pada {month_words(last)}"
            )
            out.append((posyandu, last, evidence))
    return out


RULES = {
    "ds_drop": ds_drop,
    "bgm_cluster": bgm_cluster,
    "dpt_dropout_rising": dpt_dropout_rising,
    "quality_flags_rising": quality_flags_rising,
}
