"""What the device's own records say about a desa's month: the births and deaths a new desa report
starts from, and the newborns registered that the report may not undercount.

A person belongs to a desa by their own ``desa_code``, else by their posyandu's. The device holds
only its posyandu's people, so these are lower bounds: another posyandu of the same desa may have
recorded more, which is why the kader can raise every number before saving.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.calendar import age_on, as_date, month_bounds

from .store import Store

NEONATAL_DAYS = 28  # "Kematian neonatal (0–28 hari)", as the form's label says
INFANT_MONTHS = 12
UNDER5_MONTHS = 60
# A woman's death while pregnant or within 42 days of the end of her pregnancy (WHO ICD-10).
MATERNAL_DAYS = 42
COUNTS = (
    "births_live",
    "births_still",
    "deaths_maternal",
    "deaths_neonatal",
    "deaths_infant",
    "deaths_under5",
)


def _in(day: Any, first: date, last: date) -> bool:
    found = as_date(day)
    return found is not None and first <= found <= last


def people_of_desa(store: Store, desa_code: str) -> list[dict[str, Any]]:
    """Return the living and deceased people on this device who belong to ``desa_code``."""
    posyandu_desa = {f.id: f.fields.get("desa_code") for f in store.list("facility")}
    return [
        p
        for p in store.rows("person")
        if (p.get("desa_code") or posyandu_desa.get(str(p.get("posyandu_id")))) == desa_code
    ]


def _maternal(person: dict[str, Any], pregnancies: list[dict[str, Any]]) -> bool:
    """Tell whether a woman's death counts as a maternal death by her pregnancies on record."""
    died = as_date(person.get("died_on"))
    for pregnancy in pregnancies:
        if pregnancy.get("outcome") == "maternal_death":
            return True
        ended = as_date(pregnancy.get("delivery_date"))
        started = as_date(pregnancy.get("registered_on")) or as_date(pregnancy.get("lmp_date"))
        if ended is None and pregnancy.get("status", "active") == "active":
            if started is None or started <= died:
                return True
        elif ended is not None and ended <= died <= ended + timedelta(days=MATERNAL_DAYS):
            return True
    return False


def month_facts(store: Store, desa_code: str | None, period: str | None) -> dict[str, int]:
    """Count a desa's live births, stillbirths and deaths by age group in a month (``yyyy-mm``)."""
    facts = dict.fromkeys(COUNTS, 0)
    try:
        first, last = month_bounds(str(period))
    except (TypeError, ValueError):
        return facts
    if not desa_code:
        return facts
    people = people_of_desa(store, desa_code)
    ids = {p["id"] for p in people}
    pregnancies: dict[str, list[dict[str, Any]]] = {}
    for pregnancy in store.rows("pregnancy"):
        if pregnancy.get("person_id") in ids:
            pregnancies.setdefault(pregnancy["person_id"], []).append(pregnancy)
    facts["births_live"] = sum(_in(p.get("birth_date"), first, last) for p in people)
    facts["births_still"] = sum(
        p.get("outcome") == "stillbirth" and _in(p.get("delivery_date"), first, last)
        for group in pregnancies.values()
        for p in group
    )
    for person in people:
        if not _in(person.get("died_on"), first, last):
            continue
        birth, died = as_date(person.get("birth_date")), as_date(person.get("died_on"))
        months = age_on(birth, died)
        if months is not None:
            facts["deaths_neonatal"] += (died - birth).days <= NEONATAL_DAYS
            facts["deaths_infant"] += months < INFANT_MONTHS
            facts["deaths_under5"] += months < UNDER5_MONTHS
        if person.get("sex") == "F" and _maternal(person, pregnancies.get(person["id"], [])):
            facts["deaths_maternal"] += 1
    return facts
