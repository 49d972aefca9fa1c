"""Signals: each rule against a hand count, raised once, assign/close/reopen, scope, summary, CLI."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from server.signals.evaluate import month_of, signal_id
from shared.calendar import local_today
from testkit.factories import child_visit, new_id, person
from tests.web.conftest import csrf_token

TODAY = local_today()  # the server's today (WIB by default), not the machine's UTC date
NOW = dt.datetime.now(dt.UTC)


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def world_items() -> list[tuple[str, dict]]:
    """A maternal death in A1, a visit in A1 this month, gizi buruk cases in B1; A2 silent."""
    mother = person("PSY-A1", name="Ibu Wafat", sex="F", birth_date="1994-03-03", died_on=ago(0))
    pregnancy = {
        "id": new_id(),
        "person_id": mother["id"],
        "posyandu_id": "PSY-A1",
        "registered_on": ago(60),
        "lmp_date": ago(100),
        "status": "active",
    }
    a1_child = person("PSY-A1", name="Anak Sehat")
    lost = person("PSY-B1", desa_code="6111022001", name="Anak Hilang")
    followed = person("PSY-B1", desa_code="6111022001", name="Anak Dikunjungi")
    recent = person("PSY-B1", desa_code="6111022001", name="Anak Baru")
    visits = [
        child_visit(a1_child, visit_date=ago(0)),
        child_visit(lost, visit_date=ago(10), oedema=True),  # no follow-up: a signal
        child_visit(followed, visit_date=ago(10), oedema=True),
        child_visit(followed, visit_date=ago(7)),  # followed up within 7 days
        child_visit(recent, visit_date=ago(3), oedema=True),  # 7 days not yet over
    ]
    people = [mother, a1_child, lost, followed, recent]
    return (
        [("person", p) for p in people]
        + [("pregnancy", pregnancy)]
        + [("child_visit", v) for v in visits]
    )


def add_device(username: str, last_sync: dt.datetime) -> None:
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Device, User

    user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one()
    db.session.add(
        Device(
            id=new_id(),
            user_id=user.id,
            name=f"hp-{username}",
            token_hash=new_id().replace("-", ""),
            created_at=last_sync,
            last_push_at=last_sync,
        )
    )


@pytest.fixture
def seeded(app, world):
    from server.extensions import db
    from server.reference import write_records

    with app.app_context():
        report = write_records(db.session, world_items())
        assert not report.rejected, report.rejected
        add_device("kader_a2", NOW - dt.timedelta(days=20))  # silent for 20 days: a signal
        add_device("kader_a1", NOW - dt.timedelta(days=1))
        db.session.commit()
    return app


# the hand count of what the rules must find
EXPECTED = {
    ("maternal_death", "PSY-A1", month_of(TODAY)),
    ("posyandu_silent", "PSY-A2", month_of(TODAY)),
    ("gizi_buruk_no_follow_up", "PSY-B1", month_of(TODAY - dt.timedelta(days=10))),
    ("device_not_synced", "PSY-A2", month_of(TODAY)),
}


def stored_signals(app) -> dict[str, dict]:
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Record

    with app.app_context():
        rows = db.session.execute(
            sa.select(Record.id, Record.fields).where(Record.kind == "signal")
        ).all()
        return {row.id: row.fields for row in rows}


def run_evaluate(app) -> int:
    from server.extensions import db
    from server.signals import evaluate

    with app.app_context():
        raised = evaluate(db.session, TODAY)
        db.session.commit()
        return raised


def test_each_rule_finds_the_hand_count(seeded):
    from server.extensions import db
    from server.signals.evaluate import candidates

    with seeded.app_context():
        found = {(c["rule"], c["posyandu_id"], c["period"]) for c in candidates(db.session, TODAY)}
    assert found == EXPECTED


def test_a_signal_is_raised_once(seeded):
    assert run_evaluate(seeded) == len(EXPECTED)
    assert run_evaluate(seeded) == 0
    stored = stored_signals(seeded)
    assert set(stored) == {signal_id(*key) for key in EXPECTED}
    death = stored[signal_id("maternal_death", "PSY-A1", month_of(TODAY))]
    assert death["status"] == "open" and "meninggal" in death["evidence"]
    assert death["due_date"] == (TODAY + dt.timedelta(days=7)).isoformat()


def test_cli_evaluates(seeded):
    from server.signals.cli import signals_cli

    result = seeded.test_cli_runner().invoke(signals_cli, ["evaluate"])
    assert result.exit_code == 0, result.output
    assert f"sinyal baru: {len(EXPECTED)}" in result.output
    assert "sinyal baru: 0" in seeded.test_cli_runner().invoke(signals_cli, ["evaluate"]).output


def post(client, signal: str, **form):
    token = csrf_token(client.get("/sinyal").text)
    return client.post(f"/sinyal/{signal}", data={**form, "csrf_token": token})


def test_assign_close_and_reopen(seeded, web):
    dinas = web("dinas")
    run_evaluate(seeded)  # as the daily cron (or the page's "Periksa aturan sekarang") does
    assert "Kematian ibu" in dinas.get("/sinyal").text
    death = signal_id("maternal_death", "PSY-A1", month_of(TODAY))
    due = (TODAY + dt.timedelta(days=3)).isoformat()
    assert (
        post(dinas, death, action="assign", assignee="Bidan Sutera", due_date=due).status_code
        == 303
    )
    assert stored_signals(seeded)[death]["assignee"] == "Bidan Sutera"
    response = post(dinas, death, action="close", note="")
    assert stored_signals(seeded)[death]["status"] == "open"  # a note is required
    assert post(dinas, death, action="close", note="AMP selesai").status_code == 303
    closed = stored_signals(seeded)[death]
    assert (closed["status"], closed["note"], closed["closed_on"]) == (
        "closed",
        "AMP selesai",
        TODAY.isoformat(),
    )
    assert run_evaluate(seeded) == 0  # a closed signal is not raised again
    assert stored_signals(seeded)[death]["status"] == "closed"
    assert post(dinas, death, action="reopen").status_code == 303
    assert stored_signals(seeded)[death]["status"] == "open"
    assert stored_signals(seeded)[death].get("closed_on") is None
    assert response.status_code == 302


def test_scope_of_the_list_and_of_changes(seeded, web):
    run_evaluate(seeded)
    html = web("pkm_b").get("/sinyal").text
    assert set(re.findall(r'data-rule="(\w+)"', html)) == {"gizi_buruk_no_follow_up"}
    html = web("kec_a").get("/sinyal").text
    assert "gizi_buruk_no_follow_up" not in re.findall(r'data-rule="(\w+)"', html)
    assert len(re.findall(r'data-rule="', html)) == 3
    death = signal_id("maternal_death", "PSY-A1", month_of(TODAY))
    assert post(web("pkm_b"), death, action="close", note="Hijack").status_code == 404
    assert post(web("kader_a1"), death, action="close", note="x").status_code == 403
    assert stored_signals(seeded)[death]["status"] == "open"


def test_summary_per_puskesmas(seeded):
    from server.auth import user_scope
    from server.extensions import db
    from server.models import User
    from server.signals import signals_summary

    run_evaluate(seeded)
    with seeded.app_context():
        dinas = db.session.query(User).filter_by(username="dinas").one()
        scope = user_scope(db.session, dinas)
        rows = {r["puskesmas_id"]: r for r in signals_summary(db.session, scope, TODAY)}
        assert (rows["PKM-A"]["open"], rows["PKM-A"]["overdue"]) == (3, 0)
        assert (rows["PKM-B"]["open"], rows["PKM-B"]["overdue"]) == (1, 0)
        later = signals_summary(db.session, scope, TODAY + dt.timedelta(days=30))
        assert {r["puskesmas_id"]: r["overdue"] for r in later} == {"PKM-A": 3, "PKM-B": 1}
        pkm_b = db.session.query(User).filter_by(username="pkm_b").one()
        assert [
            r["puskesmas_id"] for r in signals_summary(db.session, user_scope(db.session, pkm_b))
        ] == ["PKM-B"]


def test_summary_include_works_on_its_own(seeded, web):
    """The include the integrator adds to Evaluasi mingguan renders without a view change."""
    from flask import g, render_template_string

    from server.auth import user_scope
    from server.extensions import db
    from server.models import User

    run_evaluate(seeded)
    with seeded.test_request_context("/evaluasi"):
        user = db.session.query(User).filter_by(username="pkm_b").one()
        g.web_user, g.scope = user, user_scope(db.session, user)
        html = render_template_string('{% include "web/sinyal/_summary.html" %}')
    assert 'data-code="PKM-B"' in html and 'data-code="PKM-A"' not in html
