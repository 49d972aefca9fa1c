"""``/api/v1/reviews``: a posyandu-month submitted, verified, returned or reopened (issue #16)."""

from flask import current_app, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from server.auth import user_scope
from server.errors import ApiError, request_language
from server.extensions import db, token_auth
from server.sync.changes import Rejected
from server.sync.reviews import set_review
from shared.records.review_kinds import REVIEW_STATUSES

blp = Blueprint("reviews", __name__, url_prefix="/api/v1/reviews", description="Monthly review")


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


@blp.route("/<posyandu_id>/<period>", methods=["POST"])
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
