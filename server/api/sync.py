"""``/api/v1/sync``: push, pull, ids and fetch (the protocol of DESIGN.md section 4)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from flask import Response, current_app, g, request

from server.api.blueprint import Blueprint
from server.auth import user_scope
from server.errors import ApiError, request_language
from server.extensions import db, token_auth
from server.models import Device, utcnow
from server.sync import pull as pull_mod
from server.sync.push import PushRefused, run_push
from server.sync.replica import read_session
from shared import jsoncodec
from shared.i18n import register, t
from shared.sync import PROTOCOL_VERSION, schemas
from shared.sync import hlc as hlc_mod

# The sync protocol versions this server speaks (X-Protocol-Version of a request).
PROTOCOL_VERSIONS = (PROTOCOL_VERSION,)
PUSH_SLOTS = "posyandu.push_slots"

register(
    {
        "server.upgrade_required": {
            "id": "Versi aplikasi ini ({app_version}) sudah terlalu lama untuk server. Perbarui "
            "aplikasi ke versi {min_version} atau yang lebih baru. Data di perangkat tetap aman "
            "dan akan terkirim setelah aplikasi diperbarui.",
            "en": "This app version ({app_version}) is too old for the server. Update the app "
            "to version {min_version} or newer. The data on the device is safe and will be sent "
            "once the app is updated.",
        },
        "server.protocol_unsupported": {
            "id": "Aplikasi ini memakai protokol sinkronisasi versi {version}; server ini hanya "
            "menerima versi {supported}. Perbarui aplikasi. Data di perangkat tetap aman.",
            "en": "This app speaks sync protocol version {version}; this server accepts only "
            "version {supported}. Update the app. The data on the device is safe.",
        },
        "server.busy": {
            "id": "Server sedang sibuk melayani banyak perangkat. Data Anda aman di perangkat; "
            "pengiriman diulang otomatis dalam {seconds} detik.",
            "en": "The server is busy serving many devices. Your data is safe on the device; "
            "sending is retried automatically in {seconds} seconds.",
        },
    }
)

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="Device synchronisation")


def version_tuple(text: str | None) -> tuple[int, ...] | None:
    """Return ``"1.2.3"`` (or ``"1.2.3rc1"``, ``"v1.2"``) as ``(1, 2, 3)``; None if unreadable."""
    found = re.match(r"\s*v?(\d{1,6}(?:\.\d{1,6}){0,5})", text or "")
    return tuple(int(part) for part in found.group(1).split(".")) if found else None


def _check_versions() -> None:
    """Refuse (426) an app older than POSYANDU_MIN_APP_VERSION or a protocol this server lacks.

    Only what a request declares is checked: a request without ``X-App-Version`` (a script, an
    app from before versions were sent) is served as before. Nothing is changed by a refused
    request, so the app keeps its outbox and sends it once updated.
    """
    lang = request_language()
    protocol = request.headers.get("X-Protocol-Version")
    if protocol is not None and protocol.strip() not in {str(v) for v in PROTOCOL_VERSIONS}:
        supported = ", ".join(str(v) for v in PROTOCOL_VERSIONS)
        raise ApiError(
            426,
            "protocol_unsupported",
            {"protocol_versions": list(PROTOCOL_VERSIONS)},
            message=t(
                "server.protocol_unsupported", lang, version=protocol[:20], supported=supported
            ),
        )
    minimum = current_app.config.get("MIN_APP_VERSION") or ""
    declared = request.headers.get("X-App-Version")
    if not minimum or declared is None:
        return
    version = version_tuple(declared)
    if version is None or version < (version_tuple(minimum) or ()):
        raise ApiError(
            426,
            "upgrade_required",
            {"min_app_version": minimum, "app_version": declared[:40]},
            message=t(
                "server.upgrade_required", lang, app_version=declared[:40], min_version=minimum
            ),
        )


def _push_slots() -> threading.BoundedSemaphore:
    """Return this process's semaphore of concurrent pushes (POSYANDU_MAX_CONCURRENT_PUSHES)."""
    slots = current_app.extensions.get(PUSH_SLOTS)
    if slots is None:
        size = max(1, int(current_app.config.get("MAX_CONCURRENT_PUSHES") or 1))
        slots = current_app.extensions.setdefault(PUSH_SLOTS, threading.BoundedSemaphore(size))
    return slots


def _admit_push() -> None:
    """Take a push slot, waiting briefly; when none frees up answer 503 with Retry-After.

    Runs before the token check and the body parsing: a refusal costs the server no database
    work, and the device keeps everything (the client waits Retry-After, with jitter, and resends
    the same seqs: exactly once still holds).
    """
    wait = max(0, int(current_app.config.get("PUSH_QUEUE_WAIT_MS") or 0)) / 1000
    if not _push_slots().acquire(timeout=wait):
        seconds = max(1, int(current_app.config.get("BUSY_RETRY_AFTER") or 1))
        raise ApiError(
            503,
            "server_busy",
            {"retry_after_seconds": seconds},
            headers={"Retry-After": str(seconds)},
            message=t("server.busy", request_language(), seconds=seconds),
        )
    g.push_slot = True


@blp.before_app_request
def gate_api_request() -> None:
    """Before any other hook of an API request: check versions, then admit pushes."""
    if not request.path.startswith("/api/"):
        return
    _check_versions()
    if request.endpoint == "sync.push" and request.method == "POST":
        _admit_push()


@blp.teardown_app_request
def release_push_slot(_exc=None) -> None:
    """Give the push slot back, however the request ended."""
    if g.pop("push_slot", False):
        _push_slots().release()


@blp.after_app_request
def version_headers(response: Response) -> Response:
    """State on every API answer which protocol versions and app versions the server accepts."""
    if request.path.startswith("/api/"):
        response.headers["X-Protocol-Versions"] = ",".join(str(v) for v in PROTOCOL_VERSIONS)
        minimum = current_app.config.get("MIN_APP_VERSION")
        if minimum:
            response.headers["X-Min-App-Version"] = minimum
    return response


def json_response(body: dict, status: int = 200) -> Response:
    """Serialise a large body directly (the schemas document it; dumping through them is slow).

    A ``changes`` value with ``to_json`` (pull's raw rows) is spliced in as already-encoded JSON.
    """
    changes = body.get("changes")
    if hasattr(changes, "to_json"):
        rest = jsoncodec.dumps({k: v for k, v in body.items() if k != "changes"})
        text = '{"changes":' + changes.to_json() + ("," + rest[1:] if rest != "{}" else "}")
    else:
        text = jsoncodec.dumps(body)  # orjson where it writes the same values (a push's answer)
    return Response(text, status=status, mimetype="application/json")


@blp.route("/push", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.PushRequestSchema)
@blp.response(200, schemas.PushResponseSchema)
@blp.alt_response(409, schema=schemas.ErrorSchema, description="seq_gap or seq_reused")
@blp.alt_response(503, schema=schemas.ErrorSchema, description="server_busy, with Retry-After")
@token_auth.login_required
def push(body):
    """Apply a batch of mutations exactly once, in order, in one transaction."""
    device: Device = g.device
    if body["device_id"] != device.id:
        raise ApiError(
            403, "unknown_device", message=t("server.device_mismatch", request_language())
        )
    device_now_ms = None  # the device's clock when it sent the batch (optional header, v1)
    if request.headers.get("X-Device-Time"):
        try:
            device_now_ms = hlc_mod.iso_to_ms(request.headers["X-Device-Time"][:64])
        except ValueError:
            device_now_ms = None
    try:
        result = run_push(
            db.session,
            device,
            g.user,
            body["mutations"],
            lang=request_language(),
            zone=current_app.config["LOCAL_TIMEZONE"],
            device_now_ms=device_now_ms,
        )
    except PushRefused as refused:
        status = 422 if refused.code == "validation_error" else 409
        raise ApiError(status, refused.code, refused.details) from None
    return json_response(result)


# A device downloading its scope is noted at its first page, its last, and between them at most
# this often: a write per page was a disk flush per 1,000 records (issue #19, the pull).
PULL_NOTE_EVERY = timedelta(minutes=1)


def _note_pulled(device: Device, holds: str | None, more: bool, now) -> None:
    """Note when the device pulled and what it holds (the cursor it sent).

    The cursor a device sends is what it holds (it keeps a cursor only with its page): where a
    file bundle for it starts. A reset, or no cursor, means it holds nothing yet: noted at once.
    An older cursor kept a minute longer is safe: a bundle from it repeats changes the device
    already holds, which it skips. One further back than the kept one (a device restored from a
    copy) is noted at once.
    """
    last = device.last_pull_at
    if (
        holds is None
        or device.delivered_cursor is None
        or not more
        or _position(holds) <= _position(device.delivered_cursor)
        or last is None
        or not timedelta(0) <= now - last < PULL_NOTE_EVERY
    ):
        device.last_pull_at = now
        device.delivered_cursor = holds


def _position(cursor: str) -> int:
    """Return a cursor's position (-1 for one this server cannot read)."""
    try:
        return pull_mod.read_cursor(cursor)[0]
    except pull_mod.BadCursor:
        return -1


@blp.route("/pull", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.PullQuerySchema, location="query")
@blp.response(200, schemas.PullResponseSchema)
@token_auth.login_required
def pull(query):
    """Return the next page of changes in the caller's scope, in commit order."""
    scope = user_scope(db.session, g.user)
    try:
        with read_session() as reading:  # the replica (DATABASE_READ_URL), else the primary
            body = pull_mod.pull(
                reading, scope, query.get("cursor"), query["limit"], digest=query["digest"]
            )
    except pull_mod.BadCursor:
        raise ApiError(
            400, "bad_request", {"cursor": [t("server.invalid_cursor", request_language())]}
        ) from None
    now = utcnow()
    _note_pulled(g.device, None if body["reset"] else query.get("cursor"), body["more"], now)
    db.session.commit()
    body["server_time"] = now.isoformat(timespec="milliseconds")
    return json_response(body)


@blp.route("/ids", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.IdsQuerySchema, location="query")
@blp.response(200, schemas.IdsResponseSchema)
@token_auth.login_required
def ids(query):
    """List the ids and versions of live records in scope (for digest repair)."""
    scope = user_scope(db.session, g.user)
    with read_session() as reading:
        return json_response(pull_mod.ids(reading, scope, query.get("after"), query["limit"]))


@blp.route("/fetch", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.FetchRequestSchema)
@blp.response(200, schemas.FetchResponseSchema)
@token_auth.login_required
def fetch(body):
    """Return the current state of chosen records in scope (for digest repair)."""
    scope = user_scope(db.session, g.user)
    return json_response(pull_mod.fetch(db.session, scope, body["ids"]))


def requested_json() -> None:
    """Reject a non-UTF-8 body, or a NUL character anywhere, before anything parses it.

    PostgreSQL refuses NUL in text (SQLite stores it): no real record holds one, so it is a
    clear 400 here instead of a database error later.
    """
    if "\x00" in request.full_path or "%00" in request.query_string.decode("latin-1"):
        raise ApiError(400, "bad_request", message=t("server.nul_char", request_language()))
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "binary_body", False):
        return  # a file upload (lokmin attachments, device bundles): its view checks the bytes
    if request.method in ("POST", "PUT", "PATCH") and request.content_length:
        data = request.get_data(cache=True)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(
                400, "bad_request", message=t("server.not_utf8", request_language())
            ) from None
        if b"\x00" in data or b"\\u0000" in data:
            raise ApiError(400, "bad_request", message=t("server.nul_char", request_language()))
