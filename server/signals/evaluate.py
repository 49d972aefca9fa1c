"""Evaluate the signal rules over the whole kabupaten and raise each new signal once.

A candidate is (rule, posyandu, period, evidence). Its record id is a UUID derived from rule +
posyandu + period, so evaluating again finds it and raises nothing: a signal closed by a user stays
closed. Signals are written through the one write path (``write_records``), as ``signals``.
Evidence is a short Indonesian sentence naming the record (person id, never a name) and dates.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

import sqlalchemy as sa

from server.models import Device, Record, User
from server.reference import write_records
from server.scope import FacilityIndex
from server.signals.deaths import death_groups
from server.signals.rules import Rule, load_rules
from server.signals.trends import RULES as TREND_RULES
from shared.calendar import add_months, format_date
from shared.records.fields import parse_date

NAMESPACE = uuid.UUID("5b0e6a52-3c1f-4e0b-9d7e-6f1c2a9b8d40")


def signal_id(rule: str, unit: str, period: str) -> str:
    """Return the id of the signal of ``rule`` on ``unit`` for ``period`` (the same every time)."""
    return str(uuid.uuid5(NAMESPACE, f"{rule}|{unit}|{period}"))


def month_of(day: dt.date) -> str:
    """Return the ``YYYY-MM`` of a day."""
    return f"{day.year:04d}-{day.month:02d}"


def _live(session, kind: str):
    return session.execute(
        sa.select(Record).where(Record.kind == kind, Record.deleted.is_(False))
    ).scalars()


# -- the rules ------------------------------------------------------------------------------------


def maternal_deaths(session, rule: Rule, today: dt.date) -> list[tuple]:
    """Every recorded maternal death: (posyandu, month of death, evidence)."""
    pregnancies = defaultdict(list)
    for row in _live(session, "pregnancy"):
        pregnancies[row.person_id].append(row.fields)
    out = []
    for row in _live(session, "person"):
        if row.fields.get("died_on") and "maternal" in death_groups(
            row.fields, pregnancies.get(row.id, [])
        ):
            died = parse_date(row.fields["died_on"])
            evidence = f"orang {row.id}, meninggal {format_date(died)}"
            out.append((row.posyandu_id, month_of(died), evidence))
    return out


def silent_posyandu(session, rule: Rule, today: dt.date) -> list[tuple]:
    """Posyandu with no child visit and no session in the last ``threshold`` months."""
    first = add_months((today.year, today.month), 1 - rule.threshold)
    since = dt.date(first[0], first[1], 1).isoformat()
    active = set()
    for kind, field in (("child_visit", "visit_date"), ("posyandu_session", "session_date")):
        for row in _live(session, kind):
            if str(row.fields.get(field) or "") >= since:
                active.add(row.posyandu_id)
    facilities = FacilityIndex.load(session)
    return [
        (f["id"], month_of(today), f"tidak ada kunjungan atau sesi sejak {format_date(since)}")
        for f in facilities.of_kind("posyandu")
        if f["id"] not in active
    ]


def is_gizi_buruk(visit: dict) -> bool:
    """Tell whether a child visit shows gizi buruk (BRIEF §5.1)."""
    wlhz, muac = visit.get("wlhz"), visit.get("muac_cm")
    return bool(
        (wlhz is not None and wlhz < -3)
        or (muac is not None and muac < 11.5)
        or visit.get("oedema")
    )


def gizi_buruk_without_follow_up(session, rule: Rule, today: dt.date) -> list[tuple]:
    """A gizi buruk visit older than ``threshold`` days with no later visit within them."""
    visits = defaultdict(list)
    for row in _live(session, "child_visit"):
        visits[row.person_id].append((str(row.fields.get("visit_date")), row))
    out = []
    for person_id, rows in visits.items():
        rows.sort(key=lambda pair: pair[0])
        for index, (day, row) in enumerate(rows):
            seen = parse_date(day)
            if not is_gizi_buruk(row.fields) or (today - seen).days <= rule.threshold:
                continue
            limit = (seen + dt.timedelta(days=rule.threshold)).isoformat()
            if not any(day < later <= limit for later, _ in rows[index + 1 :]):
                evidence = (
                    f"orang {person_id}, kunjungan {format_date(day)}, "
                    f"tanpa kunjungan ulang s.d. {format_date(limit)}"
                )
                out.append((row.posyandu_id, month_of(seen), evidence))
    return out


def devices_not_synced(session, rule: Rule, today: dt.date) -> list[tuple]:
    """Kader devices (not revoked) with no push or pull for more than ``threshold`` days."""
    pairs = session.execute(
        sa.select(Device, User).join(User, Device.user_id == User.id).where(User.role == "kader")
    ).all()
    out = []
    for device, user in pairs:
        if device.revoked_at is not None or not user.active:
            continue
        stamps = [s for s in (device.last_push_at, device.last_pull_at, device.created_at) if s]
        last = max(stamps).date()
        if (today - last).days > rule.threshold:
            evidence = (
                f"perangkat {device.name} ({user.name}), sinkron terakhir {format_date(last)}"
            )
            out.append((user.unit, month_of(today), evidence))
    return out


RULES = {
    "maternal_death": maternal_deaths,
    "posyandu_silent": silent_posyandu,
    "gizi_buruk_no_follow_up": gizi_buruk_without_follow_up,
    "device_not_synced": devices_not_synced,
    **TREND_RULES,
}


# -- raising --------------------------------------------------------------------------------------


def candidates(session, today: dt.date, rules: dict[str, Rule] | None = None) -> list[dict]:
    """Return the signals the enabled rules find today (one per rule, posyandu and period)."""
    rules = rules if rules is not None else load_rules()
    found: dict[str, dict] = {}
    for code, rule in rules.items():
        if not rule.enabled or code not in RULES:
            continue
        for unit, period, evidence in RULES[code](session, rule, today):
            if not unit:
                continue
            key = signal_id(code, unit, period)
            item = found.setdefault(
                key,
                {
                    "id": key,
                    "posyandu_id": unit,
                    "rule": code,
                    "period": period,
                    "raised_on": today.isoformat(),
                    "due_date": (today + dt.timedelta(days=rule.due_days)).isoformat(),
                    "status": "open",
                    "evidence": "",
                },
            )
            item["evidence"] = "; ".join(filter(None, (item["evidence"], evidence)))[:2000]
    return list(found.values())


def evaluate(session, today: dt.date, rules: dict[str, Rule] | None = None) -> int:
    """Raise the signals not raised before; return how many were raised (the caller commits)."""
    new = candidates(session, today, rules)
    if not new:
        return 0
    known = set(
        session.execute(sa.select(Record.id).where(Record.id.in_([s["id"] for s in new]))).scalars()
    )
    fresh = [("signal", s) for s in new if s["id"] not in known]
    if fresh:
        report = write_records(session, fresh, actor="signals", today=today)
        if report.rejected:
            raise RuntimeError(f"signals rejected: {report.rejected}")
    return len(fresh)
