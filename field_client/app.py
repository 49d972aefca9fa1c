"""The local Flask app: pages and the JSON API over the device store.

``create_app(data_dir, launch_token)`` builds it from named steps, like flaskr. It never binds a
socket itself: the CLI and the launcher serve it on 127.0.0.1 only.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import InternalServerError

from shared.i18n import normalize_language, t

from . import (
    crypto,
    messages,  # noqa: F401  (registers the client.* texts)
    recovery,
    revocation,
    security,
)
from .store import DB_FILENAME, Store
from .sync import DIGEST_EVERY, AutoSync, SyncAgent, SyncError

log = logging.getLogger(__name__)


@dataclass
class ClientContext:
    """What the views share: the store, the sync agent and the background sync."""

    store: Store
    agent: SyncAgent
    autosync: AutoSync | None = None
    today_override: date | None = None
    _threads: list[threading.Thread] = field(default_factory=list)
    # The encrypted store (field_client/crypto.py): locked (store is a LockedStore) until a
    # kader's PIN unwraps the data key; unlock_id ties browser sessions to this run of the app.
    keyring: Any = None
    data_dir: Path | None = None
    unlock_id: str = field(default_factory=lambda: secrets.token_hex(16))
    auto_sync_interval: float | None = None
    _open_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def locked(self) -> bool:
        """Tell whether the store is still encrypted shut in this run of the app."""
        return isinstance(self.store, crypto.LockedStore)

    def open_store(self, key: bytes) -> None:
        """Open the store with the data key a PIN unwrapped (and start auto-sync if asked)."""
        with self._open_lock:  # two kader unlocking at once open it once
            if not self.locked:
                return
            store = crypto.open_device_store(self.data_dir, key)
            self.agent = revocation.DeviceAgent(
                store, context=self, lang=store.get_meta("lang") or "id", digest_every=DIGEST_EVERY
            )
            self.store = store
            if self.auto_sync_interval is not None:
                self.autosync = AutoSync(self.agent, interval=self.auto_sync_interval).start()

    def today(self) -> date:
        """Return today's date (fixed in tests)."""
        return self.today_override or date.today()

    def start_sync(self) -> bool:
        """Start a sync in the background unless one is running; tell whether it started."""
        if self.agent.in_progress:
            return False
        if self.autosync is not None:
            self.autosync.trigger()
            return True
        thread = threading.Thread(target=self._sync_quietly, name="posyandu-sync", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return True

    def _sync_quietly(self) -> None:
        try:
            self.agent.sync()
        except SyncError:
            pass  # recorded as last_error for the Sinkronisasi page
        except Exception:
            log.exception("sync failed")

    def wait_for_sync(self, timeout: float = 60.0) -> None:
        """Wait until background syncs started by this context have finished (tests, CLI)."""
        for thread in list(self._threads):
            thread.join(timeout)

    def close(self) -> None:
        """Stop background sync and close the store."""
        if self.autosync is not None:
            self.autosync.stop()
        self.wait_for_sync()
        if not self.locked:
            self.agent.session.close()
            self.store.close()


def create_app(
    data_dir: str | Path,
    launch_token: str | None = None,
    *,
    test_config: dict[str, Any] | None = None,
    auto_sync: bool = False,
    sync_interval: float = 120.0,
    agent: SyncAgent | None = None,
    default_server_url: str | None = None,
) -> Flask:
    """Build the local app over the store in ``data_dir``.

    ``launch_token`` is the per-launch secret every request must carry (header or cookie);
    a random one is made when not given (read it from ``app.config["LAUNCH_TOKEN"]``).
    ``default_server_url`` (else ``POSYANDU_SERVER_URL``) fills the sign-in form's server
    address on a device that has none yet (``make run`` knows it).
    """
    app = Flask(__name__)
    app.config.update(
        LAUNCH_TOKEN=launch_token or security.new_launch_token(),
        SECRET_KEY=secrets.token_bytes(32),  # per launch: a restart asks for the PIN again
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_NAME="posyandu_session",
        DATA_DIR=str(data_dir),
        TODAY=None,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=4 * 1024 * 1024,  # a record is a few kB; refuse floods (413)
        DEFAULT_SERVER_URL=default_server_url or os.environ.get("POSYANDU_SERVER_URL") or "",
    )
    if test_config:
        app.config.update(test_config)
    register_context(app, data_dir, auto_sync, sync_interval, agent)
    register_request_hooks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    return app


def register_context(
    app: Flask, data_dir: str | Path, auto_sync: bool, interval: float, agent: SyncAgent | None
) -> None:
    """Open the store and make the sync agent (and its background thread when asked).

    A damaged or foreign database file puts the app in recovery mode instead (no context).
    """
    try:
        store = crypto.open_device_store(data_dir)  # None: encrypted, no PIN entered yet
    except sqlite3.DatabaseError as exc:
        if recovery.problem(exc) != "damaged":
            raise
        recovery.mark_damaged(app, Path(data_dir) / DB_FILENAME, exc)
        return
    today = app.config.get("TODAY")
    context = ClientContext(
        store=crypto.LockedStore() if store is None else store,
        agent=agent,
        today_override=date.fromisoformat(today) if today else None,
        keyring=crypto.Keyring(data_dir),
        data_dir=Path(data_dir),
        auto_sync_interval=interval if auto_sync else None,
    )
    if store is not None:
        context.agent = agent or revocation.DeviceAgent(
            store, context=context, lang=store.get_meta("lang") or "id", digest_every=DIGEST_EVERY
        )
        if auto_sync:
            context.autosync = AutoSync(context.agent, interval=interval).start()
    app.extensions["posyandu"] = context


def register_request_hooks(app: Flask) -> None:
    """Pick the language, then check the launch token and the PIN on every request."""

    @app.before_request
    def choose_language():
        g.lang = normalize_language(request.args.get("lang") or _stored_language(app) or "id")

    security.init_app(app, before_unlock=(recovery.divert_when_damaged,))

    @app.after_request
    def no_store(response):
        # Health data must not linger in a shared browser's cache.
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
        )
        return response


def _stored_language(app: Flask) -> str | None:
    context = app.extensions.get("posyandu")
    if context is None:
        return None
    try:
        return context.store.get_meta("lang")
    except sqlite3.Error:  # a damaged store: the error handlers explain it in Indonesian
        return None


def register_blueprints(app: Flask) -> None:
    """Attach the JSON API, the sign-in/PIN pages and the kader's pages."""
    from . import api, auth, ilp_pages, pages, pairing, printing, search

    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(printing.bp)
    app.register_blueprint(recovery.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(ilp_pages.bp)
    pairing.init_app(app)  # the LAN listener for the meja phones: off until turned on


def problem_response(code: str, status: int):
    """Explain a problem in the user's language: a JSON error for the API, else a page."""
    message = t(f"client.error.{code}", g.get("lang", "id"))
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": message, "details": {}}}), status
    title = t("client.error.problem_title", g.get("lang", "id"))
    return render_template("blocked.html", title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Storage errors and crashes get plain words, never a traceback or Werkzeug's page.

    A failed write has already rolled back (``Store.transaction``): nothing is half-written.
    """
    db_path = Path(app.config["DATA_DIR"]) / DB_FILENAME

    @app.errorhandler(sqlite3.Error)
    def storage_error(exc: sqlite3.Error):
        kind = recovery.problem(exc)
        if kind == "damaged":
            recovery.mark_damaged(app, db_path, exc)
            context = app.extensions.get("posyandu")
            if context is not None and context.autosync is not None:
                context.autosync.stop(timeout=0)  # no more syncs writing into a damaged file
            return recovery.recovery_response()
        log.warning("device storage error (%s): %s", kind, exc)
        return problem_response(kind, recovery.STATUS[kind])

    @app.errorhandler(InternalServerError)
    def internal_error(exc: InternalServerError):
        return problem_response("internal", 500)  # Flask has logged the exception


def register_template_helpers(app: Flask) -> None:
    """Give templates ``_()`` for translations and the common page state."""
    from .pages import template_globals

    @app.template_filter("todate")
    def todate(value: Any) -> date | None:
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None

    @app.context_processor
    def helpers():
        lang = g.get("lang", "id")

        def translate(key: str, **params: Any) -> str:
            return t(key, lang, **params)

        return {"_": translate, "lang": lang, "Markup": Markup, **template_globals()}
