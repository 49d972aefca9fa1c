"""First-run sign-in (online, once), PIN setup, offline unlock with the PIN, and the kader of
this laptop: each signs in online once, then unlocks with their own PIN (field_client/crypto.py
holds the data key wrapped per kader), and switching kader takes two taps."""

from __future__ import annotations

import platform
from typing import Any
from urllib.parse import urlencode, urlparse

import requests
from flask import Blueprint, current_app, g, redirect, render_template, request, session

from shared.i18n import register, t

from . import messages, revocation, security  # noqa: F401  (messages: the client.* texts)
from .sync import SyncAgent, SyncError, same_server

bp = Blueprint("auth", __name__)
# Errors raised by this client (not the server) whose details fill their sentence.
LOCAL_ERROR_PARAMS = {"unsent_changes": ("n", "server", "username")}

register(
    {
        "client.unlock.choose": {
            "id": "Siapa yang memakai aplikasi?",
            "en": "Who is using the app?",
        },
        "client.unlock.other": {"id": "Pengguna lain", "en": "Another user"},
        "client.unlock.disabled": {
            "id": "Akun ini tidak dapat lagi membuka perangkat ini: server menonaktifkan akun atau "
            "mencabut perangkat. Hubungi petugas puskesmas.",
            "en": "This account can no longer open this device: the server deactivated the "
            "account or revoked the device. Contact the puskesmas staff.",
        },
        "client.unlock.signin_again": {
            "id": "Terlalu banyak PIN salah. Masuk ke server dengan nama pengguna dan kata sandi "
            "Anda (perlu sinyal), lalu coba PIN Anda lagi. Semua data di perangkat ini tetap "
            "tersimpan.",
            "en": "Too many wrong PINs. Sign in to the server with your username and password "
            "(needs a connection), then try your PIN again. All data on this device is kept.",
        },
        "client.users.switch": {"id": "Ganti pengguna", "en": "Switch user"},
        "client.users.add": {"id": "Tambah kader", "en": "Add a kader"},
        "client.users.add_intro": {
            "id": "Kader lain yang bertugas di posyandu yang sama masuk sekali dengan akunnya "
            "sendiri (perlu sinyal), lalu membuat PIN-nya sendiri.",
            "en": "Another kader of the same posyandu signs in once with their own account "
            "(needs a connection), then chooses their own PIN.",
        },
        "client.users.other_scope": {
            "id": "Akun {username} bertugas di wilayah lain. Perangkat ini hanya untuk kader "
            "wilayah yang sama.",
            "en": "Account {username} works in another area. This device is only for kader of "
            "the same area.",
        },
        "client.users.current": {"id": "Pengguna: {name}", "en": "User: {name}"},
        "client.users.pin_for": {"id": "PIN untuk {name}", "en": "PIN for {name}"},
    }
)


def _ctx():
    return current_app.extensions["posyandu"]


@bp.app_context_processor
def who_is_using() -> dict[str, Any]:
    """Give every page the name of the kader who unlocked it (the header shows it)."""
    context = current_app.extensions.get("posyandu")
    if context is None or context.keyring is None:
        return {"kader": None}
    username = security.unlocked_user(context)
    if username is None:
        return {"kader": None}
    slot = context.keyring.slots().get(username) or {}
    return {"kader": {"username": username, "name": slot.get("name") or username}}


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


class _Settings:
    """The few settings a sign-in check needs, in memory (the store may be locked)."""

    def __init__(self, **values: Any):
        self.values = values

    def get_meta(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_meta(self, **values: Any) -> None:
        self.values.update(values)


def verify_account(server: str, username: str, password: str, device_name: str) -> dict:
    """Sign ``username`` in at ``server`` without touching the store; return the answer
    (``user``, ``token``, ``device_id``). Raises SyncError as a sign-in does."""
    agent = SyncAgent(_Settings(server_url=server), lang=g.get("lang", "id"))  # type: ignore[arg-type]
    session_ = requests.Session()
    try:
        _, payload = agent._request(
            "POST",
            "/auth/login",
            auth=False,
            session=session_,
            body={"username": username, "password": password, "device_name": device_name},
        )
    except SyncError as exc:
        if exc.code == "unauthorized":
            raise SyncError("login_failed", exc.message, status=exc.status) from exc
        raise
    finally:
        session_.close()
        agent.session.close()
    if not payload.get("token") or not isinstance(payload.get("user"), dict):
        raise SyncError("bad_response", "login answer without token")
    return payload


def _unlocked(context) -> bool:
    return security.unlocked_user(context) is not None


def _reauth_users(context) -> list[str]:
    """Return the kader whose PIN is off until an online sign-in."""
    return [
        u["username"]
        for u in context.keyring.users()
        if security.signin_required(context.keyring, u["username"])
    ]


def _setup_refused(context):
    """Return the answer refusing /setup, or None when signing in is allowed.

    Allowed: on a device never signed in; in a session unlocked with a PIN; and, after too
    many wrong PINs, to sign in again with the device's own server and that kader's account
    (checked on POST). Anyone else at the laptop cannot re-bind a locked device to another
    server. The launch-token header does not count as unlocked here.
    """
    if _unlocked(context):
        return None
    has_pin = context.keyring.has_pin()
    if not has_pin and not context.locked and not context.store.get_meta("token"):
        return None
    if _reauth_users(context):
        return None
    if not has_pin and not context.locked:
        return redirect("/pin")
    if request.method == "GET":
        return redirect("/unlock?" + urlencode({"next": "/setup"}))
    return render_template("blocked.html", message=t("client.setup.locked", g.lang)), 403


def _setup_form(context) -> dict[str, str]:
    store = context.store
    reauth = [] if _unlocked(context) else _reauth_users(context)
    server = store.get_meta("server_url") or context.keyring.read().get("server_url")
    form = {
        "server_url": server or current_app.config["DEFAULT_SERVER_URL"],
        "username": reauth[0] if len(reauth) == 1 else "",
        "device_name": store.get_meta("device_name") or platform.node() or "posyandu",
    }
    if request.method == "POST":
        form.update({k: request.form.get(k, "").strip() for k in form})
    return form


def _reauth(context, form: dict[str, str], server: str, password: str):
    """Sign in again after too many wrong PINs: the same server and a kader of this device."""
    bound = context.keyring.read().get("server_url") or context.store.get_meta("server_url")
    if not (same_server(bound or "", server) and form["username"] in _reauth_users(context)):
        names = ", ".join(_reauth_users(context))
        return t("client.setup.same_account", g.lang, server=bound or "", username=names)
    try:
        verify_account(server, form["username"], password, form["device_name"] or "posyandu")
    except SyncError as exc:
        return sync_error_text(exc, g.lang)
    security.allow_pin_again(context.keyring, form["username"])
    if context.locked:  # the key is only in the PIN's slot: try the PIN again
        return redirect("/unlock?" + urlencode({"user": form["username"]}))
    # The data key is in memory (opened in this run): the kader may choose a new PIN.
    session["adding"] = {"username": form["username"], "name": None}
    session["reauth"] = True
    return redirect("/pin")


def _add_kader(context, form: dict[str, str], server: str, password: str):
    """Let another kader of the same area use this device with their own account and PIN."""
    store = context.store
    try:
        answer = verify_account(server, form["username"], password, form["device_name"])
    except SyncError as exc:
        return sync_error_text(exc, g.lang)
    user = answer["user"]
    if user.get("scope") != store.get_meta("scope") or not same_server(
        store.get_meta("server_url") or "", server
    ):
        return t("client.users.other_scope", g.lang, username=form["username"])
    kader = dict(store.get_meta("kader_tokens") or {})
    kader[form["username"]] = {"token": answer["token"], "device_id": str(answer["device_id"])}
    store.set_meta(kader_tokens=kader)
    session["adding"] = {"username": form["username"], "name": user.get("name") or ""}
    return redirect("/pin")


def _sign_in(context, form: dict[str, str], password: str):
    """Sign in with the form; return a redirect, or the error to show."""
    lang = g.lang
    if not form["server_url"] or not form["username"] or not password:
        return t("client.setup.missing", lang)
    server = form["server_url"] if "://" in form["server_url"] else "http://" + form["server_url"]
    if not _unlocked(context) and _reauth_users(context):
        return _reauth(context, form, server, password)
    if _unlocked(context) and request.form.get("add"):
        return _add_kader(context, form, server, password)
    try:
        context.agent.login(server, form["username"], password, form["device_name"] or "posyandu")
    except SyncError as exc:
        return sync_error_text(exc, lang)
    context.store.set_meta(device_name=form["device_name"])
    if context.data_dir:
        revocation.notice_path(context.data_dir).unlink(missing_ok=True)
    context.keyring.update(lambda data: data.update(server_url=server.rstrip("/")))
    if context.keyring.has_pin() and _unlocked(context):
        return redirect("/")
    context.start_sync()  # fetch the scope while the kader chooses a PIN
    return redirect("/pin")


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Sign the device in to the server (needs a connection): first run, re-binding, another
    kader, or again after too many wrong PINs."""
    context = _ctx()
    refused = _setup_refused(context)
    if refused is not None:
        return refused
    form, error = _setup_form(context), None
    adding = _unlocked(context) and bool(request.values.get("add"))
    if adding and request.method == "GET":
        form["username"] = ""
    if request.method == "POST":
        outcome = _sign_in(context, form, request.form.get("password", ""))
        if not isinstance(outcome, str):
            return outcome
        error = outcome
    notice = revocation.read_notice(context.data_dir) if context.data_dir else None
    return render_template(
        "setup.html", form=form, error=error, adding=adding, revoked=notice
    ), 200 if not error else 400


def _pin_target(context) -> tuple[str, str | None] | None:
    """Return (username, name) whose PIN /pin sets now, or None when it may not be set."""
    adding = session.get("adding")
    if adding and session.get("reauth") and not context.locked:
        return adding["username"], None
    if _unlocked(context):
        if adding:
            return adding["username"], adding.get("name") or None
        return security.unlocked_user(context), None
    if context.locked or context.keyring.has_pin() or not context.store.get_meta("token"):
        return None
    return security.device_username(context.store), None


@bp.route("/pin", methods=["GET", "POST"])
def pin():
    """Choose the PIN that unlocks the client offline (first PIN, a change, another kader)."""
    context = _ctx()
    target = _pin_target(context)
    if target is None:
        if context.locked or context.keyring.has_pin():
            return redirect("/unlock")
        return redirect("/setup")
    error = None
    if request.method == "POST":
        first, second = request.form.get("pin", ""), request.form.get("pin2", "")
        if not security.valid_pin(first):
            error = t("client.pin.invalid", g.lang, min=security.PIN_MIN, max=security.PIN_MAX)
        elif first != second:
            error = t("client.pin.mismatch", g.lang)
        else:
            security.set_pin(context.store, first, username=target[0], name=target[1])
            security.unlock(context, target[0])
            return redirect("/")
    slot = context.keyring.slots().get(target[0]) or {}
    own = context.store.get_meta("user") or {}
    mine = own.get("name") if target[0] == security.device_username(context.store) else None
    who = target[1] or slot.get("name") or mine or target[0]
    return render_template(
        "pin.html", error=error, pin_min=security.PIN_MIN, pin_max=security.PIN_MAX, who=who
    ), 200 if not error else 400


UNLOCK_STATUS = {None: 200, "wrong": 400, "locked": 429, "signin": 403, "disabled": 403}


def _chosen_user(context, users: list[dict]) -> str | None:
    names = [u["username"] for u in users]
    chosen = request.values.get("user")
    if chosen in names:
        return chosen
    return names[0] if len(names) == 1 else None


def _try_pin(context, username: str, target: str):
    """Check the PIN; on success open the store and unlock the session. Return a redirect or
    the verdict."""
    outcome, key = security.attempt(context.keyring, username, request.form.get("pin", ""))
    if outcome != "ok":
        return outcome
    context.open_store(key)
    slot = context.keyring.slots().get(username) or {}
    context.store.set_meta(pin_weak=True if slot.get("weak") else None)
    security.unlock(context, username)
    return redirect(target)


@bp.route("/unlock", methods=["GET", "POST"])
def unlock():
    """Choose who you are (when several kader use the laptop) and unlock with the PIN
    (works offline)."""
    context = _ctx()
    users = context.keyring.users()
    if not users:
        return redirect("/setup" if not context.store.get_meta("token") else "/pin")
    target = _safe_next(request.values.get("next"))
    username = _chosen_user(context, users)
    outcome = None
    if username is not None:
        if security.signin_required(context.keyring, username):
            outcome = "signin"
        elif request.method == "POST":
            outcome = _try_pin(context, username, target)
            if not isinstance(outcome, str):
                return outcome
        elif security.wait_seconds(context.keyring, username=username):
            outcome = "locked"
        slot = context.keyring.slots().get(username) or {}
        if slot.get("disabled"):
            outcome = "disabled"
    error = None
    if outcome is not None:
        key = "client.unlock.signin_again" if outcome == "signin" else f"client.unlock.{outcome}"
        seconds = security.wait_seconds(context.keyring, username=username)
        error = t(key, g.lang, seconds=seconds)
    status = UNLOCK_STATUS[outcome] if request.method == "POST" else 200
    chosen = next((u for u in users if u["username"] == username), None)
    return render_template(
        "unlock.html",
        error=error,
        next=target,
        user=chosen or {},
        users=users,
        chosen=username,
        signin=outcome == "signin",
    ), status


@bp.post("/lock")
def lock():
    """Lock the client (the PIN is needed again); with ``switch``, offer every kader."""
    session.clear()
    return redirect("/unlock?choose=1" if request.form.get("switch") else "/unlock")
