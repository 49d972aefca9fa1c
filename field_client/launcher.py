"""Open the field client: a pywebview window, or a browser when no window toolkit is available.

The app is served by werkzeug on 127.0.0.1 (never on the network unless a kader turns on the
meja listener of field_client/pairing.py, which this closes on exit). pywebview is imported
lazily here and nowhere else, so the rest of the client runs without it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from shared.i18n import t

from . import pairing
from .app import create_app
from .instance import remove_instance, running_url, write_instance
from .printing import set_pdf_renderer
from .recovery import problem_text
from .security import new_launch_token
from .store import DB_FILENAME

LOOPBACK = "127.0.0.1"
log = logging.getLogger(__name__)


# A query-string value in a logged request line: the launch token, a searched name.
_QUERY_VALUE = re.compile(r"([?&][^=&\s\"']*=)[^&\s\"']*")


def redact_query(text: str) -> str:
    """Replace every query-string value in ``text`` by ``***``."""
    return _QUERY_VALUE.sub(r"\1***", text)


class RedactingRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, whose access and error log never shows query values.

    The launch URL carries the per-launch secret (``/?launch=...``) and searches carry names;
    the log shows ``/?launch=***`` instead.
    """

    def log(self, type: str, message: str, *args: Any) -> None:
        """Log like werkzeug, with query-string values redacted."""
        super().log(type, message, *(redact_query(a) if isinstance(a, str) else a for a in args))


def local_server(app, port: int = 0) -> BaseWSGIServer:
    """Return a threaded server for ``app`` bound to 127.0.0.1 (a free port when ``port`` is 0)."""
    return make_server(LOOPBACK, port, app, threaded=True, request_handler=RedactingRequestHandler)


def launch_url(server: BaseWSGIServer, token: str) -> str:
    """Return the address that opens the app and hands the browser its launch cookie."""
    return f"http://{LOOPBACK}:{server.server_port}/?launch={token}"


def has_display() -> bool:
    """Tell whether a window can be shown (on Linux: an X or Wayland display, or Qt offscreen)."""
    if sys.platform.startswith("linux"):
        return bool(
            os.environ.get("DISPLAY")
            or os.environ.get("WAYLAND_DISPLAY")
            or os.environ.get("QT_QPA_PLATFORM")
        )
    return True


def _load_webview():
    """Import pywebview, or return None when it (or its GUI toolkit) is missing."""
    try:
        import webview  # type: ignore[import-not-found]
    except Exception:  # ImportError, or a toolkit failing at import
        return None
    return webview


PDF_TIMEOUT_SECONDS = 60.0


def qt_pdf_renderer(window: Any, timeout: float = PDF_TIMEOUT_SECONDS) -> Callable[[], bytes]:
    """Return ``render()``: the window's current page as an A4 PDF, from Qt's ``printToPdf``.

    QtWebEngine ignores ``window.print()``, and pywebview's JS API cannot run under the app's
    Content-Security-Policy (it builds its functions with ``new Function``), so the page asks
    the local app (``POST /api/cetak/pdf``), whose request thread calls ``render()``. Qt must
    be called on its GUI thread: a small QObject moved there receives the request by a queued
    signal; the request thread waits for the PDF bytes (empty when Qt failed). A window that is
    not Qt's (WebView2 on Windows prints by itself) raises NotImplementedError.
    """
    lock = threading.Lock()
    printers: list[Any] = []

    def render() -> bytes:
        page = getattr(getattr(window.native, "webview", None), "page", None)
        if page is None or not hasattr(page(), "printToPdf"):
            raise NotImplementedError("not a QtWebEngine window")
        with lock:  # one PDF at a time: there is one window, and one page in it
            if not printers:
                printers.append(_qt_printer(page))
            job = {"event": threading.Event(), "pdf": b""}
            printers[0].requested.emit(job)
            if not job["event"].wait(timeout):
                raise TimeoutError("printToPdf did not finish")
            return job["pdf"]

    return render


def _qt_printer(page: Callable[[], Any]) -> Any:
    """Return a QObject living on Qt's GUI thread that prints ``page()`` when signalled."""
    from qtpy import QtCore, QtGui

    class Printer(QtCore.QObject):
        requested = QtCore.Signal(object)

        def __init__(self) -> None:
            super().__init__()
            self.requested.connect(self.print_page)

        @QtCore.Slot(object)
        def print_page(self, job: dict) -> None:
            layout = QtGui.QPageLayout(
                QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4),
                QtGui.QPageLayout.Orientation.Portrait,
                QtCore.QMarginsF(12, 12, 12, 12),
                QtGui.QPageLayout.Unit.Millimeter,
            )

            def done(data: Any) -> None:
                job["pdf"] = bytes(data)
                job["event"].set()

            try:
                page().printToPdf(done, layout)
            except Exception:
                log.exception("printToPdf could not start")
                job["event"].set()

    printer = Printer()
    printer.moveToThread(QtCore.QCoreApplication.instance().thread())
    return printer


def open_running(data_dir: str | Path, *, open_browser: bool = True) -> int:
    """Show (and open) the launch URL of the client running on ``data_dir``; 1 when none runs."""
    url = running_url(data_dir)
    if url is None:
        print(t("client.launcher.not_running"), file=sys.stderr)
        return 1
    print(t("client.launcher.running", url=url), flush=True)
    if open_browser:
        webbrowser.open(url)
    return 0


def run(
    data_dir: str | Path,
    *,
    browser: bool = False,
    port: int = 0,
    open_browser: bool = True,
    on_window: Callable[[Any, str], None] | None = None,
    server_url: str | None = None,
) -> int:
    """Serve the app and show it in a window (or a browser); return an exit status.

    A client already running on ``data_dir`` is opened instead of starting a second one on the
    same database. ``server_url`` is offered on the sign-in form (else ``POSYANDU_SERVER_URL``).
    ``on_window(window, launch_token)`` runs in pywebview's worker thread once the window
    exists (the window smoke test drives the page with it).
    """
    if running_url(data_dir) is not None:
        return open_running(data_dir, open_browser=open_browser)
    # No display (a server, CI, an SSH session): Qt would abort, so serve the browser instead.
    webview = None if browser or not has_display() else _load_webview()
    if not browser and webview is None:
        print(t("client.launcher.no_window"))
    token = getattr(webview, "token", None) or new_launch_token()
    try:  # a damaged file: recovery mode
        app = create_app(data_dir, token, auto_sync=True, default_server_url=server_url)
    except sqlite3.Error as exc:  # a full disk or an unreadable folder at the first open
        print(problem_text(exc, Path(data_dir) / DB_FILENAME), file=sys.stderr)
        return 2
    server = local_server(app, port)
    url = launch_url(server, token)
    context = app.extensions.get("posyandu")  # None in recovery mode (a damaged database)
    write_instance(data_dir, server.server_port, token)
    try:
        if webview is None:
            print(t("client.launcher.url", url=url), flush=True)
            if open_browser:
                webbrowser.open(url)
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
        else:
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            window = webview.create_window(
                t("client.app_name"), url, width=1200, height=820, min_size=(360, 480)
            )
            set_pdf_renderer(app, qt_pdf_renderer(window))
            if on_window is None:
                webview.start()
            else:
                webview.start(on_window, (window, token))
            server.shutdown()
    finally:
        pairing.shutdown(app)  # the LAN listener never outlives the app
        remove_instance(data_dir, token)
        server.server_close()
        if context is not None:
            context.close()
    return 0
