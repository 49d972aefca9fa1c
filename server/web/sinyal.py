"""Sinyal: signals raised by the rules (``server/signals``), assigned, closed with a note, reopened.

Opening the page evaluates the rules first (each signal is raised once), then lists the signals
the user may read: new ones (raised in the last 7 days and open) first, then open, then closed.
Users who may read a signal and follow up (bidan desa, puskesmas, kecamatan, dinas, admin) change
it through the one write path, as themselves, inside their read scope.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Record
from server.reference import write_records
from server.scope import FacilityIndex, scope_keys
from server.signals import evaluate, signals_summary
from server.signals.rules import load_rules
from server.signals.trends import month_words
from server.sync.changes import Writer
from server.web import bp, language, local_zone, login_required
from server.web.params import UUID_RE
from server.web.scoped import readable, unit_names
from shared.calendar import local_today
from shared.i18n import t

FOLLOW_UP_ROLES = frozenset({"bidan_desa", "puskesmas", "kecamatan", "dinas", "admin"})
NEW_DAYS = 7
ACTIONS = ("assign", "close", "reopen")


@bp.app_template_filter("month_words")
def month_words_filter(period: str) -> str:
    """Show a 'YYYY-MM' period as 'November 2026' (anything else as it is)."""
    try:
        return month_words(period)
    except (TypeError, ValueError):
        return period


@bp.app_template_global("signal_summary_rows")
def signal_summary_rows() -> list[dict]:
    """Give ``web/sinyal/_summary.html`` its rows when the including page passed none."""
    return signals_summary(db.session, g.scope, local_today(local_zone()))


PERSON_IN_EVIDENCE = re.compile(
    r"orang ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)


def person_names(ids: set[str]) -> dict[str, str]:
    """Return the names of the persons the user may read, by id."""
    if not ids:
        return {}
    rows = db.session.execute(
        readable(
            sa.select(Record.id, Record.fields).where(
                Record.kind == "person", Record.id.in_(sorted(ids))
            )
        )
    ).all()
    return {row.id: row.fields.get("name") or "" for row in rows}


def evidence_parts(items: list[dict]) -> dict[str, list[tuple[str, str | None]]]:
    """Split each signal's evidence into text and persons: (text, None) or (name, person id).

    The rules write a person as 'orang <id>' (the stored evidence stays stable); the page names
    the person instead and links to their page, or says 'orang lain' when out of reach.
    """
    ids = {m for s in items for m in PERSON_IN_EVIDENCE.findall(s.get("evidence") or "")}
    names = person_names(ids)
    unknown = t("web.signals.person_unknown", language())
    out = {}
    for s in items:
        pieces = PERSON_IN_EVIDENCE.split(s.get("evidence") or "")
        # re.split with one group alternates text and the captured id
        out[s["id"]] = [
            (piece, None)
            if i % 2 == 0
            else ((names[piece], piece) if names.get(piece) else (unknown, None))
            for i, piece in enumerate(pieces)
            if piece
        ]
    return out


def readable_signals() -> list[dict]:
    """Return the signals the user may read, open first, newest first."""
    rows = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == "signal"))
    ).scalars()
    return sorted(rows, key=lambda s: (s.get("status") != "open", s["raised_on"], s["id"]))[::-1]


def signal_or_404(signal_id: str) -> dict:
    """Return a signal the user may read, or abort with 404."""
    if not UUID_RE.match(signal_id or ""):
        abort(404)
    row = db.session.execute(
        readable(sa.select(Record.fields).where(Record.kind == "signal", Record.id == signal_id))
    ).scalar_one_or_none()
    if row is None:
        abort(404)
    return dict(row)


def changed(signal: dict, action: str, today: dt.date) -> dict | None:
    """Return the signal after ``action`` from the form (None: the action is not known)."""
    form = {k: (request.form.get(k) or "").strip() for k in ("assignee", "due_date", "note")}
    if action == "assign":
        signal.update({k: form[k] for k in ("assignee", "due_date") if form[k]})
    elif action == "close":
        signal.update(status="closed", closed_on=today.isoformat(), note=form["note"])
    elif action == "reopen":
        signal.update(status="open", note=form["note"] or signal.get("note") or "")
        signal.pop("closed_on", None)
    else:
        return None
    return {k: v for k, v in signal.items() if v not in (None, "")}


@bp.route("/sinyal/periksa", methods=["POST"])
@login_required()
def evaluate_signals():
    """Evaluate the rules now (the daily cron runs ``posyandu-server signals evaluate``).

    A GET never writes: reading the page is safe to repeat and to link to.
    """
    if request.form.get("confirm") != "1":
        abort(400)
    raised = evaluate(db.session, local_today(local_zone()))
    db.session.commit()
    return redirect(url_for("web.signals", raised=raised), 303)


@bp.route("/sinyal")
@login_required()
def signals():
    """List the user's signals (new ones first)."""
    today = local_today(local_zone())
    items = readable_signals()
    since = (today - dt.timedelta(days=NEW_DAYS)).isoformat()
    return render_template(
        "web/sinyal/sinyal.html",
        new=[s for s in items if s.get("status") == "open" and s["raised_on"] >= since],
        items=items,
        today=today.isoformat(),
        names=unit_names(),
        evidence=evidence_parts(items),
        rules=load_rules(),
        summary=signals_summary(db.session, g.scope, today),
        can_follow=g.web_user.role in FOLLOW_UP_ROLES,
        error=request.args.get("error"),
        raised=request.args.get("raised", type=int),
    )


@bp.route("/sinyal/<signal_id>", methods=["POST"])
@login_required()
def change_signal(signal_id: str):
    """Assign, close (with a note) or reopen a signal the user may read."""
    signal = signal_or_404(signal_id)
    if g.web_user.role not in FOLLOW_UP_ROLES:
        abort(403)
    action = request.form.get("action", "")
    if action == "close" and not (request.form.get("note") or "").strip():
        return redirect(url_for("web.signals", error=t("web.signals.note_required", language())))
    values = changed(signal, action, local_today(local_zone()))
    if values is None:
        abort(400)
    keys = scope_keys("signal", values, FacilityIndex.load(db.session))
    if isinstance(keys, str) or not g.scope.can_read("signal", keys):
        abort(403)
    writer = Writer(g.web_user.username, g.scope, g.scope.can_read)
    report = write_records(db.session, [("signal", values)], writer=writer, lang=language())
    if report.rejected:
        db.session.rollback()
        message = "; ".join(str(m) for ms in report.rejected[0][2].values() for m in ms)
        error = message or t("web.signals.refused", language())
        return redirect(url_for("web.signals", error=error), 303)
    db.session.commit()
    return redirect(url_for("web.signals") + f"#s-{signal_id}", 303)
