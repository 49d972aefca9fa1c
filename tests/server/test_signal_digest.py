"""The e-mail digest, received by a real SMTP server (aiosmtpd on loopback), per user's scope."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import socket

import pytest

from server.signals.evaluate import month_of, signal_id
from tests.web.conftest import ARTIFACTS
from tests.web.test_sinyal import world_items

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

TODAY = dt.date.today()
MATERNAL = signal_id("maternal_death", "PSY-A1", month_of(TODAY))
SILENT = signal_id("posyandu_silent", "PSY-A2", month_of(TODAY))
GIZI = signal_id("gizi_buruk_no_follow_up", "PSY-B1", month_of(TODAY - dt.timedelta(days=10)))
EMAILS = {
    "kader_a2": "kader.a2@example.id",  # A2 only: its one signal is closed → nothing
    "pkm_a": "pkm.a@example.id",  # A1 + A2: the maternal death open, A2 closed
    "pkm_b": "pkm.b@example.id",  # B1: the gizi buruk case, overdue
    "dinas": "dinas@example.id",  # everything: 2 open, 1 overdue
}


class Inbox:
    """An aiosmtpd handler keeping every message; refuses the addresses in ``refuse``."""

    def __init__(self):
        self.messages: list = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch):
    handler = Inbox()
    port = free_port()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("POSYANDU_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("POSYANDU_SMTP_PORT", str(port))
    monkeypatch.setenv("POSYANDU_MAIL_FROM", "sinyal@dinkes.example.id")
    monkeypatch.setenv("POSYANDU_PUBLIC_URL", "https://posyandu.example.id")
    monkeypatch.delenv("POSYANDU_DIGEST_DAYS", raising=False)
    yield handler
    controller.stop()


@pytest.fixture
def signalled(app, world):
    """Three signals (maternal death A1, A2 silent, gizi buruk B1); A2's closed, B1's overdue."""
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import Record, User
    from server.reference import write_records
    from server.signals import evaluate

    with app.app_context():
        assert not write_records(db.session, world_items()).rejected
        assert evaluate(db.session, TODAY) == 3
        silent = dict(db.session.get(Record, SILENT).fields)
        silent.update(status="closed", closed_on=TODAY.isoformat(), note="sudah buka lagi")
        gizi = dict(db.session.get(Record, GIZI).fields)
        gizi["due_date"] = (TODAY - dt.timedelta(days=1)).isoformat()
        assert not write_records(db.session, [("signal", silent), ("signal", gizi)]).rejected
        for username, address in EMAILS.items():
            user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one()
            user.email = address
        db.session.commit()
    return app


def digest(app, *args):
    from server.signals.cli import signals_cli

    return app.test_cli_runner().invoke(signals_cli, ["digest", *args])


def test_each_user_gets_the_open_signals_of_their_scope(signalled, inbox):
    result = digest(signalled)
    assert result.exit_code == 0, result.output
    assert "ringkasan terkirim: 3, tanpa sinyal terbuka: 1" in result.output
    assert inbox.to(EMAILS["kader_a2"]) == []

    (dinas,) = inbox.to(EMAILS["dinas"])
    assert dinas["From"] == "sinyal@dinkes.example.id"
    assert dinas["Subject"].endswith(": 2 terbuka, 1 lewat batas waktu")
    text = dinas.get_content()
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(os.path.join(ARTIFACTS, "digest-dinas.eml"), "wb") as handle:
        handle.write(dinas.as_bytes())
    assert "Kematian ibu · Posyandu Melati · Puskesmas Sukadana" in text
    overdue_line = "LEWAT BATAS WAKTU · Gizi buruk tanpa tindak lanjut · Posyandu Anggrek"
    assert overdue_line in text
    assert text.index(overdue_line) < text.index("Kematian ibu")  # overdue first
    assert "Posyandu tanpa kegiatan" not in text  # closed
    assert "https://posyandu.example.id/sinyal" in text
    assert TODAY.strftime("%d/%m/%Y") in text and TODAY.isoformat() not in text

    (pkm_a,) = inbox.to(EMAILS["pkm_a"])
    text = pkm_a.get_content()
    assert "Kematian ibu" in text and "Gizi buruk" not in text
    assert "1 terbuka, 0 lewat batas waktu" in text and "1 ditutup" in text
    (pkm_b,) = inbox.to(EMAILS["pkm_b"])
    assert "Gizi buruk" in pkm_b.get_content() and "Kematian ibu" not in pkm_b.get_content()


def test_one_digest_per_window_unless_forced(signalled, inbox, monkeypatch):
    assert digest(signalled).exit_code == 0
    assert len(inbox.messages) == 3
    result = digest(signalled)
    assert "ringkasan terkirim: 0" in result.output and "belum waktunya: 3" in result.output
    assert len(inbox.messages) == 3
    assert "ringkasan terkirim: 3" in digest(signalled, "--force").output
    assert len(inbox.messages) == 6


def test_a_refused_recipient_stops_the_run_and_the_rest_go_next_time(signalled, inbox):
    inbox.refuse.add(EMAILS["pkm_b"])
    result = digest(signalled)
    assert result.exit_code == 1
    assert "Pengiriman ringkasan gagal" in result.output
    # users go in id order: pkm_a before pkm_b before dinas
    assert [rcpt for rcpt, _ in inbox.messages] == [[EMAILS["pkm_a"]]]
    inbox.refuse.clear()
    assert "ringkasan terkirim: 2" in digest(signalled).output
    assert len(inbox.to(EMAILS["pkm_a"])) == 1  # not sent twice
    assert len(inbox.to(EMAILS["pkm_b"])) == len(inbox.to(EMAILS["dinas"])) == 1


def test_no_smtp_server_is_a_clear_error(signalled, monkeypatch):
    monkeypatch.delenv("POSYANDU_SMTP_HOST", raising=False)
    result = digest(signalled)
    assert result.exit_code == 2
    assert "POSYANDU_SMTP_HOST" in result.output


def test_setting_an_address(signalled):
    import sqlalchemy as sa

    from server.extensions import db
    from server.models import User
    from server.signals.cli import signals_cli

    runner = signalled.test_cli_runner()
    bad = runner.invoke(signals_cli, ["email", "bidan_a", "bukan alamat"])
    assert bad.exit_code == 2 and "Alamat e-mail tidak sah" in bad.output
    assert runner.invoke(signals_cli, ["email", "siapa", "a@b.id"]).exit_code == 2
    assert runner.invoke(signals_cli, ["email", "bidan_a", "bidan@desa.id"]).exit_code == 0
    with signalled.app_context():
        user = db.session.execute(sa.select(User).where(User.username == "bidan_a")).scalar_one()
        assert user.email == "bidan@desa.id"
    assert runner.invoke(signals_cli, ["email", "bidan_a", "-"]).exit_code == 0
    with signalled.app_context():
        user = db.session.execute(sa.select(User).where(User.username == "bidan_a")).scalar_one()
        assert user.email is None
