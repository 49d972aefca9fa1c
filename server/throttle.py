"""Sign-in throttling per client address and per username, with growing delays.

Every failed sign-in is a ``login_failure`` row (username, client address, time), kept for
``LOGIN_WINDOW_SECONDS`` and then pruned. The rule (README, "Sign-in throttling"):

* one address: its first ``LOGIN_MAX_FAILURES`` failures in the window are free; after that
  each attempt from it must come at least 1, 2, 4, 8... seconds after its previous failure
  (doubling, at most ``LOGIN_MAX_DELAY_SECONDS``), whatever the username;
* one username: the same, counted over every address, but the wait is at most
  ``LOGIN_USER_MAX_DELAY_SECONDS``, and it does not apply at all from an address the user
  signed in from in the last ``LOGIN_KNOWN_ADDRESS_DAYS`` days. A guesser spread over many
  addresses gets about one guess per username and minute; nobody can lock a user out of the
  address they work from.

An attempt is recorded (committed) before it is counted, so concurrent attempts see each
other; an attempt refused here is removed again (it does not lengthen the wait) and its
password is never checked (no hashing cost).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from server.models import LoginAddress, LoginFailure


@dataclass(frozen=True)
class Throttled(Exception):
    """The attempt must wait ``seconds`` more."""

    seconds: int


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def is_known_address(session, username: str, address: str, now: datetime) -> bool:
    """Tell whether ``username`` signed in from ``address`` recently."""
    since = now - timedelta(days=current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"])
    found = session.execute(
        sa.select(LoginAddress.id)
        .where(
            LoginAddress.username == username,
            LoginAddress.address == address,
            LoginAddress.at > since,
        )
        .limit(1)
    ).first()
    return found is not None


def _wait(session, condition, attempt: LoginFailure, now: datetime, cap: int) -> float:
    """Seconds this attempt must still wait under one counter (0: it may go on)."""
    earlier = session.execute(
        sa.select(LoginFailure.at)
        .where(condition, LoginFailure.at > now - _window(), LoginFailure.id < attempt.id)
        .order_by(LoginFailure.id)
    ).scalars()
    times = list(earlier)
    over = len(times) - current_app.config["LOGIN_MAX_FAILURES"]
    if over < 0:
        return 0.0
    delay = min(cap, 2**over)
    return max(0.0, (max(times) + timedelta(seconds=delay) - now).total_seconds())


def record_attempt(session, username: str, address: str, now: datetime) -> LoginFailure:
    """Record an attempt, then refuse it (Throttled) if it comes too soon; return its row.

    The row stays as a failure unless :func:`succeeded` removes it.
    """
    attempt = LoginFailure(username=username, address=address, at=now)
    session.add(attempt)
    session.commit()
    config = current_app.config
    counters = [(LoginFailure.address == address, config["LOGIN_MAX_DELAY_SECONDS"])]
    if not is_known_address(session, username, address, now):
        counters.append((LoginFailure.username == username, config["LOGIN_USER_MAX_DELAY_SECONDS"]))
    wait = max(_wait(session, condition, attempt, now, cap) for condition, cap in counters)
    if wait > 0:
        forget(session, attempt)
        raise Throttled(max(1, math.ceil(wait)))
    return attempt


def forget(session, attempt: LoginFailure) -> None:
    """Remove an attempt that was not a real guess (refused, or never checked)."""
    session.execute(sa.delete(LoginFailure).where(LoginFailure.id == attempt.id))
    session.commit()


def succeeded(session, username: str, address: str, now: datetime) -> None:
    """Clear this address's failures on the username and remember the address as known."""
    session.execute(
        sa.delete(LoginFailure).where(
            LoginFailure.username == username, LoginFailure.address == address
        )
    )
    updated = session.execute(
        sa.update(LoginAddress)
        .where(LoginAddress.username == username, LoginAddress.address == address)
        .values(at=now)
    )
    if not updated.rowcount:
        session.add(LoginAddress(username=username, address=address, at=now))
    keep = timedelta(days=current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"])
    session.execute(sa.delete(LoginAddress).where(LoginAddress.at < now - keep))


def prune(session, now: datetime) -> None:
    """Delete failures older than the window (nothing counts them any more)."""
    session.execute(sa.delete(LoginFailure).where(LoginFailure.at <= now - _window()))
