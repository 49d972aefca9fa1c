"""Reads from a streaming replica (issue #19): ``DATABASE_READ_URL``.

Several stateless app processes write to one PostgreSQL primary (``DATABASE_URL``); the pull
pages (``GET /api/v1/sync/pull`` and ``/ids``) and the Pokjanal pages and exports (every GET of
the ``web`` blueprint, ``route_web_reads``) read from a hot-standby replica when
``DATABASE_READ_URL`` is set, so a province's downloads and dashboards do not load the primary. The replica is a
consistent snapshot that may lag: a page read there is simply an older page (its cursor never
passes a position the replica has not replayed, ``pull.py``), and the device's next pull carries on.
What a device must see at once (the answers to its own push) comes from the primary.

When ``DATABASE_READ_URL`` is unset, or the replica does not answer, reads fall back to the
primary (``db.session``); a fallback is logged once per failure, and the replica is left alone
for ``DOWN_SECONDS`` so that a replica that hangs does not cost every page a connect timeout.
Everything that writes, or must read what was just written (every POST, the sign-in and session
check before the page), keeps using the primary: ``extensions.ReadRoutingSession`` sends a flush or a DML
statement to the primary even inside a routed GET.

A Pokjanal page read on the replica notes how old its data is when the replica is more than
``REPLICA_LAG_NOTE_SECONDS`` (60) behind (``replica_lag_seconds``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app, g, request, session
from sqlalchemy.orm import Session

from server.extensions import db

READ_ENGINE = "posyandu_read_engine"
DOWN_UNTIL = "posyandu_read_down_until"
CONNECT_TIMEOUT_SECONDS = 3  # a replica that is down must not hold a pull for long
DOWN_SECONDS = 30  # after a failure, read from the primary this long before trying again
LAG_NOTE_SECONDS = 60
WRITTEN_AT = "wal"  # the web session's key: the primary's WAL position after the user's last form


def read_url(app) -> str | None:
    """Return the replica's URL (``DATABASE_READ_URL`` in the config or the environment)."""
    return app.config.get("DATABASE_READ_URL") or os.environ.get("DATABASE_READ_URL") or None


def read_engine(app) -> sa.Engine | None:
    """Return the app's replica engine (made once), or None when no replica is configured."""
    url = read_url(app)
    if not url:
        return None
    engine = app.extensions.get(READ_ENGINE)
    if engine is None:
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.update(pool_pre_ping=True, hide_parameters=True)
        if url.startswith("postgresql"):
            options["connect_args"] = {
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                # a standby refuses writes anyway; this also keeps a misconfigured primary safe
                "options": "-c default_transaction_read_only=on",
            }
        engine = app.extensions[READ_ENGINE] = sa.create_engine(url, **options)
    return engine


def _replica_down(app) -> bool:
    return app.extensions.get(DOWN_UNTIL, 0.0) > time.monotonic()


def _mark_down(app) -> None:
    app.extensions[DOWN_UNTIL] = time.monotonic() + DOWN_SECONDS
    app.logger.warning("read replica unreachable: reading from the primary")


def _open(engine: sa.Engine) -> Session | None:
    """Return a session on the replica, connected; None (logged) when it does not answer."""
    if _replica_down(current_app):
        return None
    session = Session(bind=engine)
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError:
        session.close()
        _mark_down(current_app)
        return None
    return session


@contextmanager
def read_session() -> Iterator:
    """Yield the session reads should use: the replica's, or the primary's (see above)."""
    engine = read_engine(current_app)
    session = _open(engine) if engine is not None else None
    if session is None:
        yield db.session
        return
    try:
        yield session
    finally:
        session.close()


# The replica's age is measured against the primary's WAL, not a heartbeat row: no table, no
# writer, and no false alarm when the province is quiet. A standby that has replayed everything
# the primary had flushed when the page began is current (0), however old its last transaction;
# otherwise its data is at most as old as the last transaction it replayed (an upper bound: in
# the milliseconds a fresh commit takes to arrive, the age shown is that of the commit before).
PRIMARY_POSITION = "SELECT CAST(pg_current_wal_flush_lsn() AS text)"
REPLICA_STATE = (
    "SELECT pg_is_in_recovery(), CAST(pg_last_wal_replay_lsn() AS text), "
    "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)


def _dialect(connectable) -> str:
    bind = connectable if isinstance(connectable, sa.Connection) else connectable.get_bind()
    return bind.dialect.name


def _lsn(text: str | None) -> int:
    """Return a WAL position (``16/B374D848``) as a number."""
    high, _, low = (text or "0/0").partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def primary_position(primary) -> int | None:
    """Return the primary's flushed WAL position (None when it is not PostgreSQL)."""
    if _dialect(primary) != "postgresql":
        return None
    return _lsn(primary.execute(sa.text(PRIMARY_POSITION)).scalar())


def replica_state(replica, primary) -> tuple[float | None, int | None]:
    """Return (seconds behind the primary, replayed WAL position) of a standby, or (None, None).

    The primary is asked first, so a standby that has replayed that position holds everything
    committed before the call.
    """
    position = primary_position(primary)
    if position is None or _dialect(replica) != "postgresql":
        return None, None
    standby, replayed, age = replica.execute(sa.text(REPLICA_STATE)).one()
    if not standby:
        return None, None
    replayed = _lsn(replayed)
    if replayed >= position:
        return 0.0, replayed
    return (None if age is None else max(0.0, float(age))), replayed


def replica_lag_seconds(replica, primary) -> float | None:
    """Return how far a PostgreSQL standby's data is behind its primary (None: not measurable)."""
    return replica_state(replica, primary)[0]


# -- the Pokjanal pages ----------------------------------------------------------------------------


def route_web_reads() -> None:
    """Before a Pokjanal GET: read it from the replica (and measure its lag), if one answers.

    Runs after the session check (which reads the primary: a sign-in just made must count). A
    user whose form wrote to the primary reads the primary until the replica has replayed that
    write (``remember_web_write``), so the page after a saved form shows what was saved.
    """
    g.read_engine, g.replica_lag = None, None
    if request.method not in ("GET", "HEAD") or g.get("web_user") is None:
        return  # a form's request, or nothing to read yet (sign-in page, static files)
    engine = read_engine(current_app)
    if engine is None or _replica_down(current_app):
        return
    try:
        with engine.connect() as replica:
            g.replica_lag, replayed = replica_state(replica, db.session)
    except sa.exc.DBAPIError:
        db.session.rollback()
        _mark_down(current_app)
        return
    written = session.get(WRITTEN_AT)
    if written is not None and replayed is not None and replayed < written:
        g.replica_lag = None  # this page reads the primary
        return
    session.pop(WRITTEN_AT, None)
    g.read_engine = engine


def remember_web_write(response):
    """After a Pokjanal form (POST), keep the primary's WAL position in the user's session."""
    signing = request.endpoint in ("web.login", "web.logout")  # writes no page shows
    if request.method == "POST" and not signing and read_engine(current_app) is not None:
        try:
            position = primary_position(db.session)
        except sa.exc.DBAPIError:
            db.session.rollback()
            position = None
        if position is not None:
            session[WRITTEN_AT] = position
    return response


def end_web_reads(_exc=None) -> None:
    """After a Pokjanal request: later work in the same app context reads the primary again."""
    g.pop("read_engine", None)


def stale_minutes() -> int | None:
    """Return the minutes this page's data lags the primary, when past the note's threshold."""
    lag = g.get("replica_lag")
    limit = current_app.config.get("REPLICA_LAG_NOTE_SECONDS", LAG_NOTE_SECONDS)
    if lag is None or lag <= limit:
        return None
    return max(1, int(lag // 60))
