"""Database models (SQLAlchemy 2 style).

Every synced record, whatever its kind, is one row of ``record``: the whole record as JSON in
``fields``, the per-field merge metadata in ``field_meta`` and the scope keys copied into indexed
columns so that scope filters and pulls are plain indexed queries. ``change_seq`` is the record's
position in the commit-ordered change log that pull pages through.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from server.extensions import db
from server.indicators.week import event_date_of


def utcnow() -> datetime:
    """Return the current UTC time (timezone-aware)."""
    return datetime.now(UTC)


class UtcDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class SyncCounter(db.Model):
    """The single-row counter that hands out change-log positions inside writing transactions."""

    __tablename__ = "sync_counter"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    # The compaction horizon: tombstones at or below it may be gone (server/sync/compaction.py),
    # so a cursor below it cannot be continued and its device downloads its scope afresh.
    horizon: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")


class Record(db.Model):
    """One synced record of any kind, with its merge metadata and scope keys."""

    __tablename__ = "record"
    # A pull walks one of these per scope branch, in change order (see pull._page).
    __table_args__ = tuple(
        sa.Index(f"ix_record_{column}_change_seq", column, "change_seq")
        for column in ("posyandu_id", "desa_code", "kecamatan_code", "puskesmas_id", "kind")
    ) + (
        sa.Index("ix_record_kind_event_date", "kind", "event_date"),
        sa.Index("ix_record_kind_quality_flag", "kind", "quality_flag", "updated_at"),
        sa.Index("ix_record_posyandu_id_kind", "posyandu_id", "kind"),  # a posyandu's balita
    )
    id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    version: so.Mapped[int] = so.mapped_column(sa.Integer)
    deleted: so.Mapped[bool] = so.mapped_column(default=False)
    fields: so.Mapped[dict] = so.mapped_column(sa.JSON)
    # {field: [version, hlc, device_id]} for every client-writable field, plus "_deleted".
    field_meta: so.Mapped[dict] = so.mapped_column(sa.JSON)
    posyandu_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    desa_code: so.Mapped[str | None] = so.mapped_column(sa.String(10), index=True)
    kecamatan_code: so.Mapped[str | None] = so.mapped_column(sa.String(6), index=True)
    puskesmas_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    person_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    # NULL only inside the writing transaction, until positions are allocated just before commit.
    change_seq: so.Mapped[int | None] = so.mapped_column(sa.BigInteger, unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    # The day it counts on in weekly figures (server/indicators/week.py), from ``fields``.
    event_date: so.Mapped[date | None] = so.mapped_column(sa.Date)
    # A visit Mutu data lists (an implausible value, or re-measured and kept), from ``fields``.
    quality_flag: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    @classmethod
    def unsaved(cls, **columns) -> Record:
        """Return a new row built without attribute events, for a change set's new rows (inserted
        with Core, then attached as stored: ``ChangeSet._insert_new``). The events of a dozen
        attribute sets were a twentieth of a bulk push. ``columns`` holds every column but
        ``event_date`` and ``quality_flag``, which follow ``fields`` here as on every assignment.
        """
        row = sa.inspect(cls).class_manager.new_instance()
        row.__dict__.update(
            columns,
            event_date=event_date_of(columns["kind"], columns["fields"]),
            quality_flag=quality_flag_of(columns["kind"], columns["fields"]),
        )
        return row

    @so.validates("fields")
    def _keep_event_date(self, _key: str, fields: dict) -> dict:
        """Keep ``event_date`` and ``quality_flag`` with every assignment of ``fields``
        (whoever writes the record)."""
        self.event_date = event_date_of(self.kind, fields)
        self.quality_flag = quality_flag_of(self.kind, fields)
        return fields


def implausible_flags(fields: dict) -> list:
    """Return a visit's implausible-value flags (``implausible_*``)."""
    return [flag for flag in fields.get("flags") or [] if str(flag).startswith("implausible_")]


def quality_flag_of(kind: str | None, fields: dict | None) -> bool:
    """Tell whether a record belongs in Mutu data's table: a child visit with an implausible
    value, or one whose value the kader re-measured and kept (``remeasured``)."""
    if kind != "child_visit" or not isinstance(fields, dict):
        return False
    return bool(implausible_flags(fields)) or fields.get("remeasured") is True


class User(db.Model):
    """A person who signs in: kader, bidan desa, puskesmas, kecamatan, dinas or admin."""

    __tablename__ = "user"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    # A facility id (posyandu, puskesmas, dinkes) or a wilayah code (desa, kecamatan, kabupaten).
    unit: so.Mapped[str] = so.mapped_column(sa.String(64))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    # The signal digest (server/signals/digest.py): where it goes, and when it last went.
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    digest_sent_at: so.Mapped[datetime | None] = so.mapped_column(UtcDateTime)
    devices: so.WriteOnlyMapped[Device] = so.relationship(back_populates="user")


class Device(db.Model):
    """A signed-in device: its hashed token, its push position and its clock health."""

    __tablename__ = "device"
    id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    last_seq: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    # Every seq at or below it has been answered to the device (it sent a batch, or a bundle,
    # starting above it): replay detection no longer needs those mutation-log rows.
    acked_seq: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0, server_default="0")
    # The last pull cursor the device showed it holds (sent on a pull or in its bundle): the
    # changes it has, where a bundle for it starts (server/sync/bundle.py).
    delivered_cursor: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: so.Mapped[datetime | None] = so.mapped_column(UtcDateTime)
    last_push_at: so.Mapped[datetime | None] = so.mapped_column(UtcDateTime)
    last_pull_at: so.Mapped[datetime | None] = so.mapped_column(UtcDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UtcDateTime)
    clock_skew_ms: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    clock_flagged: so.Mapped[bool] = so.mapped_column(default=False)
    user: so.Mapped[User] = so.relationship(back_populates="devices")


class MutationLog(db.Model):
    """Append-only audit trail of every pushed mutation and its outcome."""

    __tablename__ = "mutation_log"
    __table_args__ = (sa.UniqueConstraint("device_id", "seq", name="uq_mutation_log_device_seq"),)
    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    device_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    user_id: so.Mapped[int | None] = so.mapped_column(sa.Integer)
    # the kader the device named as the change's author (several kader on one laptop): the
    # device's attestation, checked against that user's scope, not a proof; None: not named
    # (an older client), the device's user (user_id) made it
    author_user_id: so.Mapped[int | None] = so.mapped_column(sa.Integer)
    seq: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    record_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(64))
    op: so.Mapped[str] = so.mapped_column(sa.String(16))
    base_version: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    fields: so.Mapped[dict] = so.mapped_column(sa.JSON)
    hlc: so.Mapped[str] = so.mapped_column(sa.String(128))
    device_time: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    received_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    result_version: so.Mapped[int | None] = so.mapped_column(sa.Integer)
    errors: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    conflicts: so.Mapped[list | None] = so.mapped_column(sa.JSON)
    # a refusal's code (period_locked, merged...) and its details, answered again on a replay
    code: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    code_details: so.Mapped[dict | None] = so.mapped_column(sa.JSON)


class Conflict(db.Model):
    """A same-field concurrent edit: the applied winner and the losing value kept for review."""

    __tablename__ = "conflict"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    record_id: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    field: so.Mapped[str] = so.mapped_column(sa.String(64))
    winner_value: so.Mapped[object] = so.mapped_column(sa.JSON, nullable=True)
    loser_value: so.Mapped[object] = so.mapped_column(sa.JSON, nullable=True)
    winner_hlc: so.Mapped[str] = so.mapped_column(sa.String(128))
    loser_hlc: so.Mapped[str] = so.mapped_column(sa.String(128))
    winner_device: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    loser_device: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    loser_user: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    mutation_id: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    posyandu_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    desa_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    kecamatan_code: so.Mapped[str | None] = so.mapped_column(sa.String(6), index=True)
    puskesmas_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="open", index=True)
    resolved_by: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UtcDateTime)
    resolution: so.Mapped[str | None] = so.mapped_column(sa.String(16))


class ConflictEvent(db.Model):
    """One reviewer's action on a conflict, kept for the audit: resolved (with the value chosen) or
    reopened. A conflict row holds only its current state; this is how it got there."""

    __tablename__ = "conflict_event"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    conflict_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("conflict.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(16))  # resolved | reopened
    # For "resolved": which value now stands (winner | loser), that value and the one set aside.
    choice: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    kept_value: so.Mapped[object] = so.mapped_column(sa.JSON, nullable=True)
    other_value: so.Mapped[object] = so.mapped_column(sa.JSON, nullable=True)
    actor: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)


class LoginFailure(db.Model):
    """A failed login, counted per username and per client address to throttle guessing."""

    __tablename__ = "login_failure"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    address: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow, index=True)


class LoginAddress(db.Model):
    """An address a user signed in from: exempt from the username's throttle (see server/throttle.py)."""

    __tablename__ = "login_address"
    __table_args__ = (sa.Index("ix_login_address_username_address", "username", "address"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64))
    address: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow, index=True)


class WebSession(db.Model):
    """A signed-in web session: the cookie holds a random token, this row its hash (revocable)."""

    __tablename__ = "web_session"
    id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)  # sha256 of the token
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, index=True)


class IndicatorMonth(db.Model):
    """One posyandu's indicators for one month (server/indicators/refresh.py keeps it current on write).

    ``values`` is ``{key: [numerator, denominator]}`` from ``shared.indicators.month_indicators``;
    ``counts`` the SKDN counts; ``extra`` immunisations by antigen and vitamin A capsules given.
    A desa's births, deaths and ODF status live in rows keyed ``posyandu_id = "desa:<code>"``
    (only ``extra`` filled), so one table holds every monthly aggregate.
    """

    __tablename__ = "indicator_month"
    posyandu_id: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    period: so.Mapped[str] = so.mapped_column(sa.String(7), primary_key=True, index=True)
    values: so.Mapped[dict] = so.mapped_column(sa.JSON)
    counts: so.Mapped[dict] = so.mapped_column(sa.JSON)
    extra: so.Mapped[dict] = so.mapped_column(sa.JSON)
    computed_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)


class PaperCount(db.Model):
    """The paper register's counts of one posyandu-month, entered by the puskesmas beside the
    app's (issue #16, ``server/web/rekonsiliasi.py``): S, K, D, N and the weighings on paper."""

    __tablename__ = "paper_count"
    posyandu_id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    period: so.Mapped[str] = so.mapped_column(sa.String(7), primary_key=True, index=True)
    s: so.Mapped[int] = so.mapped_column(sa.Integer)
    k: so.Mapped[int] = so.mapped_column(sa.Integer)
    d: so.Mapped[int] = so.mapped_column(sa.Integer)
    n: so.Mapped[int] = so.mapped_column(sa.Integer)
    weighings: so.Mapped[int] = so.mapped_column(sa.Integer)
    entered_by: so.Mapped[str] = so.mapped_column(sa.String(64))
    entered_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)


class SasaranProyeksi(db.Model):
    """The projected number of balita (sasaran proyeksi) of one desa and year, set by the
    puskesmas or the dinas on /rekonsiliasi or loaded from a CSV, with its source (issue #16,
    ``server/web/rekonsiliasi_sasaran.py``)."""

    __tablename__ = "sasaran_proyeksi"
    desa_code: so.Mapped[str] = so.mapped_column(sa.String(10), primary_key=True)
    year: so.Mapped[int] = so.mapped_column(sa.Integer, primary_key=True, index=True)
    balita: so.Mapped[int] = so.mapped_column(sa.Integer)
    source: so.Mapped[str] = so.mapped_column(sa.String(300))
    entered_by: so.Mapped[str] = so.mapped_column(sa.String(64))
    entered_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)


class HariBuka(db.Model):
    """A posyandu's stored hari buka: the day of the month it opens ("tanggal N setiap bulan"),
    set by its puskesmas (issue #16, ``server/web/hari_buka.py``). Without a row, Evaluasi
    mingguan and Rekonsiliasi infer it from the posyandu's sessions."""

    __tablename__ = "hari_buka"
    posyandu_id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    day: so.Mapped[int] = so.mapped_column(sa.Integer)
    entered_by: so.Mapped[str] = so.mapped_column(sa.String(64))
    entered_at: so.Mapped[datetime] = so.mapped_column(UtcDateTime, default=utcnow)


class WeighingDay(db.Model):
    """The app's weighings (child visits with a weight) of one posyandu on one day, kept on write
    (``server/indicators/weighing_day.py``): Rekonsiliasi reads a month of them, a few thousand
    small rows, instead of every visit of the month's JSON."""

    __tablename__ = "weighing_day"
    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    posyandu_id: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    weighings: so.Mapped[int] = so.mapped_column(sa.Integer)
