"""``/api/v1/conflicts``: the conflict queue for reviewers in scope."""

from flask import current_app, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server.auth import user_scope
from server.errors import ApiError, request_language
from server.extensions import db, token_auth
from server.sync.conflicts import ResolveError, conflict_json, conflicts_in_scope, resolve
from shared.sync import schemas

blp = Blueprint("conflicts", __name__, url_prefix="/api/v1/conflicts", description="Conflict queue")

STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409, "validation_error": 422}


class ConflictQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(["open", "resolved"]))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


class ConflictListSchema(Schema):
    conflicts = fields.List(fields.Nested(schemas.ConflictSchema))


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ConflictQuerySchema, location="query")
@blp.response(200, ConflictListSchema)
@token_auth.login_required
def list_conflicts(query):
    """List conflicts on records in the caller's scope, newest first."""
    scope = user_scope(db.session, g.user)
    items = conflicts_in_scope(
        db.session, scope, query.get("status"), query["limit"], query["offset"]
    )
    return {"conflicts": [conflict_json(c) for c in items]}


@blp.route("/<int:conflict_id>/resolve", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.ResolveRequestSchema)
@blp.response(200, schemas.ConflictSchema)
@token_auth.login_required
def resolve_conflict(body, conflict_id):
    """Resolve a conflict: keep the winner, or apply the losing value as a new change."""
    scope = user_scope(db.session, g.user)
    try:
        conflict = resolve(
            db.session,
            scope,
            conflict_id,
            body["choice"],
            g.user.username,
            lang=request_language(),
            zone=current_app.config["LOCAL_TIMEZONE"],
        )
    except ResolveError as exc:
        db.session.rollback()
        raise ApiError(STATUS[exc.code], exc.code, exc.details) from None
    db.session.commit()
    return conflict_json(conflict)
