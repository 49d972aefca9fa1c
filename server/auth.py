"""Passwords, device tokens, sign-in (throttled: server/throttle.py) and the caller's scope."""

from __future__ import annotations

import hashlib
import math
import secrets
import uuid
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, g, has_request_context, request
from werkzeug.security import check_password_hash, generate_password_hash

from server.errors import ApiError
from server.extensions import db, token_auth
from server.models import Device, LoginFailure, User, utcnow
from server.passwords import check_password_policy, hash_slots
from server.scope import FacilityIndex, Scope, UnknownUnit, scope_for
from server.throttle import Throttled, forget, prune, record_attempt, succeeded
from server.web_sessions import end_user_sessions

# Checked against when the username is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("posyandu-sync-dummy-password")


def hash_token(token: str) -> str:
    """Return the stored form of a device token (tokens are 256-bit random: sha256 suffices)."""
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(user: User, password: str) -> None:
    """Store a salted, slow hash of ``password`` (refused by the policy: WeakPassword).

    Changing the password of an existing user ends all it signed in with: its device tokens are
    revoked and its web sessions ended (a stolen password or device stops working).
    """
    check_password_policy(password, user.username or "")
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    changing = user.id is not None and bool(user.password_hash)
    user.password_hash = generate_password_hash(password, method=method)
    if changing:
        session = so.object_session(user) or db.session
        session.execute(
            sa.update(Device)
            .where(Device.user_id == user.id, Device.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        end_user_sessions(session, user.id)


def client_address() -> str:
    """Return the caller's address (the proxy's client with POSYANDU_BEHIND_PROXY)."""
    return ((request.remote_addr if has_request_context() else None) or "-")[:64]


def _throttled(exc: Throttled) -> ApiError:
    seconds = exc.seconds
    message = (
        _message("server.login_throttled_seconds", seconds=seconds)
        if seconds < 120
        else _message("server.login_throttled", minutes=(seconds + 59) // 60)
    )
    return ApiError(
        429,
        "too_many_attempts",
        {"retry_after_seconds": seconds},
        headers={"Retry-After": str(seconds)},
        message=message,
    )


def _password_matches(session, attempt: LoginFailure, hashed: str, password: str) -> bool:
    """Check a password inside one of the app's few hashing slots (503 when none frees up)."""
    slots = hash_slots()
    if not slots.acquire():
        forget(session, attempt)  # not a guess: the password was never checked
        wait = max(1, math.ceil(slots.wait_seconds))
        raise ApiError(
            503,
            "server_busy",
            {"retry_after_seconds": wait},
            headers={"Retry-After": str(wait)},
            message=_message("server.login_busy"),
        )
    try:
        return check_password_hash(hashed, password)
    finally:
        slots.release()


def check_credentials(session, username: str, password: str, address: str | None = None) -> User:
    """Return the user if the password is right; raise ApiError 401, 429 (throttled) or 503."""
    now = utcnow()
    # No account name is longer than the column; a longer one must fail, not overflow it.
    username = username.strip().lower()[:64]
    address = (address or client_address())[:64]
    prune(session, now)
    try:
        attempt = record_attempt(session, username, address, now)
    except Throttled as exc:
        raise _throttled(exc) from None
    user = session.execute(sa.select(User).where(User.username == username)).scalar_one_or_none()
    hashed = user.password_hash if user else _DUMMY_HASH
    if not _password_matches(session, attempt, hashed, password) or not user or not user.active:
        raise ApiError(401, "unauthorized", message=_message("server.login_failed"))
    succeeded(session, username, address, now)
    return user


def login(session, username: str, password: str, device_name: str) -> tuple[User, Device, str]:
    """Check the password and open a device; raise ApiError 401/429. The caller commits."""
    user = check_credentials(session, username, password)
    now = utcnow()
    token = secrets.token_urlsafe(32)
    device = Device(
        id=str(uuid.uuid4()),
        user_id=user.id,
        name=device_name[:200],
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
    )
    session.add(device)
    return user, device, token


def _message(key: str, **params) -> str:
    from server.errors import request_language
    from shared.i18n import t

    return t(key, request_language(), **params)


def user_scope(session, user: User, facilities: FacilityIndex | None = None) -> Scope:
    """Return the user's current scope (recomputed from the registry on every request)."""
    facilities = facilities or FacilityIndex.load(session)
    try:
        return scope_for(user.role, user.unit, facilities)
    except UnknownUnit:
        return Scope(user.role)  # an empty scope: the unit vanished from the registry


# API endpoints anyone may call; every other endpoint under /api/ needs a valid token.
PUBLIC_API_ENDPOINTS = frozenset({"auth.post_login", "api-docs.openapi_json"})


def require_token_first() -> None:
    """Check the token of an API request before its body or query is parsed.

    Without this an anonymous caller would get the request's validation errors (422) before the
    401, and a new endpoint that forgot ``login_required`` would be open; here the API is closed
    by default.
    """
    endpoint = request.endpoint
    if (
        endpoint is None
        or not request.path.startswith("/api/")
        or endpoint in PUBLIC_API_ENDPOINTS
        or request.method == "OPTIONS"
    ):
        return
    if token_auth.authenticate(token_auth.get_auth(), None) in (None, False):
        auth_error(401)


LAST_SEEN_EVERY = timedelta(minutes=1)


@token_auth.verify_token
def verify_token(token: str):
    """Resolve a bearer token to its device and user; revoked or expired tokens fail."""
    checked = request.environ.get("posyandu.token_checked")  # per request, unlike g
    if token and checked is not None and checked[0] == token:
        return checked[1]  # already checked by require_token_first in this request
    g.token_failure = "missing" if not token else "invalid"
    if not token or len(token) > 200:
        return None
    device = db.session.execute(
        sa.select(Device).where(Device.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if device is None:
        return None
    if device.revoked_at is not None or not device.user.active:
        g.token_failure = "revoked"
        return None
    now = utcnow()
    if device.created_at + timedelta(days=current_app.config["TOKEN_MAX_AGE_DAYS"]) < now:
        g.token_failure = "expired"
        return None
    g.token_failure = None
    request.environ["posyandu.token_checked"] = (token, device.user)
    g.device, g.user = device, device.user
    # "Last seen" is for people (the Pengguna page): a write at most once a minute per device,
    # not on every request (a commit with a write cost about 1.4 ms a request under load).
    seen = device.last_seen_at
    if seen is None or not timedelta(0) <= now - seen < LAST_SEEN_EVERY:
        db.session.execute(sa.update(Device).where(Device.id == device.id).values(last_seen_at=now))
    # End the read transaction now: a push must start its own with a write (see server/sync/push.py).
    db.session.commit()
    return device.user


@token_auth.error_handler
def auth_error(status):
    """Answer a missing, revoked or expired token in JSON, saying which it was."""
    reason = g.get("token_failure") or "invalid"
    raise ApiError(
        401 if status == 401 else status,
        "unauthorized",
        {"reason": reason},
        message=_message(f"server.token_{reason}"),
    )
