"""Which groups a recorded death counts in (maternal, neonatal, infant, balita) and the rates.

Used by the Kematian page and by the ``maternal_death`` signal rule. The groups nest as the desa
report's counts do (BRIEF §5.1): neonatal 0–28 days, infant under 1 year, balita under 5 years;
maternal: a woman dying during a recorded pregnancy or within 42 days of its delivery.
"""

from __future__ import annotations

import datetime as dt

from shared.records.fields import parse_date

GROUPS = ("maternal", "neonatal", "infant", "under5")
PER = {"maternal": 100_000, "neonatal": 1_000, "infant": 1_000}
NEONATAL_DAYS, NIFAS_DAYS = 28, 42


def years_after(day: dt.date, years: int) -> dt.date:
    """Return the same day ``years`` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def in_pregnancy(died: dt.date, pregnancy: dict) -> bool:
    """Tell whether a death falls in a pregnancy or within 42 days of its delivery."""
    if pregnancy.get("outcome") == "maternal_death":
        return True
    start = parse_date(pregnancy.get("lmp_date")) or parse_date(pregnancy.get("registered_on"))
    if start is None or died < start:
        return False
    delivered = parse_date(pregnancy.get("delivery_date"))
    if delivered is None:
        return pregnancy.get("status", "active") == "active"
    return died <= delivered + dt.timedelta(days=NIFAS_DAYS)


def death_groups(person: dict, pregnancies: list[dict]) -> list[str]:
    """Return the groups a recorded death counts in (empty: not a KIA death)."""
    died, born = parse_date(person.get("died_on")), parse_date(person.get("birth_date"))
    if died is None or born is None:
        return []
    groups = []
    if person.get("sex") == "F" and any(in_pregnancy(died, p) for p in pregnancies):
        groups.append("maternal")
    if (died - born).days <= NEONATAL_DAYS:
        groups.append("neonatal")
    if died < years_after(born, 1):
        groups.append("infant")
    if died < years_after(born, 5):
        groups.append("under5")
    return groups


def rate(deaths: int, live_births: int, group: str) -> float | None:
    """Return deaths per 100,000 (maternal) or per 1,000 (neonatal, infant) live births."""
    return round(deaths * PER[group] / live_births, 1) if live_births else None
