"""Immunisation by schedule: per-dose status, dose checks, due doses, IDL and IBL (BRIEF §1.8).

    from shared import immunisation
    given = [("HB0", None, "2024-03-10"), ("DPT_HB_HIB", 1, "2024-05-10")]
    immunisation.assess("2024-03-10", given, "2024-06-01")       # [DoseStatus, ...]
    immunisation.check_dose("2024-03-10", given, "DPT_HB_HIB", 2, "2024-06-01")
    immunisation.due_today("2024-03-10", given, "2024-06-01")    # shown first on the visit form
    immunisation.is_idl(given, "2024-03-10")

A dose is ``(antigen, dose, date)`` (``("OPV", 2, d)``) or ``(record code, None, date)``
(``("OPV2", None, d)``, the codes of ``shared/records/data/antigens.csv``). The schedule and the
IDL/IBL rules are versioned tables in ``data/`` with a source per row; see ``assessment`` for
the rules. Reasons are ``immunisation.reason.*`` keys of ``shared.i18n``; ``reason_text`` writes
one as a sentence.
"""

from shared.immunisation import messages  # noqa: F401  (registers the immunisation.* texts)
from shared.immunisation.assessment import (
    DUE,
    GIVEN,
    GIVEN_LATE,
    INVALID,
    NOT_YET,
    OVERDUE,
    STATUSES,
    DoseStatus,
    assess,
    check_dose,
    due_today,
)
from shared.immunisation.completeness import IBL, IDL, completed_on, is_ibl, is_idl
from shared.immunisation.messages import reason_text
from shared.immunisation.schedule import ScheduledDose, UnknownDose, load_schedule, schedule

__all__ = [
    "DUE",
    "GIVEN",
    "GIVEN_LATE",
    "IBL",
    "IDL",
    "INVALID",
    "NOT_YET",
    "OVERDUE",
    "STATUSES",
    "DoseStatus",
    "ScheduledDose",
    "UnknownDose",
    "assess",
    "check_dose",
    "completed_on",
    "due_today",
    "is_ibl",
    "is_idl",
    "load_schedule",
    "reason_text",
    "schedule",
]
