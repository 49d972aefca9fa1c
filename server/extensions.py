"""Extension singletons, bound to the app in ``create_app``."""

import sqlalchemy as sa
from flask import g, has_app_context
from flask_httpauth import HTTPTokenAuth
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migrations)."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class ReadRoutingSession(Session):
    """``db.session``'s class: a routed request's reads go to the replica, writes never do.

    ``server.sync.replica.route_web_reads`` sets ``g.read_engine`` for a Pokjanal GET; a flush or
    an INSERT/UPDATE/DELETE still goes to the primary.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        engine = g.get("read_engine") if has_app_context() else None
        if engine is not None and not self._flushing and not getattr(clause, "is_dml", False):
            return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


# expire_on_commit=False: the token check commits early (see auth.verify_token) and views keep
# using the loaded device and user afterwards. The session class sends a routed GET's reads to
# the replica (server/sync/replica.py).
db = SQLAlchemy(
    model_class=Base,
    session_options={"expire_on_commit": False, "class_": ReadRoutingSession},
)
migrate = Migrate(render_as_batch=True, compare_type=True)


class SyncApi(Api):
    """flask-smorest's Api with the protocol's error schema in the OpenAPI document."""

    from shared.sync.schemas import ErrorSchema as ERROR_SCHEMA  # noqa: N811


api = SyncApi()
token_auth = HTTPTokenAuth(scheme="Bearer")
