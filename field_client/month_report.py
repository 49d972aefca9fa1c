"""The device's month report (SKDN and indicators), kept up to date person by person.

Computing the month from every person and visit takes about 400 ms of CPU at 5,000 persons /
60,000 visits, and every write (a kader saves a weighing and returns to Beranda) used to start
it again. ``shared.indicators.month_indicators`` counts each person from that person's own row
and visits only, and its ratios add up (``combine``): so the persons are split into fixed
buckets, each bucket's part is kept, and a write re-reads and recounts only the bucket of the
persons it touched (``Store.take_touched_persons``). KEK and "opened" read the month's ANC
visits and sessions, a few rows, and are counted afresh each time.

The result equals ``RecordService._month_report`` computed from scratch
(tests/field_client/test_month_report_incremental.py).
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from shared.indicators import month_indicators
from shared.indicators.skdn import MonthIndicators, combine

from .store import Store

Row = dict[str, Any]
BUCKETS = 64
Z_KEYS = ("waz", "lhaz", "wlhz", "baz", "hcz", "acz")
MONTHS_KEPT = 4


def _bucket(person_id: Any) -> int:
    return zlib.crc32(str(person_id).encode()) % BUCKETS


@dataclass
class _Month:
    """One month's kept state: every person's row and the child visits the month reads."""

    persons: dict[str, Row]
    recent: dict[Any, list[Row]]  # person_id -> visits of the window, in date order
    before: dict[Any, Row]  # person_id -> last weighing before the window
    parts: dict[int, MonthIndicators] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=lambda: set(range(BUCKETS)))


@dataclass
class _Holder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    months: dict[tuple[int, int], _Month] = field(default_factory=dict)


_HOLDERS: WeakKeyDictionary[Store, _Holder] = WeakKeyDictionary()


def bounds(year: int, month: int) -> tuple[str, str, str]:
    """Return the month's first and last day and the window's first day (two months before)."""
    from .service import month_bounds

    first, last = month_bounds(year, month)
    window = date(year - (month <= 2), (month - 3) % 12 + 1, 1)
    return first.isoformat(), last.isoformat(), window.isoformat()


def _by_person(rows: list[Row]) -> dict[Any, list[Row]]:
    out: dict[Any, list[Row]] = {}
    for row in rows:
        out.setdefault(row.get("person_id"), []).append(row)
    return out


def _load(store: Store, year: int, month: int) -> _Month:
    _, last, window = bounds(year, month)
    persons = {p["id"]: p for p in store.rows("person")}
    recent = store.rows("child_visit", date_from=window, date_to=last, derived_keys=Z_KEYS)
    before = store.last_before("child_visit", window, having="weight_kg", derived_keys=Z_KEYS)
    return _Month(persons, _by_person(recent), {v.get("person_id"): v for v in before})


def _refresh(store: Store, state: _Month, touched: set[str], year: int, month: int) -> None:
    """Re-read the touched persons' rows and visits, and mark their buckets to recount."""
    _, last, window = bounds(year, month)
    fresh = {p["id"]: p for p in store.rows_of("person", touched)}
    for person_id in touched:
        if person_id in fresh:
            state.persons[person_id] = fresh[person_id]
        else:
            state.persons.pop(person_id, None)
        state.recent.pop(person_id, None)
        state.before.pop(person_id, None)
    recent = store.rows_of(
        "child_visit", touched, date_from=window, date_to=last, derived_keys=Z_KEYS
    )
    state.recent.update(_by_person(recent))
    before = store.last_before(
        "child_visit", window, having="weight_kg", derived_keys=Z_KEYS, person_ids=touched
    )
    state.before.update({v.get("person_id"): v for v in before})
    state.dirty.update(_bucket(p) for p in touched)


def _recount(state: _Month, year: int, month: int) -> None:
    members: dict[int, list[Row]] = {b: [] for b in state.dirty}
    for person_id, person in state.persons.items():
        bucket = _bucket(person_id)
        if bucket in members:
            members[bucket].append(person)
    for bucket, persons in members.items():
        visits: list[Row] = []
        for person in persons:
            visits += state.recent.get(person["id"], ())
            if person["id"] in state.before:
                visits.append(state.before[person["id"]])
        state.parts[bucket] = month_indicators(persons, visits, year, month)
    state.dirty.clear()


def month_report(store: Store, year: int, month: int) -> dict[str, Any]:
    """Return the month's report as ``RecordService._month_report`` computes it."""
    holder = _HOLDERS.setdefault(store, _Holder())
    with holder.lock:
        touched = store.take_touched_persons()
        if touched is None:
            holder.months.clear()
        elif touched:
            for (y, m), state in holder.months.items():
                _refresh(store, state, touched, y, m)
        state = holder.months.get((year, month))
        if state is None:
            if len(holder.months) >= MONTHS_KEPT:
                holder.months.clear()
            state = holder.months[(year, month)] = _load(store, year, month)
        _recount(state, year, month)
        first, last, _ = bounds(year, month)
        anc = store.rows("anc_visit", date_from=first, date_to=last)
        sessions = store.rows("posyandu_session", date_from=first, date_to=last)
        base = month_indicators([], [], year, month, anc_visits=anc, sessions=sessions)
        whole = combine([*state.parts.values(), base])
        values = {**whole.values, "kek": base.values["kek"], "opened": base.values["opened"]}
        return {
            "indicators": MonthIndicators(year, month, values, whole.counts, whole.children),
            "sessions": sessions,
            "persons": list(state.persons.values()),
            "recent_child_visits": [v for visits in state.recent.values() for v in visits],
        }
