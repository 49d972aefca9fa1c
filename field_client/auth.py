"""First-run sign-in (online, once), PIN setup, and offline unlock with the PIN."""

from __future__ import annotations

import platform
from urllib.parse import urlparse

from flask import Blueprint, current_app, g, redirect, render_template, request, session

from shared.i18n import t

from . import messages, security  # noqa: F401  (messages registers the client.* texts)
from .sync import SyncError

bp = Blueprint("auth", __name__)


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
    text = t(key, lang)
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


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Sign the device in to the server (needs a connection, once)."""
    store = _ctx().store
    lang = g.lang
    error = None
    form = {
        "server_url": store.get_meta("server_url") or "",
        "username": "",
        "device_name": store.get_meta("device_name") or platform.node() or "posyandu",
    }
    if (
        store.get_meta("token")
        and store.get_meta("pin_hash")
        and request.method == "GET"
        and session.get("unlocked") != store.get_meta("device_uuid")
    ):
        return redirect("/unlock")
    if request.method == "POST":
        form.update({k: request.form.get(k, "").strip() for k in form})
        password = request.form.get("password", "")
        if not form["server_url"] or not form["username"] or not password:
            error = t("client.setup.missing", lang)
        else:
            server = form["server_url"]
            if "://" not in server:
                server = "http://" + server
            try:
                _ctx().agent.login(
                    server, form["username"], password, form["device_name"] or "posyandu"
                )
            except SyncError as exc:
                error = sync_error_text(exc, lang)
            else:
                store.set_meta(device_name=form["device_name"])
                if store.get_meta("pin_hash") and session.get("unlocked") == store.get_meta(
                    "device_uuid"
                ):
                    return redirect("/")
                _ctx().start_sync()  # fetch the scope while the kader chooses a PIN
                return redirect("/pin")
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
