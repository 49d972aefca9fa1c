"""Who may talk to the local app: the launch token, and the kader's PIN.

The app listens on 127.0.0.1 only, but other programs on the same computer (and web pages in the
kader's browser) can reach that port. Every request must therefore carry the per-launch secret:
the ``X-Launch-Token`` header, or the cookie that opening the launch URL (``/?launch=<token>``)
sets. Pages additionally need the PIN to be unlocked in this browser session. A request carrying
the header is an automation client started with the secret and needs no PIN.
"""

from __future__ import annotations

import hmac
import secrets
import time
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from shared.i18n import t

LAUNCH_COOKIE = "posyandu_launch"
LAUNCH_HEADER = "X-Launch-Token"
PIN_MIN, PIN_MAX = 4, 8
MAX_PIN_FAILURES = 5
PIN_LOCK_SECONDS = 30
OPEN_ENDPOINTS = frozenset({"static"})
# Names the app may be reached by: it listens on 127.0.0.1 only. Any other Host header is a page
# of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def new_launch_token() -> str:
    """Return a fresh per-launch secret."""
    return secrets.token_urlsafe(32)


def _matches(supplied: str | None) -> bool:
    expected = current_app.config["LAUNCH_TOKEN"]
    return bool(supplied) and hmac.compare_digest(str(supplied).encode(), expected.encode())


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _error(code: str, status: int):
    lang = g.get("lang", "id")
    message = t(f"client.error.{code}", lang)
    if _is_api():
        return jsonify({"error": {"code": code, "message": message, "details": {}}}), status
    return render_template("blocked.html", message=message), status


def _split_host(value: str) -> tuple[str, str]:
    """Split ``host[:port]`` into lower-case name and port ('' when absent)."""
    name, separator, port = value.strip().lower().rpartition(":")
    return (name, port) if separator else (port, "")


def check_host_and_origin():
    """Refuse a foreign Host (DNS rebinding) and cross-site writes (Origin, Sec-Fetch-Site)."""
    host = request.environ.get("HTTP_HOST", "")
    name, port = _split_host(host)
    if name not in LOOPBACK_HOSTS or (port and not port.isdigit()):
        return _error("bad_host", 403)
    if request.method not in WRITE_METHODS:
        return None
    if request.headers.get("Sec-Fetch-Site", "").lower() in ("cross-site", "same-site"):
        return _error("cross_origin", 403)
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        if (
            parts.scheme != "http"
            or (parts.hostname or "") not in LOOPBACK_HOSTS
            or str(parts.port or "") != port
        ):
            return _error("cross_origin", 403)
    return None


def check_launch_token():
    """Refuse any request without the launch secret; turn a launch URL into a cookie."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    launch = request.args.get("launch")
    if launch is not None and request.method == "GET" and _matches(launch):
        args = {k: v for k, v in request.args.items(multi=False) if k != "launch"}
        response = redirect(request.path + (f"?{urlencode(args)}" if args else ""))
        response.set_cookie(LAUNCH_COOKIE, launch, httponly=True, samesite="Strict", path="/")
        return response
    header = request.headers.get(LAUNCH_HEADER)
    g.via_header = _matches(header)
    if g.via_header:
        return None
    if not _matches(request.cookies.get(LAUNCH_COOKIE)):
        return _error("launch_token", 403)
    if request.method in WRITE_METHODS and _is_api() and not request.is_json:
        # A cross-site form cannot send JSON without a preflight: refuse anything else.
        return _error("json_required", 415)
    return None


def require_unlocked():
    """Send a browser that has not unlocked with the PIN to sign-in, PIN setup or unlock."""
    if request.endpoint in OPEN_ENDPOINTS or g.get("via_header"):
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith("auth.") or endpoint == "pages.set_language":
        return None
    store = current_app.extensions["posyandu"].store
    if session.get("unlocked") == store.get_meta("device_uuid"):
        return None
    if _is_api():
        return _error("locked", 401)
    if not store.get_meta("token") and not store.get_meta("pin_hash"):
        return redirect("/setup")
    if not store.get_meta("pin_hash"):
        return redirect("/pin")
    return redirect("/unlock?" + urlencode({"next": request.full_path.rstrip("?")}))


def valid_pin(pin: str) -> bool:
    """Tell whether ``pin`` is 4–8 digits."""
    return pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX


def set_pin(store, pin: str) -> None:
    """Store the PIN's hash (never the PIN)."""
    store.set_meta(pin_hash=generate_password_hash(pin), pin_failures=0, pin_locked_until=None)


def check_pin(store, pin: str, now: float | None = None) -> str:
    """Check a PIN; return 'ok', 'wrong' or 'locked' (after repeated wrong PINs)."""
    now = time.time() if now is None else now
    locked_until = store.get_meta("pin_locked_until") or 0
    if locked_until > now:
        return "locked"
    pin_hash = store.get_meta("pin_hash")
    if pin_hash and check_password_hash(pin_hash, pin):
        store.set_meta(pin_failures=0, pin_locked_until=None)
        return "ok"
    failures = int(store.get_meta("pin_failures") or 0) + 1
    if failures >= MAX_PIN_FAILURES:
        store.set_meta(pin_failures=0, pin_locked_until=now + PIN_LOCK_SECONDS)
        return "locked"
    store.set_meta(pin_failures=failures)
    return "wrong"


def unlock(store) -> None:
    """Mark this browser session as unlocked for this device."""
    session.clear()
    session["unlocked"] = store.get_meta("device_uuid")


def init_app(app: Flask) -> None:
    """Install the checks on every request."""
    app.before_request(check_host_and_origin)
    app.before_request(check_launch_token)
    app.before_request(require_unlocked)
