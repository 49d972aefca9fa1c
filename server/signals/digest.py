"""The e-mail digest of open signals, per user and within the user's scope (``signals digest``).

Every active user with an e-mail address (``posyandu-server signals email USERNAME ADDRESS``)
whose scope holds at least one open signal gets one message: the open signals, overdue ones
first, each with its rule, posyandu, puskesmas, period, due date, assignee and evidence; and how
many signals were raised and closed in the window. A user is sent one digest per window
(``POSYANDU_DIGEST_DAYS``, 7 by default, counted in days in the kabupaten's zone), however often
the cron runs; ``--force`` sends anyway. A user with no open signal gets nothing.

Sent with ``smtplib`` through the SMTP server in the environment (README, "Signal digest"):
``POSYANDU_SMTP_HOST`` (required), ``POSYANDU_SMTP_PORT`` (25), ``POSYANDU_SMTP_USER`` /
``POSYANDU_SMTP_PASSWORD`` (optional login), ``POSYANDU_SMTP_STARTTLS`` (1 to upgrade the
connection), ``POSYANDU_MAIL_FROM`` and ``POSYANDU_PUBLIC_URL`` (a link to /sinyal, optional).
Each user's ``digest_sent_at`` is committed right after their message was accepted, so a failure
half-way resends to nobody already served.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import sqlalchemy as sa

from server.auth import user_scope
from server.models import Record, User
from server.scope import FacilityIndex
from server.signals.trends import month_words
from shared.calendar import format_date, format_date_words
from shared.i18n import t

EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def valid_email(address: str) -> bool:
    """Tell whether ``address`` may receive the digest (``signals email``, Pengguna, Akun saya).

    One mailbox of printable ASCII (smtplib does not ask the server for SMTPUTF8, and a control
    character has no place in a header), at most 254 characters.
    """
    return (
        len(address) <= 254
        and address.isascii()
        and address.isprintable()
        and EMAIL_RE.match(address) is not None
    )


class DigestNotConfigured(RuntimeError):
    """The SMTP server is not set (``POSYANDU_SMTP_HOST``)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how the digest is sent."""

    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    sender: str = "posyandu@localhost"
    public_url: str = ""
    days: int = 7

    @classmethod
    def from_environment(cls, environ=None) -> SmtpSettings:
        """Read the settings; raise :class:`DigestNotConfigured` without a host."""
        env = os.environ if environ is None else environ
        host = (env.get("POSYANDU_SMTP_HOST") or "").strip()
        if not host:
            raise DigestNotConfigured("POSYANDU_SMTP_HOST")
        return cls(
            host=host,
            port=int(env.get("POSYANDU_SMTP_PORT") or 25),
            user=env.get("POSYANDU_SMTP_USER") or "",
            password=env.get("POSYANDU_SMTP_PASSWORD") or "",
            starttls=(env.get("POSYANDU_SMTP_STARTTLS") or "0").strip() == "1",
            sender=env.get("POSYANDU_MAIL_FROM") or "posyandu@localhost",
            public_url=(env.get("POSYANDU_PUBLIC_URL") or "").rstrip("/"),
            days=max(1, int(env.get("POSYANDU_DIGEST_DAYS") or 7)),
        )


def user_signals(session, user: User, facilities: FacilityIndex) -> list[dict]:
    """Return the signals the user may read (any status)."""
    scope = user_scope(session, user, facilities)
    query = sa.select(Record.fields).where(
        Record.kind == "signal", Record.deleted.is_(False), scope.read_filter(Record)
    )
    return [dict(row) for row in session.execute(query).scalars()]


def _line(signal: dict, facilities: FacilityIndex, today: dt.date) -> list[str]:
    posyandu = facilities.get(signal["posyandu_id"]) or {}
    puskesmas = facilities.get(posyandu.get("parent_id")) or {}
    overdue = (signal.get("due_date") or "9999") < today.isoformat()
    head = " · ".join(
        filter(
            None,
            (
                "LEWAT BATAS WAKTU" if overdue else "",
                t(f"web.signals.rule.{signal['rule']}", "id"),
                posyandu.get("name") or signal["posyandu_id"],
                puskesmas.get("name") or "",
                month_words(signal["period"]),
            ),
        )
    )
    return [
        f"- {head}",
        f"  Dimunculkan {format_date(signal.get('raised_on'))}, batas waktu "
        f"{format_date(signal.get('due_date')) or '–'}, petugas: {signal.get('assignee') or '–'}",
        f"  Bukti: {signal.get('evidence') or '–'}",
    ]


def compose(
    user: User, signals: list[dict], facilities, today: dt.date, settings: SmtpSettings
) -> EmailMessage | None:
    """Return the user's digest message (None when no signal in scope is open)."""
    since = (today - dt.timedelta(days=settings.days)).isoformat()
    open_ = [s for s in signals if s.get("status") == "open"]
    if not open_:
        return None
    today_iso = today.isoformat()
    overdue = [s for s in open_ if (s.get("due_date") or "9999") < today_iso]
    open_.sort(key=lambda s: (s.get("due_date") or "9999", s["id"]))  # overdue ones come first
    raised = sum(s.get("raised_on", "") >= since for s in signals)
    closed = sum(s.get("status") == "closed" and s.get("closed_on", "") >= since for s in signals)
    body = [
        f"Yth. {user.name},",
        "",
        f"Ringkasan sinyal per {format_date_words(today)} di wilayah Anda: {len(open_)} terbuka, "
        f"{len(overdue)} lewat batas waktu. Dalam {settings.days} hari terakhir: {raised} sinyal "
        f"baru, {closed} ditutup.",
        "",
        "Sinyal terbuka:",
    ]
    for signal in open_:
        body += _line(signal, facilities, today)
    if settings.public_url:
        body += ["", f"Tindak lanjuti di {settings.public_url}/sinyal"]
    body += ["", "Pesan ini dikirim otomatis oleh Posyandu Sync. Data pribadi tidak dicantumkan."]
    message = EmailMessage()
    message["Subject"] = (
        f"Sinyal Posyandu {format_date(today)}: {len(open_)} terbuka, "
        f"{len(overdue)} lewat batas waktu"
    )
    message["From"] = settings.sender
    message["To"] = formataddr((user.name, user.email))
    message["Message-ID"] = make_msgid(domain="posyandu.local")
    message.set_content("\n".join(body))
    return message


def due_for_digest(user: User, today: dt.date, days: int, zone) -> bool:
    """Tell whether the user's last digest is at least ``days`` days old (or never sent)."""
    if user.digest_sent_at is None:
        return True
    sent = user.digest_sent_at
    sent = sent.replace(tzinfo=dt.UTC) if sent.tzinfo is None else sent
    return (today - sent.astimezone(zone).date()).days >= days


def send_digests(
    session, today: dt.date, settings: SmtpSettings, zone, *, force: bool = False
) -> dict:
    """Send each due user's digest; return counts ``{sent, empty, not_due}`` (commits per user)."""
    facilities = FacilityIndex.load(session)
    users = session.execute(
        sa.select(User).where(User.active.is_(True), User.email.is_not(None)).order_by(User.id)
    ).scalars()
    counts = {"sent": 0, "empty": 0, "not_due": 0}
    connection = None
    try:
        for user in list(users):
            if not user.email or not (force or due_for_digest(user, today, settings.days, zone)):
                counts["not_due"] += bool(user.email)
                continue
            message = compose(
                user, user_signals(session, user, facilities), facilities, today, settings
            )
            if message is None:
                counts["empty"] += 1
                continue
            connection = connection or _connect(settings)
            connection.send_message(message)
            user.digest_sent_at = dt.datetime.now(dt.UTC)
            session.commit()
            counts["sent"] += 1
    finally:
        if connection is not None:
            connection.quit()
    return counts


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    connection = smtplib.SMTP(settings.host, settings.port, timeout=30)
    if settings.starttls:
        connection.starttls()
    if settings.user:
        connection.login(settings.user, settings.password)
    return connection
