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

from shared import records
from shared.calendar import Month, add_months
from shared.indicators import month_indicators
from shared.indicators.ilp import ILP_RECORD_KINDS, IlpData, parameters
from shared.indicators.skdn import as_date

DESA_PREFIX = "desa:"
# How much of the ILP part ``PosyanduData.compute`` computes (see there).
ILP_ALL, ILP_SERVED, ILP_NONE = "all", "served", "none"
# The record kinds a posyandu's monthly row is computed from (SKDN, KEK, the ILP indicators).
POSYANDU_KINDS = ("posyandu_session", *ILP_RECORD_KINDS)
# Of those, the kinds that belong to a person (``person_id``; a person's own record is its own).
PERSON_KINDS = tuple(kind for kind in POSYANDU_KINDS if kind != "posyandu_session")
DESA_FIELDS = (
    "births_live",
    "births_still",
    "deaths_maternal",
    "deaths_neonatal",
    "deaths_infant",
    "deaths_under5",
)
# A person or a referral can move the figures of any month (S by age; a referral counts in the
# month of the TB screen it comes from): the posyandu is refreshed whole.
WHOLE_KINDS = frozenset({"person", "referral"})
# A dose counts from its month on (immunisation cohorts of the later months), and so does a
# pregnancy from its registration or delivery: every month from then to the current one.
ONWARD_FIELDS = {"immunization": ("given_on",), "pregnancy": ("registered_on", "delivery_date")}
# How many months after its own a visit still counts in: the next month's N/T (child visits),
# the 12-month screening window (adult visits), the nifas end up to two months later (KF).
LATER_MONTHS = {"child_visit": 1, "postpartum_visit": 2}


_SERVICE_DATES = records.month_service_dates()  # each service kind's event date (registry)
_ILP_KINDS = frozenset(ILP_RECORD_KINDS)
_iso_date = date.fromisoformat


def event_month(kind: str, fields: Mapping) -> Month | None:
    """Return the month a dated record (visit, session, dose, referral) counts in; None if undated."""
    name = _SERVICE_DATES.get(kind)
    value = fields.get(name) if name else None
    day = as_date(value) if value not in (None, "") else None
    return (day.year, day.month) if day else None


def dirty_months(kind: str, fields: Mapping, now_month: Month) -> set[Month] | None:
    """Return the months whose row a record's state counts in (up to ``now_month``).

    None means every month of the posyandu (``WHOLE_KINDS``). A dose, a pregnancy and a child
    visit with antigens (doses too) count in every month from theirs to the current one.
    """
    if kind in WHOLE_KINDS:
        return None
    if kind in ONWARD_FIELDS or (kind == "child_visit" and fields.get("immunizations")):
        names = ONWARD_FIELDS.get(kind, ("visit_date",))
        days = [d for name in names if (d := as_date(fields.get(name) or None)) is not None]
        first = min(((d.year, d.month) for d in days), default=None)
        return set() if first is None else set(_months(first, now_month))
    month = event_month(kind, fields)
    if month is None:
        return set()
    later = LATER_MONTHS.get(kind, 0)
    if kind == "adult_visit":
        later = parameters()["screening_window_months"] - 1
    return set(_months(month, min(add_months(month, later), now_month)))


def _months(first: Month, last: Month):
    """Yield the months from ``first`` to ``last`` (none when ``last`` is earlier)."""
    month = first
    while month <= last:
        yield month
        month = add_months(month, 1)


# -- computing ------------------------------------------------------------------------------------


class PosyanduData:
    """One posyandu's live records, loaded once, grouped for fast per-month computation."""

    def __init__(self, rows: Iterable[tuple[str, dict]]):
        self.persons: list[dict] = []
        self.anc: list[dict] = []
        self.sessions: list[dict] = []
        self.first_month: Month | None = None
        self.last_month: Month | None = None
        # Per person: (month index, date, visit) in date order, each visit's date parsed once
        # (it is also the visit's event month).
        dated: dict[str, list[tuple[int, date, dict]]] = defaultdict(list)
        ilp_rows = []
        low = high = None  # the earliest and latest month, as year * 12 + month
        for kind, fields in rows:
            if kind in _ILP_KINDS:
                ilp_rows.append((kind, fields))
            if kind == "person":
                self.persons.append(fields)
                continue
            if kind == "child_visit":
                value = fields.get("visit_date")
                # most visits: an ISO date string, parsed without as_date's type checks
                day = _iso_date(value[:10]) if value.__class__ is str and value else as_date(value)
                if day is None:
                    continue
                index = day.year * 12 + day.month
                dated[fields.get("person_id")].append((index, day, fields))
            else:
                if kind == "anc_visit":
                    self.anc.append(fields)
                elif kind == "posyandu_session":
                    self.sessions.append(fields)
                month = event_month(kind, fields)
                if month is None:
                    continue
                index = month[0] * 12 + month[1]
            if low is None or index < low:
                low = index
            if high is None or index > high:
                high = index
        if low is not None:
            self.first_month = ((low - 1) // 12, (low - 1) % 12 + 1)
            self.last_month = ((high - 1) // 12, (high - 1) % 12 + 1)
        self.ilp = IlpData(ilp_rows)
        self.births = {
            p["id"]: b for p in self.persons if (b := as_date(p.get("birth_date"))) is not None
        }
        for items in dated.values():
            items.sort(key=lambda item: item[1])
        self.dated = dict(dated)

    def compute_opened(self, month: Month) -> list[int]:
        """Return "opened" ([1, 1] or [0, 1]) of one month from the sessions alone."""
        ratio = month_indicators([], [], *month, sessions=self.sessions).values["opened"]
        return [ratio.numerator, ratio.denominator]

    def compute(self, month: Month, ilp: str = ILP_ALL) -> dict:
        """Return the aggregate row values (values, counts, extra) of one month.

        ``ilp``: ``ILP_SERVED`` computes of the ILP indicators only the age clusters' "served",
        ``ILP_NONE`` none of them; both leave the doses out (``extra["immunizations"]`` empty).
        For a difference in a month where the rest cannot have moved (``refresh.Dirty``).

        ``values`` holds ``month_indicators`` (SKDN, nutrition, vitamin A, KEK, opened) and the ILP
        indicators (``shared.indicators.ilp``); ``extra`` the doses given in the month by antigen
        (immunization records and older visits' antigen lists, counted once) and the vitamin A
        capsules. Only what can change the month is passed to ``month_indicators``, giving the same result
        as passing everything without the cost: persons born by the month's end who are under five
        then or were measured in the month; of their visits, those of this month and the two before
        (N/T needs last month's weighing, 2T the month before) and one earlier weighing, which
        keeps "weighed before" (B) true.
        """
        year, mon = month
        last = date(year, mon, calendar.monthrange(year, mon)[1])
        index = year * 12 + mon
        persons, visits = [], []
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
                given = visit.get("vitamin_a")
                if given and given != "none":
                    vitamin_a[str(given)] += 1
        result = month_indicators(
            persons, visits, year, mon, anc_visits=self.anc, sessions=self.sessions
        )
        values = result.values
        if ilp != ILP_NONE:
            values = {**values, **self.ilp.month(year, mon, served_only=ilp == ILP_SERVED)}
        return {
            "values": {k: [r.numerator, r.denominator] for k, r in values.items()},
            "counts": dict(result.counts),
            "extra": {
                "immunizations": self.ilp.doses_given(year, mon) if ilp == ILP_ALL else {},
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
