"""Run the real server on loopback for integration tests, and prepare its databases."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

import sqlalchemy as sa
from werkzeug.serving import make_server

BACKENDS = ["sqlite"] + (["postgres"] if os.environ.get("TEST_DATABASE_URL") else [])
_migrated: set[str] = set()


def database_url(backend: str, tmp_dir: str) -> str:
    """Return the database URL of ``backend`` for this test run."""
    if backend == "postgres":
        url = os.environ["TEST_DATABASE_URL"]
        return (
            url.replace("postgresql://", "postgresql+psycopg://", 1)
            if url.startswith("postgresql://")
            else url
        )
    return f"sqlite:///{tmp_dir}/server.sqlite3"


def test_config(url: str, **extra) -> dict:
    """Return the server settings used by tests."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": True,
        **extra,
    }


def reset_database(app) -> None:
    """Migrate the schema once per run and backend, then empty every table."""
    from server.cli import upgrade_database
    from server.extensions import db

    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        if url not in _migrated:
            with db.engine.begin() as conn:
                if db.engine.dialect.name == "postgresql":
                    conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            upgrade_database()
            _migrated.add(url)
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.exec_driver_sql(
                    "TRUNCATE "
                    + ", ".join(f'"{t.name}"' for t in tables)
                    + " RESTART IDENTITY CASCADE"
                )
            else:
                for table in tables:
                    conn.execute(table.delete())
            conn.execute(sa.text("INSERT INTO sync_counter (id, value) VALUES (1, 0)"))


class LiveServer:
    """The app served by werkzeug on 127.0.0.1 at a free port, in a thread."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@contextmanager
def live_server(app):
    """Serve ``app`` on loopback for the duration of the block."""
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()
