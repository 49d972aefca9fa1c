"""ILP indicators of one posyandu and month (issue 15) as summable (numerator, denominator) pairs.

Every value is a :class:`Ratio` computed per person (a pregnancy, a dose, a screen belong to one
person), so desa, puskesmas and kabupaten totals are sums of the posyandu rows, like SKDN. Ages are
completed months on the month's last day ("month end"), as for S. A person counts while resident:
born by the month end, not died and not moved out on or before it. Numbers marked [K] live in
``data/ilp_parameters.csv`` and the record tables of ``shared/records/data`` (versioned).

Sasaran served per ILP cluster (BRIEF §1.10, §3.2 "per-cluster coverage"):

- ``served_<cluster>`` for balita, usia_sekolah_remaja, dewasa, lansia: denominator the resident
  persons of the cluster (``ilp_clusters.csv``: 0–59 months, 5 to < 18 years, 18–59, ≥ 60 years);
  numerator those of them with a record of one of the cluster's service kinds dated in the month
  (balita: child visit, immunisation, TB screen; remaja: youth visit, TB screen, KB, immunisation;
  dewasa: adult visit, TB screen, KB; lansia: adult visit, TB screen).
- ``served_ibu_hamil_nifas``: per pregnancy in progress or in nifas during the month — registered
  by the month end and either delivered with delivery + 42 days on or after the month's first day,
  or still ``active`` (until 42 days after its HPL when the HPL or HPHT is known); numerator those
  with an ANC or postpartum visit of that pregnancy (same person) in the month.

Immunisation (BRIEF §1.8, §5.1, §5.2), from ``shared.derive.immunisation_events`` (immunization
records, and the antigen lists of older child visits), judged valid by ``shared.immunisation``:

- ``imm_<CODE>`` for each dose of the national schedule (``antigens.csv`` codes, JE excluded):
  denominator the resident children whose schedule (version of their birth date) has the dose,
  aged 12–23 months at month end for a first-year dose and 24–35 months for a dose due after the
  first birthday (PCV3, DPT-HB-Hib 4, MR2) [K]; numerator those with a valid dose by month end.
- ``idl``: children aged 12–23 months who met IDL (every basic dose validly given by 12 months,
  ``completeness.csv``) over the children aged 12–23 months; ``ibl``: the same for IBL at 24–35.
- ``dpt_dropout``: of the children aged 12–23 months with a valid DPT-HB-Hib 1 by month end, those
  without a valid DPT-HB-Hib 3 (drop-out DPT1 → DPT3 = numerator / denominator).
- UCI desa (desa whose IDL ≥ 80 %, [K] BRIEF §5.1) is not a sum: ``server/indicators/rollup.py``
  counts it per desa from the summed ``idl`` (:func:`uci`).

Screening and referral:

- ``tb_suspect_referred`` (BRIEF §1.10): persons with a TB screen in the month that made them a
  suspect (``tb_symptoms.csv``), and of them those with a referral (not cancelled) whose source is
  one of those screens (same person).
- ``ptm_screening`` (BRIEF §5.1 "PTM screened (TD, GDS)"): resident persons ≥ 18 years, and of
  them those with an adult visit with blood pressure or blood glucose in the 12 months ending with
  the month [K].
- ``skilas`` (BRIEF §1.10: SKILAS at least once a year): resident lansia (≥ 60 years), and of them
  those with an adult visit with SKILAS filled in the 12 months ending with the month.

Nifas (BRIEF §1.7 KF1–KF4, §1.9 vitamin A nifas, §5.1 "KF lengkap"), per pregnancy delivered
(outcome not abortion or maternal death) whose 42 days of nifas end in the month:

- ``kf1``: with a postpartum visit in the KF1 window; ``kf_complete``: with a visit in each of the
  KF1–KF4 windows (``kf_windows.csv``); ``nifas_vitamin_a``: with vitamin A recorded at a visit.
"""

from __future__ import annotations

import calendar
import csv
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from shared.clinical.pregnancy import hpl
from shared.derive import immunisation_events
from shared.growth.monitoring import age_in_completed_months
from shared.immunisation.assessment import valid_dates
from shared.immunisation.completeness import IBL, IDL, completed_on
from shared.immunisation.schedule import (
    NATIONAL,
    all_scopes,
    find,
    load_schedule,
    schedule,
)
from shared.indicators.ratio import Ratio
from shared.records.antigens import antigen_codes
from shared.records.ilp_tables import (
    PREGNANCY_CLUSTER,
    clusters,
    kf_visit,
    kf_windows,
    nifas_days,
    tb_assessment,
)

PARAMETERS_CSV = Path(__file__).parent / "data" / "ilp_parameters.csv"
AGE_CLUSTERS = ("balita", "usia_sekolah_remaja", "dewasa", "lansia")
DATE_FIELDS = {
    "child_visit": "visit_date",
    "youth_visit": "visit_date",
    "adult_visit": "visit_date",
    "anc_visit": "visit_date",
    "postpartum_visit": "visit_date",
    "tb_screening": "visit_date",
    "family_planning": "visit_date",
    "immunization": "given_on",
    "referral": "referral_date",
}
# The record kinds this module reads (with the person records themselves).
ILP_RECORD_KINDS = ("person", "pregnancy", *DATE_FIELDS)
NO_KF_OUTCOMES = frozenset({"abortion", "maternal_death"})
DPT1, DPT3 = "DPT_HB_HIB1", "DPT_HB_HIB3"


@cache
def _national_codes() -> tuple[str, ...]:
    codes = {row.code for row in load_schedule() if row.scope in NATIONAL}
    return tuple(code for code in antigen_codes() if code in codes)


COVERAGE_CODES = _national_codes()
SERVED_KEYS = tuple(f"served_{code}" for code in (*AGE_CLUSTERS, PREGNANCY_CLUSTER))
AGE_SERVED_KEYS = SERVED_KEYS[: len(AGE_CLUSTERS)]
COVERAGE_KEYS = tuple(f"imm_{code}" for code in COVERAGE_CODES)
ILP_KEYS = (
    *SERVED_KEYS,
    "idl",
    "ibl",
    "dpt_dropout",
    *COVERAGE_KEYS,
    "tb_suspect_referred",
    "ptm_screening",
    "skilas",
    "kf1",
    "kf_complete",
    "nifas_vitamin_a",
)

Row = Mapping[str, Any]


@cache
def _parameter_rows() -> tuple[tuple[date, str, int], ...]:
    with PARAMETERS_CSV.open(newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.lstrip().startswith("#")]
    return tuple(
        (date.fromisoformat(r["valid_from"].strip()), r["key"].strip(), int(r["value"]))
        for r in csv.DictReader(lines)
    )


def parameters(on: date | None = None) -> dict[str, int]:
    """Return the ILP indicator numbers in force on ``on`` (the newest when None)."""
    rows = _parameter_rows()
    versions = sorted({valid_from for valid_from, _, _ in rows})
    usable = [v for v in versions if on is None or v <= on]
    version = usable[-1] if usable else versions[0]
    return {key: value for valid_from, key, value in rows if valid_from == version}


def uci(idl: Ratio, on: date | None = None) -> bool:
    """Tell whether a desa whose summed IDL is ``idl`` is UCI (IDL ≥ 80 %, [K])."""
    percent = idl.percent
    return percent is not None and percent >= parameters(on)["uci_idl_percent"]


def as_date(value) -> date | None:
    """Return a date from a date or an ISO string (None for None and '')."""
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def resident(person: Row, last: date) -> bool:
    """Tell whether a person counts on ``last``: born by then, not died nor moved out by then."""
    birth = as_date(person.get("birth_date"))
    if birth is None or birth > last:
        return False
    return not any(
        (left := as_date(person.get(key))) is not None and left <= last
        for key in ("died_on", "moved_out_on")
    )


@dataclass
class PersonRecords:
    """One person's records of a posyandu, by kind, with the immunisation results cached."""

    person: Row | None = None
    by_kind: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    _valid: dict[str, date] | None = None
    _complete: dict[str, date | None] = field(default_factory=dict)
    _dated: dict[str, tuple[list[date], list[Row]]] = field(default_factory=dict)
    _events: list | None = None

    def dated(self, kind: str, first: date, last: date) -> list[Row]:
        """Return the records of ``kind`` dated from ``first`` to ``last``, in date order."""
        if not self.by_kind.get(kind):
            return ()  # most persons have no record of most kinds
        if kind not in self._dated:
            name = DATE_FIELDS[kind]
            pairs = [(d, r) for r in self.by_kind.get(kind, ()) if (d := as_date(r.get(name)))]
            pairs.sort(key=lambda pair: pair[0])
            self._dated[kind] = ([d for d, _ in pairs], [r for _, r in pairs])
        days, rows = self._dated[kind]
        return rows[bisect_left(days, first) : bisect_right(days, last)]

    def events(self) -> list:
        """Return the person's immunisation events whose code the schedule knows."""
        if self._events is None:
            rows = [
                (kind, r)
                for kind in ("immunization", "child_visit")
                for r in self.by_kind.get(kind, ())
            ]
            known = load_schedule()
            self._events = [
                e for e in immunisation_events(rows) if find(known, e.code, None) is not None
            ]
        return self._events

    def valid_doses(self, birth: date) -> dict[str, date]:
        """Return the day each dose (record code) was first validly given."""
        if self._valid is None and not self.events():
            self._valid = {}  # nothing given, nothing valid: no schedule to build
        if self._valid is None:
            rows = schedule(birth, all_scopes())
            given = [(e.code, None, e.given_on) for e in self.events()]
            valid = valid_dates(rows, birth, given)
            self._valid = {row.code: valid[row.key] for row in rows if row.key in valid}
        return self._valid

    def completed(self, indicator: str, birth: date) -> date | None:
        """Return the day the person met IDL or IBL (None if not met)."""
        if indicator not in self._complete and not self.events():
            self._complete[indicator] = None  # no dose given: no indicator met
        if indicator not in self._complete:
            given = [(e.code, None, e.given_on) for e in self.events()]
            self._complete[indicator] = completed_on(indicator, given, birth)
        return self._complete[indicator]


@dataclass(frozen=True)
class MonthContext:
    """What every person's contribution to one month needs: its days and the rules in force."""

    first: date
    last: date
    window_first: date  # first day of the screening window (12 months ending with the month)
    params: dict[str, int]
    clusters: tuple

    @classmethod
    def of(cls, year: int, month: int) -> MonthContext:
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        params = parameters(last)
        back = year * 12 + month - 1 - (params["screening_window_months"] - 1)
        return cls(first, last, date(back // 12, back % 12 + 1, 1), params, clusters(last))


Counts = dict[str, list[int]]


def _add(out: Counts, key: str, hit: bool) -> None:
    """Count one member of ``key``'s denominator, and of its numerator when ``hit``."""
    pair = out[key]
    pair[0] += bool(hit)
    pair[1] += 1


def _served(rec: PersonRecords, age: int, ctx: MonthContext, out: Counts) -> None:
    """Served in the month, per age cluster, of one resident person."""
    for row in ctx.clusters:
        if row.code in AGE_CLUSTERS and row.holds(age):
            served = any(rec.dated(kind, ctx.first, ctx.last) for kind in row.service_kinds)
            _add(out, f"served_{row.code}", served)


def _age_clusters(rec: PersonRecords, birth: date, ctx: MonthContext, out: Counts) -> None:
    """Served per age cluster, PTM screening and SKILAS of one resident person."""
    age = age_in_completed_months(birth, ctx.last)
    _served(rec, age, ctx, out)
    if age >= ctx.params["ptm_min_age_months"]:
        screened = any(
            v.get("systolic_bp") is not None or v.get("blood_glucose_mg_dl") is not None
            for v in rec.dated("adult_visit", ctx.window_first, ctx.last)
        )
        _add(out, "ptm_screening", screened)
    lansia = next((row for row in ctx.clusters if row.code == "lansia"), None)
    if lansia is not None and lansia.holds(age):
        adult = rec.dated("adult_visit", ctx.window_first, ctx.last)
        _add(out, "skilas", any(v.get("skilas") for v in adult))


def _pregnancy_end(pregnancy: Row) -> date | None:
    """Return the last day a pregnancy counts in the ibu hamil/nifas cluster (None: no end)."""
    delivery = as_date(pregnancy.get("delivery_date"))
    if delivery is not None:
        return delivery + timedelta(days=nifas_days(delivery))
    if pregnancy.get("status", "active") != "active":
        return date.min  # ended without a date: counts nowhere
    expected = as_date(pregnancy.get("edd"))
    if expected is None and pregnancy.get("lmp_date"):
        expected = hpl(pregnancy["lmp_date"])
    return None if expected is None else expected + timedelta(days=nifas_days(expected))


def _visits_of(rec: PersonRecords, pregnancy: Row, kinds: Iterable[str]) -> list[tuple[str, Row]]:
    """Return the visits of some kinds that belong to ``pregnancy`` (same id and person)."""
    return [
        (kind, visit)
        for kind in kinds
        for visit in rec.by_kind.get(kind, ())
        if visit.get("pregnancy_id") == pregnancy.get("id")
        and visit.get("person_id") == pregnancy.get("person_id")
    ]


def _pregnancies(rec: PersonRecords, ctx: MonthContext, out: Counts) -> None:
    """Served ibu hamil/nifas and the KF cohort of one person's pregnancies."""
    service = next((row.service_kinds for row in ctx.clusters if row.code == PREGNANCY_CLUSTER), ())
    for pregnancy in rec.by_kind.get("pregnancy", ()):
        registered = as_date(pregnancy.get("registered_on"))
        end = _pregnancy_end(pregnancy)
        if registered is not None and registered <= ctx.last and (end is None or end >= ctx.first):
            visits = _visits_of(rec, pregnancy, service)
            served = any(
                ctx.first <= (as_date(v.get(DATE_FIELDS[kind])) or date.min) <= ctx.last
                for kind, v in visits
            )
            _add(out, f"served_{PREGNANCY_CLUSTER}", served)
        _nifas(rec, pregnancy, ctx, out)


def _nifas(rec: PersonRecords, pregnancy: Row, ctx: MonthContext, out: Counts) -> None:
    """KF1, KF lengkap and vitamin A of a pregnancy whose nifas ends in the month."""
    delivery = as_date(pregnancy.get("delivery_date"))
    if delivery is None or pregnancy.get("outcome") in NO_KF_OUTCOMES:
        return
    if not ctx.first <= delivery + timedelta(days=nifas_days(delivery)) <= ctx.last:
        return
    visits = [v for _, v in _visits_of(rec, pregnancy, ("postpartum_visit",))]
    done = {
        kf_visit(delivery, day)
        for v in visits
        if (day := as_date(v.get("visit_date"))) is not None and day >= delivery
    }
    windows = [window.visit for window in kf_windows(delivery)]
    _add(out, "kf1", windows[0] in done)
    _add(out, "kf_complete", set(windows) <= done)
    _add(out, "nifas_vitamin_a", any(v.get("vitamin_a_given") for v in visits))


def _immunisation(rec: PersonRecords, birth: date, ctx: MonthContext, out: Counts) -> None:
    """Coverage by dose, IDL, IBL and DPT drop-out of one resident child in a cohort."""
    age, p = age_in_completed_months(birth, ctx.last), ctx.params
    infant = p["infant_cohort_min_months"] <= age <= p["infant_cohort_max_months"]
    second = p["second_year_cohort_min_months"] <= age <= p["second_year_cohort_max_months"]
    if not (infant or second):
        return
    valid = {code: day for code, day in rec.valid_doses(birth).items() if day <= ctx.last}
    for row in schedule(birth, NATIONAL):
        late = row.latest_age_days >= p["second_year_from_days"]
        if row.code in COVERAGE_CODES and (second if late else infant):
            _add(out, f"imm_{row.code}", row.code in valid)
    if infant:
        done = rec.completed(IDL, birth)
        _add(out, "idl", done is not None and done <= ctx.last)
        if DPT1 in valid:
            _add(out, "dpt_dropout", DPT3 not in valid)
    else:
        done = rec.completed(IBL, birth)
        _add(out, "ibl", done is not None and done <= ctx.last)


def _tb(rec: PersonRecords, birth: date | None, ctx: MonthContext, out: Counts) -> None:
    """TB suspects of the month and whether one of their suspect screens was referred."""
    suspects = set()
    for screen in rec.dated("tb_screening", ctx.first, ctx.last):
        on = as_date(screen.get("visit_date"))
        age = None
        if birth is not None and on is not None and on >= birth:
            age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        if tb_assessment(screen.get("symptoms") or (), age, on).suspect:
            suspects.add(screen.get("id"))
    if not suspects:
        return
    referred = any(
        r.get("source_kind") == "tb_screening"
        and r.get("source_id") in suspects
        and r.get("status") != "cancelled"
        for r in rec.by_kind.get("referral", ())
    )
    _add(out, "tb_suspect_referred", referred)


class IlpData:
    """A posyandu's records grouped by person, for the ILP indicators of any month."""

    def __init__(self, rows: Iterable[tuple[str, Row]]):
        self.people: dict[Any, PersonRecords] = defaultdict(PersonRecords)
        for kind, fields in rows:
            if kind == "person":
                self.people[fields.get("id")].person = fields
            elif kind in ILP_RECORD_KINDS and fields.get("person_id"):
                self.people[fields["person_id"]].by_kind[kind].append(fields)

    def month(self, year: int, month: int, served_only: bool = False) -> dict[str, Ratio]:
        """Return every ILP indicator of one month (``ILP_KEYS``, in that order).

        ``served_only``: only the age clusters' "served" (``AGE_SERVED_KEYS``), for a difference
        where nothing else can have moved (server/indicators/refresh.py).
        """
        ctx = MonthContext.of(year, month)
        keys = AGE_SERVED_KEYS if served_only else ILP_KEYS
        out: Counts = {key: [0, 0] for key in keys}
        for rec in self.people.values():
            person = rec.person
            birth = as_date(person.get("birth_date")) if person else None
            if person is not None and birth is not None and resident(person, ctx.last):
                if served_only:
                    _served(rec, age_in_completed_months(birth, ctx.last), ctx, out)
                    continue
                _age_clusters(rec, birth, ctx, out)
                _immunisation(rec, birth, ctx, out)
            if not served_only:
                _pregnancies(rec, ctx, out)
                _tb(rec, birth, ctx, out)
        return {key: Ratio(*out[key]) for key in keys}

    def doses_given(self, year: int, month: int) -> dict[str, int]:
        """Return the doses given in the month by antigen code, to the persons registered here."""
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        counts: dict[str, int] = defaultdict(int)
        for rec in self.people.values():
            if rec.person is not None:
                for event in rec.events():
                    if first <= event.given_on <= last:
                        counts[event.code] += 1
        return dict(sorted(counts.items()))


def ilp_indicators(rows: Iterable[tuple[str, Row]], year: int, month: int) -> dict[str, Ratio]:
    """Return the ILP indicators of one posyandu and month from its records ``(kind, fields)``."""
    return IlpData(rows).month(year, month)
