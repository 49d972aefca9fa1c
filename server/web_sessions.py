"""Server-side web sessions: the cookie holds a random token, the ``web_session`` table its hash.

Flask's signed cookie keeps only that token (and Flask-WTF's CSRF token): no user id, nothing
derived from the password. A session is a row, so signing out deletes it (a cookie copied before
is then worthless), a password change deletes all of the user's rows, and every row expires
after ``WEB_SESSION_HOURS``. The cookie is ``Secure`` whenever the request came over HTTPS
(behind a proxy: ``POSYANDU_BEHIND_PROXY``, see README).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

from server.models import User, WebSession, utcnow

SESSION_KEY = "sid"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its cookie marked Secure on HTTPS requests."""

    def get_cookie_secure(self, app) -> bool:
        configured = bool(app.config.get("SESSION_COOKIE_SECURE"))
        return configured or (has_request_context() and request.is_secure)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session, user: User) -> str:
    """Start a web session for ``user``; return the token to keep in the cookie."""
    now = utcnow()
    session.execute(sa.delete(WebSession).where(WebSession.expires_at <= now))  # prune
    token = secrets.token_urlsafe(32)
    hours = current_app.config["WEB_SESSION_HOURS"]
    session.add(
        WebSession(
            id=_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def session_user(session, token) -> User | None:
    """Return the active user of a live web session token, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    row = session.get(WebSession, _hash(token))
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def end_session(session, token) -> None:
    """End one web session (sign-out)."""
    if isinstance(token, str) and len(token) <= 100:
        session.execute(sa.delete(WebSession).where(WebSession.id == _hash(token)))


def end_user_sessions(session, user_id: int) -> int:
    """End every web session of a user (password changed); return how many."""
    result = session.execute(sa.delete(WebSession).where(WebSession.user_id == user_id))
    return result.rowcount or 0
