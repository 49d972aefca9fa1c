"""``/api/v1/sync``: push, pull, ids and fetch (the protocol of DESIGN.md section 4)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_smorest import Blueprint

from server.auth import user_scope
from server.errors import ApiError, request_language
from server.extensions import db, token_auth
from server.models import Device, utcnow
from server.scope import FacilityIndex
from server.sync import pull as pull_mod
from server.sync.push import PushRefused, apply_push
from shared.i18n import t
from shared.sync import hlc as hlc_mod
from shared.sync import schemas

PUSH_ATTEMPTS = 3

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="Device synchronisation")


def json_response(body: dict, status: int = 200) -> Response:
    """Serialise a large body directly (the schemas document it; dumping through them is slow).

    A ``changes`` value with ``to_json`` (pull's raw rows) is spliced in as already-encoded JSON.
    """
    changes = body.get("changes")
    if hasattr(changes, "to_json"):
        rest = json.dumps(
            {k: v for k, v in body.items() if k != "changes"},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        text = '{"changes":' + changes.to_json() + ("," + rest[1:] if rest != "{}" else "}")
    else:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return Response(text, status=status, mimetype="application/json")


@blp.route("/push", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.PushRequestSchema)
@blp.response(200, schemas.PushResponseSchema)
@blp.alt_response(409, schema=schemas.ErrorSchema, description="seq_gap or seq_reused")
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
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        # The registry is read once per attempt and serves both the scope and the batch.
        facilities = FacilityIndex.load(db.session)
        scope = user_scope(db.session, g.user, facilities)
        try:
            result = apply_push(
                db.session,
                device,
                g.user,
                scope,
                body["mutations"],
                lang=request_language(),
                facilities=facilities,
                device_now_ms=device_now_ms,
                zone=current_app.config["LOCAL_TIMEZONE"],
            )
            db.session.commit()
            return json_response(result)
        except PushRefused as refused:
            db.session.rollback()
            status = 422 if refused.code == "validation_error" else 409
            raise ApiError(status, refused.code, refused.details) from None
        except sa.exc.OperationalError:
            # A deadlock or lock timeout between concurrent batches: the whole transaction was
            # rolled back, nothing of it applied, so running it again is safe.
            db.session.rollback()
            if attempt == PUSH_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@blp.route("/pull", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.PullQuerySchema, location="query")
@blp.response(200, schemas.PullResponseSchema)
@token_auth.login_required
def pull(query):
    """Return the next page of changes in the caller's scope, in commit order."""
    scope = user_scope(db.session, g.user)
    try:
        body = pull_mod.pull(
            db.session, scope, query.get("cursor"), query["limit"], digest=query["digest"]
        )
    except pull_mod.BadCursor:
        raise ApiError(
            400, "bad_request", {"cursor": [t("server.invalid_cursor", request_language())]}
        ) from None
    now = utcnow()
    g.device.last_pull_at = now
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
    return json_response(pull_mod.ids(db.session, scope, query.get("after"), query["limit"]))


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
