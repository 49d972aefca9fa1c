"""A change set derives a child's growth values from the earliest month it touched (issue #19).

A month's N/T, 2T and BGM read only that month and earlier ones, so the server derives a child's
visits from the earliest month a changed visit is or was dated in (``children._changed_since``).
After seeded random batches (visits added before, between and after the others, dates moved
earlier and later, weights changed, visits deleted or moved to another child, birth dates and
sexes changed, children deleted) every stored visit must hold what a derivation over the child's
whole live history gives; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from testkit.factories import child_visit, new_id, person
from tests.support.random_batches import random_batches

SEEDS = range(8)
BATCHES, MAX_OPS = 6, 6


def _day(rng: random.Random) -> str:
    return (date(2025, 1, 1) + timedelta(days=rng.randrange(640))).isoformat()


def _weight(rng: random.Random):
    return rng.choice([None, round(rng.uniform(6, 14), 1), round(rng.uniform(6, 14), 1)])


class Model:
    """What the test wrote, to pick the next operation from."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.persons: dict[str, dict] = {}
        self.visits: dict[str, dict] = {}

    def operation(self) -> tuple[str, dict, bool]:
        rng, choice = self.rng, self.rng.random()
        if len(self.persons) < 3 or choice < 0.08:
            values = person(
                "PSY-A1",
                id=new_id(),
                sex=rng.choice("MF"),
                birth_date=(date(2023, 1, 1) + timedelta(days=rng.randrange(700))).isoformat(),
            )
            self.persons[values["id"]] = values
            return "person", values, False
        owner = self.persons[rng.choice(sorted(self.persons))]
        if not self.visits or choice < 0.5:
            values = child_visit(owner, visit_date=_day(rng), weight_kg=_weight(rng))
            self.visits[values["id"]] = values
            return "child_visit", values, False
        if choice < 0.9:
            return self._change_visit(owner)
        values = dict(owner)
        if rng.random() < 0.1:
            del self.persons[values["id"]]
            for visit in [v for v in self.visits.values() if v["person_id"] == values["id"]]:
                del self.visits[visit["id"]]
            return "person", values, True
        if rng.random() < 0.5:
            values["birth_date"] = (
                date(2023, 1, 1) + timedelta(days=rng.randrange(700))
            ).isoformat()
        else:
            values["sex"] = "M" if values["sex"] == "F" else "F"
        self.persons[values["id"]] = values
        return "person", values, False

    def _change_visit(self, other: dict) -> tuple[str, dict, bool]:
        rng = self.rng
        values = dict(self.visits[rng.choice(sorted(self.visits))])
        what = rng.choice(["earlier", "later", "day", "weight", "child", "delete"])
        if what == "delete":
            del self.visits[values["id"]]
            return "child_visit", values, True
        if what in ("earlier", "later"):
            step = timedelta(days=rng.randrange(1, 120))
            moved = date.fromisoformat(values["visit_date"]) + (
                -step if what == "earlier" else step
            )
            values["visit_date"] = min(max(moved, date(2025, 1, 1)), date(2026, 10, 1)).isoformat()
        elif what == "day":
            values["visit_date"] = _day(rng)
        elif what == "weight":
            values["weight_kg"] = _weight(rng)
        else:
            values["person_id"] = other["id"]
        self.visits[values["id"]] = values
        return "child_visit", values, False


def _stale(session) -> list:
    """Return the live visits whose stored derived values differ from a whole-history derivation."""
    from server.models import Record
    from shared.derive import derive_child_visits

    rows = session.execute(
        sa.select(Record.kind, Record.fields).where(
            Record.deleted.is_(False), Record.kind.in_(["person", "child_visit"])
        )
    ).all()
    persons = {f["id"]: f for kind, f in rows if kind == "person"}
    visits: dict[str, list] = {}
    for kind, fields in rows:
        if kind == "child_visit" and fields["person_id"] in persons:
            visits.setdefault(fields["person_id"], []).append(fields)
    stale = []
    for person_id, own in visits.items():
        derived = derive_child_visits(persons[person_id], own)
        for fields in own:
            for key, value in derived[fields["id"]].items():
                if fields.get(key) != value:
                    stale.append((fields["id"], key, fields.get(key), value))
    return stale


@pytest.mark.parametrize("seed", SEEDS)
def test_stored_growth_values_equal_a_whole_history_derivation(app, world, seed):
    from server.extensions import db

    model = Model(random.Random(seed))
    with app.app_context():
        for _ in random_batches(db.session, model, BATCHES, MAX_OPS):
            assert _stale(db.session) == []
        db.session.rollback()


def _changes(changed, originals):
    rows = {
        i: SimpleNamespace(id=i, kind=kind, person_id=pid, fields=fields)
        for i, (kind, pid, fields) in changed.items()
    }
    return SimpleNamespace(changed=rows, originals=originals)


def test_the_earliest_month_a_changed_visit_is_or_was_dated_in():
    from server.sync.children import _changed_since

    visit = lambda day: {"visit_date": day}  # noqa: E731
    changes = _changes(
        {
            "new": ("child_visit", "a", visit("2026-10-27")),
            "moved-earlier": ("child_visit", "b", visit("2026-03-02")),
            "moved-later": ("child_visit", "c", visit("2026-09-09")),
            "to-d": ("child_visit", "d", visit("2026-07-01")),
            "undated": ("child_visit", "f", visit(None)),
            "g": ("person", "g", {"birth_date": "2025-01-01"}),
            "dose": ("immunization", "h", {"given_on": "2026-01-01"}),
        },
        {
            "new": None,
            "moved-earlier": ("child_visit", "", "", "b", False, visit("2026-05-30")),
            "moved-later": ("child_visit", "", "", "c", False, visit("2026-04-15")),
            "to-d": ("child_visit", "", "", "e", False, visit("2026-02-10")),
        },
    )
    assert _changed_since(changes) == {
        "a": (2026, 10),
        "b": (2026, 3),
        "c": (2026, 4),  # the month it left counts too
        "d": (2026, 7),
        "e": (2026, 2),  # the child a visit moved away from
        "f": None,  # no date to start from: the whole history
        "g": None,  # the child's own record: birth date and sex move every visit
    }


def test_a_visit_moved_to_another_child_is_taken_out_of_the_first_childs_growth(app, world):
    from server.extensions import db
    from server.models import Record
    from server.sync.changes import ChangeSet, Writer

    first, second = person("PSY-A1", birth_date="2025-06-01"), person("PSY-A1")
    january = child_visit(first, visit_date="2026-01-10", weight_kg=8.0)
    february = child_visit(first, visit_date="2026-02-10", weight_kg=8.5)
    with app.app_context():
        changes = ChangeSet(db.session, Writer.system("test"))
        for kind, values in [("person", first), ("person", second)]:
            changes.server_write(kind, values["id"], values)
        for values in (january, february):
            changes.server_write("child_visit", values["id"], values)
        changes.commit()
        db.session.commit()
        assert db.session.get(Record, february["id"]).fields["growth_status"] == "N"
        changes = ChangeSet(db.session, Writer.system("test"))
        moved = {**january, "person_id": second["id"]}
        changes.server_write("child_visit", january["id"], moved)
        changes.commit()
        db.session.commit()
        # February is now the first child's first weighing: B, no gain.
        kept = db.session.get(Record, february["id"]).fields
        assert (kept["growth_status"], kept["growth_gain_g"]) == ("B", None)
        assert _stale(db.session) == []
        db.session.rollback()
