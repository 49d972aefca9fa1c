"""Usia sekolah and remaja (5–18 years): BMI-for-age, anaemia and KEK flags (BRIEF §1.10).

BMI-for-age is the WHO 2007 reference already in ``shared.growth`` (Permenkes 2/2020 IMT/U
categories); the alert cut-offs are the ``youth`` rows of ``data/thresholds.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.clinical.thresholds import Alert, Number, evaluate, visit_date
from shared.growth import assess

YOUTH_MEASURES = ("hb_g_dl", "muac_cm", "baz")


def bmi_for_age(
    sex: str, birth_date: date | str, on: date | str, weight_kg: Number, height_cm: Number
) -> tuple[float | None, str | None]:
    """Return (BMI-for-age z, Permenkes IMT/U category) of a standing child or adolescent."""
    result = assess(
        sex, birth_date, on, weight_kg=weight_kg, length_cm=height_cm, position="standing"
    )
    return result.baz, result.categories.get("baz")


def youth_alerts(visit: Mapping[str, object], sex: str, age_years: int) -> list[Alert]:
    """Return anaemia, KEK (girls), thinness and obesity flags; ``baz`` may be in ``visit``."""
    values = {name: visit.get(name) for name in YOUTH_MEASURES}
    return evaluate("youth", values, visit_date(visit), sex, age_years)  # type: ignore[arg-type]
