"""Clinical helpers for the posyandu: pregnancy dating, BBLR and referral alerts (BRIEF §1.6–1.10).

    from shared import clinical
    clinical.hpl("2024-02-29")                          # date(2024, 12, 5): HPHT + 280 days
    clinical.gestational_age("2024-02-29", "2024-06-01") # (13, 2)
    clinical.pregnancy_alerts({"muac_cm": 23.0, "hb_g_dl": 10.5})  # [Alert(kek), Alert(anaemia)]
    clinical.adult_alerts(visit, previous_visit, sex="F")
    clinical.describe(alert, "en")

Every cut-off is a row of ``data/thresholds.csv`` with its source; every alert suggests a
referral and has a ``clinical.alert.<code>`` message in ``shared.i18n``.
"""

from shared.clinical import messages  # noqa: F401  (registers the clinical.* texts)
from shared.clinical.adult import SKILAS_DOMAINS, adult_alerts, skilas_alerts, weight_loss_pct
from shared.clinical.pregnancy import gestational_age, hpl, is_bblr, pregnancy_alerts, trimester
from shared.clinical.thresholds import Alert, Threshold, describe, evaluate, load_thresholds
from shared.clinical.youth import bmi_for_age, youth_alerts

__all__ = [
    "SKILAS_DOMAINS",
    "Alert",
    "Threshold",
    "adult_alerts",
    "bmi_for_age",
    "describe",
    "evaluate",
    "gestational_age",
    "hpl",
    "is_bblr",
    "load_thresholds",
    "pregnancy_alerts",
    "skilas_alerts",
    "trimester",
    "weight_loss_pct",
    "youth_alerts",
]
