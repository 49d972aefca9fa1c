"""The "5 meja" day: the laptop serves the phones and tablets of the posyandu (issue #15).

One replica: the laptop's store. A kader who has unlocked the laptop can turn on a second
listener on the laptop's address in the posyandu's own network (a hotspot); the 127.0.0.1
listener stays as it is. It is off by default, off again at every start of the app, and off with
"Matikan". The listener binds ONE address the kader confirms (the one a phone can reach), never
0.0.0.0: the app is then not offered on other interfaces (a mobile-data link, a second network
card), and the Host check has exactly one name to accept.

A phone opens ``http://<address>:<port>/pasang`` and types the short code the laptop shows
(8 characters, single-use, valid 10 minutes, 5 wrong tries void it). The right code gives that
browser a paired-device cookie (HttpOnly, SameSite=Strict, a random 256-bit secret held only in
memory here); then the kader picks their name and unlocks with their own PIN (``/unlock``).
Every request arriving on the LAN listener is marked (``LAN_FLAG`` in the WSGI environ, set by
the listener's own wrapper, so no client can forge it) and checked by field_client/security.py:
the LAN Host only while serving, Origin/Sec-Fetch-Site as for the laptop, the device cookie
instead of the launch token, and no laptop-only pages (sign-in, recovery, this management).

Pairings live in memory: stopping the listener or the app forgets them all.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import itertools
import secrets
import socket
import threading
import time
from typing import Any

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
)
from werkzeug.serving import make_server

from shared import records
from shared.i18n import t

from . import security

bp = Blueprint("pairing", __name__)

LAN_FLAG = security.LAN_FLAG
DEVICE_COOKIE = "posyandu_device"
MEJA_COOKIE = "posyandu_meja"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 8
CODE_SECONDS = 600
CODE_ATTEMPTS = 5
DEFAULT_PORT = 8765
# The stations of the posyandu day and the page each opens: 1 registers newcomers; 2 weighs
# (Beranda lists the balita not yet weighed, one click to the weighing form); 3 finds a person
# to record a visit; 4 counsels from the queue (each name opens the person's page and status);
# 5 services, recorded with the day's totals on Hari buka (PMT, KB, oralit).
MEJA = (
    (1, "client.meja.m1", "pages.register"),
    (2, "client.meja.m2", "pages.home"),
    (3, "client.meja.m3", "pages.registry"),
    (4, "client.meja.m4", "pairing.meja"),
    (5, "client.meja.m5", "pages.session"),
)
# Visit kinds whose record dated today puts a person in the "Hadir hari ini" queue: the services
# of a posyandu day, but the session (no person) and a referral (written from a visit already there).
QUEUE_KINDS = tuple(
    k for k in records.month_service_dates() if k not in ("posyandu_session", "referral")
)
QUEUE_ONE_BY_ONE = 200  # more present persons than this: read the persons in one go
# Endpoints a paired phone may not use: the laptop's own sign-in, recovery and this management.
LAN_REFUSED = ("auth.setup", "recovery.", "printing.save_pdf", "pairing.control")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LanServing:
    """The LAN listener, its pairing code and the paired browsers (all in memory)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.server: Any = None
        self._thread: threading.Thread | None = None
        self.host = ""
        self.code: str | None = None
        self.code_until = 0.0
        self.attempts_left = 0
        self.devices: dict[str, dict[str, Any]] = {}  # sha256 of the cookie -> the device
        self._numbers = itertools.count(1)  # "HP 1", "HP 2"… in the order they paired

    @property
    def serving(self) -> bool:
        return self.server is not None

    @property
    def port(self) -> int:
        return self.server.socket.getsockname()[1] if self.server is not None else 0

    def start(self, app, host: str, port: int) -> None:
        """Listen on ``host:port`` (OSError when the address cannot be bound)."""
        with self._lock:
            if self.server is not None:
                return
            self.server, self.host = _bound_server(app, host, port), host
            self._thread = threading.Thread(
                target=self.server.serve_forever, name="posyandu-lan", daemon=True
            )
            self._thread.start()
        self.new_code()

    def stop(self) -> None:
        """Close the listener and forget the code and every paired browser."""
        with self._lock:
            server, thread = self.server, self._thread
            self.server, self._thread, self.host = None, None, ""
            self.code, self.attempts_left = None, 0
            self.devices.clear()
        if server is not None:
            server.shutdown()
            server.server_close()
            if thread is not None:
                thread.join(10)

    def new_code(self, now: float | None = None) -> str:
        """Make a fresh single-use code, valid CODE_SECONDS with CODE_ATTEMPTS tries."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        with self._lock:
            self.code = code
            self.code_until = (time.time() if now is None else now) + CODE_SECONDS
            self.attempts_left = CODE_ATTEMPTS
        return code

    def code_state(self, now: float | None = None) -> str:
        """'valid', 'expired', 'spent' (used, or too many wrong tries) or 'none'."""
        now = time.time() if now is None else now
        if self.code is None:
            return "none"
        if self.attempts_left <= 0:
            return "spent"
        return "valid" if now < self.code_until else "expired"

    def pair(self, typed: str, label: str, now: float | None = None) -> tuple[str, str | None]:
        """Try a typed code: ``('ok', device cookie)`` or ``(verdict, None)``.

        The try is counted before the comparison, under the lock: concurrent guesses cannot
        get more than CODE_ATTEMPTS comparisons; the right code is used up at once.
        """
        typed = "".join(typed.split()).upper()
        with self._lock:
            state = self.code_state(now)
            if state != "valid" or self.server is None:
                return ("expired" if state == "expired" else "spent"), None
            self.attempts_left -= 1
            if not hmac.compare_digest(typed.encode(), (self.code or "").encode()):
                return ("wrong" if self.attempts_left > 0 else "spent"), None
            self.code, self.attempts_left = None, 0
            token = secrets.token_urlsafe(32)
            self.devices[_digest(token)] = {
                "id": secrets.token_hex(4),
                "number": next(self._numbers),
                "label": label[:80],
                "paired_at": time.time(),
            }
            return "ok", token

    def device(self, token: str | None) -> dict[str, Any] | None:
        """Return the paired browser holding ``token`` (None when unknown or revoked)."""
        if not token or self.server is None:
            return None
        return self.devices.get(_digest(token))

    def revoke(self, device_id: str) -> bool:
        with self._lock:
            for key, device in list(self.devices.items()):
                if device["id"] == device_id:
                    del self.devices[key]
                    return True
        return False


def _bound_server(app, host: str, port: int):
    """Bind ``host:port`` here (werkzeug would exit the process on a bind error), then serve
    ``app`` on that socket with every request marked as coming from the LAN."""
    from .launcher import RedactingRequestHandler  # (here: the launcher imports this module)

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))  # OSError: not this computer's address, or the port is taken
        sock.listen(128)
        # werkzeug duplicates the descriptor; this one is closed on leaving the block
        return make_server(
            host,
            port,
            _LanApp(app),
            threaded=True,
            request_handler=RedactingRequestHandler,  # no searched name in the access log
            fd=sock.fileno(),
        )


class _LanApp:
    """The app as the LAN listener serves it: every request is marked as coming from the LAN."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        environ[LAN_FLAG] = True
        return self.app(environ, start_response)


def lan(app=None) -> LanServing:
    return (app or current_app).extensions["lan"]


def from_lan() -> bool:
    """Tell whether this request came in on the LAN listener."""
    return bool(request.environ.get(LAN_FLAG))


def lan_host() -> tuple[str, str] | None:
    """Return the (address, port) the LAN listener accepts as Host, None when off."""
    state = current_app.extensions.get("lan")
    if state is None or not state.serving:
        return None
    return state.host, str(state.port)


def check_lan_request():
    """For a request from the LAN: a paired browser only, and no laptop-only page.

    Returns None when it may go on, else the refusal. (Called by security.check_launch_token
    instead of the launch-token check.)
    """
    endpoint = request.endpoint or ""
    if endpoint.startswith(LAN_REFUSED):
        return security.refusal("lan_refused", 403)
    if endpoint in security.OPEN_ENDPOINTS or endpoint == "pairing.pair":
        return None
    device = lan().device(request.cookies.get(DEVICE_COOKIE))
    if device is None:
        if request.method == "GET" and not request.path.startswith("/api/"):
            return redirect("/pasang")
        return security.refusal("not_paired", 403)
    device["kader"] = session.get("user")  # who uses it now, for the laptop's list
    return None


def lan_addresses() -> list[str]:
    """Return this computer's IPv4 addresses other than loopback, best guess first."""
    found: list[str] = []
    try:  # the address of the interface with a route out (no packet is sent)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    return [a for a in dict.fromkeys(found) if not a.startswith("127.")]


def valid_address(text: str) -> str | None:
    """Return ``text`` as an IPv4 address a listener may bind, else None."""
    try:
        address = ipaddress.IPv4Address(text.strip())
    except ValueError:
        return None
    if address.is_unspecified or address.is_multicast or str(address).endswith(".255"):
        return None
    return str(address)


def hadir_hari_ini(store, today: str) -> list[dict[str, Any]]:
    """Return the persons present today (``id``, ``name``): a visit, weighing or other service
    dated today, sorted by name. One indexed read per kind, then the persons: one by one for
    a posyandu day's few dozen, in one read when there are many."""
    ids: set[str] = set()
    for kind in QUEUE_KINDS:
        ids |= store.persons_on(kind, today)
    if len(ids) <= QUEUE_ONE_BY_ONE:
        found = (store.get("person", pid) for pid in ids)
        persons = [{"id": p.id, "name": p.fields.get("name", "")} for p in found if p]
    else:
        persons = [
            {"id": row["id"], "name": row.get("name", "")}
            for row in store.rows("person")
            if row["id"] in ids
        ]
    return sorted(persons, key=lambda p: (str(p["name"]).casefold(), p["id"]))


def _meja_number() -> int | None:
    value = request.cookies.get(MEJA_COOKIE, "")
    return int(value) if value in {"1", "2", "3", "4", "5"} else None


@bp.app_context_processor
def station() -> dict[str, Any]:
    """Give every page the browser's meja and today's queue (shown once a meja is chosen)."""
    context = current_app.extensions.get("posyandu")
    number = _meja_number() if request else None
    if context is None or number is None or security.unlocked_user(context) is None:
        return {"meja_now": None, "hadir": []}
    return {
        "meja_now": number,
        "hadir": hadir_hari_ini(context.store, context.today().isoformat()),
    }


@bp.route("/pasang", methods=["GET", "POST"])
def pair():
    """The phone's pairing page (LAN only): type the code shown on the laptop."""
    if not from_lan():
        return redirect("/meja")
    error, status = None, 200
    if request.method == "POST":
        label = request.headers.get("User-Agent", "")[:80] or "?"
        verdict, token = lan().pair(request.form.get("code", ""), label)
        if verdict == "ok":
            response = redirect("/unlock?" + "next=/meja")
            response.set_cookie(DEVICE_COOKIE, token, httponly=True, samesite="Strict", path="/")
            return response
        error = t(f"client.pair.{verdict}", g.lang, n=lan().attempts_left)
        status = 400 if verdict == "wrong" else 403
    return render_template("pair.html", error=error), status


def _require_kader():
    if security.unlocked_user(current_app.extensions["posyandu"]) is None:
        return security.refusal("locked", 403)
    return None


@bp.get("/meja")
def meja():
    """Choose this browser's meja, see today's queue; on the laptop: serve phones or stop."""
    context = current_app.extensions["posyandu"]
    state = lan()
    on_laptop = not from_lan()
    return render_template(
        "meja.html",
        meja=MEJA,
        chosen=_meja_number(),
        hadir=hadir_hari_ini(context.store, context.today().isoformat()),
        on_laptop=on_laptop,
        state=state,
        code_state=state.code_state(),
        addresses=lan_addresses(),
        error=session.pop("lan_error", None),
        kader_names={u["username"]: u["name"] for u in context.keyring.users()},
    )


@bp.post("/meja/pilih")
def choose():
    """Remember this browser's meja and open its page."""
    value = request.form.get("meja", "")
    target = next((endpoint for number, _, endpoint in MEJA if str(number) == value), None)
    if target is None:
        return security.refusal("bad_meja", 400)
    from flask import url_for

    response = redirect(url_for(target))
    response.set_cookie(MEJA_COOKIE, value, httponly=True, samesite="Strict", path="/")
    return response


@bp.post("/meja/lan")
def control():
    """The laptop's controls: ``aksi`` = nyalakan | kode | matikan | cabut (laptop only)."""
    refused = _require_kader()
    if refused is not None:
        return refused
    state, action = lan(), request.form.get("aksi", "")
    if action == "nyalakan":
        address = valid_address(request.form.get("alamat", ""))
        if address is None:
            session["lan_error"] = t("client.lan.bad_address", g.lang)
            return redirect("/meja")
        try:
            state.start(current_app._get_current_object(), address, _lan_port())
        except OSError:
            session["lan_error"] = t("client.lan.bind_failed", g.lang, address=address)
    elif action == "kode" and state.serving:
        state.new_code()
    elif action == "matikan":
        state.stop()
    elif action == "cabut":
        state.revoke(request.form.get("perangkat", ""))
    else:
        return security.refusal("bad_meja", 400)
    return redirect("/meja")


def _lan_port() -> int:
    return int(current_app.config.get("LAN_PORT", DEFAULT_PORT))


def init_app(app) -> None:
    """Attach the (stopped) LAN state and this blueprint."""
    app.extensions["lan"] = LanServing()
    app.register_blueprint(bp)


def shutdown(app) -> None:
    """Stop the LAN listener (the app is closing)."""
    state = app.extensions.get("lan")
    if state is not None:
        state.stop()
