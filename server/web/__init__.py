"""The Pokjanal view: the server's session-based web pages (Bahasa Indonesia first).

This module holds the blueprint, sign-in, CSRF, security headers and navigation. Each page is a
module that adds its routes to ``bp``: ``ringkasan``, ``tren``, ``anak``, ``konflik``, ``lokmin``,
``mutu_data``, ``evaluasi``, ``pengguna`` and ``ekspor`` (e-PPGBM, SIP Format 6). Pages import only
downwards, never another page: ``params`` (request parameters, BadRequest), ``format`` (display),
``downloads`` (CSV/XLSX) and ``scoped`` (what the user may read), which import only this module
and ``params``.

Every page checks the user's scope on the server; CSRF protects every form of this blueprint (the
token API is exempt).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlparse

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from server.auth import check_credentials, user_scope
from server.errors import ApiError
from server.extensions import db
from server.sync.replica import (
    end_web_reads,
    remember_web_write,
    route_web_reads,
    stale_minutes,
)
from server.web import (  # noqa: F401  (the message catalogues register themselves)
    messages,
    messages_kia,
    messages_review,
    messages_signals,
    messages_summary,
)
from server.web_sessions import SESSION_KEY, end_session, open_session, session_user
from shared.calendar import DEFAULT_ZONE
from shared.i18n import normalize_language, t

bp = Blueprint(
    "web",
    __name__,
    url_prefix="",
    template_folder="../templates",
    static_folder="../static/web",
    static_url_path="/static/web",
)
csrf = CSRFProtect()

NAV = [
    ("web.summary", "web.nav.summary", None),
    ("web.trend", "web.nav.trend", None),
    ("web.rank", "web.nav.rank", None),
    ("web.quality", "web.nav.quality", None),
    ("web.conflicts", "web.nav.conflicts", None),
    ("web.lokmin", "web.nav.lokmin", None),
    ("web.weekly", "web.nav.weekly", None),
    ("web.verify", "web.nav.verify", None),
    ("web.duplicates", "web.nav.duplicates", {"puskesmas", "dinas", "admin"}),
    ("web.reconcile", "web.nav.reconcile", {"puskesmas", "kecamatan", "dinas", "admin"}),
    ("web.kia", "web.nav.kia", None),
    ("web.deaths", "web.nav.deaths", None),
    ("web.odf", "web.nav.odf", None),
    ("web.signals", "web.nav.signals", None),
    ("web.ilp", "web.nav.ilp", None),
    ("web.meeting_pack", "web.nav.meeting_pack", {"puskesmas", "kecamatan", "dinas", "admin"}),
    ("web.bundles", "web.nav.bundles", {"puskesmas", "dinas", "admin"}),
    ("web.users", "web.nav.users", {"admin"}),
]


def language() -> str:
    """Return the page language: ?lang=, then the cookie, then Indonesian."""
    return normalize_language(request.args.get("lang") or request.cookies.get("lang") or "id")


def local_zone() -> str:
    """Return the kabupaten's time zone (``LOCAL_TIMEZONE``: WIB, WITA or WIT)."""
    return current_app.config.get("LOCAL_TIMEZONE") or DEFAULT_ZONE


@bp.before_app_request
def load_web_user() -> None:
    """Attach the signed-in web user (session cookie), if any."""
    g.web_user = None
    if session.get(SESSION_KEY) is not None and request.blueprint == "web":
        g.web_user = session_user(db.session, session.get(SESSION_KEY))


@bp.before_request
def protect_forms() -> None:
    """Check the CSRF token on every state-changing request of the web pages."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


# A GET reads from the replica (DATABASE_READ_URL) once the session check above has read the primary.
bp.before_request(route_web_reads)
bp.after_request(remember_web_write)
bp.teardown_request(end_web_reads)


@bp.errorhandler(CSRFError)
def csrf_failed(_exc: CSRFError):
    """Explain a refused form (missing, wrong or expired CSRF token) in the user's language."""
    return render_template(
        "web/error.html", status=400, message=t("web.csrf_failed", language())
    ), 400


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@bp.after_app_request
def security_headers(response):
    """Pages and downloads: no inline or foreign script, no framing, no sniffing, no caching."""
    if not request.path.startswith("/api/"):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if g.get("web_user") is not None and not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")  # health data
    return response


@bp.after_request
def remember_language(response):
    """Keep ?lang= as the user's choice."""
    if request.args.get("lang"):
        response.set_cookie("lang", language(), max_age=365 * 86400, samesite="Lax")
    return response


def login_required(roles: set[str] | None = None):
    """Require a signed-in user (of one of ``roles``); attach ``g.scope``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("web_user") is None:
                return redirect(url_for("web.login", next=request.full_path))
            if roles and g.web_user.role not in roles:
                abort(403)
            g.scope = user_scope(db.session, g.web_user)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.app_context_processor
def template_helpers() -> dict:
    """Give templates the translator, the language, the user and the navigation."""
    lang = language() if request else "id"
    user = g.get("web_user")
    nav = [
        (endpoint, label)
        for endpoint, label, roles in NAV
        if user is not None and (roles is None or user.role in roles)
    ]
    return {
        "_": lambda key, **params: t(key, lang, **params),
        "lang": lang,
        "web_user": user,
        "nav": nav,
        "stale_minutes": stale_minutes() if request else None,
    }


def _safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the summary (no open redirect).

    Refused: other sites (``//host``, ``/\\host``, a scheme), control characters (a newline
    would break the Location header) and anything long.
    """
    target = target or ""
    parsed = urlparse(target)
    if (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and not parsed.scheme
        and not parsed.netloc
        and len(target) <= 2000
        and not any(ord(ch) < 0x20 or ch in "\x7f\\" for ch in target)
    ):
        return target
    return url_for("web.summary")


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    """Sign in to the web pages (same password and throttle as device sign-in)."""
    error = None
    if request.method == "POST":
        try:
            user = check_credentials(
                db.session, request.form.get("username", ""), request.form.get("password", "")
            )
        except ApiError as exc:
            db.session.rollback()
            error = exc.message or t("server.login_failed", language())
            return render_template("web/login.html", error=error), exc.status
        session.clear()
        session[SESSION_KEY] = open_session(db.session, user)  # a random token, nothing else
        db.session.commit()
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")))
    return render_template("web/login.html", error=error)


@bp.route("/keluar", methods=["POST"])
def logout():
    """Sign out: the session ends on the server (a copied cookie no longer works)."""
    end_session(db.session, session.get(SESSION_KEY))
    db.session.commit()
    session.clear()
    return redirect(url_for("web.login"))


@bp.route("/")
def index():
    """Open the summary."""
    return redirect(url_for("web.summary"))


# The pages register their routes on bp.
from server.web import (  # noqa: E402,F401
    anak,
    bundel,
    data_ganda,
    ekspor,
    evaluasi,
    hari_buka,
    ilp,
    kematian,
    kia,
    konflik,
    lokmin,
    mutu_data,
    odf,
    paket,
    pengguna,
    peringkat,
    rekonsiliasi,
    ringkasan,
    sinyal,
    tren,
    verifikasi,
)
