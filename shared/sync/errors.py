"""The protocol's error body: ``{"error": {"code", "message", "details"}}``.

``code`` is for programs (the client decides what to do from it), ``message`` is for the kader, in
Bahasa Indonesia unless English is asked for, and ``details`` carries what the client needs to
recover (``expected_seq`` for ``seq_gap``, per-field messages for ``validation_error``).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from shared.i18n import DEFAULT_LANGUAGE, has, t

HTTP_STATUS: dict[str, int] = {
    "bad_request": 400,
    "invalid_json": 400,
    "validation_error": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "unsupported_media_type": 415,
    "payload_too_large": 413,
    "too_many_attempts": 429,
    "seq_gap": 409,
    "seq_reused": 409,
    "unknown_device": 403,
    "invalid_cursor": 400,
    "already_resolved": 409,
    "internal_error": 500,
    "unavailable": 503,
}

_FALLBACK_CODE = "bad_request"


def http_status(code: str) -> int:
    """Return the HTTP status that goes with an error code (400 for an unknown code)."""
    return HTTP_STATUS.get(code, 400)


def error_body(
    code: str,
    lang: str | None = DEFAULT_LANGUAGE,
    details: Mapping[str, Any] | None = None,
    message: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Build the error body for ``code``, its message in ``lang`` filled from ``details``.

    ``message`` replaces the catalogue's text. An unknown code keeps its code but gets the
    general ``bad_request`` message, so an error path never fails for want of a translation.
    """
    details = dict(details or {})
    if message is None:
        message = error_message(code, lang, details)
    return {"error": {"code": code, "message": message, "details": details}}


def error_message(
    code: str, lang: str | None = DEFAULT_LANGUAGE, details: Mapping[str, Any] | None = None
) -> str:
    """Return the kader-readable message for ``code``, filled from ``details`` when it can be."""
    key = f"sync.error.{code}" if has(f"sync.error.{code}") else f"sync.error.{_FALLBACK_CODE}"
    details = details or {}
    if not _placeholders(t(key, lang)) <= details.keys() and has(f"{key}.generic"):
        key = f"{key}.generic"
    return t(key, lang, **details)


def _placeholders(template: str) -> set[str]:
    """Return the names of the ``{placeholders}`` in ``template``."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
