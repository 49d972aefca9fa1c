"""``/api/v1/auth``: sign in a device, and ask who a token is."""

from flask import g
from marshmallow import Schema, fields

from server.api.blueprint import Blueprint
from server.auth import login, user_scope
from server.extensions import db, token_auth
from server.models import utcnow
from shared.sync import schemas


class MeSchema(Schema):
    """Who a token belongs to."""

    user = fields.Nested(schemas.UserSchema, required=True)
    device_id = fields.String(required=True)
    server_time = fields.String(required=True)


blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in and identity")


def user_json(user, scope) -> dict:
    """Describe a user and their scope."""
    return {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "role": user.role,
        "unit": user.unit,
        "scope": scope.to_json(),
    }


@blp.route("/login", methods=["POST"])
@blp.arguments(schemas.LoginRequestSchema)
@blp.response(200, schemas.LoginResponseSchema)
def post_login(body):
    """Sign in: check the password and issue a token bound to a new device."""
    user, device, token = login(db.session, body["username"], body["password"], body["device_name"])
    scope = user_scope(db.session, user)
    db.session.commit()
    return {
        "token": token,
        "device_id": device.id,
        "user": user_json(user, scope),
        "server_time": utcnow().isoformat(timespec="milliseconds"),
    }


@blp.route("/me", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.response(200, MeSchema)
@token_auth.login_required
def get_me():
    """Tell who the token belongs to."""
    return {
        "user": user_json(g.user, user_scope(db.session, g.user)),
        "device_id": g.device.id,
        "server_time": utcnow().isoformat(timespec="milliseconds"),
    }
