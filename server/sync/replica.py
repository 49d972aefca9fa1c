"""Reads from a streaming replica (issue #19): ``DATABASE_READ_URL``.

Several stateless app processes write to one PostgreSQL primary (``DATABASE_URL``); the pull
pages (``GET /api/v1/sync/pull`` and ``/ids``) read from a hot-standby replica when
``DATABASE_READ_URL`` is set, so a province's downloads do not load the primary. The replica is a
consistent snapshot that may lag: a page read there is simply an older page (its cursor never
passes a position the replica has not replayed, ``pull.py``), and the device's next pull carries on.
What a device must see at once (the answers to its own push) comes from the primary.

When ``DATABASE_READ_URL`` is unset, or the replica does not answer, reads fall back to the
primary (``db.session``); a fallback is logged once per failure. Everything that writes, or must
read what was just written, keeps using ``db.session``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from server.extensions import db

READ_ENGINE = "posyandu_read_engine"
CONNECT_TIMEOUT_SECONDS = 3  # a replica that is down must not hold a pull for long


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


def _open(engine: sa.Engine) -> Session | None:
    """Return a session on the replica, connected; None (logged) when it does not answer."""
    session = Session(bind=engine)
    try:
        session.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError:
        session.close()
        current_app.logger.warning("read replica unreachable: reading from the primary")
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


def replica_lag_seconds(session) -> float | None:
    """Return how far a PostgreSQL standby's data is behind the primary (None: not a standby)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    lag = session.execute(
        sa.text(
            "SELECT CASE WHEN pg_is_in_recovery() THEN "
            "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
    ).scalar()
    return None if lag is None else float(lag)
