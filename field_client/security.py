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
# A new PIN has 6 to 12 digits. PINs chosen before that rule (4 or 5 digits) still unlock, and
# every page then asks the kader to choose a longer one (meta ``pin_weak``) until they do.
PIN_MIN, PIN_MAX = 6, 12
# scrypt (hashlib, through werkzeug) with N=2^15, r=8, p=1: 32 MiB and about 0.1 s per check.
# Named here so a change of werkzeug's default cannot weaken it; older hashes are redone on unlock.
PIN_HASH_METHOD = "scrypt:32768:8:1"
FREE_PIN_FAILURES = 5  # wrong PINs before waits begin
PIN_LOCK_SECONDS = 30  # the first wait; it doubles with every further wrong PIN
MAX_PIN_FAILURES = 10  # then the PIN is off until an online sign-in (the data stays)
PIN_META = ("pin_hash", "pin_failures", "pin_locked_until")
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
    if endpoint.startswith("recovery."):  # the store may be unreadable: it checks the PIN itself
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
    """Tell whether ``pin`` is acceptable as a NEW PIN (6–12 digits)."""
    return pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX


def set_pin(store, pin: str) -> None:
    """Store the PIN's hash (never the PIN) and clear the wrong-PIN count.

    The length rule is the PIN form's (:func:`valid_pin`); a shorter PIN given here (an
    install from before the rule) is stored with the request to change it.
    """
    store.set_meta(
        pin_hash=generate_password_hash(pin, method=PIN_HASH_METHOD),
        pin_failures=0,
        pin_locked_until=None,
        pin_weak=True if len(pin) < PIN_MIN else None,
    )


def lock_seconds(failures: int) -> float:
    """Return how long to wait after ``failures`` wrong PINs (0 below FREE_PIN_FAILURES)."""
    if failures < FREE_PIN_FAILURES:
        return 0
    return PIN_LOCK_SECONDS * 2 ** (failures - FREE_PIN_FAILURES)


def _reserve_attempt(values: dict, now: float) -> tuple[dict, tuple[str, str | None]]:
    """Count an attempt as wrong BEFORE checking it (one transaction): ``(updates, verdict)``.

    The verdict is ``('check', pin_hash)`` when this attempt may be checked, else
    ``('locked' | 'signin' | 'wrong', None)``. However many requests arrive at once, only
    FREE_PIN_FAILURES of them get checked before the first wait.
    """
    failures = int(values.get("pin_failures") or 0)
    if failures >= MAX_PIN_FAILURES:
        return {}, ("signin", None)
    if not values.get("pin_hash"):
        return {}, ("wrong", None)
    if float(values.get("pin_locked_until") or 0) > now:
        return {}, ("locked", None)
    failures += 1
    wait = lock_seconds(failures) if failures < MAX_PIN_FAILURES else 0
    updates = {"pin_failures": failures, "pin_locked_until": now + wait if wait else None}
    return updates, ("check", values["pin_hash"])


def _accepted(store, pin: str, pin_hash: str) -> None:
    """Forget the wrong PINs; redo an old-style hash; note a PIN shorter than the rule."""
    updates = {"pin_failures": 0, "pin_locked_until": None}
    if not pin_hash.startswith(PIN_HASH_METHOD + "$"):
        updates["pin_hash"] = generate_password_hash(pin, method=PIN_HASH_METHOD)
    updates["pin_weak"] = True if len(pin) < PIN_MIN else None

    def change(values: dict) -> tuple[dict, None]:
        # Only if the PIN was not changed meanwhile.
        return (updates if values.get("pin_hash") == pin_hash else {}), None

    store.update_meta(("pin_hash",), change)


def check_pin(store, pin: str, now: float | None = None) -> str:
    """Check a PIN; return 'ok', 'wrong', 'locked' (wait) or 'signin' (online sign-in needed).

    The attempt is counted atomically before the (slow) hash check, so concurrent guesses
    cannot slip past the count; the waits double from the FREE_PIN_FAILURES-th wrong PIN on.
    """
    now = time.time() if now is None else now
    verdict, pin_hash = store.update_meta(PIN_META, lambda values: _reserve_attempt(values, now))
    if verdict != "check":
        return verdict
    if not check_password_hash(pin_hash, pin):
        failures = int(store.get_meta("pin_failures") or 0)
        if failures >= MAX_PIN_FAILURES:
            return "signin"
        return "locked" if lock_seconds(failures) else "wrong"
    _accepted(store, pin, pin_hash)
    return "ok"


def wait_seconds(store, now: float | None = None) -> int:
    """Return the seconds left before the next PIN may be tried (0 when none)."""
    now = time.time() if now is None else now
    return max(0, int(float(store.get_meta("pin_locked_until") or 0) - now + 0.999))


def signin_required(store) -> bool:
    """Tell whether too many wrong PINs turned the PIN off until an online sign-in."""
    return int(store.get_meta("pin_failures") or 0) >= MAX_PIN_FAILURES


def clear_pin(store) -> None:
    """Forget the PIN after an online sign-in proved who the kader is (a new one is chosen)."""
    store.set_meta(pin_hash=None, pin_failures=0, pin_locked_until=None, pin_weak=None)


def unlock(store) -> None:
    """Mark this browser session as unlocked for this device."""
    session.clear()
    session["unlocked"] = store.get_meta("device_uuid")


def init_app(app: Flask, before_unlock=()) -> None:
    """Install the checks on every request (``before_unlock`` hooks run after the launch
    token is checked and before the PIN is)."""
    app.before_request(check_host_and_origin)
    app.before_request(check_launch_token)
    for hook in before_unlock:
        app.before_request(hook)
    app.before_request(require_unlocked)
