"""First-run sign-in (online, once), PIN setup, and offline unlock with the PIN."""

from __future__ import annotations

import platform
from urllib.parse import urlencode, urlparse

from flask import Blueprint, current_app, g, redirect, render_template, request, session

from shared.i18n import t

from . import messages, security  # noqa: F401  (messages registers the client.* texts)
from .sync import SyncError, same_server

bp = Blueprint("auth", __name__)
# Errors raised by this client (not the server) whose details fill their sentence.
LOCAL_ERROR_PARAMS = {"unsent_changes": ("n", "server", "username")}


def _ctx():
    return current_app.extensions["posyandu"]


def _safe_next(target: str | None) -> str:
    """Return a local path to go to after unlocking (never another site)."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def sync_error_text(exc: SyncError, lang: str) -> str:
    """Explain a sync or sign-in failure in plain words."""
    key = f"client.sync.error.{exc.code}"
    params = exc.details if exc.code in LOCAL_ERROR_PARAMS else {}
    text = t(key, lang, **{k: v for k, v in params.items() if k in LOCAL_ERROR_PARAMS[exc.code]})
    if text == key:
        text = t("client.sync.error.other", lang)
    if exc.message and exc.code in (
        "unauthorized",
        "forbidden",
        "validation_error",
        "too_many_attempts",
        "login_failed",
    ):
        text = f"{text} ({exc.message})"
    return text


def _unlocked(store) -> bool:
    return session.get("unlocked") == store.get_meta("device_uuid")


def _setup_refused(store):
    """Return the answer refusing /setup, or None when signing in is allowed.

    Allowed: on a device never signed in; in a session unlocked with the PIN; and, after too
    many wrong PINs, to sign in again with the device's own server and account (checked on
    POST). Anyone else at the laptop cannot re-bind a locked device to another server.
    The launch-token header does not count as unlocked here.
    """
    if _unlocked(store) or not (store.get_meta("token") or store.get_meta("pin_hash")):
        return None
    if security.signin_required(store):
        return None
    if not store.get_meta("pin_hash"):
        return redirect("/pin")
    if request.method == "GET":
        return redirect("/unlock?" + urlencode({"next": "/setup"}))
    return render_template("blocked.html", message=t("client.setup.locked", g.lang)), 403


def _setup_form(store) -> dict[str, str]:
    reauth = security.signin_required(store)
    form = {
        "server_url": store.get_meta("server_url") or current_app.config["DEFAULT_SERVER_URL"],
        "username": (store.get_meta("username") or "") if reauth else "",
        "device_name": store.get_meta("device_name") or platform.node() or "posyandu",
    }
    if request.method == "POST":
        form.update({k: request.form.get(k, "").strip() for k in form})
    return form


def _sign_in(store, form: dict[str, str], password: str):
    """Sign in with the form; return a redirect, or the error to show."""
    lang = g.lang
    if not form["server_url"] or not form["username"] or not password:
        return t("client.setup.missing", lang)
    server = form["server_url"] if "://" in form["server_url"] else "http://" + form["server_url"]
    reauth = not _unlocked(store) and security.signin_required(store)
    bound = {"server": store.get_meta("server_url"), "username": store.get_meta("username")}
    if reauth and not (
        same_server(bound["server"] or "", server) and bound["username"] == form["username"]
    ):
        return t("client.setup.same_account", lang, **bound)
    try:
        _ctx().agent.login(server, form["username"], password, form["device_name"] or "posyandu")
    except SyncError as exc:
        return sync_error_text(exc, lang)
    store.set_meta(device_name=form["device_name"])
    if reauth:
        security.clear_pin(store)  # the online sign-in proved who it is: choose a new PIN
        return redirect("/pin")
    if store.get_meta("pin_hash") and _unlocked(store):
        return redirect("/")
    _ctx().start_sync()  # fetch the scope while the kader chooses a PIN
    return redirect("/pin")


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Sign the device in to the server (needs a connection): first run, or re-binding."""
    store = _ctx().store
    refused = _setup_refused(store)
    if refused is not None:
        return refused
    form, error = _setup_form(store), None
    if request.method == "POST":
        outcome = _sign_in(store, form, request.form.get("password", ""))
        if not isinstance(outcome, str):
            return outcome
        error = outcome
    return render_template("setup.html", form=form, error=error), 200 if not error else 400


@bp.route("/pin", methods=["GET", "POST"])
def pin():
    """Choose the PIN that unlocks the client offline (or change it once unlocked)."""
    store = _ctx().store
    unlocked = session.get("unlocked") == store.get_meta("device_uuid")
    if not store.get_meta("token") and not unlocked:
        return redirect("/setup")
    if store.get_meta("pin_hash") and not unlocked:
        return redirect("/unlock")
    error = None
    if request.method == "POST":
        first, second = request.form.get("pin", ""), request.form.get("pin2", "")
        if not security.valid_pin(first):
            error = t("client.pin.invalid", g.lang, min=security.PIN_MIN, max=security.PIN_MAX)
        elif first != second:
            error = t("client.pin.mismatch", g.lang)
        else:
            security.set_pin(store, first)
            security.unlock(store)
            return redirect("/")
    return render_template(
        "pin.html", error=error, pin_min=security.PIN_MIN, pin_max=security.PIN_MAX
    ), 200 if not error else 400


UNLOCK_STATUS = {None: 200, "wrong": 400, "locked": 429, "signin": 403}


@bp.route("/unlock", methods=["GET", "POST"])
def unlock():
    """Unlock with the PIN (works offline)."""
    store = _ctx().store
    if not store.get_meta("pin_hash"):
        return redirect("/setup" if not store.get_meta("token") else "/pin")
    target = _safe_next(request.values.get("next"))
    outcome = None
    if security.signin_required(store):
        outcome = "signin"
    elif request.method == "POST":
        outcome = security.check_pin(store, request.form.get("pin", ""))
        if outcome == "ok":
            security.unlock(store)
            return redirect(target)
    elif security.wait_seconds(store):
        outcome = "locked"
    error = None
    if outcome is not None:
        error = t(f"client.unlock.{outcome}", g.lang, seconds=security.wait_seconds(store))
    status = UNLOCK_STATUS[outcome] if request.method == "POST" else 200
    user = store.get_meta("user") or {}
    return render_template(
        "unlock.html", error=error, next=target, user=user, signin=outcome == "signin"
    ), status


@bp.post("/lock")
def lock():
    """Lock the client (the PIN is needed again)."""
    session.clear()
    return redirect("/unlock")
