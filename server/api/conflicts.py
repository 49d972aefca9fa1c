"""``/api/v1/conflicts``: the conflict queue for reviewers in scope, and for devices to follow it."""

from flask import current_app, g
from marshmallow import Schema, ValidationError, fields, validate, validates

from server.api.blueprint import Blueprint
from server.auth import user_scope
from server.errors import ApiError, request_language
from server.extensions import db, token_auth
from server.sync.conflicts import (
    MAX_RECORD_IDS,
    ResolveError,
    conflicts_in_scope,
    conflicts_json,
    reopen,
    resolve,
)
from shared.sync import schemas

blp = Blueprint("conflicts", __name__, url_prefix="/api/v1/conflicts", description="Conflict queue")

STATUS = {"not_found": 404, "forbidden": 403, "conflict": 409, "validation_error": 422}


class ConflictQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(["open", "resolved"]))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))
    record_ids = fields.String(
        validate=validate.Length(1, MAX_RECORD_IDS * 65),
        metadata={
            "description": "Comma-separated record ids (at most 200): only the conflicts on these "
            "records, open or resolved. A device asks this for the conflicts it shows as open, "
            "to learn a reviewer's resolution."
        },
    )

    @validates("record_ids")
    def _few_ids(self, value: str, **_kwargs) -> None:
        ids = [part for part in value.split(",") if part.strip()]
        if not ids or len(ids) > MAX_RECORD_IDS or any(len(i.strip()) > 64 for i in ids):
            raise ValidationError(f"1 to {MAX_RECORD_IDS} record ids of at most 64 characters")


class ConflictListSchema(Schema):
    conflicts = fields.List(fields.Nested(schemas.ConflictSchema))


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ConflictQuerySchema, location="query")
@blp.response(200, ConflictListSchema)
@token_auth.login_required
def list_conflicts(query):
    """List conflicts on records in the caller's scope, newest first, each with its audit."""
    scope = user_scope(db.session, g.user)
    record_ids = query.get("record_ids")
    items = conflicts_in_scope(
        db.session,
        scope,
        query.get("status"),
        query["limit"],
        query["offset"],
        record_ids=[i.strip() for i in record_ids.split(",") if i.strip()] if record_ids else None,
    )
    return {"conflicts": conflicts_json(db.session, scope, items)}


@blp.route("/<int:conflict_id>/resolve", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(schemas.ResolveRequestSchema)
@blp.response(200, schemas.ConflictSchema)
@token_auth.login_required
def resolve_conflict(body, conflict_id):
    """Resolve a conflict: keep the winner, or apply the losing value as a new change."""
    scope = user_scope(db.session, g.user)
    return _answer(
        scope,
        lambda: resolve(
            db.session,
            scope,
            conflict_id,
            body["choice"],
            g.user.username,
            lang=request_language(),
            zone=current_app.config["LOCAL_TIMEZONE"],
        ),
    )


@blp.route("/<int:conflict_id>/reopen", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, schemas.ConflictSchema)
@token_auth.login_required
def reopen_conflict(conflict_id):
    """Reopen a resolved conflict (the record keeps its value until it is resolved again)."""
    scope = user_scope(db.session, g.user)
    return _answer(scope, lambda: reopen(db.session, scope, conflict_id, g.user.username))


def _answer(scope, act):
    """Run a reviewer's action and commit it, or roll back and answer the protocol's error."""
    try:
        conflict = act()
    except ResolveError as exc:
        db.session.rollback()
        raise ApiError(STATUS[exc.code], exc.code, exc.details) from None
    db.session.commit()
    return conflicts_json(db.session, scope, [conflict])[0]
