"""Who may talk to the local app: the launch token, and the kader's PIN.

The app listens on 127.0.0.1 only, but other programs on the same computer (and web pages in the
kader's browser) can reach that port. Every request must therefore carry the per-launch secret:
the ``X-Launch-Token`` header, or the cookie that opening the launch URL (``/?launch=<token>``)
sets. Pages additionally need the PIN to be unlocked in this browser session. A request carrying
the header is an automation client started with the secret and needs no PIN.

When a kader turns on the meja listener (field_client/pairing.py), requests arriving on the
laptop's hotspot address are checked against that address instead, and carry a paired-device
cookie instead of the launch secret (which is never accepted there).
"""

from __future__ import annotations

import hmac
import secrets
import time
from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from shared.i18n import t

from . import crypto
from .crypto import Keyring

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
# Set in the WSGI environ by the LAN listener's own wrapper (field_client/pairing.py).
LAN_FLAG = "posyandu.lan"


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


def refusal(code: str, status: int):
    """Refuse the request with the error ``client.error.<code>`` (JSON for the API)."""
    return _error(code, status)


def _allowed_hosts() -> tuple[frozenset[str], str | None]:
    """Return the Host names this request's listener answers to, and its port when fixed.

    The 127.0.0.1 listener: the loopback names. The LAN listener (field_client/pairing.py):
    its one address and port, and only while it is serving.
    """
    if not request.environ.get(LAN_FLAG):
        return LOOPBACK_HOSTS, None
    from .pairing import lan_host

    served = lan_host()
    return (frozenset({served[0]}), served[1]) if served else (frozenset(), None)


def check_host_and_origin():
    """Refuse a foreign Host (DNS rebinding) and cross-site writes (Origin, Sec-Fetch-Site)."""
    host = request.environ.get("HTTP_HOST", "")
    name, port = _split_host(host)
    hosts, fixed_port = _allowed_hosts()
    if name not in hosts or (port and not port.isdigit()):
        return _error("bad_host", 403)
    if fixed_port is not None and port != fixed_port:
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
            or (parts.hostname or "") not in hosts
            or str(parts.port or "") != port
        ):
            return _error("cross_origin", 403)
    return None


def check_launch_token():
    """Refuse any request without the launch secret; turn a launch URL into a cookie."""
    if request.environ.get(LAN_FLAG):  # a phone: its paired-device cookie, never the token
        from .pairing import check_lan_request

        refused = check_lan_request()
        if refused is None and request.method in WRITE_METHODS and _is_api():
            return None if request.is_json else _error("json_required", 415)
        return refused
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
    """Send a browser that has not unlocked with the PIN to sign-in, PIN setup or unlock.

    While the store is encrypted and no kader has unlocked it in this run of the app, even an
    automation client (launch-token header) gets nothing: the data key is not in memory.
    """
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith("auth.") or endpoint in ("pages.set_language", "pairing.pair"):
        return None
    if endpoint.startswith("recovery."):  # the store may be unreadable: it checks the PIN itself
        return None
    context = current_app.extensions["posyandu"]
    if g.get("via_header") and not context.locked:
        return None
    if unlocked_user(context) is not None:
        return None
    if _is_api():
        return _error("locked", 401)
    if context.locked or context.keyring.has_pin():
        return redirect("/unlock?" + urlencode({"next": request.full_path.rstrip("?")}))
    if not context.store.get_meta("token"):
        return redirect("/setup")
    return redirect("/pin")


def valid_pin(pin: str) -> bool:
    """Tell whether ``pin`` is acceptable as a NEW PIN (6–12 digits)."""
    return pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX


def lock_seconds(failures: int) -> float:
    """Return how long to wait after ``failures`` wrong PINs (0 below FREE_PIN_FAILURES)."""
    if failures < FREE_PIN_FAILURES:
        return 0
    return PIN_LOCK_SECONDS * 2 ** (failures - FREE_PIN_FAILURES)


# -- the PIN of a kader: a slot of the device keyring (field_client/crypto.py) ------------------


def _keyring(target) -> Keyring | None:
    return target if isinstance(target, Keyring) else getattr(target, "keyring", None)


def device_username(store) -> str:
    """Return the account the device is signed in with ('' before any sign-in)."""
    return str(store.get_meta("username") or "")


def _slot_user(target, username: str | None) -> str:
    """Return whose slot ``target`` (a store or a keyring) means when no name is given."""
    if username is not None:
        return username
    if not isinstance(target, Keyring):
        return device_username(target)
    users = target.users()
    return users[0]["username"] if users else ""


def set_pin(store, pin: str, username: str | None = None, name: str | None = None) -> None:
    """Wrap the open store's data key under ``pin`` for ``username`` (default: the device's
    account), replacing that kader's PIN and clearing their wrong-PIN count.

    The length rule is the PIN form's (:func:`valid_pin`); a shorter PIN given here (an
    install from before the rule) is stored with the request to change it. A store opened
    without a keyring (an install from before encryption) keeps the old PIN hash in ``meta``:
    the upgrade turns it into a slot.
    """
    weak = True if len(pin) < PIN_MIN else None
    if store.keyring is None:
        store.set_meta(
            pin_hash=generate_password_hash(pin, method=PIN_HASH_METHOD),
            pin_failures=0,
            pin_locked_until=None,
            pin_weak=weak,
        )
        return
    username = _slot_user(store, username)
    if name is None:
        user = store.get_meta("user") or {}
        name = user.get("name") if username == device_username(store) else None
    store.keyring.add_slot(username, name or username, pin, store.data_key, weak=weak)
    store.set_meta(pin_weak=weak)


def _reserve_attempt(data: dict, username: str, now: float) -> tuple[str, dict | None]:
    """Count an attempt as wrong BEFORE checking it (one keyring update): ``(verdict, slot)``.

    The verdict is ``'check'`` with a copy of the slot when this attempt may be checked, else
    ``'locked' | 'signin' | 'wrong' | 'disabled'``. However many requests arrive at once, only
    FREE_PIN_FAILURES of them get checked before the first wait.
    """
    slot = data["slots"].get(username)
    if slot is None:
        return "wrong", None
    if slot.get("disabled"):
        return "disabled", None
    failures = int(slot.get("failures") or 0)
    if failures >= MAX_PIN_FAILURES:
        return "signin", None
    if float(slot.get("locked_until") or 0) > now:
        return "locked", None
    failures += 1
    wait = lock_seconds(failures) if failures < MAX_PIN_FAILURES else 0
    slot["failures"], slot["locked_until"] = failures, (now + wait if wait else None)
    return "check", dict(slot)


def _open_slot(keyring: Keyring, username: str, slot: dict, pin: str) -> bytes | None:
    if "legacy_hash" in slot:  # an upgraded install: the old PIN hash guards the pending key
        return keyring.pending_key() if check_password_hash(slot["legacy_hash"], pin) else None
    return crypto.unwrap(username, slot, pin)


def _accepted(keyring: Keyring, username: str, slot: dict, pin: str, key: bytes) -> None:
    """Forget the wrong PINs; turn a legacy slot into a wrapped key (the PIN is known now)."""
    fresh = crypto.wrap(username, pin, key) if "legacy_hash" in slot else None
    weak = True if len(pin) < PIN_MIN else None

    def change(data: dict) -> None:
        current = data["slots"].get(username)
        if current is None or current.get("salt") != slot.get("salt"):
            return  # the PIN was changed meanwhile
        if fresh is not None and current.get("legacy_hash") == slot.get("legacy_hash"):
            current.pop("legacy_hash", None)
            current.update(fresh)
            data.pop("pending_key", None)
        current.update(failures=0, locked_until=None, weak=weak)

    keyring.update(change)


def attempt(
    keyring: Keyring, username: str, pin: str, now: float | None = None
) -> tuple[str, bytes | None]:
    """Try ``username``'s PIN: ``('ok', data key)`` or ``(verdict, None)`` with the verdict
    'wrong', 'locked' (wait), 'signin' (online sign-in needed) or 'disabled' (the server
    deactivated the account or revoked the device).

    The attempt is counted atomically before the (slow) key derivation, so concurrent guesses
    cannot slip past the count; the waits double from the FREE_PIN_FAILURES-th wrong PIN on.
    """
    now = time.time() if now is None else now
    verdict, slot = keyring.update(lambda data: _reserve_attempt(data, username, now))
    if verdict != "check":
        return verdict, None
    key = _open_slot(keyring, username, slot, pin)
    if key is None:
        failures = int(slot["failures"])
        if failures >= MAX_PIN_FAILURES:
            return "signin", None
        return ("locked" if lock_seconds(failures) else "wrong"), None
    _accepted(keyring, username, slot, pin, key)
    return "ok", key


def check_pin(target, pin: str, now: float | None = None, username: str | None = None) -> str:
    """Check a PIN of a store (or keyring); return 'ok', 'wrong', 'locked', 'signin' or
    'disabled' (see :func:`attempt`)."""
    keyring = _keyring(target)
    if keyring is None:
        return _legacy_check_pin(target, pin, now)
    return attempt(keyring, _slot_user(target, username), pin, now)[0]


def _slot(target, username: str | None) -> dict:
    keyring = _keyring(target)
    if keyring is None:  # a store from before encryption
        return {
            "failures": target.get_meta("pin_failures"),
            "locked_until": target.get_meta("pin_locked_until"),
        }
    return keyring.slots().get(_slot_user(target, username)) or {}


def wait_seconds(target, now: float | None = None, username: str | None = None) -> int:
    """Return the seconds left before the kader's next PIN may be tried (0 when none)."""
    now = time.time() if now is None else now
    return max(0, int(float(_slot(target, username).get("locked_until") or 0) - now + 0.999))


def signin_required(target, username: str | None = None) -> bool:
    """Tell whether too many wrong PINs turned the kader's PIN off until an online sign-in."""
    return int(_slot(target, username).get("failures") or 0) >= MAX_PIN_FAILURES


def allow_pin_again(keyring: Keyring, username: str) -> None:
    """After an online sign-in proved who it is, let the kader try their PIN again.

    The PIN is not forgotten: it is the only way to the data key (the data stays).
    """

    def change(data: dict) -> None:
        slot = data["slots"].get(username)
        if slot is not None:
            slot.update(failures=0, locked_until=None)

    keyring.update(change)


def _legacy_check_pin(store, pin: str, now: float | None) -> str:
    """Check a PIN against a store opened without a keyring (``meta`` pin hash)."""
    now = time.time() if now is None else now

    def reserve(values: dict) -> tuple[dict, tuple[str, str | None]]:
        slot = {
            "failures": values.get("pin_failures"),
            "locked_until": values.get("pin_locked_until"),
        }
        data = {"slots": {"": slot}}
        if not values.get("pin_hash"):
            return {}, ("wrong", None)
        verdict, slot = _reserve_attempt(data, "", now)
        if verdict != "check":
            return {}, (verdict, None)
        updates = {"pin_failures": slot["failures"], "pin_locked_until": slot["locked_until"]}
        return updates, ("check", values["pin_hash"])

    verdict, pin_hash = store.update_meta(PIN_META, reserve)
    if verdict != "check":
        return verdict
    if not check_password_hash(pin_hash, pin):
        failures = int(store.get_meta("pin_failures") or 0)
        if failures >= MAX_PIN_FAILURES:
            return "signin"
        return "locked" if lock_seconds(failures) else "wrong"
    store.set_meta(pin_failures=0, pin_locked_until=None)
    return "ok"


def unlock(context, username: str) -> None:
    """Mark this browser session as unlocked, by ``username``, in this run of the app."""
    session.clear()
    session["unlocked"] = context.unlock_id
    session["user"] = username


def unlocked_user(context) -> str | None:
    """Return who unlocked this browser session (None when it is locked)."""
    if context.locked or session.get("unlocked") != context.unlock_id:
        return None
    return session.get("user")


def init_app(app: Flask, before_unlock=()) -> None:
    """Install the checks on every request (``before_unlock`` hooks run after the launch
    token is checked and before the PIN is)."""
    app.before_request(check_host_and_origin)
    app.before_request(check_launch_token)
    for hook in before_unlock:
        app.before_request(hook)
    app.before_request(require_unlocked)
