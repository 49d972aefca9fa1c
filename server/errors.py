"""Every error as ``{"error": {"code", "message", "details"}}`` in the caller's language; never an HTML page."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from shared.i18n import normalize_language
from shared.strict_json import NonFinite, TooLarge, has_lone_surrogate, parse_strictly
from shared.sync.errors import error_body

log = logging.getLogger(__name__)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_attempts",
}


def request_language() -> str:
    """Return the caller's language from ``Accept-Language`` (Indonesian by default)."""
    header = request.headers.get("Accept-Language", "") if request else ""
    return normalize_language(header.split(",")[0].split(";")[0] if header else None)


class ApiError(Exception):
    """An error answered in the protocol's JSON shape."""

    def __init__(
        self,
        status: int,
        code: str,
        details: dict | None = None,
        message: str | None = None,
        headers: dict | None = None,
    ):
        super().__init__(code)
        self.status, self.code, self.details = status, code, details or {}
        self.message, self.headers = message, headers or {}


def error_response(status: int, code: str, details=None, message=None, headers=None):
    """Build the JSON error response."""
    body = error_body(code, request_language(), details=details or {}, message=message)
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _webargs_details(exc: HTTPException) -> dict:
    """Flatten webargs/marshmallow messages ({"json": {...}}) into {field: [sentences]}."""
    messages = (getattr(exc, "data", None) or {}).get("messages") or {}
    details: dict = {}
    for location in messages.values():
        if isinstance(location, dict):
            details.update(location)
    return details


# The request's JSON body as check_json_body read it: the endpoints' argument parser takes it from
# here instead of reading the body a second time.
PARSED_BODY = "posyandu.parsed_body"


def check_json_body() -> None:
    """Read an API request's JSON body strictly before the endpoint parses it.

    Refuses NaN/Infinity and literals that overflow to them (``1e999``: PostgreSQL cannot store
    them, even in the mutation log, and they are not standard JSON), integers longer than 19
    digits, lone UTF-16 surrogates in any string or key (``"\\ud800"``: no database can store
    one), nesting too deep for the parser (a RecursionError would be a 500) and anything that is
    not JSON, with a clear 400 or 422. The hooks keep the C scanner: the extra parse costs little.
    """
    if (
        request.method not in ("POST", "PUT", "PATCH")
        or not request.path.startswith("/api/")
        or not request.is_json
        or not request.content_length
    ):
        return
    from shared.i18n import t

    lang = request_language()
    data = request.get_data(cache=True)
    try:
        body = parse_strictly(data)
    except NonFinite:
        raise ApiError(400, "bad_request", message=t("server.json_non_finite", lang)) from None
    except TooLarge:
        raise ApiError(
            422, "validation_error", message=t("server.json_number_too_large", lang)
        ) from None
    except RecursionError:
        raise ApiError(400, "bad_request", message=t("server.too_deep", lang)) from None
    except ValueError:
        raise ApiError(400, "bad_request", message=t("server.not_json", lang)) from None
    if has_lone_surrogate(data, body):
        raise ApiError(422, "validation_error", message=t("server.lone_surrogate", lang))
    request.environ[PARSED_BODY] = body  # the endpoint's arguments take it (server/api/blueprint)


def register_error_handlers(app: Flask) -> None:
    """Answer every HTTP error and every unexpected exception in JSON."""

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.details, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        status = exc.code or 500
        if request.blueprint == "web" or (
            request.accept_mimetypes.accept_html and not request.path.startswith("/api/")
        ):
            return _html_error(status)
        code = STATUS_CODES.get(status, "bad_request" if status < 500 else "internal_error")
        details = _webargs_details(exc) if status == 422 else {}
        headers = dict(exc.get_headers()) if status == 405 else {}
        headers.pop("Content-Type", None)
        return error_response(status, code, details, headers=headers)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        if request.blueprint == "web":
            return _html_error(500)
        return error_response(500, "internal_error")


def _html_error(status: int):
    """Render an error page for the web pages, in the user's language."""
    from flask import render_template

    from shared.i18n import t
    from shared.sync.errors import error_body

    key = {403: "web.forbidden", 404: "web.not_found"}.get(status)
    lang = request_language()
    message = (
        t(key, lang)
        if key
        else error_body(STATUS_CODES.get(status, "internal_error"), lang)["error"]["message"]
    )
    return render_template("web/error.html", status=status, message=message), status
