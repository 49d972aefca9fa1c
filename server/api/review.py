"""Issue #16: ``/api/v1/reviews`` (a posyandu-month submitted, verified, returned or reopened) and
``/api/v1/persons/<id>/merge`` (one person, one record)."""

from flask import current_app, g
from marshmallow import Schema, fields, validate

from server.api.blueprint import Blueprint
from server.auth import user_scope
from server.errors import ApiError, request_language
from server.extensions import db, token_auth
from server.sync.changes import Rejected
from server.sync.person_merge import MergeError, merge_person
from server.sync.reviews import set_review
from shared.records.review_kinds import REVIEW_STATUSES

blp = Blueprint("reviews", __name__, url_prefix="/api/v1", description="Monthly review, merges")
MERGE_STATUS = {"not_found": 404, "forbidden": 403, "validation_error": 422}


class ReviewRequestSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(REVIEW_STATUSES))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ReviewSchema(Schema):
    id = fields.String()
    posyandu_id = fields.String()
    period = fields.String()
    status = fields.String()
    note = fields.String(allow_none=True)
    by = fields.String(allow_none=True)
    version = fields.Integer()


@blp.route("/reviews/<posyandu_id>/<period>", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(ReviewRequestSchema)
@blp.response(200, ReviewSchema)
@token_auth.login_required
def post_review(body, posyandu_id, period):
    """Submit, verify, return or reopen a posyandu-month (each role its steps, in its scope)."""
    scope = user_scope(db.session, g.user)
    try:
        row = set_review(
            db.session,
            g.user.username,
            scope,
            posyandu_id,
            period,
            body["status"],
            body.get("note"),
            lang=request_language(),
            zone=current_app.config["LOCAL_TIMEZONE"],
        )
    except Rejected as refused:
        db.session.rollback()
        if refused.code or "_schema" in refused.errors:  # a step or a unit not the caller's
            raise ApiError(403, "forbidden", refused.errors) from None
        raise ApiError(422, "validation_error", refused.errors) from None
    db.session.commit()
    return {**row.fields, "version": row.version}


class MergeRequestSchema(Schema):
    into = fields.String(required=True, validate=validate.Length(1, 64))
    fields = fields.Dict(
        keys=fields.String(validate=validate.Length(1, 64)),
        values=fields.String(validate=validate.OneOf(["duplicate", "survivor"])),
        load_default=dict,
    )


class MergeResultSchema(Schema):
    merged_into = fields.String()
    moved = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    already_merged = fields.Boolean()


@blp.route("/persons/<person_id>/merge", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(MergeRequestSchema)
@blp.response(200, MergeResultSchema)
@token_auth.login_required
def post_merge(body, person_id):
    """Merge a duplicate person into the survivor: its records move, it is deleted."""
    scope = user_scope(db.session, g.user)
    try:
        moved = merge_person(
            db.session,
            g.user.username,
            scope,
            person_id,
            body["into"],
            body["fields"],
            lang=request_language(),
        )
    except MergeError as exc:
        db.session.rollback()
        raise ApiError(MERGE_STATUS[exc.code], exc.code, exc.details) from None
    db.session.commit()
    return {"merged_into": body["into"], "moved": moved or {}, "already_merged": moved is None}
