"""``weighing_day`` (issue #16): the app's weighings per posyandu and day follow every write
(a new visit, a visit moved to another day, one without a weight, one deleted) and equal a
recount from the records (``rebuild``), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from testkit.factories import child_visit, person


def kept(app) -> dict[tuple[str, dt.date], int]:
    from server.extensions import db
    from server.models import WeighingDay

    with app.app_context():
        rows = db.session.execute(sa.select(WeighingDay)).scalars()
        found = {(r.posyandu_id, r.day): r.weighings for r in rows}
        db.session.rollback()
    return found


def write(app, kind: str, values: dict, *, deleted: bool | None = None) -> None:
    from server.extensions import db
    from server.sync.changes import ChangeSet, Writer

    with app.app_context():
        changes = ChangeSet(db.session, Writer.system("test"))
        changes.server_write(kind, values["id"], values, deleted=deleted)
        changes.commit()
        db.session.commit()


def rebuilt(app) -> dict[tuple[str, dt.date], int]:
    from server.extensions import db
    from server.indicators.weighing_day import rebuild

    with app.app_context():
        rebuild(db.session)
        db.session.commit()
    return kept(app)


def test_weighings_per_day_follow_every_write(app, world):
    a1, a2 = person(), person("PSY-A2")
    for p in (a1, a2):
        write(app, "person", p)
    first = child_visit(a1, visit_date="2026-10-08", weight_kg=9.0)
    second = child_visit(a1, visit_date="2026-10-08", weight_kg=9.2)
    other = child_visit(a2, visit_date="2026-10-08", weight_kg=8.0)
    for v in (first, second, other):
        write(app, "child_visit", v)
    day8, day9 = dt.date(2026, 10, 8), dt.date(2026, 10, 9)
    assert kept(app) == {("PSY-A1", day8): 2, ("PSY-A2", day8): 1}

    write(app, "child_visit", {**first, "visit_date": "2026-10-09"})  # moved to another day
    assert kept(app) == {("PSY-A1", day8): 1, ("PSY-A1", day9): 1, ("PSY-A2", day8): 1}
    write(app, "child_visit", {**second, "weight_kg": None})  # no weight: not a weighing
    write(app, "child_visit", other, deleted=True)
    assert kept(app) == {("PSY-A1", day9): 1}
    assert rebuilt(app) == kept(app)


def test_a_count_gone_wrong_is_recounted_not_taken_below_zero(app, world):
    """Counts are kept by difference; a row the difference would take below zero (the table was
    emptied behind the server's back) is recounted from the records instead."""
    from server.extensions import db
    from server.models import WeighingDay

    a1 = person()
    write(app, "person", a1)
    visits = [child_visit(a1, visit_date="2026-10-08", weight_kg=9.0 + i / 10) for i in range(3)]
    for v in visits:
        write(app, "child_visit", v)
    day8 = dt.date(2026, 10, 8)
    assert kept(app) == {("PSY-A1", day8): 3}
    with app.app_context():
        db.session.execute(sa.delete(WeighingDay))
        db.session.commit()
    write(app, "child_visit", visits[0], deleted=True)  # -1 on a missing row: recounted
    assert kept(app) == {("PSY-A1", day8): 2}
    write(app, "child_visit", visits[1], deleted=True)
    assert kept(app) == {("PSY-A1", day8): 1}
    write(app, "child_visit", visits[2], deleted=True)  # down to 0: the row goes
    assert kept(app) == {}
