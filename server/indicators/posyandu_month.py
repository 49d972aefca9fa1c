"""One posyandu's indicators for one month, computed from its records (no database).

``PosyanduData`` holds a posyandu's live records grouped for fast per-month computation; its
``compute(month)`` is what an ``indicator_month`` row stores. ``desa_extra`` is the row of a desa's
monthly report. ``server/indicators/refresh.py`` loads the records and keeps the rows current.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from shared.calendar import Month
from shared.indicators import month_indicators
from shared.indicators.skdn import as_date

DESA_PREFIX = "desa:"
POSYANDU_KINDS = ("person", "child_visit", "anc_visit", "posyandu_session")
DESA_FIELDS = (
    "births_live",
    "births_still",
    "deaths_maternal",
    "deaths_neonatal",
    "deaths_infant",
    "deaths_under5",
)


def event_month(kind: str, fields: Mapping) -> Month | None:
    """Return the month a dated record (visit, session) counts in; None for undated kinds."""
    if kind == "posyandu_session":
        value = fields.get("session_date")
    elif kind in ("child_visit", "anc_visit"):
        value = fields.get("visit_date")
    else:
        return None
    day = as_date(value) if value not in (None, "") else None
    return (day.year, day.month) if day else None


# -- computing ------------------------------------------------------------------------------------


class PosyanduData:
    """One posyandu's live records, loaded once, grouped for fast per-month computation."""

    def __init__(self, rows: Iterable[tuple[str, dict]]):
        self.persons: list[dict] = []
        self.visits_by_person: dict[str, list[dict]] = defaultdict(list)
        self.anc: list[dict] = []
        self.sessions: list[dict] = []
        self.first_month: Month | None = None
        self.last_month: Month | None = None
        for kind, fields in rows:
            if kind == "person":
                self.persons.append(fields)
                continue
            if kind == "child_visit":
                self.visits_by_person[fields.get("person_id")].append(fields)
            elif kind == "anc_visit":
                self.anc.append(fields)
            elif kind == "posyandu_session":
                self.sessions.append(fields)
            month = event_month(kind, fields)
            if month is not None:
                self.first_month = min(self.first_month or month, month)
                self.last_month = max(self.last_month or month, month)
        self.births = {
            p["id"]: b for p in self.persons if (b := as_date(p.get("birth_date"))) is not None
        }
        # Per person: (month index, date, visit) in date order, dates parsed once.
        self.dated: dict[str, list[tuple[int, date, dict]]] = {}
        for person_id, visits in self.visits_by_person.items():
            items = [
                ((d.year * 12 + d.month), d, v)
                for v in visits
                if (d := as_date(v.get("visit_date"))) is not None
            ]
            items.sort(key=lambda item: item[1])
            self.dated[person_id] = items

    def compute_opened(self, month: Month) -> list[int]:
        """Return "opened" ([1, 1] or [0, 1]) of one month from the sessions alone."""
        ratio = month_indicators([], [], *month, sessions=self.sessions).values["opened"]
        return [ratio.numerator, ratio.denominator]

    def compute(self, month: Month) -> dict:
        """Return the aggregate row values (values, counts, extra) of one month.

        Only what can change the month is passed to ``month_indicators``, giving the same result
        as passing everything without the cost: persons born by the month's end who are under five
        then or were measured in the month; of their visits, those of this month and the two before
        (N/T needs last month's weighing, 2T the month before) and one earlier weighing, which
        keeps "weighed before" (B) true.
        """
        year, mon = month
        last = date(year, mon, calendar.monthrange(year, mon)[1])
        index = year * 12 + mon
        persons, visits = [], []
        immunizations: dict[str, int] = defaultdict(int)
        vitamin_a: dict[str, int] = defaultdict(int)
        for person in self.persons:
            birth = self.births.get(person["id"])
            if birth is None or birth > last:
                continue
            own = self.dated.get(person["id"], ())
            recent, earlier = [], None
            for m, _, visit in own:
                if m > index:
                    break
                if m >= index - 2:
                    recent.append(visit)
                elif visit.get("weight_kg") is not None:
                    earlier = visit
            in_month = [v for m, _, v in own if m == index]
            if not in_month and (last.year - birth.year) * 12 + last.month - birth.month > 61:
                continue
            persons.append(person)
            if earlier is not None:
                visits.append(earlier)
            visits.extend(recent)
            for visit in in_month:
                for antigen in visit.get("immunizations") or ():
                    code = antigen.get("code") if isinstance(antigen, Mapping) else antigen
                    immunizations[str(code)] += 1
                given = visit.get("vitamin_a")
                if given and given != "none":
                    vitamin_a[str(given)] += 1
        result = month_indicators(
            persons, visits, year, mon, anc_visits=self.anc, sessions=self.sessions
        )
        return {
            "values": {k: [r.numerator, r.denominator] for k, r in result.values.items()},
            "counts": dict(result.counts),
            "extra": {
                "immunizations": dict(sorted(immunizations.items())),
                "vitamin_a": dict(sorted(vitamin_a.items())),
            },
        }


def desa_extra(report: Mapping | None) -> dict:
    """Return the desa figures kept from a desa report (all zero / None without one)."""
    report = report or {}
    out = {name: int(report.get(name) or 0) for name in DESA_FIELDS}
    out["odf_status"] = report.get("odf_status")
    out["reported"] = bool(report)
    return out


# -- writing --------------------------------------------------------------------------------------
