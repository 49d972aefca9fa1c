"""The Posyandu Sync server: Flask app factory."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from server import (
    extensions,
    messages,  # noqa: F401  (registers the server's messages)
)
from server.config import (
    DEFAULTS,
    from_environment,
    load_secret_key,
    private_instance,
    private_sqlite_files,
)
from server.extensions import db, migrate
from shared import jsoncodec


def create_app(test_config: Mapping | None = None, instance_path: str | None = None) -> Flask:
    """Build the server app from the environment, or from ``test_config`` in tests."""
    instance_path = instance_path or os.environ.get("POSYANDU_DATA_DIR")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
    )
    private_instance(app.instance_path)  # 0700, its files (database, WAL, secret key) 0600
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        "hide_parameters": True,
        # JSON columns through orjson where it gives what the standard library gives
        "json_deserializer": jsoncodec.loads,
        "json_serializer": jsoncodec.dumps,
    }
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    configure_sessions(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_middleware(app)
    from server.warmup import ready_process

    ready_process(app)  # in each worker process, before its first push
    configure_logger(app)
    return app


def configure_sessions(app: Flask) -> None:
    """Web sessions live in the database (server/web_sessions.py); password checks are bounded."""
    from server.passwords import init_hash_slots
    from server.web_sessions import SessionInterface

    app.session_interface = SessionInterface()
    app.permanent_session_lifetime = timedelta(hours=app.config["WEB_SESSION_HOURS"])
    init_hash_slots(app)


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations and the OpenAPI-documented API."""
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
    extensions.api.init_app(
        app,
        spec_kwargs={
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}}
        },
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    files = [row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"]
    for path in files:  # before WAL mode creates the -wal and -shm files (they take its mode)
        private_sqlite_files(path)
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    for path in files:  # and after: a file SQLite created only now
        private_sqlite_files(path)


def register_blueprints(app: Flask) -> None:
    """Register the API blueprints and the web pages (CSRF checked on the pages only)."""
    from server.api import auth, conflicts, export, indicators, review, sync
    from server.auth import require_token_first
    from server.errors import check_json_body
    from server.web import bp as web_bp
    from server.web import csrf
    from server.wire import allow_inflated_length

    # ``extensions.api`` (flask-smorest), not ``server.api``: the package of the routes shares its name.
    for module in (auth, sync, conflicts, indicators, export, review):
        extensions.api.register_blueprint(module.blp)
    app.before_request(allow_inflated_length)
    app.before_request(require_token_first)
    app.before_request(sync.requested_json)
    app.before_request(check_json_body)
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # the web blueprint checks its own
    csrf.init_app(app)
    app.register_blueprint(web_bp)


def register_errorhandlers(app: Flask) -> None:
    """Answer every error in the protocol's JSON shape."""
    from server.errors import register_error_handlers

    register_error_handlers(app)


def register_middleware(app: Flask) -> None:
    """Inflate gzip request bodies (capped) and compress large responses when asked."""
    from server.wire import GzipRequestMiddleware, compress_response

    app.wsgi_app = GzipRequestMiddleware(
        app.wsgi_app, app.config["MAX_CONTENT_LENGTH"], app.config["MAX_INFLATED_BYTES"]
    )
    hops = int(app.config.get("BEHIND_PROXY") or 0)
    if hops > 0:  # trust that many proxies' X-Forwarded-* (client address, HTTPS, host)
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.after_request(compress_response)


def configure_logger(app: Flask) -> None:
    """Log at INFO unless testing."""
    if not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
