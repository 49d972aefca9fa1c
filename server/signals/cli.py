"""``posyandu-server signals evaluate``: raise the day's new signals (for a daily cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from server.extensions import db
from shared.calendar import DEFAULT_ZONE, local_today


@click.group("signals")
def signals_cli():
    """Sinyal: evaluate the rules of server/signals/rules.csv."""


@signals_cli.command("evaluate")
@with_appcontext
def evaluate_command():
    """Raise the signals found today (each once per rule, posyandu and period)."""
    from server.signals.evaluate import evaluate

    zone = current_app.config.get("LOCAL_TIMEZONE") or DEFAULT_ZONE
    raised = evaluate(db.session, local_today(zone))
    db.session.commit()
    click.echo(f"sinyal baru: {raised}")
