"""``posyandu-server signals``: evaluate the rules (daily cron), send the e-mail digest (weekly cron)."""

from __future__ import annotations

import smtplib
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from server.extensions import db
from shared.calendar import DEFAULT_ZONE, local_today, zone


@click.group("signals")
def signals_cli():
    """Sinyal: evaluate the rules of server/signals/rules.csv, send the e-mail digest."""


def _zone_name() -> str:
    return current_app.config.get("LOCAL_TIMEZONE") or DEFAULT_ZONE


@signals_cli.command("evaluate")
@with_appcontext
def evaluate_command():
    """Raise the signals found today (each once per rule, posyandu and period)."""
    from server.signals.evaluate import evaluate

    raised = evaluate(db.session, local_today(_zone_name()))
    db.session.commit()
    click.echo(f"sinyal baru: {raised}")


@signals_cli.command("digest")
@click.option("--force", is_flag=True, help="Send even to users served within the window.")
@with_appcontext
def digest_command(force: bool):
    """E-mail each user the open signals of their scope (SMTP from POSYANDU_SMTP_*)."""
    from server.signals.digest import DigestNotConfigured, SmtpSettings, send_digests

    try:
        settings = SmtpSettings.from_environment()
    except DigestNotConfigured:
        click.echo("Server SMTP belum diatur: isi POSYANDU_SMTP_HOST (lihat README).", err=True)
        sys.exit(2)
    except ValueError:
        click.echo("POSYANDU_SMTP_PORT dan POSYANDU_DIGEST_DAYS harus angka.", err=True)
        sys.exit(2)
    name = _zone_name()
    try:
        counts = send_digests(db.session, local_today(name), settings, zone(name), force=force)
    except (OSError, smtplib.SMTPException) as error:
        db.session.rollback()
        click.echo(f"Pengiriman ringkasan gagal (yang sudah terkirim tercatat): {error}", err=True)
        sys.exit(1)
    click.echo(
        f"ringkasan terkirim: {counts['sent']}, tanpa sinyal terbuka: {counts['empty']}, "
        f"belum waktunya: {counts['not_due']}"
    )


@signals_cli.command("email")
@click.argument("username")
@click.argument("address")
@with_appcontext
def email_command(username: str, address: str):
    """Set the e-mail address the digest goes to ('-' removes it)."""
    from server.models import User
    from server.signals.digest import valid_email

    user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        click.echo(f"Pengguna {username} tidak ditemukan.", err=True)
        sys.exit(2)
    address = address.strip()
    if address != "-" and not valid_email(address):
        click.echo(f"Alamat e-mail tidak sah: {address}", err=True)
        sys.exit(2)
    user.email = None if address == "-" else address
    db.session.commit()
    click.echo(f"e-mail {username}: {user.email or '–'}")
