"""Usia dewasa and lansia alerts: blood sugar, blood pressure, waist, weight loss, SKILAS.

Numeric thresholds are the ``adult`` rows of ``data/thresholds.csv``. SKILAS (BRIEF §1.10, [S]):
any positive domain means "refer to the puskesmas", one alert per positive domain.
Field names are those of the ``adult_visit`` record kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.clinical.thresholds import Alert, evaluate, visit_date

ADULT_MEASURES = ("blood_glucose_mg_dl", "systolic_bp", "diastolic_bp", "waist_cm")
SKILAS_DOMAINS = ("cognitive", "mobility", "malnutrition", "vision", "hearing", "depression")


def weight_loss_pct(
    visit: Mapping[str, object], previous_visit: Mapping[str, object] | None
) -> float | None:
    """Return the weight lost since the previous visit in % of its weight (2 decimals)."""
    if previous_visit is None:
        return None
    now, before = visit.get("weight_kg"), previous_visit.get("weight_kg")
    if now is None or not before:
        return None
    # rounded so that 60 -> 57 kg is exactly 5 %, the value the kader sees, not 5.000000001
    return round((float(before) - float(now)) * 100 / float(before), 2)  # type: ignore[arg-type]


def skilas_alerts(skilas: Mapping[str, object] | None) -> list[Alert]:
    """Return one alert per positive SKILAS domain."""
    if not skilas:
        return []
    return [
        Alert(code=f"skilas_{domain}", key=f"clinical.alert.skilas_{domain}")
        for domain in SKILAS_DOMAINS
        if skilas.get(domain) is True
    ]


def adult_alerts(
    visit: Mapping[str, object],
    previous_visit: Mapping[str, object] | None = None,
    sex: str | None = None,
) -> list[Alert]:
    """Return the alerts of an adult/lansia visit, each suggesting a referral."""
    values = {name: visit.get(name) for name in ADULT_MEASURES}
    values["weight_loss_pct"] = weight_loss_pct(visit, previous_visit)
    alerts = evaluate("adult", values, visit_date(visit), sex)  # type: ignore[arg-type]
    return alerts + skilas_alerts(visit.get("skilas"))  # type: ignore[arg-type]
