"""Beranda's work lists: who needs the kader today (issue 15), computed from the device's records.

Every list is a pure function of plain record rows (``DeviceData``) and a day; ``load`` reads the
rows from the store (only what the lists need) and ``work_lists`` computes them all. Each item
names a person, links to the page where the kader acts, and says why it is on the list
(``Reason``: a ``client.work.reason.*`` message and its values, written by ``reason_text``).

Definitions (ages in completed months, as everywhere in ``shared``; "resident" = born by then,
not died and not moved out on or before then, ``shared.indicators.ilp.resident``):

- ``sasaran``: resident persons by ILP age cluster (``ilp_clusters.csv``) on ``today``, plus the
  ibu hamil/nifas cluster (pregnancies in progress, until the nifas after their HPL if known, or
  delivered within the nifas days, as ``shared.indicators.ilp`` counts them); an item
  per person not yet served today (a record of one of the cluster's service kinds dated today).
- ``immunisation``: resident children under 60 months with at least one national-schedule dose
  ``due`` today, ``overdue`` but valid if given today (not HB0 after its window, nor a dose whose previous
  dose is missing: the kader gives the first one), or
  ``not_yet`` but due from a day of this month (``shared.immunisation.assess`` on their doses,
  ``shared.derive.immunisation_events``).
- ``to_weigh``: the children counted in S this month (0–59 months on the month's last day, not
  died, not moved out) without a weight recorded from the month's first day up to today.
- ``follow_up``: children of S whose latest weighing in the last three months is BGM (WAZ below
  the red line or oedema), 2T, gizi buruk (WLHZ < −3 or oedema) or gizi kurang (−3 ≤ WLHZ < −2),
  or who are newly stunted (latest LHAZ < −2 after an earlier LHAZ ≥ −2) (Permenkes 2/2020).
  The follow-up status is the latest referral of the child dated on or after that weighing
  (there is no home-visit record kind yet), else "belum ditindaklanjuti".
- ``pregnant_risk``: active pregnancies (no delivery date) of resident women with the
  ``shared.clinical.pregnancy_alerts`` of their latest ANC visit (KEK, anaemia, hypertension,
  short stature), no ANC visit yet this month [K: the posyandu meets monthly], or the HPL
  (``edd``, else HPHT + 280 days) within the next 28 days or passed without a delivery.
- ``nifas_kf``: delivered pregnancies (outcome not abortion nor maternal death) whose current KF
  window (``kf_windows.csv``) holds today and has no postpartum visit of that pregnancy yet.
- ``lansia_skilas``: resident lansia without an adult visit with SKILAS in the screening window
  (``ilp_parameters.csv``: 12 months ending today).
- ``referrals``: referrals whose status is not ``completed`` nor ``cancelled``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from shared import records as shared_records
from shared.calendar import format_date
from shared.clinical import hpl, pregnancy_alerts
from shared.derive import immunisation_events
from shared.growth.monitoring import DEFAULT_RULES, age_in_completed_months, monthly_growth
from shared.i18n import has, t
from shared.immunisation import DUE, NOT_YET, OVERDUE, assess, load_schedule
from shared.immunisation.schedule import find
from shared.indicators.ilp import (
    AGE_CLUSTERS,
    NO_KF_OUTCOMES,
    parameters,
    resident,
)
from shared.indicators.ilp import as_date as _as_date
from shared.records.antigens import antigens
from shared.records.ilp_tables import PREGNANCY_CLUSTER, clusters, kf_windows, nifas_days

Row = Mapping[str, Any]
LISTS = (
    "sasaran",
    "immunisation",
    "to_weigh",
    "follow_up",
    "pregnant_risk",
    "nifas_kf",
    "lansia_skilas",
    "referrals",
)
CHILD_MAX_MONTHS = 59
HPL_SOON_DAYS = 28
CLOSED_REFERRALS = frozenset({"completed", "cancelled"})
Z_KEYS = ("waz", "lhaz", "wlhz")


@dataclass(frozen=True)
class Reason:
    """Why a person is on a list: ``client.work.reason.<code>`` filled with ``params``."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Item:
    """One person on a list, with the page where the kader acts."""

    person_id: str
    name: str
    href: str
    reasons: tuple[Reason, ...] = ()
    group: str | None = None  # sasaran: the cluster code


@dataclass
class WorkList:
    """One work list; ``totals`` (sasaran only) is ``{cluster: (served today, sasaran)}``."""

    key: str
    items: list[Item]
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Return how many people the list holds (for sasaran: how many sasaran in all)."""
        if self.totals:
            return sum(total for _, total in self.totals.values())
        return len(self.items)

    def in_group(self, group: str) -> list[Item]:
        """Return the items of one cluster, in list order (for the page: a Jinja ``selectattr``
        over thousands of sasaran cost a third of Beranda after a write)."""
        return [item for item in self.items if item.group == group]


@dataclass
class DeviceData:
    """The record rows the lists read, as ``Store.rows`` returns them (fields plus ``id``)."""

    persons: list[Row] = field(default_factory=list)
    child_visits: list[Row] = field(default_factory=list)  # with waz, lhaz, wlhz
    immunizations: list[Row] = field(default_factory=list)
    pregnancies: list[Row] = field(default_factory=list)
    anc_visits: list[Row] = field(default_factory=list)
    postpartum_visits: list[Row] = field(default_factory=list)
    adult_visits: list[Row] = field(default_factory=list)
    referrals: list[Row] = field(default_factory=list)
    served_today: dict[str, set[str]] = field(default_factory=dict)  # kind -> person ids
    # person id -> this month's growth (N/T/2T) when the month report has it already
    month_growth: Mapping[str, Any] = field(default_factory=dict)
    _residents: dict[date, list[tuple[Row, date, int]]] = field(default_factory=dict, repr=False)

    def residents(self, on: date) -> list[tuple[Row, date, int]]:
        """Return (person, birth date, age in completed months) of the residents on ``on``."""
        if on not in self._residents:
            out = []
            for person in self.persons:
                if resident(person, on):
                    birth = as_date(person["birth_date"])
                    out.append((person, birth, age_in_completed_months(birth, on)))
            self._residents[on] = out
        return self._residents[on]

    def by_id(self) -> dict[str, Row]:
        """Return the persons by id."""
        return {p["id"]: p for p in self.persons}


def _by(rows: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    out: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        out[row.get(key)].append(row)
    return out


def _name(person: Row | None) -> str:
    return str((person or {}).get("name") or "")


def _sorted(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (item.name.casefold(), item.person_id))


def month_end(on: date) -> date:
    """Return the last day of ``on``'s month."""
    following = date(on.year + on.month // 12, on.month % 12 + 1, 1)
    return following - timedelta(days=1)


def months_before(on: date, months: int) -> date:
    """Return the day ``months`` calendar months before ``on`` (the month's last day at most)."""
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    return min(
        date(year, month + 1, 1) + timedelta(days=on.day - 1), month_end(date(year, month + 1, 1))
    )


def recent_from(on: date) -> date:
    """Return the first day of the follow-up window: ``on``'s month and the two before."""
    return months_before(on.replace(day=1), 2)


@lru_cache(maxsize=65536)
def _cached_date(value: Any) -> date | None:
    return _as_date(value)


def as_date(value: Any) -> date | None:
    """``shared.indicators.ilp.as_date``, remembered: the lists read the same few thousand
    birth and visit dates again and again."""
    try:
        return _cached_date(value)
    except TypeError:  # not hashable: ilp.as_date decides
        return _as_date(value)


# The last s_children answer: Beranda asks it three times of the same persons list (read-only,
# the month report's) and day. The list itself is kept so its id cannot be reused.
_LAST_S: list[Any] = [None, None, []]


def s_children(persons: Iterable[Row], on: date) -> list[Row]:
    """Return the persons counted in S in ``on``'s month (0–59 months on its last day, alive,
    not moved out: the split of Beranda's "to weigh" and "weighed")."""
    last_persons, last_on, last_out = _LAST_S
    if persons is last_persons and on == last_on and isinstance(persons, list):
        return list(last_out)
    out = _s_children(persons, on)
    if isinstance(persons, list):
        _LAST_S[:] = [persons, on, out]
    return list(out)


def _s_children(persons: Iterable[Row], on: date) -> list[Row]:
    last = month_end(on)
    out = []
    for person in persons:
        birth = as_date(person.get("birth_date"))
        if birth is None or birth > last or person.get("died_on") or person.get("moved_out_on"):
            continue
        if age_in_completed_months(birth, last) <= CHILD_MAX_MONTHS:
            out.append(person)
    return out


def weighed_ids(child_visits: Iterable[Row], on: date) -> set[str]:
    """Return the persons with a weight recorded from the first of ``on``'s month to ``on``."""
    first, until = on.replace(day=1).isoformat(), on.isoformat()
    return {
        v["person_id"]
        for v in child_visits
        if v.get("weight_kg") is not None and first <= str(v.get("visit_date") or "") <= until
    }


# -- sasaran by cluster ----------------------------------------------------------------------


def _pregnancy_open(pregnancy: Row, on: date) -> bool:
    """Tell whether a pregnancy is in progress or in nifas on ``on``."""
    registered = as_date(pregnancy.get("registered_on"))
    if registered is None or registered > on:
        return False
    delivery = as_date(pregnancy.get("delivery_date"))
    if delivery is not None:
        return delivery <= on <= delivery + timedelta(days=nifas_days(delivery))
    if pregnancy.get("status", "active") != "active":
        return False
    # as shared.indicators.ilp counts it: until the nifas after the HPL, when the HPL is known
    expected = expected_delivery(pregnancy)
    return expected is None or on <= expected + timedelta(days=nifas_days(expected))


def sasaran(data: DeviceData, on: date) -> WorkList:
    """Sasaran of today by ILP cluster, each with those not yet served today."""
    rows = clusters(on)
    served_by_cluster: dict[str, set[str]] = {}
    for row in rows:
        served_by_cluster[row.code] = set().union(
            *(data.served_today.get(kind, set()) for kind in row.service_kinds)
        )
    members: dict[str, dict[str, Row]] = {row.code: {} for row in rows}
    persons = data.by_id()
    for person, _, age in data.residents(on):
        code = next((r.code for r in rows if r.code in AGE_CLUSTERS and r.holds(age)), None)
        if code is not None:
            members[code][person["id"]] = person
    for pregnancy in data.pregnancies:
        person = persons.get(pregnancy.get("person_id"))
        if person is not None and resident(person, on) and _pregnancy_open(pregnancy, on):
            members.setdefault(PREGNANCY_CLUSTER, {})[person["id"]] = person
    totals, items = {}, []
    for code, people in members.items():
        served = served_by_cluster.get(code, set())
        totals[code] = (sum(pid in served for pid in people), len(people))
        items += [
            Item(pid, _name(p), person_href(p, on), group=code)
            for pid, p in people.items()
            if pid not in served
        ]
    return WorkList("sasaran", _sorted(items), totals)


def person_href(person: Row, on: date) -> str:
    """Return the person's page (a child's growth page for balita)."""
    birth = as_date(person.get("birth_date"))
    if birth is not None and birth <= on and age_in_completed_months(birth, on) < 60:
        return f"/balita/{person['id']}"
    return f"/orang/{person['id']}"


# -- balita ----------------------------------------------------------------------------------


@lru_cache(maxsize=32768)
def dose_flags(
    birth: date, given: tuple[tuple[str, None, date], ...], on: date
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return a child's (overdue, due this month) dose codes on ``on``.

    ``assess`` is pure, so its answer for the same doses and day is kept: after a write only the
    children whose doses changed are assessed again (about 1 ms each).
    """
    last = month_end(on)
    overdue, due = [], []
    for status in assess(birth, given, on):
        if status.status == OVERDUE:
            if status.can_be_given(on):  # not HB0 after its window, nor a dose waiting its turn
                overdue.append(status.code)
        elif status.status == DUE or (
            status.status == NOT_YET
            and status.allowed_from is not None  # its previous dose given: it can come this month
            and status.due_from is not None
            and status.due_from <= last
        ):
            due.append(status.code)
    return tuple(overdue), tuple(due)


def immunisation_due(data: DeviceData, on: date) -> WorkList:
    """Children with a dose due or overdue today, or coming due later this month."""
    known = load_schedule()
    records: dict[Any, list[tuple[str, Row]]] = defaultdict(list)
    for row in data.immunizations:
        records[row.get("person_id")].append(("immunization", row))
    for row in data.child_visits:
        if row.get("immunizations"):
            records[row.get("person_id")].append(("child_visit", row))
    items = []
    for person, birth, age in data.residents(on):
        if age > CHILD_MAX_MONTHS:
            continue
        given = tuple(
            (e.code, None, e.given_on)
            for e in immunisation_events(records.get(person["id"], ()))
            if e.given_on <= on and find(known, e.code, None) is not None
        )
        overdue, due = dose_flags(birth, given, on)
        reasons = []
        if overdue:
            reasons.append(Reason("imm_overdue", {"codes": overdue}))
        if due:
            reasons.append(Reason("imm_due", {"codes": due}))
        if reasons:
            items.append(Item(person["id"], _name(person), _visit_href(person), tuple(reasons)))
    return WorkList("immunisation", _sorted(items))


def _visit_href(person: Row) -> str:
    return f"/balita/{person['id']}/kunjungan"


def to_weigh(data: DeviceData, on: date) -> WorkList:
    """Children of S not yet weighed this month (up to today)."""
    weighed = weighed_ids(data.child_visits, on)
    items = [
        Item(p["id"], _name(p), _visit_href(p))
        for p in s_children(data.persons, on)
        if p["id"] not in weighed
    ]
    return WorkList("to_weigh", _sorted(items))


def _growth_reasons(birth: date, visits: list[Row], known: Any = None) -> list[Reason]:
    """Return the follow-up reasons of a child's latest weighing (visits in date order)."""
    weighings = [v for v in visits if v.get("weight_kg") is not None]
    if not weighings:
        return []
    latest = weighings[-1]
    oedema = bool(latest.get("oedema"))
    waz, wlhz = latest.get("waz"), latest.get("wlhz")
    reasons = []
    if oedema or (waz is not None and waz < DEFAULT_RULES.bgm_waz_below):
        reasons.append(Reason("bgm"))
    day = as_date(latest["visit_date"])
    growth = known
    if growth is None or (growth.year, growth.month) != (day.year, day.month):
        history = [(as_date(v["visit_date"]), float(v["weight_kg"])) for v in weighings]
        growth = monthly_growth(birth, history).get((day.year, day.month))
    if growth is not None and growth.two_t:
        reasons.append(Reason("two_t"))
    if oedema or (wlhz is not None and wlhz < -3):
        reasons.append(Reason("gizi_buruk"))
    elif wlhz is not None and wlhz < -2:
        reasons.append(Reason("gizi_kurang"))
    lengths = [v.get("lhaz") for v in visits if v.get("lhaz") is not None]
    if len(lengths) >= 2 and lengths[-1] < -2 <= lengths[-2]:
        reasons.append(Reason("newly_stunted"))
    return reasons


def follow_up(data: DeviceData, on: date) -> WorkList:
    """Children of S whose latest weighing needs a follow-up, with the follow-up status."""
    first, until = recent_from(on).isoformat(), on.isoformat()
    visits = _by(
        (v for v in data.child_visits if first <= str(v.get("visit_date")) <= until), "person_id"
    )
    referrals = _by(data.referrals, "person_id")
    items = []
    for person in s_children(data.persons, on):
        own = sorted(visits.get(person["id"], ()), key=lambda v: str(v.get("visit_date")))
        known = data.month_growth.get(person["id"])
        reasons = _growth_reasons(as_date(person["birth_date"]), own, known)
        if not reasons:
            continue
        since = max(str(v["visit_date"]) for v in own if v.get("weight_kg") is not None)
        after = [r for r in referrals.get(person["id"], ()) if str(r.get("referral_date")) >= since]
        if after:
            latest = max(after, key=lambda r: str(r.get("referral_date")))
            status = Reason("referred", {"status": latest.get("status") or "created"})
        else:
            status = Reason("not_followed_up")
        reasons.append(status)
        items.append(Item(person["id"], _name(person), f"/balita/{person['id']}", tuple(reasons)))
    return WorkList("follow_up", _sorted(items))


# -- ibu hamil and nifas -----------------------------------------------------------------------


def expected_delivery(pregnancy: Row) -> date | None:
    """Return the HPL: the recorded ``edd``, else HPHT + 280 days."""
    edd = as_date(pregnancy.get("edd"))
    if edd is None and pregnancy.get("lmp_date"):
        edd = hpl(pregnancy["lmp_date"])
    return edd


def _pregnancy_reasons(pregnancy: Row, visits: list[Row], on: date) -> list[Reason]:
    latest = max(visits, key=lambda v: str(v.get("visit_date"))) if visits else None
    reasons = (
        [Reason(f"anc_{a.code}") for a in pregnancy_alerts(latest, pregnancy)] if latest else []
    )
    first = on.replace(day=1).isoformat()
    if not any(first <= str(v.get("visit_date")) <= on.isoformat() for v in visits):
        reasons.append(
            Reason("anc_due", {"last": as_date(latest["visit_date"]) if latest else None})
        )
    edd = expected_delivery(pregnancy)
    if edd is not None and edd < on:
        reasons.append(Reason("hpl_passed", {"hpl": edd}))
    elif edd is not None and edd <= on + timedelta(days=HPL_SOON_DAYS):
        reasons.append(Reason("hpl_soon", {"hpl": edd}))
    return reasons


def pregnant_risk(data: DeviceData, on: date) -> WorkList:
    """Pregnant women at risk, due an ANC visit, or near their HPL."""
    persons = data.by_id()
    visits = _by(data.anc_visits, "pregnancy_id")
    items = []
    for pregnancy in data.pregnancies:
        person = persons.get(pregnancy.get("person_id"))
        if person is None or not resident(person, on) or pregnancy.get("delivery_date"):
            continue
        if pregnancy.get("status", "active") != "active":
            continue
        own = [
            v
            for v in visits.get(pregnancy["id"], ())
            if v.get("person_id") == person["id"] and str(v.get("visit_date")) <= on.isoformat()
        ]
        reasons = _pregnancy_reasons(pregnancy, own, on)
        if reasons:
            href = f"/kehamilan/{pregnancy['id']}"
            items.append(Item(person["id"], _name(person), href, tuple(reasons)))
    return WorkList("pregnant_risk", _sorted(items))


def nifas_kf(data: DeviceData, on: date) -> WorkList:
    """Mothers in nifas whose current KF window has no visit yet."""
    persons = data.by_id()
    visits = _by(data.postpartum_visits, "pregnancy_id")
    items = []
    for pregnancy in data.pregnancies:
        delivery = as_date(pregnancy.get("delivery_date"))
        person = persons.get(pregnancy.get("person_id"))
        if delivery is None or person is None or pregnancy.get("outcome") in NO_KF_OUTCOMES:
            continue
        if person.get("died_on") or delivery > on:
            continue
        day = (on - delivery).days
        window = next((w for w in kf_windows(delivery) if w.first_day <= day <= w.last_day), None)
        if window is None:
            continue
        start = delivery + timedelta(days=window.first_day)
        until = delivery + timedelta(days=window.last_day)
        done = any(
            start <= (as_date(v.get("visit_date")) or date.min) <= until
            for v in visits.get(pregnancy["id"], ())
        )
        if not done:
            reason = Reason("kf_due", {"visit": window.visit, "until": until})
            href = f"/kehamilan/{pregnancy['id']}"
            items.append(Item(person["id"], _name(person), href, (reason,)))
    return WorkList("nifas_kf", _sorted(items))


# -- lansia and referrals ------------------------------------------------------------------------


def lansia_skilas(data: DeviceData, on: date) -> WorkList:
    """Lansia without SKILAS in the screening window (12 months ending today)."""
    lansia = next((row for row in clusters(on) if row.code == "lansia"), None)
    window_first = months_before(on, parameters(on)["screening_window_months"])
    screened: dict[str, str] = {}
    for visit in data.adult_visits:
        day = str(visit.get("visit_date") or "")
        if visit.get("skilas") and day <= on.isoformat():
            pid = visit.get("person_id")
            screened[pid] = max(screened.get(pid, ""), day)
    items = []
    for person, _, age in data.residents(on):
        if lansia is None or not lansia.holds(age):
            continue
        last = screened.get(person["id"])
        if last is None or last <= window_first.isoformat():
            reason = Reason("skilas_due", {"last": as_date(last)})
            href = f"/dewasa/{person['id']}/kunjungan"
            items.append(Item(person["id"], _name(person), href, (reason,)))
    return WorkList("lansia_skilas", _sorted(items))


def open_referrals(data: DeviceData, on: date) -> WorkList:
    """Referrals not yet completed nor cancelled."""
    persons = data.by_id()
    items = []
    for referral in data.referrals:
        if (referral.get("status") or "created") in CLOSED_REFERRALS:
            continue
        person = persons.get(referral.get("person_id"))
        if person is None:
            continue
        reason = Reason(
            "referral_open",
            {
                "reason": referral.get("reason"),
                "destination": referral.get("destination"),
                "status": referral.get("status") or "created",
                "since": as_date(referral.get("referral_date")),
            },
        )
        items.append(Item(person["id"], _name(person), person_href(person, on), (reason,)))
    return WorkList("referrals", _sorted(items))


def work_lists(data: DeviceData, on: date) -> dict[str, WorkList]:
    """Return every work list of ``on``, in Beranda's order (``LISTS``)."""
    compute = {
        "sasaran": sasaran,
        "immunisation": immunisation_due,
        "to_weigh": to_weigh,
        "follow_up": follow_up,
        "pregnant_risk": pregnant_risk,
        "nifas_kf": nifas_kf,
        "lansia_skilas": lansia_skilas,
        "referrals": open_referrals,
    }
    return {key: compute[key](data, on) for key in LISTS}


# -- reading the store and writing reasons -------------------------------------------------------


def load(
    store: Any,
    on: date,
    *,
    persons: list[Row] | None = None,
    recent_child_visits: list[Row] | None = None,
    month_growth: Mapping[str, Any] | None = None,
) -> DeviceData:
    """Read from the store the rows the lists of ``on`` need (not every visit of every year).

    ``persons``, ``recent_child_visits`` (visits from ``recent_from(on)`` with their z-scores) and
    ``month_growth`` (each weighed child's growth in ``on``'s month) may come from the month
    report of ``on``'s month, which has computed them already.
    """
    today = on.isoformat()
    served: dict[str, set[str]] = {}
    for row in clusters(on):
        for kind in row.service_kinds:
            if kind not in served:
                served[kind] = store.persons_on(kind, today)
    if recent_child_visits is None:
        recent_child_visits = store.rows(
            "child_visit", date_from=recent_from(on).isoformat(), derived_keys=Z_KEYS
        )
    recent = {v["id"] for v in recent_child_visits}
    older = store.rows_having("child_visit", "immunizations")
    return DeviceData(
        persons=store.rows("person") if persons is None else persons,
        child_visits=recent_child_visits + [v for v in older if v["id"] not in recent],
        immunizations=store.rows("immunization"),
        pregnancies=store.rows("pregnancy"),
        anc_visits=store.rows("anc_visit"),
        postpartum_visits=store.rows("postpartum_visit"),
        adult_visits=store.rows_having("adult_visit", "skilas"),
        referrals=store.rows("referral"),
        served_today=served,
        month_growth=month_growth or {},
    )


def _antigen_names() -> dict[str, str]:
    return {str(a["code"]): str(a["name"]) for a in antigens()}


def reason_text(reason: Reason, lang: str = "id") -> str:
    """Write a reason as the kader reads it: names not codes, dates dd/mm/yyyy."""
    params: dict[str, Any] = {}
    for key, value in reason.params.items():
        if key == "codes":
            names = _antigen_names()
            value = ", ".join(names.get(code, code) for code in value)
        elif isinstance(value, date):
            value = format_date(value)
        elif key in ("status", "reason", "destination"):
            value = shared_records.choice_label("referral", key, value, lang) if value else ""
        params[key] = value
    code = reason.code
    if code in ("anc_due", "skilas_due") and reason.params.get("last") is None:
        code += "_never"
    key = f"client.work.reason.{code}"
    if not has(key) and code.startswith("anc_"):  # an alert added to the thresholds table later
        key = f"clinical.alert.{code[4:]}"
    return t(key, lang, **params)
