"""The aggregates kept on write equal a computation from the records, after seeded random batches
of writes (issue #19: the push's indicator upkeep is done by difference, from the records the
write path already read, and the weighings per day are kept by difference too).

Each batch is one change set, as one push is: new children, new visits (with and without a
weight, with and without a dose), visits moved to another day, month or posyandu, children moved
to another posyandu, birth dates changed, visits and children deleted. After every batch the
kept rows must equal what ``PosyanduData.compute`` gives from the live records, and the weighings
per day must equal a recount; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from testkit.factories import child_visit, new_id, person
from tests.support.random_batches import random_batches

POSYANDU = ("PSY-A1", "PSY-A2")
SEEDS = range(12)
BATCHES, MAX_OPS = 5, 7


def _day(rng: random.Random, first: date, days: int) -> str:
    return (first + timedelta(days=rng.randrange(days))).isoformat()


class Model:
    """What the test wrote, to pick the next operation from."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.persons: dict[str, dict] = {}
        self.visits: dict[str, dict] = {}

    def operation(self) -> tuple[str, dict, bool]:
        """Return (kind, whole values, deleted) of one random write."""
        rng = self.rng
        choice = rng.random()
        if not self.persons or choice < 0.2:
            values = person(
                rng.choice(POSYANDU), id=new_id(), birth_date=_day(rng, date(2022, 6, 1), 1200)
            )
            self.persons[values["id"]] = values
            return "person", values, False
        owner = self.persons[rng.choice(sorted(self.persons))]
        if not self.visits or choice < 0.55:
            values = child_visit(
                owner,
                visit_date=_day(rng, date(2026, 1, 1), 330),
                weight_kg=rng.choice([None, round(rng.uniform(6, 15), 1)]),
                immunizations=rng.choice([[], [], ["BCG"], ["OPV1", "DPT_HB_HIB1"]]),
            )
            self.visits[values["id"]] = values
            return "child_visit", values, False
        if choice < 0.9:
            return self._change_visit()
        return self._change_person(owner)

    def _change_visit(self) -> tuple[str, dict, bool]:
        rng = self.rng
        values = dict(self.visits[rng.choice(sorted(self.visits))])
        what = rng.choice(["day", "weight", "posyandu", "antigens", "delete"])
        if what == "delete":
            del self.visits[values["id"]]
            return "child_visit", values, True
        if what == "day":
            values["visit_date"] = _day(rng, date(2026, 1, 1), 330)
        elif what == "antigens":  # given, or taken back (the ILP months a visit moves)
            values["immunizations"] = rng.choice([[], ["BCG"], ["OPV1", "DPT_HB_HIB1"]])
        elif what == "weight":
            values["weight_kg"] = rng.choice([None, round(rng.uniform(6, 15), 1)])
        else:
            values["posyandu_id"] = rng.choice(POSYANDU)
        self.visits[values["id"]] = values
        return "child_visit", values, False

    def _change_person(self, owner: dict) -> tuple[str, dict, bool]:
        rng = self.rng
        values = dict(owner)
        if rng.random() < 0.5:
            values["birth_date"] = _day(rng, date(2022, 6, 1), 1200)
        else:
            values["posyandu_id"] = rng.choice(POSYANDU)
        self.persons[values["id"]] = values
        return "person", values, False


def _kept(session) -> dict:
    from server.models import IndicatorMonth

    rows = session.execute(sa.select(IndicatorMonth)).scalars()
    return {
        (r.posyandu_id, r.period): {"values": r.values, "counts": r.counts, "extra": r.extra}
        for r in rows
    }


def _computed(session, keys) -> dict:
    """Return each kept (posyandu, period) row as computed from the live records now."""
    from server.indicators.posyandu_month import POSYANDU_KINDS, PosyanduData
    from server.models import Record
    from shared.calendar import parse_period

    rows = defaultdict(list)
    query = sa.select(Record.posyandu_id, Record.kind, Record.fields).where(
        Record.deleted.is_(False), Record.kind.in_(POSYANDU_KINDS)
    )
    for posyandu_id, kind, fields in session.execute(query):
        rows[posyandu_id].append((kind, fields))
    data = {p: PosyanduData(r) for p, r in rows.items()}
    empty = PosyanduData([])
    return {(p, period): data.get(p, empty).compute(parse_period(period)) for p, period in keys}


def _days(session) -> dict:
    from server.models import WeighingDay

    return {
        (r.posyandu_id, r.day): r.weighings
        for r in session.execute(sa.select(WeighingDay)).scalars()
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_kept_aggregates_equal_the_records_after_random_batches(app, world, seed):
    from server.extensions import db
    from server.indicators.weighing_day import rebuild

    model = Model(random.Random(seed))
    with app.app_context():
        for _ in random_batches(db.session, model, BATCHES, MAX_OPS):
            kept = _kept(db.session)
            assert kept, "the batches wrote no aggregate at all"
            assert kept == _computed(db.session, kept)
            days = _days(db.session)
            rebuild(db.session)
            assert days == _days(db.session)
            db.session.rollback()
