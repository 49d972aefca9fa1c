"""Indicator tables for the Pokjanal view and the indicators API: one source of numbers for both.

Every figure is a sum of ``indicator_month`` rows (``server/indicators/refresh.py``), one per posyandu and
month, computed with ``shared.indicators.month_indicators``. A unit (kabupaten, kecamatan,
puskesmas, desa, posyandu) is the set of posyandu facilities in it that the caller may read:

- kecamatan: the posyandu's ``kecamatan_code`` (or its desa's first six digits);
- puskesmas: the posyandu's ``parent_id``; desa: its ``desa_code``.

``parent`` narrows the posyandu to those inside a unit of any higher level (kabupaten code,
kecamatan code, puskesmas id or desa code), so a puskesmas row under a kecamatan counts only that
puskesmas' posyandu in that kecamatan and each level's rows sum to the level above.

Desa figures (births, deaths, ODF/STBM from the desa report) are added once per distinct desa of a
unit's posyandu; posyandu rows carry none of them (``odf_desa`` is null there), since a desa's
report belongs to no single posyandu. ``uci_desa`` (desa whose IDL is at least 80 %, [K]) is
counted the same way from each desa's summed ``idl``; the ILP indicators (``shared.indicators.ilp``)
are summed like the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cache

import sqlalchemy as sa

from server.indicators.posyandu_month import DESA_FIELDS, DESA_PREFIX
from server.models import IndicatorMonth, Record
from server.scope import FacilityIndex, Scope, ScopeKeys
from shared.calendar import add_months, age_on, month_bounds, parse_period, period_of
from shared.growth.monitoring import age_in_completed_months
from shared.indicators import STRATA, Ratio
from shared.indicators.ilp import ILP_KEYS, uci
from shared.indicators.skdn import COUNT_KEYS, VALUE_KEYS, as_date

LEVELS = ("kabupaten", "kecamatan", "puskesmas", "desa", "posyandu")
ODF_DONE = frozenset({"odf", "stbm"})


class UnknownParent(LookupError):
    """``parent`` names no unit the level can be narrowed by."""


def _empty_values() -> dict[str, Ratio]:
    values = {key: Ratio(0, 0) for key in VALUE_KEYS + ILP_KEYS}
    values["opened"] = Ratio(0, 1)  # a posyandu with no record did not open
    return values


class _Registry:
    """The posyandu facilities the caller may read, with the names of every unit."""

    def __init__(self, session, scope: Scope):
        facilities = FacilityIndex.load(session)
        self.facilities = facilities
        self.names: dict[str, str] = {}
        self.kabupaten = None
        for row in session.execute(
            sa.select(Record.fields).where(Record.kind == "wilayah", Record.deleted.is_(False))
        ).scalars():
            code = row.get("code") or row.get("id")
            self.names[code] = row.get("name") or code
            if row.get("level") == "kabupaten" and self.kabupaten is None:
                self.kabupaten = code
        for f in facilities.facilities.values():
            self.names.setdefault(f["id"], f.get("name") or f["id"])
        self.posyandu: list[dict] = []
        for f in facilities.of_kind("posyandu"):
            keys = ScopeKeys.of_posyandu(f)
            if scope.can_read("person", keys):
                self.posyandu.append(
                    {
                        "id": f["id"],
                        "desa": keys.desa_code,
                        "kecamatan": keys.kecamatan_code,
                        "puskesmas": keys.puskesmas_id,
                        "strata": f.get("strata"),
                    }
                )
        if self.kabupaten is None:
            kecamatan = sorted({p["kecamatan"] for p in self.posyandu if p["kecamatan"]})
            self.kabupaten = kecamatan[0][:4] if kecamatan else "kabupaten"
            self.names.setdefault(self.kabupaten, self.kabupaten)
        self.names[self.kabupaten] = self.names.get(self.kabupaten, self.kabupaten)

    def unit_of(self, posyandu: dict, level: str) -> str | None:
        if level == "kabupaten":
            return self.kabupaten
        return posyandu["id"] if level == "posyandu" else posyandu[level]

    def inside(self, parent: str | None) -> list[dict]:
        """Return the readable posyandu inside ``parent`` (every one when None)."""
        if parent is None or parent == self.kabupaten:
            return list(self.posyandu)
        facility = self.facilities.get(parent)
        if facility is not None and facility.get("kind") == "puskesmas":
            return [p for p in self.posyandu if p["puskesmas"] == parent]
        if facility is not None and facility.get("kind") == "posyandu":
            return [p for p in self.posyandu if p["id"] == parent]
        if parent.isdigit() and len(parent) == 6:
            return [p for p in self.posyandu if p["kecamatan"] == parent]
        if parent.isdigit() and len(parent) == 10:
            return [p for p in self.posyandu if p["desa"] == parent]
        raise UnknownParent(parent)


def _aggregates(
    session, posyandu_ids: list[str], desa_codes: Iterable[str], periods: list[str]
) -> dict[tuple[str, str], IndicatorMonth]:
    keys = posyandu_ids + [DESA_PREFIX + code for code in desa_codes]
    out = {}
    table = IndicatorMonth.__table__
    if len(keys) > 2000:  # a whole kabupaten: one indexed scan of the period is cheaper
        wanted = set(keys)
        for row in session.execute(sa.select(table).where(table.c.period.in_(periods))):
            if row.posyandu_id in wanted:
                out[(row.posyandu_id, row.period)] = row
        return out
    for start in range(0, len(keys), 1000):
        for row in session.execute(
            sa.select(table).where(
                table.c.period.in_(periods), table.c.posyandu_id.in_(keys[start : start + 1000])
            )
        ):
            out[(row.posyandu_id, row.period)] = row
    return out


def _add_row(values: dict, counts: dict, extra: dict, row) -> None:
    """Add one posyandu's stored month (or, when None, an empty month) to a unit's totals."""
    if row is None:
        for key, ratio in _empty_values().items():
            values[key] += ratio
        return
    for key in VALUE_KEYS + ILP_KEYS:
        n, d = row.values.get(key, (0, 0))
        values[key] += Ratio(n, d)
    for key in COUNT_KEYS:
        counts[key] += row.counts.get(key, 0)
    for group in ("immunizations", "vitamin_a"):
        for code, n in (row.extra.get(group) or {}).items():
            extra[group][code] += n


def _desa_figures(members: list[dict], period: str, rows: dict, extra: dict) -> dict:
    """Add the desa reports of a unit's desa to ``extra``; return ODF and UCI desa ratios."""
    desa = sorted({p["desa"] for p in members if p["desa"]})
    totals = {name: 0 for name in DESA_FIELDS}
    done = reported = 0
    for code in desa:
        row = rows.get((DESA_PREFIX + code, period))
        if row is None:
            continue
        for name in DESA_FIELDS:
            totals[name] += row.extra.get(name, 0)
        done += row.extra.get("odf_status") in ODF_DONE
        reported += bool(row.extra.get("reported"))
    extra.update(totals, desa_reported=reported)
    idl: dict[str, Ratio] = defaultdict(lambda: Ratio(0, 0))
    for p in members:
        row = rows.get((p["id"], period))
        if p["desa"] and row is not None:
            idl[p["desa"]] += Ratio(*row.values.get("idl", (0, 0)))
    last = month_bounds(period)[1]
    uci_desa = sum(uci(idl[code], last) for code in desa)
    return {
        "odf_desa": Ratio(done, len(desa)).to_dict(),
        "uci_desa": Ratio(uci_desa, len(desa)).to_dict(),
    }


def _sum_unit(members: list[dict], period: str, rows: dict, *, with_desa: bool) -> dict:
    """Sum the stored months of a unit's posyandu (and, above posyandu level, of its desa).

    ``uci_desa`` counts the unit's desa whose IDL, summed over the desa's posyandu the caller may
    read, is UCI (``shared.indicators.ilp.uci``); like ``odf_desa`` it is null for a posyandu.
    """
    values = {key: Ratio(0, 0) for key in VALUE_KEYS + ILP_KEYS}
    counts = {key: 0 for key in COUNT_KEYS}
    extra: dict = {"immunizations": defaultdict(int), "vitamin_a": defaultdict(int)}
    strata = {key: 0 for key in (*STRATA, "none")}
    for p in members:
        _add_row(values, counts, extra, rows.get((p["id"], period)))
        strata[p["strata"] if p["strata"] in STRATA else "none"] += 1
    extra = {
        "immunizations": dict(sorted(extra["immunizations"].items())),
        "vitamin_a": dict(sorted(extra["vitamin_a"].items())),
        "vitamin_a_given": sum(extra["vitamin_a"].values()),
    }
    desa = {"odf_desa": None, "uci_desa": None}
    if with_desa:
        desa = _desa_figures(members, period, rows, extra)
    return {
        "indicators": {key: ratio.to_dict() for key, ratio in values.items()},
        "counts": counts,
        "extra": extra,
        "reporting": {"numerator": values["opened"].numerator, "denominator": len(members)},
        "posyandu_strata": strata,
        **desa,
    }


def _check(period: str, level: str) -> None:
    parse_period(period)
    if level not in LEVELS:
        raise ValueError(level)


def indicator_rows(
    session, scope: Scope, period: str, level: str, parent: str | None = None
) -> list[dict]:
    """Return one row per unit of ``level`` inside ``parent`` for ``period``, within ``scope``."""
    _check(period, level)
    registry = _Registry(session, scope)
    posyandu = registry.inside(parent)
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in posyandu:
        unit = registry.unit_of(p, level)
        if unit:
            groups[unit].append(p)
    rows = _aggregates(
        session, [p["id"] for p in posyandu], {p["desa"] for p in posyandu if p["desa"]}, [period]
    )
    out = []
    for code, members in groups.items():
        out.append(
            {
                "code": code,
                "name": registry.names.get(code, code),
                "level": level,
                **_sum_unit(members, period, rows, with_desa=level != "posyandu"),
            }
        )
    return sorted(out, key=lambda row: (row["name"], row["code"]))


def _value_path(key: str, part: int):
    """The SQL integer at ``values[key][part]`` of an ``indicator_month`` row (0 when absent)."""
    return sa.func.coalesce(IndicatorMonth.__table__.c["values"][(key, part)].as_integer(), 0)


def _month_sums(session, ids: list[str], periods: list[str]) -> dict[str, dict]:
    """Return ``{period: {"rows", "values": {key: [n, d]}, "counts": {key: n}}}`` over ``ids``.

    Summed in the database, one pass per thousand posyandu: decoding every row's JSON in Python
    made Tren cost posyandu × months decodes (seconds at district scale), and so did extracting
    each key from the stored text in SQL; ``json_each`` parses a row once.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    out: dict[str, dict] = {}
    for start in range(0, len(ids), 1000):
        chunk = {"periods": periods, "ids": ids[start : start + 1000]}
        for period, rows in session.execute(_sum_query("rows", postgres), chunk):
            month = out.setdefault(period, {"rows": 0, "values": {}, "counts": {}})
            month["rows"] += rows
        for period, key, n, d in session.execute(_sum_query("values", postgres), chunk):
            pair = out[period]["values"].setdefault(key, [0, 0])
            pair[0], pair[1] = pair[0] + int(n or 0), pair[1] + int(d or 0)
        for period, key, n, _ in session.execute(_sum_query("counts", postgres), chunk):
            counts = out[period]["counts"]
            counts[key] = counts.get(key, 0) + int(n or 0)
    return out


@cache
def _sum_query(column: str, postgres: bool):
    """Per period: the rows (``"rows"``), or per period and key the sums of ``values``
    (numerator, denominator) or of ``counts`` (built once per dialect)."""
    table = IndicatorMonth.__table__
    where = (
        table.c.period.in_(sa.bindparam("periods", expanding=True)),
        table.c.posyandu_id.in_(sa.bindparam("ids", expanding=True)),
    )
    if column == "rows":
        return sa.select(table.c.period, sa.func.count()).where(*where).group_by(table.c.period)
    each = sa.func.json_each(table.c[column]).table_valued("key", "value").alias("item")

    def part(index: int | None):
        if postgres:  # json ->> 0 (an array's element), #>> '{}' (a number) as text
            text = each.c.value.op("#>>")(sa.literal_column("'{}'::text[]"))
            if index is not None:
                text = each.c.value.op("->>")(sa.literal_column(str(index)))
            return sa.cast(text, sa.Integer)
        return each.c.value if index is None else sa.func.json_extract(each.c.value, f"$[{index}]")

    parts = (part(0), part(1)) if column == "values" else (part(None), sa.literal(0))
    return (
        sa.select(table.c.period, each.c.key, *(sa.func.sum(p) for p in parts))
        .select_from(table)
        .join(each, sa.true())
        .where(*where)
        .group_by(table.c.period, each.c.key)
    )


@cache
def _ratio_query(key: str):
    """Per posyandu and period: ``values[key]`` (built once per key)."""
    table = IndicatorMonth.__table__
    return sa.select(
        table.c.posyandu_id, table.c.period, _value_path(key, 0), _value_path(key, 1)
    ).where(
        table.c.period.in_(sa.bindparam("periods", expanding=True)),
        table.c.posyandu_id.in_(sa.bindparam("ids", expanding=True)),
    )


def trend(
    session, scope: Scope, level: str, code: str, end_period: str, months: int = 12
) -> list[dict]:
    """Return ``[{"period", "indicators", "counts"}]`` for one unit, oldest month first.

    The sums of ``_sum_unit`` (a posyandu without a row counts as not opened), one query.
    """
    _check(end_period, level)
    registry = _Registry(session, scope)
    members = [p["id"] for p in registry.inside(None) if registry.unit_of(p, level) == code]
    end = parse_period(end_period)
    periods = [period_of(add_months(end, -i)) for i in range(months - 1, -1, -1)]
    keys = VALUE_KEYS + ILP_KEYS
    sums = _month_sums(session, members, periods)
    out = []
    for period in periods:
        month = sums.get(period) or {"rows": 0, "values": {}, "counts": {}}
        values = {key: Ratio(*month["values"].get(key, (0, 0))) for key in keys}
        values["opened"] += Ratio(0, len(members) - month["rows"])  # no row: did not open
        counts = {key: month["counts"].get(key, 0) for key in COUNT_KEYS}
        indicators = {key: ratio.to_dict() for key, ratio in values.items()}
        out.append({"period": period, "indicators": indicators, "counts": counts})
    return out


def ratio_series(
    session, scope: Scope, key: str, level: str, periods: list[str], parent: str | None = None
) -> list[dict]:
    """Return ``[{"code", "name", "items": {period: ratio dict}}]`` of one indicator per unit.

    The numbers of ``indicator_rows(...)["indicators"][key]`` (``"reporting"``: its
    ``reporting``) for several months in one query, reading only that key; by name as there.
    """
    for period in periods:
        _check(period, level)
    registry = _Registry(session, scope)
    posyandu = registry.inside(parent)
    unit_of = {p["id"]: registry.unit_of(p, level) for p in posyandu}
    members: dict[str, int] = defaultdict(int)
    for unit in unit_of.values():
        if unit:
            members[unit] += 1
    stored = "opened" if key == "reporting" else key
    totals: dict[tuple[str, str], list[int]] = {}
    ids = list(unit_of)
    for start in range(0, len(ids), 1000):
        chunk = {"periods": periods, "ids": ids[start : start + 1000]}
        for posyandu_id, period, n, d in session.execute(_ratio_query(stored), chunk):
            unit = unit_of[posyandu_id]
            if unit:
                total = totals.setdefault((unit, period), [0, 0, 0])
                total[0], total[1], total[2] = total[0] + n, total[1] + d, total[2] + 1
    out = []
    for unit, count in members.items():
        items = {}
        for period in periods:
            n, d, present = totals.get((unit, period), (0, 0, 0))
            if key == "reporting":
                d = count
            elif key == "opened":
                d += count - present  # a posyandu without a row did not open
            items[period] = {"numerator": n, "denominator": d}
        out.append({"code": unit, "name": registry.names.get(unit, unit), "items": items})
    return sorted(out, key=lambda row: (row["name"], row["code"]))


def mask_nik(nik: str | None) -> str | None:
    """Return a NIK with its middle eight digits hidden ('6111********1234')."""
    if not nik:
        return None
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:] if len(nik) > 8 else "*" * len(nik)


def _latest_measurements(session, posyandu_id: str, last: date) -> dict[str, dict]:
    """Return each child's latest visit with a weight or length up to ``last``."""
    latest: dict[str, tuple[tuple, dict]] = {}
    query = sa.select(Record.fields).where(
        Record.posyandu_id == posyandu_id,
        Record.kind == "child_visit",
        Record.deleted.is_(False),
    )
    for visit in session.execute(query).scalars():
        on = str(visit.get("visit_date") or "")[:10]
        measured = visit.get("weight_kg") is not None or visit.get("length_cm") is not None
        if not on or on > last.isoformat() or not measured:
            continue
        key = (on, visit.get("id") or "")
        if visit["person_id"] not in latest or key > latest[visit["person_id"]][0]:
            latest[visit["person_id"]] = (key, visit)
    return {person_id: visit for person_id, (_, visit) in latest.items()}


def _balita_on(person: dict, last: date) -> bool:
    """Tell whether a person is a living, resident child under five on ``last``."""
    birth = as_date(person.get("birth_date"))
    if birth is None or birth > last:
        return False
    if any(
        (d := as_date(person.get(k))) is not None and d <= last for k in ("died_on", "moved_out_on")
    ):
        return False
    return age_in_completed_months(birth, last) <= 59


def _child_row(person: dict, visit: dict, last: date) -> dict:
    # The age shown is the age on the measurement's day (as the device shows a visit), or at
    # the end of the period for a child not measured yet.
    on = visit.get("visit_date") or last
    return {
        "id": person["id"],
        "name": person.get("name"),
        "sex": person.get("sex"),
        "birth_date": person.get("birth_date"),
        "age_months": age_on(person.get("birth_date"), on),
        "nik": mask_nik(person.get("nik")),
        "last_visit_date": visit.get("visit_date"),
        "weight_kg": visit.get("weight_kg"),
        "length_cm": visit.get("length_cm"),
        "waz": visit.get("waz"),
        "lhaz": visit.get("lhaz"),
        "wlhz": visit.get("wlhz"),
        "categories": visit.get("categories") or {},
        "growth_status": visit.get("growth_status"),
        "bgm": bool(visit.get("bgm")),
        "two_t": bool(visit.get("two_t")),
    }


def children_status(session, scope: Scope, posyandu_id: str, period: str) -> list[dict]:
    """Return the balita of one posyandu at the end of ``period`` with their latest measurement."""
    registry = _Registry(session, scope)
    if not any(p["id"] == posyandu_id for p in registry.posyandu):
        return []
    last = month_bounds(period)[1]
    persons = session.execute(
        sa.select(Record.fields).where(
            Record.posyandu_id == posyandu_id,
            Record.kind == "person",
            Record.deleted.is_(False),
        )
    ).scalars()
    latest = _latest_measurements(session, posyandu_id, last)
    out = [
        _child_row(person, latest.get(person["id"], {}), last)
        for person in persons
        if _balita_on(person, last)
    ]
    return sorted(out, key=lambda c: ((c["name"] or "").lower(), c["id"]))
