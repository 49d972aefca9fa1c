"""Pregnancy dating (HPL, gestational age, trimester), pregnancy risk flags and BBLR.

HPL (hari perkiraan lahir) is HPHT + 280 days, the day-count form of Naegele's rule that the
BRIEF (§1.7) gives; the calendar form (+1 year −3 months +7 days) differs by a day or two when
February lies in between. The numbers live in ``data/pregnancy_dating.csv``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from shared.clinical.thresholds import Alert, Number, as_date, evaluate, visit_date

DATING_CSV = Path(__file__).parent / "data" / "pregnancy_dating.csv"
PREGNANCY_MEASURES = ("muac_cm", "hb_g_dl", "systolic_bp", "diastolic_bp", "height_cm")


@cache
def dating() -> dict[str, int]:
    """Return the dating constants (``gestation_days``, trimester boundaries in weeks)."""
    with DATING_CSV.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return {row["key"].strip(): int(row["value"]) for row in csv.DictReader(lines)}


def hpl(hpht: date | str) -> date:
    """Return the estimated day of delivery: HPHT + 280 days."""
    return as_date(hpht) + timedelta(days=dating()["gestation_days"])


def gestational_age(hpht: date | str, on: date | str) -> tuple[int, int]:
    """Return the gestational age on ``on`` as (completed weeks, days)."""
    days = (as_date(on) - as_date(hpht)).days
    if days < 0:
        raise ValueError(f"{on} is before the HPHT {hpht}")
    return divmod(days, 7)


def trimester(hpht: date | str, on: date | str) -> int:
    """Return the trimester (1, 2 or 3) on ``on``, by completed weeks of gestation."""
    weeks, _ = gestational_age(hpht, on)
    if weeks >= dating()["trimester_3_from_weeks"]:
        return 3
    return 2 if weeks >= dating()["trimester_2_from_weeks"] else 1


def pregnancy_alerts(
    anc_visit: Mapping[str, object], pregnancy: Mapping[str, object] | None = None
) -> list[Alert]:
    """Return KEK, anaemia, hypertension and short-stature flags of an ANC visit."""
    # height is measured once, at registration, so it may sit on the pregnancy record
    values = {name: anc_visit.get(name) for name in PREGNANCY_MEASURES}
    if values["height_cm"] is None and pregnancy is not None:
        values["height_cm"] = pregnancy.get("height_cm")
    return evaluate("pregnancy", values, visit_date(anc_visit))  # type: ignore[arg-type]


def is_bblr(birth_weight_kg: Number) -> bool:
    """Tell whether a birth weight is low (BBLR, < 2.5 kg)."""
    alerts = evaluate("newborn", {"birth_weight_kg": birth_weight_kg})
    return any(alert.code == "bblr" for alert in alerts)
