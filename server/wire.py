"""gzip on the wire, both ways.

Requests: a WSGI middleware inflates ``Content-Encoding: gzip`` bodies with a hard cap. Werkzeug does
not decode compressed request bodies. A body that inflates past the cap (a gzip bomb) gets 413
before the application sees it; a corrupt one gets 400, both in the protocol's JSON. Responses: large
JSON answers are gzipped when the client accepts it.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib

from flask import Response, request

from shared.i18n import normalize_language
from shared.sync.errors import error_body

CHUNK = 64 * 1024
INFLATED = "posyandu.inflated"


def allow_inflated_length() -> None:
    """Before-request hook: an inflated body may be up to MAX_INFLATED_BYTES.

    Flask checks MAX_CONTENT_LENGTH against the length it sees, which for a gzip body is the
    inflated one; without this the inflated cap could never be reached.
    """
    from flask import current_app

    if request.environ.get(INFLATED):
        request.max_content_length = current_app.config["MAX_INFLATED_BYTES"]


class GzipRequestMiddleware:
    """Inflate gzip request bodies for the wrapped WSGI app."""

    def __init__(self, app, max_compressed: int, max_inflated: int):
        self.app, self.max_compressed, self.max_inflated = app, max_compressed, max_inflated

    def __call__(self, environ, start_response):
        encoding = environ.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding not in ("gzip", "x-gzip"):
            return self.app(environ, start_response)
        lang = normalize_language(environ.get("HTTP_ACCEPT_LANGUAGE", "").split(",")[0] or None)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_compressed:
            return self._error(start_response, 413, "payload_too_large", lang)
        raw = (
            environ["wsgi.input"].read(length)
            if length
            else environ["wsgi.input"].read(self.max_compressed + 1)
        )
        if len(raw) > self.max_compressed:
            return self._error(start_response, 413, "payload_too_large", lang)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = inflater.decompress(raw, self.max_inflated + 1)
            if len(body) > self.max_inflated or inflater.unconsumed_tail:
                return self._error(start_response, 413, "payload_too_large", lang)
            body += inflater.flush()
            if len(body) > self.max_inflated:
                return self._error(start_response, 413, "payload_too_large", lang)
            if not inflater.eof or inflater.unused_data:
                # A truncated stream (no trailer: the body was cut) or bytes after it: refuse,
                # never act on part of a batch.
                raise zlib.error("incomplete or trailing data")
        except zlib.error:
            return self._error(start_response, 400, "bad_request", lang, "server.bad_gzip")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ[INFLATED] = True  # the app lets this body reach max_inflated (see below)
        environ.pop("HTTP_CONTENT_ENCODING", None)
        return self.app(environ, start_response)

    @staticmethod
    def _error(start_response, status: int, code: str, lang: str, message_key: str | None = None):
        from shared.i18n import t

        body = error_body(code, lang, message=t(message_key, lang) if message_key else None)
        data = json.dumps(body).encode()
        reason = {400: "BAD REQUEST", 413: "REQUEST ENTITY TOO LARGE"}[status]
        start_response(
            f"{status} {reason}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]


# -- responses ------------------------------------------------------------------------------------

MIN_SIZE = 1024  # below this, gzip costs more than it saves


def compress_response(response: Response) -> Response:
    """Gzip the body of a large, uncompressed JSON response if ``Accept-Encoding`` allows."""
    if (
        response.direct_passthrough
        or response.status_code < 200
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
        or "Content-Encoding" in response.headers
        or not response.mimetype.endswith("json")
    ):
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response
